// The tls case against real `openssl s_server`s: floors proven by probing, ceilings, client
// certificates, and servers that stall.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <thread>

#include "tests/integration/tls_harness.hpp"
#include "tests/lab/certs.hpp"
#include "tests/lab/stall_server.hpp"
#include "tests/lab/tls_server.hpp"

using namespace connspec;
using namespace connspec::test;
using lab::TlsServer;

namespace {

constexpr const char* seclevel0 = "DEFAULT:@SECLEVEL=0";

// One CA, a server certificate for localhost/127.0.0.1 and a client certificate.
struct Pki {
    lab::TempDir dir;
    lab::Credential ca = lab::Credential::root_ca("tls test CA");
    lab::Credential server = ca.issue({"localhost", {"localhost"}, {"127.0.0.1"}, -1, 365, false});
    lab::Credential client = ca.issue({"app", {}, {}, -1, 365, false});
    std::string ca_file = lab::write_certificates(dir.path(), "ca", {&ca});
    std::string server_cert = lab::write_certificates(dir.path(), "server", {&server});
    std::string server_key = lab::write_key(dir.path(), "server", server);
    std::string client_cert = lab::write_certificates(dir.path(), "client", {&client});
    std::string client_key = lab::write_key(dir.path(), "client", client);

    TlsServer::Options server_options(std::vector<std::string> extra) const
    {
        return {server_cert, server_key, "", "", std::move(extra)};
    }
    // 1.2 and 1.3, the floor set as servers set it (an OpenSSL server without a floor answers
    // old versions with internal_error instead: see internal_error_alert_is_not_a_refusal).
    TlsServer::Options modern_server(std::vector<std::string> extra = {}) const
    {
        extra.insert(extra.begin(), {"-min_protocol", "TLSv1.2"});
        return server_options(std::move(extra));
    }
};

std::string status(const Outcome& o)
{
    return std::string(to_string(o.status));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_versions)

BOOST_AUTO_TEST_CASE(modern_server_passes_a_1_2_floor_and_refuses_1_0_and_1_1)
{
    Pki pki;
    TlsServer server(pki.modern_server());
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("version") == "TLSv1.3");
    BOOST_TEST(!o.find("cipher").empty());
    BOOST_TEST(o.find("refused_versions") == "TLSv1.0, TLSv1.1");
}

BOOST_AUTO_TEST_CASE(tls_1_1_only_server_fails_the_floor_with_tls_version)
{
    Pki pki;
    TlsServer server(pki.server_options({"-tls1_1", "-cipher", seclevel0}));
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "failed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.category == "tls.version");
    BOOST_TEST(o.message.find("accepts TLSv1.1 below the floor TLSv1.2") != std::string::npos,
               o.message);
    BOOST_TEST(o.find("refused_versions") == "TLSv1.0");
    // With the floor at 1.1 the same server passes: the handshake really offers 1.1.
    o = run.tls(tls_spec(TlsVersion::v1_1), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("version") == "TLSv1.1");
}

BOOST_AUTO_TEST_CASE(server_accepting_every_version_fails_naming_each_accepted_one)
{
    Pki pki;
    TlsServer server(pki.server_options({"-min_protocol", "TLSv1", "-cipher", seclevel0}));
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "failed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.category == "tls.version");
    BOOST_TEST(o.message.find("accepts TLSv1.0, TLSv1.1") != std::string::npos, o.message);
    BOOST_TEST(o.find("version") == "TLSv1.3");
    BOOST_TEST(o.find("accepted_versions") == "TLSv1.0, TLSv1.1");

    TlsSpec no_probe = tls_spec(TlsVersion::v1_2);
    no_probe.probe_below = false;
    BOOST_TEST(status(run.tls(no_probe, tls_target("localhost", server.port()))) == "passed");
}

BOOST_AUTO_TEST_CASE(internal_error_alert_is_not_a_refusal)
{
    // Without security level 0 this server cannot sign a TLS 1.1 handshake and answers with
    // an internal_error alert: that proves nothing about TLS 1.1, so the case is no pass.
    Pki pki;
    TlsServer server(pki.server_options({"-tls1_1"}));
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) != "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(run.log_text().find("internal error") != std::string::npos, run.log_text());
}

BOOST_AUTO_TEST_CASE(inconclusive_probe_is_an_error_never_a_pass)
{
    {
        // No floor set: OpenSSL enables 1.0 and 1.1 but cannot sign them at its default
        // security level, so the probes end in internal_error alerts.
        Pki pki;
        TlsServer server(pki.server_options({}));
        CaseRun run;
        Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("localhost", server.port()));
        BOOST_TEST(status(o) == "error", o.message << "\n" << run.log_text());
        BOOST_TEST(o.category == "tls.version");
        BOOST_TEST(o.find("version") == "TLSv1.3");
    }
    // 1.1 and up offered, 1.1 unusable at the default security level: the 1.1 probe ends in an
    // internal_error alert while 1.2+ work.
    Pki pki;
    TlsServer server(pki.server_options({"-min_protocol", "TLSv1.1"}));
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "error", o.message << "\n" << run.log_text());
    BOOST_TEST(o.message.find("TLSv1.1") != std::string::npos, o.message);
}

