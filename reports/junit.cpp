// JUnit XML, as Jenkins' schema (tests/reports/jenkins-junit.xsd) allows it: properties only
// on <testsuite>, so a case's observations become "CASE.KEY" properties of its target's suite.
#include <sstream>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "reports/document_reporter.hpp"
#include "reports/reports.hpp"
#include "reports/tally.hpp"
#include "reports/time_format.hpp"
#include "reports/utf8.hpp"

namespace connspec {
namespace {

void set(pugi::xml_node node, const char* name, std::string_view value)
{
    node.append_attribute(name).set_value(xml_text(value).c_str());
}

void add_property(pugi::xml_node properties, std::string_view name, std::string_view value)
{
    auto property = properties.append_child("property");
    set(property, "name", name);
    set(property, "value", value);
}

// The body of <failure>/<error>: what was observed, then what to do about it.
std::string failure_details(const Outcome& outcome)
{
    std::string body = outcome.category + ": " + outcome.message + "\n";
    body += "attempts: " + std::to_string(outcome.attempts) + "\n";
    if (!outcome.hint.empty()) body += "hint: " + outcome.hint + "\n";
    return body;
}

std::string joined_lines(const std::vector<std::string>& lines)
{
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

void add_testcase(pugi::xml_node suite, const RunDescription& run, const DescribedCase& planned,
                  const Outcome& outcome)
{
    auto testcase = suite.append_child("testcase");
    set(testcase, "name", planned.name);
    set(testcase, "classname", run.target_of(planned).qualified_name());
    set(testcase, "time", seconds_text(outcome.duration));

    // The schema's order inside <testcase>: skipped, error, failure, system-out. Its
    // <skipped> is text only (a `message` attribute would not validate).
    if (outcome.status == Status::skipped) {
        testcase.append_child("skipped").text().set(xml_text(outcome.message).c_str());
    } else if (outcome.status == Status::failed || outcome.status == Status::error) {
        const char* element = outcome.status == Status::failed ? "failure" : "error";
        auto problem = testcase.append_child(element);
        set(problem, "message", one_line(outcome.message));
        set(problem, "type", outcome.category);
        problem.text().set(xml_text(failure_details(outcome)).c_str());
    }
    if (!outcome.log.empty())
        testcase.append_child("system-out").text().set(xml_text(joined_lines(outcome.log)).c_str());
}

void add_testsuite(pugi::xml_node root, const RunResult& result, std::size_t target_index)
{
    const RunDescription& run = result.run;
    const DescribedTarget& target = run.targets[target_index];

    std::vector<std::size_t> case_indexes;
    Tally tally;
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
        if (run.cases[i].target_index != target_index) continue;
        case_indexes.push_back(i);
        tally.add(result.outcomes.at(i));
    }

    auto suite = root.append_child("testsuite");
    set(suite, "name", target.name);
    set(suite, "tests", std::to_string(tally.total()));
    set(suite, "failures", std::to_string(tally.failed));
    set(suite, "errors", std::to_string(tally.errors));
    set(suite, "skipped", std::to_string(tally.skipped));
    set(suite, "time", seconds_text(tally.time));
    set(suite, "timestamp", iso8601_utc(result.info.started));
    set(suite, "hostname", result.info.hostname);

    auto properties = suite.append_child("properties");
    if (!result.info.vantage.empty()) add_property(properties, "vantage", result.info.vantage);
    for (std::size_t i : case_indexes) {
        const std::string prefix = std::string(run.cases[i].name) + ".";
        const Outcome& outcome = result.outcomes.at(i);
        for (const auto& property : outcome.properties)
            add_property(properties, prefix + property.key, property.value);
        add_property(properties, prefix + "attempts", std::to_string(outcome.attempts));
    }
    // The schema wants at least one <property> inside <properties>.
    if (!properties.first_child()) suite.remove_child(properties);

    for (std::size_t i : case_indexes)
        add_testcase(suite, run, run.cases[i], result.outcomes.at(i));
}

std::string junit_document(const RunResult& result)
{
    pugi::xml_document document;
    auto declaration = document.append_child(pugi::node_declaration);
    declaration.append_attribute("version").set_value("1.0");
    declaration.append_attribute("encoding").set_value("UTF-8");

    Tally tally;
    for (const auto& outcome : result.outcomes) tally.add(outcome);
    auto root = document.append_child("testsuites");
    set(root, "name", "connspec");
    set(root, "tests", std::to_string(tally.total()));
    set(root, "failures", std::to_string(tally.failed));
    set(root, "errors", std::to_string(tally.errors));
    set(root, "time", seconds_text(result.duration));

    for (std::size_t t = 0; t < result.run.targets.size(); ++t) add_testsuite(root, result, t);

    std::ostringstream out;
    document.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

}  // namespace

std::unique_ptr<Reporter> make_junit_reporter(std::string path)
{
    return make_document_reporter(std::move(path), junit_document);
}

}  // namespace connspec
