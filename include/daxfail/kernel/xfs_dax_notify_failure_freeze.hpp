// xfs_dax_notify_failure_freeze / xfs_dax_notify_failure_thaw —
// fs/xfs/xfs_notify_failure.c: v12 (loop, unconditional kernel thaw), v13,
// v14, merged fa422b353d21 (v6.8-v6.13), v6.14; the freeze and thaw policies
// choose which. Only called on MF_MEM_PRE_REMOVE.
#ifndef DAXFAIL_KERNEL_XFS_DAX_NOTIFY_FAILURE_FREEZE_HPP
#define DAXFAIL_KERNEL_XFS_DAX_NOTIFY_FAILURE_FREEZE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/delay.hpp>
#include <daxfail/kernel/freeze_super.hpp>
#include <daxfail/kernel/thaw_super.hpp>

#include <string>

namespace daxfail::detail {
// A retry policy that still asks to retry after ten minutes of model time, or 100,000 attempts, with nothing left
// in the world to change freeze_super's answer, is taken to retry forever (v12's loop does). Ten minutes is five
// times the hung-task timeout; asking further ahead costs every run of a looping variant for nothing.
inline constexpr u64 freeze_retry_horizon_ms = 10ull * 60 * 1000;
inline constexpr unsigned freeze_retry_horizon_attempts = 100'000;
}  // namespace daxfail::detail

