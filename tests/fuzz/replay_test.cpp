// Replays fuzz/regressions/ (every input fuzzing found, kept once fixed) and the seeds through
// the fuzz targets: each must run to its end without a crash, an abort or a sanitizer report.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.hpp"
#include "tests/lab/lab.hpp"

namespace fs = std::filesystem;
using connspec::lab::read_file;
using connspec::lab::source_root;

namespace {

std::vector<fs::path> files_under(const fs::path& folder, const std::string& extension = {})
{
    std::vector<fs::path> found;
    if (!fs::is_directory(folder)) return found;
    for (const auto& entry : fs::directory_iterator(folder))
        if (entry.is_regular_file() && entry.path().filename() != "README.md" &&
            (extension.empty() || entry.path().extension() == extension))
            found.push_back(entry.path());
    std::sort(found.begin(), found.end());
    return found;
}

template <class Target>
int replay(const std::vector<fs::path>& inputs, Target target)
{
    for (const auto& input : inputs) {
        BOOST_TEST_CHECKPOINT("replaying " << input.string());
        std::string bytes = read_file(input.string());
        target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    return static_cast<int>(inputs.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(suite_loader_regressions_and_seeds)
{
    fs::path root = source_root();
    int replayed = replay(files_under(root / "fuzz/regressions/suite_loader"), connspec::fuzz::suite_loader);
    replayed += replay(files_under(root / "suites/examples", ".toml"), connspec::fuzz::suite_loader);
    replayed += replay(files_under(root / "tests/suites/bad", ".toml"), connspec::fuzz::suite_loader);
    BOOST_TEST(replayed > 50);
}

BOOST_AUTO_TEST_CASE(replies_regressions_and_seeds)
{
    fs::path root = source_root();
    int replayed = replay(files_under(root / "fuzz/regressions/replies"), connspec::fuzz::replies);
    replayed += replay(files_under(root / "fuzz/seeds/replies"), connspec::fuzz::replies);
    BOOST_TEST(replayed > 3);
}
