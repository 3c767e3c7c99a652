#include "suites/toml_guard.hpp"

namespace connspec {
namespace {

bool is_ascii(unsigned char c) { return c < 0x80; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A lexer that knows only what TOML 1.0 needs to tell strings and comments from the rest.
class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text)
    {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") at_ = 3;  // a UTF-8 byte order mark
    }

    std::optional<TomlGuardProblem> run()
    {
        while (at_ < text_.size()) {
            const char c = text_[at_];
            const bool string_may_start = string_may_start_after(last_);
            if (c != ' ' && c != '\t') last_ = c;
            follow_structure(c);
            if (c == '#') {
                skip_to_line_end();
            } else if (!string_may_start && (c == '"' || c == '\'')) {
                // Not a string: toml++ reads it as part of the value before it (`+"é"`, `1'é'`)
                // and asks about every character after it, so what follows is checked too.
                advance(1);
            } else if (starts("\"\"\"")) {
                advance(3);
                if (auto p = multi_line_basic()) return p;
            } else if (starts("'''")) {
                advance(3);
                closing_run('\'');
            } else if (c == '"') {
                advance(1);
                single_line('"', true);
            } else if (c == '\'') {
                advance(1);
                single_line('\'', false);
            } else if (!is_ascii(static_cast<unsigned char>(c))) {
                return problem("the character " + character() + " is outside a string or comment: TOML "
                               "allows only ASCII in keys and in values that are not strings (quote it)");
            } else {
                advance(1);
            }
        }
        return std::nullopt;
    }

private:
    // Where TOML lets a string begin: a key at a line's start or after a dot of a dotted key,
    // a value after `=`, in an array or inline table. Anywhere else (`+"é"`, `1."é"`) a quote is
    // no string to toml++: it goes on reading the value before it.
    bool string_may_start_after(char previous) const
    {
        return previous == '\n' || previous == '\r' || previous == '=' || previous == '[' ||
               previous == '{' || previous == ',' || (previous == '.' && !in_value_);
    }

    // Whether a key or a value is being read, from the brackets and `=` outside strings.
    void follow_structure(char c)
    {
        switch (c) {
        case '=': in_value_ = true; break;
        case '[': open_.push_back('['); break;
        case '{': open_.push_back('{'); in_value_ = false; break;
        case ']':
        case '}':
            if (!open_.empty()) open_.pop_back();
            break;
        case ',': in_value_ = open_.empty() || open_.back() == '['; break;
        case '\n':
            if (open_.empty()) in_value_ = false;
            break;
        default: break;
        }
    }

    bool starts(std::string_view s) const { return text_.substr(at_, s.size()) == s; }

    void advance(std::size_t n)
    {
        for (; n > 0 && at_ < text_.size(); --n, ++at_) {
            const auto c = static_cast<unsigned char>(text_[at_]);
            if (c == '\n') {
                ++line_;
                column_ = 1;
            } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
                ++column_;
            }
        }
    }

    void skip_to_line_end()
    {
        while (at_ < text_.size() && text_[at_] != '\n') advance(1);
    }

    // "..." or '...': ends at its quote or (a mistake toml++ reports) at the line's end.
    void single_line(char quote, bool escapes)
    {
        while (at_ < text_.size() && text_[at_] != '\n') {
            if (escapes && text_[at_] == '\\') {
                advance(2);
                continue;
            }
            const bool closing = text_[at_] == quote;
            advance(1);
            if (closing) return;
        }
    }

    // At a quote inside a multi-line string: three to five in a row end it (up to two belong
    // to the content). Returns whether it ended.
    bool closing_run(char quote)
    {
        while (at_ < text_.size()) {
            if (text_[at_] != quote) {
                advance(1);
                continue;
            }
            std::size_t run = 0;
            while (at_ + run < text_.size() && text_[at_ + run] == quote) ++run;
            advance(run);
            if (run >= 3) return true;
        }
        return false;
    }

    std::optional<TomlGuardProblem> multi_line_basic()
    {
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (c == '"') {
                std::size_t run = 0;
                while (at_ + run < text_.size() && text_[at_ + run] == '"') ++run;
                advance(run);
                if (run >= 3) return std::nullopt;
            } else if (c == '\\') {
                advance(1);
                if (at_ >= text_.size()) return std::nullopt;
                if (!is_space(text_[at_])) {
                    if (!is_ascii(static_cast<unsigned char>(text_[at_])))
                        return problem("a backslash before " + character() + " is not a TOML escape");
                    advance(1);
                    continue;
                }
                // A line-ending backslash: the string goes on at the next non-space character.
                while (at_ < text_.size() && is_space(text_[at_])) advance(1);
                if (at_ < text_.size() && !is_ascii(static_cast<unsigned char>(text_[at_])))
                    return problem("after a line-ending backslash, the string must go on with an ASCII "
                                   "character, not " + character() + " (toml++ 3.3, which reads suites, "
                                   "mishandles it): move the line break or drop the backslash");
            } else {
                advance(1);
            }
        }
        return std::nullopt;
    }

    // The UTF-8 sequence at the current position, quoted.
    std::string character() const
    {
        std::size_t n = 1;
        while (at_ + n < text_.size() && (static_cast<unsigned char>(text_[at_ + n]) & 0xC0) == 0x80 && n < 4) ++n;
        return "'" + std::string(text_.substr(at_, n)) + "'";
    }

    TomlGuardProblem problem(std::string message) const { return {line_, column_, std::move(message)}; }

    std::string_view text_;
    char last_ = '\n';  // the last character outside strings that was not a space or tab
    bool in_value_ = false;
    std::string open_;  // the brackets and braces open here, innermost last
    std::size_t at_ = 0;
    int line_ = 1;
    int column_ = 1;
};

}  // namespace

std::optional<TomlGuardProblem> toml_guard_problem(std::string_view text)
{
    return Scanner(text).run();
}

}  // namespace connspec
