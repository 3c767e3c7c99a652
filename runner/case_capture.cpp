#include "runner/case_capture.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>

#include <fmt/format.h>

#include "checks/dns_server.hpp"
#include "checks/resolved_addresses.hpp"

namespace connspec {
namespace {

constexpr int dns_port = 53;

void add_unique(std::vector<int>& ports, int port)
{
    if (port > 0 && std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
}

}  // namespace

PacketScope packet_scope(const PlannedCase& planned, const Target& target,
                         const std::vector<std::shared_ptr<const Handoff>>& handoffs)
{
    PacketScope scope;
    const ResolvedAddresses* resolved = nullptr;
    for (const auto& h : handoffs)
        if ((resolved = dynamic_cast<const ResolvedAddresses*>(h.get()))) break;
    if (resolved) scope.hosts = resolved->addresses;
    else if (auto literal = normalize_ip_literal(target.host)) scope.hosts.push_back(*literal);

    if (planned.kind->capture_ports) {
        for (int port : planned.kind->capture_ports(*planned.spec)) add_unique(scope.ports, port);
    } else {
        add_unique(scope.ports, target.port);
    }
    // A name the case looks up itself: its DNS queries are its packets too.
    if (scope.hosts.empty()) add_unique(scope.ports, dns_port);
    // Through a proxy every connection goes to the proxy: its address (when numeric; else the
    // ports alone) and port.
    if (target.via) {
        if (auto proxy = normalize_ip_literal(target.via->host)) scope.hosts.push_back(*proxy);
        else scope.hosts.clear();
        add_unique(scope.ports, target.via->port);
    }
    return scope;
}

std::string capture_file_name(const Target& target, const CheckKind& kind)
{
    std::string name = fmt::format("{}.{}.{}", target.suite, target.name, kind.name);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
    return name + ".pcap";
}

std::optional<PacketCapture> CaseCaptures::start(
    const PlannedCase& planned, const Target& target,
    const std::vector<std::shared_ptr<const Handoff>>& handoffs, std::vector<std::string>& log) const
{
    std::string filter = packet_filter(packet_scope(planned, target, handoffs));
    if (filter.empty()) {
        log.push_back("capture: no address or port tells this case's packets apart; not captured");
        return std::nullopt;
    }
    PacketCapture capture = PacketCapture::open(filter);
    if (!capture.ok()) {
        log.push_back("capture: " + capture.problem());
        return std::nullopt;
    }
    return capture;
}

void CaseCaptures::finish(std::optional<PacketCapture> capture, const Target& target,
                          const CheckKind& kind, Outcome& outcome) const
{
    if (!capture || (outcome.status != Status::failed && outcome.status != Status::error)) return;
    auto path = (std::filesystem::path(folder_) / capture_file_name(target, kind)).string();
    try {
        CaptureWritten written = capture->write(path, secrets_ ? secrets_->list() : std::vector<std::string>{});
        outcome.log.push_back(fmt::format("capture: {} packet{} written to {}{}", written.packets,
                                          written.packets == 1 ? "" : "s", path,
                                          written.dropped ? fmt::format(" ({} dropped: the capture buffer was full)",
                                                                        written.dropped)
                                                          : ""));
        outcome.property("capture", path);
    } catch (const std::exception& e) {
        outcome.log.push_back(fmt::format("capture: {}", e.what()));
    }
}

}  // namespace connspec
