// `route` case: a TCP traceroute to the target's port, as `traceroute -T -p 5432 host`.
//
// One non-blocking connect per hop (and per probe), each with its TTL / hop limit set to the
// hop and the error queue on (IP_RECVERR / IPV6_RECVERR), all started at once and driven by
// one poll loop. A router where the TTL runs out answers "time exceeded": the error queue
// names it (SO_EE_OFFENDER). The destination answers with SYN-ACK or RST, and the first hop
// that does is where the path ends. The case fails route.blocked when no hop within max_hops
// gets an answer from the port, naming the last hop that answered and the first silent one,
// or when a router or the host rejects the connection with "unreachable".
//
// Silent hops are given kWindow (at most 90% of the case's time); once the destination
// answered, the probes up to its hop get a little longer (five times its round trip, at least
// kGrace) before they count as silent, like traceroute's `* * *`.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/error_queue.hpp"
#include "checks/net.hpp"
#include "checks/poll_loop.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/tcp_probe.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

constexpr std::chrono::milliseconds kWindow{3000};
constexpr std::chrono::milliseconds kGrace{500};

struct Spec : CaseSpec {
    int max_hops = 30;
    int probes = 1;
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    if (auto hops = options.integer("max_hops", 1, 255)) spec->max_hops = static_cast<int>(*hops);
    if (auto probes = options.integer("probes", 1, 10)) spec->probes = static_cast<int>(*probes);
    return spec;
}

// A socket per hop and probe, all at once.
std::size_t descriptors(const CaseSpec& base)
{
    const auto& spec = static_cast<const Spec&>(base);
    return static_cast<std::size_t>(spec.max_hops * spec.probes) + 4;
}

struct HopProbe {
    enum class State { pending, destination, router, unreachable, silent } state = State::pending;
    int hop = 0;
    UniqueFd fd;
    Clock::time_point started{};
    std::chrono::duration<double> rtt{};
    std::string from;    // who answered
    std::string detail;  // "open", "refused", "host unreachable", ...
};

// Every probe of the trace and when it is over.
struct Trace {
    std::string address;  // the destination, numeric (who sends an RST)
    std::vector<HopProbe> probes;
    Deadline window_end;
    bool stopped = false;

    // The lowest hop where the path ended (the destination answered, or someone said
    // unreachable), or 0.
    int end_hop() const
    {
        int end = 0;
        for (const auto& p : probes)
            if ((p.state == HopProbe::State::destination || p.state == HopProbe::State::unreachable) &&
                (end == 0 || p.hop < end))
                end = p.hop;
        return end;
    }
    Deadline end() const
    {
        int hop = end_hop();
        if (hop == 0) return window_end;
        Deadline ended = window_end;
        for (const auto& p : probes)
            if (p.hop == hop && p.state != HopProbe::State::pending)
                ended = std::min(ended, p.started + std::chrono::duration_cast<Clock::duration>(
                                                        std::max<std::chrono::duration<double>>(kGrace, p.rtt * 5)));
        return ended;
    }
    // Over once the path's end is known and every probe up to it answered.
    bool complete() const
    {
        if (stopped) return true;
        int hop = end_hop();
        if (hop == 0) return false;
        for (const auto& p : probes)
            if (p.hop <= hop && p.state == HopProbe::State::pending) return false;
        return true;
    }
};

class HopTask : public PollTask {
public:
    HopTask(Trace& trace, std::size_t index) : trace_(trace), index_(index) {}

