// A read-only view of a TOML table deep-merged over its [defaults] counterpart.
//
// The view points into the parsed documents (which must outlive it), so every key and value
// keeps its source position and errors about a defaulted value point into [defaults].
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace connspec {

enum class Origin { own, defaults };

struct TomlView;

struct TomlField {
    std::string name;
    const toml::key* key = nullptr;    // where the key was written
    const toml::node* node = nullptr;  // the value that wins
    Origin origin = Origin::own;
    // For a table value: the merged view of it (both sides' keys).
    std::shared_ptr<const TomlView> table;
};

struct TomlView {
    std::vector<TomlField> fields;
    const TomlField* find(std::string_view name) const;
};

// `own` over `defaults`, recursively for tables present on both sides; either may be null.
// `password` keys are left out: they are reported once, on their own (see is_password_key).
std::shared_ptr<const TomlView> merge_tables(const toml::table* defaults, const toml::table* own);

// A literal password key, which suites must never hold.
bool is_password_key(std::string_view key);

// "a string", "an integer", ... for messages.
std::string_view type_name(const toml::node& node);

}  // namespace connspec
