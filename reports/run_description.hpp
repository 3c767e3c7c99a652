// What reports are told about a run before it starts: the suites' targets and cases, their
// names and their order. Reports never see the Plan (specs, kinds, deadlines): only this.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace connspec {

struct DescribedTarget {
    std::string suite;  // the suite's name
    std::string name;

    // "SUITE.TARGET", JUnit's classname.
    std::string qualified_name() const { return suite + "." + name; }
};

struct DescribedCase {
    std::size_t target_index = 0;  // into RunDescription::targets
    std::string name;              // the case key: "port_open"
};

struct RunDescription {
    std::vector<DescribedTarget> targets;  // suite order, then file order
    std::vector<DescribedCase> cases;      // targets in order, inside a target report order

    const DescribedTarget& target_of(const DescribedCase& c) const { return targets[c.target_index]; }
    // "TARGET.CASE".
    std::string case_id(const DescribedCase& c) const { return target_of(c).name + "." + c.name; }
};

}  // namespace connspec
