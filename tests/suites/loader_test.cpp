// Good suites: what load_suites makes of them (targets, cases, prerequisites, merging,
// expansion, paths, several files).
#include <algorithm>
#include <filesystem>
#include <map>

#include <boost/test/unit_test.hpp>

#include "suites/loader.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;

namespace {

EnvLookup environment(std::map<std::string, std::string> variables = {})
{
    return [variables](std::string_view name) -> std::optional<std::string> {
        auto found = variables.find(std::string(name));
        if (found == variables.end()) return std::nullopt;
        return found->second;
    };
}

// Loads one suite written to a fresh folder; the load must succeed.
struct Loaded {
    lab::TempDir dir;
    std::string file;
    LoadResult result;

    Loaded(const std::string& toml, std::map<std::string, std::string> variables = {},
           const std::string& name = "suite.toml")
        : file(dir.write(name, toml)), result(load_suites({file}, environment(std::move(variables))))
    {
        BOOST_TEST_INFO("errors: " << result.errors.size());
        for (const auto& e : result.errors) BOOST_TEST_MESSAGE(e);
        BOOST_REQUIRE(result.ok());
    }

    const Plan& plan() const { return result.plan; }
    const Target& target(std::string_view name) const
    {
        for (const auto& t : plan().targets)
            if (t.name == name) return t;
        BOOST_FAIL("no target " << name);
        throw;
    }
    // The retry policy of the target's cases (the target's own, else the suite's).
    const RetryPolicy& retry_of(std::string_view name) const
    {
        for (const auto& c : plan().cases)
            if (plan().target_of(c).name == name) return c.retry;
        BOOST_FAIL("target " << name << " has no case");
        throw;
    }
    // "target.case" of every case, in plan order.
    std::vector<std::string> case_ids() const
    {
        std::vector<std::string> ids;
        for (const auto& c : plan().cases) ids.push_back(plan().case_id(c));
        return ids;
    }
    // The case id of the prerequisite of `id`, or "".
    std::string prerequisite_of(const std::string& id) const
    {
        for (const auto& c : plan().cases)
            if (plan().case_id(c) == id)
                return c.prerequisite ? plan().case_id(plan().cases[*c.prerequisite]) : "";
        BOOST_FAIL("no case " << id);
        return "";
    }
};

LoadResult load_failing(const std::string& toml, std::map<std::string, std::string> variables = {})
{
    lab::TempDir dir;
    return load_suites({dir.write("suite.toml", toml)}, environment(std::move(variables)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(loader)

BOOST_AUTO_TEST_CASE(a_minimal_target_gets_every_default)
{
    Loaded l("[[target]]\nname = \"primary\"\nhost = \"db.internal\"\n", {}, "warehouse.toml");
    BOOST_TEST_REQUIRE(l.plan().suites.size() == 1u);
    BOOST_TEST(l.plan().suites[0].name == "warehouse");
    BOOST_TEST(l.plan().suites[0].file == l.file);
    BOOST_TEST(!l.plan().suites[0].jobs.has_value());
    const Target& t = l.target("primary");
    BOOST_TEST(t.suite == "warehouse");
    BOOST_TEST(t.qualified_name() == "warehouse.primary");
    BOOST_TEST(t.host == "db.internal");
    BOOST_TEST(t.port == 5432);
    BOOST_TEST(to_string(t.protocol) == "postgres");
    BOOST_TEST(t.tags.empty());
    BOOST_TEST(t.timeout.count() == 10'000);
    BOOST_TEST(t.client_cert.empty());
    BOOST_TEST(t.position.file == l.file);
    BOOST_TEST(t.position.line == 1);
    BOOST_TEST(t.position.column == 1);
    BOOST_TEST(l.plan().cases.empty());
}

BOOST_AUTO_TEST_CASE(suite_settings_flow_into_targets)
{
    Loaded l(R"([suite]
name = "warehouse"
timeout = "3s"
jobs = 4
retry = { attempts = 3, initial_delay = "200ms", max_delay = "5s", multiplier = 1.5, jitter = false }

[[target]]
name = "a"
host = "h"
port_open = true

[[target]]
name = "b"
host = "h"
timeout = "500ms"
retry = { attempts = 5 }
port_open = true
)");
    BOOST_TEST(l.plan().suites[0].name == "warehouse");
    BOOST_TEST(l.plan().suites[0].jobs.value_or(0) == 4);
    const Target& a = l.target("a");
    BOOST_TEST(a.suite == "warehouse");
    BOOST_TEST(a.timeout.count() == 3000);
    BOOST_TEST(l.retry_of("a").attempts == 3);
    BOOST_TEST(l.retry_of("a").initial_delay.count() == 200);
    BOOST_TEST(l.retry_of("a").max_delay.count() == 5000);
    BOOST_TEST(l.retry_of("a").multiplier == 1.5);
    BOOST_TEST(l.retry_of("a").jitter == false);
    const Target& b = l.target("b");
    BOOST_TEST(b.timeout.count() == 500);
    BOOST_TEST(l.retry_of("b").attempts == 5);  // field-wise over [suite].retry
    BOOST_TEST(l.retry_of("b").initial_delay.count() == 200);
    BOOST_TEST(l.retry_of("b").multiplier == 1.5);
}

BOOST_AUTO_TEST_CASE(defaults_deep_merge_and_the_target_wins)
{
    Loaded l(R"([defaults]
port = 6432
tags = ["prod"]
retry = { attempts = 4, initial_delay = "2s" }
port_open = true

[[target]]
name = "a"
host = "h"

[[target]]
name = "b"
host = "h"
port = 7000
tags = []
retry = { attempts = 6 }
)");
    const Target& a = l.target("a");
    BOOST_TEST(a.port == 6432);
    BOOST_TEST((a.tags == std::vector<std::string>{"prod"}));
    BOOST_TEST(l.retry_of("a").attempts == 4);
    const Target& b = l.target("b");
    BOOST_TEST(b.port == 7000);
    BOOST_TEST(b.tags.empty());
    BOOST_TEST(l.retry_of("b").attempts == 6);
    BOOST_TEST(l.retry_of("b").initial_delay.count() == 2000);  // from [defaults].retry, merged
}

BOOST_AUTO_TEST_CASE(case_tables_merge_with_defaults)
{
    // ports_closed refuses to load without `ports`: it only loads when [defaults]' table is
    // merged under the target's own.
    Loaded l(R"([defaults]
ports_closed = { ports = [22] }

[[target]]
name = "a"
host = "h"
ports_closed = {}
)");
    BOOST_TEST((l.case_ids() == std::vector<std::string>{"a.ports_closed"}));
    BOOST_TEST(!load_failing("[[target]]\nname = \"a\"\nhost = \"h\"\nports_closed = {}\n").ok());
}

BOOST_AUTO_TEST_CASE(case_true_keeps_the_defaults_options)
{
    Loaded l(R"([defaults]
ports_closed = { ports = [22] }

[[target]]
name = "a"
host = "h"
ports_closed = true
)");
    BOOST_TEST((l.case_ids() == std::vector<std::string>{"a.ports_closed"}));
    BOOST_TEST(!load_failing("[[target]]\nname = \"a\"\nhost = \"h\"\nports_closed = true\n").ok());
}

BOOST_AUTO_TEST_CASE(both_sides_of_a_merged_case_table_are_checked)
{
    auto result = load_failing(R"([defaults]
login = { zzz_from_defaults = 1 }

[[target]]
name = "a"
host = "h"
login = { zzz_from_target = 2 }
)");
    std::vector<std::string> expected{
        "2:11: unknown key `zzz_from_defaults` (in `login` of [defaults])",
        "7:11: unknown key `zzz_from_target` (in `login` of target \"a\")",
    };
    std::vector<std::string> reported;
    for (const auto& e : result.errors) reported.push_back(e.substr(e.find(".toml:") + 6));
    BOOST_TEST(reported == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(case_false_undoes_a_default)
{
    Loaded l(R"([defaults]
port_open = true
resolves = {}

[[target]]
name = "a"
host = "h"

[[target]]
name = "b"
host = "h"
port_open = false
)");
    BOOST_TEST((l.case_ids() == std::vector<std::string>{"a.resolves", "a.port_open", "b.resolves"}));
}

BOOST_AUTO_TEST_CASE(cases_follow_the_registry_order)
{
    Loaded l(R"([[target]]
name = "a"
host = "h"
login = true
certificate = true
port_open = true
tls = true
resolves = true
)");
    BOOST_TEST((l.case_ids() == std::vector<std::string>{"a.resolves", "a.port_open", "a.tls",
                                                         "a.certificate", "a.login"}));
}

BOOST_AUTO_TEST_CASE(prerequisites_pass_through_undeclared_cases)
{
    Loaded l(R"([[target]]
name = "a"
host = "h"
resolves = true
login = true

[[target]]
name = "b"
host = "h"
certificate = true
sessions = { count = 2 }

[[target]]
name = "c"
host = "h"
port_open = true
sessions = { count = 2 }
ports_closed = { ports = [1] }
tls = true
)");
    BOOST_TEST(l.prerequisite_of("a.resolves") == "");
    BOOST_TEST(l.prerequisite_of("a.login") == "a.resolves");
    BOOST_TEST(l.prerequisite_of("b.certificate") == "");
    BOOST_TEST(l.prerequisite_of("b.sessions") == "");
    BOOST_TEST(l.prerequisite_of("c.port_open") == "");
    BOOST_TEST(l.prerequisite_of("c.ports_closed") == "");
    BOOST_TEST(l.prerequisite_of("c.tls") == "c.port_open");
    BOOST_TEST(l.prerequisite_of("c.sessions") == "c.port_open");
    for (const auto& c : l.plan().cases) {
        BOOST_TEST(c.spec != nullptr);
        BOOST_TEST(l.plan().targets[c.target_index].name == l.plan().case_id(c).substr(0, 1));
    }
}

BOOST_AUTO_TEST_CASE(strings_expand_the_environment)
{
    Loaded l(R"([suite]
name = "${SUITE_NAME:-fallback}"
timeout = "${TIMEOUT}"

[[target]]
name = "a"
host = "${PGHOST}"
port = "${PGPORT:-5432}"
tags = ["${TAG}", "literal-$$", "$${NOT_EXPANDED}"]
)",
             {{"PGHOST", "db.internal"}, {"PGPORT", "6543"}, {"TIMEOUT", "2s"}, {"TAG", "prod"}});
    BOOST_TEST(l.plan().suites[0].name == "fallback");
    const Target& a = l.target("a");
    BOOST_TEST(a.host == "db.internal");
    BOOST_TEST(a.port == 6543);
    BOOST_TEST(a.timeout.count() == 2000);
    BOOST_TEST((a.tags == std::vector<std::string>{"prod", "literal-$", "${NOT_EXPANDED}"}));
}

BOOST_AUTO_TEST_CASE(paths_are_relative_to_the_suite_folder)
{
    lab::TempDir dir;
    std::filesystem::create_directories(dir.path() + "/nested");
    std::string file = dir.write("nested/suite.toml", R"([[target]]
name = "a"
host = "h"
client_cert = "certs/client.pem"
client_key = "/etc/keys/client.key"
)");
    LoadResult result = load_suites({file}, environment());
    BOOST_REQUIRE(result.ok());
    auto folder = std::filesystem::path(dir.path()) / "nested";
    BOOST_TEST(result.plan.targets[0].client_cert == (folder / "certs/client.pem").lexically_normal().string());
    BOOST_TEST(result.plan.targets[0].client_key == "/etc/keys/client.key");
}

BOOST_AUTO_TEST_CASE(several_files_keep_command_line_order)
{
    lab::TempDir dir;
    std::string second = dir.write("b.toml", "[[target]]\nname = \"x\"\nhost = \"h\"\nport_open = true\n");
    std::string first = dir.write("a.toml", R"([[target]]
name = "y"
host = "h"
port_open = true

[[target]]
name = "x"
host = "h"
)");
    LoadResult result = load_suites({second, first}, environment());
    BOOST_REQUIRE(result.ok());  // the same target name in two files is fine
    const Plan& plan = result.plan;
    BOOST_TEST_REQUIRE(plan.suites.size() == 2u);
    BOOST_TEST(plan.suites[0].name == "b");
    BOOST_TEST(plan.suites[1].name == "a");
    BOOST_TEST_REQUIRE(plan.targets.size() == 3u);
    BOOST_TEST(plan.targets[0].qualified_name() == "b.x");
    BOOST_TEST(plan.targets[1].qualified_name() == "a.y");
    BOOST_TEST(plan.targets[2].qualified_name() == "a.x");
    BOOST_TEST_REQUIRE(plan.cases.size() == 2u);
    BOOST_TEST(plan.cases[0].target_index == 0u);
    BOOST_TEST(plan.cases[1].target_index == 1u);
}

BOOST_AUTO_TEST_CASE(mistakes_of_several_files_come_in_command_line_order)
{
    lab::TempDir dir;
    std::string z = dir.write("z.toml", "[[target]]\nname = \"a\"\nhost = 1\nhots = 2\n");
    std::string a = dir.write("a.toml", "[suite]\ntimeout = \"x\"\n");
    LoadResult result = load_suites({z, a, dir.path() + "/missing.toml"}, environment());
    BOOST_TEST_REQUIRE(result.errors.size() == 4u);
    BOOST_TEST(result.errors[0] == z + ":3:8: `host` must be a string, not an integer (in target \"a\")");
    BOOST_TEST(result.errors[1] == z + ":4:1: unknown key `hots`, did you mean `host`? (in target \"a\")");
    BOOST_TEST(result.errors[2].starts_with(a + ":2:11: `timeout` must be a duration"));
    BOOST_TEST(result.errors[3] == dir.path() + "/missing.toml:1:1: cannot read the suite file: No such file or directory");
}

BOOST_AUTO_TEST_CASE(no_mistake_quotes_a_password)
{
    auto result = load_failing(R"([defaults]
login = { password = "hunter2-defaults" }

[[target]]
name = "a"
host = "h"
password = "hunter2-target"
login = { user = "${DB_PASSWORD}", zzz = "hunter2-zzz", password = "hunter2-case" }
sessions = { count = 1, hold = "${DB_PASSWORD}" }
)",
                               {{"DB_PASSWORD", "hunter2-env"}});
    BOOST_TEST(result.errors.size() >= 4u);
    for (const auto& e : result.errors) BOOST_TEST(e.find("hunter2") == std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(a_suite_without_targets_loads_empty)
{
    Loaded l("[suite]\nname = \"empty\"\n");
    BOOST_TEST(l.plan().suites.size() == 1u);
    BOOST_TEST(l.plan().targets.empty());
}

BOOST_AUTO_TEST_SUITE_END()
