// Name resolution under a deadline with c-ares: one channel per lookup (so lookups on many
// threads share nothing), driven by poll over c-ares' sockets and the stop signal.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

#include <ares.h>
#include <fmt/format.h>

#include "checks/dns_server.hpp"
#include "checks/net.hpp"
#include "checks/resolved_addresses.hpp"
#include "checks/tcp_probe.hpp"

namespace connspec {

namespace {

// c-ares' global state, set up once for every thread (a function-local static is
// initialised exactly once even when many cases start at the same moment).
int ares_library_status()
{
    static const int status = ares_library_init(ARES_LIB_INIT_ALL);
    return status;
}

// What the lookup callback reports; outlives the channel (declared before it).
struct Answer {
    bool done = false;
    int status = ARES_SUCCESS;
    std::vector<std::string> addresses;
};

void on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* result)
{
    auto& answer = *static_cast<Answer*>(arg);
    answer.done = true;
    answer.status = status;
    if (!result) return;
    for (auto* node = result->nodes; node; node = node->ai_next) {
        char buffer[INET6_ADDRSTRLEN] = {};
        const char* text = nullptr;
        if (node->ai_family == AF_INET)
            text = ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(node->ai_addr)->sin_addr,
                               buffer, sizeof buffer);
        else if (node->ai_family == AF_INET6)
            text = ::inet_ntop(AF_INET6,
                               &reinterpret_cast<sockaddr_in6*>(node->ai_addr)->sin6_addr,
                               buffer, sizeof buffer);
        if (text && std::find(answer.addresses.begin(), answer.addresses.end(), text) ==
                        answer.addresses.end())
            answer.addresses.emplace_back(text);
    }
    ares_freeaddrinfo(result);
}

struct Channel {
    ares_channel channel = nullptr;
    Channel() = default;
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;
    ~Channel()
    {
        if (channel) ares_destroy(channel);  // runs pending callbacks with ARES_EDESTRUCTION
    }
};

// "127.0.0.1:5353", or "the system resolver (10.0.0.2:53)" for messages.
std::string describe_servers(ares_channel channel)
{
    ares_addr_port_node* servers = nullptr;
    if (ares_get_servers_ports(channel, &servers) != ARES_SUCCESS) return "the system resolver";
    std::string list;
    for (auto* s = servers; s; s = s->next) {
        char buffer[INET6_ADDRSTRLEN] = {};
        const void* raw = s->family == AF_INET ? static_cast<const void*>(&s->addr.addr4)
                                               : static_cast<const void*>(&s->addr.addr6);
        if (!::inet_ntop(s->family, raw, buffer, sizeof buffer)) continue;
        if (!list.empty()) list += ", ";
        list += format_endpoint(buffer, s->udp_port ? s->udp_port : 53);
    }
    ares_free_data(servers);
    return list.empty() ? "the system resolver" : "the system resolver (" + list + ")";
}

std::string_view family_name(AddressFamily family)
{
    switch (family) {
    case AddressFamily::ipv4: return "IPv4 (A)";
    case AddressFamily::ipv6: return "IPv6 (AAAA)";
    case AddressFamily::any: break;
    }
    return "A or AAAA";
}

ResolveResult failure(Outcome outcome)
{
    ResolveResult r;
    r.failure = std::move(outcome);
    return r;
}

