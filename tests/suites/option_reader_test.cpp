// The OptionReader over TOML: typed getters, positions, [defaults] merge, unknown keys, quiet
// values, paths and siblings.
#include <algorithm>
#include <map>

#include <boost/test/unit_test.hpp>

#include "suites/mistakes.hpp"
#include "suites/suite_file.hpp"
#include "suites/toml_option_reader.hpp"
#include "suites/toml_view.hpp"

using namespace connspec;

namespace {

// One parsed document and a reader over its [own] table merged over its [base] table.
struct Fixture {
    explicit Fixture(std::string_view document, bool quiet = false,
                     std::map<std::string, std::string> variables = {})
        : variables_(std::move(variables)),
          root(toml::parse(document, std::string_view{"suite.toml"}))
    {
        env = [this](std::string_view name) -> std::optional<std::string> {
            auto found = variables_.find(std::string(name));
            if (found == variables_.end()) return std::nullopt;
            return found->second;
        };
        file = SuiteFile{0, "suite.toml", "/suites/here", &env, &mistakes};
        const toml::table* base = root["base"].as_table();
        const toml::table* own = root["own"].as_table();
        view = merge_tables(base, own);
        reader = std::make_unique<TomlOptionReader>(
            file, view, toml::source_position{1, 1}, Origin::own,
            Scope{"`case` of target \"t\"", "`case` of [defaults]"}, target, quiet,
            [this](std::string_view name) -> std::shared_ptr<const TomlView> {
                if (const auto* sibling = root[name].as_table()) return merge_tables(nullptr, sibling);
                return nullptr;
            });
    }

    std::vector<std::string> errors() const { return mistakes.sorted(); }

