// sync_filesystem(sb) — fs/sync.c with XFS's ->sync_fs (v6.1 to v6.14):
// write back every inode (DAX writeback clears the dirty tags whether or not
// the filesystem is shut down), then force the log, which fails with -EIO on
// a shut-down XFS (6.12 fs/sync.c sync_filesystem: the pass with wait=0 is a
// no-op for XFS and for DAX writeback, so the dirty entries are written back
// by sync_inodes_sb before the failing xfs_log_force). Writeback ignoring the
// shutdown is derived from xfs_dax_writepages, not observed. The step says how
// many dirty pages became clean.
#ifndef DAXFAIL_KERNEL_SYNC_FILESYSTEM_HPP
#define DAXFAIL_KERNEL_SYNC_FILESYSTEM_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>

#include <string>

namespace daxfail::kernel {

inline int sync_filesystem(detail::kernel_context& ctx) {
    u64 cleaned = 0;  // pages whose dirty entries sync_inodes_sb wrote back, shut down or not
    for (auto& [ino, ip] : ctx.w.inodes) {
        for (const auto& r : ip.cache)
            if (r.value.dirty) cleaned += r.last - r.first + 1;
        ip.cache.update(0, u64_max, [](cache_entry& e) { e.dirty = false; });
    }
    const int rc = ctx.w.mp.shutdown_flags != 0 ? -err::eio : 0;
    std::string text = err::name(rc);
    if (cleaned)
        text += " (" + std::to_string(cleaned) + " dirty pages written back, now clean" +
                (rc ? std::string("; then the log force failed on the shut-down filesystem)") : std::string(")"));
    ctx.step("sync_filesystem", text);
    return rc;
}

}  // namespace daxfail::kernel

#endif
