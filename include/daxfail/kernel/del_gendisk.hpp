// del_gendisk(disk) — block/genhd.c, after kill_dax in pmem's release path.
// Debian 6.1: syncs and invalidates the block device only. From v6.6
// (fs_bdev_mark_dead; read in 6.12.117, the first release is inferred from
// the patch dates) the disk is marked dead: the filesystem is synced, then
// XFS's ->shutdown forces SHUTDOWN_DEVICE_REMOVED, a silent no-op when the
// notification already shut it down (del_gendisk policy). That the log and
// realtime devices take the same path is not verified.
#ifndef DAXFAIL_KERNEL_DEL_GENDISK_HPP
#define DAXFAIL_KERNEL_DEL_GENDISK_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/sync_filesystem.hpp>
#include <daxfail/kernel/xfs_force_shutdown.hpp>

namespace daxfail::kernel {

inline bool filesystem_uses(const xfs_mount& mp, std::size_t dev) {
    return mp.data.target.device == dev || (mp.log && mp.log->device == dev) || (mp.rt && mp.rt->target.device == dev);
}

inline void del_gendisk(detail::kernel_context& ctx, std::size_t dev) {
    ctx.step("del_gendisk", ctx.w.devices[dev].name);
    if (ctx.cfg.del_gendisk == del_gendisk_kind::device_removed_shutdown && filesystem_uses(ctx.w.mp, dev)) {
        (void)sync_filesystem(ctx);  // fs_bdev_mark_dead, not a surprise removal
        xfs_force_shutdown(ctx, shutdown_flag::device_removed, "xfs_fs_shutdown");
    }
}

}  // namespace daxfail::kernel

#endif
