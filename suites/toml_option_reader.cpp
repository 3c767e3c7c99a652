#include "suites/toml_option_reader.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "suites/env_expand.hpp"
#include "suites/nearest_key.hpp"

namespace connspec {
namespace {

constexpr std::string_view duration_example = "a duration such as \"250ms\" or \"1.5s\"";

std::string choice_list(const std::vector<std::string_view>& choices)
{
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
        out += fmt::format("\"{}\"", choices[i]);
    }
    return out;
}

// Bounds as a reader would say them: "at least 1", "between 1 and 65535".
template <class Number>
std::string bounds(Number min, Number max)
{
    bool open_above = max >= static_cast<Number>(std::numeric_limits<std::int32_t>::max());
    bool open_below = min <= static_cast<Number>(std::numeric_limits<std::int32_t>::min());
    if (open_above && open_below) return "a number";
    if (open_above) return fmt::format("at least {}", min);
    if (open_below) return fmt::format("at most {}", max);
    return fmt::format("between {} and {}", min, max);
}

}  // namespace

TomlOptionReader::TomlOptionReader(const SuiteFile& file, std::shared_ptr<const TomlView> view,
                                   toml::source_position where, Origin where_origin, Scope scope,
                                   const Target& target, bool quiet_values,
                                   SiblingLookup siblings)
    : file_(file), view_(std::move(view)), where_(where), where_origin_(where_origin),
      scope_(std::move(scope)), target_(target), quiet_values_(quiet_values),
      siblings_(std::move(siblings))
{
}

std::string TomlOptionReader::context(const TomlField& field) const
{
    return " (in " + (field.origin == Origin::defaults ? scope_.defaults : scope_.own) + ")";
}

void TomlOptionReader::mistake(const TomlField& field, std::string message) const
{
    file_.mistake(field.node->source().begin, std::move(message) + context(field));
}

void TomlOptionReader::mistake_here(std::string message) const
{
    const std::string& scope = where_origin_ == Origin::defaults ? scope_.defaults : scope_.own;
    file_.mistake(where_, std::move(message) + " (in " + scope + ")");
}

std::string TomlOptionReader::quoted(std::string_view value) const
{
    if (quiet_values_) return {};
    return fmt::format(", not \"{}\"", value);
}

const TomlField* TomlOptionReader::field(std::string_view key)
{
    asked_.insert(std::string(key));
    return view_->find(key);
}

bool TomlOptionReader::has(std::string_view key) const
{
    asked_.insert(std::string(key));
    return view_->find(key) != nullptr;
}

void TomlOptionReader::wrong_type(const TomlField& field, std::string_view key,
                                  std::string_view expected, const toml::node& node) const
{
    file_.mistake(node.source().begin,
                  fmt::format("`{}` must be {}, not {}", key, expected, type_name(node)) +
                      context(field));
}

std::optional<std::string> TomlOptionReader::numeric_text(const TomlField& field,
                                                          std::string_view key,
                                                          std::string_view expected) const
{
    // A number may come from the environment: "${PGPORT:-5432}". A string without a variable
    // is still a wrong type, so `port = "5432"` is caught as the mistake it usually is.
    const auto* text = field.node->as_string();
    if (!text || text->get().find("${") == std::string::npos) {
        wrong_type(field, key, expected, *field.node);
        return std::nullopt;
    }
    return expand(field, key, *field.node);
}

std::optional<std::string> TomlOptionReader::expand(const TomlField& field, std::string_view key,
                                                    const toml::node& node) const
{
    Expansion expansion = expand_variables(node.as_string()->get(), *file_.env);
    if (expansion.value) return expansion.value;
    std::string message;
    switch (expansion.problem.kind) {
    case ExpansionProblem::Kind::unset_variable:
        message = fmt::format(
            "`{}` uses the variable `{}`, which is not set (write ${{{}:-default}} to give a default)",
            key, expansion.problem.variable, expansion.problem.variable);
        break;
    case ExpansionProblem::Kind::unterminated:
        message = fmt::format("`{}` has a `${{` without its closing `}}`", key);
        break;
    case ExpansionProblem::Kind::bad_reference:
        message = fmt::format(
            "`{}` has a bad variable reference: write ${{NAME}} or ${{NAME:-default}}, or $$ for a "
            "literal $",
            key);
        break;
    }
    file_.mistake(node.source().begin, message + context(field));
    return std::nullopt;
}

