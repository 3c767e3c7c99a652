// `path_mtu` case: packets of `min` bytes reach the host unfragmented, as
// `ping -M do -s 1472 host` (1472 + 28 = 1500) and `tracepath` find out.
//
// Don't-fragment echo requests (IP_PMTUDISC_PROBE: the interface MTU alone decides what may
// leave) of whole-packet sizes between the floor every path must carry (576 bytes, 1280 for
// IPv6) and `min`. A size fits when an echo reply comes back; it does not when a router says
// "fragmentation needed" / "packet too big" (read from the socket's error queue) or when
// nothing comes back at all (a black hole: those messages are filtered on the way back).
//
// The search goes in rounds, each a handful of sizes in flight at once on one socket: the
// first round tries `min` and the floor; then the MTU a router reported (every size above it
// fails at that link) and sizes spread evenly between the largest that fit and the smallest
// that did not, until they meet. Each round gets a share of the time left; a probe counts as
// silent after four times the slowest round trip seen (at least kMinSilence), or at the end of
// its round before any round trip is known. A boundary found by silence alone is probed once
// more before it is believed. Each round after the first ends with a control probe of the
// largest size known to fit: when even it goes unanswered (an ICMP rate limit ran out, loss),
// the round's silences are not believed. Where replies go missing like that, the search goes
// one size at a time and believes silence the third time.
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/icmp_socket.hpp"
#include "checks/net.hpp"
#include "checks/poll_loop.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/tcp_probe.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

constexpr std::chrono::milliseconds kMinSilence{300};
constexpr std::size_t kSizesPerRound = 6;  // spread sizes per round, besides a reported MTU

struct Spec : CaseSpec {
    std::size_t min = 1500;  // whole IP packet bytes
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    if (auto min = options.integer("min", 68, 65535)) spec->min = static_cast<std::size_t>(*min);
    return spec;
}

struct Probe {
    // unknown: unanswered in a round whose control probe went unanswered too (not believed)
    enum class State { pending, fits, too_big, silent, unknown } state = State::pending;
    std::size_t size = 0;
    Clock::time_point sent{};
    std::string reporter;  // too_big: who said so (empty: this host)
    std::uint32_t mtu = 0; // too_big: the MTU reported (0: none)
};

// Every probe of the case on one socket, and what the answers taught.
class Prober {
public:
    explicit Prober(const IcmpSocket& socket) : socket_(socket) {}

    const IcmpSocket& socket() const { return socket_; }
    const std::vector<Probe>& probes() const { return probes_; }

    std::size_t send(std::size_t size)
    {
        Probe probe;
        probe.size = size;
        probe.sent = Clock::now();
        probes_.push_back(probe);
        std::size_t index = probes_.size() - 1;
        int err = send_echo(socket_, sequence(index), size - icmp_overhead(socket_.v6));
        if (err == EMSGSIZE) {
            probes_[index].state = Probe::State::too_big;  // over this host's own interface MTU
        } else if (err != 0) {
            send_error_ = err;
            probes_[index].state = Probe::State::silent;
        }
        read();  // this host's own "message too long" names its MTU at once
        return index;
    }

    void read()
    {
        auto now = Clock::now();
        for (const auto& event : drain_icmp_events(socket_)) {
            if (event.kind == IcmpEvent::Kind::too_big && !event.sequence) {
                if (event.mtu > 0) learn_mtu(event.mtu, "");
                continue;
            }
            if (!event.sequence || *event.sequence == 0 || *event.sequence > probes_.size()) continue;
            auto& probe = probes_[*event.sequence - 1];
            if (event.kind == IcmpEvent::Kind::reply) {
                // Late replies count too, after the probe was given up: silence was loss.
                if (probe.state == Probe::State::silent || probe.state == Probe::State::unknown) lossy_ = true;
                probe.state = Probe::State::fits;
                slowest_ = std::max<Clock::duration>(slowest_, now - probe.sent);
            } else if (event.kind == IcmpEvent::Kind::too_big && probe.state != Probe::State::fits) {
                probe.state = Probe::State::too_big;
                probe.reporter = event.from;
                probe.mtu = event.mtu;
                if (event.mtu > 0 && event.mtu < probe.size) learn_mtu(event.mtu, event.from);
            } else if (probe.state == Probe::State::pending) {
                probe.state = Probe::State::silent;  // unreachable: nothing of that size came back
                unreachable_ = event.from + " reported " + event.description;
            }
        }
    }

    // An unanswered probe's time is up: it counts as not passing (until a late reply says otherwise).
    void give_up(std::size_t index)
    {
        if (probes_[index].state == Probe::State::pending) probes_[index].state = Probe::State::silent;
    }

