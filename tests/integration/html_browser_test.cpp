// The HTML report and watch's status page in a real browser: headless Chromium (Debian's
// chromium) loads the page with every network route closed (a proxy on the discard port, no
// name resolution but loopback), takes a screenshot, dumps the DOM it rendered, and writes
// its network log; the test counts the targets and failed steps it shows, finds the hints,
// and checks that the page made no request at all.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "tests/integration/tcp_lab.hpp"
#include "tests/integration/watch_http.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

std::size_t count_of(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
    return n;
}

struct Rendered {
    std::string dom;
    std::string screenshot;          // a PNG file
    std::vector<std::string> fetched;  // requests the page made (should be none)
};

// Opens `url` in headless Chromium, isolated from every network but loopback.
Rendered open_in_chromium(const lab::TempDir& dir, const std::string& url, const std::string& name)
{
    Rendered r;
    r.screenshot = dir.path() + "/" + name + ".png";
    const std::string netlog = dir.path() + "/" + name + ".netlog.json";
    auto run = lab::run({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run",
                         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                         "--user-data-dir=" + dir.path() + "/" + name + ".profile", "--log-net-log=" + netlog,
                         "--window-size=1280,2000", "--screenshot=" + r.screenshot, "--dump-dom", url},
                        120000ms, {{"HOME", dir.path()}});
    BOOST_REQUIRE_MESSAGE(run.exit_code == 0, "chromium: " << run.err);
    r.dom = run.out;
    auto requests = lab::run({"python3", lab::source_root() + "/tests/integration/netlog_page_requests.py", netlog, url});
    BOOST_REQUIRE_MESSAGE(requests.exit_code == 0, requests.err);
    std::istringstream lines(requests.out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) r.fetched.push_back(line);
    return r;
}

bool is_png(const std::string& path)
{
    std::string head = lab::read_file(path).substr(0, 8);
    return head == "\x89PNG\r\n\x1a\n" && std::filesystem::file_size(path) > 2000;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_network_log_check_sees_a_page_that_fetches)
{
    // The check below would be worthless if it could not see a request: a page that fetches.
    lab::TempDir dir;
    auto page = dir.write("fetching.html", "<!DOCTYPE html><html><body><img src=\"http://fetch.example/x.png\">"
                                           "</body></html>");
    auto r = open_in_chromium(dir, "file://" + page, "fetching");
    BOOST_TEST(r.fetched.size() == 1u);
    BOOST_TEST(r.fetched.at(0) == "http://fetch.example/x.png");
}

BOOST_AUTO_TEST_CASE(the_html_report_of_a_failing_run_shows_each_chain_and_its_hints)
{
    lab::PgLab lab;
    lab::TempDir dir;
    const int closed = lab::free_port();
    auto toml = fmt::format(R"(
[suite]
name = "shop"
timeout = "10s"
[defaults]
login = {{ user = "app", database = "app", password_env = "T_PASSWORD", sslmode = "verify-full", sslrootcert = "{ca}" }}
[[target]]
name = "db"
host = "localhost"
port = {port}
port_open = true
tls = {{ min_version = "1.2" }}
certificate = {{ ca = "{ca}", min_days_valid = 1 }}
login = {{ }}
sessions = {{ count = 8, hold = "100ms" }}
[[target]]
name = "down"
host = "127.0.0.1"
port = {closed}
port_open = true
login = {{ }}
[[target]]
name = "wrong-password"
host = "localhost"
port = {port}
login = {{ password_env = "T_WRONG" }}
)",
                            fmt::arg("ca", lab.ca()), fmt::arg("port", lab.port()), fmt::arg("closed", closed));
    const std::string html = dir.path() + "/report.html";
    auto run = lab::run_suite(dir, toml, {"--html", html}, {{"T_PASSWORD", lab.password()}, {"T_WRONG", "not-it"}});
    BOOST_TEST(run.command.exit_code == 1, run.command.out << run.command.err);
    BOOST_TEST(run.at("down.port_open").status == "failed");
    BOOST_REQUIRE(std::filesystem::exists(html));

    auto r = open_in_chromium(dir, "file://" + html, "report");
    BOOST_TEST(count_of(r.dom, "<article class=\"target ") == 3u, r.dom);
    BOOST_TEST(count_of(r.dom, "class=\"step failed\"") == 2u);  // down.port_open, wrong-password.login
    BOOST_TEST(count_of(r.dom, "class=\"step blocked\"") == 1u);  // down.login
    BOOST_TEST(count_of(r.dom, "class=\"step passed\"") == 5u);
    BOOST_TEST(r.dom.find("<span class=\"category\">tcp.refused</span>") != std::string::npos);
    BOOST_TEST(r.dom.find("<span class=\"category\">pg.auth</span>") != std::string::npos);
    // The hints, as the JUnit report carries them.
    BOOST_TEST(count_of(r.dom, "<p class=\"hint\"><b>Hint:</b> ") == 2u);
    BOOST_TEST(r.dom.find("<line class=\"p95\"") != std::string::npos);  // the sessions' histogram
    BOOST_TEST(r.dom.find("class=\"cert ok\"") != std::string::npos);   // the certificate's time line
    BOOST_TEST(r.dom.find(lab.password()) == std::string::npos);
    BOOST_TEST(is_png(r.screenshot));
    BOOST_TEST(r.fetched.empty(), "the page fetched " << r.fetched.size() << " URLs");
}

BOOST_AUTO_TEST_CASE(watch_serves_the_status_page_with_the_latest_chain_and_each_cases_last_runs)
{
    // A real `connspec watch` at a short interval: one target up, one whose port is closed.
    lab::TcpListener open;
    const int closed = lab::free_port();
    lab::TempDir dir;
    auto suite = dir.write("edge.toml",
        fmt::format("[suite]\nname = \"edge\"\ntimeout = \"2s\"\n"
                    "[[target]]\nname = \"up\"\nhost = \"127.0.0.1\"\nport = {}\nprotocol = \"tcp\"\nport_open = true\n"
                    "[[target]]\nname = \"down\"\nhost = \"127.0.0.1\"\nport = {}\nprotocol = \"tcp\"\n"
                    "port_open = true\nports_closed = {{ ports = [{}] }}\n",
                    open.port(), closed, closed));
    lab::WatchProcess watch(dir, suite, "50ms");
    BOOST_REQUIRE_MESSAGE(watch.wait_for_runs(3, 20000ms), watch.output());

    auto r = open_in_chromium(dir, fmt::format("http://127.0.0.1:{}/", watch.port()), "status");
    BOOST_TEST(count_of(r.dom, "<article class=\"target ") == 2u, r.dom);
    BOOST_TEST(count_of(r.dom, "<span class=\"strip\" data-runs=\"") == 3u);  // one per case
    BOOST_TEST(count_of(r.dom, "class=\"cell failed\"") >= 3u);   // down.port_open, every run so far
    BOOST_TEST(count_of(r.dom, "class=\"step failed\"") == 1u);   // the latest run's chain
    BOOST_TEST(r.dom.find("tcp.refused") != std::string::npos);
    BOOST_TEST(r.dom.find("FAILING") != std::string::npos);
    BOOST_TEST(is_png(r.screenshot));
    BOOST_TEST(r.fetched.empty(), "the page fetched " << r.fetched.size() << " URLs");
    BOOST_TEST(watch.process().stop() == 0);
}
