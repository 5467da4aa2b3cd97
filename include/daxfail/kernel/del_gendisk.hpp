// del_gendisk(disk) — block/genhd.c, after kill_dax in pmem's release path.
// Debian 6.1 (read in 6.1.192): for the disk and each of its partitions,
// fsync_bdev (sync_filesystem of a filesystem on it) and __invalidate_device
// (shrink_dcache_sb, then invalidate_inodes: every inode nobody holds is
// evicted, its DAX entries deleted), and nothing else happens to the
// filesystem; both find it through get_super, so only for the data device. From v6.6 (fs_bdev_mark_dead; read in 6.12.117) the disk is
// marked dead: sync_filesystem, shrink_dcache_sb, evict_inodes, then XFS's
// ->shutdown forces SHUTDOWN_DEVICE_REMOVED, a silent no-op when the
// notification already shut it down (del_gendisk policy); XFS opens its log
// and realtime devices with the same holder ops, so their removal does the
// same (confirmed by the oracle on realtime_without_rmapbt). Either way the
// device's struct pages still exist here (they go when pmem's devm actions
// run), so the evictions are clean. The world has no open files: an inode
// nobody maps counts as held by nobody.
#ifndef DAXFAIL_KERNEL_DEL_GENDISK_HPP
#define DAXFAIL_KERNEL_DEL_GENDISK_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/sync_filesystem.hpp>
#include <daxfail/kernel/xfs_force_shutdown.hpp>

#include <string>

namespace daxfail::kernel {

inline bool filesystem_uses(const xfs_mount& mp, std::size_t dev) {
    return mp.data.target.device == dev || (mp.log && mp.log->device == dev) || (mp.rt && mp.rt->target.device == dev);
}

/// invalidate_inodes (6.1) / evict_inodes (6.6+) after the dentries nobody uses are gone: in-core inodes that no
/// task maps are evicted, their DAX entries deleted.
inline void evict_unused_inodes(detail::kernel_context& ctx, const char* how) {
    for (auto& [number, ip] : ctx.w.inodes) {
        const u64 ino = number;  // clang 14 cannot capture structured bindings
        if (!ip.in_core || !ctx.vmas_of(ino).empty()) continue;
        if (!ip.cache.empty())
            ctx.step(how, [&] { return "ino " + std::to_string(ino) + ": evicted, its entries deleted"; });
        ip.cache.clear();
        ip.in_core = false;
    }
}

inline void del_gendisk(detail::kernel_context& ctx, std::size_t dev) {
    ctx.step("del_gendisk", ctx.w.devices[dev].name);
    if (ctx.cfg.del_gendisk.shuts_down_filesystem) {
        if (!filesystem_uses(ctx.w.mp, dev)) return;
        (void)sync_filesystem(ctx);  // fs_bdev_mark_dead: not a surprise removal
        evict_unused_inodes(ctx, "evict_inodes");
        // xfs_fs_shutdown tail-calls xfs_do_force_shutdown: the message names fs_bdev_mark_dead.
        xfs_force_shutdown(ctx, shutdown_flag::device_removed, "fs_bdev_mark_dead");
    } else {
        if (ctx.w.mp.data.target.device != dev) return;
        (void)sync_filesystem(ctx);  // fsync_bdev
        evict_unused_inodes(ctx, "invalidate_inodes");
    }
}

}  // namespace daxfail::kernel

#endif