    // How long an unanswered probe is given before it counts as silent, once a round trip is known.
    std::optional<Clock::duration> silence() const
    {
        if (slowest_ == Clock::duration::zero()) return std::nullopt;
        return std::max<Clock::duration>(kMinSilence, slowest_ * 4);
    }

    // The largest size that got a reply (0: none).
    std::size_t largest_fit() const
    {
        std::size_t best = 0;
        for (const auto& p : probes_)
            if (p.state == Probe::State::fits) best = std::max(best, p.size);
        return best;
    }
    // The smallest size above `fit` known not to pass (a probe that failed, or one more than a
    // reported MTU); 0: none.
    std::size_t smallest_failure(std::size_t fit) const
    {
        std::size_t worst = 0;
        auto consider = [&](std::size_t size) {
            if (size > fit && (worst == 0 || size < worst)) worst = size;
        };
        for (const auto& p : probes_)
            if (p.state == Probe::State::too_big || p.state == Probe::State::silent) consider(p.size);
        for (auto m : reported_) consider(m + 1);
        return worst;
    }
    // `size` does not pass for sure: a router said so (for it, or for a smaller MTU on the way),
    // or it went unanswered twice.
    bool failure_confirmed(std::size_t size) const
    {
        if (!reported_.empty() && size > *reported_.begin()) return true;
        int silent = 0;
        for (const auto& p : probes_) {
            if (p.size != size) continue;
            if (p.state == Probe::State::too_big) return true;
            if (p.state == Probe::State::silent) ++silent;
        }
        return silent >= (lossy() ? 3 : 2);
    }
    // Replies go missing on this path (rate limits, loss): a size that fits went unanswered
    // once. The search then goes one size at a time and believes silence only the third time.
    bool lossy() const
    {
        if (lossy_) return true;
        std::size_t fit = largest_fit();
        return std::any_of(probes_.begin(), probes_.end(), [&](const Probe& p) {
            return p.state == Probe::State::silent && p.size <= fit;
        });
    }
    bool tried(std::size_t size) const
    {
        return std::any_of(probes_.begin(), probes_.end(), [&](const Probe& p) {
            return p.size == size && p.state != Probe::State::unknown;
        });
    }
    // The control probe `control` (a size known to fit, sent last in its round) went unanswered:
    // the round's silence says nothing about sizes (a rate limit ran out, or packets were lost).
    void distrust_round(std::size_t first, std::size_t control)
    {
        if (probes_[control].state != Probe::State::silent) return;
        lossy_ = true;
        for (std::size_t i = first; i <= control; ++i)
            if (probes_[i].state == Probe::State::silent) probes_[i].state = Probe::State::unknown;
    }
    const std::set<std::size_t>& reported_mtus() const { return reported_; }
    // Who reported the smallest MTU: "198.18.1.2", "this host"; empty when no one did.
    const std::string& reporter() const { return reporter_; }
    int send_error() const { return send_error_; }
    const std::string& unreachable() const { return unreachable_; }

private:
    static std::uint16_t sequence(std::size_t index) { return static_cast<std::uint16_t>(index + 1); }

    void learn_mtu(std::uint32_t mtu, const std::string& from)
    {
        if (reported_.empty() || mtu < *reported_.begin()) reporter_ = from.empty() ? "this host" : from;
        reported_.insert(mtu);
    }

    const IcmpSocket& socket_;
    std::vector<Probe> probes_;
    Clock::duration slowest_{};
    std::set<std::size_t> reported_;
    std::string reporter_;
    std::string unreachable_;
    int send_error_ = 0;
    bool lossy_ = false;
};

// One round: its sizes sent at once, then waited for until each is answered or silent.
class Round : public PollTask {
public:
    Round(Prober& prober, const std::vector<std::size_t>& sizes, Deadline end)
        : prober_(prober), end_(end)
    {
        for (auto size : sizes) indices_.push_back(prober_.send(size));
        settle();
    }
    bool stopped() const { return stopped_; }

    bool finished() const override { return done_; }
    int fd() const override { return prober_.socket().fd.get(); }
    short events() const override { return POLLIN; }
    Deadline due() const override
    {
        Deadline next = end_;
        if (auto silence = prober_.silence())
            for (auto i : indices_)
                if (prober_.probes()[i].state == Probe::State::pending)
                    next = std::min(next, prober_.probes()[i].sent + *silence);
        return next;
    }
    void on_due() override
    {
        auto now = Clock::now();
        auto silence = prober_.silence();
        for (auto i : indices_) {
            const auto& probe = prober_.probes()[i];
            if (probe.state == Probe::State::pending && (now >= end_ || (silence && probe.sent + *silence <= now)))
                prober_.give_up(i);
        }
        settle();
    }
    void on_ready() override
    {
        prober_.read();
        settle();
    }
    void on_stop() override
    {
        stopped_ = true;
        done_ = true;
    }

private:
    void settle()
    {
        for (auto i : indices_)
            if (prober_.probes()[i].state == Probe::State::pending) return;
        done_ = true;
    }

