// The binary names the shared libraries it needs, so ldd, dpkg-shlibdeps, container builds and
// SBOM scanners see them, and a missing one stops connspec at start, not in the middle of a run.
#include <boost/test/unit_test.hpp>

#include "lab/lab.hpp"

using namespace connspec;

BOOST_AUTO_TEST_CASE(connspec_names_libpq_libarchive_and_openssl_as_needed)
{
    auto dynamic = lab::run({"readelf", "--dynamic", lab::connspec_path()});
    BOOST_TEST_REQUIRE(dynamic.exit_code == 0, dynamic.err);
    for (const char* library : {"[libpq.so.5]", "[libarchive.so.13]", "[libssl.so.3]", "[libcrypto.so.3]",
                                "[libpcap.so.0.8]"})
        BOOST_TEST(dynamic.out.find(std::string("(NEEDED)             Shared library: ") + library) !=
                       std::string::npos,
                   library << " is not NEEDED:\n" << dynamic.out);
}

BOOST_AUTO_TEST_CASE(every_needed_library_is_found)
{
    auto linked = lab::run({"ldd", lab::connspec_path()});
    BOOST_TEST_REQUIRE(linked.exit_code == 0, linked.err);
    BOOST_TEST(linked.out.find("not found") == std::string::npos, linked.out);
    BOOST_TEST(linked.out.find("libpq.so.5 => /") != std::string::npos, linked.out);
}
