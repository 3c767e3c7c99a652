#include "runner/descriptors.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace connspec {
namespace {

std::size_t as_size(rlim_t value)
{
    return value == RLIM_INFINITY ? SIZE_MAX : static_cast<std::size_t>(value);
}

}  // namespace

std::size_t descriptors_needed(const Plan& plan, int jobs, std::size_t per_case_extra)
{
    std::vector<std::size_t> needs;
    needs.reserve(plan.cases.size());
    for (const auto& c : plan.cases) needs.push_back(c.kind->descriptors_for(*c.spec) + per_case_extra);
    auto together = std::min<std::size_t>(needs.size(), static_cast<std::size_t>(std::max(1, jobs)));
    std::partial_sort(needs.begin(), needs.begin() + static_cast<std::ptrdiff_t>(together), needs.end(),
                      std::greater<>());
    std::size_t sum = spare_descriptors;
    for (std::size_t i = 0; i < together; ++i) sum += needs[i];
    return sum;
}

DescriptorBudget raise_descriptor_limit(const Plan& plan, int jobs, std::size_t per_case_extra)
{
    DescriptorBudget budget;
    budget.needed = descriptors_needed(plan, jobs, per_case_extra);
    rlimit limits{};
    if (::getrlimit(RLIMIT_NOFILE, &limits) != 0) return budget;
    budget.limit = as_size(limits.rlim_cur);
    budget.hard = as_size(limits.rlim_max);
    if (budget.limit >= budget.needed) return budget;
    rlimit raised = limits;
    raised.rlim_cur = limits.rlim_max == RLIM_INFINITY
                          ? static_cast<rlim_t>(budget.needed)
                          : std::min<rlim_t>(limits.rlim_max, static_cast<rlim_t>(budget.needed));
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) budget.limit = as_size(raised.rlim_cur);
    return budget;
}

}  // namespace connspec
