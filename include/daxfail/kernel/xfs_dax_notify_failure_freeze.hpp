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

namespace daxfail::kernel {

inline constexpr const char* notify_failure_owner = "xfs_dax_notify_failure";

/// What the caller does after trying to freeze.
struct freeze_result {
    bool proceed = true;        ///< false: return `rc` at once
    int rc = 0;
    bool kernel_frozen = false; ///< this path holds a kernel freeze
    int mf_flags = 0;           ///< flags to carry on with (the fallback drops MF_MEM_PRE_REMOVE)
};

inline freeze_result xfs_dax_notify_failure_freeze(detail::kernel_context& ctx, int mf_flags) {
    ctx.step("xfs_dax_notify_failure_freeze", std::string(value_name(ctx.cfg.freeze)));
    auto emerg = [&](int rc) { ctx.xfs_log(log_level::emerg, "already frozen by kernel, err=" + std::to_string(rc)); };
    switch (ctx.cfg.freeze) {
        case freeze_strategy::none:
            return {true, 0, false, mf_flags};
        case freeze_strategy::loop_until_frozen:
            // v12: HZ/10 uninterruptible sleeps until the freeze succeeds. Only another actor can make a
            // retry succeed; once none is left, every retry meets the state the last one failed on.
            for (;;) {
                const int rc = freeze_super(ctx, freeze_holder::kernel, notify_failure_owner);
                if (rc == 0) break;
                if (ctx.w.scheduled_thaws.empty())
                    throw detail::stop_run{end_state::no_progress,
                                           "freeze_super keeps returning " + err::name(rc) +
                                               " every 100 ms and nothing left in the world can change that (at " +
                                               std::to_string(ctx.now_ms) + " ms of model time)"};
                delay(ctx, 100);
            }
            return {true, 0, true, mf_flags};
        case freeze_strategy::return_ebusy: {
            const int rc = freeze_super(ctx, freeze_holder::kernel, notify_failure_owner);
            return {rc == 0, rc, rc == 0, mf_flags};
        }
        case freeze_strategy::ebusy_continues: {
            const int rc = freeze_super(ctx, freeze_holder::kernel, notify_failure_owner);
            if (rc != 0) emerg(rc);
            if (rc != 0 && rc != -err::ebusy) return {false, rc, false, mf_flags};
            return {true, 0, rc == 0, mf_flags};
        }
        case freeze_strategy::proceed_and_remember: {
            const int rc = freeze_super(ctx, freeze_holder::kernel, notify_failure_owner);
            if (rc != 0) emerg(rc);
            return {true, 0, rc == 0, mf_flags};
        }
        case freeze_strategy::fallback_without_pre_remove: {
            const int rc = freeze_super(ctx, freeze_holder::kernel, notify_failure_owner);
            if (rc == 0) return {true, 0, true, mf_flags};
            ctx.step("xfs_dax_notify_failure_freeze", "freeze failed, continuing without MF_MEM_PRE_REMOVE");
            return {true, 0, false, mf_flags & ~mf::mem_pre_remove};
        }
    }
    return {true, 0, false, mf_flags};
}

/// `kernel_frozen` is whether this path froze; thaw::in_callee (v12) thaws the kernel holder regardless.
inline void xfs_dax_notify_failure_thaw(detail::kernel_context& ctx, bool kernel_frozen) {
    ctx.step("xfs_dax_notify_failure_thaw", std::string(value_name(ctx.cfg.thaw)));
    if (kernel_frozen || ctx.cfg.thaw == thaw_placement::in_callee) {
        const int rc = thaw_super(ctx, freeze_holder::kernel, notify_failure_owner);
        if (rc != 0) ctx.xfs_log(log_level::emerg, "still frozen after notify failure, err=" + std::to_string(rc));
    }
    // "anyway, because the device is about to be removed": lets the mount be unmounted.
    if (ctx.cfg.thaw_userspace == thaw_userspace_kind::anyway)
        thaw_super(ctx, freeze_holder::userspace, notify_failure_owner);
}

}  // namespace daxfail::kernel

#endif
