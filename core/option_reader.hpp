// The typed view of one case's option table that a check kind's parser reads.
//
// Check kinds never see TOML: they ask for each option they know by name and type, and the
// reader records every mistake as "FILE:LINE:COL: message". Keys that no parser asked for are
// reported afterwards as unknown, with the nearest asked-for key as a suggestion, so a kind's
// list of options lives only in its parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/deadline.hpp"
#include "core/target.hpp"

namespace connspec {

class OptionReader {
public:
    virtual ~OptionReader() = default;

    // Each getter returns nullopt when the key is absent *or* wrong (the error is recorded).
    virtual std::optional<std::string> string(std::string_view key) = 0;
    virtual std::optional<bool> boolean(std::string_view key) = 0;
    virtual std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                                std::int64_t max) = 0;
    virtual std::optional<double> number(std::string_view key, double min, double max) = 0;
    virtual std::optional<Duration> duration(std::string_view key) = 0;
    virtual std::optional<std::vector<std::string>> strings(std::string_view key) = 0;
    virtual std::optional<std::vector<int>> ports(std::string_view key) = 0;
    // A string or an array of strings (a string comes back as a list of one).
    virtual std::optional<std::vector<std::string>> string_or_strings(std::string_view key) = 0;
    // A path option, resolved against the suite file's folder.
    virtual std::optional<std::string> path(std::string_view key) = 0;
    // A string that must be one of `choices`.
    virtual std::optional<std::string> choice(std::string_view key,
                                              const std::vector<std::string_view>& choices) = 0;
    // A TLS protocol version "1.0" "1.1" "1.2" "1.3"; returned as given.
    virtual std::optional<std::string> tls_version(std::string_view key) = 0;

    // Option `key` of a sibling case of the same target (for inherited options such as
    // sessions <- login, login.sslrootcert <- certificate.ca); nullopt if absent.
    // Mistakes there are reported by that case's own parser, not here.
    virtual std::optional<std::string> sibling_string(std::string_view case_name,
                                                      std::string_view key) = 0;
    virtual std::optional<std::string> sibling_path(std::string_view case_name,
                                                    std::string_view key) = 0;

    virtual std::optional<std::vector<std::string>> sibling_strings(std::string_view case_name,
                                                                    std::string_view key) = 0;

    // The value of environment variable `name` is a secret of the run (password_env): no
    // outcome, log or report may show it.
    virtual void secret_variable(std::string_view name) { (void)name; }

    // Records a mistake about `key` (or the case table itself when key is empty), at its position.
    virtual void error(std::string_view key, std::string message) = 0;
    virtual bool has(std::string_view key) const = 0;

    // The target the case belongs to (already validated).
    virtual const Target& target() const = 0;
};

}  // namespace connspec
