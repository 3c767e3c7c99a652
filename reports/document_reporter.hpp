// A cumulative report: ignores the run as it goes and, at its end, renders the whole run into
// one document written atomically to a file (JUnit, JSON).
#pragma once

#include <memory>
#include <string>

#include "reports/reporter.hpp"

namespace connspec {

using RenderFn = std::string (*)(const RunResult& result);

std::unique_ptr<Reporter> make_document_reporter(std::string path, RenderFn render);

}  // namespace connspec
