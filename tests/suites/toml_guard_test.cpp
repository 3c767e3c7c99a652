// The guard in front of toml++ 3.3: valid TOML with non-ASCII text wherever TOML allows it
// passes untouched; non-ASCII where toml++ would ask its broken whitespace table is caught,
// with the line and column toml++ would give.
#include <boost/test/unit_test.hpp>

#include "suites/toml_guard.hpp"

using connspec::toml_guard_problem;

BOOST_AUTO_TEST_SUITE(toml_guard)

BOOST_AUTO_TEST_CASE(non_ascii_where_toml_allows_it_passes)
{
    const char* valid[] = {
        "name = \"café\" # über\n",
        "\xEF\xBB\xBFname = 'Ϛ'\n",
        "[\"é\".'ü']\nx = 1\n",
        "a.\"é\" = 1\n",
        "x = [\n  \"é\", # ü\n  'Ϛ',\n]\n",
        "t = { a = \"é\", \"ü\" = 'x', b = { c = \"Ϛ\" } }\n",
        "x = [{ a = 1 }, \"é\"]\n",
        "m = \"\"\"é\n\"\"Ϛ\"\"\"\"\" # ü\n",
        "l = '''é\n''Ϛ'''''\n",
        "e = \"a \\\" é\"\n",
        "c = \"\"\"foo \\\n   bar é\"\"\"\n",
        "d = 1.5 # é\n",
    };
    for (const char* text : valid) BOOST_TEST(!toml_guard_problem(text).has_value(), text);
}

BOOST_AUTO_TEST_CASE(non_ascii_where_toml_would_misread_it_is_a_mistake)
{
    struct Case {
        const char* text;
        int line, column;
    } invalid[] = {
        {"hostϚ = \"db\"\n", 1, 5},
        {"x = 1\ny = é\n", 2, 5},
        {"name = +\"\"\"a~é\"\"\"\n", 1, 14},   // the fuzzer's: + makes it a number to toml++
        {"x = 1.\"é\"\n", 1, 8},
        {"x = \"a\"é\n", 1, 8},
        {"c = \"\"\"foo \\\n   é\"\"\"\n", 2, 4},  // a line-ending backslash, then non-ASCII
        {"c = \"\"\"\\é\"\"\"\n", 1, 9},
    };
    for (const auto& c : invalid) {
        auto problem = toml_guard_problem(c.text);
        BOOST_TEST_REQUIRE(problem.has_value(), c.text);
        BOOST_TEST(problem->line == c.line, c.text);
        BOOST_TEST(problem->column == c.column, c.text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