    bool finished() const override { return probe().state != HopProbe::State::pending || trace_.complete(); }
    int fd() const override { return probe().fd.get(); }
    short events() const override { return POLLOUT; }
    Deadline due() const override { return trace_.end(); }
    void on_ready() override
    {
        auto& p = probe();
        std::optional<QueuedError> icmp;
        while (auto queued = read_queued_error(p.fd.get()))
            if (queued->from_icmp && !icmp) icmp = std::move(queued);
        int err = finish_connect(p.fd.get());
        if (err == 0 && !icmp) {
            sockaddr_storage peer{};
            socklen_t length = sizeof peer;
            if (::getpeername(p.fd.get(), reinterpret_cast<sockaddr*>(&peer), &length) != 0) return;
            answer(HopProbe::State::destination, numeric_address(reinterpret_cast<sockaddr*>(&peer)), "open");
        } else if (err == ECONNREFUSED || err == ECONNRESET) {
            answer(HopProbe::State::destination, trace_.address, "refused");
        } else if (icmp && icmp->time_exceeded()) {
            answer(HopProbe::State::router, icmp->offender, "");
        } else if (icmp) {
            answer(HopProbe::State::unreachable, icmp->offender, icmp->describe());
        } else if (err == ETIMEDOUT) {
            p.state = HopProbe::State::silent;
        } else if (err != 0) {
            answer(HopProbe::State::unreachable, "", std::strerror(err));  // no route from this host
        }
    }
    void on_due() override
    {
        if (Clock::now() >= trace_.end()) probe().state = HopProbe::State::silent;
    }
    void on_stop() override { trace_.stopped = true; }

private:
    HopProbe& probe() const { return trace_.probes[index_]; }
    void answer(HopProbe::State state, std::string from, std::string detail)
    {
        auto& p = probe();
        p.state = state;
        p.rtt = Clock::now() - p.started;
        p.from = std::move(from);
        p.detail = std::move(detail);
    }

    Trace& trace_;
    std::size_t index_;
};

