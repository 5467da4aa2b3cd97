// xfs_dax_translate_range — fs/xfs/xfs_notify_failure.c: a function of its
// own from v6.14; before that the same arithmetic sat inline in
// xfs_dax_notify_failure (R0 v6.0-v6.4, R1 v6.5-v6.7 and Debian 6.1.112+,
// R2 = R1 plus the whole-device case in v12 and v6.8+). u64 throughout, with
// the kernel's wraps.
#ifndef DAXFAIL_KERNEL_XFS_DAX_TRANSLATE_RANGE_HPP
#define DAXFAIL_KERNEL_XFS_DAX_TRANSLATE_RANGE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>

#include <string>

namespace daxfail::kernel {

using range_math::btobb;

/// Translates a dax-device byte range into daddr/bblen on `bt`; -ENXIO when outside. The arithmetic is the
/// range_math policy's (the built-ins' is range_math::translate_inline). The length it clamps to is the block
/// device's (bdev_nr_bytes, v6.0-v6.x) or, under range_math's `length_is_filesystem` (7.x: bt_nr_sectors), the
/// filesystem's own `fs_bytes` on that device.
inline int xfs_dax_translate_range(detail::kernel_context& ctx, const buftarg& bt, u64 fs_bytes, u64 offset, u64 len,
                                   u64& daddr, u64& bblen) {
    const u64 length = ctx.cfg.range_math.length_is_filesystem ? fs_bytes : bt.nr_bytes;
    const auto r = ctx.cfg.range_math.translate(bt.part_off, length, offset, len);
    switch (r.result) {
        case range_translation::outcome::ends_before_fs:
            ctx.step("xfs_dax_translate_range", "range ends before the filesystem: -ENXIO");
            return -err::enxio;
        case range_translation::outcome::starts_after_fs:
            ctx.step("xfs_dax_translate_range", "range starts after the filesystem: -ENXIO");
            return -err::enxio;
        case range_translation::outcome::ok: break;
    }
    daddr = r.daddr;
    bblen = r.bblen;
    ctx.step("xfs_dax_translate_range", "daddr " + detail::hex(daddr) + " bblen " + detail::hex(bblen));
    return 0;
}

}  // namespace daxfail::kernel

#endif
