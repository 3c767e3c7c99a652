// /metrics for `connspec watch`: Prometheus text exposition format 0.0.4, HELP and TYPE lines
// first, one family at a time.
#include "reports/prometheus.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

namespace connspec {
namespace {

constexpr std::array<Status, 4> statuses{Status::passed, Status::failed, Status::error,
                                         Status::skipped};

std::string case_labels(const RunDescription& run, const DescribedCase& c)
{
    const DescribedTarget& target = run.target_of(c);
    return fmt::format("suite=\"{}\",target=\"{}\",case=\"{}\"", prometheus_label_value(target.suite),
                       prometheus_label_value(target.name), prometheus_label_value(c.name));
}

void family(std::string& out, const char* name, const char* type, const char* help)
{
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string number(double value)
{
    return fmt::format("{}", value);
}

// "12.345 ms" -> 0.012345
std::optional<double> milliseconds_property(std::string_view text)
{
    if (text.empty()) return std::nullopt;
    std::string copy(text);
    char* end = nullptr;
    double value = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str()) return std::nullopt;
    std::string_view rest(end);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest != "ms") return std::nullopt;
    return value / 1000.0;
}

// "2027-03-01T12:00:00Z" (possibly followed by " (subject)") -> seconds since the epoch.
std::optional<double> timestamp_property(std::string_view text)
{
    if (text.size() < 20) return std::nullopt;
    struct tm parts {};
    std::string copy(text.substr(0, 20));
    const char* end = ::strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return static_cast<double>(::timegm(&parts));
}

std::optional<double> integer_property(std::string_view text)
{
    if (text.empty() || text.size() > 18) return std::nullopt;
    double value = 0;
    for (char ch : text) {
        if (ch < '0' || ch > '9') return std::nullopt;
        value = value * 10 + (ch - '0');
    }
    return value;
}

// One gauge family from a property of the cases that recorded it.
template <class Parse>
void property_gauge(std::string& out, const RunDescription& run, const RunResult& latest,
                    const char* name, const char* help, std::string_view key, Parse parse)
{
    std::string samples;
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
        if (auto value = parse(latest.outcomes[i].find(key)))
            samples += fmt::format("{}{{{}}} {}\n", name, case_labels(run, run.cases[i]), number(*value));
    }
    if (samples.empty()) return;
    family(out, name, "gauge", help);
    out += samples;
}

}  // namespace

std::string prometheus_label_value(const std::string& text)
{
    std::string escaped;
    escaped.reserve(text.size());
    for (char ch : text) {
        if (ch == '\\') escaped += "\\\\";
        else if (ch == '"') escaped += "\\\"";
        else if (ch == '\n') escaped += "\\n";
        else escaped += ch;
    }
    return escaped;
}

void WatchTotals::add(const RunResult& result)
{
    cases.resize(result.run.cases.size());
    for (std::size_t i = 0; i < result.outcomes.size() && i < cases.size(); ++i) {
        const Outcome& o = result.outcomes[i];
        ++cases[i].runs[static_cast<std::size_t>(o.status)];
        if ((o.status == Status::failed || o.status == Status::error) && !o.category.empty())
            ++cases[i].failures[o.category];
    }
    ++runs;
}

std::string prometheus_exposition(const RunDescription& run, const RunResult* latest,
                                  const WatchTotals& totals)
{
    std::string out;
    out.reserve(256 + run.cases.size() * 600);

    if (latest) {
        family(out, "connspec_case_up", "gauge", "1 when the case passed in the latest run, 0 otherwise");
        for (std::size_t i = 0; i < run.cases.size(); ++i)
            out += fmt::format("connspec_case_up{{{}}} {}\n", case_labels(run, run.cases[i]),
                               latest->outcomes[i].status == Status::passed ? 1 : 0);
        family(out, "connspec_case_duration_seconds", "gauge",
               "Wall time of the case in the latest run, all attempts included");
        for (std::size_t i = 0; i < run.cases.size(); ++i)
            out += fmt::format("connspec_case_duration_seconds{{{}}} {:.6f}\n",
                               case_labels(run, run.cases[i]),
                               std::max(0.0, latest->outcomes[i].duration.count()));
    }

    family(out, "connspec_case_runs_total", "counter", "Finished runs of the case, by status");
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
        std::string labels = case_labels(run, run.cases[i]);
        for (Status s : statuses) {
            std::uint64_t n = i < totals.cases.size() ? totals.cases[i].runs[static_cast<std::size_t>(s)] : 0;
            out += fmt::format("connspec_case_runs_total{{{},status=\"{}\"}} {}\n", labels, to_string(s), n);
        }
    }
    family(out, "connspec_case_failures_total", "counter",
           "Failed or errored runs of the case, by category");
    for (std::size_t i = 0; i < run.cases.size() && i < totals.cases.size(); ++i) {
        if (totals.cases[i].failures.empty()) continue;
        std::string labels = case_labels(run, run.cases[i]);
        for (const auto& [category, n] : totals.cases[i].failures)
            out += fmt::format("connspec_case_failures_total{{{},category=\"{}\"}} {}\n", labels,
                               prometheus_label_value(category), n);
    }

    if (latest) {
        property_gauge(out, run, *latest, "connspec_certificate_expiry_timestamp_seconds",
                       "When the first certificate of the served chain expires (Unix time)",
                       "earliest_expiry", timestamp_property);
        property_gauge(out, run, *latest, "connspec_sessions_connect_p95_seconds",
                       "95th percentile of the session connect times in the latest run",
                       "connect_p95", milliseconds_property);
        property_gauge(out, run, *latest, "connspec_pg_max_connections",
                       "The server's max_connections as the case saw it", "max_connections",
                       integer_property);
        property_gauge(out, run, *latest, "connspec_pg_connections_in_use",
                       "Connections in use on the server as the case saw it", "connections_in_use",
                       integer_property);

        double finished = std::chrono::duration<double>(
                              (latest->info.started + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                          latest->duration))
                                  .time_since_epoch())
                              .count();
        std::vector<std::string> suites;
        for (const auto& t : run.targets)
            if (std::find(suites.begin(), suites.end(), t.suite) == suites.end()) suites.push_back(t.suite);
        family(out, "connspec_last_run_timestamp_seconds", "gauge",
               "When the latest finished run ended (Unix time)");
        for (const auto& s : suites)
            out += fmt::format("connspec_last_run_timestamp_seconds{{suite=\"{}\"}} {:.3f}\n",
                               prometheus_label_value(s), finished);
        family(out, "connspec_run_duration_seconds", "gauge", "Wall time of the latest finished run");
        for (const auto& s : suites)
            out += fmt::format("connspec_run_duration_seconds{{suite=\"{}\"}} {:.6f}\n",
                               prometheus_label_value(s), latest->duration.count());
    }

    family(out, "connspec_runs_total", "counter", "Finished runs of the suites since watch started");
    out += fmt::format("connspec_runs_total {}\n", totals.runs);
    family(out, "connspec_runs_overrun_total", "counter",
           "Runs that started late because the previous run took longer than the interval");
    out += fmt::format("connspec_runs_overrun_total {}\n", totals.overruns);
    return out;
}

}  // namespace connspec
