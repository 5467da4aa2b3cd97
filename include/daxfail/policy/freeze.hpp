// Axis `freeze`: how xfs_dax_notify_failure keeps new mappings from being
// created while it revokes the old ones on MF_MEM_PRE_REMOVE. Before the
// patch nothing is frozen. v12 loops on freeze_super(KERNEL) with 100 ms sleeps
// until it succeeds (a shut-down read-write filesystem never freezes: the
// freeze's sync forces the log, which fails with -EIO; so unbind hangs).
// Review of v12 asked to return the error instead. v13 continued on -EBUSY and
// returned other errors. v14 and the merged version (v6.8+) try once, carry on
// unfrozen and remember whether they froze. A fallback proposed on the list
// re-sends the event without MF_MEM_PRE_REMOVE when the freeze fails.
//
// The decision: after each freeze_super attempt the path asks the policy what
// to do. A policy never sleeps itself; it asks for a retry after some time, and
// the kernel path sleeps (delay(), where other actors run). It must be a pure
// function of the attempt: when nothing left in the world can change
// freeze_super's answer the model replays the retries without running them.
//
// What the kernel can see at this point (xfs_dax_notify_failure_freeze(mp),
// called once by xfs_dax_notify_ddev_failure; xfs_dax_notify_dev_failure in
// 7.2): freeze_super's rc and the superblock behind mp. From v6.8 a userspace
// freeze is joined (rc 0) and -EBUSY means another KERNEL hold (6.12, 7.2).
// `attempts` and `waited_ms` are what a retrying path counts itself.
// `userspace_holds` and `kernel_holds` are s_writers.freeze_ucount and
// freeze_kcount from v6.8 (v6.6-v6.7's freeze_holders bits: not verified),
// stable only under s_umount, which freeze_super has dropped; 6.1 has one
// anonymous freeze (s_writers.frozen) and no holder. Not in reach: who is
// behind a count (FIFREEZE and block-device freezes are both USERSPACE).
//
//     struct my_freeze {                       // satisfies daxfail::freeze_policy
//         using axis = daxfail::axis::freeze;
//         static constexpr std::string_view name = "my_freeze";
//         static constexpr bool freezes = true;  // calls freeze_super at all
//         static daxfail::freeze_decision after_attempt(const daxfail::freeze_attempt&);
//     };
#ifndef DAXFAIL_POLICY_FREEZE_HPP
#define DAXFAIL_POLICY_FREEZE_HPP

#include <daxfail/detail/decision.hpp>
#include <daxfail/detail/policy_base.hpp>
#include <daxfail/errno.hpp>

#include <cstdint>
#include <string_view>

namespace daxfail {

namespace axis {
struct freeze;  // described at the end of this header
}

/// What one freeze_super(sb, FREEZE_HOLDER_KERNEL) attempt told the pre-remove path.
struct freeze_attempt {
    int rc = 0;                   ///< freeze_super's result; 0: this path now holds a kernel freeze
    std::uint64_t waited_ms = 0;  ///< time slept in retries before this attempt
    unsigned attempts = 1;        ///< attempts so far, this one included
    // Who holds the superblock's freeze after the attempt (v6.8+: s_writers.freeze_ucount, freeze_kcount):
    bool userspace_holds = false;  ///< FREEZE_HOLDER_USERSPACE (FIFREEZE, xfs_freeze)
    unsigned kernel_holds = 0;     ///< FREEZE_HOLDER_KERNEL freezes, this path's own included
};

/// What the pre-remove path does after an attempt.
struct freeze_decision {
    enum class action {
        proceed,                    ///< carry on; frozen iff the attempt returned 0
        return_error,               ///< return the attempt's rc from the notification at once
        retry,                      ///< sleep retry_after_ms (uninterruptible), then attempt again
        proceed_without_pre_remove  ///< carry on as a plain memory failure (MF_MEM_PRE_REMOVE dropped)
    };
    action what = action::proceed;
    std::uint64_t retry_after_ms = 0;
    bool log_already_frozen = false;  ///< xfs_emerg "already frozen by kernel, err=%d" first
    int rc = 0;                       ///< with return_error: the error to return instead of the attempt's (0: the attempt's)

