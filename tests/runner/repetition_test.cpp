// --repeat's arithmetic: every run passed -> passed; some did -> failed "flaky" with the rate
// and what the others saw; none did -> the last failure; the success-rate properties always.
#include <boost/test/unit_test.hpp>

#include "runner/repetition.hpp"

namespace connspec {
namespace {

std::string property(const Outcome& o, const char* key)
{
    return std::string(o.find(key));
}

BOOST_AUTO_TEST_SUITE(repetition)

BOOST_AUTO_TEST_CASE(every_run_passed)
{
    Repetition r(1);
    for (int i = 0; i < 3; ++i) {
        Outcome o = passed();
        o.property("latency", std::to_string(i) + " ms");
        r.add({o});
    }
    auto c = r.combined().at(0);
    BOOST_TEST((c.status == Status::passed));
    BOOST_TEST(property(c, "latency") == "2 ms");
    BOOST_TEST(property(c, "runs") == "3");
    BOOST_TEST(property(c, "passed_runs") == "3");
    BOOST_TEST(property(c, "success_rate") == "1.000");
}

BOOST_AUTO_TEST_CASE(some_runs_failed_is_flaky)
{
    Repetition r(2);
    for (int i = 0; i < 10; ++i) {
        Outcome first = i < 7 ? passed() : failed("tcp.refused", "refused", "start the server");
        Outcome second = i < 7 ? passed() : skipped("blocked by db.port_open");
        r.add({first, second});
    }
    auto c = r.combined();
    BOOST_TEST((c[0].status == Status::failed));
    BOOST_TEST(c[0].category == "flaky");
    BOOST_TEST(c[0].message == "passed 7 of 10 runs (70.0%); the others: tcp.refused \u00d73");
    BOOST_TEST(c[0].hint.find("start the server") != std::string::npos);
    BOOST_TEST(property(c[0], "success_rate") == "0.700");
    BOOST_TEST(property(c[0], "passed_runs") == "7");
    BOOST_TEST(c[0].attempts == 10);
    BOOST_TEST((c[1].status == Status::failed));
    BOOST_TEST(c[1].message == "passed 7 of 10 runs (70.0%); the others: skipped \u00d73");
}

BOOST_AUTO_TEST_CASE(no_run_passed_keeps_the_last_failure)
{
    Repetition r(2);
    r.add({failed("tcp.timeout", "first", ""), skipped("blocked")});
    r.add({errored("internal", "second", ""), skipped("blocked")});
    auto c = r.combined();
    BOOST_TEST((c[0].status == Status::error));
    BOOST_TEST(c[0].message == "second");
    BOOST_TEST(property(c[0], "success_rate") == "0.000");
    BOOST_TEST((c[1].status == Status::skipped));
    BOOST_TEST(property(c[1], "runs") == "2");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
