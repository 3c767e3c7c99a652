#include "reports/utf8.hpp"

namespace connspec {
namespace {

constexpr char32_t replacement_character = 0xFFFD;

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

}  // namespace

std::size_t next_code_point(std::string_view text, std::size_t pos, char32_t& code_point)
{
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    // The length and the allowed range of the second byte exclude overlong forms,
    // surrogates and values above U+10FFFF (RFC 3629).
    std::size_t length = 0;
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    char32_t value = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        value = lead & 0x0F;
        if (lead == 0xE0) second_low = 0xA0;
        if (lead == 0xED) second_high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        value = lead & 0x07;
        if (lead == 0xF0) second_low = 0x90;
        if (lead == 0xF4) second_high = 0x8F;
    } else {
        code_point = replacement_character;
        return 1;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (pos + i >= text.size()) {
            code_point = replacement_character;
            return i;
        }
        const auto byte = static_cast<unsigned char>(text[pos + i]);
        const bool fits = i == 1 ? byte >= second_low && byte <= second_high
                                 : is_continuation(byte);
        if (!fits) {
            code_point = replacement_character;
            return i;
        }
        value = (value << 6) | (byte & 0x3F);
    }
    code_point = value;
    return length;
}

void append_utf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string valid_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = 0;
        pos += next_code_point(text, pos, c);
        append_utf8(out, c);
    }
    return out;
}

std::string xml_text(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = 0;
        pos += next_code_point(text, pos, c);
        // XML 1.0 forbids C0 controls and U+FFFE/U+FFFF, and asks authors to avoid DEL and
        // the C1 controls; readers handle tab, newline and carriage return.
        const bool allowed_control = c == '\t' || c == '\n' || c == '\r';
        if ((is_control(c) && !allowed_control) || c == 0xFFFE || c == 0xFFFF) continue;
        append_utf8(out, c);
    }
    return out;
}

std::string one_line(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool in_control_run = false;
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = 0;
        pos += next_code_point(text, pos, c);
        if (is_control(c)) {
            if (!in_control_run) out += ' ';
            in_control_run = true;
            continue;
        }
        in_control_run = false;
        append_utf8(out, c);
    }
    return out;
}

}  // namespace connspec
