// Variants by name at run time, for files and command lines: a preset name
// ("merged"), or policy values ("freeze=return_ebusy,thaw=where_frozen")
// on top of a base preset (merged unless "base=NAME" is given). The name of
// a non-preset is every axis spelled out, and reads back to the same config.
#ifndef DAXFAIL_VARIANT_NAMES_HPP
#define DAXFAIL_VARIANT_NAMES_HPP

#include <daxfail/config.hpp>
#include <daxfail/detail/did_you_mean.hpp>
#include <daxfail/detail/parametric_args.hpp>
#include <daxfail/parametric.hpp>
#include <daxfail/presets.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail {

/// A variant known by name and config at run time.
struct variant_spec {
    std::string name;
    config cfg;
    friend bool operator==(const variant_spec&, const variant_spec&) = default;
};

namespace detail {

/// Spellings accepted besides the canonical value names.
inline std::string_view canonical_value(std::string_view axis, std::string_view value) {
    if (axis == "thaw" && value == "callee") return "in_callee";
    if (axis == "thaw" && value == "caller") return "where_frozen";  // thaw in the function that froze
    return value;
}

/// Calls f(table) for every built-in policy of Axis.
template <class Axis, class F, class... P>
void for_each_builtin(F&& f, type_list<P...>) {
    (f(ops_of<P>), ...);
}

/// Calls f(table) for the representative values of Axis' parametric families (parametric_family::examples).
template <class Axis, class F>
void for_each_parametric_example(F&& f) {
    for (const auto& family : parametric_families) {
        if (family.axis != Axis::name) continue;
        for (const auto example : family.examples) {
            config c;
            const auto open = example.find('(');
            if (family.read(example.substr(open + 1, example.size() - open - 2), c).empty()) f(field_of<Axis>(c));
        }
    }
}

/// Reads a parametric value ("retry(3,10ms,-EBUSY)") of `axis` into `c`; the error, or "".
inline std::string set_parametric(config& c, std::string_view axis, std::string_view value) {
    const auto open = value.find('(');
    const std::string_view family = value.substr(0, open);
    std::vector<std::string> families;
    std::string grammars;
    for (const auto& f : parametric_families)
        if (f.axis == axis) {
            families.emplace_back(f.name);
            grammars += (grammars.empty() ? "" : ", ") + std::string(f.grammar);
        }
    const parametric_family* f = parametric_family_of(axis, family);
    if (!f)
        return "axis " + std::string(axis) + " has no parametric value \"" + std::string(value) + "\" (" +
               (grammars.empty() ? std::string("it has none") : grammars) + ")" +
               did_you_mean_suffix(family, families);
    if (value.back() != ')') return std::string(axis) + "=" + std::string(value) + ": no closing parenthesis";
    const std::string error = f->read(value.substr(open + 1, value.size() - open - 2), c);
    return error.empty() ? error : std::string(axis) + "=" + std::string(value) + ": " + error;
}

}  // namespace detail

/// Policies known by name at run time beyond the built-ins: those of the user's variants (cli::main registers
/// them), so that "freeze=my_freeze" parses.
struct policy_catalog {
    std::vector<config> sources;  // every axis of every config here is a known value

    template <class F>
    void for_each_value(std::string_view axis, F&& f) const {
        detail::for_each_axis_tag(
            [&]<class A>(A*) {
                if (A::name != axis) return;
                const auto set = [](const typename A::ops& o) { return [o](config& c) { detail::field_of<A>(c) = o; }; };
                detail::for_each_builtin<A>([&](const typename A::ops& o) { f(o.name, set(o)); }, typename A::builtins{});
                detail::for_each_parametric_example<A>([&](const typename A::ops& o) { f(o.name, set(o)); });
                for (const auto& src : sources) {
                    const auto o = detail::field_of<A>(src);
                    bool known = false;
                    const auto same = [&](const typename A::ops& b) { known = known || b == o; };
                    detail::for_each_builtin<A>(same, typename A::builtins{});
                    detail::for_each_parametric_example<A>(same);
                    if (!known) f(o.name, set(o));
                }
            },
            detail::all_axes{});
    }
};

