#include "capture/packet_capture.hpp"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "capture/mask_secrets.hpp"

namespace connspec {
namespace {

constexpr const char* any_device = "any";
// More than one ring holds (a frame is at least 64 bytes).
constexpr std::size_t max_packets_read = capture_buffer_bytes / 64;

// What pcap_activate's result means for a user.
std::string activation_problem(pcap_t* handle, int status)
{
    std::string detail = pcap_geterr(handle);
    switch (status) {
    case PCAP_ERROR_PERM_DENIED:
        return fmt::format("not permitted to capture ({}): capturing needs CAP_NET_RAW (run as "
                           "root, or give connspec the capability)", detail);
    case PCAP_ERROR_NO_SUCH_DEVICE:
        return fmt::format("no \"any\" capture device here ({})", detail);
    default:
        return fmt::format("cannot start a capture: {} ({})", pcap_statustostr(status), detail);
    }
}

// Writes each packet pcap_dispatch hands over, secrets masked, counting them.
struct Dumping {
    pcap_dumper_t* dumper;
    const std::vector<std::string>& secrets;
    std::size_t packets = 0;
    std::string copy;  // a packet being masked
};

void dump_one(u_char* user, const pcap_pkthdr* header, const u_char* bytes)
{
    auto* dumping = reinterpret_cast<Dumping*>(user);
    auto* dumper = reinterpret_cast<u_char*>(dumping->dumper);
    ++dumping->packets;
    if (!dumping->secrets.empty()) {
        dumping->copy.assign(reinterpret_cast<const char*>(bytes), header->caplen);
        if (mask_secrets(dumping->copy, dumping->secrets)) {
            pcap_dump(dumper, header, reinterpret_cast<const u_char*>(dumping->copy.data()));
            return;
        }
    }
    pcap_dump(dumper, header, bytes);
}

}  // namespace

void PacketCapture::Closer::operator()(pcap* handle) const
{
    pcap_close(handle);
}

PacketCapture::PacketCapture(PacketCapture&&) noexcept = default;
PacketCapture& PacketCapture::operator=(PacketCapture&&) noexcept = default;
PacketCapture::~PacketCapture() = default;

PacketCapture PacketCapture::open(const std::string& filter)
{
    PacketCapture capture;
    char error[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<pcap, Closer> handle(pcap_create(any_device, error));
    if (!handle) {
        capture.problem_ = fmt::format("cannot start a capture: {}", error);
        return capture;
    }
    // Immediate mode: packets are in the ring as soon as they pass, so the ones the case's own
    // last wait saw (the RST that ended a connect) are there when the case ends.
    pcap_set_snaplen(handle.get(), capture_snapshot_bytes);
    pcap_set_immediate_mode(handle.get(), 1);
    pcap_set_buffer_size(handle.get(), capture_buffer_bytes);
    pcap_set_promisc(handle.get(), 0);
    int status = pcap_activate(handle.get());
    if (status < 0) {
        capture.problem_ = activation_problem(handle.get(), status);
        return capture;
    }
    if (pcap_setnonblock(handle.get(), 1, error) != 0) {
        capture.problem_ = fmt::format("cannot start a capture: {}", error);
        return capture;
    }
    // pcap_compile is reentrant since libpcap 1.8 (Debian 12 has 1.10): cases on several
    // workers may compile at once. Packets the ring took before the filter was set are
    // filtered by libpcap itself when read.
    bpf_program program{};
    if (pcap_compile(handle.get(), &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        capture.problem_ = fmt::format("capture filter rejected: {}", pcap_geterr(handle.get()));
        return capture;
    }
    int set = pcap_setfilter(handle.get(), &program);
    pcap_freecode(&program);
    if (set != 0) {
        capture.problem_ = fmt::format("cannot set the capture filter: {}", pcap_geterr(handle.get()));
        return capture;
    }
    capture.handle_ = std::move(handle);
    return capture;
}

std::optional<std::string> PacketCapture::unavailable()
{
    // The same kind of handle a case opens, with a filter that takes nothing.
    PacketCapture probe = open("less 1");
    if (probe.ok()) return std::nullopt;
    return probe.problem_;
}

CaptureWritten PacketCapture::write(const std::string& path, const std::vector<std::string>& secrets)
{
    if (!handle_) throw std::runtime_error("no capture to write");
    auto folder = std::filesystem::path(path).parent_path();
    std::string temporary =
        (folder / ("." + std::filesystem::path(path).filename().string() + ".XXXXXX")).string();
    int fd = ::mkstemp(temporary.data());
    if (fd < 0) throw std::runtime_error(fmt::format("cannot create a file in {}", folder.string()));
    FILE* file = ::fdopen(fd, "wb");
    if (!file) {
        ::close(fd);
        ::unlink(temporary.c_str());
        throw std::runtime_error(fmt::format("cannot write {}", temporary));
    }
    // pcap_dump_fopen owns `file` from here; pcap_dump_close closes it.
    pcap_dumper_t* dumper = pcap_dump_fopen(handle_.get(), file);
    if (!dumper) {
        std::fclose(file);
        ::unlink(temporary.c_str());
        throw std::runtime_error(fmt::format("cannot write {}: {}", temporary, pcap_geterr(handle_.get())));
    }
    Dumping dumping{dumper, secrets, 0, {}};
    // Non-blocking: each call takes what the ring holds now, and 0 means it is empty. Bounded
    // by what one ring can hold, so packets that keep coming cannot keep the case open.
    while (dumping.packets < max_packets_read &&
           pcap_dispatch(handle_.get(), -1, dump_one, reinterpret_cast<u_char*>(&dumping)) > 0) {
    }
    CaptureWritten written;
    written.packets = dumping.packets;
    pcap_stat stats{};
    if (pcap_stats(handle_.get(), &stats) == 0) written.dropped = stats.ps_drop;
    bool flushed = pcap_dump_flush(dumper) == 0 && ::fsync(::fileno(pcap_dump_file(dumper))) == 0;
    pcap_dump_close(dumper);
    if (!flushed || std::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        throw std::runtime_error(fmt::format("cannot write {}", path));
    }
    return written;
}

}  // namespace connspec
