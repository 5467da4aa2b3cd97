// xfs_dax_notify_failure(dax_dev, offset, len, mf_flags) — the XFS
// ->notify_failure holder op, fs/xfs/xfs_notify_failure.c, v6.1 to v6.14 and
// the v12 patch: SB_BORN, external log, realtime device, rmapbt, range
// translation, then the per-group scan. log_device, rt_device, rmap_source,
// range_math and (for v12's freeze placement) thaw choose the version.
#ifndef DAXFAIL_KERNEL_XFS_DAX_NOTIFY_FAILURE_HPP
#define DAXFAIL_KERNEL_XFS_DAX_NOTIFY_FAILURE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/xfs_dax_notify_ddev_failure.hpp>
#include <daxfail/kernel/xfs_dax_notify_failure_freeze.hpp>
#include <daxfail/kernel/xfs_dax_translate_range.hpp>
#include <daxfail/kernel/xfs_force_shutdown.hpp>

#include <string>

namespace daxfail::kernel {

inline int xfs_dax_notify_failure(detail::kernel_context& ctx, std::size_t dev, u64 offset, u64 len, int mf_flags) {
    ctx.step("xfs_dax_notify_failure", "offset " + detail::hex(offset) + " len " + detail::hex(len) +
                                           (mf_flags & mf::mem_pre_remove ? " MF_MEM_PRE_REMOVE" : ""));
    auto& mp = ctx.w.mp;
    const auto& cfg = ctx.cfg;
    const bool pre_remove = (mf_flags & mf::mem_pre_remove) != 0;
    if (!mp.sb.born) {
        ctx.xfs_log(log_level::warning, "filesystem is not ready for notify_failure()!");
        return -err::eio;
    }
    // v6.0-v6.13 (Debian 6.1, 6.12) refuse the realtime device before looking at the log; v6.14 looks at the
    // log first. Validation refuses a log and a realtime section on one pmem device, so the order is not
    // observable.
    const bool on_rt = mp.rt && mp.rt->target.device == dev;
    if (on_rt && !cfg.rt_device.scans_rtgroups) {
        // xfs_debug: compiled out of production kernels, so not a log line.
        ctx.step("xfs_dax_notify_failure", "realtime device not supported: -EOPNOTSUPP");
        return -err::eopnotsupp;
    }
    if (mp.log && mp.log->device == dev) {
        // v6.14 (f4ed93037966) first checks the range against the log.
        const bool checked = cfg.log_device.checks_range;
        if (checked) {
            u64 daddr = 0, bblen = 0;
            // The external log is modelled as filling its device (sb_logblocks x blocksize = nr_bytes).
            if (int rc = xfs_dax_translate_range(ctx, *mp.log, mp.log->nr_bytes, offset, len, daddr, bblen)) return rc;
        }
        if (!cfg.log_device.corrupt(pre_remove)) {
            ctx.step("xfs_dax_notify_failure", "external log on pre-remove: nothing to do");
            return 0;
        }
        ctx.xfs_log(log_level::err, "ondisk log corrupt, shutting down fs!");
        // The symbol the message prints (shutdown_caller policy: Debian 7.2's build inlines the log function).
        xfs_force_shutdown(ctx, shutdown_flag::corrupt_ondisk,
                           std::string(cfg.shutdown_caller.symbol(checked ? "xfs_dax_notify_logdev_failure"
                                                                          : "xfs_dax_notify_failure")));
        return -err::efscorrupted;
    }
    const xfs_section* sec = on_rt ? &*mp.rt : &mp.data;  // rtgroups (v6.14): the realtime section's own rmap
    const u64 fs_bytes = sec->blocks * mp.blocksize;
    auto no_rmapbt = [&] {
        if (cfg.rmap_source.lookup(sec->has_rmapbt) != rmap_lookup::not_supported) return false;
        ctx.step("xfs_dax_notify_failure", "no reverse map: -EOPNOTSUPP");  // xfs_debug, not printed
        return true;
    };
    // 7.x translates first (range_math's checked_before_rmapbt): a range outside is -ENXIO even without rmapbt.
    const bool translate_first = cfg.range_math.checked_before_rmapbt;
    if (!translate_first && no_rmapbt()) return -err::eopnotsupp;
    u64 daddr = 0, bblen = 0;
    if (int rc = xfs_dax_translate_range(ctx, sec->target, fs_bytes, offset, len, daddr, bblen)) return rc;
    if (translate_first && no_rmapbt()) return -err::eopnotsupp;

    bool frozen_here = false;
    if (pre_remove && cfg.thaw.freeze_in == freeze_site::notify_failure) {
        // v12 froze here, after the translation, and thawed in the callee.
        ctx.xfs_log(log_level::info, "device is about to be removed!");
        const auto fr = xfs_dax_notify_failure_freeze(ctx, mf_flags);
        if (!fr.proceed) return fr.rc;
        frozen_here = fr.kernel_frozen;
        mf_flags = fr.mf_flags;
    }
    return xfs_dax_notify_ddev_failure(ctx, *sec, daddr, bblen, mf_flags, frozen_here);
}

}  // namespace daxfail::kernel

#endif
