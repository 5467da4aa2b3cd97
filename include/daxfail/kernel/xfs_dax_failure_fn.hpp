// xfs_dax_failure_fn(cur, rec, data) — fs/xfs/xfs_notify_failure.c, v6.1 to
// v6.14: metadata records ask for a shutdown (skipped on pre-remove from v12),
// cached inodes get mf_dax_kill_procs (DAX only from v12) and, on pre-remove
// from v12, invalidate_inode_pages2_range.
#ifndef DAXFAIL_KERNEL_XFS_DAX_FAILURE_FN_HPP
#define DAXFAIL_KERNEL_XFS_DAX_FAILURE_FN_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/invalidate_inode_pages2_range.hpp>
#include <daxfail/kernel/mf_dax_kill_procs.hpp>
#include <daxfail/kernel/xfs_failure_pgoff.hpp>

#include <string>

namespace daxfail::kernel {

inline int xfs_dax_failure_fn(detail::kernel_context& ctx, const rmap_record& rec, xfs_failure_info& notify) {
    const bool pre_remove = (notify.mf_flags & mf::mem_pre_remove) != 0;
    auto what = [&] {
        return rmap_owner::name(rec.owner) + " blocks " + std::to_string(rec.startblock) + "+" +
               std::to_string(rec.blockcount);
    };
    if (rmap_owner::is_non_inode(rec.owner) || rec.attr_fork || rec.bmbt_block) {
        if (!ctx.cfg.metadata_record.wants_shutdown(pre_remove)) {
            ctx.step("xfs_dax_failure_fn", [&] { return what() + ": metadata, skipped on pre-remove"; });
            return 0;
        }
        ctx.step("xfs_dax_failure_fn", [&] { return what() + ": metadata, want_shutdown"; });
        notify.want_shutdown = true;
        return 0;
    }
    const inode* ip = ctx.find_inode(rec.owner);
    if (!ip || !ip->in_core) {
        ctx.step("xfs_dax_failure_fn", [&] { return what() + ": xfs_iget(INCORE) = -ENODATA, not cached"; });
        return 0;
    }
    if (ip->reclaiming) {
        ctx.step("xfs_dax_failure_fn", [&] { return what() + ": xfs_iget(INCORE) = -EAGAIN, want_shutdown"; });
        notify.want_shutdown = true;
        return 0;
    }
    const u64 pgoff = xfs_failure_pgoff(ctx.w.mp.blocksize, rec, notify);
    const u64 pgcnt = xfs_failure_pgcnt(ctx.w.mp.blocksize, rec, notify);
    ctx.step("xfs_dax_failure_fn", [&] { return what() + ": pgoff " + std::to_string(pgoff) + " pgcnt " + std::to_string(pgcnt); });
    int error = 0;
    if (ctx.cfg.non_dax_inode.kill_procs(ip->dax))
        error = mf_dax_kill_procs(ctx, rec.owner, pgoff, pgcnt, notify.mf_flags);
    if (ctx.cfg.invalidate.invalidates(pre_remove))
        invalidate_inode_pages2_range(ctx, rec.owner, pgoff, pgoff + pgcnt - 1);  // result ignored
    return error;
}

}  // namespace daxfail::kernel

#endif
