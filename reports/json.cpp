// JSON results: run metadata under "connspec", then one object per case in plan order.
#include <algorithm>

#include "reports/document_reporter.hpp"
#include "reports/json_writer.hpp"
#include "reports/reports.hpp"
#include "reports/time_format.hpp"

namespace connspec {
namespace {

void write_case(JsonWriter& json, const RunDescription& run, const DescribedCase& planned,
                const Outcome& outcome)
{
    const DescribedTarget& target = run.target_of(planned);
    json.begin_object();
    json.key("target").string(target.name);
    json.key("suite").string(target.suite);
    json.key("case").string(planned.name);
    json.key("status").string(to_string(outcome.status));
    json.key("category").string_or_null(outcome.category);
    json.key("message").string(outcome.message);
    json.key("hint").string_or_null(outcome.hint);
    json.key("attempts").integer(outcome.attempts);
    json.key("time").number(std::max(0.0, outcome.duration.count()), 3);
    // An object keeps the recorded order; a repeated key keeps every value in the text.
    json.key("properties").begin_object();
    for (const auto& property : outcome.properties) json.key(property.key).string(property.value);
    json.end_object();
    json.key("log").begin_array();
    for (const auto& line : outcome.log) json.string(line);
    json.end_array();
    json.end_object();
}

}  // namespace

std::string json_document(const RunResult& result)
{
    JsonWriter json;
    json.begin_object();
    json.key("connspec").begin_object();
    json.key("hostname").string(result.info.hostname);
    json.key("vantage").string_or_null(result.info.vantage);
    json.key("started").string(iso8601_utc(result.info.started));
    json.key("duration").number(result.duration.count(), 3);
    json.key("interrupted").boolean(result.interrupted);
    json.end_object();
    json.key("cases").begin_array();
    for (std::size_t i = 0; i < result.run.cases.size(); ++i)
        write_case(json, result.run, result.run.cases[i], result.outcomes.at(i));
    json.end_array();
    json.end_object();
    return json.text();
}

std::unique_ptr<Reporter> make_json_reporter(std::string path)
{
    return make_document_reporter(std::move(path), json_document);
}

}  // namespace connspec