    Prober& prober_;
    Deadline end_;
    std::vector<std::size_t> indices_;
    bool done_ = false;
    bool stopped_ = false;
};

// The sizes of the next round between `fit` (fits) and `failure` (does not): a reported MTU in
// between first, then evenly spread ones.
std::vector<std::size_t> next_sizes(const Prober& prober, std::size_t fit, std::size_t failure)
{
    std::vector<std::size_t> sizes;
    for (auto m : prober.reported_mtus())
        if (m > fit && m < failure && !prober.tried(m)) sizes.push_back(m);
    std::size_t gap = failure - fit;
    std::size_t spread = std::min(prober.lossy() ? std::size_t{1} : kSizesPerRound, gap - 1);
    for (std::size_t j = 1; j <= spread; ++j) {
        std::size_t size = fit + gap * j / (spread + 1);
        if (size > fit && size < failure && !prober.tried(size) &&
            std::find(sizes.begin(), sizes.end(), size) == sizes.end())
            sizes.push_back(size);
    }
    return sizes;
}

// Rounds still needed to close a gap of `gap` sizes, kSizesPerRound + 1 ways each time.
int rounds_for(std::size_t gap)
{
    int rounds = 0;
    for (double g = static_cast<double>(gap); g > 1.0; g /= kSizesPerRound + 1) ++rounds;
    return std::max(rounds, 1);
}

struct Search {
    bool stopped = false;
    bool out_of_time = false;
};

// One round of `sizes`; with a `control` size (one known to fit) sent last, whose silence
// makes the round's silences unknown instead of failures.
Search run_round(Prober& prober, std::vector<std::size_t> sizes, int rounds_left, Deadline end,
                 const StopSignal& stop, std::size_t control = 0)
{
    auto now = Clock::now();
    auto share = (end - now) / std::max(rounds_left, 1);
    std::size_t first = prober.probes().size();
    if (control) sizes.push_back(control);
    Round round(prober, sizes, now + share);
    run_poll_loop({&round}, stop);
    if (control) prober.distrust_round(first, prober.probes().size() - 1);
    return {round.stopped(), Clock::now() >= end};
}

