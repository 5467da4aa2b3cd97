// What XFS itself refuses: a filesystem geometry that mkfs.xfs does not make
// or the kernel does not mount. The model would run such a world, but no
// machine can be in it, so validate() refuses it with the limit and its source.
// The values are the same in Debian's 6.1, 6.12 and 7.2 (docs/scenario-format.md,
// "What XFS refuses", lists them with their source lines).
#ifndef DAXFAIL_XFS_LIMITS_HPP
#define DAXFAIL_XFS_LIMITS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/validation_error.hpp>
#include <daxfail/world.hpp>

#include <string>
#include <utility>
#include <vector>

namespace daxfail::xfs_limits {

/// XFS_MIN_AG_BYTES / XFS_MAX_AG_BYTES (libxfs/xfs_fs.h), checked by xfs_validate_sb_common (libxfs/xfs_sb.c).
inline constexpr u64 min_ag_bytes = u64{1} << 24, max_ag_bytes = u64{1} << 40;
/// XFS_MIN_AG_BLOCKS: the last AG may be short, but not shorter (XFS_MIN_DBLOCKS in xfs_validate_sb_common).
inline constexpr u64 min_last_ag_blocks = 64;
/// XFS_MIN_LOG_BLOCKS and XFS_MIN_LOG_BYTES (libxfs/xfs_fs.h): the smallest log xfs_growfs_log accepts
/// (xfs_fsops.c); a mount asks more of a v5 log (xfs_log_calc_minimum_size, which depends on the geometry).
inline constexpr u64 min_log_blocks = 512, min_log_bytes = u64{10} << 20;
/// XFS_MAX_LOG_BLOCKS and XFS_MAX_LOG_BYTES: bigger logs fail xfs_validate_sb_common.
inline constexpr u64 max_log_blocks = u64{1} << 20, max_log_bytes = (u64{2} << 30) - min_log_bytes;
/// XFS_MIN_RTEXTSIZE / XFS_MAX_RTEXTSIZE (libxfs/xfs_format.h). The model's realtime extent is one block.
inline constexpr u64 min_rtext_bytes = 4096, max_rtext_bytes = u64{1} << 30;
/// XFS_MAX_RGBLOCKS (7.2 libxfs/xfs_format.h): a realtime group's blocks fit a signed 32-bit number.
inline constexpr u64 max_rg_blocks = (u64{1} << 31) - 1;

/// Every limit `w`'s filesystem breaks, at the fields that break it (mp.data.group_blocks, mp.log.nr_bytes, ...).
/// A geometry validate() refuses on its own (no groups, blocks outside them) is left to it.
inline void check(const world& w, std::vector<validation_error>& out) {
    using where = world_location::object;
    const auto fail = [&](world_location at, std::string reason) {
        out.push_back(validation_error::in_world(at, std::move(reason)));
    };
    const world_location data{where::section}, log{where::log}, rt{where::section, true};
    const u64 bs = w.mp.blocksize;
    const auto& d = w.mp.data;
    if (d.group_count == 0 || d.group_blocks == 0 || d.blocks == 0 || d.blocks > u64{d.group_count} * d.group_blocks ||
        d.blocks <= u64{d.group_count - 1} * d.group_blocks)
        return;
    const u64 ag_bytes = u64{d.group_blocks} * bs;
    const auto mib = [](u64 b) { return std::to_string(b >> 20) + " MiB"; };
    if (ag_bytes < min_ag_bytes)
        fail(data.at("group_blocks"), std::to_string(d.group_blocks) + " blocks of " + std::to_string(bs) +
                                                   " bytes make " + std::to_string(ag_bytes) +
                                                   "-byte AGs; XFS needs at least 16 MiB (XFS_MIN_AG_BYTES)");
    else if (ag_bytes > max_ag_bytes)
        fail(data.at("group_blocks"), std::to_string(d.group_blocks) + " blocks of " + std::to_string(bs) +
                                                   " bytes make " + mib(ag_bytes) +
                                                   " AGs; XFS allows at most 1 TiB (XFS_MAX_AG_BYTES)");
    if (d.group_count > 1) {
        const u64 last = d.blocks - u64{d.group_count - 1} * d.group_blocks;  // 1..group_blocks (checked above)
        if (last < min_last_ag_blocks)
            fail(data.at("blocks"), "leaves the last AG " + std::to_string(last) +
                                                 " blocks; XFS needs at least 64 (XFS_MIN_AG_BLOCKS)");
    }
    if (w.mp.log) {
        const u64 bytes = w.mp.log->nr_bytes, blocks = bytes / bs;
        if (bytes < min_log_bytes || blocks < min_log_blocks)
            fail(log.at("nr_bytes"), std::to_string(bytes) + " bytes (" + std::to_string(blocks) +
                                                  " blocks) is smaller than the smallest XFS log, 10 MiB and 512 "
                                                  "blocks (XFS_MIN_LOG_BYTES, XFS_MIN_LOG_BLOCKS)");
        else if (bytes > max_log_bytes || blocks > max_log_blocks)
            fail(log.at("nr_bytes"), std::to_string(bytes) + " bytes (" + std::to_string(blocks) +
                                                  " blocks) is larger than the largest XFS log, " +
                                                  std::to_string(max_log_bytes) + " bytes and 1048576 blocks "
                                                  "(XFS_MAX_LOG_BYTES, XFS_MAX_LOG_BLOCKS)");
    }
    if (w.mp.rt) {
        if (bs < min_rtext_bytes)
            fail({where::mount, false, 0, 0, "blocksize"}, std::to_string(bs) + "-byte blocks make " + std::to_string(bs) +
                                               "-byte realtime extents (one block each in daxfail); XFS needs at "
                                               "least 4096 (XFS_MIN_RTEXTSIZE)");
        if (w.mp.rt->group_blocks > max_rg_blocks)
            fail(rt.at("group_blocks"), std::to_string(w.mp.rt->group_blocks) +
                                                     " blocks per realtime group; XFS allows at most 2^31 - 1 "
                                                     "(XFS_MAX_RGBLOCKS)");
    }
}

}  // namespace daxfail::xfs_limits

#endif
