// delay(ticks) — fs/xfs/xfs_linux.h: schedule_timeout_uninterruptible (all
// versions). The only place model time passes; other freezers scheduled in
// the world let go of their freeze here.
#ifndef DAXFAIL_KERNEL_DELAY_HPP
#define DAXFAIL_KERNEL_DELAY_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/thaw_super.hpp>

#include <string>

namespace daxfail::kernel {

inline void delay(detail::kernel_context& ctx, u64 ms) {
    // Yield: the task sleeps (schedule_timeout_uninterruptible); anyone may run meanwhile.
    ctx.yield("delay", [&] { return std::to_string(ms) + " ms"; });
    ctx.step("delay", std::to_string(ms) + " ms, uninterruptible");
    ctx.now_ms += ms;
    auto& pending = ctx.w.scheduled_thaws;
    for (auto it = pending.begin(); it != pending.end();) {
        if (it->at_ms > ctx.now_ms) {
            ++it;
            continue;
        }
        thaw_super(ctx, it->holder, it->owner);
        it = pending.erase(it);
    }
}

}  // namespace daxfail::kernel

#endif
