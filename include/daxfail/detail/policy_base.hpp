// Shared machinery of the policy headers. Users never name this.
//
// Each axis is described once, by its tag in daxfail::axis (defined in the
// axis' own header under policy/): its name, the run-time table a policy
// becomes (`ops`: the policy's name and its decisions as function pointers or
// constants), the built-in policies, the legacy enum that names them, the
// config field that holds the table, and `make<P>()`, which checks a policy
// and builds its table. config, variant, ::with<>, name parsing and the
// cross products are all derived from the list of tags in config.hpp.
#ifndef DAXFAIL_DETAIL_POLICY_BASE_HPP
#define DAXFAIL_DETAIL_POLICY_BASE_HPP

#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace daxfail::axis {
// One tag per axis of variation; a policy names exactly one of them.
struct kill_dax_flags;
struct rmap_source;
struct freeze;
struct thaw;
struct thaw_userspace;
struct shutdown;
struct collector;
struct pre_remove_poison;
struct invalidate;
struct non_dax_inode;
struct metadata_record;
struct range_math;
struct freeze_api;
struct log_device;
struct rt_device;
struct del_gendisk;
struct dax_shared_page;
struct shutdown_caller;
}  // namespace daxfail::axis

namespace daxfail::detail {

template <class... T>
struct type_list {};

/// config's field for an axis, named after it; each axis' header specializes it.
template <class Axis>
struct axis_field;

// A built-in policy names its axis, its legacy enum value and its spelling;
// its behaviour is in its own static members.
template <class Axis, auto V>
struct policy_tag {
    using axis = Axis;
    static constexpr auto value = V;
    static constexpr std::string_view name = value_name(V);
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

/// The table of the i-th built-in policy of Axis (the legacy enum's order).
template <class Axis, class... P>
constexpr typename Axis::ops builtin_ops_at(std::size_t i, type_list<P...>) {
    const typename Axis::ops table[] = {Axis::template make<P>()...};
    return table[i];
}
template <class Axis>
constexpr typename Axis::ops builtin_ops(typename Axis::legacy e) {
    return builtin_ops_at<Axis>(static_cast<std::size_t>(e), typename Axis::builtins{});
}

}  // namespace daxfail::detail

namespace daxfail {

/// A policy table compares equal to the legacy enum value of the built-in it was made from.
template <class Ops>
    requires requires { typename Ops::axis::legacy; } && std::same_as<Ops, typename Ops::axis::ops>
constexpr bool operator==(const Ops& ops, typename Ops::axis::legacy e) {
    return ops == detail::builtin_ops<typename Ops::axis>(e);
}

}  // namespace daxfail

#endif
