// `login` case: NOT IMPLEMENTED YET (stub).
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
    return errored("internal", "the login case is not implemented yet", "");
}

}  // namespace

CheckKind login_kind()
{
    return {"login", "port_open", {Protocol::postgres}, "pg.timeout", parse, run};
}

}  // namespace connspec
