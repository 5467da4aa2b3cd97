// collect_procs_fsdax(page, mapping, pgoff, to_kill[, pre_remove]) —
// mm/memory-failure.c: v6.0-v6.7 and Debian 6.1 use task_early_kill(tsk, 1);
// v12 and v6.8+ take every thread-group leader on MF_MEM_PRE_REMOVE
// (collector policy). add_to_kill drops a VMA without a live PTE at the page.
#ifndef DAXFAIL_KERNEL_COLLECT_PROCS_FSDAX_HPP
#define DAXFAIL_KERNEL_COLLECT_PROCS_FSDAX_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/task_early_kill.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace daxfail::kernel {

/// VMAs of `ino` covering `pgoff` in the address space `mm`, in interval-tree order.
inline std::vector<const vma*> vmas_of_mm_at(const world& w, u64 mm, u64 ino, u64 pgoff) {
    std::vector<const vma*> found;
    for (const auto& t : w.tasks) {
        if (t.mm != mm) continue;
        for (const auto& v : t.vmas)
            if (v.ino == ino && pgoff >= v.pgoff && pgoff - v.pgoff < v.pages) found.push_back(&v);
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const vma* a, const vma* b) { return a->pgoff != b->pgoff ? a->pgoff < b->pgoff : a->start < b->start; });
    return found;
}

/// Victims for page `pgoff` of `ino`; `all_leaders` is the pre-remove collector.
inline std::vector<detail::to_kill> collect_procs(detail::kernel_context& ctx, u64 ino, u64 pgoff, bool all_leaders) {
    std::vector<detail::to_kill> victims;
    for (const auto& tsk : ctx.w.tasks) {
        const thread* t = all_leaders ? (tsk.threads.empty() ? nullptr : &tsk.threads.front())
                                      : task_early_kill(ctx, tsk, true);
        if (!t || !tsk.mm) continue;  // a kernel thread's NULL mm matches no VMA
        for (const vma* v : vmas_of_mm_at(ctx.w, *tsk.mm, ino, pgoff)) {
            const u64 addr = v->start + ((pgoff - v->pgoff) << page_shift);
            const int size_shift = v->present.count(pgoff) ? static_cast<int>(page_shift) : 0;
            if (size_shift == 0) continue;  // no live PTE: add_to_kill drops it
            victims.push_back({t->tid, t->comm, addr, size_shift});
        }
    }
    std::string who;
    for (const auto& v : victims) who += (who.empty() ? "" : ", ") + v.comm + ":" + std::to_string(v.tid);
    ctx.step("collect_procs_fsdax", "ino " + std::to_string(ino) + " pgoff " + std::to_string(pgoff) +
                                        (all_leaders ? " (all tasks)" : " (early kill)") + ": " +
                                        (who.empty() ? "nobody" : who));
    return victims;
}

inline std::vector<detail::to_kill> collect_procs_fsdax(detail::kernel_context& ctx, u64 ino, u64 pgoff, bool pre_remove) {
    return collect_procs(ctx, ino, pgoff, pre_remove && ctx.cfg.collector == collector_kind::all_mapping_tasks);
}

}  // namespace daxfail::kernel

#endif
