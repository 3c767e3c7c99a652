#include "tests/lab/dnsmasq.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace connspec::lab {
namespace {

std::vector<std::string> dnsmasq_argv(const Dnsmasq::Options& options, int port,
                                      const std::string& dir)
{
    std::vector<std::string> argv{
        "/usr/sbin/dnsmasq",
        "--no-daemon",            // foreground, so Process can stop it
        "--conf-file=/dev/null",  // ignore /etc/dnsmasq.conf
        "--pid-file=",
        "--user=root",  // tests run as root; dropping to nobody is pointless here
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        "--port=" + std::to_string(port),
        "--no-resolv",  // no upstream: nothing leaves loopback
        "--no-hosts",
        "--local=/" + options.domain + "/",
        "--log-facility=" + dir + "/dnsmasq.log",
        "--log-queries",
    };
    for (const auto& record : options.records)
        for (const auto& address : record.addresses)
            argv.push_back("--host-record=" + record.name + "," + address);
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    return argv;
}

}  // namespace

Dnsmasq::Dnsmasq(Options options)
{
    // A free TCP port is almost always a free UDP port too; retry the rare clash.
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_port();
        Process::Options process_options;
        process_options.output_file = dir_.path() + "/dnsmasq.out";
        process_.emplace(dnsmasq_argv(options, port_, dir_.path()), process_options);
        // dnsmasq serves TCP as well as UDP: a TCP connect proves it is ready.
        bool ready = wait_until(
            [&] { return !process_->running() || wait_for_port("127.0.0.1", port_, milliseconds{50}); },
            milliseconds{5000});
        if (ready && process_->running()) return;
        process_.reset();
    }
    throw std::runtime_error("dnsmasq did not start: " + read_file(dir_.path() + "/dnsmasq.out"));
}

std::string Dnsmasq::log() const
{
    return read_file(dir_.path() + "/dnsmasq.log");
}

std::vector<std::string> Dnsmasq::bogus_dnssec_args(const std::string& upstream)
{
    return {
        "--dnssec",
        // A root trust anchor whose digest matches no real key: validation always fails.
        "--trust-anchor=.,12345,8,2,"
        "0000000000000000000000000000000000000000000000000000000000000000",
        "--server=" + upstream,
    };
}

SilentDnsServer::SilentDnsServer()
{
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot bind a UDP socket on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
}

SilentDnsServer::~SilentDnsServer()
{
    ::close(fd_);
}

}  // namespace connspec::lab
