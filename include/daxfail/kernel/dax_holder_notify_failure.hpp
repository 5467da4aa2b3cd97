// dax_holder_notify_failure(dax_dev, off, len, mf_flags) — drivers/dax/super.c
// (identical v6.0 to v6.14): -ENXIO once the device is dead, -EOPNOTSUPP
// without holder ops, else the holder's ->notify_failure.
#ifndef DAXFAIL_KERNEL_DAX_HOLDER_NOTIFY_FAILURE_HPP
#define DAXFAIL_KERNEL_DAX_HOLDER_NOTIFY_FAILURE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/xfs_dax_notify_failure.hpp>

namespace daxfail::kernel {

inline int dax_holder_notify_failure(detail::kernel_context& ctx, std::size_t dev, u64 off, u64 len, int mf_flags) {
    const auto& d = ctx.w.devices[dev];
    int rc = 0;
    if (!d.alive) rc = -err::enxio;
    else if (!d.has_holder || !d.holder_ops) rc = -err::eopnotsupp;
    else rc = xfs_dax_notify_failure(ctx, dev, off, len, mf_flags);
    ctx.step("dax_holder_notify_failure", d.name + " = " + err::name(rc));
    ctx.out.notify_returns.push_back(rc);
    return rc;
}

}  // namespace daxfail::kernel

#endif
