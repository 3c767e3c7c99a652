#include "suites/toml_view.hpp"

#include <cctype>

namespace connspec {

const TomlField* TomlView::find(std::string_view name) const
{
    for (const auto& f : fields)
        if (f.name == name) return &f;
    return nullptr;
}

bool is_password_key(std::string_view key)
{
    constexpr std::string_view password = "password";
    if (key.size() != password.size()) return false;
    for (std::size_t i = 0; i < key.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(key[i])) != password[i]) return false;
    return true;
}

std::shared_ptr<const TomlView> merge_tables(const toml::table* defaults, const toml::table* own)
{
    auto view = std::make_shared<TomlView>();
    if (own) {
        for (const auto& [key, node] : *own) {
            if (is_password_key(key.str())) continue;
            TomlField field{std::string(key.str()), &key, &node, Origin::own, nullptr};
            if (const auto* table = node.as_table()) {
                const toml::node* base = defaults ? defaults->get(key.str()) : nullptr;
                field.table = merge_tables(base ? base->as_table() : nullptr, table);
            }
            view->fields.push_back(std::move(field));
        }
    }
    if (defaults) {
        for (const auto& [key, node] : *defaults) {
            if (is_password_key(key.str()) || (own && own->contains(key.str()))) continue;
            TomlField field{std::string(key.str()), &key, &node, Origin::defaults, nullptr};
            if (const auto* table = node.as_table()) field.table = merge_tables(table, nullptr);
            view->fields.push_back(std::move(field));
        }
    }
    return view;
}

std::string_view type_name(const toml::node& node)
{
    switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

}  // namespace connspec
