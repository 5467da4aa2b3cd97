// freeze_super(sb, who) — fs/super.c; v6.1-v6.5 (no holders), v6.6-v6.7 (holder
// bitmask), v6.8+ (holder counts): the freeze_api policy's rules say which.
#ifndef DAXFAIL_KERNEL_FREEZE_SUPER_HPP
#define DAXFAIL_KERNEL_FREEZE_SUPER_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/detail/freeze_call.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/sync_filesystem.hpp>

#include <algorithm>
#include <string>

namespace daxfail::kernel {

/// Freezes the superblock for `who`; `owner` names the caller for the holder record.
inline int freeze_super(detail::kernel_context& ctx, freeze_holder who, const std::string& owner) {
    // Yield: freeze_super takes s_umount (down_write) and the freeze locks; another freezer or a fault may go first.
    auto& sb = detail::enter_freeze_call(ctx, "freeze_super", who);
    const auto& api = ctx.cfg.freeze_api;
    auto result = [&](int rc) {
        ctx.step("freeze_super", detail::freeze_call_detail(who, owner, rc));
        return rc;
    };
    const bool holder_has_one =
        std::any_of(sb.holds.begin(), sb.holds.end(), [&](const freeze_hold& h) { return h.holder == who; });
    if (!api.per_holder) {
        // One anonymous freeze; a freeze in progress is busy too, no waiting.
        if (sb.frozen() || sb.freeze_in_progress) return result(-err::ebusy);
        if (!sb.born && api.unborn_freeze_succeeds) return result(0);  // returns success without freezing
    } else {
        if (sb.frozen()) {
            // Bitmask: our bit already set; counts: our count non-zero without FREEZE_MAY_NEST.
            if (holder_has_one) return result(-err::ebusy);
            sb.holds.push_back({who, owner});  // join the existing freeze
            return result(0);
        }
        if (sb.freeze_in_progress)
            throw detail::stop_run{end_state::blocked,
                                   "freeze_super waits (killable) for a partial freeze that nothing completes"};
        if (!sb.born && api.unborn_freeze_succeeds) return result(0);  // the check v6.8 removed
    }
    if (int rc = sync_filesystem(ctx)) return result(rc);  // back to unfrozen
    sb.holds.push_back({who, owner});
    return result(0);
}

}  // namespace daxfail::kernel

#endif
