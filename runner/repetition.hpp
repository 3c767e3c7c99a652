// `run --repeat N`: the outcomes of N runs of one plan combined into one outcome per case, with
// its success rate. A case passes only if every run passed; one that passed in some runs and
// not in others fails as `flaky`, naming its rate and what the other runs saw.
#pragma once

#include <cstddef>
#include <vector>

#include "core/outcome.hpp"

namespace connspec {

class Repetition {
public:
    explicit Repetition(std::size_t cases) : runs_of_case_(cases) {}

    // One finished run: an outcome per case, in plan order.
    void add(std::vector<Outcome> run);
    int runs() const { return runs_; }

    // One outcome per case, with the properties `runs`, `passed_runs` and `success_rate`.
    std::vector<Outcome> combined() const;

private:
    std::vector<std::vector<Outcome>> runs_of_case_;
    int runs_ = 0;
};

}  // namespace connspec
