#include "app/watch_history.hpp"

#include <algorithm>

namespace connspec {

WatchHistory::WatchHistory(std::size_t cases, std::size_t depth)
    : cases_(cases), depth_(depth), ended_ms_(depth, 0), records_(cases * depth, Record{0, 0, 0})
{
}

std::uint16_t WatchHistory::category_index(const std::string& category)
{
    auto found = std::find(categories_.begin(), categories_.end(), category);
    if (found != categories_.end()) return static_cast<std::uint16_t>(found - categories_.begin());
    if (categories_.size() >= 0xffff) return 0;  // never in practice: categories are a fixed set
    categories_.push_back(category);
    return static_cast<std::uint16_t>(categories_.size() - 1);
}

void WatchHistory::record(std::chrono::system_clock::time_point ended, const std::vector<Outcome>& outcomes)
{
    if (depth_ == 0) return;
    std::size_t slot = recorded_ % depth_;
    ended_ms_[slot] = std::chrono::duration_cast<std::chrono::milliseconds>(ended.time_since_epoch()).count();
    for (std::size_t c = 0; c < cases_; ++c) {
        Record& r = records_[slot * cases_ + c];
        if (c < outcomes.size()) {
            const Outcome& o = outcomes[c];
            r = Record{static_cast<float>(std::max(0.0, o.duration.count())),
                       o.category.empty() ? std::uint16_t{0} : category_index(o.category),
                       static_cast<std::uint8_t>(o.status)};
        } else {
            r = Record{0, 0, static_cast<std::uint8_t>(Status::skipped)};
        }
    }
    ++recorded_;
}

std::vector<PastRun> WatchHistory::runs(std::size_t case_index) const
{
    std::vector<PastRun> out;
    if (case_index >= cases_) return out;
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(recorded_, depth_));
    out.reserve(n);
    for (std::uint64_t run = recorded_ - n; run < recorded_; ++run) {
        std::size_t slot = run % depth_;
        const Record& r = records_[slot * cases_ + case_index];
        out.push_back(PastRun{std::chrono::system_clock::time_point{std::chrono::milliseconds{ended_ms_[slot]}},
                              static_cast<Status>(r.status), r.seconds, categories_[r.category]});
    }
    return out;
}

}  // namespace connspec