/// Sets one axis by name; returns an error message, empty on success.
inline std::string set_axis(config& c, std::string_view axis, std::string_view value, const policy_catalog& known = {}) {
    std::vector<std::string> axes;
    detail::for_each_axis_tag([&]<class A>(A*) { axes.emplace_back(A::name); }, detail::all_axes{});
    if (std::find(axes.begin(), axes.end(), axis) == axes.end())
        return "unknown axis \"" + std::string(axis) + "\"" + detail::did_you_mean_suffix(axis, axes);
    value = detail::canonical_value(axis, value);
    if (value.find('(') != std::string_view::npos) return detail::set_parametric(c, axis, value);
    std::vector<std::string> names;
    bool found = false;
    known.for_each_value(axis, [&](std::string_view name, auto apply) {
        if (found) return;
        if (name == value) {
            apply(c);
            found = true;
            return;
        }
        if (name.find('(') == std::string_view::npos && std::find(names.begin(), names.end(), name) == names.end())
            names.emplace_back(name);
    });
    if (found) return {};
    std::string known_names;
    for (const auto& n : names) known_names += (known_names.empty() ? "" : ", ") + n;
    for (const auto& f : parametric_families)
        if (f.axis == axis) {
            known_names += (known_names.empty() ? "" : ", ") + std::string(f.grammar);
            if (value == f.name) return "axis " + std::string(axis) + "'s " + std::string(f.name) + " takes arguments: " +
                                        std::string(f.grammar) + ", e.g. " + std::string(f.examples[0]);
            names.emplace_back(f.name);
        }
    return "axis " + std::string(axis) + " has no value \"" + std::string(value) + "\" (values: " + known_names + ")" +
           detail::did_you_mean_suffix(value, names);
}

/// The config of a preset by name.
inline std::optional<config> preset_config(std::string_view name) {
    for (std::size_t i = 0; i < presets::names.size(); ++i)
        if (presets::names[i] == name) return presets::configs[i];
    return std::nullopt;
}

/// The config of a preset, or of one of `extras` (a user's named variants), by name.
inline std::optional<config> named_config(std::string_view name, const std::vector<variant_spec>& extras) {
    for (const auto& e : extras)
        if (e.name == name) return e.cfg;
    return preset_config(name);
}

/// A config's name among `extras`, else variant_name (a preset's name, or every axis spelled out).
inline std::string variant_name(const config& c, const std::vector<variant_spec>& extras) {
    for (const auto& e : extras)
        if (e.cfg == c) return e.name;
    return variant_name(c);
}

/// The names a variant can be given by: the presets and `extras`.
inline std::vector<std::string> variant_names(const std::vector<variant_spec>& extras) {
    std::vector<std::string> out(presets::names.begin(), presets::names.end());
    for (const auto& e : extras) out.push_back(e.name);
    return out;
}

/// Parses one variant name; on failure returns nullopt and sets `error`. `extras` are the user's named variants
/// (their names, and their policies as axis values).
inline std::optional<variant_spec> parse_variant(std::string_view text, std::string& error,
                                                 const std::vector<variant_spec>& extras = {}) {
    for (const auto& e : extras)
        if (e.name == text) return e;
    if (auto p = preset_config(text)) return variant_spec{std::string(text), *p};
    config c = presets::merged::config;
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const std::string_view item : detail::split_outside_parentheses(text, ',')) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            error = "\"" + std::string(item) + "\" is neither a preset (" + presets::name_list() + ") nor axis=value" +
                    detail::did_you_mean_suffix(item, variant_names(extras));
            return std::nullopt;
        }
        pairs.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
    for (const auto& [axis, value] : pairs)
        if (axis == "base") {
            auto p = named_config(value, extras);
            if (!p) {
                error = "base=" + value + " is not a preset" + detail::did_you_mean_suffix(value, variant_names(extras));
                return std::nullopt;
            }
            c = *p;
        }
    policy_catalog known;
    for (const auto& e : extras) known.sources.push_back(e.cfg);
    for (const auto& [axis, value] : pairs) {
        if (axis == "base") continue;
        if (auto e = set_axis(c, axis, value, known); !e.empty()) {
            error = e;
            return std::nullopt;
        }
    }
    if (needs_holder_api(c) && !c.freeze_api.per_holder) {
        error = "freeze_api=" + std::string(c.freeze_api.name) + " has no holder argument, so freeze=" +
                std::string(c.freeze.name) + " and thaw_userspace=" + std::string(c.thaw_userspace.name) +
                " cannot be built on it (use holder_bitmask or holder_counts)";
        return std::nullopt;
    }
    return variant_spec{variant_name(c, extras), c};
}

