// The OptionReader over a (merged) TOML table: used for case options, and by the loader itself
// for [suite], target keys and retry tables, so all of them report mistakes the same way.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "core/option_reader.hpp"
#include "suites/suite_file.hpp"
#include "suites/toml_view.hpp"

namespace connspec {

// Where a table sits, for messages: "(in `login` of target "primary")". A field that came
// from [defaults] is described by `defaults` instead, so that mistake reads the same from
// every target and is reported once.
struct Scope {
    std::string own;       // "target \"primary\"", "`retry` of [suite]"
    std::string defaults;  // "[defaults]", "`login` of [defaults]"
};

// The merged options of another case of the same target, or null.
using SiblingLookup = std::function<std::shared_ptr<const TomlView>(std::string_view case_name)>;

class TomlOptionReader final : public OptionReader {
public:
    // `where` is the table's own position (its case key, its [[target]] header), for mistakes
    // about the table as a whole. `quiet_values`: never quote a value in a message (login and
    // sessions, whose strings may hold secrets).
    TomlOptionReader(const SuiteFile& file, std::shared_ptr<const TomlView> view,
                     toml::source_position where, Origin where_origin, Scope scope,
                     const Target& target, bool quiet_values = false,
                     SiblingLookup siblings = {});

    std::optional<std::string> string(std::string_view key) override;
    std::optional<bool> boolean(std::string_view key) override;
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                        std::int64_t max) override;
    std::optional<double> number(std::string_view key, double min, double max) override;
    std::optional<Duration> duration(std::string_view key) override;
    std::optional<std::vector<std::string>> strings(std::string_view key) override;
    std::optional<std::vector<std::string>> string_or_strings(std::string_view key) override;
    std::optional<std::vector<int>> ports(std::string_view key) override;
    std::optional<std::string> path(std::string_view key) override;
    std::optional<std::string> choice(std::string_view key,
                                      const std::vector<std::string_view>& choices) override;
    std::optional<std::string> tls_version(std::string_view key) override;
    std::optional<std::string> sibling_string(std::string_view case_name,
                                              std::string_view key) override;
    std::optional<std::string> sibling_path(std::string_view case_name,
                                            std::string_view key) override;
    std::optional<std::vector<std::string>> sibling_strings(std::string_view case_name,
                                                            std::string_view key) override;
    void secret_variable(std::string_view name) override;
    void error(std::string_view key, std::string message) override;
    bool has(std::string_view key) const override;
    const Target& target() const override { return target_; }

    // The loader's own needs.
    // A sub-table option (retry): its field, or null when absent or not a table (recorded).
    const TomlField* table(std::string_view key);
    // The field of `key` without reading it (marks it known).
    const TomlField* field(std::string_view key);
    // Keys that are valid here although nothing reads them through this reader (case names).
    void mark_known(std::string_view key) { asked_.insert(std::string(key)); }
    void set_scope(Scope scope) { scope_ = std::move(scope); }
    const Scope& scope() const { return scope_; }
    // " (in target \"primary\")" for a field of this table.
    std::string context(const TomlField& field) const;
    // Records a mistake about the value of `field`.
    void mistake(const TomlField& field, std::string message) const;
    // Records a mistake about the table itself ("missing required key").
    void mistake_here(std::string message) const;
    // Every key of the table that no getter asked for, as "unknown key".
    void report_unknown_keys() const;

private:
    std::optional<std::string> expand(const TomlField& field, std::string_view key,
                                      const toml::node& node) const;
    // The expanded text of a string that uses ${...} where a number is expected; otherwise
    // records a wrong type.
    std::optional<std::string> numeric_text(const TomlField& field, std::string_view key,
                                            std::string_view expected) const;
    void wrong_type(const TomlField& field, std::string_view key, std::string_view expected,
                    const toml::node& node) const;
    std::string quoted(std::string_view value) const;

    const SuiteFile& file_;
    std::shared_ptr<const TomlView> view_;
    toml::source_position where_;
    Origin where_origin_;
    Scope scope_;
    const Target& target_;
    bool quiet_values_;
    SiblingLookup siblings_;
    mutable std::set<std::string, std::less<>> asked_;
};

}  // namespace connspec
