// An OptionReader with nothing written: every option takes its kind's default. The bundle
// runs a kind (`route`) that no suite declared, with the defaults a user gets from `case = true`.
#pragma once

#include <string>
#include <vector>

#include "core/option_reader.hpp"

namespace connspec {

class DefaultOptionReader final : public OptionReader {
public:
    explicit DefaultOptionReader(const Target& target) : target_(target) {}

    std::optional<std::string> string(std::string_view) override { return std::nullopt; }
    std::optional<bool> boolean(std::string_view) override { return std::nullopt; }
    std::optional<std::int64_t> integer(std::string_view, std::int64_t, std::int64_t) override
    {
        return std::nullopt;
    }
    std::optional<double> number(std::string_view, double, double) override { return std::nullopt; }
    std::optional<Duration> duration(std::string_view) override { return std::nullopt; }
    std::optional<std::vector<std::string>> strings(std::string_view) override { return std::nullopt; }
    std::optional<std::vector<int>> ports(std::string_view) override { return std::nullopt; }
    std::optional<std::vector<std::string>> string_or_strings(std::string_view) override
    {
        return std::nullopt;
    }
    std::optional<std::string> path(std::string_view) override { return std::nullopt; }
    std::optional<std::string> choice(std::string_view, const std::vector<std::string_view>&) override
    {
        return std::nullopt;
    }
    std::optional<std::string> tls_version(std::string_view) override { return std::nullopt; }
    std::optional<std::string> sibling_string(std::string_view, std::string_view) override
    {
        return std::nullopt;
    }
    std::optional<std::string> sibling_path(std::string_view, std::string_view) override
    {
        return std::nullopt;
    }
    std::optional<std::vector<std::string>> sibling_strings(std::string_view, std::string_view) override
    {
        return std::nullopt;
    }
    // A kind whose defaults alone are a mistake (a required key) records it here.
    void error(std::string_view key, std::string message) override
    {
        errors_.push_back(std::string(key) + ": " + message);
    }
    bool has(std::string_view) const override { return false; }
    const Target& target() const override { return target_; }

    const std::vector<std::string>& errors() const { return errors_; }

private:
    const Target& target_;
    std::vector<std::string> errors_;
};

}  // namespace connspec
