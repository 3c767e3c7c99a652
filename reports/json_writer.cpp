#include "reports/json_writer.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "reports/utf8.hpp"

namespace connspec {

std::string json_quoted(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = 0;
        pos += next_code_point(text, pos, c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            // DEL and C1 controls are legal JSON, but escaping them keeps terminals that show
            // the file safe and makes the text a valid YAML double-quoted scalar too (TAP).
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
                append_utf8(out, c);
        }
    }
    out += '"';
    return out;
}

void JsonWriter::new_line()
{
    out_ += '\n';
    out_.append(levels_.size() * 2, ' ');
}

void JsonWriter::before_value()
{
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (levels_.empty()) {
        if (!out_.empty()) throw std::logic_error("JsonWriter: a second top-level value");
        return;
    }
    if (levels_.back().is_object) throw std::logic_error("JsonWriter: a value without a key");
    if (!levels_.back().empty) out_ += ',';
    levels_.back().empty = false;
    new_line();
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    if (levels_.empty() || !levels_.back().is_object || after_key_)
        throw std::logic_error("JsonWriter: a key outside an object");
    if (!levels_.back().empty) out_ += ',';
    levels_.back().empty = false;
    new_line();
    out_ += json_quoted(name);
    out_ += ": ";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::open(char bracket, bool is_object)
{
    before_value();
    out_ += bracket;
    levels_.push_back({is_object, true});
    return *this;
}

JsonWriter& JsonWriter::close(char bracket)
{
    if (levels_.empty() || after_key_) throw std::logic_error("JsonWriter: unbalanced close");
    const bool was_empty = levels_.back().empty;
    levels_.pop_back();
    if (!was_empty) new_line();
    out_ += bracket;
    if (levels_.empty()) out_ += '\n';
    return *this;
}

JsonWriter& JsonWriter::begin_object() { return open('{', true); }
JsonWriter& JsonWriter::end_object() { return close('}'); }
JsonWriter& JsonWriter::begin_array() { return open('[', false); }
JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::string(std::string_view text)
{
    before_value();
    out_ += json_quoted(text);
    return *this;
}

JsonWriter& JsonWriter::string_or_null(std::string_view text)
{
    return text.empty() ? null() : string(text);
}

JsonWriter& JsonWriter::null()
{
    before_value();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::boolean(bool value)
{
    before_value();
    out_ += value ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::integer(long long value)
{
    before_value();
    out_ += fmt::format("{}", value);
    return *this;
}

JsonWriter& JsonWriter::number(double value, int decimals)
{
    if (!std::isfinite(value)) return null();
    before_value();
    out_ += fmt::format("{:.{}f}", value, decimals);
    return *this;
}

}  // namespace connspec