namespace daxfail::kernel {

inline constexpr const char* notify_failure_owner = "xfs_dax_notify_failure";

/// One freeze_super(KERNEL) attempt, with who holds the freeze after it.
inline void attempt_freeze(detail::kernel_context& ctx, freeze_attempt& attempt) {
    attempt.rc = freeze_super(ctx, freeze_holder::kernel, notify_failure_owner);
    attempt.userspace_holds = false;
    attempt.kernel_holds = 0;
    for (const auto& h : ctx.w.mp.sb.holds) {
        if (h.holder == freeze_holder::userspace) attempt.userspace_holds = true;
        else ++attempt.kernel_holds;
    }
}

/// What the caller does after trying to freeze.
struct freeze_result {
    bool proceed = true;        ///< false: return `rc` at once
    int rc = 0;
    bool kernel_frozen = false; ///< this path holds a kernel freeze
    int mf_flags = 0;           ///< flags to carry on with (the fallback drops MF_MEM_PRE_REMOVE)
};

/// The freeze policy decides after each freeze_super attempt; retries sleep in delay(), where scheduled thaws
/// run (and, under the explorer, other actors may run at freeze_super and delay). When no other actor can act before the sleep ends (no scheduled thaw, or a retry without
/// sleeping, which lets no model time pass), every retry meets the answer the last one got, so the policy (a
/// pure function of the attempt) is asked ahead how long it keeps retrying, and the sleeps are taken as one.
/// After a successful attempt every answer means carry on frozen: the path cannot return while holding a
/// freeze nobody releases, and must not freeze twice.
inline freeze_result xfs_dax_notify_failure_freeze(detail::kernel_context& ctx, int mf_flags) {
    const auto& policy = ctx.cfg.freeze;
    ctx.step("xfs_dax_notify_failure_freeze", std::string(policy.name));
    if (!policy.freezes) return {true, 0, false, mf_flags};
    using action = freeze_decision::action;
    freeze_attempt attempt;
    attempt_freeze(ctx, attempt);
    freeze_decision d = policy.after_attempt(attempt);
    while (d.what == action::retry && attempt.rc != 0) {
        // Another actor (under the explorer) can act at any yield; a scheduled thaw only while time passes.
        const bool actors = ctx.hook && ctx.hook->others_may_act();
        const bool others_can_act = !ctx.w.scheduled_thaws.empty();
        if (actors || (others_can_act && d.retry_after_ms != 0)) {
            delay(ctx, d.retry_after_ms);
            attempt.waited_ms += d.retry_after_ms;
            ++attempt.attempts;
            attempt_freeze(ctx, attempt);
            d = policy.after_attempt(attempt);
            continue;
        }
        // Retries during which nothing can change freeze_super's answer: asked ahead, taken as one.
        auto unchanging = [&](const freeze_decision& x) {
            return x.what == action::retry && !actors && (!others_can_act || x.retry_after_ms == 0);
        };
        freeze_attempt ahead = attempt;
        freeze_decision next = d;
        while (unchanging(next) && ahead.waited_ms < detail::freeze_retry_horizon_ms &&
               ahead.attempts < detail::freeze_retry_horizon_attempts) {
            ahead.waited_ms += next.retry_after_ms;
            ++ahead.attempts;
            next = policy.after_attempt(ahead);
        }
        if (unchanging(next)) {
            if (others_can_act)
                throw detail::stop_run{end_state::no_progress,
                                       "freeze_super keeps returning " + err::name(attempt.rc) +
                                           " and the freeze policy retries without sleeping, so no model time "
                                           "passes for the scheduled thaw (at " + std::to_string(ctx.now_ms) +
                                           " ms of model time)"};
            throw detail::stop_run{end_state::no_progress,
                                   "freeze_super keeps returning " + err::name(attempt.rc) + " every " +
                                       std::to_string(d.retry_after_ms) +
                                       " ms and nothing left in the world can change that (at " +
                                       std::to_string(ctx.now_ms) + " ms of model time)"};
        }
        ctx.step("xfs_dax_notify_failure_freeze",
                 std::to_string(ahead.attempts - attempt.attempts) + " more attempts would each return " +
                     err::name(attempt.rc) + " (nothing left in the world can change it); their sleeps taken as one");
        if (ahead.waited_ms != attempt.waited_ms) delay(ctx, ahead.waited_ms - attempt.waited_ms);
        attempt = ahead;
        d = next;
    }
    if (d.log_already_frozen) ctx.xfs_log(log_level::emerg, "already frozen by kernel, err=" + std::to_string(attempt.rc));
    if (attempt.rc == 0) return {true, 0, true, mf_flags};
    switch (d.what) {
        case action::proceed:
        case action::retry: return {true, 0, false, mf_flags};  // not reached: a failed attempt's retry loops
        case action::return_error: return {false, d.rc != 0 ? d.rc : attempt.rc, false, mf_flags};
        case action::proceed_without_pre_remove:
            ctx.step("xfs_dax_notify_failure_freeze", "freeze failed, continuing without MF_MEM_PRE_REMOVE");
            return {true, 0, false, mf_flags & ~mf::mem_pre_remove};
    }
    return {true, 0, false, mf_flags};
}

/// `kernel_frozen` is whether this path froze; the thaw policy says whether the kernel holder is thawed (v12
/// thaws it regardless), the thaw_userspace policy whether a userspace freeze is dropped too.
inline void xfs_dax_notify_failure_thaw(detail::kernel_context& ctx, bool kernel_frozen) {
    ctx.step("xfs_dax_notify_failure_thaw", std::string(ctx.cfg.thaw.name));
    if (ctx.cfg.thaw.thaw_kernel(kernel_frozen)) {
        const int rc = thaw_super(ctx, freeze_holder::kernel, notify_failure_owner);
        if (rc != 0) ctx.xfs_log(log_level::emerg, "still frozen after notify failure, err=" + std::to_string(rc));
    }
    // "anyway, because the device is about to be removed": lets the mount be unmounted.
    freeze_holders_left left;
    for (const auto& h : ctx.w.mp.sb.holds) {
        if (h.holder == freeze_holder::userspace) left.userspace = true;
        else ++left.kernel_holds;
    }
    if (ctx.cfg.thaw_userspace.may_thaw && ctx.cfg.thaw_userspace.drops_userspace_freeze(left)) thaw_super(ctx, freeze_holder::userspace, notify_failure_owner);
}

}  // namespace daxfail::kernel

#endif
