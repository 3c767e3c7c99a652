// ${NAME}, ${NAME:-default} and $$ in suite strings.
#include <map>

#include <boost/test/unit_test.hpp>

#include "suites/env_expand.hpp"

using namespace connspec;

BOOST_TEST_DONT_PRINT_LOG_VALUE(connspec::ExpansionProblem::Kind)

namespace {

EnvLookup environment(std::map<std::string, std::string> variables)
{
    return [variables](std::string_view name) -> std::optional<std::string> {
        auto found = variables.find(std::string(name));
        if (found == variables.end()) return std::nullopt;
        return found->second;
    };
}

std::string expanded(std::string_view text, const EnvLookup& env)
{
    auto result = expand_variables(text, env);
    BOOST_REQUIRE_MESSAGE(result.value.has_value(), "could not expand " << text);
    return *result.value;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(env_expand)

BOOST_AUTO_TEST_CASE(variables_are_replaced)
{
    auto env = environment({{"HOST", "db.internal"}, {"PORT", "5432"}});
    BOOST_TEST(expanded("${HOST}", env) == "db.internal");
    BOOST_TEST(expanded("postgres://${HOST}:${PORT}/x", env) == "postgres://db.internal:5432/x");
    BOOST_TEST(expanded("no variables", env) == "no variables");
    BOOST_TEST(expanded("", env) == "");
}

BOOST_AUTO_TEST_CASE(defaults_apply_when_unset_or_empty)
{
    auto env = environment({{"SET", "value"}, {"EMPTY", ""}, {"FALLBACK", "fb"}});
    BOOST_TEST(expanded("${UNSET:-db.internal}", env) == "db.internal");
    BOOST_TEST(expanded("${EMPTY:-db.internal}", env) == "db.internal");
    BOOST_TEST(expanded("${SET:-db.internal}", env) == "value");
    BOOST_TEST(expanded("${UNSET:-}", env) == "");
    BOOST_TEST(expanded("${UNSET:-${FALLBACK}}", env) == "fb");
    BOOST_TEST(expanded("${UNSET:-a:-b}", env) == "a:-b");
}

BOOST_AUTO_TEST_CASE(a_set_empty_variable_without_default_is_empty)
{
    BOOST_TEST(expanded("x${EMPTY}y", environment({{"EMPTY", ""}})) == "xy");
}

BOOST_AUTO_TEST_CASE(double_dollar_is_a_literal_dollar)
{
    auto env = environment({{"HOST", "h"}});
    BOOST_TEST(expanded("$$", env) == "$");
    BOOST_TEST(expanded("$${HOST}", env) == "${HOST}");
    BOOST_TEST(expanded("$$$${HOST}", env) == "$${HOST}");
    BOOST_TEST(expanded("$$${HOST}", env) == "$h");
    BOOST_TEST(expanded("price: 5$", env) == "price: 5$");
    BOOST_TEST(expanded("$HOST", env) == "$HOST");
}

BOOST_AUTO_TEST_CASE(an_unset_variable_is_named_without_its_value)
{
    auto result = expand_variables("a ${MISSING} b", environment({}));
    BOOST_TEST(!result.value.has_value());
    BOOST_TEST(result.problem.kind == ExpansionProblem::Kind::unset_variable);
    BOOST_TEST(result.problem.variable == "MISSING");
}

BOOST_AUTO_TEST_CASE(an_unset_variable_inside_a_default_is_reported)
{
    auto result = expand_variables("${A:-${B}}", environment({}));
    BOOST_TEST(result.problem.kind == ExpansionProblem::Kind::unset_variable);
    BOOST_TEST(result.problem.variable == "B");
}

BOOST_AUTO_TEST_CASE(malformed_references_are_refused)
{
    auto env = environment({{"HOST", "h"}});
    BOOST_TEST(expand_variables("${HOST", env).problem.kind == ExpansionProblem::Kind::unterminated);
    BOOST_TEST(!expand_variables("${HOST", env).value.has_value());
    for (const char* text : {"${}", "${1A}", "${A B}", "${A-b}", "${:-x}"}) {
        auto result = expand_variables(text, env);
        BOOST_TEST(!result.value.has_value(), text);
        BOOST_TEST(result.problem.kind == ExpansionProblem::Kind::bad_reference, text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
