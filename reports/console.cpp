// console report: NOT IMPLEMENTED YET (stub).
#include "reports/reports.hpp"

namespace connspec {
namespace {
class Stub : public Reporter {
public:
    void run_started(const Plan&, const RunInfo&) override {}
    void case_finished(std::size_t, const Outcome&) override {}
    void run_finished(const RunResult&) override {}
};
}  // namespace

std::unique_ptr<Reporter> make_console_reporter(std::ostream&, bool)
{
    return std::make_unique<Stub>();
}

}  // namespace connspec
