// The generation of fs/super.c freeze_super/thaw_super. Up to v6.5:
// one anonymous freeze, a second freeze gets -EBUSY. v6.6-v6.7: one bit per
// holder (KERNEL, USERSPACE), each holder owns a reference, a thaw that leaves
// another holder returns 0. v6.8+: per-holder counts sharing one reference, and
// without FREEZE_MAY_NEST a second freeze by the same holder gets -EBUSY; a
// thaw that leaves another holder drops its count but returns -EINVAL. The
// stable fix "fs: don't return -EINVAL for successful nested thaw" (in Debian's
// 6.12.111 and later; mainline release not verified) makes every thaw that
// leaves a holder return 0, even one by a holder that held nothing. v6.16
// added a freeze owner and may_unfreeze(), which refuses (-EINVAL) a thaw by a
// holder that holds nothing before any count is touched; with the nested-thaw
// fix (its mainline release not established; both are in 7.2) a thaw that
// leaves another holder returns 0.
//
// The decision: fs/super.c's rules as constants the modelled freeze_super and
// thaw_super read: whether freezes are per holder, whether freeze_super of a
// superblock that is not SB_BORN returns 0 without freezing, and what a thaw
// returns when its holder held nothing or when another holder remains.
//
// What the kernel can see at this point (freeze_super(sb, who) and
// thaw_super(sb, who), under s_umount): the freeze level s_writers.frozen,
// SB_BORN (tested by 6.1's freeze_super only), read-only state, `who`, and
// from v6.8 the per-holder counts freeze_kcount and freeze_ucount (6.12, 7.2;
// 7.2 adds freeze_owner for FREEZE_EXCL kernel freezes). The policy is the set
// of constants those functions apply to that state. Not in reach: which caller
// is behind a count (this path and 7.2's suspend are both KERNEL, FIFREEZE and
// block-device freezes both USERSPACE); on 6.1 not even which kind froze.
//
//     struct my_api {                          // satisfies daxfail::freeze_api_policy
//         using axis = daxfail::axis::freeze_api;
//         static constexpr std::string_view name = "my_api";
//         static constexpr bool per_holder = true;
//         static constexpr bool unborn_freeze_succeeds = false;
//         static constexpr int thaw_without_hold_rc = -daxfail::err::einval;
//         static constexpr int thaw_leaving_holders_rc = -daxfail::err::einval;
//     };
#ifndef DAXFAIL_POLICY_FREEZE_API_HPP
#define DAXFAIL_POLICY_FREEZE_API_HPP

#include <daxfail/detail/policy_base.hpp>
#include <daxfail/errno.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct freeze_api;  // described at the end of this header
}

/// A freeze_api policy as the model runs it.
struct freeze_api_ops {
    std::string_view name;
    bool per_holder;               ///< false: one anonymous freeze; any thaw ends it, a second freeze is -EBUSY
    bool unborn_freeze_succeeds;   ///< freeze_super of a !SB_BORN superblock returns 0 without freezing
    int thaw_without_hold_rc;      ///< thaw_super by a holder that holds nothing
    int thaw_leaving_holders_rc;   ///< thaw_super that leaves another holder's freeze
    friend constexpr bool operator==(const freeze_api_ops&, const freeze_api_ops&) = default;
};

