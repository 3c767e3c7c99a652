// The command line. CLI11 is slow to compile, so it lives in this one translation unit; the
// commands themselves are in runner/commands.cpp.
#include <iostream>

#include <CLI/CLI.hpp>
#include <openssl/crypto.h>

#include "app/bundle.hpp"
#include "app/commands.hpp"
#include "app/watch.hpp"
#include "app/init.hpp"

namespace {

constexpr const char* exit_codes = R"(Exit status:
  0    every selected case passed (or was skipped without a failure)
  1    some case failed or errored
  2    usage or suite error (nothing ran)
  130  interrupted (reports still written, unfinished cases as errors)

Suite format and examples: see README.md.)";

}  // namespace

int main(int argc, char** argv)
{
    using namespace connspec;
    // OpenSSL would free all its tables at exit (OPENSSL_cleanup), a fraction of a millisecond
    // that a short-lived command has no use for: the process ends anyway.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);

    CLI::App app{"connspec: connectivity expectations (DNS, TCP, TLS, certificates, PostgreSQL "
                 "logins and sessions) written in TOML, run as a test suite with JUnit, TAP, "
                 "console and JSON reports."};
    app.set_version_flag("--version", "connspec " CONNSPEC_VERSION);
    app.footer(exit_codes);
    app.require_subcommand(1);

    RunRequest run;
    auto* run_cmd = app.add_subcommand("run", "Run the suites; console report on stdout");
    run_cmd->add_option("SUITE", run.suites, "Suite files (TOML)")->required();
    run_cmd->add_option("--junit", run.junit_file, "Also write JUnit XML to FILE (written whole or not at all)")
        ->type_name("FILE");
    run_cmd->add_option("--json", run.json_file, "Also write the results as JSON to FILE")->type_name("FILE");
    run_cmd->add_option("--html", run.html_file, "Also write a self-contained HTML report to FILE")->type_name("FILE");
    run_cmd->add_flag("--tap", run.tap, "TAP 14 on stdout instead of the console report (for meson test)");
    run_cmd->add_option("-j,--jobs", run.jobs, "Most cases at once (default: the suite's jobs, else 16)")
        ->type_name("N");
    run_cmd->add_option("--target", run.selection.target_globs,
                        "Only targets whose name matches GLOB (repeatable)")
        ->type_name("GLOB")->allow_extra_args(false);
    run_cmd->add_option("--tag", run.selection.tags, "Only targets with this tag (repeatable)")
        ->type_name("TAG")->allow_extra_args(false);
    run_cmd->add_option("--timeout", run.timeout, "Override every case's deadline (e.g. 5s, 500ms)")
        ->type_name("DURATION");
    run_cmd->add_option("--shard", run.shard,
                        "Run only share K of N (1-based) of the targets; every target is in exactly one share")
        ->type_name("K/N");
    run_cmd->add_option("--vantage", run.vantage,
                        "Name where this run happens (recorded in the reports)")
        ->type_name("NAME");
    run_cmd->add_option("--repeat", run.repeat,
                        "Run the selection N times; each case reports runs, passed_runs and success_rate, "
                        "and passes only if every run passed (else it fails as flaky)")
        ->type_name("N");
    run_cmd->add_option("--interval", run.repeat_interval,
                        "With --repeat: time from one run's start to the next (default: at once)")
        ->type_name("DURATION");
    run_cmd->add_option("--capture", run.capture_dir,
                        "Write a pcap of each failing or erroring case's own packets (its addresses, "
                        "ports and ICMP about them) to DIR/SUITE.TARGET.CASE.pcap (libpcap on the "
                        "\"any\" device; needs CAP_NET_RAW, else one warning and the run goes on "
                        "without captures)")
        ->type_name("DIR");
    run_cmd->footer(exit_codes);

    std::vector<std::string> validate_suites;
    auto* validate_cmd = app.add_subcommand("validate", "Load the suites only; report every mistake; exit 0 or 2");
    validate_cmd->add_option("SUITE", validate_suites, "Suite files (TOML)")->required();

    std::vector<std::string> list_suites;
    auto* list_cmd = app.add_subcommand("list", "List the cases, one a line, with their prerequisites");
    list_cmd->add_option("SUITE", list_suites, "Suite files (TOML)")->required();

    std::vector<std::string> merge_inputs;
    std::string merge_output;
    auto* merge_cmd = app.add_subcommand(
        "merge", "Merge JUnit files from several shards or vantage points into one report; exit 1 if any case failed");
    merge_cmd->add_option("-o,--output", merge_output, "The merged JUnit file")->required()->type_name("OUT.xml");
    merge_cmd->add_option("JUNIT", merge_inputs, "JUnit files written by connspec run --junit")->required();

    BundleRequest bundle;
    auto* bundle_cmd = app.add_subcommand(
        "bundle", "Run the suites, then write a support bundle (.tar.gz): redacted suites, reports, "
                  "versions, resolver configuration, routes and sockets per target address, a summary");
    bundle_cmd->add_option("SUITE", bundle.run.suites, "Suite files (TOML)")->required();
    bundle_cmd->add_option("-o,--output", bundle.output, "The archive to write")->required()->type_name("FILE.tar.gz");
    bundle_cmd->add_option("--target", bundle.run.selection.target_globs, "Only targets whose name matches GLOB (repeatable)")
        ->type_name("GLOB")->allow_extra_args(false);
    bundle_cmd->add_option("--tag", bundle.run.selection.tags, "Only targets with this tag (repeatable)")
        ->type_name("TAG")->allow_extra_args(false);
    bundle_cmd->add_option("--timeout", bundle.run.timeout, "Override every case's deadline")->type_name("DURATION");
    bundle_cmd->add_option("-j,--jobs", bundle.run.jobs, "Most cases at once")->type_name("N");
    bundle_cmd->add_option("--capture", bundle.run.capture_dir,
                           "As for run: a pcap of each failing or erroring case's packets in DIR, "
                           "also put into the archive as captures/SUITE.TARGET.CASE.pcap")
        ->type_name("DIR");

    WatchRequest watch;
    auto* watch_cmd = app.add_subcommand(
        "watch", "Run the suites every interval, never overlapping, and serve a status page at /, "
                 "/metrics (Prometheus), /results.json (the latest run) and /healthz until SIGTERM/SIGINT");
    watch_cmd->add_option("SUITE", watch.run.suites, "Suite files (TOML)")->required();
    watch_cmd->add_option("--interval", watch.interval, "Time from one run's start to the next (default 30s)")
        ->type_name("DURATION");
    watch_cmd->add_option("--listen", watch.listen,
                          "Address and port to serve on (default 127.0.0.1:9469, loopback only)")
        ->type_name("ADDR:PORT");
    watch_cmd->add_option("-j,--jobs", watch.run.jobs, "Most cases at once")->type_name("N");
    watch_cmd->add_option("--target", watch.run.selection.target_globs, "Only targets whose name matches GLOB (repeatable)")
        ->type_name("GLOB")->allow_extra_args(false);
    watch_cmd->add_option("--tag", watch.run.selection.tags, "Only targets with this tag (repeatable)")
        ->type_name("TAG")->allow_extra_args(false);
    watch_cmd->add_option("--timeout", watch.run.timeout, "Override every case's deadline")->type_name("DURATION");
    watch_cmd->add_option("--vantage", watch.run.vantage, "Name where the runs happen (in /results.json)")
        ->type_name("NAME");
    std::string init_url, init_output;
    auto* init_cmd = app.add_subcommand(
        "init", "Write a starter suite for a connection string (every case that fits; the password "
                "replaced by password_env)");
    init_cmd->add_option("URL", init_url, "A libpq connection string: postgresql://user@host:5432/db?sslmode=... "
                                          "or key=value pairs")->required();
    init_cmd->add_option("-o,--output", init_output, "Write the suite to FILE (never over an existing file); "
                                                     "default: standard output")->type_name("FILE");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_usage;
    }

    if (*run_cmd) return run_command(run, std::cout, std::cerr);
    if (*validate_cmd) return validate_command(validate_suites, std::cout, std::cerr);
    if (*list_cmd) return list_command(list_suites, std::cout, std::cerr);
    if (*bundle_cmd) return bundle_command(bundle, std::cout, std::cerr);
    if (*watch_cmd) return watch_command(watch, std::cout, std::cerr);
    if (*init_cmd) return init_command(init_url, init_output, std::cout, std::cerr);
    if (*merge_cmd) return merge_command(merge_inputs, merge_output, std::cout, std::cerr);
    return exit_usage;
}
