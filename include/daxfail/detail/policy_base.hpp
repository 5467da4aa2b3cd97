// Shared machinery of the policy headers. Users never name this.
#ifndef DAXFAIL_DETAIL_POLICY_BASE_HPP
#define DAXFAIL_DETAIL_POLICY_BASE_HPP

#include <concepts>
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

// A policy is an empty tag carrying its axis, its value and its spelling.
// value_name/axis_name are found by ADL on the axis' enum, declared in the
// policy's own header.
template <class Axis, auto V>
struct policy_tag {
    using axis = Axis;
    static constexpr auto value = V;
    static constexpr std::string_view name = value_name(V);
    static constexpr std::string_view axis_label = axis_name(V);
};

template <class P>
concept any_policy = requires {
    typename P::axis;
    P::value;
    { P::name } -> std::convertible_to<std::string_view>;
    { P::axis_label } -> std::convertible_to<std::string_view>;
};

template <class P, class Axis>
concept policy_on = any_policy<P> && std::is_same_v<typename P::axis, Axis>;

}  // namespace daxfail::detail

#endif