namespace freeze_api {
/// freeze_super(sb)/thaw_super(sb) (<= v6.5, Debian 6.1)
struct no_holders : detail::policy_tag<axis::freeze_api, "no_holders"> {
    static constexpr policy_source source{
        "before v6.6", "", "freeze_super(sb) and thaw_super(sb): one freeze, no holders (read in Debian 6.1.192)", "",
        ""};
    static constexpr bool per_holder = false;
    static constexpr bool unborn_freeze_succeeds = true;
    static constexpr int thaw_without_hold_rc = 0;     // not reached: any thaw ends the one freeze
    static constexpr int thaw_leaving_holders_rc = 0;  // not reached
};
/// freeze_holders bitmask (v6.6-v6.7)
struct holder_bitmask : detail::policy_tag<axis::freeze_api, "holder_bitmask"> {
    static constexpr policy_source source{
        "v6.6", "880b9577855e", "fs: distinguish between user initiated freeze and kernel initiated freeze", "", ""};
    static constexpr bool per_holder = true;
    static constexpr bool unborn_freeze_succeeds = true;
    static constexpr int thaw_without_hold_rc = -err::einval;
    static constexpr int thaw_leaving_holders_rc = 0;
};
/// freeze_kcount/freeze_ucount (v6.8+)
struct holder_counts : detail::policy_tag<axis::freeze_api, "holder_counts"> {
    static constexpr policy_source source{"v6.8", "7366f8b6fc6a", "fs: handle freezing from multiple devices", "", ""};
    static constexpr bool per_holder = true;
    static constexpr bool unborn_freeze_succeeds = false;  // the dead SB_BORN check is gone
    static constexpr int thaw_without_hold_rc = -err::einval;
    static constexpr int thaw_leaving_holders_rc = -err::einval;  // the count is dropped all the same
};
/// counts, and a thaw that leaves another holder returns 0 (6.12.111+ stable)
struct holder_counts_nested_thaw_ok
    : detail::policy_tag<axis::freeze_api, "holder_counts_nested_thaw_ok"> {
    static constexpr policy_source source{
        "Debian 6.12.111", "", "fs: don't return -EINVAL for successful nested thaw", "", ""};
    static constexpr bool per_holder = true;
    static constexpr bool unborn_freeze_succeeds = false;
    static constexpr int thaw_without_hold_rc = 0;
    static constexpr int thaw_leaving_holders_rc = 0;
};
/// counts with may_unfreeze (v6.16): a holder that holds nothing gets -EINVAL; a thaw that leaves another holder
/// returns 0 (7.2)
struct holder_counts_may_unfreeze
    : detail::policy_tag<axis::freeze_api, "holder_counts_may_unfreeze"> {
    static constexpr policy_source source{"v6.16", "", "fs: add owner of freeze/thaw", "", ""};
    static constexpr bool per_holder = true;
    static constexpr bool unborn_freeze_succeeds = false;
    static constexpr int thaw_without_hold_rc = -err::einval;
    static constexpr int thaw_leaving_holders_rc = 0;
};
}  // namespace freeze_api

namespace detail {
template <class P>
concept freeze_api_has_rules = requires {
    requires detail::constant_of<P, bool, &P::per_holder>;
    requires detail::constant_of<P, bool, &P::unborn_freeze_succeeds>;
    requires detail::constant_of<P, int, &P::thaw_without_hold_rc>;
    requires detail::constant_of<P, int, &P::thaw_leaving_holders_rc>;
};
}  // namespace detail

/// A freeze_api policy: `bool per_holder`, `bool unborn_freeze_succeeds`, `int thaw_without_hold_rc`,
/// `int thaw_leaving_holders_rc`, all static constexpr.
template <class P>
concept freeze_api_policy = detail::policy_on<P, axis::freeze_api> && detail::freeze_api_has_rules<P>;

namespace axis {
struct freeze_api {
    static constexpr std::string_view name = "freeze_api";
    using ops = freeze_api_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::freeze_api::holder_bitmask;
    using builtins = detail::type_list<daxfail::freeze_api::no_holders, daxfail::freeze_api::holder_bitmask,
                                       daxfail::freeze_api::holder_counts,
                                       daxfail::freeze_api::holder_counts_nested_thaw_ok,
                                       daxfail::freeze_api::holder_counts_may_unfreeze>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::freeze_api_has_rules<P>,
                      "daxfail: this freeze_api policy needs static constexpr `bool per_holder`, `bool "
                      "unborn_freeze_succeeds`, `int thaw_without_hold_rc` and `int thaw_leaving_holders_rc`");
        if constexpr (!freeze_api_policy<P>) return ops{};
        else return {P::name, P::per_holder, P::unborn_freeze_succeeds, P::thaw_without_hold_rc, P::thaw_leaving_holders_rc};
    }
    struct field;  // config::freeze_api: defined below, where make() is complete
};
struct freeze_api::field {
    ops freeze_api = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
