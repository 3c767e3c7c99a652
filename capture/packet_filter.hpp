// Which packets belong to one case: its peers and ports, as a BPF filter expression (the
// language of tcpdump and pcap_compile).
#pragma once

#include <string>
#include <vector>

namespace connspec {

struct PacketScope {
    // Numeric addresses the case talks to. Empty: not known before the case runs (a name
    // the case resolves itself), and the ports alone select its packets.
    std::vector<std::string> hosts;
    std::vector<int> ports;  // TCP or UDP ports on the peer's side
};

// The filter for `scope`: TCP and UDP to or from the hosts on the ports, ICMP to or from the
// hosts (echo, port unreachable), and the ICMP errors routers send about packets to the hosts
// and ports (time exceeded, unreachable, too big: they come from other addresses but carry the
// packet they are about). Anything in `hosts` that is not a numeric address is left out, so
// no text from a suite reaches the filter language; ports outside 1..65535 likewise.
// Empty when the scope has neither hosts nor ports: nothing tells the case's packets apart
// (an empty filter would take every packet of the machine), so there is nothing to capture.
std::string packet_filter(const PacketScope& scope);

}  // namespace connspec
