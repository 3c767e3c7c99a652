#include "app/commands.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "app/repeated_run.hpp"
#include "capture/packet_capture.hpp"
#include "core/duration.hpp"
#include "reports/atomic_file.hpp"
#include "reports/junit_merge.hpp"
#include "reports/reports.hpp"
#include "runner/descriptors.hpp"
#include "runner/fanout.hpp"
#include "runner/scheduler.hpp"
#include "runner/signals.hpp"
#include "suites/loader.hpp"

namespace connspec {
namespace {

constexpr int default_jobs = 16;

// Loads the suites, printing every mistake; nullopt when there was any.
std::optional<Plan> load_or_report(const std::vector<std::string>& suites, std::ostream& err)
{
    LoadResult loaded = load_suites(suites);
    for (const auto& e : loaded.errors) err << e << '\n';
    if (!loaded.ok()) {
        err << fmt::format("{} mistake{} found; nothing was run\n", loaded.errors.size(),
                           loaded.errors.size() == 1 ? "" : "s");
        return std::nullopt;
    }
    return std::move(loaded.plan);
}

}  // namespace

// A report file must be writable before anything runs: a gate that runs and then cannot
// write its JUnit file would leave CI without results.
std::optional<std::string> unwritable_report(const std::string& file)
{
    if (file.empty()) return std::nullopt;
    auto folder = std::filesystem::path(file).parent_path();
    if (folder.empty()) folder = ".";
    if (!std::filesystem::is_directory(folder))
        return fmt::format("cannot write {}: folder {} does not exist", file, folder.string());
    if (::access(folder.c_str(), W_OK) != 0)
        return fmt::format("cannot write {}: folder {} is not writable", file, folder.string());
    if (std::filesystem::is_directory(file)) return fmt::format("cannot write {}: it is a folder", file);
    return std::nullopt;
}

// A report must never overwrite what the user wrote: a suite file, or the other report.
std::optional<std::string> overwrites_input(
    const std::vector<std::string>& suites,
    const std::vector<std::pair<std::string, std::string>>& reports)
{
    auto same = [](const std::string& a, const std::string& b) {
        std::error_code ec;
        if (std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec))
            return std::filesystem::equivalent(a, b, ec);
        return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
    };
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const auto& [option, file] = reports[i];
        if (file.empty()) continue;
        for (const auto& suite : suites)
            if (suite != "-" && same(file, suite))
                return fmt::format("{} {}: this is a suite file given to this run; a report never "
                                   "overwrites a suite (write it somewhere else)",
                                   option, file);
        for (std::size_t j = 0; j < i; ++j)
            if (!reports[j].second.empty() && same(file, reports[j].second))
                return fmt::format("{} {}: {} writes the same file; give each report its own file",
                                   option, file, reports[j].first);
    }
    return std::nullopt;
}

namespace {

int jobs_for(const RunRequest& request, const Plan& plan)
{
    if (request.jobs) return *request.jobs;
    // With several suites, the most cautious suite's limit holds for the whole run.
    std::optional<int> jobs;
    for (const auto& s : plan.suites)
        if (s.jobs) jobs = jobs ? std::min(*jobs, *s.jobs) : *s.jobs;
    return jobs.value_or(default_jobs);
}

}  // namespace

