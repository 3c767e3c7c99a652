// The open-file limit, raised once at start to what the plan needs: every case holds its
// sockets itself (sessions: one per session; ports_closed: one per port probed at once), and
// at most `jobs` cases run together.
#pragma once

#include <cstddef>

#include "runner/plan.hpp"

namespace connspec {

// Descriptors kept for everything else the process does meanwhile (reports, resolvers, libpq).
inline constexpr std::size_t spare_descriptors = 256;

struct DescriptorBudget {
    std::size_t needed = 0;  // the `jobs` largest case needs together, plus the spare
    std::size_t limit = 0;   // the soft limit now (SIZE_MAX: unlimited)
    std::size_t hard = 0;    // the hard limit (SIZE_MAX: unlimited)
};

// What the plan may hold at once, `jobs` cases at a time, each with `per_case_extra` more
// (--capture: one capture socket per running case).
std::size_t descriptors_needed(const Plan& plan, int jobs, std::size_t per_case_extra = 0);

// Raises RLIMIT_NOFILE's soft limit to descriptors_needed (at most the hard limit, never
// lowering it) and says where it stands.
DescriptorBudget raise_descriptor_limit(const Plan& plan, int jobs, std::size_t per_case_extra = 0);

}  // namespace connspec
