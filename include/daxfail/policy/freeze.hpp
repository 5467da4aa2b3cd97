// How xfs_dax_notify_failure keeps new mappings from being created while it
// revokes the old ones on MF_MEM_PRE_REMOVE (A17). Before the patch nothing is
// frozen. v12 loops on freeze_super(KERNEL) with 100 ms sleeps until it succeeds
// (a shut-down filesystem never freezes, so unbind hangs). Review of v12 asked to
// return the error instead. v13 continued on -EBUSY and returned other errors. v14
// and the merged version (v6.8+) try once, carry on unfrozen and remember whether
// they froze. A fallback proposed on the list re-sends the event without
// MF_MEM_PRE_REMOVE when the freeze fails.
#ifndef DAXFAIL_POLICY_FREEZE_HPP
#define DAXFAIL_POLICY_FREEZE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class freeze_strategy { none, loop_until_frozen, return_ebusy, ebusy_continues, proceed_and_remember, fallback_without_pre_remove };

constexpr std::string_view value_name(freeze_strategy v) noexcept {
    switch (v) {
        case freeze_strategy::none: return "none";
        case freeze_strategy::loop_until_frozen: return "loop_until_frozen";
        case freeze_strategy::return_ebusy: return "return_ebusy";
        case freeze_strategy::ebusy_continues: return "ebusy_continues";
        case freeze_strategy::proceed_and_remember: return "proceed_and_remember";
        case freeze_strategy::fallback_without_pre_remove: return "fallback_without_pre_remove";
    }
    return "?";
}

constexpr std::string_view axis_name(freeze_strategy) noexcept { return "freeze"; }

namespace freeze {
/// no freeze (pre-patch, Debian 6.1)
struct none : detail::policy_tag<axis::freeze, freeze_strategy::none> {};
/// retry every 100 ms until frozen (v12)
struct loop_until_frozen : detail::policy_tag<axis::freeze, freeze_strategy::loop_until_frozen> {};
/// one attempt; on failure return its error, do nothing else (review of v12)
struct return_ebusy : detail::policy_tag<axis::freeze, freeze_strategy::return_ebusy> {};
/// one attempt; -EBUSY carries on unfrozen, other errors are returned (v13)
struct ebusy_continues : detail::policy_tag<axis::freeze, freeze_strategy::ebusy_continues> {};
/// one attempt; carry on either way, remember whether we froze (v14, v6.8+)
struct proceed_and_remember : detail::policy_tag<axis::freeze, freeze_strategy::proceed_and_remember> {};
/// one attempt; on failure continue as a plain notification without MF_MEM_PRE_REMOVE (proposed on the list)
struct fallback_without_pre_remove : detail::policy_tag<axis::freeze, freeze_strategy::fallback_without_pre_remove> {};
}  // namespace freeze

/// Satisfied by the freeze:: policies.
template <class P>
concept freeze_policy = detail::policy_on<P, axis::freeze>;

}  // namespace daxfail

#endif
