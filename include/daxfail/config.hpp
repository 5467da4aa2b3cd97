// The policy of every axis of one variant, as plain data: for each axis the
// policy's name and its decisions as function pointers and constants. The
// kernel model runs on a config, not on the policy types, so that the code
// that depends on a policy is one constexpr object per variant and the model
// compiles once.
#ifndef DAXFAIL_CONFIG_HPP
#define DAXFAIL_CONFIG_HPP

#include <daxfail/policy/collector.hpp>
#include <daxfail/policy/dax_shared_page.hpp>
#include <daxfail/policy/del_gendisk.hpp>
#include <daxfail/policy/freeze.hpp>
#include <daxfail/policy/freeze_api.hpp>
#include <daxfail/policy/invalidate.hpp>
#include <daxfail/policy/kill_dax_flags.hpp>
#include <daxfail/policy/log_device.hpp>
#include <daxfail/policy/metadata_record.hpp>
#include <daxfail/policy/non_dax_inode.hpp>
#include <daxfail/policy/pre_remove_poison.hpp>
#include <daxfail/policy/range_math.hpp>
#include <daxfail/policy/rmap_source.hpp>
#include <daxfail/policy/rt_device.hpp>
#include <daxfail/policy/shutdown_caller.hpp>
#include <daxfail/policy/shutdown.hpp>
#include <daxfail/policy/thaw.hpp>
#include <daxfail/policy/thaw_userspace.hpp>

#include <string>
#include <string_view>

namespace daxfail {

namespace detail {
/// Every axis, in the order reports spell them. Adding an axis is its header, an entry here and its call site in
/// the kernel model.
using all_axes = type_list<axis::kill_dax_flags, axis::rmap_source, axis::freeze, axis::thaw, axis::thaw_userspace,
                           axis::shutdown, axis::collector, axis::pre_remove_poison, axis::invalidate,
                           axis::non_dax_inode, axis::metadata_record, axis::range_math, axis::freeze_api,
                           axis::log_device, axis::rt_device, axis::del_gendisk, axis::dax_shared_page,
                           axis::shutdown_caller>;

/// The main axes of the design, whose cross product is `--variants all`: rmap source x freeze strategy x thaw
/// placement x shutdown mode x collector.
using main_axes = type_list<axis::rmap_source, axis::freeze, axis::thaw, axis::shutdown, axis::collector>;

template <class Axes>
struct axis_fields;
template <class... A>
struct axis_fields<type_list<A...>> : A::field... {};

/// Calls f(Axis{}) (a null pointer of the tag type) for every axis, in order.
template <class F, class... A>
constexpr void for_each_axis_tag(F&& f, type_list<A...>) {
    (f(static_cast<A*>(nullptr)), ...);
}
}  // namespace detail

/// One field per axis, named after it: `cfg.freeze.name`, `cfg.freeze.after_attempt(...)`. Default-constructed,
/// every axis holds its default policy (presets::pre_patch).
struct config : detail::axis_fields<detail::all_axes> {
    friend constexpr bool operator==(const config& a, const config& b) {
        bool same = true;
        detail::for_each_axis_tag([&]<class A>(A*) { same = same && detail::field_of<A>(a) == detail::field_of<A>(b); },
                                  detail::all_axes{});
        return same;
    }
};

/// Calls f(axis_name, policy_name) for every axis, in declaration order.
template <class F>
constexpr void for_each_axis(const config& c, F&& f) {
    detail::for_each_axis_tag([&]<class A>(A*) { f(A::name, detail::field_of<A>(c).name); }, detail::all_axes{});
}

/// "kill_dax_flags=pre_remove,rmap_source=rmapbt_query,..." (every axis).
inline std::string policy_string(const config& c) {
    std::string s;
    for_each_axis(c, [&](std::string_view axis, std::string_view value) {
        if (!s.empty()) s += ',';
        s.append(axis).append("=").append(value);
    });
    return s;
}

/// Whether the kernel code of this combination could exist at all: freezing, or thawing the userspace holder,
/// calls freeze_super/thaw_super with a holder argument.
constexpr bool needs_holder_api(const config& c) { return c.freeze.freezes || c.thaw_userspace.may_thaw; }

}  // namespace daxfail

#endif
