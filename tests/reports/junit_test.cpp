// JUnit: validates against Jenkins' schema (with xmllint, as a CI server would read it), puts
// observations and attempts on <testsuite>, and keeps awkward text well-formed.
#include <string>

#include <boost/test/unit_test.hpp>
#include <pugixml.hpp>

#include "reports/reports.hpp"
#include "tests/lab/lab.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

std::string schema_path() { return lab::source_root() + "/tests/reports/jenkins-junit.xsd"; }

std::string write_junit(const lab::TempDir& dir, const test::SampleRun& run)
{
    const auto path = dir.path() + "/junit.xml";
    auto reporter = make_junit_reporter(path);
    test::replay(run, *reporter);
    return path;
}

pugi::xml_node property(const pugi::xml_node& suite, const char* name)
{
    return suite.child("properties").find_child_by_attribute("property", "name", name);
}

BOOST_AUTO_TEST_SUITE(junit_report)

BOOST_AUTO_TEST_CASE(validates_against_the_jenkins_schema)
{
    lab::TempDir dir;
    const auto path = write_junit(dir, test::sample_run());
    const auto check = lab::run({"xmllint", "--noout", "--schema", schema_path(), path});
    BOOST_TEST(check.exit_code == 0, "xmllint: " << check.err);
}

BOOST_AUTO_TEST_CASE(schema_check_can_fail)
{
    // The validation above means something only if xmllint rejects what the schema forbids:
    // a property on a <testcase>.
    lab::TempDir dir;
    const auto path = dir.write("bad.xml",
                                "<testsuites><testsuite name=\"t\" tests=\"1\">"
                                "<testcase name=\"c\"><properties>"
                                "<property name=\"a\" value=\"b\"/>"
                                "</properties></testcase></testsuite></testsuites>\n");
    const auto check = lab::run({"xmllint", "--noout", "--schema", schema_path(), path});
    BOOST_TEST(check.exit_code != 0);
}

BOOST_AUTO_TEST_CASE(empty_run_and_target_without_cases_validate)
{
    test::SampleRun run = test::sample_run();
    run.description.cases.clear();
    run.outcomes.clear();
    run.completion_order.clear();
    run.info.vantage.clear();
    lab::TempDir dir;
    const auto path = write_junit(dir, run);
    const auto check = lab::run({"xmllint", "--noout", "--schema", schema_path(), path});
    BOOST_TEST(check.exit_code == 0, "xmllint: " << check.err);
}

BOOST_AUTO_TEST_CASE(suites_cases_counts_and_properties)
{
    lab::TempDir dir;
    const auto path = write_junit(dir, test::sample_run());
    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_file(path.c_str()));
    auto root = doc.child("testsuites");
    BOOST_TEST(root.attribute("tests").as_int() == 7);
    BOOST_TEST(root.attribute("failures").as_int() == 2);
    BOOST_TEST(root.attribute("errors").as_int() == 1);

    auto primary = root.find_child_by_attribute("testsuite", "name", "primary");
    BOOST_REQUIRE(primary);
    BOOST_TEST(primary.attribute("tests").as_int() == 5);
    BOOST_TEST(primary.attribute("failures").as_int() == 1);
    BOOST_TEST(primary.attribute("errors").as_int() == 1);
    BOOST_TEST(primary.attribute("skipped").as_int() == 1);
    BOOST_TEST(primary.attribute("timestamp").value() == std::string("2024-05-01T12:34:56Z"));
    BOOST_TEST(primary.attribute("hostname").value() == std::string("ci-runner-1"));
    BOOST_TEST(property(primary, "vantage").attribute("value").value() == std::string("eu-west"));
    BOOST_TEST(property(primary, "tls.version").attribute("value").value()
               == std::string("TLSv1.3"));
    for (const char* name : {"resolves.attempts", "port_open.attempts", "tls.attempts",
                             "certificate.attempts", "login.attempts"})
        BOOST_TEST(property(primary, name), "missing property " << name);

    auto tls = primary.find_child_by_attribute("testcase", "name", "tls");
    BOOST_TEST(tls.attribute("classname").value() == std::string("warehouse.primary"));
    BOOST_TEST(tls.attribute("time").value() == std::string("0.120"));
    BOOST_TEST(tls.child("failure").attribute("type").value() == std::string("tls.version"));
    BOOST_TEST(std::string(tls.child("failure").text().get()).find("hint: disable TLS 1.0")
               != std::string::npos);
    auto certificate = primary.find_child_by_attribute("testcase", "name", "certificate");
    BOOST_TEST(certificate.child("skipped").text().get() == std::string("blocked by primary.tls"));
    auto login = primary.find_child_by_attribute("testcase", "name", "login");
    BOOST_TEST(login.child("error").attribute("type").value() == std::string("internal"));
    auto resolves = primary.find_child_by_attribute("testcase", "name", "resolves");
    BOOST_TEST(resolves.child("system-out").text().get()
               == std::string("asked the system resolver for db.internal\n"));

    auto replica = root.find_child_by_attribute("testsuite", "name", "replica");
    BOOST_TEST(property(replica, "port_open.attempts").attribute("value").as_int() == 3);
}

BOOST_AUTO_TEST_CASE(awkward_text_survives_and_control_characters_are_stripped)
{
    lab::TempDir dir;
    const auto path = write_junit(dir, test::sample_run());
    const auto text = lab::read_file(path);
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        BOOST_TEST(((byte >= 0x20 && byte != 0x7f) || c == '\n' || c == '\t' || c == '\r'),
                   "control character " << int(byte) << " in the XML");
    }
    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_file(path.c_str()));
    auto replica = doc.child("testsuites").find_child_by_attribute("testsuite", "name", "replica");
    auto port_open = replica.find_child_by_attribute("testcase", "name", "port_open");
    auto failure = port_open.child("failure");
    // Quotes, markup characters and non-ASCII come back exactly; the control characters and
    // the invalid byte do not.
    BOOST_TEST(failure.attribute("message").value()
               == std::string("connection refused by \"db\" <10.0.0.7> & Z\u00fcrich \u2603 "
                              " [31mred tab \ufffd end"));
    BOOST_TEST(property(replica, "port_open.address").attribute("value").value()
               == std::string("10.0.0.7 <b>\"q\" & 'a'</b>"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
