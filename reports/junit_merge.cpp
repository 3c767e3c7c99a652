#include "reports/junit_merge.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <pugixml.hpp>

namespace connspec {
namespace {

// Where a suite ran, as --vantage named it; empty when unnamed. Host names are not vantage
// points: shards of one run land on different agents but stand in the same place.
std::string vantage_of(pugi::xml_node suite)
{
    for (auto p : suite.child("properties").children("property"))
        if (std::string_view(p.attribute("name").value()) == "vantage") return p.attribute("value").value();
    return {};
}

void set_count(pugi::xml_node node, const char* name, int value)
{
    auto attr = node.attribute(name);
    if (!attr) attr = node.append_attribute(name);
    attr.set_value(value);
}

struct Counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
};

// Counts from the test cases themselves, never from the input's attributes.
Counts count_cases(pugi::xml_node suite)
{
    Counts c;
    for (auto tc : suite.children("testcase")) {
        ++c.tests;
        if (tc.child("failure")) ++c.failures;
        else if (tc.child("error")) ++c.errors;
        else if (tc.child("skipped")) ++c.skipped;
    }
    c.time = suite.attribute("time").as_double();
    return c;
}

}  // namespace

MergedJunit merge_junit(const std::vector<std::string>& files)
{
    std::vector<pugi::xml_document> inputs(files.size());
    std::vector<std::pair<pugi::xml_node, std::string>> suites;  // suite, vantage
    MergedJunit merged;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto loaded = inputs[i].load_file(files[i].c_str());
        if (!loaded)
            throw std::runtime_error(fmt::format("{}: not readable as XML ({})", files[i], loaded.description()));
        auto root = inputs[i].document_element();
        std::vector<pugi::xml_node> found;
        if (std::string_view(root.name()) == "testsuites")
            for (auto s : root.children("testsuite")) found.push_back(s);
        else if (std::string_view(root.name()) == "testsuite")
            found.push_back(root);
        else
            throw std::runtime_error(fmt::format("{}: not a JUnit report (root <{}>)", files[i], root.name()));
        for (auto s : found) {
            std::string vantage = vantage_of(s);
            if (!vantage.empty() && std::find(merged.vantages.begin(), merged.vantages.end(), vantage) == merged.vantages.end())
                merged.vantages.push_back(vantage);
            suites.emplace_back(s, vantage);
        }
    }

    pugi::xml_document out;
    auto declaration = out.append_child(pugi::node_declaration);
    declaration.append_attribute("version").set_value("1.0");
    declaration.append_attribute("encoding").set_value("UTF-8");
    auto root = out.append_child("testsuites");
    root.append_attribute("name").set_value("connspec");

    bool several_places = merged.vantages.size() > 1;
    double time = 0;
    for (auto& [suite, vantage] : suites) {
        auto copy = root.append_copy(suite);
        if (several_places && !vantage.empty()) {
            std::string suffix = "@" + vantage;
            copy.attribute("name").set_value((std::string(copy.attribute("name").value()) + suffix).c_str());
            for (auto tc : copy.children("testcase")) {
                auto cls = tc.attribute("classname");
                if (cls) cls.set_value((std::string(cls.value()) + suffix).c_str());
            }
        }
        Counts c = count_cases(copy);
        set_count(copy, "tests", c.tests);
        set_count(copy, "failures", c.failures);
        set_count(copy, "errors", c.errors);
        set_count(copy, "skipped", c.skipped);
        merged.tests += c.tests;
        merged.failures += c.failures;
        merged.errors += c.errors;
        merged.skipped += c.skipped;
        time += c.time;
    }
    set_count(root, "tests", merged.tests);
    set_count(root, "failures", merged.failures);
    set_count(root, "errors", merged.errors);
    root.append_attribute("time").set_value(fmt::format("{:.3f}", time).c_str());

    std::ostringstream text;
    out.save(text, "  ", pugi::format_default, pugi::encoding_utf8);
    merged.document = text.str();
    return merged;
}

}  // namespace connspec
