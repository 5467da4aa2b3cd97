// xfs_dax_notify_ddev_failure (v6.0-v6.13, Debian 6.1) / xfs_dax_notify_dev_failure
// (v6.14, also rtgroups) — fs/xfs/xfs_notify_failure.c: per-group rmap query
// over the translated range, then the shutdown decision, then (v13+) the thaw.
// A shut-down mount fails the first AGF read with -EIO, so nothing is queried;
// the realtime groups of v6.14 read no AGF (not verified further).
// The range_math policy picks each version's end key, blockcount formula and
// group-loop bound; freeze/thaw/shutdown policies pick the patch revision.
#ifndef DAXFAIL_KERNEL_XFS_DAX_NOTIFY_DDEV_FAILURE_HPP
#define DAXFAIL_KERNEL_XFS_DAX_NOTIFY_DDEV_FAILURE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/xfs_dax_failure_fn.hpp>
#include <daxfail/kernel/xfs_dax_notify_failure_freeze.hpp>
#include <daxfail/kernel/xfs_force_shutdown.hpp>
#include <daxfail/kernel/xfs_rmap_query_range.hpp>

#include <algorithm>
#include <string>

namespace daxfail::kernel {

/// sb_agblklog: bits of a group block number inside an fsbno.
inline u32 group_block_log(u32 group_blocks) {
    u32 log = 0;
    while ((u64{1} << log) < group_blocks) ++log;
    return log;
}

/// Blocks in group `g` (the last group may be short).
inline u32 group_length(const xfs_section& s, u32 g) {
    const u64 first = u64{g} * s.group_blocks;
    return static_cast<u32>(std::min<u64>(s.group_blocks, s.blocks - first));
}

/// `frozen_by_caller`: v12 froze in xfs_dax_notify_failure before calling us.
inline int xfs_dax_notify_ddev_failure(detail::kernel_context& ctx, const xfs_section& sec, u64 daddr, u64 bblen,
                                       int mf_flags, bool frozen_by_caller) {
    const auto& cfg = ctx.cfg;
    // v6.14's rtgroups commit (799e7e6566df) renamed the function when it made it serve both kinds of group.
    const char* const self = cfg.rt_device.scans_rtgroups ? "xfs_dax_notify_dev_failure" : "xfs_dax_notify_ddev_failure";
    ctx.step(self, "daddr " + detail::hex(daddr) + " bblen " + detail::hex(bblen) +
                       (mf_flags & mf::mem_pre_remove ? " MF_MEM_PRE_REMOVE" : ""));
    bool kernel_frozen = frozen_by_caller;
    if ((mf_flags & mf::mem_pre_remove) && cfg.thaw.freeze_in == freeze_site::ddev_failure) {
        ctx.xfs_log(log_level::info, "Device is about to be removed!");
        const auto fr = xfs_dax_notify_failure_freeze(ctx, mf_flags);
        if (!fr.proceed) return fr.rc;
        kernel_frozen = fr.kernel_frozen;
        mf_flags = fr.mf_flags;
    }
    // The empty transaction cannot fail here (no allocation failure is modelled).

    const u32 blklog = group_block_log(sec.group_blocks);
    const u32 bb_per_block_log = group_block_log(ctx.w.mp.blocksize >> 9);
    auto daddr_to_fsb = [&](u64 d) {
        const u64 block = d >> bb_per_block_log;
        const u32 g = static_cast<u32>(block / sec.group_blocks);
        const u32 gbno = static_cast<u32>(block % sec.group_blocks);
        return (u64{g} << blklog) | gbno;
    };
    const u64 gbno_mask = (u64{1} << blklog) - 1;
    const auto& math = cfg.range_math;
    u64 fsbno = daddr_to_fsb(daddr);
    const u64 end_fsbno = daddr_to_fsb(math.last_daddr(daddr, bblen));
    u32 group = static_cast<u32>(fsbno >> blklog);
    const u32 end_group = static_cast<u32>(end_fsbno >> blklog);

    xfs_failure_info notify;
    notify.mf_flags = mf_flags;
    int error = 0;
    for (;; ++group) {
        if (group > end_group) break;
        if (group >= sec.group_count) {
            if (math.stops_at_last_group) break;
            throw detail::stop_run{end_state::oops,
                                   "NULL pointer dereference: xfs_perag_get(" + std::to_string(group) +
                                       ") returned NULL (agcount " + std::to_string(sec.group_count) +
                                       "), dereferenced by xfs_alloc_read_agf"};
        }
        if (&sec == &ctx.w.mp.data && ctx.w.mp.shutdown_flags != 0) {
            // xfs_alloc_read_agf -> xfs_trans_read_buf: every buffer read of a shut-down mount returns -EIO
            // (v6.0+, Debian 6.1 and 6.12), so the walk ends before its first rmap query.
            ctx.step("xfs_alloc_read_agf", "group " + std::to_string(group) + ": -EIO, the filesystem is shut down");
            error = -err::eio;
            break;
        }
        const u32 low = static_cast<u32>(fsbno & gbno_mask);
        const u32 high = group == end_group ? static_cast<u32>(end_fsbno & gbno_mask) : 0xFFFFFFFFu;
        const u32 length = group_length(sec, group);
        const u32 count = math.blockcount(length, high, low);
        notify.startblock = low;
        notify.blockcount = count;
        ctx.step(self, "group " + std::to_string(group) + " startblock " + std::to_string(low) + " blockcount " +
                           std::to_string(count));
        error = xfs_rmap_query_range(ctx, sec, group, low, high,
                                     [&](const rmap_record& r) { return xfs_dax_failure_fn(ctx, r, notify); });
        if (error) break;
        if (group == 0xFFFFFFFFu) break;
        fsbno = u64{group + 1} << blklog;
    }

    const bool pre_remove = (mf_flags & mf::mem_pre_remove) != 0;
    // The symbol the shutdown message prints (shutdown_caller policy: Debian 6.1's build inlines this function).
    const std::string caller(cfg.shutdown_caller.symbol(self));
    switch (cfg.shutdown.after_scan({error, notify.want_shutdown, pre_remove})) {
        case shutdown_action::none: break;
        case shutdown_action::corrupt_ondisk:
            xfs_force_shutdown(ctx, shutdown_flag::corrupt_ondisk, caller);
            if (!error) error = -err::efscorrupted;
            break;
        case shutdown_action::force_umount:
            xfs_force_shutdown(ctx, shutdown_flag::force_umount, caller);  // the scan's error is kept
            break;
    }
    if (pre_remove) xfs_dax_notify_failure_thaw(ctx, kernel_frozen);
    return error;
}

}  // namespace daxfail::kernel

#endif
