// Where the values of a variant come from, at run time: by axis and value
// name for the built-ins, and as the lines `daxfail explain` prints. A
// preset's own source is presets::source_of(name).
#ifndef DAXFAIL_SOURCES_HPP
#define DAXFAIL_SOURCES_HPP

#include <daxfail/config.hpp>
#include <daxfail/parametric.hpp>
#include <daxfail/policy_source.hpp>

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail {

/// Policy P's source: every built-in has one; a user's policy has one if it defines `static constexpr
/// policy_source source` (optional for them).
template <class P>
constexpr std::optional<policy_source> source_of() {
    if constexpr (requires { { P::source } -> std::convertible_to<policy_source>; })
        return policy_source{P::source};
    else
        return std::nullopt;
}

namespace detail {
template <class... P>
std::optional<policy_source> builtin_source(std::string_view value, type_list<P...>) {
    std::optional<policy_source> found;
    ((P::name == value ? (void)(found = daxfail::source_of<P>()) : (void)0), ...);
    return found;
}
}  // namespace detail

/// The source of the built-in value `value` of axis `axis` (both as spelled on the command line, "freeze",
/// "return_ebusy"), or of its parametric family ("retry(3,10ms,-EBUSY)"); nullopt for an unknown axis or value
/// (a user's policy included).
inline std::optional<policy_source> source_of(std::string_view axis, std::string_view value) {
    if (const auto open = value.find('('); open != std::string_view::npos) {
        const parametric_family* f = parametric_family_of(axis, value.substr(0, open));
        return f ? std::optional<policy_source>(f->source) : std::nullopt;
    }
    std::optional<policy_source> found;
    detail::for_each_axis_tag(
        [&]<class A>(A*) {
            if (A::name == axis) found = detail::builtin_source(value, typename A::builtins{});
        },
        detail::all_axes{});
    return found;
}

/// One line per axis of `c`, in report order: "axis=value: " and the value's source_line, or "no source (not a
/// built-in value)" for a user's policy.
inline std::vector<std::string> policy_source_lines(const config& c) {
    std::vector<std::string> out;
    for_each_axis(c, [&](std::string_view axis, std::string_view value) {
        const auto s = source_of(axis, value);
        out.push_back(std::string(axis) + "=" + std::string(value) + ": " +
                      (s ? source_line(*s) : std::string("no source (not a built-in value)")));
    });
    return out;
}

}  // namespace daxfail

#endif
