// The load errors of every file, kept with their position so they can be sorted.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace connspec {

class Mistakes {
public:
    // `file_index` is the file's place on the command line; line and column are 1-based.
    void add(std::size_t file_index, const std::string& file, int line, int column,
             std::string message);

    // "FILE:LINE:COL: message", by file (command-line order), then line, then column, then
    // the order they were found; exact repeats (a [defaults] mistake seen from every target)
    // appear once.
    std::vector<std::string> sorted() const;
    bool empty() const { return entries_.empty(); }

private:
    struct Entry {
        std::size_t file_index;
        int line;
        int column;
        std::string text;
    };
    std::vector<Entry> entries_;
};

}  // namespace connspec