BOOST_AUTO_TEST_CASE(max_version_makes_higher_versions_must_refuse)
{
    Pki pki;
    TlsServer modern(pki.modern_server());
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2, TlsVersion::v1_2),
                        tls_target("localhost", modern.port()));
    BOOST_TEST(o.category == "tls.version", o.message << "\n" << run.log_text());
    BOOST_TEST(o.message.find("accepts TLSv1.3 outside TLSv1.2-TLSv1.2") != std::string::npos,
               o.message);
    // Only a version above the ceiling was accepted: the hint is about the server's maximum.
    BOOST_TEST(o.hint.find("lower the server's maximum protocol version") != std::string::npos,
               o.hint);
    BOOST_TEST(o.hint.find("minimum") == std::string::npos, o.hint);

    TlsServer capped(pki.modern_server({"-no_tls1_3"}));
    o = run.tls(tls_spec(TlsVersion::v1_2, TlsVersion::v1_2), tls_target("localhost", capped.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("version") == "TLSv1.2");
    BOOST_TEST(o.find("refused_versions") == "TLSv1.0, TLSv1.1, TLSv1.3");
}

BOOST_AUTO_TEST_CASE(tls_1_3_floor)
{
    Pki pki;
    TlsServer only13(pki.server_options({"-tls1_3"}));
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_3), tls_target("localhost", only13.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("refused_versions") == "TLSv1.0, TLSv1.1, TLSv1.2");

    TlsServer modern(pki.modern_server());
    o = run.tls(tls_spec(TlsVersion::v1_3), tls_target("localhost", modern.port()));
    BOOST_TEST(o.category == "tls.version");
    BOOST_TEST(o.find("accepted_versions") == "TLSv1.2");
}

BOOST_AUTO_TEST_CASE(client_certificate_is_presented_when_required)
{
    Pki pki;
    auto options = pki.modern_server();
    options.client_ca = pki.ca_file;
    TlsServer server(options);
    CaseRun run;
    Target target = tls_target("localhost", server.port());
    Outcome without = run.tls(tls_spec(TlsVersion::v1_2), target);
    BOOST_TEST(status(without) == "failed", without.message << "\n" << run.log_text());
    BOOST_TEST(without.category == "tls.handshake");

    target.client_cert = pki.client_cert;
    target.client_key = pki.client_key;
    Outcome with = run.tls(tls_spec(TlsVersion::v1_2), target);
    BOOST_TEST(status(with) == "passed", with.message << "\n" << run.log_text());

    target.client_key = pki.dir.path() + "/missing.key";
    Outcome broken = run.tls(tls_spec(TlsVersion::v1_2), target);
    BOOST_TEST(status(broken) == "error");
    BOOST_TEST(broken.message.find("missing.key") != std::string::npos, broken.message);
}

BOOST_AUTO_TEST_CASE(listener_that_never_answers_is_tls_timeout_within_the_deadline)
{
    lab::StallServer silent({}, false);
    CaseRun run;
    run.timeout = std::chrono::milliseconds(700);
    for (Protocol protocol : {Protocol::tls, Protocol::postgres}) {
        Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("127.0.0.1", silent.port(), protocol));
        BOOST_TEST(o.category == "tls.timeout", o.message);
        BOOST_TEST(run.elapsed.count() < 1.2);
        BOOST_TEST(run.elapsed.count() >= 0.6);
    }
}

BOOST_AUTO_TEST_CASE(server_answering_S_then_stalling_is_tls_timeout)
{
    lab::StallServer stalls("S");
    CaseRun run;
    run.timeout = std::chrono::milliseconds(700);
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2),
                        tls_target("127.0.0.1", stalls.port(), Protocol::postgres));
    BOOST_TEST(o.category == "tls.timeout", o.message);
    BOOST_TEST(o.message.find("ServerHello") != std::string::npos, o.message);
    BOOST_TEST(run.elapsed.count() < 1.2);
    BOOST_TEST(stalls.accepted() >= 1);  // the main handshake and the probes, all stalled
}

BOOST_AUTO_TEST_CASE(postgres_answer_N_is_tls_unsupported_and_garbage_is_tls_handshake)
{
    lab::StallServer says_no("N");
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2),
                        tls_target("127.0.0.1", says_no.port(), Protocol::postgres));
    BOOST_TEST(o.category == "tls.unsupported", o.message);
    BOOST_TEST(o.message == "server does not offer TLS");

    lab::StallServer says_e("E");
    run.timeout = std::chrono::milliseconds(3000);
    o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("127.0.0.1", says_e.port(), Protocol::postgres));
    BOOST_TEST(o.category == "tls.handshake", o.message);
    BOOST_TEST(o.message.find("'E' (0x45)") != std::string::npos, o.message);
}

// The handshake and its probes are driven by one poll loop on the case's own thread: no
// thread per probe, whatever --jobs says.
BOOST_AUTO_TEST_CASE(probes_run_on_the_case_thread_without_threads_of_their_own)
{
    auto threads = [] {
        int n = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task"))
            ++n;
        return n;
    };
    lab::StallServer stalls("S");
    const int before = threads();
    CaseRun run;
    run.timeout = std::chrono::milliseconds(3000);
    Outcome o;
    // max_version 1.2 with floor 1.2: three probes (1.0, 1.1, 1.3) besides the handshake.
    std::thread case_thread([&] {
        o = run.tls(tls_spec(TlsVersion::v1_2, TlsVersion::v1_2),
                    tls_target("127.0.0.1", stalls.port(), Protocol::postgres));
    });
    // Every connection is open and stalled: count the threads while they wait.
    BOOST_TEST(lab::wait_until([&] { return stalls.accepted() >= 4; }, std::chrono::milliseconds(2500)));
    const int during = threads();
    case_thread.join();
    BOOST_TEST(during == before + 1, "threads while the case waits: " << during << ", before: " << before);
    BOOST_TEST(o.category == "tls.timeout", o.message);
}

BOOST_AUTO_TEST_CASE(closed_port_is_a_tcp_failure)
{
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), tls_target("127.0.0.1", lab::free_port()));
    BOOST_TEST(status(o) == "failed");
    BOOST_TEST(o.category == "tcp.refused", o.message);
}

BOOST_AUTO_TEST_SUITE_END()
