// Every tests/suites/bad/*.toml is one loader rule: its leading comments say which mistakes
// load_suites must report for it, exactly (see bad/README.md).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "suites/loader.hpp"

namespace fs = std::filesystem;
using namespace connspec;

namespace {

fs::path bad_folder()
{
    const char* root = std::getenv("CONNSPEC_SOURCE_ROOT");
    return fs::path(root ? root : ".") / "tests" / "suites" / "bad";
}

std::vector<std::string> bad_suite_names()
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(bad_folder(), ec))
        if (entry.path().extension() == ".toml") names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

struct Expectation {
    std::vector<std::string> errors;  // "LINE:COL: message"
    std::map<std::string, std::string> env;
};

// The leading comment block: "# expect: ..." and "# env: NAME=value" lines.
Expectation read_expectation(const fs::path& file)
{
    Expectation e;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line) && line.starts_with("#")) {
        constexpr std::string_view expect = "# expect: ", env = "# env: ";
        if (line.starts_with(expect)) {
            e.errors.push_back(line.substr(expect.size()));
        } else if (line.starts_with(env)) {
            std::string assignment = line.substr(env.size());
            auto equals = assignment.find('=');
            e.env[assignment.substr(0, equals)] =
                equals == std::string::npos ? "" : assignment.substr(equals + 1);
        }
    }
    return e;
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_suites_are_there)
{
    BOOST_TEST(bad_suite_names().size() >= 30u, "bad suites in " << bad_folder());
}

BOOST_DATA_TEST_CASE(bad_suite_reports_exactly_its_mistakes,
                     boost::unit_test::data::make(bad_suite_names()), name)
{
    fs::path file = bad_folder() / name;
    Expectation expected = read_expectation(file);
    BOOST_TEST_CONTEXT("suite " << file.string())
    {
        BOOST_TEST(!expected.errors.empty(), "a bad suite must expect at least one mistake");
        EnvLookup env = [variables = expected.env](std::string_view variable) -> std::optional<std::string> {
            auto found = variables.find(std::string(variable));
            if (found == variables.end()) return std::nullopt;
            return found->second;
        };
        LoadResult result = load_suites({file.string()}, env);

        std::vector<std::string> reported;
        std::string prefix = file.string() + ":";
        for (const auto& error : result.errors) {
            BOOST_TEST(error.starts_with(prefix), "FILE prefix missing: " << error);
            reported.push_back(error.starts_with(prefix) ? error.substr(prefix.size()) : error);
        }
        BOOST_TEST(reported == expected.errors, boost::test_tools::per_element());
    }
}
