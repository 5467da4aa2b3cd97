// delay(ticks) — fs/xfs/xfs_linux.h: schedule_timeout_uninterruptible (all
// versions). The only place model time passes; other freezers scheduled in
// the world let go of their freeze here.
#ifndef DAXFAIL_KERNEL_DELAY_HPP
#define DAXFAIL_KERNEL_DELAY_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/thaw_super.hpp>

#include <algorithm>
#include <string>

namespace daxfail::kernel {

inline void delay(detail::kernel_context& ctx, u64 ms) {
    // Yield: the task sleeps (schedule_timeout_uninterruptible); anyone may run meanwhile.
    ctx.yield("delay", [&] { return std::to_string(ms) + " ms"; });
    ctx.step("delay", std::to_string(ms) + " ms, uninterruptible");
    ctx.now_ms += ms;
    // Each due thaw is taken out of the world before it runs: thaw_super yields, and under the explorer another
    // path's delay() may look at (and change) the same list meanwhile.
    for (;;) {
        auto& pending = ctx.w.scheduled_thaws;
        auto due = std::find_if(pending.begin(), pending.end(), [&](const scheduled_thaw& t) { return t.at_ms <= ctx.now_ms; });
        if (due == pending.end()) break;
        const scheduled_thaw t = *due;
        pending.erase(due);
        thaw_super(ctx, t.holder, t.owner);
    }
}

}  // namespace daxfail::kernel

#endif
