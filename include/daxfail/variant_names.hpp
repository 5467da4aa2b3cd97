// Variants by name at run time, for files and command lines: a preset name
// ("merged"), or policy values ("freeze=return_ebusy,thaw=where_frozen")
// on top of a base preset (merged unless "base=NAME" is given). The name of
// a non-preset is every axis spelled out, and reads back to the same config.
#ifndef DAXFAIL_VARIANT_NAMES_HPP
#define DAXFAIL_VARIANT_NAMES_HPP

#include <daxfail/combinations.hpp>
#include <daxfail/config.hpp>
#include <daxfail/presets.hpp>

#include <boost/hana/for_each.hpp>

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

/// Every value of an axis enum (they are contiguous from 0).
template <class E>
std::vector<E> enum_values() {
    std::vector<E> out;
    for (int i = 0; i < 32 && value_name(static_cast<E>(i)) != "?"; ++i) out.push_back(static_cast<E>(i));
    return out;
}

/// Calls f(field) for every field of the config.
template <class F>
void for_each_field(config& c, F&& f) {
    f(c.kill_dax_flags);
    f(c.rmap_source);
    f(c.freeze);
    f(c.thaw);
    f(c.thaw_userspace);
    f(c.shutdown);
    f(c.collector);
    f(c.pre_remove_poison);
    f(c.invalidate);
    f(c.non_dax_inode);
    f(c.metadata_record);
    f(c.range_math);
    f(c.freeze_api);
    f(c.log_device);
    f(c.rt_device);
    f(c.del_gendisk);
    f(c.dax_shared_page);
    f(c.shutdown_caller);
}

/// Spellings accepted besides the canonical value names.
inline std::string_view canonical_value(std::string_view axis, std::string_view value) {
    if (axis == "thaw" && value == "callee") return "in_callee";
    if (axis == "thaw" && value == "caller") return "where_frozen";  // thaw in the function that froze
    return value;
}

}  // namespace detail

/// Sets one axis by name; returns an error message, empty on success.
inline std::string set_axis(config& c, std::string_view axis, std::string_view value) {
    std::string error = "unknown axis \"" + std::string(axis) + "\"";
    value = detail::canonical_value(axis, value);
    detail::for_each_field(c, [&](auto& field) {
        using E = std::remove_reference_t<decltype(field)>;
        if (axis_name(field) != axis) return;
        std::string known;
        for (E e : detail::enum_values<E>()) {
            if (value_name(e) == value) {
                field = e;
                error.clear();
                return;
            }
            known += (known.empty() ? "" : ", ") + std::string(value_name(e));
        }
        error = "axis " + std::string(axis) + " has no value \"" + std::string(value) + "\" (values: " + known + ")";
    });
    return error;
}

/// The config of a preset by name.
inline std::optional<config> preset_config(std::string_view name) {
    for (std::size_t i = 0; i < presets::names.size(); ++i)
        if (presets::names[i] == name) return presets::configs[i];
    return std::nullopt;
}

/// Parses one variant name; on failure returns nullopt and sets `error`.
inline std::optional<variant_spec> parse_variant(std::string_view text, std::string& error) {
    if (auto p = preset_config(text)) return variant_spec{std::string(text), *p};
    config c = presets::merged::config;
    std::vector<std::pair<std::string, std::string>> pairs;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view item = text.substr(start, comma - start);
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            error = "\"" + std::string(item) + "\" is neither a preset (" + presets::name_list() + ") nor axis=value";
            return std::nullopt;
        }
        pairs.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
        start = comma + 1;
    }
    for (const auto& [axis, value] : pairs)
        if (axis == "base") {
            auto p = preset_config(value);
            if (!p) {
                error = "base=" + value + " is not a preset";
                return std::nullopt;
            }
            c = *p;
        }
    for (const auto& [axis, value] : pairs) {
        if (axis == "base") continue;
        if (auto e = set_axis(c, axis, value); !e.empty()) {
            error = e;
            return std::nullopt;
        }
    }
    if (needs_holder_api(c) && c.freeze_api == freeze_api_kind::no_holders) {
        error = "freeze_api=no_holders has no holder argument, so freeze=" + std::string(value_name(c.freeze)) +
                " and thaw_userspace=" + std::string(value_name(c.thaw_userspace)) +
                " cannot be built on it (use holder_bitmask or holder_counts)";
        return std::nullopt;
    }
    return variant_spec{variant_name(c), c};
}

/// Parses a --variants list: preset names and axis=value groups separated by commas; ';' starts a new
/// variant explicitly ("freeze=none;freeze=return_ebusy").
inline std::optional<std::vector<variant_spec>> parse_variant_list(std::string_view text, std::string& error) {
    std::vector<variant_spec> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t semi = std::min(text.find(';', start), text.size());
        const std::string_view group = text.substr(start, semi - start);
        // Within a group, runs of axis=value items form one variant; bare names are presets.
        std::size_t i = 0;
        std::string pending;
        auto flush = [&]() -> bool {
            if (pending.empty()) return true;
            auto v = parse_variant(pending, error);
            if (!v) return false;
            out.push_back(*v);
            pending.clear();
            return true;
        };
        while (i <= group.size()) {
            const std::size_t comma = std::min(group.find(',', i), group.size());
            const std::string_view item = group.substr(i, comma - i);
            if (!item.empty()) {
                if (item.find('=') == std::string_view::npos) {
                    if (!flush()) return std::nullopt;
                    auto v = parse_variant(item, error);
                    if (!v) return std::nullopt;
                    out.push_back(*v);
                } else {
                    pending += (pending.empty() ? "" : ",") + std::string(item);
                }
            }
            i = comma + 1;
        }
        if (!flush()) return std::nullopt;
        start = semi + 1;
    }
    if (out.empty()) {
        error = "no variant given";
        return std::nullopt;
    }
    return out;
}

/// The presets, in presets::all order.
inline std::vector<variant_spec> preset_specs() {
    std::vector<variant_spec> out;
    for (std::size_t i = 0; i < presets::names.size(); ++i)
        out.push_back({std::string(presets::names[i]), presets::configs[i]});
    return out;
}

/// `all`: the main-axis cross product over merged (rmap source x freeze x thaw x shutdown x collector).
inline std::vector<variant_spec> all_combination_specs() {
    std::vector<variant_spec> out;
    boost::hana::for_each(main_axis_combinations<presets::merged>(), [&](auto t) {
        using V = typename decltype(t)::type;
        out.push_back({variant_name<V>(), V::config});
    });
    return out;
}

}  // namespace daxfail

#endif
