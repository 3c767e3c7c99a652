#include "reports/svg_charts.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "reports/html_text.hpp"

namespace connspec {
namespace {

std::string ms_text(double ms)
{
    if (ms >= 100) return fmt::format("{:.0f} ms", ms);
    if (ms >= 10) return fmt::format("{:.1f} ms", ms);
    return fmt::format("{:.2f} ms", ms);
}

std::string_view colour_of(Status status)
{
    switch (status) {
    case Status::passed: return "#1a7f37";
    case Status::failed: return "#cf222e";
    case Status::error: return "#9a6700";
    case Status::skipped: return "#57606a";
    }
    return "#57606a";
}

}  // namespace

std::vector<double> parse_times_ms(std::string_view text)
{
    std::vector<double> values;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && text[pos] == ' ') ++pos;
        std::size_t end = text.find(' ', pos);
        if (end == std::string_view::npos) end = text.size();
        double v = 0;
        auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + end, v);
        if (ec == std::errc{} && ptr == text.data() + end && std::isfinite(v) && v >= 0) values.push_back(v);
        pos = end;
    }
    std::sort(values.begin(), values.end());
    return values;
}

double percentile_of(const std::vector<double>& ascending, double p)
{
    if (ascending.empty()) return 0;
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ascending.size())));
    return ascending[std::clamp<std::size_t>(rank, 1, ascending.size()) - 1];
}

std::string latency_histogram_svg(const std::vector<double>& ms, const std::string& label)
{
    if (ms.empty()) return {};
    constexpr int width = 520, height = 170, left = 36, right = 30, top = 22, bottom = 34;
    constexpr int bins = 30;
    const double lo = 0;
    double hi = ms.back() * 1.05;
    if (hi <= lo) hi = lo + 1;
    std::vector<std::size_t> counts(bins, 0);
    for (double v : ms) {
        auto b = static_cast<std::size_t>((v - lo) / (hi - lo) * bins);
        ++counts[std::min<std::size_t>(b, bins - 1)];
    }
    const std::size_t tallest = *std::max_element(counts.begin(), counts.end());
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    auto x_of = [&](double v) { return left + (v - lo) / (hi - lo) * plot_w; };
    const double p50 = percentile_of(ms, 0.50), p95 = percentile_of(ms, 0.95);

    std::string out = fmt::format(
        "<figure class=\"histogram\"><svg role=\"img\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
        "xmlns=\"http://www.w3.org/2000/svg\"><title>",
        width, height, width, height);
    append_escaped(out, label);
    out += fmt::format(": {} session connect times, p50 {}, p95 {}</title>", ms.size(), ms_text(p50), ms_text(p95));
    for (int b = 0; b < bins; ++b) {
        if (counts[b] == 0) continue;
        const double h = plot_h * static_cast<double>(counts[b]) / static_cast<double>(tallest);
        const double x0 = x_of(lo + (hi - lo) * b / bins), x1 = x_of(lo + (hi - lo) * (b + 1) / bins);
        out += fmt::format(
            "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#8c959f\"><title>{} session{} "
            "{}–{}</title></rect>",
            x0 + 0.5, top + plot_h - h, std::max(0.5, x1 - x0 - 1), h, counts[b], counts[b] == 1 ? "" : "s",
            ms_text(lo + (hi - lo) * b / bins), ms_text(lo + (hi - lo) * (b + 1) / bins));
    }
    // Axes: count at the left, milliseconds below.
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#57606a\"/>", left,
                       top + plot_h, width - right, top + plot_h);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 4, top + 8, tallest);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>", left - 4, top + plot_h);
    for (int tick = 0; tick <= 4; ++tick) {
        const double v = lo + (hi - lo) * tick / 4;
        out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x_of(v),
                           top + plot_h + 14, ms_text(v));
    }
    // p50 solid, p95 dashed: told apart without colour.
    auto mark = [&](double v, std::string_view name, std::string_view dash, int dy) {
        out += fmt::format("<line class=\"{}\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#0969da\" "
                           "stroke-width=\"2\"{}/>",
                           name, x_of(v), top - 4, x_of(v), top + plot_h, dash);
        out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{} {}</text>", x_of(v), top - 8 + dy,
                           name, ms_text(v));
    };
    mark(p50, "p50", "", 0);
    mark(p95, "p95", " stroke-dasharray=\"4 3\"", x_of(p95) - x_of(p50) < 70 ? 10 : 0);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">connect time (ms), {} session{}</text>",
                       left + plot_w / 2, height - 4, count_text(ms.size()), ms.size() == 1 ? "" : "s");
    out += "</svg><figcaption>";
    append_escaped(out, label);
    out += fmt::format(": {} sessions, p50 {}, p95 {}, max {}</figcaption></figure>\n", count_text(ms.size()),
                       ms_text(p50), ms_text(p95), ms_text(ms.back()));
    return out;
}

