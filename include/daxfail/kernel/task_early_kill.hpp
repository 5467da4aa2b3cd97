// task_early_kill / find_early_kill_thread — mm/memory-failure.c (v6.1 to
// v6.14): with force_early, the process of `current` yields `current`;
// otherwise the first thread that opted into early kill with
// PR_MCE_KILL_EARLY, or that follows vm.memory_failure_early_kill.
#ifndef DAXFAIL_KERNEL_TASK_EARLY_KILL_HPP
#define DAXFAIL_KERNEL_TASK_EARLY_KILL_HPP

#include <daxfail/detail/context.hpp>

namespace daxfail::kernel {

inline const thread* find_early_kill_thread(const detail::kernel_context& ctx, const task& tsk) {
    for (const auto& t : tsk.threads) {
        if (t.mce_process) {
            if (t.mce_early) return &t;
        } else if (ctx.w.early_kill_sysctl) {
            return &t;
        }
    }
    return nullptr;
}

inline const thread* task_early_kill(const detail::kernel_context& ctx, const task& tsk, bool force_early) {
    if (!tsk.mm) return nullptr;
    // Compare mm, not task: current may be any thread of the process.
    if (force_early && ctx.current_mm() == tsk.mm) return ctx.find_thread(ctx.ev.current_tid);
    return find_early_kill_thread(ctx, tsk);
}

}  // namespace daxfail::kernel

#endif
