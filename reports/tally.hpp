// Counts of outcomes by status, as the console summary and JUnit's attributes need them.
#pragma once

#include <chrono>
#include <vector>

#include "core/outcome.hpp"

namespace connspec {

struct Tally {
    int passed = 0;
    int failed = 0;
    int errors = 0;
    int skipped = 0;
    std::chrono::duration<double> time{};  // sum of the case durations

    void add(const Outcome& outcome)
    {
        switch (outcome.status) {
        case Status::passed: ++passed; break;
        case Status::failed: ++failed; break;
        case Status::error: ++errors; break;
        case Status::skipped: ++skipped; break;
        }
        time += outcome.duration;
    }
    int total() const { return passed + failed + errors + skipped; }
};

}  // namespace connspec
