// The libarchive functions the support bundle calls, looked up in libarchive.so.13 when a
// bundle is written. libarchive is not linked: it brings libxml2 and ICU, which cost every run
// about 1 ms of start-up and 2 MiB although only `connspec bundle` writes archives.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>

namespace connspec {

#define CONNSPEC_LIBARCHIVE_FUNCTIONS(X)                                                   \
    X(archive_write_new) X(archive_write_add_filter_gzip)                                  \
    X(archive_write_set_format_pax_restricted) X(archive_write_open_filename)              \
    X(archive_write_header) X(archive_write_data) X(archive_write_close)                   \
    X(archive_write_free) X(archive_error_string) X(archive_entry_new) X(archive_entry_free) \
    X(archive_entry_set_pathname) X(archive_entry_set_size) X(archive_entry_set_filetype)  \
    X(archive_entry_set_perm) X(archive_entry_set_mtime)

struct LibArchive {
#define CONNSPEC_LIBARCHIVE_SLOT(name) decltype(&::name) name = nullptr;
    CONNSPEC_LIBARCHIVE_FUNCTIONS(CONNSPEC_LIBARCHIVE_SLOT)
#undef CONNSPEC_LIBARCHIVE_SLOT
};

// libarchive, loaded once per process; nullptr when it cannot be loaded, with the reason in
// `error` (when given).
const LibArchive* libarchive(std::string* error = nullptr);

}  // namespace connspec
