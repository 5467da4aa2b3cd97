// Shared machinery of the policy headers. Users never name this.
//
// Each axis is described once, by its tag in daxfail::axis (defined in the
// axis' own header under policy/):
//     name            the axis' name in reports and on the command line
//     ops             the run-time table a policy becomes (its name, its decisions as function pointers or constants)
//     make<P>()       checks a policy (static_asserts naming the missing member) and builds its table
//                     (`if constexpr (!<axis>_policy<P>) return ops{};` first, so that the static_assert is
//                     the only error: no follow-up errors on the variant that uses the policy)
//     builtins        the built-in policies, in the order they are listed
//     default_policy  the value of a variant that leaves the axis out
//     field           config's member for the axis: `struct freeze::field { ops freeze = make<default_policy>(); };`
// Each built-in policy also says where it comes from (`static constexpr policy_source source`, policy_source.hpp).
// config, variant, ::with<>, name parsing and the cross products are all derived from these descriptions and the
// one list of axes in config.hpp.
#ifndef DAXFAIL_DETAIL_POLICY_BASE_HPP
#define DAXFAIL_DETAIL_POLICY_BASE_HPP

#include <daxfail/detail/known_sources.hpp>
#include <daxfail/policy_source.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace daxfail::detail {

template <class... T>
struct type_list {};

/// A string literal as a template argument (a built-in policy's name).
template <std::size_t N>
struct literal {
    char text[N];
    constexpr literal(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT: implicit from "..." on purpose
};

/// A built-in policy names its axis and its spelling; its behaviour is in its own static members.
template <class Axis, literal Name>
struct policy_tag {
    using axis = Axis;
    static constexpr std::string_view name{Name.text, sizeof(Name.text) - 1};
};

/// `*Address` (pass `&P::member`) is a static data member of type T usable in constant expressions: a
/// function, a member of another type or a non-constexpr variable does not qualify.
template <class P, class T, auto Address>
concept constant_of = std::same_as<decltype(Address), const T*> && requires {
    typename std::integral_constant<T, *Address>;
};

/// What every policy has: the axis it decides and a name for reports.
template <class P>
concept any_policy = requires {
    typename P::axis;
    { P::name } -> std::convertible_to<std::string_view>;
};

template <class P, class Axis>
concept policy_on = any_policy<P> && std::is_same_v<typename P::axis, Axis>;

/// config's member for Axis (`c.freeze`), reached without its name: Axis::field has that one member.
template <class Axis, class Config>
constexpr auto& field_of(Config& c) {
    using field = std::conditional_t<std::is_const_v<Config>, const typename Axis::field, typename Axis::field>;
    auto& [ops] = static_cast<field&>(c);
    return ops;
}

}  // namespace daxfail::detail

namespace daxfail {

/// The run-time table of policy P (a built-in or one's own): `cfg.freeze = ops_of<freeze::return_ebusy>;`.
template <class P>
inline constexpr typename P::axis::ops ops_of = P::axis::template make<P>();

}  // namespace daxfail

#endif
