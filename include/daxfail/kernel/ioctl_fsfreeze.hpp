// ioctl_fsfreeze / ioctl_fsthaw — fs/ioctl.c (FIFREEZE / FITHAW; v6.1: no
// holder, v6.6+: FREEZE_HOLDER_USERSPACE; reference §4.6). The caller has
// CAP_SYS_ADMIN and XFS has no ->freeze_super, so the generic one runs.
#ifndef DAXFAIL_KERNEL_IOCTL_FSFREEZE_HPP
#define DAXFAIL_KERNEL_IOCTL_FSFREEZE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/freeze_super.hpp>
#include <daxfail/kernel/thaw_super.hpp>

#include <string>

namespace daxfail::kernel {

/// FIFREEZE by `who` (xfs_freeze -f): freeze_super for the userspace holder.
inline int ioctl_fsfreeze(detail::kernel_context& ctx, const std::string& who) {
    ctx.step("ioctl_fsfreeze", "FIFREEZE by " + who);
    return freeze_super(ctx, freeze_holder::userspace, who);
}

/// FITHAW by `who` (xfs_freeze -u): thaw_super for the userspace holder.
inline int ioctl_fsthaw(detail::kernel_context& ctx, const std::string& who) {
    ctx.step("ioctl_fsthaw", "FITHAW by " + who);
    return thaw_super(ctx, freeze_holder::userspace, who);
}

}  // namespace daxfail::kernel

#endif
