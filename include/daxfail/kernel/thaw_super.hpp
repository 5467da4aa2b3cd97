// thaw_super(sb, who) — fs/super.c; v6.1-v6.5 (no holders), v6.6-v6.7 (a thaw
// that leaves another holder returns 0), v6.8+ (counts; such a thaw drops the
// count but returns -EINVAL), 6.12.111+ stable (such a thaw returns 0).
#ifndef DAXFAIL_KERNEL_THAW_SUPER_HPP
#define DAXFAIL_KERNEL_THAW_SUPER_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>

#include <string>

namespace daxfail::kernel {

/// Releases one freeze reference of `who`; `by` names the caller. The hold
/// dropped is the most recent one of that holder, whoever took it: the kernel
/// only counts holders, it cannot tell xfs_scrub's kernel freeze from ours.
inline int thaw_super(detail::kernel_context& ctx, freeze_holder who, const std::string& by) {
    auto& sb = ctx.w.mp.sb;
    std::string dropped;
    auto result = [&](int rc) {
        ctx.step("thaw_super", holder_name(who) + " by " + by + " = " + err::name(rc) +
                                   (dropped.empty() ? std::string{} : ", dropped the freeze of " + dropped));
        return rc;
    };
    if (!sb.frozen()) return result(-err::einval);
    auto note = [&] {
        if (dropped != by) ctx.out.foreign_thaws.push_back({dropped, by});
    };
    if (ctx.cfg.freeze_api == freeze_api_kind::no_holders) {
        dropped = sb.holds.back().owner;
        sb.holds.clear();
        note();
        return result(0);
    }
    auto it = sb.holds.end();
    for (auto i = sb.holds.begin(); i != sb.holds.end(); ++i)
        if (i->holder == who) it = i;
    const auto api = ctx.cfg.freeze_api;
    if (it == sb.holds.end())  // freeze_dec drops nothing; only the stable fix calls that success
        return result(api == freeze_api_kind::holder_counts_nested_thaw_ok ? 0 : -err::einval);
    dropped = it->owner;
    sb.holds.erase(it);
    note();
    if (api == freeze_api_kind::holder_counts && sb.frozen()) return result(-err::einval);
    return result(0);
}

}  // namespace daxfail::kernel

#endif
