// The one list of check kinds, in report order.
#include <algorithm>

#include "checks/check_kind.hpp"

namespace connspec {

CheckKind resolves_kind();
CheckKind port_open_kind();
CheckKind ports_closed_kind();
CheckKind tls_kind();
CheckKind certificate_kind();
CheckKind login_kind();
CheckKind sessions_kind();
CheckKind reachable_kind();
CheckKind path_mtu_kind();
CheckKind route_kind();

const std::vector<CheckKind>& check_kinds()
{
    static const std::vector<CheckKind> kinds{
        resolves_kind(), port_open_kind(), ports_closed_kind(), tls_kind(),
        certificate_kind(), login_kind(), sessions_kind(),
        reachable_kind(), path_mtu_kind(), route_kind(),
    };
    return kinds;
}

const CheckKind* find_check_kind(std::string_view name)
{
    for (const auto& k : check_kinds())
        if (k.name == name) return &k;
    return nullptr;
}

bool CheckKind::fits(Protocol p) const
{
    return std::find(protocols.begin(), protocols.end(), p) != protocols.end();
}

}  // namespace connspec
