#include "reports/html_target.hpp"

#include <fmt/format.h>

#include "reports/html_text.hpp"
#include "reports/time_format.hpp"

namespace connspec {

std::vector<TargetCases> group_by_target(const RunDescription& run)
{
    std::vector<TargetCases> targets;
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
        const std::size_t t = run.cases[i].target_index;
        if (targets.empty() || targets.back().target != t) targets.push_back({t, i, 0});
        ++targets.back().count;
    }
    return targets;
}

StepKind step_kind(const Outcome& outcome)
{
    switch (outcome.status) {
    case Status::passed: return StepKind::passed;
    case Status::failed: return StepKind::failed;
    case Status::error: return StepKind::error;
    case Status::skipped:
        return outcome.message.rfind("blocked by ", 0) == 0 ? StepKind::blocked : StepKind::skipped;
    }
    return StepKind::error;
}

std::string_view step_word(StepKind kind)
{
    switch (kind) {
    case StepKind::passed: return "PASS";
    case StepKind::failed: return "FAIL";
    case StepKind::error: return "ERROR";
    case StepKind::skipped: return "SKIP";
    case StepKind::blocked: return "BLOCKED";
    }
    return "ERROR";
}

std::string_view step_class(StepKind kind)
{
    switch (kind) {
    case StepKind::passed: return "passed";
    case StepKind::failed: return "failed";
    case StepKind::error: return "error";
    case StepKind::skipped: return "skipped";
    case StepKind::blocked: return "blocked";
    }
    return "error";
}

std::size_t first_problem(const TargetCases& t, const std::vector<Outcome>& outcomes)
{
    for (std::size_t i = t.first; i < t.first + t.count; ++i)
        if (outcomes[i].status == Status::failed || outcomes[i].status == Status::error) return i;
    return std::string::npos;
}

bool target_ok(const TargetCases& t, const std::vector<Outcome>& outcomes)
{
    for (std::size_t i = t.first; i < t.first + t.count; ++i) {
        const StepKind k = step_kind(outcomes[i]);
        if (k != StepKind::passed && k != StepKind::skipped) return false;
    }
    return true;
}

void append_chain(std::string& out, const RunDescription& run, const TargetCases& t,
                  const std::vector<Outcome>& outcomes)
{
    out += "<ol class=\"chain\">";
    for (std::size_t i = t.first; i < t.first + t.count; ++i) {
        const Outcome& o = outcomes[i];
        const StepKind k = step_kind(o);
        out += fmt::format("<li class=\"step {}\" data-case=\"", step_class(k));
        append_escaped(out, run.cases[i].name);
        out += "\" title=\"";
        append_escaped(out, k == StepKind::passed ? o.message : (o.category.empty() ? o.message : o.category + ": " + o.message));
        out += fmt::format("\"><span class=\"word\">{}</span> <span class=\"case\">", step_word(k));
        append_escaped(out, run.cases[i].name);
        out += "</span>";
        if (k != StepKind::blocked && k != StepKind::skipped)
            out += fmt::format(" <span class=\"time\">{} s</span>", seconds_text(o.duration));
        if (k == StepKind::blocked) {
            out += " <span class=\"by\">";
            append_escaped(out, o.message);
            out += "</span>";
        }
        out += "</li>";
    }
    out += "</ol>\n";
}

void append_problem(std::string& out, const RunDescription& run, const TargetCases& t,
                    const std::vector<Outcome>& outcomes)
{
    const std::size_t i = first_problem(t, outcomes);
    if (i == std::string::npos) return;
    const Outcome& o = outcomes[i];
    out += "<div class=\"problem\"><p><span class=\"category\">";
    append_escaped(out, o.category.empty() ? std::string(to_string(o.status)) : o.category);
    out += "</span> in <span class=\"case\">";
    append_escaped(out, run.cases[i].name);
    out += "</span>: <span class=\"message\">";
    append_escaped(out, o.message);
    out += "</span>";
    if (o.attempts > 1) out += fmt::format(" <span class=\"attempts\">({} attempts)</span>", o.attempts);
    out += "</p>";
    if (!o.hint.empty()) {
        out += "<p class=\"hint\"><b>Hint:</b> ";
        append_escaped(out, o.hint);
        out += "</p>";
    }
    out += "</div>\n";
}