    static constexpr freeze_decision proceed(bool log = false) { return {action::proceed, 0, log}; }
    static constexpr freeze_decision return_error(bool log = false) { return {action::return_error, 0, log}; }
    /// Return `error` (negative) from the notification at once, whatever the attempt returned: "-EBUSY after a
    /// timeout" when the last attempt met another holder's -EBUSY or anything else.
    static constexpr freeze_decision fail_with(int error, bool log = false) {
        return {action::return_error, 0, log, error};
    }
    static constexpr freeze_decision retry(std::uint64_t ms) { return {action::retry, ms, false}; }
    static constexpr freeze_decision proceed_without_pre_remove() { return {action::proceed_without_pre_remove, 0, false}; }
    friend constexpr bool operator==(const freeze_decision&, const freeze_decision&) = default;
};

/// A freeze policy as the model runs it.
struct freeze_ops {
    std::string_view name;
    bool freezes;
    detail::decision<freeze_decision(const freeze_attempt&)> after_attempt;
    friend constexpr bool operator==(const freeze_ops&, const freeze_ops&) = default;
};

namespace freeze {
using decision = freeze_decision;
/// no freeze (pre-patch, Debian 6.1)
struct none : detail::policy_tag<axis::freeze, "none"> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
    static constexpr bool freezes = false;
    static constexpr decision after_attempt(const freeze_attempt&) { return decision::proceed(); }
};
/// retry every 100 ms until frozen (v12)
struct loop_until_frozen : detail::policy_tag<axis::freeze, "loop_until_frozen"> {
    static constexpr policy_source source = detail::known_sources::v12_only;
    static constexpr bool freezes = true;
    static constexpr decision after_attempt(const freeze_attempt& a) {
        return a.rc == 0 ? decision::proceed() : decision::retry(100);  // delay(HZ / 10)
    }
};
/// one attempt; on failure return its error, do nothing else (review of v12)
struct return_ebusy : detail::policy_tag<axis::freeze, "return_ebusy"> {
    static constexpr policy_source source = detail::known_sources::v12_reviewed;
    static constexpr bool freezes = true;
    static constexpr decision after_attempt(const freeze_attempt& a) {
        return a.rc == 0 ? decision::proceed() : decision::return_error();
    }
};
/// one attempt; -EBUSY carries on unfrozen, other errors are returned (v13)
struct ebusy_continues : detail::policy_tag<axis::freeze, "ebusy_continues"> {
    static constexpr policy_source source{
        "proposed on the list", "", "[PATCH v13] mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind",
        "linux-xfs, 23 Aug 2023, Shiyang Ruan, \"[PATCH v13] mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind\": "
        "carry on when another holder has the kernel freeze",
        "20230823081706.2970430-1-ruansy.fnst@fujitsu.com"};
    static constexpr bool freezes = true;
    static constexpr decision after_attempt(const freeze_attempt& a) {
        if (a.rc == 0) return decision::proceed();
        return a.rc == -err::ebusy ? decision::proceed(true) : decision::return_error(true);
    }
};
/// one attempt; carry on either way, remember whether we froze (v14, v6.8+)
struct proceed_and_remember : detail::policy_tag<axis::freeze, "proceed_and_remember"> {
    static constexpr policy_source source{
        "v6.8", "fa422b353d21", detail::known_sources::pre_remove_subject,
        "linux-xfs, 23 Aug 2023, Darrick J. Wong, \"Re: [PATCH v13] mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for "
        "unbind\": remember whether the freeze returned 0, and keep going on any error",
        "20230823233601.GH11263@frogsfrogsfrogs"};
    static constexpr bool freezes = true;
    static constexpr decision after_attempt(const freeze_attempt& a) { return decision::proceed(a.rc != 0); }
};
/// one attempt; on failure continue as a plain notification without MF_MEM_PRE_REMOVE (proposed on the list)
struct fallback_without_pre_remove : detail::policy_tag<axis::freeze, "fallback_without_pre_remove"> {
    static constexpr policy_source source{
        "proposed on the list", "", detail::known_sources::v12_subject,
        "linux-xfs, 31 Jul 2023, Darrick J. Wong, \"Re: [PATCH v12 2/2] mm, pmem, xfs: Introduce MF_MEM_REMOVE for "
        "unbind\": if MF_MEM_PRE_REMOVE fails with -EBUSY, call it again without it and let it kill processes",
        "20230801032542.GK11352@frogsfrogsfrogs"};
    static constexpr bool freezes = true;
    static constexpr decision after_attempt(const freeze_attempt& a) {
        return a.rc == 0 ? decision::proceed() : decision::proceed_without_pre_remove();
    }
};
}  // namespace freeze

namespace detail {
template <class P>
concept freeze_has_freezes = requires {
    requires detail::constant_of<P, bool, &P::freezes>;
};
template <class P>
concept freeze_has_after_attempt = requires {
    { &P::after_attempt } -> std::convertible_to<decltype(freeze_ops::after_attempt)::plain_function>;
};
}  // namespace detail

/// A freeze policy: `bool freezes` and `freeze_decision after_attempt(const freeze_attempt&)`.
template <class P>
concept freeze_policy = detail::policy_on<P, axis::freeze> && detail::freeze_has_freezes<P> &&
                        detail::freeze_has_after_attempt<P>;

namespace axis {
struct freeze {
    static constexpr std::string_view name = "freeze";
    using ops = freeze_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::freeze::none;
    using builtins = detail::type_list<daxfail::freeze::none, daxfail::freeze::loop_until_frozen,
                                       daxfail::freeze::return_ebusy, daxfail::freeze::ebusy_continues,
                                       daxfail::freeze::proceed_and_remember,
                                       daxfail::freeze::fallback_without_pre_remove>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::freeze_has_freezes<P>,
                      "daxfail: this freeze policy needs `static constexpr bool freezes` (does it call freeze_super?)");
        static_assert(detail::freeze_has_after_attempt<P>,
                      "daxfail: this freeze policy needs `static freeze_decision after_attempt(const freeze_attempt&)`");
        if constexpr (!freeze_policy<P>) return ops{};
        else return {P::name, P::freezes, detail::decision_of<decltype(ops::after_attempt), P>(&P::after_attempt)};
    }
    struct field;  // config::freeze: defined below, where make() is complete
};
struct freeze::field {
    ops freeze = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