std::optional<std::string> TomlOptionReader::string(std::string_view key)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    if (!f->node->is_string()) {
        wrong_type(*f, key, "a string", *f->node);
        return std::nullopt;
    }
    return expand(*f, key, *f->node);
}

std::optional<bool> TomlOptionReader::boolean(std::string_view key)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    if (!f->node->is_boolean()) {
        wrong_type(*f, key, "true or false", *f->node);
        return std::nullopt;
    }
    return f->node->as_boolean()->get();
}

std::optional<std::int64_t> TomlOptionReader::integer(std::string_view key, std::int64_t min,
                                                      std::int64_t max)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    std::int64_t value = 0;
    if (const auto* literal = f->node->as_integer()) {
        value = literal->get();
    } else if (auto text = numeric_text(*f, key, "an integer")) {
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (ec != std::errc{} || end != text->data() + text->size()) {
            mistake(*f, fmt::format("`{}` must be an integer{}", key, quoted(*text)));
            return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    if (value < min || value > max) {
        mistake(*f, fmt::format("`{}` must be {}, not {}", key, bounds(min, max), value));
        return std::nullopt;
    }
    return value;
}

std::optional<double> TomlOptionReader::number(std::string_view key, double min, double max)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    double value = 0;
    if (const auto* i = f->node->as_integer()) {
        value = static_cast<double>(i->get());
    } else if (const auto* d = f->node->as_floating_point()) {
        value = d->get();
    } else if (auto text = numeric_text(*f, key, "a number")) {
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
        if (ec != std::errc{} || end != text->data() + text->size()) {
            mistake(*f, fmt::format("`{}` must be a number{}", key, quoted(*text)));
            return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(value) || value < min || value > max) {
        mistake(*f, fmt::format("`{}` must be {}, not {}", key, bounds(min, max), value));
        return std::nullopt;
    }
    return value;
}

std::optional<Duration> TomlOptionReader::duration(std::string_view key)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    if (!f->node->is_string()) {
        wrong_type(*f, key, std::string(duration_example) + " (a string with a unit)", *f->node);
        return std::nullopt;
    }
    auto text = expand(*f, key, *f->node);
    if (!text) return std::nullopt;
    auto value = parse_duration(*text);
    if (!value) {
        mistake(*f, fmt::format("`{}` must be {} (units ms, s, m, h){}", key, duration_example,
                                quoted(*text)));
        return std::nullopt;
    }
    return value;
}

std::optional<std::vector<std::string>> TomlOptionReader::string_or_strings(std::string_view key)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    if (f->node->is_array()) return strings(key);
    auto one = string(key);
    if (!one) return std::nullopt;
    return std::vector<std::string>{std::move(*one)};
}

