// Loading suite files: TOML parsing, [suite], [defaults] merge, targets, and each case's
// options through its kind's parser. Mistakes are collected, never thrown.
#include "suites/loader.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "checks/conninfo.hpp"
#include "suites/mistakes.hpp"
#include "suites/nearest_key.hpp"
#include "suites/suite_file.hpp"
#include "suites/toml_guard.hpp"
#include "suites/toml_option_reader.hpp"
#include "suites/toml_view.hpp"

namespace connspec {
namespace {

const Target no_target{};

constexpr int postgres_port = 5432;

bool is_target_name(std::string_view name)
{
    if (name.empty()) return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string protocol_list(const std::vector<Protocol>& protocols)
{
    std::string out;
    for (std::size_t i = 0; i < protocols.size(); ++i) {
        if (i > 0) out += i + 1 == protocols.size() ? " or " : ", ";
        out += fmt::format("\"{}\"", to_string(protocols[i]));
    }
    return out;
}

std::string default_suite_name(const std::string& file)
{
    if (file == "<stdin>") return "stdin";
    std::string name = std::filesystem::path(file).filename().string();
    constexpr std::string_view extension = ".toml";
    if (name.size() > extension.size() && name.ends_with(extension))
        name.resize(name.size() - extension.size());
    return name;
}

// Suite-wide settings that targets start from.
struct SuiteSettings {
    Duration timeout{10000};
    RetryPolicy retry;
};

// How a target declares one case, after [defaults].
struct CaseDeclaration {
    bool enabled = false;
    std::shared_ptr<const TomlView> options;
    const TomlField* field = nullptr;  // the case key that decided (target's or [defaults]')
};

class FileLoader {
public:
    FileLoader(const SuiteFile& file, Plan& plan) : file_(file), plan_(plan) {}

    void load(const toml::table& root)
    {
        report_passwords(root);
        check_top_level(root);

        Suite suite{default_suite_name(file_.name), file_.name, std::nullopt};
        SuiteSettings settings;
        read_suite(root.get("suite"), suite, settings);
        plan_.suites.push_back(suite);

        const toml::table* defaults = read_defaults(root.get("defaults"));
        const toml::node* targets = root.get("target");
        if (!targets) return;
        const auto* array = targets->as_array();
        if (!array) {
            file_.mistake(targets->source().begin,
                          fmt::format("`target` must be an array of tables, written [[target]], not {}",
                                      type_name(*targets)));
            return;
        }
        std::size_t number = 0;
        for (const auto& element : *array) {
            ++number;
            if (const auto* table = element.as_table())
                load_target(*table, number, defaults, suite, settings);
            else
                file_.mistake(element.source().begin,
                              fmt::format("`target` must be an array of tables, written [[target]], "
                                          "not an array holding {}",
                                          type_name(element)));
        }
    }

private:
    // A literal password anywhere is refused on its own; the views leave it out afterwards.
    void report_passwords(const toml::node& node)
    {
        if (const auto* table = node.as_table()) {
            for (const auto& [key, value] : *table) {
                if (is_password_key(key.str()))
                    file_.mistake(key.source().begin,
                                  fmt::format("a literal `{}` is not allowed in a suite: name the "
                                              "environment variable that holds it with "
                                              "`password_env`, or use libpq's password file",
                                              key.str()));
                else
                    report_passwords(value);
            }
        } else if (const auto* array = node.as_array()) {
            for (const auto& element : *array) report_passwords(element);
        }
    }

    void check_top_level(const toml::table& root)
    {
        static const std::vector<std::string> known{"suite", "defaults", "target"};
        static const std::vector<std::string_view> suite_keys{"name", "timeout", "jobs", "retry"};
        static const std::vector<std::string_view> target_keys{
            "host", "url", "port", "protocol", "tags", "client_cert", "client_key", "via", "via_password_env"};
        for (const auto& [key, value] : root) {
            std::string name(key.str());
            if (std::find(known.begin(), known.end(), name) != known.end() || is_password_key(name))
                continue;
            std::string message = fmt::format("unknown key `{}`", name);
            // Keys above the first table header are top-level ones: a forgotten header.
            if (std::find(suite_keys.begin(), suite_keys.end(), name) != suite_keys.end())
                message += " at the top level; it belongs under [suite]";
            else if (find_check_kind(name) ||
                     std::find(target_keys.begin(), target_keys.end(), name) != target_keys.end())
                message += " at the top level; it belongs in a [[target]] or in [defaults]";
            else if (auto suggestion = nearest_key(name, known))
                message += fmt::format(", did you mean `{}`? (a suite has only [suite], [defaults] "
                                       "and [[target]])",
                                       *suggestion);
            else
                message += " (a suite has only [suite], [defaults] and [[target]])";
            file_.mistake(key.source().begin, message);
        }
    }

    void read_suite(const toml::node* node, Suite& suite, SuiteSettings& settings)
    {
        const toml::table* table = node ? node->as_table() : nullptr;
        if (node && !table) {
            file_.mistake(node->source().begin,
                          fmt::format("`suite` must be a table, not {}", type_name(*node)));
            return;
        }
        toml::source_position where = table ? table->source().begin : toml::source_position{1, 1};
        TomlOptionReader reader(file_, merge_tables(nullptr, table), where, Origin::own,
                                Scope{"[suite]", "[suite]"}, no_target);
        if (auto name = reader.string("name")) {
            if (name->empty()) reader.mistake(*reader.field("name"), "`name` must not be empty");
            else suite.name = *name;
        }
        if (auto timeout = positive_duration(reader, "timeout")) settings.timeout = *timeout;
        if (auto jobs = reader.integer("jobs", 1, std::numeric_limits<std::int32_t>::max())) suite.jobs = static_cast<int>(*jobs);
        if (const TomlField* retry = reader.table("retry"))
            settings.retry = read_retry(*retry, settings.retry, Scope{"`retry` of [suite]", ""});
        reader.report_unknown_keys();
    }

    static std::optional<Duration> positive_duration(TomlOptionReader& reader, std::string_view key)
    {
        auto value = reader.duration(key);
        if (value && value->count() <= 0) {
            reader.mistake(*reader.field(key), fmt::format("`{}` must be longer than 0s", key));
            return std::nullopt;
        }
        return value;
    }

    // The fields of a retry table, each over `base` (field-wise inheritance).
    RetryPolicy read_retry(const TomlField& field, RetryPolicy base, Scope scope)
    {
        if (scope.defaults.empty()) scope.defaults = scope.own;
        TomlOptionReader reader(file_, field.table, field.key->source().begin, field.origin,
                                std::move(scope), no_target);
        if (auto attempts = reader.integer("attempts", 1, 1000))
            base.attempts = static_cast<int>(*attempts);
        if (auto delay = reader.duration("initial_delay")) base.initial_delay = *delay;
        if (auto delay = reader.duration("max_delay")) base.max_delay = *delay;
        if (auto multiplier = reader.number("multiplier", 1.0, 1000.0)) base.multiplier = *multiplier;
        if (auto jitter = reader.boolean("jitter")) base.jitter = *jitter;
        reader.report_unknown_keys();
        return base;
    }

    const toml::table* read_defaults(const toml::node* node)
    {
        if (!node) return nullptr;
        const auto* table = node->as_table();
        if (!table) {
            file_.mistake(node->source().begin,
                          fmt::format("`defaults` must be a table, not {}", type_name(*node)));
            return nullptr;
        }
        for (const auto& [key, value] : *table)
            if (key.str() == "name")
                file_.mistake(key.source().begin,
                              "`name` cannot be in [defaults]: every target needs its own");
        return table;
    }

    void load_target(const toml::table& table, std::size_t number, const toml::table* defaults,
                     const Suite& suite, const SuiteSettings& settings)
    {
        auto view = merge_tables(defaults, &table);
        TomlOptionReader reader(file_, view, table.source().begin, Origin::own,
                                Scope{fmt::format("target #{}", number), "[defaults]"}, no_target);
        Target target;
        target.suite = suite.name;
        target.timeout = settings.timeout;
        RetryPolicy retry = settings.retry;
        target.position = {file_.name, static_cast<int>(table.source().begin.line),
                           static_cast<int>(table.source().begin.column)};

        read_name(reader, target);
        if (auto protocol = reader.choice("protocol", {"postgres", "tls", "tcp"}))
            target.protocol = *protocol == "tls"   ? Protocol::tls
                              : *protocol == "tcp" ? Protocol::tcp
                                                   : Protocol::postgres;
        std::optional<int> url_port;
        bool url_given = read_url(reader, target, url_port);
        if (auto host = reader.string("host")) {
            if (host->empty()) reader.mistake(*reader.field("host"), "`host` must not be empty");
            else if (looks_like_connection_string(*host))
                // The value is not quoted: a connection string may hold a password.
                reader.mistake(*reader.field("host"),
                               "`host` holds a URL or connection string (it contains \"://\", \"@\" or "
                               "\"=\"): write it as `url = ...` instead, which connspec parses like libpq "
                               "and whose password it keeps secret");
            else target.host = *host;
        } else if (!reader.has("host") && !url_given) {
            reader.mistake_here("missing required key `host`");
        } else if (!reader.has("host") && target.host.empty() && url_given && url_parsed_) {
            reader.mistake(*reader.field("url"), "`url` names no host: add one to it, or set `host`");
        }
        if (auto port = reader.integer("port", 1, 65535)) {
            target.port = static_cast<int>(*port);
        } else if (!reader.has("port") && url_port) {
            target.port = *url_port;
        } else if (!reader.has("port")) {
            // A target whose cases all name their own ports (ports_closed) needs none.
            bool any_case = false, port_used = false;
            for (const auto& kind : check_kinds()) {
                if (!reader.has(kind.name)) continue;
                any_case = true;
                port_used |= kind.uses_target_port;
            }
            if (target.protocol == Protocol::postgres)
                target.port = postgres_port;
            else if (any_case && !port_used)
                target.port = 0;
            else
                reader.mistake_here(fmt::format(
                    "missing required key `port`: only protocol \"postgres\" has a default ({})",
                    postgres_port));
        }
        if (auto tags = reader.strings("tags")) target.tags = *tags;
        if (auto timeout = positive_duration(reader, "timeout")) target.timeout = *timeout;
        if (const TomlField* table = reader.table("retry"))
            retry = read_retry(*table, retry,
                               Scope{"`retry` of " + reader.scope().own, "`retry` of [defaults]"});
        if (auto cert = reader.path("client_cert")) target.client_cert = *cert;
        if (auto key = reader.path("client_key")) target.client_key = *key;
        if (target.client_cert.empty() != target.client_key.empty()) {
            std::string_view given = target.client_cert.empty() ? "client_key" : "client_cert";
            std::string_view missing = target.client_cert.empty() ? "client_cert" : "client_key";
            reader.mistake(*reader.field(given),
                           fmt::format("`{}` needs `{}` beside it", given, missing));
        }
        read_via(reader, target);
        for (const auto& kind : check_kinds()) reader.mark_known(kind.name);
        reader.report_unknown_keys();

        load_cases(*view, defaults, target, retry, reader.scope());
        plan_.targets.push_back(std::move(target));
    }

    // `via` and `via_password_env`. The URL may carry a password: mistakes never quote it.
    static void read_via(TomlOptionReader& reader, Target& target)
    {
        auto url = reader.string("via");
        auto password_env = reader.string("via_password_env");
        if (url) {
            auto parsed = parse_proxy_url(*url);
            if (!parsed.proxy) {
                reader.mistake(*reader.field("via"), parsed.problem);
            } else {
                target.via = std::move(parsed.proxy);
                if (password_env) {
                    if (password_env->empty())
                        reader.mistake(*reader.field("via_password_env"),
                                       "`via_password_env` must name an environment variable");
                    else if (target.via->user.empty())
                        reader.mistake(*reader.field("via_password_env"),
                                       "`via_password_env` needs a user in `via` "
                                       "(socks5://USER@HOST:PORT)");
                    else if (!target.via->password.empty())
                        reader.mistake(*reader.field("via_password_env"),
                                       "`via` already carries a password: drop it from the URL "
                                       "or drop `via_password_env`");
                    target.via->password_env = *password_env;
                }
            }
        } else if (password_env && !reader.has("via")) {
            reader.mistake(*reader.field("via_password_env"),
                           "`via_password_env` without `via`: name the proxy in `via`");
        }
    }

    static bool looks_like_connection_string(std::string_view host)
    {
        return host.find("://") != std::string_view::npos || host.find('@') != std::string_view::npos ||
               host.find('=') != std::string_view::npos;
    }

    // `url`: a libpq connection string, parsed by libpq. Fills the target's host (unless the
    // suite sets `host`), the port through `url_port`, the login options it names and the
    // password (a run secret). Mistakes never quote the value. True when `url` is present.
    bool read_url(TomlOptionReader& reader, Target& target, std::optional<int>& url_port)
    {
        url_parsed_ = false;
        const TomlField* field = reader.field("url");
        if (!field) return false;
        auto url = reader.string("url");
        if (!url) return true;
        if (url->empty()) {
            reader.mistake(*field, "`url` must not be empty");
            return true;
        }
        Conninfo parsed = parse_conninfo(*url);
        if (!parsed.ok()) {
            reader.mistake(*field, fmt::format("`url` is not a libpq connection string (a URI such as "
                                               "postgresql://user@host:5432/db?sslmode=verify-full, "
                                               "or key=value pairs): {}",
                                               parsed.error));
            return true;
        }
        url_parsed_ = true;
        // Its password is a secret, in whatever form it may show up.
        for (const auto& [key, value] : parsed.options)
            if (key == "password" && file_.secrets) file_.secrets->add(value);
        static const std::vector<std::string_view> sslmodes{"disable", "allow", "prefer",
                                                            "require", "verify-ca", "verify-full"};
        static const std::vector<std::string_view> paths{"sslrootcert", "sslcert", "sslkey",
                                                         "sslcrl", "sslcrldir", "passfile"};
        for (auto& [key, value] : parsed.options) {
            if (key == "password") {
                target.url_password = value;
            } else if (key == "host") {
                // After a mistake about the host, no second one says it names none.
                if (value.find(',') != std::string::npos) {
                    reader.mistake(*field, "`url` names several hosts: write one target per host");
                    url_parsed_ = false;
                } else if (value.starts_with('/') || value.starts_with('@')) {
                    reader.mistake(*field, "`url` names a unix socket folder as host: connspec checks "
                                           "network connections; give a host name or address");
                    url_parsed_ = false;
                } else
                    target.host = value;
            } else if (key == "port" && value.find(',') != std::string::npos) {
                // One port per host of several: the hosts' mistake says it.
            } else if (key == "port") {
                int port = 0;
                auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
                if (ec != std::errc{} || end != value.data() + value.size() || port < 1 || port > 65535)
                    reader.mistake(*field, "the port in `url` must be one number between 1 and 65535");
                else
                    url_port = port;
            } else if (key == "hostaddr" || key == "service") {
                reader.mistake(*field, fmt::format("`url` sets `{}`, which connspec does not take from "
                                                   "a url: connspec connects to the addresses it resolves "
                                                   "for the host (use `resolves` to check them)",
                                                   key));
            } else if (key == "sslmode" &&
                       std::find(sslmodes.begin(), sslmodes.end(), value) == sslmodes.end()) {
                reader.mistake(*field, "the sslmode in `url` must be one of disable, allow, prefer, "
                                       "require, verify-ca, verify-full");
            } else if (key == "sslnegotiation" && value != "postgres" && value != "direct") {
                reader.mistake(*field, "the sslnegotiation in `url` must be postgres or direct");
            } else {
                if (std::find(paths.begin(), paths.end(), key) != paths.end() &&
                    !(key == "sslrootcert" && value == "system"))
                    value = file_.resolve(value);
                target.url_options[key] = value;
            }
        }
        return true;
    }

    void read_name(TomlOptionReader& reader, Target& target)
    {
        const TomlField* field = reader.field("name");
        // A name in [defaults] was reported already; each target must name itself.
        if (!field || field->origin == Origin::defaults) {
            reader.mistake_here("missing required key `name`");
            return;
        }
        auto name = reader.string("name");
        if (!name) return;
        if (!is_target_name(*name)) {
            reader.mistake(*field, fmt::format("`name` must be letters, digits, `_`, `.` and `-` "
                                               "only, not \"{}\"",
                                               *name));
            return;
        }
        target.name = *name;
        reader.set_scope(Scope{fmt::format("target \"{}\"", *name), "[defaults]"});
        auto [first, inserted] = names_.emplace(*name, field->key->source().begin.line);
        if (!inserted)
            file_.mistake(field->key->source().begin,
                          fmt::format("duplicate target name \"{}\": already used at line {}",
                                      *name, first->second));
    }

    CaseDeclaration declaration(const TomlView& view, const toml::table* defaults,
                                std::string_view case_name, std::string_view where)
    {
        CaseDeclaration d;
        d.field = view.find(case_name);
        if (!d.field) return d;
        const toml::node* from_defaults = defaults ? defaults->get(case_name) : nullptr;
        const toml::table* defaults_table = from_defaults ? from_defaults->as_table() : nullptr;
        if (d.field->table) {
            d.enabled = true;
            d.options = d.field->table;  // already merged over [defaults]' table
        } else if (const auto* flag = d.field->node->as_boolean()) {
            d.enabled = flag->get();
            d.options = merge_tables(defaults_table, nullptr);  // `true` keeps [defaults]' options
        } else {
            if (!where.empty())
                file_.mistake(d.field->node->source().begin,
                              fmt::format("`{}` must be true, false or a table of options, not {} "
                                          "(in {})",
                                          case_name, type_name(*d.field->node),
                                          d.field->origin == Origin::defaults ? std::string("[defaults]")
                                                                              : std::string(where)));
            d.field = nullptr;
        }
        return d;
    }

    void load_cases(const TomlView& view, const toml::table* defaults, const Target& target,
                    const RetryPolicy& retry, const Scope& target_scope)
    {
        std::size_t target_index = plan_.targets.size();
        std::map<std::string_view, std::size_t> declared;  // kind name -> index in plan.cases
        SiblingLookup siblings = [this, &view, defaults](std::string_view case_name) {
            return declaration(view, defaults, case_name, {}).options;
        };

        for (const auto& kind : check_kinds()) {
            CaseDeclaration d = declaration(view, defaults, kind.name, target_scope.own);
            if (!d.enabled) continue;
            if (!kind.fits(target.protocol)) {
                report_misfit(kind, *d.field, target, target_scope);
                continue;
            }
            TomlOptionReader reader(
                file_, d.options, d.field->key->source().begin, d.field->origin,
                Scope{fmt::format("`{}` of {}", kind.name, target_scope.own),
                      fmt::format("`{}` of [defaults]", kind.name)},
                target, kind.options_may_hold_secrets, siblings);
            std::shared_ptr<const CaseSpec> spec = kind.parse(reader);
            reader.report_unknown_keys();
            declared[kind.name] = plan_.cases.size();
            plan_.cases.push_back({target_index, &kind, std::move(spec), std::nullopt, retry});
        }

        // The nearest declared prerequisite, passing through kinds the target does not declare.
        for (const auto& [name, index] : declared) {
            PlannedCase& planned = plan_.cases[index];
            std::string_view needed = planned.kind->prerequisite;
            while (!needed.empty()) {
                if (auto found = declared.find(needed); found != declared.end()) {
                    planned.prerequisite = found->second;
                    break;
                }
                const CheckKind* kind = find_check_kind(needed);
                needed = kind ? kind->prerequisite : std::string_view{};
            }
        }
    }

    void report_misfit(const CheckKind& kind, const TomlField& field, const Target& target,
                       const Scope& target_scope)
    {
        std::string protocol(to_string(target.protocol));
        if (field.origin == Origin::own)
            file_.mistake(field.key->source().begin,
                          fmt::format("`{}` does not fit protocol \"{}\": it needs protocol {} (in {})",
                                      kind.name, protocol, protocol_list(kind.protocols),
                                      target_scope.own));
        else
            file_.mistake(field.key->source().begin,
                          fmt::format("`{}` from [defaults] does not fit protocol \"{}\" of {}: it "
                                      "needs protocol {}; write `{} = false` in that target",
                                      kind.name, protocol, target_scope.own,
                                      protocol_list(kind.protocols), kind.name));
    }

    const SuiteFile& file_;
    Plan& plan_;
    std::map<std::string, std::size_t> names_;  // target name -> line of its `name`
    bool url_parsed_ = false;  // the last `url` read was a valid connection string
};

std::string lower_first(std::string text)
{
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

// "-" names standard input.
constexpr std::string_view standard_input = "-";

std::optional<std::string> read_file(const std::string& path, std::string& problem)
{
    if (path == standard_input) {
        std::ostringstream content;
        content << std::cin.rdbuf();
        if (std::cin.bad()) {
            problem = "cannot read the suite from standard input";
            return std::nullopt;
        }
        return content.str();
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        problem = "this is a folder, not a suite file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        problem = fmt::format("cannot read the suite file: {}", std::strerror(errno));
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

void load_file(std::size_t index, const std::string& path, const EnvLookup& env,
               Mistakes& mistakes, Plan& plan)
{
    std::error_code ec;
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    folder = folder.empty() ? std::filesystem::current_path(ec) : std::filesystem::absolute(folder, ec);
    SuiteFile file{index, path == standard_input ? std::string("<stdin>") : path,
                   folder.lexically_normal(), &env, &mistakes, plan.secrets.get()};

    std::string problem;
    auto content = read_file(path, problem);
    if (!content) {
        file.mistake({1, 1}, problem);
        plan.suites.push_back({default_suite_name(file.name), file.name, std::nullopt});
        return;
    }
    if (auto guarded = toml_guard_problem(*content)) {
        file.mistake({static_cast<toml::source_index>(guarded->line), static_cast<toml::source_index>(guarded->column)},
                     guarded->message);
        plan.suites.push_back({default_suite_name(file.name), file.name, std::nullopt});
        return;
    }
    toml::table root;
    try {
        root = toml::parse(*content, std::string_view{file.name});
    } catch (const toml::parse_error& e) {
        file.mistake(e.source().begin, lower_first(std::string(e.description())));
        plan.suites.push_back({default_suite_name(file.name), file.name, std::nullopt});
        return;
    }
    FileLoader(file, plan).load(root);
}

}  // namespace

EnvLookup process_environment()
{
    return [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

LoadResult load_suites(const std::vector<std::string>& files, const EnvLookup& env)
{
    LoadResult result;
    Mistakes mistakes;
    // libpq reads $PGPASSWORD when no password is given: its value is a secret of the run too.
    if (auto password = env("PGPASSWORD")) result.plan.secrets->add(*password);
    for (std::size_t i = 0; i < files.size(); ++i) load_file(i, files[i], env, mistakes, result.plan);
    result.errors = mistakes.sorted();
    return result;
}

}  // namespace connspec
