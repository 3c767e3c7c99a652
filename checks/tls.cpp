// `tls` case: NOT IMPLEMENTED YET (stub).
#include "checks/check_kind.hpp"
#include "suites/option_reader.hpp"

namespace connspec {
namespace {

struct Spec : CaseSpec {};

std::unique_ptr<CaseSpec> parse(OptionReader&)
{
    return std::make_unique<Spec>();
}

Outcome run(const CaseSpec&, const Target&, CheckContext&)
{
    return errored("internal", "the tls case is not implemented yet", "");
}

}  // namespace

CheckKind tls_kind()
{
    return {"tls", "port_open", {Protocol::postgres, Protocol::tls}, "tls.timeout", parse, run};
}

}  // namespace connspec
