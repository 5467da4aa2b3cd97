// collect_procs_fsdax(page, mapping, pgoff, to_kill[, pre_remove]) —
// mm/memory-failure.c: v6.0-v6.7 and Debian 6.1 use task_early_kill(tsk, 1);
// v12 and v6.8+ take every thread-group leader on MF_MEM_PRE_REMOVE
// (collector policy). add_to_kill drops a VMA without a live mapping at the
// page; size_shift is the mapping's (dev_pagemap_mapping_shift: PTE or PMD).
// The kernel visits every task for every page; the model does that with
// collect_algorithm::per_page_every_task, and otherwise asks an index of who
// maps the file for a run of pages whose victims are all alike.
#ifndef DAXFAIL_KERNEL_COLLECT_PROCS_FSDAX_HPP
#define DAXFAIL_KERNEL_COLLECT_PROCS_FSDAX_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/task_early_kill.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace daxfail::kernel {

/// The thread each task would be signalled through for this notification (null: not a candidate).
inline const std::vector<const thread*>& candidate_threads(detail::kernel_context& ctx, bool all_leaders) {
    auto& cache = ctx.candidates[all_leaders ? 1 : 0];
    if (!cache) {
        cache.emplace();
        for (const auto& tsk : ctx.w.tasks) {
            const thread* t = all_leaders ? (tsk.threads.empty() ? nullptr : &tsk.threads.front())
                                          : task_early_kill(ctx, tsk, true);
            cache->push_back(tsk.mm ? t : nullptr);  // a kernel thread's NULL mm matches no VMA
        }
    }
    return *cache;
}

/// Victims at page `pgoff` of `ino` and the last page up to `limit` for which the same victims (same
/// mappings, same mapping sizes) hold; every mapping in between maps every page or none.
struct collected {
    std::vector<detail::to_kill> victims;
    u64 last = 0;
};

/// The kernel's loop for one page: every task, then the VMAs of the file in that task's mm.
inline collected collect_every_task(detail::kernel_context& ctx, u64 ino, u64 pgoff, bool all_leaders) {
    const auto& threads = candidate_threads(ctx, all_leaders);
    collected c{{}, pgoff};
    for (std::size_t i = 0; i < ctx.w.tasks.size(); ++i) {
        ++ctx.out.cost.page_task_visits;
        const thread* t = threads[i];
        if (!t) continue;
        std::vector<const vma*> found;
        for (const auto& other : ctx.w.tasks) {
            if (other.mm != ctx.w.tasks[i].mm) continue;
            for (const auto& v : other.vmas)
                if (v.ino == ino && pgoff >= v.pgoff && pgoff - v.pgoff < v.pages) found.push_back(&v);
        }
        std::stable_sort(found.begin(), found.end(), [](const vma* a, const vma* b) {
            return a->pgoff != b->pgoff ? a->pgoff < b->pgoff : a->start < b->start;
        });
        for (const vma* v : found)
            if (auto r = v->present.find(pgoff))
                c.victims.push_back({t->tid, t->comm, v->start + ((pgoff - v->pgoff) << page_shift),
                                     mapping_shift(r->value), ctx.mapper_id(ino, i, v)});
    }
    return c;
}

/// The same victims from the index of who maps the file, and how far they stay alike.
inline collected collect_indexed(detail::kernel_context& ctx, u64 ino, u64 pgoff, u64 limit, bool all_leaders) {
    const auto& threads = candidate_threads(ctx, all_leaders);
    collected c{std::move(ctx.spare_victims), limit};
    c.victims.clear();
    for (const auto& m : ctx.mappers_of(ino)) {
        const thread* t = threads[m.task];
        if (!t) continue;
        ++ctx.out.cost.page_task_visits;
        const vma& v = *m.v;
        if (v.pages == 0) continue;
        const u64 vlast = v.pgoff + v.pages - 1;
        if (pgoff < v.pgoff) {
            c.last = std::min(c.last, v.pgoff - 1);
            continue;
        }
        if (pgoff > vlast) continue;
        c.last = std::min(c.last, vlast);
        if (auto r = v.present.find(pgoff)) {
            c.last = std::min(c.last, r->last);
            c.victims.push_back({t->tid, t->comm, v.start + ((pgoff - v.pgoff) << page_shift), mapping_shift(r->value), m.id});
        } else {
            const u64 next = v.present.next_boundary(pgoff);
            c.last = std::min(c.last, next - 1);
        }
    }
    return c;
}

inline collected collect_run(detail::kernel_context& ctx, u64 ino, u64 pgoff, u64 limit, bool all_leaders) {
    collected c = ctx.opts.algorithm == collect_algorithm::per_page_every_task
                      ? collect_every_task(ctx, ino, pgoff, all_leaders)
                      : collect_indexed(ctx, ino, pgoff, limit, all_leaders);
    ctx.step("collect_procs_fsdax", [&] {
        std::string who;
        for (const auto& v : c.victims) who += (who.empty() ? "" : ", ") + v.comm + ":" + std::to_string(v.tid);
        return "ino " + std::to_string(ino) + " pgoff " + std::to_string(pgoff) +
               (c.last != pgoff ? ".." + std::to_string(c.last) : std::string{}) +
               (all_leaders ? " (all tasks)" : " (early kill)") + ": " + (who.empty() ? "nobody" : who);
    });
    return c;
}

/// Victims for page `pgoff` of `ino`; `all_leaders` is the pre-remove collector.
inline std::vector<detail::to_kill> collect_procs(detail::kernel_context& ctx, u64 ino, u64 pgoff, bool all_leaders) {
    return collect_run(ctx, ino, pgoff, pgoff, all_leaders).victims;
}

inline bool pre_remove_collects_all(const detail::kernel_context& ctx, bool pre_remove) {
    return pre_remove && ctx.cfg.collector == collector_kind::all_mapping_tasks;
}

inline std::vector<detail::to_kill> collect_procs_fsdax(detail::kernel_context& ctx, u64 ino, u64 pgoff, bool pre_remove) {
    return collect_procs(ctx, ino, pgoff, pre_remove_collects_all(ctx, pre_remove));
}

}  // namespace daxfail::kernel

#endif
