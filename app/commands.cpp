#include "app/commands.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "core/duration.hpp"
#include "reports/atomic_file.hpp"
#include "reports/junit_merge.hpp"
#include "reports/reports.hpp"
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

bool colour_wanted()
{
    return ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

std::string this_hostname()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

}  // namespace

RunRecord execute_run(const RunRequest& request, std::ostream& out, std::ostream& err)
{
    RunRecord record;
    RunOptions options;
    if (request.timeout) {
        options.timeout = parse_duration(*request.timeout);
        if (!options.timeout || options.timeout->count() <= 0) {
            err << fmt::format("--timeout: \"{}\" is not a duration (like 500ms, 10s, 1.5m)\n",
                               *request.timeout);
            return record;
        }
    }
    if (request.jobs && *request.jobs < 1) {
        err << "--jobs: must be at least 1\n";
        return record;
    }
    Selection selection = request.selection;
    if (request.shard) {
        selection.shard = parse_shard(*request.shard);
        if (!selection.shard) {
            err << fmt::format("--shard: \"{}\" is not K/N with 1 <= K <= N (like 2/4)\n", *request.shard);
            return record;
        }
    }
    for (const auto& file : {request.junit_file, request.json_file}) {
        if (auto problem = unwritable_report(file)) {
            err << *problem << '\n';
            return record;
        }
    }

    auto loaded = load_or_report(request.suites, err);
    if (!loaded) return record;
    Selected selected = select_targets(*loaded, selection);
    if (selected.matching == 0) {
        err << "no target matches the --target/--tag selection; nothing was run\n";
        return record;
    }
    // An empty shard (more shards than targets) is not a mistake: it runs nothing and passes.
    Plan plan = std::move(selected.plan);
    options.jobs = jobs_for(request, plan);

    Fanout reporters;
    if (request.tap) reporters.add(make_tap_reporter(out));
    else reporters.add(make_console_reporter(out, colour_wanted()));
    if (!request.junit_file.empty()) reporters.add(make_junit_reporter(request.junit_file));
    if (!request.json_file.empty()) reporters.add(make_json_reporter(request.json_file));

    StopSignal stop;
    install_stop_signals(stop);
    // The vantage point names where the run stood; JUnit's hostname shows it to CI users.
    RunInfo info{request.vantage.empty() ? this_hostname() : request.vantage, request.vantage,
                 std::chrono::system_clock::now()};
    auto started = Clock::now();
    record.plan = std::move(plan);
    const RunDescription description = describe(*record.plan);
    RunResult result{description, info,
                     run_plan(*record.plan, description, options, info, reporters, stop),
                     Clock::now() - started, stop.requested()};
    try {
        reporters.run_finished(result);
    } catch (const std::exception& e) {
        err << "connspec: " << e.what() << '\n';
        record.outcomes = std::move(result.outcomes);
        return record;  // exit_usage: a gate must not pass without its report
    }
    out.flush();

    record.exit_code = exit_passed;
    for (const auto& o : result.outcomes)
        if (o.status == Status::failed || o.status == Status::error) record.exit_code = exit_failed;
    if (result.interrupted) record.exit_code = exit_interrupted;
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