std::string expiry_timeline_svg(std::vector<Expiry> expiries)
{
    if (expiries.empty()) return {};
    constexpr int width = 760, left = 20, right = 30, axis_y = 40;
    constexpr long first_day = -30, last_day = 730;
    std::stable_sort(expiries.begin(), expiries.end(),
                     [](const Expiry& a, const Expiry& b) { return a.days_left < b.days_left; });
    // Piecewise linear: the near future, where action is needed, gets most of the width.
    auto x_of = [&](long days) {
        const double d = static_cast<double>(std::clamp(days, first_day, last_day));
        static constexpr double stops[][2] = {{-30, 0.0}, {0, 0.08}, {30, 0.30}, {90, 0.50}, {365, 0.80}, {730, 1.0}};
        double f = 1.0;
        for (std::size_t i = 1; i < std::size(stops); ++i)
            if (d <= stops[i][0]) {
                f = stops[i - 1][1] + (d - stops[i - 1][0]) / (stops[i][0] - stops[i - 1][0]) * (stops[i][1] - stops[i - 1][1]);
                break;
            }
        return left + f * (width - left - right);
    };
    // One mark per distinct day (with its count and worst verdict); the soonest are labelled.
    struct Mark {
        long days;        // clamped to the time line
        long real_days;   // of the first (soonest) certificate of the mark
        std::size_t count = 0;
        Status worst = Status::passed;
        std::string first_label;
    };
    std::vector<Mark> marks;
    for (const auto& e : expiries) {
        const long d = std::clamp(e.days_left, first_day, last_day);
        if (marks.empty() || marks.back().days != d) marks.push_back({d, e.days_left, 0, Status::passed, e.label});
        Mark& m = marks.back();
        ++m.count;
        auto rank = [](Status s) { return s == Status::failed ? 3 : s == Status::error ? 2 : s == Status::skipped ? 1 : 0; };
        if (rank(e.status) > rank(m.worst)) m.worst = e.status;
    }
    constexpr std::size_t labelled = 8;
    const int height = axis_y + 30 + static_cast<int>(std::min(marks.size(), labelled)) * 14;
    std::string out = fmt::format(
        "<figure class=\"timeline\"><svg role=\"img\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
        "xmlns=\"http://www.w3.org/2000/svg\"><title>certificate days left: {} certificate{}, the soonest in {} "
        "days</title>",
        width, height, width, height, count_text(expiries.size()), expiries.size() == 1 ? "" : "s",
        expiries.front().days_left);
    // The danger zone (expired or under 30 days) shaded.
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"24\" fill=\"#ffebe9\"/>", x_of(first_day),
                       axis_y - 12, x_of(30) - x_of(first_day));
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#57606a\"/>", left, axis_y,
                       width - right, axis_y);
    for (long tick : {0L, 30L, 90L, 180L, 365L, 730L}) {
        const double x = x_of(tick);
        out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#8c959f\"/>", x,
                           axis_y - 16, axis_y + 4);
        const std::string text = tick == 0 ? "today" : tick == 730 ? "2 y+" : fmt::format("{} d", tick);
        out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x, axis_y - 20, text);
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\">expired</text>", left, axis_y + 16);
    std::size_t n = 0;
    for (const auto& m : marks) {
        const double x = x_of(m.days);
        const std::string_view colour = colour_of(m.worst);
        // A failing certificate is a diamond, a passing one a circle: shape carries the verdict too.
        if (m.worst == Status::failed || m.worst == Status::error)
            out += fmt::format("<path class=\"cert bad\" d=\"M{0:.1f} {1}l6 6-6 6-6-6z\" fill=\"{2}\">", x, axis_y - 6,
                               colour);
        else
            out += fmt::format("<circle class=\"cert ok\" cx=\"{:.1f}\" cy=\"{}\" r=\"5\" fill=\"{}\">", x, axis_y,
                               colour);
        out += "<title>";
        append_escaped(out, m.first_label);
        if (m.count > 1) out += fmt::format(" and {} more", count_text(m.count - 1));
        out += fmt::format(": {} days left</title>", m.real_days);
        out += (m.worst == Status::failed || m.worst == Status::error) ? "</path>" : "</circle>";
        if (n < labelled) {
            const int y = axis_y + 30 + static_cast<int>(n) * 14;
            out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#d0d7de\"/>", x,
                               axis_y + 6, y - 10);
            out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"{}\">", x + 3, y,
                               x > width / 2 ? "end" : "start");
            append_escaped(out, m.first_label);
            if (m.count > 1) out += fmt::format(" +{}", count_text(m.count - 1));
            out += fmt::format(": {} d</text>", m.real_days);
        }
        ++n;
    }
    out += "</svg></figure>\n";
    return out;
}

}  // namespace connspec
