// A small JSON writer (no JSON library is among the project's packages): pretty-printed,
// two spaces per level, strings always valid UTF-8 with every control character escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace connspec {

// `text` as a JSON string literal, quotes included. Invalid UTF-8 becomes U+FFFD; other
// non-ASCII characters pass through unescaped.
std::string json_quoted(std::string_view text);

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    // The key of the next value inside an object.
    JsonWriter& key(std::string_view name);

    JsonWriter& string(std::string_view text);
    // A string, or null when `text` is empty.
    JsonWriter& string_or_null(std::string_view text);
    JsonWriter& null();
    JsonWriter& boolean(bool value);
    JsonWriter& integer(long long value);
    // A number with a fixed count of decimals ("0.125"); null when not finite.
    JsonWriter& number(double value, int decimals);

    // The document so far, ending with a newline once the outermost value is closed.
    const std::string& text() const { return out_; }

private:
    struct Level {
        bool is_object = false;
        bool empty = true;
    };
    void before_value();
    JsonWriter& open(char bracket, bool is_object);
    JsonWriter& close(char bracket);
    void new_line();

    std::string out_;
    std::vector<Level> levels_;
    bool after_key_ = false;
};

}  // namespace connspec
