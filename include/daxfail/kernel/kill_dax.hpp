// kill_dax(dax_dev) — drivers/dax/super.c (v6.0 to v6.14): tell the holder the
// whole device is going (flags 0 up to v6.7 and in Debian 6.1,
// MF_MEM_PRE_REMOVE from v12 / v6.8), ignore the answer, then clear
// DAXDEV_ALIVE, wait for SRCU readers and forget the holder.
#ifndef DAXFAIL_KERNEL_KILL_DAX_HPP
#define DAXFAIL_KERNEL_KILL_DAX_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/dax_holder_notify_failure.hpp>

namespace daxfail::kernel {

inline void kill_dax(detail::kernel_context& ctx, std::size_t dev) {
    ctx.step("kill_dax", ctx.w.devices[dev].name);
    if (ctx.w.devices[dev].has_holder) {
        const int flags = ctx.cfg.kill_dax_flags.notify_flags();
        (void)dax_holder_notify_failure(ctx, dev, 0, u64_max, flags);  // result ignored
    }
    // Yield: before DAXDEV_ALIVE is cleared, faults still reach the device through dax_direct_access.
    ctx.yield("kill_dax", [] { return std::string("clear DAXDEV_ALIVE"); });
    auto& d = ctx.w.devices[dev];
    d.alive = false;
    ctx.step("synchronize_srcu", "dax_srcu");
    d.has_holder = false;
    d.holder_ops = false;
}

}  // namespace daxfail::kernel

#endif
