// The HTML report: one self-contained page (inline CSS and SVG, no scripts, nothing fetched)
// for the people who act on a failure. Totals at the top; per failing target its chain of
// cases with the first failure's category, message and hint and its properties on demand;
// session connect times as histograms; certificate days left on a time line; passing targets
// grouped by the shape of their chain so 10,000 targets stay a small page. Written atomically.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/document_reporter.hpp"
#include "reports/html_target.hpp"
#include "reports/html_text.hpp"
#include "reports/reports.hpp"
#include "reports/svg_charts.hpp"
#include "reports/tally.hpp"
#include "reports/time_format.hpp"

namespace connspec {
namespace {

// Failing targets drawn one by one; the rest are grouped by where and how they fail.
constexpr std::size_t failing_shown = 100;
// Up to this many passing targets are drawn one by one; more are grouped by their chain.
constexpr std::size_t passing_shown = 20;

std::string target_label(const DescribedTarget& t)
{
    return t.suite + " \u203a " + t.name;
}

std::string target_anchor(std::size_t index)
{
    return fmt::format("t{}", index);
}

// The connect times of the target's sessions case, if it recorded them.
std::vector<double> session_times(const TargetCases& t, const std::vector<Outcome>& outcomes)
{
    for (std::size_t i = t.first; i < t.first + t.count; ++i) {
        std::string_view times = outcomes[i].find("connect_times_ms");
        if (!times.empty()) return parse_times_ms(times);
    }
    return {};
}

void append_target(std::string& out, const RunDescription& run, const TargetCases& t,
                   const std::vector<Outcome>& outcomes)
{
    const bool ok = target_ok(t, outcomes);
    const DescribedTarget& target = run.targets[t.target];
    out += fmt::format("<article class=\"target {}\" id=\"{}\" data-target=\"", ok ? "good" : "bad",
                       target_anchor(t.target));
    append_escaped(out, target.qualified_name());
    out += fmt::format("\"><h3><span class=\"verdict\">{}</span> ", ok ? "OK" : "FAILING");
    append_escaped(out, target_label(target));
    out += "</h3>\n";
    append_chain(out, run, t, outcomes);
    append_problem(out, run, t, outcomes);
    if (auto times = session_times(t, outcomes); !times.empty())
        out += latency_histogram_svg(times, target_label(target));
    append_details(out, run, t, outcomes);
    out += "</article>\n";
}

// "resolves → port_open → login": the shape a group of passing targets shares.
std::string chain_shape(const RunDescription& run, const TargetCases& t, const std::vector<Outcome>& outcomes)
{
    std::string shape;
    for (std::size_t i = t.first; i < t.first + t.count; ++i) {
        if (!shape.empty()) shape += " \u2192 ";
        shape += run.cases[i].name;
        if (outcomes[i].status == Status::skipped) shape += " (skipped)";
    }
    return shape;
}

void append_names(std::string& out, const RunDescription& run, const std::vector<const TargetCases*>& members)
{
    out += "<details><summary>Target names</summary><p class=\"names\">";
    bool first = true;
    for (const TargetCases* m : members) {
        if (!first) out += ", ";
        first = false;
        append_escaped(out, run.targets[m->target].qualified_name());
    }
    out += "</p></details>\n";
}

void append_totals(std::string& out, const RunResult& result, const std::vector<TargetCases>& targets,
                   std::size_t failing_targets)
{
    Tally tally;
    std::size_t blocked = 0;
    for (const auto& o : result.outcomes) {
        tally.add(o);
        blocked += step_kind(o) == StepKind::blocked;
    }
    out += "<div class=\"totals\" id=\"totals\">";
    auto box = [&](std::string_view cls, std::size_t n, std::string_view what) {
        out += fmt::format("<span class=\"{}\" data-count=\"{}\"><span class=\"n\">{}</span> {}</span>", cls, n,
                           count_text(n), what);
    };
    box("targets", targets.size(), targets.size() == 1 ? "target" : "targets");
    box(failing_targets ? "failed" : "passed", failing_targets, "failing");
    box("passed", static_cast<std::size_t>(tally.passed), "cases passed");
    box(tally.failed ? "failed" : "", static_cast<std::size_t>(tally.failed), "failed");
    box(tally.errors ? "error" : "", static_cast<std::size_t>(tally.errors), tally.errors == 1 ? "error" : "errors");
    box("skipped", static_cast<std::size_t>(tally.skipped - static_cast<int>(blocked)), "skipped");
    box(blocked ? "blocked" : "", blocked, "blocked");
    out += "</div>\n";
}

std::string html_document(const RunResult& result)
{
    const RunDescription& run = result.run;
    const std::vector<Outcome>& outcomes = result.outcomes;
    const auto targets = group_by_target(run);

    std::vector<const TargetCases*> failing, passing;
    for (const auto& t : targets) (target_ok(t, outcomes) ? passing : failing).push_back(&t);
    Tally tally;
    for (const auto& o : outcomes) tally.add(o);

    std::string out;
    out.reserve(64 * 1024 + targets.size() * 64);
    std::string suites;
    for (const auto& t : run.targets)
        if (suites.find(t.suite) == std::string::npos) suites += (suites.empty() ? "" : ", ") + t.suite;
    const std::string verdict =
        result.interrupted ? "interrupted"
        : failing.empty()  ? "all passed"
                           : fmt::format("{} of {} targets failing", count_text(failing.size()), count_text(targets.size()));
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
           "<title>connspec: ";
    append_escaped(out, suites);
    out += " \u2014 " + verdict + "</title><style>";
    out += html_style();
    out += "</style></head>\n<body>\n<header><h1>connspec: ";
    append_escaped(out, suites);
    out += " \u2014 " + verdict + "</h1><p class=\"meta\">Run on ";
    append_escaped(out, result.info.hostname);
    if (!result.info.vantage.empty()) {
        out += " (vantage point ";
        append_escaped(out, result.info.vantage);
        out += ")";
    }
    out += fmt::format(", started <time>{}</time>, took <span class=\"duration\">{} s</span>",
                       iso8601_utc(result.info.started), seconds_text(result.duration));
    if (result.interrupted) out += " \u2014 <b>interrupted</b>: unfinished cases count as errors";
    out += ".</p>\n";
    append_totals(out, result, targets, failing.size());
    out += "</header>\n<main>\n";

    // Failing targets first: that is why someone opened the page.
    if (!failing.empty()) {
        out += fmt::format("<section id=\"failing\"><h2>Failing targets ({})</h2>\n", count_text(failing.size()));
        for (std::size_t i = 0; i < failing.size() && i < failing_shown; ++i)
            append_target(out, run, *failing[i], outcomes);
        if (failing.size() > failing_shown) {
            // The rest, grouped by the case that fails first and its category.
            std::map<std::pair<std::string, std::string>, std::vector<const TargetCases*>> groups;
            for (std::size_t i = failing_shown; i < failing.size(); ++i) {
                const std::size_t p = first_problem(*failing[i], outcomes);
                std::string where = p == std::string::npos ? "blocked" : run.cases[p].name;
                std::string category = p == std::string::npos ? "" : outcomes[p].category;
                groups[{where, category}].push_back(failing[i]);
            }
            out += fmt::format("<h3>{} more failing targets, grouped</h3>\n", count_text(failing.size() - failing_shown));
            for (const auto& [key, members] : groups) {
                out += "<div class=\"group target bad\"><p>";
                out += fmt::format("<b>{}</b> target{} fail <span class=\"case\">", count_text(members.size()),
                                   members.size() == 1 ? "" : "s");
                append_escaped(out, key.first);
                out += "</span> with <span class=\"category\">";
                append_escaped(out, key.second);
                out += "</span>; the first: ";
                const std::size_t p = first_problem(*members.front(), outcomes);
                if (p != std::string::npos) append_escaped(out, outcomes[p].message);
                out += "</p>";
                append_names(out, run, members);
                out += "</div>\n";
            }
        }
        out += "</section>\n";
    }

    // Session connect times across all targets (each target's own histogram is in its row).
    std::vector<double> all_times;
    std::size_t with_sessions = 0;
    for (const auto& t : targets) {
        auto times = session_times(t, outcomes);
        with_sessions += !times.empty();
        all_times.insert(all_times.end(), times.begin(), times.end());
    }
    if (!all_times.empty()) {
        std::sort(all_times.begin(), all_times.end());
        out += "<section id=\"sessions\"><h2>Session connect times</h2>\n";
        out += latency_histogram_svg(all_times, with_sessions == 1 ? "sessions"
                                                                   : fmt::format("all {} targets' sessions", count_text(with_sessions)));
        out += "</section>\n";
    }

    // Certificates: days left of each leaf on a time line, the soonest listed.
    std::vector<Expiry> expiries;
    struct CertRow {
        long days;
        std::size_t index;
    };
    std::vector<CertRow> cert_rows;
    for (const auto& t : targets)
        for (std::size_t i = t.first; i < t.first + t.count; ++i) {
            std::string_view days = outcomes[i].find("days_left");
            if (days.empty()) continue;
            try {
                long d = std::stol(std::string(days));
                expiries.push_back({target_label(run.targets[t.target]), d, outcomes[i].status});
                cert_rows.push_back({d, i});
            } catch (const std::exception&) {
            }
        }
    if (!expiries.empty()) {
        out += "<section id=\"certificates\"><h2>Certificates: days left</h2>\n";
        out += expiry_timeline_svg(expiries);
        std::stable_sort(cert_rows.begin(), cert_rows.end(), [](auto& a, auto& b) { return a.days < b.days; });
        out += "<table class=\"list\"><tr><th>target</th><th>days left</th><th>expires</th><th>verdict</th></tr>";
        for (std::size_t r = 0; r < cert_rows.size() && r < 20; ++r) {
            const Outcome& o = outcomes[cert_rows[r].index];
            const StepKind k = step_kind(o);
            out += "<tr><td>";
            append_escaped(out, target_label(run.target_of(run.cases[cert_rows[r].index])));
            out += fmt::format("</td><td>{}</td><td>", cert_rows[r].days);
            append_escaped(out, o.find("not_after"));
            out += fmt::format("</td><td class=\"{}\">{}</td></tr>", step_class(k), step_word(k));
        }
        out += "</table>";
        if (cert_rows.size() > 20)
            out += fmt::format("<p>and {} more, all with more days left.</p>", count_text(cert_rows.size() - 20));
        out += "</section>\n";
    }

    if (!passing.empty()) {
        out += fmt::format("<section id=\"passing\"><h2>Passing targets ({})</h2>\n", count_text(passing.size()));
        if (passing.size() <= passing_shown) {
            for (const TargetCases* t : passing) append_target(out, run, *t, outcomes);
        } else {
            // Grouped by the shape of their chain, in first-seen order.
            std::vector<std::pair<std::string, std::vector<const TargetCases*>>> groups;
            std::map<std::string, std::size_t> index;
            for (const TargetCases* t : passing) {
                std::string shape = chain_shape(run, *t, outcomes);
                auto [it, fresh] = index.emplace(shape, groups.size());
                if (fresh) groups.push_back({shape, {}});
                groups[it->second].second.push_back(t);
            }
            for (const auto& [shape, members] : groups) {
                out += fmt::format("<div class=\"group target good\" data-count=\"{}\"><h3>{} target{} passed</h3>",
                                   members.size(), count_text(members.size()), members.size() == 1 ? "" : "s");
                // The chain they share, drawn from the first of them (times are the first's).
                append_chain(out, run, *members.front(), outcomes);
                append_names(out, run, members);
                out += "</div>\n";
            }
        }
        out += "</section>\n";
    }
    out += fmt::format("</main>\n<footer><p class=\"meta\">connspec: {} cases in {} targets; {} passed, {} failed, "
                       "{} errors, {} skipped.</p></footer>\n</body></html>\n",
                       count_text(outcomes.size()), count_text(targets.size()), tally.passed, tally.failed,
                       tally.errors, tally.skipped);
    return out;
}

}  // namespace

std::string render_html_report(const RunResult& result)
{
    return html_document(result);
}

std::unique_ptr<Reporter> make_html_reporter(std::string path)
{
    return make_document_reporter(std::move(path), html_document);
}

}  // namespace connspec
