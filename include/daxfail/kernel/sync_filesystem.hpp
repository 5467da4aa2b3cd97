// sync_filesystem(sb) — fs/sync.c with XFS's ->sync_fs (v6.1 to v6.14):
// write back every inode (DAX writeback clears the dirty tags whether or not
// the filesystem is shut down), then force the log, which fails with -EIO on
// a shut-down XFS. Writeback ignoring the shutdown is derived from
// xfs_dax_writepages, not observed.
#ifndef DAXFAIL_KERNEL_SYNC_FILESYSTEM_HPP
#define DAXFAIL_KERNEL_SYNC_FILESYSTEM_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>

namespace daxfail::kernel {

inline int sync_filesystem(detail::kernel_context& ctx) {
    for (auto& [ino, ip] : ctx.w.inodes) ip.cache.update(0, u64_max, [](cache_entry& e) { e.dirty = false; });
    const int rc = ctx.w.mp.shutdown_flags != 0 ? -err::eio : 0;
    ctx.step("sync_filesystem", err::name(rc));
    return rc;
}

}  // namespace daxfail::kernel

#endif
