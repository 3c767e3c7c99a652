// examples/ci/ as a user copies it: every YAML file parses and every connspec command in the
// Jenkinsfiles, workflows, GitLab job and Kubernetes manifests uses options the connspec under
// test accepts, and every run there writes a JUnit file (checked by pipeline_ci_check.py).
#include <boost/test/unit_test.hpp>

#include "tests/lab/lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(ci_examples_parse_and_use_only_options_connspec_has)
{
    auto root = lab::source_root();
    auto check = lab::run({"/usr/bin/python3", root + "/tests/integration/pipeline_ci_check.py",
                           lab::connspec_path(), root + "/examples/ci"},
                          60s);
    BOOST_TEST(check.exit_code == 0, check.out + check.err);
    // The examples show run, validate and merge, sharded and not.
    for (const char* needle : {"ok Jenkinsfile: connspec run", "ok Jenkinsfile.parallel: connspec merge -o",
                               "ok github-actions.yml: connspec run", "ok github-actions-matrix.yml: connspec merge -o",
                               "ok gitlab-ci.yml: connspec run", "ok kubernetes-indexed-job.yaml: connspec run",
                               "--shard"})
        BOOST_TEST(check.out.find(needle) != std::string::npos, needle << " in\n" << check.out);
}

BOOST_AUTO_TEST_CASE(the_kubernetes_shard_is_the_completion_index_plus_one)
{
    // --shard is 1-based; JOB_COMPLETION_INDEX starts at 0.
    auto manifest = lab::read_file(lab::source_root() + "/examples/ci/kubernetes-indexed-job.yaml");
    BOOST_TEST(manifest.find("k=$((JOB_COMPLETION_INDEX + 1))") != std::string::npos);
    BOOST_TEST(manifest.find("--shard \"$k/$SHARDS\"") != std::string::npos);
    BOOST_TEST(manifest.find("completionMode: Indexed") != std::string::npos);
}
