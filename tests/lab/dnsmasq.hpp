// A throwaway DNS server for one test: dnsmasq in the foreground on 127.0.0.1 and a free
// port, answering only the records it is given. Names under `domain` that it does not know
// are NXDOMAIN; every other name is REFUSED (it has no upstream), so nothing leaves loopback.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/lab/lab.hpp"

namespace connspec::lab {

struct DnsRecord {
    std::string name;                    // "one.test"
    std::vector<std::string> addresses;  // IPv4 and/or IPv6, one A/AAAA record each
};

class Dnsmasq {
public:
    struct Options {
        std::vector<DnsRecord> records;
        std::string domain = "test";           // answered locally: unknown names are NXDOMAIN
        std::vector<std::string> extra_args;   // more dnsmasq options
    };

    explicit Dnsmasq(Options options);
    ~Dnsmasq() = default;
    Dnsmasq(const Dnsmasq&) = delete;
    Dnsmasq& operator=(const Dnsmasq&) = delete;

    int port() const { return port_; }
    // "127.0.0.1:PORT", as a suite's `resolves.server` names it.
    std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
    // What dnsmasq logged (one line per query), for failure messages.
    std::string log() const;

    // Options for a validating resolver whose trust anchor matches nothing: every answer
    // it forwards to `upstream` ("127.0.0.1#PORT") is BOGUS, so it answers SERVFAIL.
    static std::vector<std::string> bogus_dnssec_args(const std::string& upstream);

private:
    TempDir dir_;
    int port_ = 0;
    std::optional<Process> process_;
};

// A UDP socket on 127.0.0.1 that takes DNS queries and never answers: a DNS timeout.
class SilentDnsServer {
public:
    SilentDnsServer();
    ~SilentDnsServer();
    SilentDnsServer(const SilentDnsServer&) = delete;
    SilentDnsServer& operator=(const SilentDnsServer&) = delete;

    int port() const { return port_; }
    std::string server() const { return "127.0.0.1:" + std::to_string(port_); }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace connspec::lab
