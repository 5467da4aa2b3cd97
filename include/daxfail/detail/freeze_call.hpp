// What freeze_super and thaw_super share, so that a freeze reference's
// trace reads the same on the way in and out: both start by taking s_umount
// for writing (a yield point, named by the holder), and both log their
// return as "<holder> by <caller> = <rc>". Users never name this.
#ifndef DAXFAIL_DETAIL_FREEZE_CALL_HPP
#define DAXFAIL_DETAIL_FREEZE_CALL_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/world.hpp>

#include <string>

namespace daxfail::detail {

/// The yield at the entry of `function` (freeze_super or thaw_super) for `who`; the superblock whose s_umount
/// it takes.
inline super_block& enter_freeze_call(kernel_context& ctx, const char* function, freeze_holder who) {
    ctx.yield(function, [&] { return holder_name(who); });
    return ctx.w.mp.sb;
}

/// The trace detail of a freeze_super or thaw_super return: "kernel by xfs_scrub = -EBUSY".
inline std::string freeze_call_detail(freeze_holder who, const std::string& caller, int rc) {
    return holder_name(who) + " by " + caller + " = " + err::name(rc);
}

}  // namespace daxfail::detail

#endif
