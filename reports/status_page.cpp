#include "reports/status_page.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "reports/html_target.hpp"
#include "reports/html_text.hpp"
#include "reports/tally.hpp"
#include "reports/time_format.hpp"

namespace connspec {
namespace {

// Targets drawn one by one (failing first, then those with a failure in their history);
// targets that passed every recorded run are grouped beyond this.
constexpr std::size_t targets_shown = 200;

std::string_view run_class(const PastRun& r)
{
    switch (r.status) {
    case Status::passed: return "passed";
    case Status::failed: return "failed";
    case Status::error: return "error";
    case Status::skipped: return "skipped";
    }
    return "error";
}

std::string_view run_word(const PastRun& r)
{
    switch (r.status) {
    case Status::passed: return "PASS";
    case Status::failed: return "FAIL";
    case Status::error: return "ERROR";
    case Status::skipped: return "SKIP";
    }
    return "ERROR";
}

bool history_clean(const StatusPageData& s, const TargetCases& t)
{
    for (std::size_t i = t.first; i < t.first + t.count; ++i)
        for (const auto& r : s.history[i])
            if (r.status == Status::failed || r.status == Status::error) return false;
    return true;
}

void append_strips(std::string& out, const StatusPageData& s, const TargetCases& t)
{
    out += "<table class=\"list history\"><tr><th>case</th><th>last runs, oldest first</th><th>from</th><th>to</th></tr>";
    for (std::size_t i = t.first; i < t.first + t.count; ++i) {
        const auto& runs = s.history[i];
        out += "<tr><td>";
        append_escaped(out, s.run.cases[i].name);
        out += fmt::format("</td><td><span class=\"strip\" data-runs=\"{}\">", runs.size());
        for (const auto& r : runs) {
            out += fmt::format("<span class=\"cell {}\" title=\"{} {} {} s", run_class(r), iso8601_utc(r.at),
                               run_word(r), fmt::format("{:.3f}", r.seconds));
            if (!r.category.empty()) {
                out += ' ';
                append_escaped(out, r.category);
            }
            out += "\"></span>";
        }
        out += "</span></td>";
        if (runs.empty()) out += "<td></td><td></td>";
        else
            out += fmt::format("<td><time>{}</time></td><td><time>{}</time></td>", iso8601_utc(runs.front().at),
                               iso8601_utc(runs.back().at));
        out += "</tr>";
    }
    out += "</table>\n";
}

void append_target(std::string& out, const StatusPageData& s, const TargetCases& t)
{
    const bool ok = target_ok(t, s.outcomes);
    out += fmt::format("<article class=\"target {}\" data-target=\"", ok ? "good" : "bad");
    append_escaped(out, s.run.targets[t.target].qualified_name());
    out += fmt::format("\"><h3><span class=\"verdict\">{}</span> ", ok ? "OK" : "FAILING");
    append_escaped(out, s.run.targets[t.target].suite + " \u203a " + s.run.targets[t.target].name);
    out += "</h3>\n";
    append_chain(out, s.run, t, s.outcomes);
    append_problem(out, s.run, t, s.outcomes);
    append_strips(out, s, t);
    out += "</article>\n";
}

}  // namespace

std::string render_status_page(const StatusPageData& s)
{
    std::string out;
    const auto targets = group_by_target(s.run);
    std::vector<const TargetCases*> failing, flaky, clean;
    for (const auto& t : targets) {
        if (!target_ok(t, s.outcomes)) failing.push_back(&t);
        else if (!history_clean(s, t)) flaky.push_back(&t);
        else clean.push_back(&t);
    }
    const std::string verdict =
        s.runs == 0       ? "waiting for the first run"
        : failing.empty() ? "all targets passing"
                          : fmt::format("{} of {} targets failing", count_text(failing.size()), count_text(targets.size()));
    out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    out += fmt::format("<meta http-equiv=\"refresh\" content=\"{}\">", std::max(1, s.refresh_seconds));
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
           "<title>connspec watch: " + verdict + "</title><style>";
    out += html_style();
    out += "</style></head>\n<body>\n<header><h1>connspec watch: " + verdict + "</h1><p class=\"meta\">";
    if (s.runs == 0) {
        out += fmt::format("No run has finished yet. This page reloads every {} s.</p></header>\n</body></html>\n",
                           std::max(1, s.refresh_seconds));
        return out;
    }
    out += "Latest run on ";
    append_escaped(out, s.info.hostname);
    out += fmt::format(" started <time>{}</time> and took {} s{}; {} run{} recorded; this page reloads every {} s.</p>\n",
                       iso8601_utc(s.info.started), fmt::format("{:.3f}", s.duration_seconds),
                       s.interrupted ? " (interrupted)" : "", count_text(s.runs), s.runs == 1 ? "" : "s",
                       std::max(1, s.refresh_seconds));
    Tally tally;
    for (const auto& o : s.outcomes) tally.add(o);
    out += fmt::format("<div class=\"totals\"><span><span class=\"n\">{}</span> targets</span>"
                       "<span class=\"{}\"><span class=\"n\">{}</span> failing</span>"
                       "<span class=\"passed\"><span class=\"n\">{}</span> cases passed</span>"
                       "<span><span class=\"n\">{}</span> failed</span><span><span class=\"n\">{}</span> errors</span>"
                       "<span><span class=\"n\">{}</span> skipped</span></div>\n</header>\n<main>\n",
                       count_text(targets.size()), failing.empty() ? "passed" : "failed", count_text(failing.size()),
                       tally.passed, tally.failed, tally.errors, tally.skipped);

    std::size_t shown = 0;
    auto section = [&](std::string_view id, std::string_view title, const std::vector<const TargetCases*>& list) {
        if (list.empty()) return;
        out += fmt::format("<section id=\"{}\"><h2>{} ({})</h2>\n", id, title, count_text(list.size()));
        std::vector<const TargetCases*> rest;
        for (const TargetCases* t : list) {
            if (shown < targets_shown) {
                append_target(out, s, *t);
                ++shown;
            } else {
                rest.push_back(t);
            }
        }
        if (!rest.empty()) {
            out += fmt::format("<div class=\"group target\"><p>and {} more:</p><details><summary>Target names</summary>"
                               "<p class=\"names\">",
                               count_text(rest.size()));
            for (std::size_t i = 0; i < rest.size(); ++i) {
                if (i) out += ", ";
                append_escaped(out, s.run.targets[rest[i]->target].qualified_name());
            }
            out += "</p></details></div>\n";
        }
        out += "</section>\n";
    };
    section("failing", "Failing now", failing);
    section("recovered", "Passing now, failed in a recorded run", flaky);
    if (clean.size() + shown <= targets_shown) {
        section("passing", "Passing in every recorded run", clean);
    } else if (!clean.empty()) {
        out += fmt::format("<section id=\"passing\"><h2>Passing in every recorded run ({})</h2>"
                           "<details><summary>Target names</summary><p class=\"names\">",
                           count_text(clean.size()));
        for (std::size_t i = 0; i < clean.size(); ++i) {
            if (i) out += ", ";
            append_escaped(out, s.run.targets[clean[i]->target].qualified_name());
        }
        out += "</p></details></section>\n";
    }
    out += "</main>\n</body></html>\n";
    return out;
}

}  // namespace connspec
