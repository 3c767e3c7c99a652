#include "checks/error_queue.hpp"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace connspec {

bool QueuedError::time_exceeded() const
{
    return from_icmp && type == (v6 ? ICMP6_TIME_EXCEEDED : ICMP_TIME_EXCEEDED);
}

bool QueuedError::too_big() const
{
    if (!from_icmp) return error == EMSGSIZE;
    return v6 ? type == ICMP6_PACKET_TOO_BIG : (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED);
}

bool QueuedError::unreachable() const
{
    return from_icmp && !too_big() && type == (v6 ? ICMP6_DST_UNREACH : ICMP_DEST_UNREACH);
}

std::string QueuedError::describe() const
{
    if (!from_icmp) return std::strerror(error);
    if (time_exceeded()) return "time exceeded";
    if (too_big())
        return fmt::format("{} (MTU {})", v6 ? "packet too big" : "fragmentation needed", info);
    if (!unreachable()) return fmt::format("ICMP{} type {} code {}", v6 ? "v6" : "", type, code);
    if (v6) {
        switch (code) {
        case ICMP6_DST_UNREACH_NOROUTE: return "no route to destination";
        case ICMP6_DST_UNREACH_ADMIN: return "administratively prohibited";
        case ICMP6_DST_UNREACH_ADDR: return "address unreachable";
        case ICMP6_DST_UNREACH_NOPORT: return "port unreachable";
        default: return fmt::format("destination unreachable (code {})", code);
        }
    }
    switch (code) {
    case ICMP_NET_UNREACH: return "network unreachable";
    case ICMP_HOST_UNREACH: return "host unreachable";
    case ICMP_PROT_UNREACH: return "protocol unreachable";
    case ICMP_PORT_UNREACH: return "port unreachable";
    case ICMP_NET_ANO:
    case ICMP_HOST_ANO:
    case ICMP_PKT_FILTERED: return "administratively prohibited";
    default: return fmt::format("destination unreachable (code {})", code);
    }
}

bool enable_error_queue(int fd, bool v6)
{
    int on = 1;
    return v6 ? ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on) == 0
              : ::setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on) == 0;
}

std::optional<QueuedError> read_queued_error(int fd)
{
    std::array<unsigned char, 576> data{};
    alignas(cmsghdr) std::array<unsigned char, 512> control{};
    sockaddr_storage from{};
    iovec io{data.data(), data.size()};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    ssize_t length;
    do {
        length = ::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT);
    } while (length < 0 && errno == EINTR);
    if (length < 0) return std::nullopt;

    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
        bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
        bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
        if (!v4 && !v6) continue;
        sock_extended_err extended{};
        std::memcpy(&extended, CMSG_DATA(c), sizeof extended);
        QueuedError queued;
        queued.error = static_cast<int>(extended.ee_errno);
        queued.from_icmp = extended.ee_origin == SO_EE_ORIGIN_ICMP ||
                           extended.ee_origin == SO_EE_ORIGIN_ICMP6;
        queued.v6 = extended.ee_origin == SO_EE_ORIGIN_ICMP6 ||
                    (extended.ee_origin != SO_EE_ORIGIN_ICMP && v6);
        queued.type = extended.ee_type;
        queued.code = extended.ee_code;
        queued.info = extended.ee_info;
        if (queued.from_icmp) {
            // The offender's address follows the extended error in the same control message.
            sockaddr_storage offender{};
            const unsigned char* after = CMSG_DATA(c) + sizeof extended;
            std::size_t room = c->cmsg_len - static_cast<std::size_t>(after - reinterpret_cast<unsigned char*>(c));
            std::memcpy(&offender, after, std::min(room, sizeof offender));
            queued.offender = numeric_address(reinterpret_cast<const sockaddr*>(&offender));
        }
        queued.payload.assign(data.begin(), data.begin() + length);
        return queued;
    }
    return std::nullopt;
}

std::string numeric_address(const sockaddr* address)
{
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(address);
        if (::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text)) return text;
    } else if (address->sa_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(address);
        if (::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text)) return text;
    }
    return "?";
}

}  // namespace connspec
