// The last runs of every case, as watch's status page draws them. Fixed in size from watch's
// start (one 8-byte record per case and kept run, allocated whole), so memory does not grow
// while the history fills, and copying it into the next snapshot is one block.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/outcome.hpp"
#include "reports/status_page.hpp"

namespace connspec {

class WatchHistory {
public:
    WatchHistory() = default;
    WatchHistory(std::size_t cases, std::size_t depth);

    // Records one whole run: `outcomes` in case order, one per case.
    void record(std::chrono::system_clock::time_point ended, const std::vector<Outcome>& outcomes);

    std::size_t cases() const { return cases_; }
    // The kept runs of one case (at most depth), oldest first, as the status page draws them.
    std::vector<PastRun> runs(std::size_t case_index) const;

private:
    struct Record {
        float seconds;
        std::uint16_t category;  // index into categories_, 0 for none
        std::uint8_t status;     // a Status
    };
    std::size_t cases_ = 0;
    std::size_t depth_ = 0;
    std::uint64_t recorded_ = 0;  // runs recorded since start; the next goes to slot recorded_ % depth
    std::vector<std::int64_t> ended_ms_;  // per slot: when that run ended (Unix ms)
    std::vector<Record> records_;         // slot-major: records_[slot * cases_ + case]
    std::vector<std::string> categories_{""};  // every category seen, each once (a bounded set)

    std::uint16_t category_index(const std::string& category);
};

}  // namespace connspec
