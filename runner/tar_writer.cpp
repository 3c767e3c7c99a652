#include "runner/tar_writer.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "runner/libarchive_api.hpp"

namespace connspec {
namespace {

[[noreturn]] void fail(const LibArchive& la, const std::string& path, ::archive* a)
{
    const char* why = a ? la.archive_error_string(a) : nullptr;
    throw std::runtime_error("cannot write " + path + ": " + (why ? why : "unknown error"));
}

}  // namespace

TarGzWriter::TarGzWriter(std::string path)
    : path_(std::move(path)), temporary_(path_ + ".tmp-" + std::to_string(::getpid()))
{
    std::string unavailable;
    la_ = libarchive(&unavailable);
    if (!la_) throw std::runtime_error("cannot write " + path_ + ": " + unavailable);
    archive_ = la_->archive_write_new();
    if (!archive_ || la_->archive_write_add_filter_gzip(archive_) != ARCHIVE_OK ||
        la_->archive_write_set_format_pax_restricted(archive_) != ARCHIVE_OK ||
        la_->archive_write_open_filename(archive_, temporary_.c_str()) != ARCHIVE_OK) {
        const char* why = archive_ ? la_->archive_error_string(archive_) : nullptr;
        std::string reason = why ? why : "unknown error";
        if (archive_) la_->archive_write_free(archive_);
        archive_ = nullptr;
        std::remove(temporary_.c_str());
        throw std::runtime_error("cannot write " + path_ + ": " + reason);
    }
}

TarGzWriter::~TarGzWriter()
{
    if (archive_) la_->archive_write_free(archive_);
    if (!committed_) std::remove(temporary_.c_str());
}

void TarGzWriter::add(const std::string& name, std::string_view content)
{
    archive_entry* entry = la_->archive_entry_new();
    la_->archive_entry_set_pathname(entry, name.c_str());
    la_->archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    la_->archive_entry_set_filetype(entry, AE_IFREG);
    la_->archive_entry_set_perm(entry, 0644);
    la_->archive_entry_set_mtime(entry, std::time(nullptr), 0);
    bool ok = la_->archive_write_header(archive_, entry) == ARCHIVE_OK &&
              (content.empty() ||
               la_->archive_write_data(archive_, content.data(), content.size()) ==
                   static_cast<la_ssize_t>(content.size()));
    la_->archive_entry_free(entry);
    if (!ok) fail(*la_, path_, archive_);
}

void TarGzWriter::commit()
{
    if (la_->archive_write_close(archive_) != ARCHIVE_OK) fail(*la_, path_, archive_);
    la_->archive_write_free(archive_);
    archive_ = nullptr;
    if (std::rename(temporary_.c_str(), path_.c_str()) != 0)
        throw std::runtime_error("cannot write " + path_ + ": rename failed");
    committed_ = true;
}

}  // namespace connspec
