// Report files appear whole or not at all, and a failed write leaves nothing behind.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <boost/test/unit_test.hpp>

#include "reports/atomic_file.hpp"
#include "reports/reports.hpp"
#include "tests/lab/lab.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

namespace fs = std::filesystem;

std::size_t entries_in(const std::string& folder)
{
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++count;
    return count;
}

// Runs `attempt` in a child that cannot write to `folder`: as root (permissions do not stop
// root) the child becomes nobody first, otherwise the folder is made read-only. The child
// exits 0 when the write threw a runtime_error naming `path`, 1 when it threw without the
// path, 2 when it did not throw, 3 when it could not drop its rights.
int write_without_permission(const std::string& folder, const std::string& path)
{
    ::chmod(folder.c_str(), 0555);
    const pid_t child = ::fork();
    if (child == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
        try {
            write_file_atomically(path, "content\n");
        } catch (const std::runtime_error& e) {
            ::_exit(std::string(e.what()).find(path) != std::string::npos ? 0 : 1);
        } catch (...) {
            ::_exit(1);
        }
        ::_exit(2);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    ::chmod(folder.c_str(), 0755);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

BOOST_AUTO_TEST_SUITE(atomic_file)

BOOST_AUTO_TEST_CASE(writes_the_whole_content_and_replaces_an_old_file)
{
    lab::TempDir dir;
    const auto path = dir.write("report.xml", "old");
    write_file_atomically(path, "new content\n");
    BOOST_TEST(lab::read_file(path) == "new content\n");
    BOOST_TEST(entries_in(dir.path()) == 1u);  // no temporary file left

    // The umask decides the permissions, like for any file the user creates.
    const auto fresh = dir.path() + "/fresh.json";
    const mode_t old_mask = ::umask(022);
    write_file_atomically(fresh, "{}\n");
    ::umask(old_mask);
    struct stat info {};
    BOOST_REQUIRE(::stat(fresh.c_str(), &info) == 0);
    BOOST_TEST((info.st_mode & 0777) == 0644u);
}

BOOST_AUTO_TEST_CASE(relative_path_in_the_current_folder)
{
    lab::TempDir dir;
    const auto previous = fs::current_path();
    fs::current_path(dir.path());
    write_file_atomically("plain.txt", "x");
    fs::current_path(previous);
    BOOST_TEST(lab::read_file(dir.path() + "/plain.txt") == "x");
    BOOST_TEST(entries_in(dir.path()) == 1u);
}

BOOST_AUTO_TEST_CASE(unwritable_folder_leaves_no_file_and_names_the_path)
{
    lab::TempDir dir;
    ::chmod(dir.path().c_str(), 0755);  // nobody must reach the folder and be refused only there
    const auto folder = dir.path() + "/locked";
    fs::create_directory(folder);
    BOOST_TEST(write_without_permission(folder, folder + "/report.xml") == 0);
    BOOST_TEST(entries_in(folder) == 0u);
}

BOOST_AUTO_TEST_CASE(missing_folder_throws_with_path_and_reason)
{
    lab::TempDir dir;
    const auto path = dir.path() + "/no/such/folder/report.json";
    try {
        write_file_atomically(path, "{}");
        BOOST_FAIL("no exception");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find(path) != std::string::npos, what);
        BOOST_TEST(what.find("No such file or directory") != std::string::npos, what);
    }
}

BOOST_AUTO_TEST_CASE(failed_rename_removes_the_temporary_file)
{
    // The temporary file is written, then the rename fails (a folder is in the way): the
    // temporary file must go too.
    lab::TempDir dir;
    const auto path = dir.path() + "/report.xml";
    fs::create_directory(path);
    BOOST_CHECK_THROW(write_file_atomically(path, "content"), std::runtime_error);
    BOOST_TEST(entries_in(dir.path()) == 1u);
    BOOST_TEST(fs::is_directory(path));
}

BOOST_AUTO_TEST_CASE(reporters_throw_at_run_finished_and_leave_nothing)
{
    lab::TempDir dir;
    const auto folder = dir.path() + "/missing";
    for (const auto& path : {folder + "/junit.xml", folder + "/report.json"}) {
        auto reporter = path.ends_with(".xml") ? make_junit_reporter(path)
                                               : make_json_reporter(path);
        const auto run = test::sample_run();
        reporter->run_started(run.description, run.info);
        BOOST_CHECK_THROW(reporter->run_finished(run.result()), std::runtime_error);
    }
    BOOST_TEST(entries_in(dir.path()) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
