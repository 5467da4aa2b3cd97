// Where the kernel freeze is released (A19/A20). v12 froze in
// xfs_dax_notify_failure and thawed, unconditionally, in
// xfs_dax_notify_ddev_failure; review asked to thaw in the function that froze,
// and from v13 on the kernel holder is thawed only if this path froze it.
#ifndef DAXFAIL_POLICY_THAW_HPP
#define DAXFAIL_POLICY_THAW_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class thaw_placement { in_callee, where_frozen };

constexpr std::string_view value_name(thaw_placement v) noexcept {
    switch (v) {
        case thaw_placement::in_callee: return "in_callee";
        case thaw_placement::where_frozen: return "where_frozen";
    }
    return "?";
}

constexpr std::string_view axis_name(thaw_placement) noexcept { return "thaw"; }

namespace thaw {
/// freeze in xfs_dax_notify_failure, thaw(KERNEL) always in the callee (v12)
struct in_callee : detail::policy_tag<axis::thaw, thaw_placement::in_callee> {};
/// freeze and thaw in xfs_dax_notify_ddev_failure, thaw(KERNEL) iff we froze (v13+, v6.8+)
struct where_frozen : detail::policy_tag<axis::thaw, thaw_placement::where_frozen> {};
}  // namespace thaw

/// Satisfied by the thaw:: policies.
template <class P>
concept thaw_policy = detail::policy_on<P, axis::thaw>;

}  // namespace daxfail

#endif