// Live progress only on a terminal that can redraw a line in place: never in files or pipes,
// never on TERM=dumb. Returns the terminal's width.
std::optional<int> progress_width()
{
    if (!::isatty(STDOUT_FILENO)) return std::nullopt;
    const char* term = std::getenv("TERM");
    if (term && std::string_view(term) == "dumb") return std::nullopt;
    winsize size{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

std::string this_hostname()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

namespace {

bool colour_wanted()
{
    return ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

// --capture DIR: the folder is made when missing and must be writable (a usage error
// otherwise, like a report's folder). Where this process may not capture, one warning and the
// run goes on exactly as without --capture. False on a usage error.
bool prepare_capture(const std::string& dir, RunOptions& options, std::ostream& err)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (!std::filesystem::is_directory(dir)) {
        err << fmt::format("--capture {}: cannot create the folder{}\n", dir,
                           ec ? ": " + ec.message() : std::string(" (a file has that name)"));
        return false;
    }
    if (::access(dir.c_str(), W_OK) != 0) {
        err << fmt::format("--capture {}: the folder is not writable\n", dir);
        return false;
    }
    if (auto why = PacketCapture::unavailable()) {
        err << fmt::format("connspec: warning: --capture {}: {}; the run goes on without packet captures\n",
                           dir, *why);
        return true;
    }
    options.capture_dir = dir;
    return true;
}

}  // namespace

std::optional<PreparedRun> prepare_run(const RunRequest& request, std::ostream& err)
{
    RunOptions options;
    if (request.timeout) {
        options.timeout = parse_duration(*request.timeout);
        if (!options.timeout || options.timeout->count() <= 0) {
            err << fmt::format("--timeout: \"{}\" is not a duration (like 500ms, 10s, 1.5m)\n",
                               *request.timeout);
            return std::nullopt;
        }
    }
    if (request.jobs && *request.jobs < 1) {
        err << "--jobs: must be at least 1\n";
        return std::nullopt;
    }
    Selection selection = request.selection;
    if (request.shard) {
        selection.shard = parse_shard(*request.shard);
        if (!selection.shard) {
            err << fmt::format("--shard: \"{}\" is not K/N with 1 <= K <= N (like 2/4)\n", *request.shard);
            return std::nullopt;
        }
    }
    for (const auto& file : {request.junit_file, request.json_file, request.html_file}) {
        if (auto problem = unwritable_report(file)) {
            err << *problem << '\n';
            return std::nullopt;
        }
    }
    if (auto problem = overwrites_input(request.suites,
                                        {{"--junit", request.junit_file}, {"--json", request.json_file}, {"--html", request.html_file}})) {
        err << *problem << '\n';
        return std::nullopt;
    }

    // From here on a Ctrl-C is a stop request, for the rest of the process's life.
    process_stop_signal();
    auto loaded = load_or_report(request.suites, err);
    if (!loaded) return std::nullopt;
    if (loaded->targets.empty()) {
        err << fmt::format("{} declare{} no target; nothing was run\n",
                           request.suites.size() == 1 ? "the suite" : "the suites",
                           request.suites.size() == 1 ? "s" : "");
        return std::nullopt;
    }
    Selected selected = select_targets(*loaded, selection);
    if (selected.matching == 0) {
        err << "no target matches the --target/--tag selection; nothing was run\n";
        return std::nullopt;
    }
    if (!request.capture_dir.empty() && !prepare_capture(request.capture_dir, options, err))
        return std::nullopt;
    // An empty shard (more shards than targets) is not a mistake: it runs nothing and passes.
    options.jobs = jobs_for(request, selected.plan);
    return PreparedRun{std::move(selected.plan), options};
}

RunRecord execute_run(const RunRequest& request, std::ostream& out, std::ostream& err)
{
    RunRecord record;
    Duration repeat_interval{0};
    if (request.repeat < 1) {
        err << "--repeat: must be at least 1\n";
        return record;
    }
    if (request.repeat_interval) {
        auto parsed = parse_duration(*request.repeat_interval);
        if (!parsed || parsed->count() < 0) {
            err << fmt::format("--interval: \"{}\" is not a duration (like 500ms, 10s, 1m)\n",
                               *request.repeat_interval);
            return record;
        }
        if (request.repeat < 2) {
            err << "--interval: only with --repeat N (N of at least 2)\n";
            return record;
        }
        repeat_interval = *parsed;
    }
    auto prepared = prepare_run(request, err);
    if (!prepared) return record;
    StopSignal& stop = process_stop_signal();
    Plan plan = std::move(prepared->plan);
    RunOptions options = prepared->options;

    // What every case the plan may run at once needs, asked of the system once, here: a
    // shortage found later is this machine's, never the server's.
    raise_descriptor_limit(plan, options.jobs, options.capture_dir.empty() ? 0 : 1);

    Fanout reporters;
    if (request.tap) reporters.add("the TAP report", make_tap_reporter(out));
    else if (auto width = progress_width())
        reporters.add("the console report",
                      make_progress_reporter(make_console_reporter(out, colour_wanted()), out, *width));
    else reporters.add("the console report", make_console_reporter(out, colour_wanted()));
    if (!request.junit_file.empty())
        reporters.add("the JUnit report " + request.junit_file, make_junit_reporter(request.junit_file));
    if (!request.json_file.empty())
        reporters.add("the JSON report " + request.json_file, make_json_reporter(request.json_file));
    if (!request.html_file.empty())
        reporters.add("the HTML report " + request.html_file, make_html_reporter(request.html_file));


    // The vantage point names where the run stood; JUnit's hostname shows it to CI users.
    RunInfo info{request.vantage.empty() ? this_hostname() : request.vantage, request.vantage,
                 std::chrono::system_clock::now()};
    auto started = Clock::now();
    record.plan = std::move(plan);
    const RunDescription description = describe(*record.plan);
    std::vector<Outcome> outcomes;
    if (request.repeat > 1) {
        // The runs are combined first; reports see one run whose cases carry their success rate.
        reporters.run_started(description, info);
        outcomes = run_repeatedly(*record.plan, description, options, info, request.repeat,
                                  repeat_interval, stop, err);
        for (std::size_t i = 0; i < outcomes.size(); ++i) reporters.case_finished(i, outcomes[i]);
    } else {
        outcomes = run_plan(*record.plan, description, options, info, reporters, stop);
    }
    RunResult result{description, info, std::move(outcomes), Clock::now() - started,
                     stop.requested()};
    reporters.run_finished(result);
    out.flush();

    record.exit_code = exit_passed;
    for (const auto& o : result.outcomes)
        if (o.status == Status::failed || o.status == Status::error) record.exit_code = exit_failed;
    if (result.interrupted) record.exit_code = exit_interrupted;
    // A gate must not pass without its reports: every report that could be written was; the
    // others are named, and the run fails.
    for (const auto& failure : reporters.failures()) {
        err << "connspec: cannot write " << failure << '\n';
        if (record.exit_code == exit_passed) record.exit_code = exit_failed;
    }
    record.outcomes = std::move(result.outcomes);
    return record;
}

int run_command(const RunRequest& request, std::ostream& out, std::ostream& err)
{
    return execute_run(request, out, err).exit_code;
}

int validate_command(const std::vector<std::string>& suites, std::ostream& out, std::ostream& err)
{
    auto plan = load_or_report(suites, err);
    if (!plan) return exit_usage;
    for (const auto& suite : plan->suites) {
        std::size_t targets = 0, cases = 0;
        for (const auto& t : plan->targets) targets += t.suite == suite.name;
        for (const auto& c : plan->cases) cases += plan->target_of(c).suite == suite.name;
        out << fmt::format("{}: ok, suite \"{}\": {} target{}, {} case{}\n", suite.file,
                           suite.name, targets, targets == 1 ? "" : "s", cases,
                           cases == 1 ? "" : "s");
    }
    return exit_passed;
}

int list_command(const std::vector<std::string>& suites, std::ostream& out, std::ostream& err)
{
    auto plan = load_or_report(suites, err);
    if (!plan) return exit_usage;
    for (const auto& c : plan->cases) {
        std::string line = plan->target_of(c).suite + "." + plan->case_id(c);
        if (c.prerequisite) line += "  needs " + plan->case_id(plan->cases[*c.prerequisite]);
        out << line << '\n';
    }
    return exit_passed;
}

int merge_command(const std::vector<std::string>& inputs, const std::string& output,
                  std::ostream& out, std::ostream& err)
{
    if (auto problem = unwritable_report(output)) {
        err << *problem << '\n';
        return exit_usage;
    }
    MergedJunit merged;
    try {
        merged = merge_junit(inputs);
        write_file_atomically(output, merged.document);
    } catch (const std::exception& e) {
        err << "connspec merge: " << e.what() << '\n';
        return exit_usage;
    }
    int passed = merged.tests - merged.failures - merged.errors - merged.skipped;
    out << fmt::format("{}: {} passed, {} failed, {} errors, {} skipped from {} file{} ({} vantage point{})\n",
                       output, passed, merged.failures, merged.errors, merged.skipped,
                       inputs.size(), inputs.size() == 1 ? "" : "s", merged.vantages.size(),
                       merged.vantages.size() == 1 ? "" : "s");
    return merged.failures + merged.errors > 0 ? exit_failed : exit_passed;
}

}  // namespace connspec