void append_details(std::string& out, const RunDescription& run, const TargetCases& t,
                    const std::vector<Outcome>& outcomes)
{
    out += "<details><summary>Properties and log</summary><table class=\"props\">";
    for (std::size_t i = t.first; i < t.first + t.count; ++i) {
        const Outcome& o = outcomes[i];
        const std::string name = html_escape(run.cases[i].name);
        auto row = [&](std::string_view key, std::string_view value) {
            out += "<tr><th>" + name + "</th><td>";
            append_escaped(out, key);
            out += "</td><td>";
            append_escaped(out, value);
            out += "</td></tr>";
        };
        row("status", to_string(o.status));
        if (!o.message.empty()) row("message", o.message);
        if (o.attempts != 1) row("attempts", std::to_string(o.attempts));
        for (const auto& p : o.properties) {
            // Every session's connect time is drawn as a histogram, not listed.
            if (p.key == "connect_times_ms") continue;
            row(p.key, p.value);
        }
        for (const auto& line : o.log) row("log", line);
    }
    out += "</table></details>\n";
}

std::string_view html_style()
{
    return R"css(
:root{--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--err:#9a6700;--err-bg:#fff8c5;--skip:#57606a;--skip-bg:#f6f8fa}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em;color:#1f2328;background:#fff}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #d0d7de}
h3{font-size:1em;margin:0 0 .4em}.meta{color:#57606a;margin:0 0 .8em}
.totals{display:flex;flex-wrap:wrap;gap:.5em;margin:.5em 0}
.totals>span{border:1px solid #d0d7de;border-radius:4px;padding:.2em .6em}
.totals .n{font-weight:bold;font-size:1.3em}
.target{border:1px solid #d0d7de;border-left-width:6px;border-radius:4px;padding:.5em .8em;margin:.5em 0;break-inside:avoid}
.target.bad{border-left-color:var(--fail)}.target.good{border-left-color:var(--pass)}
.chain{list-style:none;display:flex;flex-wrap:wrap;gap:0;padding:0;margin:.2em 0}
.step{padding:.15em .6em;margin:0 1.1em .3em 0;border:1px solid;border-radius:3px;position:relative;white-space:nowrap}
.step:not(:last-child)::after{content:"\2192";position:absolute;right:-1em;color:#57606a}
.step .word{font-weight:bold;font-size:.8em;letter-spacing:.03em}
.step .time,.step .by{color:#57606a;font-size:.85em}
.passed{color:var(--pass);background:var(--pass-bg);border-color:var(--pass)}
.failed{color:var(--fail);background:var(--fail-bg);border-color:var(--fail);border-width:2px}
.error{color:var(--err);background:var(--err-bg);border-color:var(--err);border-width:2px;border-style:double}
.skipped{color:var(--skip);background:var(--skip-bg);border-color:#d0d7de}
.blocked{color:var(--skip);background:var(--skip-bg);border-color:var(--skip);border-style:dashed}
.problem p{margin:.2em 0}.problem .category{font-family:ui-monospace,monospace;font-weight:bold}
.hint{background:#f6f8fa;border-left:3px solid #57606a;padding:.2em .5em}
details summary{cursor:pointer;color:#0969da}
table.props{border-collapse:collapse;font-size:.9em;margin:.3em 0}
table.props th,table.props td{border:1px solid #d0d7de;padding:.1em .4em;text-align:left;vertical-align:top;word-break:break-all}
table.list{border-collapse:collapse}table.list th,table.list td{border-bottom:1px solid #d0d7de;padding:.15em .6em;text-align:left}
.names{font-size:.9em;color:#57606a;word-break:break-word}
svg{max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#1f2328}
.strip{display:inline-flex;gap:1px;vertical-align:middle}
.cell{display:inline-block;width:7px;height:16px;border:1px solid;border-radius:1px;padding:0}
.cell.failed,.cell.error{height:16px}
@media print{body{margin:0;font-size:11px}.target{border-left-width:3px}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)css";
}

}  // namespace connspec
