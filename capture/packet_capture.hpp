// One case's packet capture: a libpcap handle on the "any" device (loopback and every real
// interface), its filter set before the case sends anything, read only when the case ends.
//
// Why read at the end, not as packets come: the kernel keeps them in the handle's own ring
// (a fixed size, so memory per case is bounded), in immediate mode, until pcap_dispatch takes
// them. A passing case's capture is closed unread; a failing one is drained once into its file.
// No thread, no poll loop, and nothing here ever waits: the stop signal is unaffected. When
// the ring fills, later packets are dropped and counted (the start of an exchange is kept).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pcap;

namespace connspec {

// Size of the kernel ring of one capture: about 2,900 packets at the snapshot length below.
inline constexpr int capture_buffer_bytes = 1 << 20;
// Bytes kept of each packet: link, IP and TCP headers with options, and the packet an ICMP
// error quotes; not the payload beyond that.
inline constexpr int capture_snapshot_bytes = 256;

struct CaptureWritten {
    std::size_t packets = 0;  // written to the file
    std::size_t dropped = 0;  // lost because the ring was full
};

class PacketCapture {
public:
    // Opens a capture on "any" with `filter` (BPF syntax), or says why it cannot.
    static PacketCapture open(const std::string& filter);
    // Why this process cannot capture at all (no CAP_NET_RAW, no "any" device), or nullopt.
    static std::optional<std::string> unavailable();

    PacketCapture(PacketCapture&&) noexcept;
    PacketCapture& operator=(PacketCapture&&) noexcept;
    ~PacketCapture();

    bool ok() const { return handle_ != nullptr; }
    const std::string& problem() const { return problem_; }  // when !ok()

    // Drains what the ring holds into a pcap file at `path`, written atomically (a temporary
    // file in the same folder, then renamed), every occurrence of a `secrets` value in a
    // packet overwritten (mask_secrets). Throws std::runtime_error when it cannot write.
    CaptureWritten write(const std::string& path, const std::vector<std::string>& secrets);

private:
    PacketCapture() = default;
    struct Closer {
        void operator()(pcap* handle) const;
    };
    std::unique_ptr<pcap, Closer> handle_;
    std::string problem_;
};

}  // namespace connspec
