// xfs_failure_pgoff / xfs_failure_pgcnt — fs/xfs/xfs_notify_failure.c
// (identical v6.0 to v6.14): the file page range of an rmap record that
// falls inside the notified block range, in xfs_agblock_t (u32) arithmetic.
#ifndef DAXFAIL_KERNEL_XFS_FAILURE_PGOFF_HPP
#define DAXFAIL_KERNEL_XFS_FAILURE_PGOFF_HPP

#include <daxfail/world.hpp>

#include <algorithm>

namespace daxfail::kernel {

/// struct xfs_failure_info: the notified range inside one group.
struct xfs_failure_info {
    u32 startblock = 0;
    u32 blockcount = 0;
    int mf_flags = 0;
    bool want_shutdown = false;
};

inline u64 fsb_to_b(u64 blocks, u32 blocksize) { return blocks * blocksize; }

inline u64 xfs_failure_pgoff(u32 blocksize, const rmap_record& rec, const xfs_failure_info& notify) {
    u64 pos = fsb_to_b(rec.offset, blocksize);
    if (notify.startblock > rec.startblock) pos += fsb_to_b(u32(notify.startblock - rec.startblock), blocksize);
    return pos >> page_shift;
}

inline u64 xfs_failure_pgcnt(u32 blocksize, const rmap_record& rec, const xfs_failure_info& notify) {
    const u32 start = std::max(rec.startblock, notify.startblock);
    const u32 end = std::min(u32(rec.startblock + rec.blockcount), u32(notify.startblock + notify.blockcount));
    return fsb_to_b(u32(end - start), blocksize) >> page_shift;
}

}  // namespace daxfail::kernel

#endif
