#include "reports/document_reporter.hpp"

#include "reports/atomic_file.hpp"

namespace connspec {
namespace {

class DocumentReporter : public Reporter {
public:
    DocumentReporter(std::string path, RenderFn render) : path_(std::move(path)), render_(render) {}
    void run_started(const RunDescription&, const RunInfo&) override {}
    void case_finished(std::size_t, const Outcome&) override {}
    void run_finished(const RunResult& result) override
    {
        write_file_atomically(path_, render_(result));
    }

private:
    std::string path_;
    RenderFn render_;
};

}  // namespace

std::unique_ptr<Reporter> make_document_reporter(std::string path, RenderFn render)
{
    return std::make_unique<DocumentReporter>(std::move(path), render);
}

}  // namespace connspec
