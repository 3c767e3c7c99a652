// --capture DIR: every case's own packets are captured while it runs, and kept as
// DIR/SUITE.TARGET.CASE.pcap when it fails or errs (a passing case leaves no file).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/packet_capture.hpp"
#include "capture/packet_filter.hpp"
#include "runner/plan.hpp"

namespace connspec {

// The peers and ports of a case: the addresses `resolves` handed down (or the host itself when
// it is an IP literal; none for a name the case resolves itself, and then DNS's port too),
// the ports its kind names (the target's port by default), and a `via` proxy's address and
// port, since every connection of such a target goes there.
PacketScope packet_scope(const PlannedCase& planned, const Target& target,
                         const std::vector<std::shared_ptr<const Handoff>>& handoffs);

// "SUITE.TARGET.CASE.pcap", with anything but letters, digits, '.', '-' and '_' as '_'.
std::string capture_file_name(const Target& target, const CheckKind& kind);

class CaseCaptures {
public:
    // `secrets`: the run's (masked in every packet written); may be null.
    CaseCaptures(std::string folder, std::shared_ptr<RunSecrets> secrets)
        : folder_(std::move(folder)), secrets_(std::move(secrets))
    {
    }

    // Starts capturing before the case's first attempt. Nullopt, with the reason in `log`,
    // when its packets cannot be told apart or the capture cannot start.
    std::optional<PacketCapture> start(const PlannedCase& planned, const Target& target,
                                       const std::vector<std::shared_ptr<const Handoff>>& handoffs,
                                       std::vector<std::string>& log) const;

    // After the case's last attempt: a failed or errored case's packets go to its file, named
    // in its outcome (property `capture`); any other case's capture is dropped unread.
    void finish(std::optional<PacketCapture> capture, const Target& target, const CheckKind& kind,
                Outcome& outcome) const;

private:
    std::string folder_;
    std::shared_ptr<RunSecrets> secrets_;
};

}  // namespace connspec
