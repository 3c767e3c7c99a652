// `reachable` case: ICMP echo, as `ping -c 5 host` on the troubleshooting guide.
//
// Every request of the case goes out on one ICMP socket (see icmp_socket.hpp), `interval`
// apart, and all are in flight at once: one poll loop sends on schedule and reads replies,
// matched to their request by sequence. A request counts as lost when no reply came within
// kReplyWait (as `ping -W 2`) or by the end of the case's time. The schedule is squeezed when
// `count` requests `interval` apart would take more than half the case's time.
//
// No prerequisite, and nobody's: ICMP is often filtered where TCP passes, so a failed
// `reachable` never skips other cases.
#include <poll.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/icmp_socket.hpp"
#include "checks/net.hpp"
#include "checks/poll_loop.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/tcp_probe.hpp"
#include "core/duration.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

constexpr std::chrono::milliseconds kReplyWait{2000};

struct Spec : CaseSpec {
    int count = 5;
    Duration interval{200};
    double max_loss = 0.0;
    std::optional<Duration> max_rtt;
    std::size_t size = 56;  // payload bytes, as ping's -s
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    if (auto count = options.integer("count", 1, 1000)) spec->count = static_cast<int>(*count);
    if (auto interval = options.duration("interval")) spec->interval = *interval;
    if (auto loss = options.number("max_loss", 0.0, 1.0)) spec->max_loss = *loss;
    if (auto rtt = options.duration("max_rtt")) spec->max_rtt = *rtt;
    if (auto size = options.integer("size", 0, 65507)) spec->size = static_cast<std::size_t>(*size);
    return spec;
}

struct Request {
    enum class State { unsent, pending, answered, unreachable, lost } state = State::unsent;
    Clock::time_point sent_at{};
    std::chrono::duration<double> rtt{};
    std::string reporter;     // unreachable: who said so (empty: this host)
    std::string description;  // unreachable: what was said
};

// The case's requests on one socket: sends on schedule, reads what comes back.
class EchoSession : public PollTask {
public:
    EchoSession(const IcmpSocket& socket, const Spec& spec, Clock::duration interval, Deadline end)
        : socket_(socket), spec_(spec), interval_(interval), end_(end),
          requests_(static_cast<std::size_t>(spec.count)), first_send_(Clock::now())
    {
    }

    const std::vector<Request>& requests() const { return requests_; }
    bool stopped() const { return stopped_; }

    bool finished() const override { return done_; }
    int fd() const override { return socket_.fd.get(); }
    short events() const override { return POLLIN; }
    Deadline due() const override
    {
        Deadline next = end_;
        if (next_ < requests_.size()) next = std::min(next, send_time(next_));
        for (const auto& r : requests_)
            if (r.state == Request::State::pending) next = std::min(next, r.sent_at + kReplyWait);
        return next;
    }
    void on_due() override
    {
        auto now = Clock::now();
        while (next_ < requests_.size() && send_time(next_) <= now && now < end_) send(next_++);
        for (auto& r : requests_)
            if (r.state == Request::State::pending && (r.sent_at + kReplyWait <= now || now >= end_))
                r.state = Request::State::lost;
        settle(now);
    }
    void on_ready() override
    {
        auto now = Clock::now();
        for (const auto& event : drain_icmp_events(socket_)) {
            if (!event.sequence || *event.sequence == 0 || *event.sequence > requests_.size()) continue;
            auto& r = requests_[*event.sequence - 1];
            if (r.state != Request::State::pending && r.state != Request::State::lost) continue;
            if (event.kind == IcmpEvent::Kind::reply) {
                r.state = Request::State::answered;  // a late reply still counts, as ping's does
                r.rtt = now - r.sent_at;
            } else {
                r.state = Request::State::unreachable;
                r.reporter = event.from;
                r.description = event.description;
            }
        }
        settle(now);
    }
    void on_stop() override
    {
        stopped_ = true;
        done_ = true;
    }

private:
    Clock::time_point send_time(std::size_t index) const
    {
        return first_send_ + interval_ * static_cast<long>(index);
    }

    void send(std::size_t index)
    {
        auto& r = requests_[index];
        r.sent_at = Clock::now();
        int err = send_echo(socket_, static_cast<std::uint16_t>(index + 1), spec_.size);
        if (err == 0) {
            r.state = Request::State::pending;
        } else {
            r.state = Request::State::unreachable;  // no route, a local firewall, ...
            r.description = std::strerror(err);
        }
    }

    // Done once every request went out (or no time is left to send it) and none is pending.
    void settle(Clock::time_point now)
    {
        if (next_ < requests_.size() && now < end_) return;
        for (const auto& r : requests_)
            if (r.state == Request::State::pending) return;
        done_ = true;
    }

    const IcmpSocket& socket_;
    const Spec& spec_;
    Clock::duration interval_;
    Deadline end_;
    std::vector<Request> requests_;
    Clock::time_point first_send_;
    std::size_t next_ = 0;
    bool done_ = false;
    bool stopped_ = false;
};

struct Statistics {
    int sent = 0;
    int received = 0;
    double loss = 0.0;
    std::chrono::duration<double> min{}, avg{}, max{}, mdev{};
};

Statistics statistics(const std::vector<Request>& requests)
{
    Statistics s;
    double sum = 0.0, squares = 0.0;
    for (const auto& r : requests) {
        if (r.state == Request::State::unsent) continue;
        ++s.sent;
        if (r.state != Request::State::answered) continue;
        double t = r.rtt.count();
        if (s.received == 0 || r.rtt < s.min) s.min = r.rtt;
        if (r.rtt > s.max) s.max = r.rtt;
        ++s.received;
        sum += t;
        squares += t * t;
    }
    if (s.sent > 0) s.loss = static_cast<double>(s.sent - s.received) / s.sent;
    if (s.received > 0) {
        double mean = sum / s.received;
        s.avg = std::chrono::duration<double>(mean);
        // As ping computes it: the deviation of the RTTs from their mean.
        s.mdev = std::chrono::duration<double>(std::sqrt(std::max(0.0, squares / s.received - mean * mean)));
    }
    return s;
}

