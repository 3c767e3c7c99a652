#include "app/tar_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace connspec {
namespace {

[[noreturn]] void fail(const std::string& path, ::archive* a)
{
    throw std::runtime_error("cannot write " + path + ": " +
                             (a && archive_error_string(a) ? archive_error_string(a) : "unknown error"));
}

}  // namespace

TarGzWriter::TarGzWriter(std::string path)
    : path_(std::move(path)), temporary_(path_ + ".tmp-" + std::to_string(::getpid()))
{
    archive_ = archive_write_new();
    if (!archive_ || archive_write_add_filter_gzip(archive_) != ARCHIVE_OK ||
        archive_write_set_format_pax_restricted(archive_) != ARCHIVE_OK ||
        archive_write_open_filename(archive_, temporary_.c_str()) != ARCHIVE_OK) {
        std::string reason = archive_ && archive_error_string(archive_) ? archive_error_string(archive_) : "unknown error";
        if (archive_) archive_write_free(archive_);
        archive_ = nullptr;
        std::remove(temporary_.c_str());
        throw std::runtime_error("cannot write " + path_ + ": " + reason);
    }
}

TarGzWriter::~TarGzWriter()
{
    if (archive_) archive_write_free(archive_);
    if (!committed_) std::remove(temporary_.c_str());
}

void TarGzWriter::add(const std::string& name, std::string_view content)
{
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, std::time(nullptr), 0);
    bool ok = archive_write_header(archive_, entry) == ARCHIVE_OK &&
              (content.empty() ||
               archive_write_data(archive_, content.data(), content.size()) ==
                   static_cast<la_ssize_t>(content.size()));
    archive_entry_free(entry);
    if (!ok) fail(path_, archive_);
}

void TarGzWriter::commit()
{
    if (archive_write_close(archive_) != ARCHIVE_OK) fail(path_, archive_);
    archive_write_free(archive_);
    archive_ = nullptr;
    if (std::rename(temporary_.c_str(), path_.c_str()) != 0)
        throw std::runtime_error("cannot write " + path_ + ": rename failed");
    committed_ = true;
}

}  // namespace connspec
