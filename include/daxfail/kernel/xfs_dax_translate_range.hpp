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

/// BTOBB: bytes to 512-byte basic blocks, rounding up (wraps near U64_MAX like the macro).
constexpr u64 btobb(u64 bytes) noexcept { return (bytes + 511) >> 9; }

/// Translates a dax-device byte range into daddr/bblen on `bt`; -ENXIO when outside.
inline int xfs_dax_translate_range(detail::kernel_context& ctx, const buftarg& bt, u64 offset, u64 len, u64& daddr,
                                   u64& bblen) {
    const auto math = ctx.cfg.range_math;
    const u64 start = bt.part_off;
    const u64 end = start + bt.nr_bytes - 1;
    if ((math == range_math_kind::merged || math == range_math_kind::v6_14) && offset == 0 && len == u64_max) {
        offset = start;  // the whole device means the whole filesystem part of it
        len = bt.nr_bytes;
    }
    const bool r0 = math == range_math_kind::v6_0;
    if (r0 ? offset + len < start : offset + len - 1 < start) {
        ctx.step("xfs_dax_translate_range", "range ends before the filesystem: -ENXIO");
        return -err::enxio;
    }
    if (offset > end) {
        ctx.step("xfs_dax_translate_range", "range starts after the filesystem: -ENXIO");
        return -err::enxio;
    }
    if (offset > start) {
        offset -= start;
    } else {
        len -= start - offset;
        offset = 0;
    }
    if (r0) {
        if (offset + len > end) len -= end - offset;  // R0's clamp: should have been end - offset + 1
    } else if (offset + len - 1 > end) {
        len = end - offset + 1;
    }
    daddr = btobb(offset);
    bblen = btobb(len);
    ctx.step("xfs_dax_translate_range", "daddr " + detail::hex(daddr) + " bblen " + detail::hex(bblen));
    return 0;
}

}  // namespace daxfail::kernel

#endif