// "198.18.1.1 reported network unreachable", "this host: Network is unreachable".
std::string unreachable_reports(const std::vector<Request>& requests)
{
    std::map<std::string, int> reports;
    for (const auto& r : requests)
        if (r.state == Request::State::unreachable)
            ++reports[r.reporter.empty() ? "this host: " + r.description
                                         : r.reporter + " reported " + r.description];
    std::vector<std::string> lines;
    for (const auto& [text, times] : reports)
        lines.push_back(times > 1 ? fmt::format("{} (×{})", text, times) : text);
    return fmt::format("{}", fmt::join(lines, "; "));
}

Outcome judge(const Spec& spec, const std::string& address, const std::vector<Request>& requests)
{
    auto s = statistics(requests);
    bool any_unreachable = false;
    for (const auto& r : requests) any_unreachable |= r.state == Request::State::unreachable;
    auto loss_text = fmt::format("{:.0f}%", s.loss * 100.0);

    Outcome outcome;
    if (s.received == 0 && any_unreachable) {
        outcome = failed("icmp.unreachable",
                         fmt::format("{} is unreachable: {}", address, unreachable_reports(requests)),
                         "a router on the path (the one named, or this host when none is) has no "
                         "route to the host or rejects the traffic: check routing tables, VPN "
                         "routes and ACLs there; TCP cases may still pass if only ICMP is rejected");
    } else if (s.loss > spec.max_loss) {
        outcome = failed("icmp.loss",
                         fmt::format("{} of {} echo requests to {} unanswered ({} loss, max_loss {:.0f}%){}",
                                     s.sent - s.received, s.sent, address, loss_text,
                                     spec.max_loss * 100.0,
                                     any_unreachable ? "; " + unreachable_reports(requests) : ""),
                         "ICMP echo is often filtered by firewalls and security groups while TCP "
                         "passes (see this target's port_open); otherwise the host is down or the "
                         "path drops packets: compare with `ping -c 5 HOST` from here and from the host's "
                         "own network");
    } else if (spec.max_rtt && s.max > *spec.max_rtt) {
        outcome = failed("icmp.rtt",
                         fmt::format("round trip to {} up to {} (avg {}), over max_rtt {}", address,
                                     format_latency(s.max), format_latency(s.avg),
                                     format_duration(*spec.max_rtt)),
                         "the path is slow or congested: look for a detour (VPN, cross-region "
                         "routing) or a saturated link, or raise max_rtt if this is normal");
    } else {
        outcome = passed(fmt::format("{} of {} replies from {}, rtt avg {}", s.received, s.sent,
                                     address, format_latency(s.avg)));
    }
    outcome.property("address", address);
    outcome.property("sent", std::to_string(s.sent));
    outcome.property("received", std::to_string(s.received));
    outcome.property("loss", fmt::format("{:.2f}", s.loss));
    if (s.received > 0) {
        outcome.property("rtt_min", format_latency(s.min));
        outcome.property("rtt_avg", format_latency(s.avg));
        outcome.property("rtt_max", format_latency(s.max));
        outcome.property("rtt_mdev", format_latency(s.mdev));
    }
    return outcome;
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    if (auto skip = skip_path_probe_via_proxy(target)) return std::move(*skip);
    auto resolved = target_addresses(target, context);
    if (!resolved.ok()) return std::move(*resolved.failure);
    const std::string& address = resolved.addresses.front();  // as ping: the first address
    auto opened = open_icmp_socket(address);
    if (opened.failure) return std::move(*opened.failure);
    const IcmpSocket& socket = *opened.socket;
    context.note(fmt::format("ICMP {} socket to {}", to_string(socket.kind), socket.address));

    // The case ends a little before its deadline so that what it saw is reported, not a timeout.
    auto now = Clock::now();
    auto left = std::max(context.deadline - now, Clock::duration::zero());
    Deadline end = context.deadline - std::min<Clock::duration>(std::chrono::milliseconds{200}, left / 10);
    Clock::duration interval = spec.interval;
    if (spec.count > 1 && interval * spec.count > left / 2) {
        interval = left / 2 / spec.count;
        context.note(fmt::format("interval squeezed to {} to fit the case's time",
                                 format_latency(interval)));
    }

    EchoSession session(socket, spec, interval, end);
    run_poll_loop({&session}, context.stop);
    if (session.stopped()) return interrupted();
    for (std::size_t i = 0; i < session.requests().size(); ++i) {
        const auto& r = session.requests()[i];
        switch (r.state) {
        case Request::State::answered:
            context.note(fmt::format("seq {}: reply in {}", i + 1, format_latency(r.rtt)));
            break;
        case Request::State::unreachable:
            context.note(fmt::format("seq {}: {}{}", i + 1, r.reporter.empty() ? "" : r.reporter + " reported ",
                                     r.description));
            break;
        case Request::State::lost: context.note(fmt::format("seq {}: no reply", i + 1)); break;
        default: break;
        }
    }
    auto outcome = judge(spec, socket.address, session.requests());
    outcome.property("socket", std::string(to_string(socket.kind)));
    return outcome;
}

}  // namespace

CheckKind reachable_kind()
{
    return {"reachable", "", {Protocol::postgres, Protocol::tls, Protocol::tcp}, "icmp.loss",
            parse, run, /*options_may_hold_secrets=*/false, nullptr, /*uses_target_port=*/false};
}

}  // namespace connspec
