#include "suites/mistakes.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace connspec {

void Mistakes::add(std::size_t file_index, const std::string& file, int line, int column,
                   std::string message)
{
    line = std::max(line, 1);
    column = std::max(column, 1);
    std::string text = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                       std::move(message);
    entries_.push_back({file_index, line, column, std::move(text)});
}

std::vector<std::string> Mistakes::sorted() const
{
    std::vector<Entry> entries = entries_;
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return std::tie(a.file_index, a.line, a.column) < std::tie(b.file_index, b.line, b.column);
    });
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (auto& e : entries)
        if (seen.insert(e.text).second) out.push_back(std::move(e.text));
    return out;
}

}  // namespace connspec