ResolveResult dns_failure(int status, const std::string& host, AddressFamily family,
                          const std::string& asked, std::chrono::duration<double> waited)
{
    switch (status) {
    case ARES_ENOTFOUND:
        return failure(failed(
            "dns.nxdomain", fmt::format("{} does not exist (NXDOMAIN from {})", host, asked),
            "check the spelling of the host name, that its record is published, and that "
            "this resolver sees the right zone (split-horizon DNS, a private zone not shared "
            "with this network)"));
    case ARES_ENODATA:
        return failure(failed(
            "dns.nodata",
            fmt::format("{} exists but has no {} record (asked {})", host, family_name(family), asked),
            "publish the missing record, or set `family` to the address family the service "
            "really uses"));
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_EFORMERR:
    case ARES_EBADRESP:
    case ARES_ENOTIMP:
        return failure(failed(
            "dns.servfail",
            fmt::format("{} could not answer for {} ({})", asked, host, ares_strerror(status)),
            "the DNS server failed or refused the query: check its logs, its upstream "
            "forwarders and DNSSEC, and that it serves (or allows recursion for) this network"));
    case ARES_ECONNREFUSED:
        return failure(failed(
            "dns.servfail",
            fmt::format("no DNS server answers at {} (connection refused) for {}", asked, host),
            "the DNS server is not running there or listens on another port: check the "
            "`server` option or the resolver configuration"));
    case ARES_ETIMEOUT:
        return failure(failed(
            "dns.timeout",
            fmt::format("no DNS answer for {} from {} within {:.2f} s", host, asked, waited.count()),
            "the DNS server is unreachable or drops queries: check that it runs, that "
            "firewalls let DNS (UDP and TCP port 53) through, and the resolver configuration"));
    case ARES_EBADNAME:
        return failure(failed("dns.nxdomain", fmt::format("'{}' is not a valid host name", host),
                              "fix the host name in the suite"));
    default:
        return failure(errored("internal",
                               fmt::format("resolving {} failed: {}", host, ares_strerror(status)),
                               "this machine could not make the lookup (out of memory or "
                               "sockets?)"));
    }
}

ResolveResult literal_result(const std::string& numeric, const std::string& host,
                             AddressFamily family)
{
    bool v4 = is_ipv4_literal(numeric);
    if ((family == AddressFamily::ipv4 && !v4) || (family == AddressFamily::ipv6 && v4))
        return failure(failed(
            "dns.nodata",
            fmt::format("{} is an {} address, not {}", host, v4 ? "IPv4" : "IPv6",
                        family == AddressFamily::ipv4 ? "IPv4" : "IPv6"),
            "set `family` to match the address, or give the host name instead"));
    ResolveResult r;
    r.addresses.push_back(numeric);
    return r;
}

// Drives the channel until the answer arrives, the deadline passes or stop is requested.
// Returns ARES_ETIMEOUT for our deadline and ARES_ECANCELLED for the stop signal.
int drive(ares_channel channel, Answer& answer, Deadline deadline, const StopSignal& stop)
{
    std::vector<pollfd> fds;
    while (!answer.done) {
        if (stop.requested()) return ARES_ECANCELLED;
        int left = millis_left(deadline);
        if (left == 0) return ARES_ETIMEOUT;

        ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
        int bits = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
        fds.clear();
        for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
            short events = 0;
            if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
            if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
            if (events) fds.push_back({sockets[i], events, 0});
        }
        fds.push_back({stop.fd(), POLLIN, 0});

        int wait = left;
        timeval tv{};
        if (ares_timeout(channel, nullptr, &tv)) {
            long ms = tv.tv_sec * 1000L + (tv.tv_usec + 999) / 1000;
            wait = static_cast<int>(std::min<long>(wait, ms));
        }
        int n = ::poll(fds.data(), fds.size(), wait);
        if (n < 0) {
            if (errno == EINTR) continue;
            return ARES_ETIMEOUT;
        }
        if (fds.back().revents) return ARES_ECANCELLED;

        bool any = false;
        for (std::size_t i = 0; i + 1 < fds.size() && !answer.done; ++i) {
            if (!fds[i].revents) continue;
            any = true;
            bool readable = fds[i].revents & (POLLIN | POLLERR | POLLHUP);
            bool writable = fds[i].revents & (POLLOUT | POLLERR | POLLHUP);
            ares_process_fd(channel, readable ? fds[i].fd : ARES_SOCKET_BAD,
                            writable ? fds[i].fd : ARES_SOCKET_BAD);
        }
        if (!any && !answer.done)
            ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // retransmits, timeouts
    }
    return answer.status;
}

}  // namespace

