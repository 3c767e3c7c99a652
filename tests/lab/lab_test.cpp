// The lab helpers themselves: processes are reaped, ports found, commands captured.
#include <boost/test/unit_test.hpp>

#include "tests/lab/lab.hpp"

using namespace connspec::lab;

BOOST_AUTO_TEST_CASE(run_captures_output_and_exit_code)
{
    auto r = run({"sh", "-c", "echo out; echo err >&2; exit 3"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.out == "out\n");
    BOOST_TEST(r.err == "err\n");
    BOOST_TEST(!r.timed_out);
}

BOOST_AUTO_TEST_CASE(run_kills_a_command_past_its_limit)
{
    auto r = run({"sleep", "30"}, milliseconds{200});
    BOOST_TEST(r.timed_out);
    BOOST_TEST(r.exit_code == 128 + 9);
}

BOOST_AUTO_TEST_CASE(process_stops_and_port_polling_sees_a_listener)
{
    int port = free_port();
    BOOST_TEST(!wait_for_port("127.0.0.1", port, milliseconds{50}));
    Process server({"python3", "-c",
                    "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                    "s.bind(('127.0.0.1'," + std::to_string(port) + "))\ns.listen()\ntime.sleep(60)"});
    BOOST_TEST(wait_for_port("127.0.0.1", port, milliseconds{5000}));
    BOOST_TEST(server.running());
    server.stop();
    BOOST_TEST(!server.running());
}