    std::map<std::string, std::string> variables_;
    toml::table root;
    EnvLookup env;
    Mistakes mistakes;
    SuiteFile file;
    Target target;
    std::shared_ptr<const TomlView> view;
    std::unique_ptr<TomlOptionReader> reader;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(option_reader)

BOOST_AUTO_TEST_CASE(getters_return_typed_values)
{
    Fixture f(R"([own]
text = "abc"
flag = true
count = 7
ratio = 0.5
whole = 2
wait = "1.5s"
names = ["a", "b"]
ports = [22, 5433]
family = "ipv4"
version = "1.3"
)");
    auto& r = *f.reader;
    BOOST_TEST(r.string("text").value_or("") == "abc");
    BOOST_TEST(r.boolean("flag").value_or(false) == true);
    BOOST_TEST(r.integer("count", 1, 10).value_or(0) == 7);
    BOOST_TEST(r.number("ratio", 0.0, 1.0).value_or(0) == 0.5);
    BOOST_TEST(r.number("whole", 0.0, 10.0).value_or(0) == 2.0);
    BOOST_TEST(r.duration("wait").value_or(Duration{0}).count() == 1500);
    BOOST_TEST((r.strings("names").value_or(std::vector<std::string>{}) == std::vector<std::string>{"a", "b"}));
    BOOST_TEST((r.ports("ports").value_or(std::vector<int>{}) == std::vector<int>{22, 5433}));
    BOOST_TEST(r.choice("family", {"any", "ipv4", "ipv6"}).value_or("") == "ipv4");
    BOOST_TEST(r.tls_version("version").value_or("") == "1.3");
    r.report_unknown_keys();
    BOOST_TEST(f.errors().empty());
}

BOOST_AUTO_TEST_CASE(absent_keys_are_nullopt_without_a_mistake)
{
    Fixture f("[own]\n");
    auto& r = *f.reader;
    BOOST_TEST(!r.string("a").has_value());
    BOOST_TEST(!r.integer("b", 0, 1).has_value());
    BOOST_TEST(!r.duration("c").has_value());
    BOOST_TEST(!r.path("d").has_value());
    BOOST_TEST(!r.has("e"));
    BOOST_TEST(f.errors().empty());
}

BOOST_AUTO_TEST_CASE(wrong_types_are_recorded_at_the_value)
{
    Fixture f(R"([own]
count = "7"
flag = 1
wait = 10
ports = [22, "ssh"]
)");
    auto& r = *f.reader;
    BOOST_TEST(!r.integer("count", 1, 10).has_value());
    BOOST_TEST(!r.boolean("flag").has_value());
    BOOST_TEST(!r.duration("wait").has_value());
    BOOST_TEST(!r.ports("ports").has_value());
    std::vector<std::string> expected{
        "suite.toml:2:9: `count` must be an integer, not a string (in `case` of target \"t\")",
        "suite.toml:3:8: `flag` must be true or false, not an integer (in `case` of target \"t\")",
        "suite.toml:4:8: `wait` must be a duration such as \"250ms\" or \"1.5s\" (a string with a unit), "
        "not an integer (in `case` of target \"t\")",
        "suite.toml:5:14: `ports` must hold only port numbers, not a string (in `case` of target \"t\")",
    };
    BOOST_TEST(f.errors() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ranges_are_checked)
{
    Fixture f(R"([own]
count = 0
ratio = 1.5
ports = [0, 65536]
)");
    auto& r = *f.reader;
    BOOST_TEST(!r.integer("count", 1, 100).has_value());
    BOOST_TEST(!r.number("ratio", 0.0, 1.0).has_value());
    BOOST_TEST(!r.ports("ports").has_value());
    std::vector<std::string> expected{
        "suite.toml:2:9: `count` must be between 1 and 100, not 0 (in `case` of target \"t\")",
        "suite.toml:3:9: `ratio` must be between 0 and 1, not 1.5 (in `case` of target \"t\")",
        "suite.toml:4:10: `ports` must hold port numbers between 1 and 65535, not 0 (in `case` of target \"t\")",
        "suite.toml:4:13: `ports` must hold port numbers between 1 and 65535, not 65536 (in `case` of target \"t\")",
    };
    BOOST_TEST(f.errors() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(strings_expand_variables)
{
    Fixture f(R"([own]
host = "${HOST}:${PORT:-5432}$$"
names = ["${HOST}", "x"]
wait = "${WAIT}"
)",
              false, {{"HOST", "db"}, {"WAIT", "2s"}});
    auto& r = *f.reader;
    BOOST_TEST(r.string("host").value_or("") == "db:5432$");
    BOOST_TEST((r.strings("names").value_or(std::vector<std::string>{}) == std::vector<std::string>{"db", "x"}));
    BOOST_TEST(r.duration("wait").value_or(Duration{0}).count() == 2000);
    BOOST_TEST(f.errors().empty());
}

BOOST_AUTO_TEST_CASE(numbers_may_come_from_variables)
{
    Fixture f(R"([own]
port = "${PORT:-5432}"
ratio = "${RATIO}"
literal = "5432"
bad = "${WORD}"
)",
              false, {{"RATIO", "0.25"}, {"WORD", "many"}});
    auto& r = *f.reader;
    BOOST_TEST(r.integer("port", 1, 65535).value_or(0) == 5432);
    BOOST_TEST(r.number("ratio", 0.0, 1.0).value_or(0) == 0.25);
    BOOST_TEST(!r.integer("literal", 1, 65535).has_value());
    BOOST_TEST(!r.integer("bad", 1, 65535).has_value());
    std::vector<std::string> expected{
        "suite.toml:4:11: `literal` must be an integer, not a string (in `case` of target \"t\")",
        "suite.toml:5:7: `bad` must be an integer, not \"many\" (in `case` of target \"t\")",
    };
    BOOST_TEST(f.errors() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(paths_resolve_against_the_suite_folder)
{
    Fixture f(R"([own]
ca = "certs/ca.pem"
up = "../shared/ca.pem"
absolute = "/etc/ssl/ca.pem"
)");
    auto& r = *f.reader;
    BOOST_TEST(r.path("ca").value_or("") == "/suites/here/certs/ca.pem");
    BOOST_TEST(r.path("up").value_or("") == "/suites/shared/ca.pem");
    BOOST_TEST(r.path("absolute").value_or("") == "/etc/ssl/ca.pem");
}

BOOST_AUTO_TEST_CASE(bad_choices_and_versions_list_what_is_allowed)
{
    Fixture f(R"([own]
family = "ip4"
version = "1.4"
)");
    auto& r = *f.reader;
    BOOST_TEST(!r.choice("family", {"any", "ipv4", "ipv6"}).has_value());
    BOOST_TEST(!r.tls_version("version").has_value());
    std::vector<std::string> expected{
        "suite.toml:2:10: `family` must be \"any\", \"ipv4\" or \"ipv6\", not \"ip4\" (in `case` of target \"t\")",
        "suite.toml:3:11: `version` must be a TLS version, \"1.0\", \"1.1\", \"1.2\" or \"1.3\", not \"1.4\" "
        "(in `case` of target \"t\")",
    };
    BOOST_TEST(f.errors() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(quiet_readers_never_quote_values)
{
    Fixture f(R"([own]
sslmode = "hunter2-secret"
hold = "${SECRET}"
count = "${SECRET}"
)",
              true, {{"SECRET", "hunter2-secret"}});
    auto& r = *f.reader;
    BOOST_TEST(!r.choice("sslmode", {"require", "verify-full"}).has_value());
    BOOST_TEST(!r.duration("hold").has_value());
    BOOST_TEST(!r.integer("count", 1, 10).has_value());
    auto errors = f.errors();
    BOOST_TEST(errors.size() == 3u);
    for (const auto& e : errors) BOOST_TEST(e.find("hunter2") == std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(unread_keys_are_unknown_with_a_suggestion)
{
    Fixture f(R"([own]
adresses = ["1.2.3.4"]
exact = true
zzz = 1
)");
    auto& r = *f.reader;
    r.strings("addresses");
    r.boolean("exact");
    r.choice("family", {"any"});
    r.report_unknown_keys();
    std::vector<std::string> expected{
        "suite.toml:2:1: unknown key `adresses`, did you mean `addresses`? (in `case` of target \"t\")",
        "suite.toml:4:1: unknown key `zzz` (in `case` of target \"t\")",
    };
    BOOST_TEST(f.errors() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(has_makes_a_key_known)
{
    Fixture f("[own]\nflag = true\n");
    BOOST_TEST(f.reader->has("flag"));
    f.reader->report_unknown_keys();
    BOOST_TEST(f.errors().empty());
}

BOOST_AUTO_TEST_CASE(defaults_merge_under_own_values_and_keep_their_positions)
{
    Fixture f(R"([base]
user = "app"
port = "x"

[own]
user = "admin"
database = "db"
)");
    auto& r = *f.reader;
    BOOST_TEST(r.string("user").value_or("") == "admin");
    BOOST_TEST(r.string("database").value_or("") == "db");
    BOOST_TEST(!r.integer("port", 1, 65535).has_value());
    std::vector<std::string> expected{
        "suite.toml:3:8: `port` must be an integer, not a string (in `case` of [defaults])",
    };
    BOOST_TEST(f.errors() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(errors_point_at_the_key_or_the_table)
{
    Fixture f("[own]\nmax = \"1.0\"\n");
    f.reader->error("max", "`max` is below `min`");
    f.reader->error("", "the case needs `min`");
    f.reader->error("absent", "`absent` is needed");
    std::vector<std::string> expected{
        "suite.toml:1:1: the case needs `min` (in `case` of target \"t\")",
        "suite.toml:1:1: `absent` is needed (in `case` of target \"t\")",
        "suite.toml:2:7: `max` is below `min` (in `case` of target \"t\")",
    };
    BOOST_TEST(f.errors() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(siblings_are_read_without_mistakes_or_marks)
{
    Fixture f(R"([own]
[certificate]
ca = "certs/ca.pem"
sni = 5
)");
    auto& r = *f.reader;
    BOOST_TEST(r.sibling_path("certificate", "ca").value_or("") == "/suites/here/certs/ca.pem");
    BOOST_TEST(r.sibling_string("certificate", "ca").value_or("") == "certs/ca.pem");
    BOOST_TEST(!r.sibling_string("certificate", "sni").has_value());
    BOOST_TEST(!r.sibling_string("login", "user").has_value());
    BOOST_TEST(f.errors().empty());
}

BOOST_AUTO_TEST_CASE(password_keys_are_left_out_of_views)
{
    Fixture f("[own]\npassword = \"x\"\nuser = \"u\"\n");
    BOOST_TEST(!f.reader->has("password"));
    BOOST_TEST(f.view->fields.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
