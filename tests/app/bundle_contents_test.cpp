// What the support bundle writes, from data already gathered: redaction above all.
#include <boost/test/unit_test.hpp>

#include "app/bundle_contents.hpp"
#include "app/bundle_routes.hpp"

using namespace connspec;

BOOST_AUTO_TEST_CASE(password_variables_are_found_in_inline_and_plain_tables)
{
    auto names = password_variables(
        "[defaults]\nlogin = { user = \"app\", password_env = \"APP_DB_PASSWORD\" }\n"
        "[[target]]\n[target.sessions]\npassword_env = 'OTHER_PW'\n");
    BOOST_TEST(names == (std::vector<std::string>{"APP_DB_PASSWORD", "OTHER_PW"}));
}

BOOST_AUTO_TEST_CASE(secret_values_are_redacted_and_variable_names_kept)
{
    std::string suite =
        "login = { user = \"app\", password = \"hunter2\", password_env = \"APP_PW\" }\n"
        "api_token = 'tok-123'\n"
        "client_secret = bare-secret-value\n"
        "host = \"postgresql://app:uri-pass@db.internal/app\"\n"
        "note = \"the value s3cr3t-from-env appears here\"\n";
    auto out = redact_suite(suite, {"s3cr3t-from-env"});
    for (const char* secret : {"hunter2", "tok-123", "bare-secret-value", "uri-pass", "s3cr3t-from-env"})
        BOOST_TEST(out.find(secret) == std::string::npos, secret << " leaked:\n" << out);
    BOOST_TEST(out.find("password_env = \"APP_PW\"") != std::string::npos, out);
    BOOST_TEST(out.find("user = \"app\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_hosts_lines_naming_a_target_are_kept)
{
    std::string hosts = "127.0.0.1 localhost\n10.0.0.5 db.internal db # primary\n10.0.0.6 db.internal.old\n";
    BOOST_TEST(matching_hosts_lines(hosts, {"db.internal"}) == "10.0.0.5 db.internal db # primary\n");
    BOOST_TEST(matching_hosts_lines(hosts, {"primary"}).empty());
}

BOOST_AUTO_TEST_CASE(summary_names_failing_cases_with_category_and_hint)
{
    static const CheckKind k{"port_open", "", {Protocol::tcp}, "tcp.timeout", nullptr, nullptr};
    Plan plan;
    Target t;
    t.suite = "s";
    t.name = "db";
    plan.targets.push_back(t);
    plan.cases.push_back({0, &k, nullptr, std::nullopt, {}});
    Outcome o = failed("tcp.refused", "127.0.0.1:5432 refused the connection", "start the service");
    o.attempts = 3;
    auto text = summary_text(plan, {o}, 1);
    BOOST_TEST(text.find("s.db.port_open: failed tcp.refused") != std::string::npos, text);
    BOOST_TEST(text.find("hint: start the service") != std::string::npos);
    BOOST_TEST(text.find("attempts: 3") != std::string::npos);
    BOOST_TEST(text.find("0 passed, 1 failed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(routes_are_traced_to_the_addresses_port_open_could_not_reach)
{
    const CheckKind& port_open = *find_check_kind("port_open");
    const CheckKind& resolves = *find_check_kind("resolves");
    Plan plan;
    for (const char* name : {"one", "two", "fine", "proxied"}) {
        Target t;
        t.suite = "s";
        t.name = name;
        t.port = 5432;
        plan.targets.push_back(t);
    }
    plan.targets[3].via = Proxy{};
    for (std::size_t t = 0; t < plan.targets.size(); ++t) {
        plan.cases.push_back({t, &resolves, nullptr, std::nullopt, {}});
        plan.cases.push_back({t, &port_open, nullptr, std::nullopt, {}});
    }
    std::vector<Outcome> outcomes(plan.cases.size());
    // one: a single address, refused.
    outcomes[1] = failed("tcp.refused", "10.0.0.1:5432 refused the connection", "");
    // two: of two addresses one accepted, one timed out.
    outcomes[3] = failed("tcp.timeout", "1 of 2 addresses failed", "");
    outcomes[3].property("10.0.0.2:5432", "accepted in 1.000 ms");
    outcomes[3].property("[2001:db8::2]:5432", "no answer");
    // fine: passed; proxied: failed through its proxy.
    outcomes[7] = failed("proxy.refused", "refused by the proxy", "");
    // A failed resolves is no port_open.
    outcomes[4] = failed("dns.nxdomain", "no such name", "");
    std::vector<std::vector<std::string>> addresses{
        {"10.0.0.1"}, {"10.0.0.2", "2001:db8::2"}, {"10.0.0.3"}, {"10.0.0.4"}};

    auto found = failed_port_open_addresses(plan, outcomes, addresses);
    BOOST_REQUIRE(found.size() == 2u);
    BOOST_TEST(found[0].target_index == 0u);
    BOOST_TEST(found[0].address == "10.0.0.1");
    BOOST_TEST(found[1].target_index == 1u);
    BOOST_TEST(found[1].address == "2001:db8::2");

    Outcome traced = failed("route.blocked", "hop 2 answered, hop 3 silent", "ask the network team");
    traced.property("hops", "1 10.9.0.1 0.2 ms\n2 10.9.1.1 0.4 ms\n3 *");
    auto text = route_text(plan, found[1], traced);
    BOOST_TEST(text.find("route to [2001:db8::2]:5432 (port_open of s.two failed there): failed route.blocked")
                   != std::string::npos, text);
    BOOST_TEST(text.find("hops:\n1 10.9.0.1") != std::string::npos, text);
}