Outcome black_hole_or_router(const Spec& spec, const Prober& prober, const std::string& address,
                             std::size_t fit)
{
    std::string why;
    if (prober.reporter().empty())
        why = "bigger packets vanish without a \"fragmentation needed\" answer: a PMTU black hole";
    else if (prober.reporter() == "this host")
        why = fmt::format("this host's own interface MTU is {}", *prober.reported_mtus().begin());
    else
        why = fmt::format("{} reported MTU {}", prober.reporter(), *prober.reported_mtus().begin());
    auto outcome = failed(
        "path.mtu",
        fmt::format("largest unfragmented packet {} bytes, {} needed (to {}; {})", fit, spec.min, address, why),
        "a link on the path carries smaller packets (a VPN, tunnel or overlay network). Where its "
        "\"fragmentation needed\" / \"packet too big\" messages are filtered (a PMTU black hole), "
        "connections open but hang once a full-size packet is sent: TLS handshakes stall when the "
        "server's certificate no longer fits. Let ICMP type 3 code 4 (ICMPv6 type 2) through the "
        "firewalls, clamp the TCP MSS at the tunnel (iptables TCPMSS --clamp-mss-to-pmtu), or "
        "lower the MTU; compare with `tracepath -n HOST` and `ping -M do -s SIZE-28 HOST`");
    outcome.property("path_mtu", std::to_string(fit));
    outcome.property("found_by", prober.reporter().empty()       ? std::string("silence")
                                 : prober.reporter() == "this host" ? std::string("interface MTU of this host")
                                                                    : "fragmentation needed from " + prober.reporter());
    return outcome;
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    if (auto skip = skip_path_probe_via_proxy(target)) return std::move(*skip);
    auto resolved = target_addresses(target, context);
    if (!resolved.ok()) return std::move(*resolved.failure);
    auto opened = open_icmp_socket(resolved.addresses.front());
    if (opened.failure) return std::move(*opened.failure);
    const IcmpSocket& socket = *opened.socket;
    const std::string& address = socket.address;
    if (!set_dont_fragment_probing(socket))
        return errored("internal", fmt::format("cannot set don't-fragment probing: {}", std::strerror(errno)),
                       "this machine could not make the probe");
    std::size_t floor = socket.v6 ? 1280 : 576;
    if (spec.min < icmp_overhead(socket.v6))
        return errored("internal", fmt::format("min {} is smaller than an ICMP echo request", spec.min),
                       "set min to a whole IP packet size such as 1500");
    context.note(fmt::format("ICMP {} socket to {}, don't-fragment probes up to {} bytes",
                             to_string(socket.kind), address, spec.min));

    auto left = std::max(context.deadline - Clock::now(), Clock::duration::zero());
    Deadline end = context.deadline - std::min<Clock::duration>(std::chrono::milliseconds{200}, left / 10);
    Prober prober(socket);

    // The floor twice: one lost reply must not make the path unmeasurable.
    std::vector<std::size_t> first{spec.min};
    if (floor < spec.min) first.insert(first.end(), {floor, floor});
    auto search = run_round(prober, first, rounds_for(spec.min - floor) + 1, end, context.stop);
    // The floor unanswered: echo filtered, or a lost packet: once more before judging.
    auto floor_silent = [&] {
        return std::any_of(prober.probes().begin(), prober.probes().end(), [&](const Probe& p) {
                   return p.size == floor && p.state == Probe::State::silent;
               }) && prober.largest_fit() == 0;
    };
    if (!search.stopped && !search.out_of_time && floor < spec.min && floor_silent())
        search = run_round(prober, {floor, floor}, rounds_for(spec.min - floor) + 1, end, context.stop);
    for (;;) {
        if (search.stopped) return interrupted();
        std::size_t fit = prober.largest_fit();
        std::size_t failure = prober.smallest_failure(fit);
        if (fit >= spec.min || fit == 0 || failure == 0 || search.out_of_time) break;
        auto sizes = failure - fit > 1 ? next_sizes(prober, fit, failure) : std::vector<std::size_t>{};
        if (sizes.empty()) {
            // The search met; a boundary found by silence alone is asked once more (a lost
            // or rate-limited reply is not a size that does not fit).
            if (prober.failure_confirmed(failure)) break;
            sizes = {failure};
        }
        search = run_round(prober, sizes, rounds_for(failure - fit), end, context.stop, fit);
    }

    for (const auto& p : prober.probes()) {
        static constexpr const char* names[] = {"no answer", "reply", "too big", "no answer",
                                                "no answer (nor to the control probe: not believed)"};
        context.note(fmt::format("{} bytes: {}{}", p.size, names[static_cast<int>(p.state)],
                                 p.state == Probe::State::too_big && p.mtu
                                     ? fmt::format(" (MTU {} from {})", p.mtu, p.reporter.empty() ? "this host" : p.reporter)
                                     : ""));
    }
    std::size_t fit = prober.largest_fit();
    if (fit >= spec.min) {
        auto outcome = passed(fmt::format("{}-byte packets reach {} unfragmented", spec.min, address));
        outcome.property("path_mtu", std::to_string(fit));
        return outcome;
    }
    if (fit == 0) {
        if (prober.send_error() != 0)
            return failed("icmp.unreachable",
                          fmt::format("cannot send to {}: {}", address, std::strerror(prober.send_error())),
                          "this host has no route to the target, or a local firewall forbids the probes");
        if (!prober.unreachable().empty())
            return failed("icmp.unreachable", fmt::format("{} is unreachable: {}", address, prober.unreachable()),
                          "a router on the path has no route to the host or rejects the traffic");
        if (!prober.reported_mtus().empty() && *prober.reported_mtus().begin() < floor)
            return black_hole_or_router(spec, prober, address, *prober.reported_mtus().begin());
        return errored("icmp.loss",
                       fmt::format("no echo reply from {} even to {}-byte packets: the path MTU cannot be measured",
                                   address, floor),
                       "ICMP echo is filtered on the path or by the host (security groups often drop it): "
                       "allow echo requests and replies from this machine, or drop path_mtu for this target");
    }
    auto outcome = black_hole_or_router(spec, prober, address, fit);
    if (Clock::now() >= end && prober.smallest_failure(fit) - fit > 1)
        outcome.message += fmt::format(" (the search ran out of time between {} and {} bytes)", fit,
                                       prober.smallest_failure(fit));
    return outcome;
}

}  // namespace

CheckKind path_mtu_kind()
{
    return {"path_mtu", "resolves", {Protocol::postgres, Protocol::tls, Protocol::tcp}, "path.mtu",
            parse, run, /*options_may_hold_secrets=*/false, nullptr, /*uses_target_port=*/false};
}

}  // namespace connspec
