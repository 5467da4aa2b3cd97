// thaw_super(sb, who) — fs/super.c; v6.1-v6.5 (no holders), v6.6-v6.7 (a thaw
// that leaves another holder returns 0), v6.8+ (counts; such a thaw drops the
// count but returns -EINVAL), 6.12.111+ stable (such a thaw returns 0): the
// freeze_api policy's rules say which.
#ifndef DAXFAIL_KERNEL_THAW_SUPER_HPP
#define DAXFAIL_KERNEL_THAW_SUPER_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/detail/freeze_call.hpp>
#include <daxfail/errno.hpp>

#include <string>

namespace daxfail::kernel {

/// Releases one freeze reference of `who`; `by` names the caller. The hold
/// dropped is the most recent one of that holder, whoever took it: the kernel
/// only counts holders, it cannot tell xfs_scrub's kernel freeze from ours.
inline int thaw_super(detail::kernel_context& ctx, freeze_holder who, const std::string& by) {
    // Yield: thaw_super takes s_umount (down_write); another freezer may go first.
    auto& sb = detail::enter_freeze_call(ctx, "thaw_super", who);
    std::string dropped;
    auto result = [&](int rc) {
        ctx.step("thaw_super", detail::freeze_call_detail(who, by, rc) +
                                   (dropped.empty() ? std::string{} : ", dropped the freeze of " + dropped));
        return rc;
    };
    if (!sb.frozen()) return result(-err::einval);
    auto note = [&] {
        if (dropped != by) ctx.out.foreign_thaws.push_back({dropped, by});
    };
    const auto& api = ctx.cfg.freeze_api;
    if (!api.per_holder) {
        dropped = sb.holds.back().owner;
        sb.holds.clear();
        note();
        return result(0);
    }
    auto it = sb.holds.end();
    for (auto i = sb.holds.begin(); i != sb.holds.end(); ++i)
        if (i->holder == who) it = i;
    if (it == sb.holds.end()) return result(api.thaw_without_hold_rc);  // freeze_dec drops nothing
    dropped = it->owner;
    sb.holds.erase(it);
    note();
    if (sb.frozen()) return result(api.thaw_leaving_holders_rc);
    return result(0);
}

}  // namespace daxfail::kernel

#endif
