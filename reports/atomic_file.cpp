#include "reports/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "core/unique_fd.hpp"

namespace connspec {
namespace {

[[noreturn]] void fail(const std::string& path, std::string_view step, int error)
{
    throw std::runtime_error(
        fmt::format("cannot write {}: {}: {}", path, step, std::strerror(error)));
}

// A name no other writer uses: this process's id and a counter.
std::string temporary_name(const std::filesystem::path& target)
{
    static std::atomic<unsigned> counter{0};
    return fmt::format(".{}.{}-{}.tmp", target.filename().string(), ::getpid(), counter++);
}

bool write_all(int fd, std::string_view content)
{
    while (!content.empty()) {
        const ssize_t written = ::write(fd, content.data(), content.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        content.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// Removes the temporary file unless the rename consumed it.
class TemporaryFile {
public:
    explicit TemporaryFile(std::string path) : path_(std::move(path)) {}
    ~TemporaryFile()
    {
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    const std::string& path() const { return path_; }
    void renamed() { path_.clear(); }

private:
    std::string path_;
};

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content)
{
    const std::filesystem::path target(path);
    std::filesystem::path folder = target.parent_path();
    if (folder.empty()) folder = ".";
    if (target.filename().empty()) fail(path, "not a file name", EISDIR);

    // Mode 0666 lets the umask decide the permissions, as for any file the user creates.
    UniqueFd fd;
    std::string temporary_path;
    for (int tries = 0; !fd; ++tries) {
        temporary_path = (folder / temporary_name(target)).string();
        fd.reset(::open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
        if (!fd && (errno != EEXIST || tries >= 100)) fail(path, "create temporary file", errno);
    }
    TemporaryFile temporary(temporary_path);

    if (!write_all(fd.get(), content)) fail(path, "write", errno);
    if (::fsync(fd.get()) != 0) fail(path, "fsync", errno);
    if (::close(fd.release()) != 0) fail(path, "close", errno);
    if (::rename(temporary.path().c_str(), path.c_str()) != 0) fail(path, "rename", errno);
    temporary.renamed();

    // Make the rename itself durable; the file is complete either way, so this is best effort.
    UniqueFd folder_fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (folder_fd) ::fsync(folder_fd.get());
}

}  // namespace connspec
