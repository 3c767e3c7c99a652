// One lab PostgreSQL shared by the tests of an executable: user `app` with `password`, and a
// pg_hba rule that rejects the role `rejected`. Started on first use, stopped at exit.
#pragma once

#include <string>

#include "tests/lab/pg_lab.hpp"

namespace connspec::test {

inline lab::PgLab& shared_lab_with_rejected_role(const std::string& password)
{
    static lab::PgLab lab([&] {
        lab::PgLab::Options o;
        o.password = password;
        o.hba = {"hostssl all rejected 127.0.0.1/32 reject"};
        return o;
    }());
    static bool prepared = [] {
        lab.sql("CREATE ROLE rejected LOGIN PASSWORD 'whatever'");
        return true;
    }();
    (void)prepared;
    return lab;
}

}  // namespace connspec::test
