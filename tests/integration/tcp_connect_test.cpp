// connect_tcp and connect_all against real loopback sockets: accepted, refused, and silent
// (a full backlog), with the deadline and the stop signal keeping their promises.
#include <poll.h>

#include <thread>

#include <boost/test/unit_test.hpp>

#include "checks/net.hpp"
#include "checks/tcp_probe.hpp"
#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tcp_connect)

BOOST_AUTO_TEST_CASE(a_listening_port_accepts_with_a_latency)
{
    lab::TcpListener listener;
    StopSignal stop;
    auto r = connect_tcp("127.0.0.1", listener.port(), Clock::now() + 2s, stop);
    BOOST_TEST_REQUIRE(r.ok(), (r.failure ? r.failure->message : ""));
    BOOST_TEST(static_cast<bool>(r.fd));
    BOOST_TEST(r.latency.count() > 0.0);
    BOOST_TEST(r.latency.count() < 0.5);
    // The socket really is connected: it is writable.
    BOOST_TEST((wait_fd(r.fd.get(), POLLOUT, Clock::now() + 1s, stop) == WaitStatus::ready));
}

BOOST_AUTO_TEST_CASE(ipv6_loopback_accepts)
{
    lab::TcpListener listener("::1");
    StopSignal stop;
    auto r = connect_tcp("::1", listener.port(), Clock::now() + 2s, stop);
    BOOST_TEST(r.ok(), (r.failure ? r.failure->message : ""));
}

BOOST_AUTO_TEST_CASE(a_closed_port_is_refused_at_once)
{
    int port = lab::free_port();
    StopSignal stop;
    auto started = Clock::now();
    auto r = connect_tcp("127.0.0.1", port, Clock::now() + 5s, stop);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->status == Status::failed);
    BOOST_TEST(r.failure->category == "tcp.refused");
    BOOST_TEST(r.failure->message == "127.0.0.1:" + std::to_string(port) + " refused the connection");
    BOOST_TEST(r.failure->hint.find("not running") != std::string::npos);
    BOOST_TEST(r.failure->hint.find("localhost only") != std::string::npos);
    BOOST_TEST(seconds_since(started) < 2.5);  // well before the 5 s deadline
}

BOOST_AUTO_TEST_CASE(a_silent_port_times_out_at_the_deadline)
{
    lab::FilteredPort filtered;
    StopSignal stop;
    auto started = Clock::now();
    auto r = connect_tcp("127.0.0.1", filtered.port(), started + 1s, stop);
    double took = seconds_since(started);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->category == "tcp.timeout");
    BOOST_TEST(r.failure->message.find("no answer from 127.0.0.1:") == 0);
    BOOST_TEST(r.failure->hint.find("firewall") != std::string::npos);
    BOOST_TEST(took >= 1.0);
    // Upper bounds catch a second deadline or a hang, with room for a loaded CI machine;
    // how fast is bench/'s question.
    BOOST_TEST(took < 2.0);
}

BOOST_AUTO_TEST_CASE(a_stop_request_ends_a_pending_connect_at_once)
{
    lab::FilteredPort filtered;
    StopSignal stop;
    std::thread stopper([&] {
        ::poll(nullptr, 0, 200);  // the connect is pending by then
        stop.request();
    });
    auto started = Clock::now();
    auto r = connect_tcp("127.0.0.1", filtered.port(), started + 10s, stop);
    double took = seconds_since(started);
    stopper.join();
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->status == Status::error);
    BOOST_TEST(r.failure->message == "interrupted");
    BOOST_TEST(took < 3.0);  // the stop at 0.2 s, not the 10 s deadline
}

BOOST_AUTO_TEST_CASE(connect_all_probes_in_parallel_under_one_deadline)
{
    lab::TcpListener open;
    lab::FilteredPort filtered_a, filtered_b, filtered_c;
    int closed = lab::free_port();
    StopSignal stop;
    std::vector<Endpoint> endpoints{{"127.0.0.1", filtered_a.port()}, {"127.0.0.1", open.port()},
                                    {"127.0.0.1", closed}, {"127.0.0.1", filtered_b.port()},
                                    {"127.0.0.1", filtered_c.port()}};
    auto started = Clock::now();
    auto probe = connect_all(endpoints, started + 800ms, stop, false);
    double took = seconds_since(started);
    BOOST_TEST(!probe.stopped);
    BOOST_TEST_REQUIRE(probe.results.size() == 5u);
    for (const auto& r : probe.results) BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(probe.results[0]->failure->category == "tcp.timeout");
    BOOST_TEST(probe.results[1]->ok());
    BOOST_TEST(probe.results[2]->failure->category == "tcp.refused");
    BOOST_TEST(probe.results[3]->failure->category == "tcp.timeout");
    BOOST_TEST(probe.results[4]->failure->category == "tcp.timeout");
    // Three silent ports cost one deadline, not three.
    BOOST_TEST(took >= 0.8);
    BOOST_TEST(took < 1.6);  // one after another would take 2.4 s
}

BOOST_AUTO_TEST_CASE(connect_all_can_stop_at_the_first_accept)
{
    lab::TcpListener open;
    lab::FilteredPort filtered;
    StopSignal stop;
    auto started = Clock::now();
    auto probe = connect_all({{"127.0.0.1", filtered.port()}, {"127.0.0.1", open.port()}},
                             started + 5s, stop, true);
    BOOST_TEST(seconds_since(started) < 2.5);  // at the accept, not the 5 s deadline
    BOOST_TEST(!probe.results[0].has_value());  // abandoned
    BOOST_TEST_REQUIRE(probe.results[1].has_value());
    BOOST_TEST(probe.results[1]->ok());
}

BOOST_AUTO_TEST_SUITE_END()
