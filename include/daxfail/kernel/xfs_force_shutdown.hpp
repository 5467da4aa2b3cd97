// xfs_force_shutdown -> xfs_do_force_shutdown — fs/xfs/xfs_fsops.c (v6.1 to
// v6.14): the first caller wins, later calls are silent no-ops; the reason
// phrase is chosen by flag. Log lines carry the caller's symbol, not its
// offset or file:line.
#ifndef DAXFAIL_KERNEL_XFS_FORCE_SHUTDOWN_HPP
#define DAXFAIL_KERNEL_XFS_FORCE_SHUTDOWN_HPP

#include <daxfail/detail/context.hpp>

#include <string>

namespace daxfail::kernel {

/// The phrase xfs_do_force_shutdown logs for a set of flags.
inline std::string shutdown_reason(u32 flags) {
    if (flags & shutdown_flag::log_io_error) return "Log I/O Error";
    if (flags & shutdown_flag::corrupt_incore) return "Corruption of in-memory data";
    if (flags & shutdown_flag::corrupt_ondisk) return "Corruption of on-disk metadata";
    if (flags & shutdown_flag::device_removed) return "Block device removal";
    return "Metadata I/O Error";
}

inline void xfs_force_shutdown(detail::kernel_context& ctx, u32 flags, const std::string& caller) {
    // Yield: the shutdown takes m_sb_lock and forces the log; faults still see the filesystem alive until it is set.
    ctx.yield("xfs_force_shutdown", [&] { return detail::hex(flags); });
    auto& mp = ctx.w.mp;
    if (mp.shutdown_flags != 0) {
        ctx.step("xfs_force_shutdown", detail::hex(flags) + " from " + caller + ": already shut down, no-op");
        return;
    }
    ctx.step("xfs_force_shutdown", detail::hex(flags) + " from " + caller);
    mp.shutdown_flags = flags;
    if (flags & shutdown_flag::force_umount) ctx.xfs_log(log_level::alert, "User initiated shutdown received.");
    ctx.xfs_log(log_level::alert, shutdown_reason(flags) + " (" + detail::hex(flags) + ") detected at " + caller +
                                      ".  Shutting down filesystem.");
    ctx.xfs_log(log_level::alert, "Please unmount the filesystem and rectify the problem(s)");
}

}  // namespace daxfail::kernel

#endif