std::optional<std::vector<std::string>> TomlOptionReader::strings(std::string_view key)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    const auto* array = f->node->as_array();
    if (!array) {
        wrong_type(*f, key, "an array of strings", *f->node);
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& element : *array) {
        if (!element.is_string()) {
            file_.mistake(element.source().begin,
                          fmt::format("`{}` must hold only strings, not {}", key, type_name(element)) +
                              context(*f));
            ok = false;
            continue;
        }
        auto text = expand(*f, key, element);
        if (text) out.push_back(std::move(*text));
        else ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::vector<int>> TomlOptionReader::ports(std::string_view key)
{
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    const auto* array = f->node->as_array();
    if (!array) {
        wrong_type(*f, key, "an array of port numbers", *f->node);
        return std::nullopt;
    }
    std::vector<int> out;
    bool ok = true;
    for (const auto& element : *array) {
        const auto* port = element.as_integer();
        if (!port) {
            file_.mistake(element.source().begin,
                          fmt::format("`{}` must hold only port numbers, not {}", key,
                                      type_name(element)) +
                              context(*f));
            ok = false;
        } else if (port->get() < 1 || port->get() > 65535) {
            file_.mistake(element.source().begin,
                          fmt::format("`{}` must hold port numbers between 1 and 65535, not {}",
                                      key, port->get()) +
                              context(*f));
            ok = false;
        } else {
            out.push_back(static_cast<int>(port->get()));
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::string> TomlOptionReader::path(std::string_view key)
{
    auto text = string(key);
    if (!text) return std::nullopt;
    if (text->empty()) {
        mistake(*view_->find(key), fmt::format("`{}` must not be empty", key));
        return std::nullopt;
    }
    return file_.resolve(*text);
}

std::optional<std::string> TomlOptionReader::choice(std::string_view key,
                                                    const std::vector<std::string_view>& choices)
{
    auto text = string(key);
    if (!text) return std::nullopt;
    for (auto c : choices)
        if (c == *text) return text;
    mistake(*view_->find(key),
            fmt::format("`{}` must be {}{}", key, choice_list(choices), quoted(*text)));
    return std::nullopt;
}

std::optional<std::string> TomlOptionReader::tls_version(std::string_view key)
{
    static const std::vector<std::string_view> versions{"1.0", "1.1", "1.2", "1.3"};
    const TomlField* f = field(key);
    if (!f) return std::nullopt;
    if (!f->node->is_string()) {
        wrong_type(*f, key, "a TLS version in quotes such as \"1.2\"", *f->node);
        return std::nullopt;
    }
    auto text = expand(*f, key, *f->node);
    if (!text) return std::nullopt;
    for (auto v : versions)
        if (v == *text) return text;
    mistake(*f, fmt::format("`{}` must be a TLS version, {}{}", key, choice_list(versions),
                            quoted(*text)));
    return std::nullopt;
}

std::optional<std::string> TomlOptionReader::sibling_string(std::string_view case_name,
                                                            std::string_view key)
{
    if (!siblings_) return std::nullopt;
    auto view = siblings_(case_name);
    const TomlField* f = view ? view->find(key) : nullptr;
    if (!f || !f->node->is_string()) return std::nullopt;
    // Mistakes there belong to the sibling's own parser: expand without recording.
    return expand_variables(f->node->as_string()->get(), *file_.env).value;
}

std::optional<std::string> TomlOptionReader::sibling_path(std::string_view case_name,
                                                          std::string_view key)
{
    auto text = sibling_string(case_name, key);
    if (!text || text->empty()) return std::nullopt;
    return file_.resolve(*text);
}

std::optional<std::vector<std::string>> TomlOptionReader::sibling_strings(std::string_view case_name,
                                                                          std::string_view key)
{
    if (!siblings_) return std::nullopt;
    auto view = siblings_(case_name);
    const TomlField* f = view ? view->find(key) : nullptr;
    const auto* array = f ? f->node->as_array() : nullptr;
    if (!array) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& element : *array) {
        if (!element.is_string()) return std::nullopt;
        auto text = expand_variables(element.as_string()->get(), *file_.env).value;
        if (!text) return std::nullopt;
        out.push_back(std::move(*text));
    }
    return out;
}

void TomlOptionReader::secret_variable(std::string_view name)
{
    if (!file_.secrets) return;
    if (auto value = (*file_.env)(name)) file_.secrets->add(*value);
}

void TomlOptionReader::error(std::string_view key, std::string message)
{
    const TomlField* f = key.empty() ? nullptr : field(key);
    if (f) mistake(*f, std::move(message));
    else mistake_here(std::move(message));
}

const TomlField* TomlOptionReader::table(std::string_view key)
{
    const TomlField* f = field(key);
    if (!f) return nullptr;
    if (!f->table) {
        wrong_type(*f, key, "a table", *f->node);
        return nullptr;
    }
    return f;
}

void TomlOptionReader::report_unknown_keys() const
{
    std::vector<std::string> known(asked_.begin(), asked_.end());
    for (const auto& f : view_->fields) {
        if (asked_.count(f.name)) continue;
        std::string message = fmt::format("unknown key `{}`", f.name);
        if (auto suggestion = nearest_key(f.name, known))
            message += fmt::format(", did you mean `{}`?", *suggestion);
        file_.mistake(f.key->source().begin, message + context(f));
    }
}

}  // namespace connspec