ResolveResult resolve_host(const std::string& host, AddressFamily family,
                           const std::optional<std::string>& server, Deadline deadline,
                           const StopSignal& stop)
{
    if (stop.requested()) return failure(interrupted());
    if (auto numeric = normalize_ip_literal(host)) return literal_result(*numeric, host, family);
    if (ares_library_status() != ARES_SUCCESS)
        return failure(errored("internal", "c-ares could not be initialised", ""));

    std::optional<DnsServer> chosen;
    std::string server_address;
    if (server) {
        chosen = parse_dns_server(*server);
        if (!chosen)
            return failure(errored("internal", "not a DNS server: " + *server,
                                   "write `server` as \"host:port\" or \"host\""));
        if (auto numeric = normalize_ip_literal(chosen->host)) {
            server_address = *numeric;
        } else {
            // A server given by name: find it with the system resolver first.
            auto found = resolve_host(chosen->host, AddressFamily::any, std::nullopt, deadline, stop);
            if (!found.ok()) return found;
            server_address = found.addresses.front();
        }
    }

    Answer answer;  // before the channel: the channel's destruction may still call back
    Channel channel;
    ares_options options{};
    int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
    // Retransmit a few times inside the deadline; our deadline, not c-ares', ends the wait.
    int left = millis_left(deadline);
    options.timeout = std::clamp(left / 4, 100, 2000);
    options.tries = 8;
    char dns_only[] = "b";
    if (chosen) {
        // Ask that server only: no hosts file, no search domains appended to the name.
        mask |= ARES_OPT_LOOKUPS | ARES_OPT_DOMAINS | ARES_OPT_FLAGS;
        options.lookups = dns_only;
        options.domains = nullptr;
        options.ndomains = 0;
        options.flags = ARES_FLAG_NOSEARCH;
    }
    int status = ares_init_options(&channel.channel, &options, mask);
    if (status != ARES_SUCCESS)
        return failure(errored("internal",
                               fmt::format("cannot set up DNS resolution: {}", ares_strerror(status)),
                               "check /etc/resolv.conf"));
    std::string asked;
    if (chosen) {
        asked = format_endpoint(server_address, chosen->port);
        status = ares_set_servers_ports_csv(channel.channel, asked.c_str());
        if (status != ARES_SUCCESS)
            return failure(errored("internal",
                                   fmt::format("cannot use DNS server {}: {}", asked, ares_strerror(status)),
                                   "write `server` as \"host:port\" or \"host\""));
    } else {
        asked = describe_servers(channel.channel);
    }

    ares_addrinfo_hints hints{};
    hints.ai_family = family == AddressFamily::ipv4   ? AF_INET
                      : family == AddressFamily::ipv6 ? AF_INET6
                                                      : AF_UNSPEC;
    hints.ai_flags = ARES_AI_NOSORT;  // keep the resolver's order
    auto started = Clock::now();
    ares_getaddrinfo(channel.channel, host.c_str(), nullptr, &hints, on_answer, &answer);
    status = drive(channel.channel, answer, deadline, stop);
    if (status == ARES_ECANCELLED) return failure(interrupted());
    if (status == ARES_SUCCESS && answer.addresses.empty()) status = ARES_ENODATA;
    if (status != ARES_SUCCESS)
        return dns_failure(status, host, family, asked, Clock::now() - started);
    ResolveResult r;
    r.addresses = std::move(answer.addresses);
    return r;
}

ResolveResult target_addresses(const Target& target, const CheckContext& context)
{
    // The proxy resolves the name (socks5h): the name itself is what connections ask for.
    if (target.via && target.via->resolves_names()) {
        ResolveResult r;
        r.addresses = {target.host};
        return r;
    }
    if (const auto* resolved = context.handed<ResolvedAddresses>()) {
        ResolveResult r;
        r.addresses = resolved->addresses;
        return r;
    }
    return resolve_host(target.host, AddressFamily::any, std::nullopt, context.deadline,
                        context.stop);
}

}  // namespace connspec
