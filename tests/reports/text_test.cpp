// The text helpers every format relies on: UTF-8 repair, XML and one-line filtering, JSON
// escaping and the JSON writer's layout; and the JSON report read back by a real parser.
#include <string>

#include <boost/test/unit_test.hpp>

#include "reports/json_writer.hpp"
#include "reports/reports.hpp"
#include "reports/time_format.hpp"
#include "reports/utf8.hpp"
#include "tests/lab/lab.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

BOOST_AUTO_TEST_SUITE(report_text)

BOOST_AUTO_TEST_CASE(valid_utf8_passes_through)
{
    const std::string text = "ascii Z\u00fcrich \u2603 \U0001F600 \u0800 \U0010FFFF";
    BOOST_TEST(valid_utf8(text) == text);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_replacement_characters)
{
    const std::string fffd = "\ufffd";
    BOOST_TEST(valid_utf8("a\xff" "b") == "a" + fffd + "b");
    BOOST_TEST(valid_utf8("\xc3\x28") == fffd + "(");                 // bad continuation
    BOOST_TEST(valid_utf8("\xc0\xaf") == fffd + fffd);                // overlong '/'
    BOOST_TEST(valid_utf8("\xed\xa0\x80") == fffd + fffd + fffd);      // surrogate
    BOOST_TEST(valid_utf8("\xf4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // > U+10FFFF
    BOOST_TEST(valid_utf8("end\xe2\x98") == "end" + fffd);             // truncated
}

BOOST_AUTO_TEST_CASE(xml_text_drops_what_xml_forbids)
{
    BOOST_TEST(xml_text("a\x01" "b\x1b" "c\td\ne\rf\x7f" "g\u0085") == "abc\td\ne\rfg");
    BOOST_TEST(xml_text("x\uffff" "y\ufffe" "z") == "xyz");
}

BOOST_AUTO_TEST_CASE(one_line_turns_control_runs_into_one_space)
{
    BOOST_TEST(one_line("first\r\nsecond\x1b[2Jthird\u009bx") == "first second [2Jthird x");
}

BOOST_AUTO_TEST_CASE(json_quoted_escapes_exactly_what_it_must)
{
    BOOST_TEST(json_quoted("plain") == "\"plain\"");
    BOOST_TEST(json_quoted("\"q\" \\ /") == "\"\\\"q\\\" \\\\ /\"");
    BOOST_TEST(json_quoted("\b\f\n\r\t") == "\"\\b\\f\\n\\r\\t\"");
    BOOST_TEST(json_quoted(std::string("\x00\x01\x1f\x7f", 4))
               == "\"\\u0000\\u0001\\u001f\\u007f\"");
    BOOST_TEST(json_quoted("Z\u00fcrich \u2603") == "\"Z\u00fcrich \u2603\"");
    BOOST_TEST(json_quoted("bad\xff") == "\"bad\ufffd\"");
}

BOOST_AUTO_TEST_CASE(json_writer_layout)
{
    JsonWriter json;
    json.begin_object();
    json.key("a").integer(1);
    json.key("empty").begin_object().end_object();
    json.key("list").begin_array().string("x").null().boolean(false).number(0.5, 3).end_array();
    json.key("none").begin_array().end_array();
    json.end_object();
    BOOST_TEST(json.text() == "{\n"
                              "  \"a\": 1,\n"
                              "  \"empty\": {},\n"
                              "  \"list\": [\n"
                              "    \"x\",\n"
                              "    null,\n"
                              "    false,\n"
                              "    0.500\n"
                              "  ],\n"
                              "  \"none\": []\n"
                              "}\n");
}

BOOST_AUTO_TEST_CASE(json_writer_refuses_misuse)
{
    JsonWriter value_without_key;
    value_without_key.begin_object();
    BOOST_CHECK_THROW(value_without_key.integer(1), std::logic_error);
    JsonWriter key_in_array;
    key_in_array.begin_array();
    BOOST_CHECK_THROW(key_in_array.key("k"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(times_are_locale_free_with_three_decimals)
{
    using namespace std::chrono;
    BOOST_TEST(seconds_text(duration<double>{1.25}) == "1.250");
    BOOST_TEST(seconds_text(duration<double>{0.0004}) == "0.000");
    BOOST_TEST(seconds_text(duration<double>{-0.5}) == "0.000");
    BOOST_TEST(iso8601_utc(sys_days{year{2024} / 2 / 29} + hours{23} + minutes{5} + seconds{7}
                           + milliseconds{900})
               == "2024-02-29T23:05:07Z");
}

BOOST_AUTO_TEST_CASE(json_report_reads_back_with_a_real_parser)
{
    // Python's strict parser must load the file and give back the exact strings.
    lab::TempDir dir;
    const auto path = dir.path() + "/report.json";
    auto reporter = make_json_reporter(path);
    test::replay(test::sample_run(), *reporter);
    const auto script = dir.write("read.py",
        "import json, sys\n"
        "doc = json.load(open(sys.argv[1], encoding='utf-8', errors='strict'))\n"
        "case = doc['cases'][5]\n"
        "print(json.dumps([doc['connspec']['hostname'], doc['connspec']['interrupted'],\n"
        "                  len(doc['cases']), case['target'], case['case'], case['status'],\n"
        "                  case['attempts'], case['message'], case['hint'],\n"
        "                  list(case['properties'].items())]))\n");
    const auto read = lab::run({"python3", script, path});
    BOOST_REQUIRE_MESSAGE(read.exit_code == 0, read.err);
    BOOST_TEST(read.out
               == "[\"ci-runner-1\", false, 7, \"replica\", \"port_open\", \"failed\", 3, "
                  "\"connection refused by \\\"db\\\" <10.0.0.7> & Z\\u00fcrich \\u2603 "
                  "\\u0001\\u001b[31mred\\ttab\\u007f\\ufffd end\", "
                  "\"start the service, or check the port\\nsecond line: \\\\ backslash\", "
                  "[[\"address\", \"10.0.0.7 <b>\\\"q\\\" & 'a'</b>\"], "
                  "[\"note\", \"bell\\u0007 nul-free \\ufffd( bad\"]]]\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
