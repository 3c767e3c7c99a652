// Merging JUnit reports of shards and vantage points: totals recounted, places kept apart,
// the result valid against the Jenkins schema.
#include <boost/test/unit_test.hpp>

#include <pugixml.hpp>

#include "reports/junit_merge.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;

namespace {

std::string report(const std::string& target, const std::string& vantage, const std::string& cases)
{
    std::string props = vantage.empty() ? "" :
        "<properties><property name=\"vantage\" value=\"" + vantage + "\"/></properties>";
    return "<?xml version=\"1.0\"?><testsuites name=\"connspec\" tests=\"99\">"
           "<testsuite name=\"" + target + "\" tests=\"99\" failures=\"0\" time=\"0.5\" hostname=\"agent\">" +
           props + cases + "</testsuite></testsuites>";
}

const std::string passing = "<testcase name=\"resolves\" classname=\"s.db\" time=\"0.001\"/>";
const std::string failing =
    "<testcase name=\"port_open\" classname=\"s.db\" time=\"1.000\">"
    "<failure message=\"timed out\" type=\"tcp.timeout\">tcp.timeout</failure></testcase>";
const std::string skipped =
    "<testcase name=\"tls\" classname=\"s.db\" time=\"0.000\"><skipped>blocked by db.port_open</skipped></testcase>";

bool valid_junit(const lab::TempDir& dir, const std::string& document)
{
    auto file = dir.write("merged.xml", document);
    auto schema = lab::source_root() + "/tests/reports/jenkins-junit.xsd";
    return lab::run({"xmllint", "--noout", "--schema", schema, file}).exit_code == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shards_of_one_place_merge_with_recounted_totals)
{
    lab::TempDir dir;
    auto a = dir.write("a.xml", report("db", "", passing + failing + skipped));
    auto b = dir.write("b.xml", report("api", "", passing));
    auto merged = merge_junit({a, b});
    BOOST_TEST(merged.tests == 4);
    BOOST_TEST(merged.failures == 1);
    BOOST_TEST(merged.skipped == 1);
    BOOST_TEST(merged.vantages.empty());
    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_string(merged.document.c_str()));
    auto root = doc.child("testsuites");
    BOOST_TEST(root.attribute("tests").as_int() == 4);
    BOOST_TEST(root.attribute("failures").as_int() == 1);
    BOOST_TEST(std::string(root.first_child().attribute("name").value()) == "db");
    BOOST_TEST(root.first_child().attribute("tests").as_int() == 3);
    BOOST_TEST(valid_junit(dir, merged.document));
}

BOOST_AUTO_TEST_CASE(vantage_points_are_kept_apart)
{
    lab::TempDir dir;
    auto a = dir.write("a.xml", report("db", "eu-west", passing));
    auto b = dir.write("b.xml", report("db", "us-east", failing));
    auto merged = merge_junit({a, b});
    BOOST_TEST(merged.vantages == (std::vector<std::string>{"eu-west", "us-east"}));
    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_string(merged.document.c_str()));
    std::vector<std::string> names, classnames;
    for (auto s : doc.child("testsuites").children("testsuite")) {
        names.push_back(s.attribute("name").value());
        classnames.push_back(s.child("testcase").attribute("classname").value());
    }
    BOOST_TEST(names == (std::vector<std::string>{"db@eu-west", "db@us-east"}));
    BOOST_TEST(classnames == (std::vector<std::string>{"s.db@eu-west", "s.db@us-east"}));
    BOOST_TEST(valid_junit(dir, merged.document));
}

BOOST_AUTO_TEST_CASE(unreadable_inputs_are_refused_by_name)
{
    lab::TempDir dir;
    auto bad = dir.write("bad.xml", "<html>not junit</html>");
    BOOST_CHECK_EXCEPTION(merge_junit({bad}), std::runtime_error, [&](const std::runtime_error& e) {
        return std::string(e.what()).find("bad.xml") != std::string::npos;
    });
    BOOST_CHECK_THROW(merge_junit({dir.path() + "/missing.xml"}), std::runtime_error);
}
