// Libraries opened on first use: libpq and libarchive are not linked, so a run that needs
// neither never loads their dependency chains, and a missing one is an error with its name.
#include <boost/test/unit_test.hpp>

#include <cstring>

#include "checks/libpq_api.hpp"
#include "checks/shared_library.hpp"
#include "lab/lab.hpp"
#include "runner/libarchive_api.hpp"

using namespace connspec;

BOOST_AUTO_TEST_CASE(a_function_of_an_opened_library_is_called_through_its_header_type)
{
    SharedLibrary libc("libc.so.6");
    decltype(&std::strlen) length = nullptr;
    libc.bind(length, "strlen");
    BOOST_TEST_REQUIRE(libc.ok());
    BOOST_TEST(length("connspec") == 8u);
}

BOOST_AUTO_TEST_CASE(a_missing_library_or_function_says_which)
{
    SharedLibrary missing("libconnspec-no-such-library.so.0");
    BOOST_TEST(!missing.ok());
    BOOST_TEST(missing.error().find("cannot load libconnspec-no-such-library.so.0") != std::string::npos);

    SharedLibrary libc("libc.so.6");
    decltype(&std::strlen) nothing = nullptr;
    libc.bind(nothing, "connspec_no_such_function");
    BOOST_TEST(!libc.ok());
    BOOST_TEST(libc.error() == "libc.so.6 has no function connspec_no_such_function");
}

BOOST_AUTO_TEST_CASE(libpq_and_libarchive_load_with_every_function_connspec_calls)
{
    std::string why;
    const LibPq* pq = libpq(&why);
    BOOST_TEST_REQUIRE(pq != nullptr, why);
    BOOST_TEST(pq->PQlibVersion() >= 100000);  // libpq 10 or later
    const LibArchive* archive = libarchive(&why);
    BOOST_TEST_REQUIRE(archive != nullptr, why);
    BOOST_TEST(archive->archive_write_new != nullptr);
}

BOOST_AUTO_TEST_CASE(connspec_links_neither_libpq_nor_libarchive)
{
    auto dynamic = lab::run({"readelf", "--dynamic", lab::connspec_path()});
    BOOST_TEST_REQUIRE(dynamic.exit_code == 0, dynamic.err);
    BOOST_TEST(dynamic.out.find("(NEEDED)") != std::string::npos);
    BOOST_TEST(dynamic.out.find("libpq") == std::string::npos, dynamic.out);
    BOOST_TEST(dynamic.out.find("libarchive") == std::string::npos, dynamic.out);
}

BOOST_AUTO_TEST_CASE(login_and_sessions_without_a_loadable_libpq_are_errors_naming_it)
{
    lab::TempDir dir;
    // An empty file where the dynamic loader looks first: dlopen fails on it.
    dir.write("libpq.so.5", "");
    auto result = lab::run_suite(dir, R"(
[suite]
name = "nolibpq"
timeout = "2s"
[[target]]
name = "db"
host = "127.0.0.1"
port = 9
login = { user = "app" }
[[target]]
name = "pool"
host = "127.0.0.1"
port = 9
sessions = { count = 3, user = "app" }
)", {}, {{"LD_LIBRARY_PATH", dir.path()}});
    BOOST_TEST(result.command.exit_code == 1, result.command.out + result.command.err);
    for (const char* id : {"db.login", "pool.sessions"}) {
        auto c = result.at(id);
        BOOST_TEST(c.status == "error", id);
        BOOST_TEST(c.category == "internal", id);
        BOOST_TEST(c.message.find("cannot load libpq.so.5") != std::string::npos, c.message);
    }
}
