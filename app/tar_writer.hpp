// A gzip-compressed tar archive written whole or not at all (libarchive).
#pragma once

#include <string>
#include <string_view>

struct archive;

namespace connspec {

class TarGzWriter {
public:
    // Opens a temporary file beside `path`; throws std::runtime_error naming the path.
    explicit TarGzWriter(std::string path);
    ~TarGzWriter();  // without commit(): the temporary file is removed
    TarGzWriter(const TarGzWriter&) = delete;
    TarGzWriter& operator=(const TarGzWriter&) = delete;

    // Adds a regular file (mode 0644) named `name` inside the archive.
    void add(const std::string& name, std::string_view content);
    // Finishes the archive and renames it over `path`.
    void commit();

private:
    std::string path_, temporary_;
    ::archive* archive_ = nullptr;
    bool committed_ = false;
};

}  // namespace connspec