/// Parses a --variants list: preset names and axis=value groups separated by commas; ';' starts a new
/// variant explicitly ("freeze=none;freeze=return_ebusy").
inline std::optional<std::vector<variant_spec>> parse_variant_list(std::string_view text, std::string& error,
                                                                   const std::vector<variant_spec>& extras = {}) {
    std::vector<variant_spec> out;
    for (const std::string_view group : detail::split_outside_parentheses(text, ';')) {
        // Within a group, runs of axis=value items form one variant; bare names are presets.
        std::string pending;
        auto flush = [&]() -> bool {
            if (pending.empty()) return true;
            auto v = parse_variant(pending, error, extras);
            if (!v) return false;
            out.push_back(*v);
            pending.clear();
            return true;
        };
        for (const std::string_view item : detail::split_outside_parentheses(group, ',')) {
            if (!item.empty()) {
                if (item.find('=') == std::string_view::npos) {
                    if (!flush()) return std::nullopt;
                    auto v = parse_variant(item, error, extras);
                    if (!v) return std::nullopt;
                    out.push_back(*v);
                } else {
                    pending += (pending.empty() ? "" : ",") + std::string(item);
                }
            }
        }
        if (!flush()) return std::nullopt;
    }
    if (out.empty()) {
        error = "no variant given";
        return std::nullopt;
    }
    return out;
}

/// The user's variants for parse_variant_list and cli::main, each a variant type; a named variant (one with `static constexpr
/// std::string_view name`) is known by that name, any other by its axes spelled out.
template <variant_type... V>
struct extra_variants {
    std::vector<variant_spec> specs() const { return {variant_spec{variant_name<V>(), V::config}...}; }
};

/// Why the user's variants cannot all be selected by name ("" when they can): a name that is empty, `all`, a
/// preset's, given twice, or holding ',', ';' or '='; or a policy that has the name of a built-in or another
/// user policy of its axis but behaves differently.
inline std::string extra_variants_error(const std::vector<variant_spec>& extras) {
    for (std::size_t i = 0; i < extras.size(); ++i) {
        const auto& n = extras[i].name;
        const bool spelled_out = n == policy_string(extras[i].cfg);  // an unnamed variant: its axes
        if (n.empty() || n == "all" || (!spelled_out && n.find_first_of(",;=") != std::string::npos))
            return "variant name \"" + n + "\" cannot be given to --variants (empty, 'all', or holds ',', ';' or '=')";
        if (preset_config(n)) return "variant name \"" + n + "\" is a preset's";
        for (std::size_t j = 0; j < i; ++j)
            if (extras[j].name == n) return "variant name \"" + n + "\" is given twice";
    }
    std::string error;
    detail::for_each_axis_tag(
        [&]<class A>(A*) {
            std::vector<typename A::ops> known;
            detail::for_each_builtin<A>([&](const typename A::ops& o) { known.push_back(o); }, typename A::builtins{});
            for (const auto& e : extras) {
                const auto& o = detail::field_of<A>(e.cfg);
                for (const auto& k : known)
                    if (error.empty() && k.name == o.name && !(k == o))
                        error = "policy " + std::string(A::name) + "=" + std::string(o.name) + " of variant " + e.name +
                                " has the name of another policy of that axis";
                known.push_back(o);
            }
        },
        detail::all_axes{});
    return error;
}

/// The presets, in presets::all order.
inline std::vector<variant_spec> preset_specs() {
    std::vector<variant_spec> out;
    for (std::size_t i = 0; i < presets::names.size(); ++i)
        out.push_back({std::string(presets::names[i]), presets::configs[i]});
    return out;
}

/// `all`: the main-axis cross product over merged (rmap source x freeze x thaw x shutdown x collector), in
/// main_axis_combinations' order (the last axis varies fastest), built from the policies' tables at run time: the
/// 216 variant types are instantiated only where a program runs them by type.
inline std::vector<variant_spec> all_combination_specs() {
    std::vector<config> configs{presets::merged::config};
    detail::for_each_axis_tag(
        [&]<class A>(A*) {
            std::vector<config> product;
            for (const config& c : configs)
                detail::for_each_builtin<A>(
                    [&](const typename A::ops& o) {
                        product.push_back(c);
                        detail::field_of<A>(product.back()) = o;
                    },
                    typename A::builtins{});
            configs = std::move(product);
        },
        detail::main_axes{});
    std::vector<variant_spec> out;
    out.reserve(configs.size());
    for (const config& c : configs) out.push_back({variant_name(c), c});
    return out;
}

}  // namespace daxfail

#endif