// A non-blocking connect with the hop's TTL; a probe that fails at once is answered by this host.
HopProbe start_probe(const sockaddr_storage& address, socklen_t length, int hop)
{
    HopProbe p;
    p.hop = hop;
    p.started = Clock::now();
    bool v6 = address.ss_family == AF_INET6;
    p.fd = UniqueFd(::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    bool ready = p.fd && enable_error_queue(p.fd.get(), v6) &&
                 (v6 ? ::setsockopt(p.fd.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hop, sizeof hop)
                     : ::setsockopt(p.fd.get(), IPPROTO_IP, IP_TTL, &hop, sizeof hop)) == 0;
    if (ready && (::connect(p.fd.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0 ||
                  errno == EINPROGRESS))
        return p;
    p.state = HopProbe::State::unreachable;
    p.detail = std::strerror(errno);
    p.fd.reset();
    return p;
}

// "3  198.18.2.2  0.312 ms  open", "2  *": traceroute's line for one hop.
std::string hop_line(const Trace& trace, int hop)
{
    std::string from;
    std::vector<std::string> answers;
    for (const auto& p : trace.probes) {
        if (p.hop != hop) continue;
        if (p.state == HopProbe::State::silent || p.state == HopProbe::State::pending) {
            answers.push_back("*");
            continue;
        }
        if (from.empty()) from = p.from.empty() && p.state == HopProbe::State::unreachable ? "this host" : p.from;
        answers.push_back(p.detail.empty() ? format_latency(p.rtt) : format_latency(p.rtt) + " " + p.detail);
    }
    return fmt::format("{}  {}{}", hop, from.empty() ? "" : from + "  ", fmt::join(answers, "  "));
}

bool answered(const Trace& trace, int hop)
{
    return std::any_of(trace.probes.begin(), trace.probes.end(), [&](const HopProbe& p) {
        return p.hop == hop && p.state != HopProbe::State::silent && p.state != HopProbe::State::pending;
    });
}

const HopProbe* first_answer(const Trace& trace, int hop)
{
    for (const auto& p : trace.probes)
        if (p.hop == hop && p.state != HopProbe::State::silent && p.state != HopProbe::State::pending) return &p;
    return nullptr;
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    if (auto skip = skip_path_probe_via_proxy(target)) return std::move(*skip);
    auto resolved = target_addresses(target, context);
    if (!resolved.ok()) return std::move(*resolved.failure);
    const std::string& address = resolved.addresses.front();  // as traceroute: the first address
    auto endpoint = format_endpoint(address, target.port);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (!numeric_sockaddr(address, target.port, storage, length))
        return errored("internal", "not a numeric address: " + address, "a bug in connspec");

    Trace trace;
    trace.address = numeric_address(reinterpret_cast<const sockaddr*>(&storage));
    auto left = std::max(context.deadline - Clock::now(), Clock::duration::zero());
    trace.window_end = Clock::now() + std::min<Clock::duration>(kWindow, left * 9 / 10);
    for (int hop = 1; hop <= spec.max_hops; ++hop)
        for (int i = 0; i < spec.probes; ++i) trace.probes.push_back(start_probe(storage, length, hop));
    std::vector<HopTask> tasks;
    tasks.reserve(trace.probes.size());
    std::vector<PollTask*> pending;
    for (std::size_t i = 0; i < trace.probes.size(); ++i) {
        tasks.emplace_back(trace, i);
        if (trace.probes[i].fd) pending.push_back(&tasks.back());
    }
    run_poll_loop(pending, context.stop);
    if (trace.stopped) return interrupted();
    for (auto& p : trace.probes)
        if (p.state == HopProbe::State::pending) p.state = HopProbe::State::silent;

    int end = trace.end_hop();
    int last_answered = 0;
    for (int hop = 1; hop <= (end ? end : spec.max_hops); ++hop)
        if (answered(trace, hop)) last_answered = hop;
    int listed = end ? end : std::min(last_answered + 1, spec.max_hops);
    std::vector<std::string> lines;
    for (int hop = 1; hop <= listed; ++hop) lines.push_back(hop_line(trace, hop));
    if (!end && listed < spec.max_hops) lines.push_back(fmt::format("{}-{}  *", listed + 1, spec.max_hops));
    for (const auto& line : lines) context.note(line);

    Outcome outcome;
    const HopProbe* at_end = end ? first_answer(trace, end) : nullptr;
    if (at_end && at_end->state == HopProbe::State::destination) {
        outcome = passed(fmt::format("{} answered at hop {} ({})", endpoint, end,
                                     at_end->detail == "open" ? "SYN-ACK" : "RST"));
        outcome.property("destination_hop", std::to_string(end));
    } else if (at_end) {
        std::string who = at_end->from.empty() ? "this host" : at_end->from;
        outcome = failed("route.blocked",
                         fmt::format("{} at hop {} rejected the connection to {}: {}", who, end, endpoint,
                                     at_end->detail),
                         "a router or firewall answers for the target that it cannot or may not be "
                         "reached: check the routes and ACLs at the hop named; compare with "
                         "`traceroute -T -p PORT HOST`");
        outcome.property("last_hop", who);
    } else {
        const HopProbe* last = last_answered ? first_answer(trace, last_answered) : nullptr;
        std::string last_text = last ? fmt::format("hop {} ({})", last_answered, last->from) : "none";
        std::string silent_text = last_answered < spec.max_hops
                                      ? fmt::format("hop {}", last_answered + 1)
                                      : std::string("none");
        outcome = failed("route.blocked",
                         fmt::format("no SYN-ACK or RST from {} within {} hops: last hop that answered: {}, "
                                     "first silent hop: {}",
                                     endpoint, spec.max_hops, last_text, silent_text),
                         "packets to the port die after the last hop that answered: a firewall, "
                         "security group or ACL at that hop or the next one drops them (or the routers "
                         "after it send no ICMP time exceeded); compare with `traceroute -T -p PORT HOST`");
        if (last) outcome.property("last_hop", last->from);
    }
    outcome.property("hops", fmt::format("{}", fmt::join(lines, "\n")));
    return outcome;
}

}  // namespace

CheckKind route_kind()
{
    return {"route", "resolves", {Protocol::postgres, Protocol::tls, Protocol::tcp}, "route.blocked",
            parse, run, /*options_may_hold_secrets=*/false, descriptors};
}

}  // namespace connspec
