// Merging JUnit files from several shards or vantage points into one report.
#pragma once

#include <string>
#include <vector>

namespace connspec {

struct MergedJunit {
    std::string document;  // the merged XML
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    std::vector<std::string> vantages;  // distinct named vantage points, in input order
};

// Reads connspec JUnit files and merges their <testsuite>s under one <testsuites> with totals
// recounted from the test cases. When the inputs come from more than one named vantage point
// (--vantage), each suite name and classname gets "@VANTAGE" so CI systems keep the places
// apart; shards of one place merge as they are. Throws
// std::runtime_error naming the file when an input is missing or not a JUnit report.
MergedJunit merge_junit(const std::vector<std::string>& files);

}  // namespace connspec
