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
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace daxfail::kernel {

/// Who picks the candidates: the generic path's task_early_kill(tsk, 1), or the collector policy of
/// collect_procs_fsdax outside and on pre-remove.
enum class picker { task_early_kill, fsdax, fsdax_pre_remove };

/// The thread `tsk` is signalled through (null: not a candidate). `in` holds what the caller knows of the page
/// (for a collector that reads it); the rest is filled here.
inline const thread* collector_pick(const detail::kernel_context& ctx, const task& tsk, picker who,
                                    collector_input in = {}) {
    if (!tsk.mm) return nullptr;  // a kernel thread's NULL mm matches no VMA
    in.pre_remove = who == picker::fsdax_pre_remove;
    in.mf_flags = mf::action_required | mf::must_kill | (in.pre_remove ? mf::mem_pre_remove : 0);
    in.is_current = ctx.current_mm() == tsk.mm;  // compare mm, not task: current may be any thread of the process
    const thread* early = find_early_kill_thread(ctx, tsk);
    in.has_early_kill = early != nullptr;
    switch (who == picker::task_early_kill ? task_early_kill_pick(in) : ctx.cfg.collector.pick(in)) {
        case task_pick::none: return nullptr;
        case task_pick::current: return in.is_current ? ctx.find_thread(ctx.ev.current_tid) : nullptr;
        case task_pick::early_kill_thread: return early;
        case task_pick::leader: return tsk.threads.empty() ? nullptr : &tsk.threads.front();
    }
    return nullptr;
}

/// The thread each task would be signalled through for this notification (null: not a candidate).
inline const std::vector<const thread*>& candidate_threads(detail::kernel_context& ctx, picker who) {
    auto& cache = ctx.candidates[static_cast<int>(who)];
    if (!cache) {
        cache.emplace();
        for (const auto& tsk : ctx.w.tasks) cache->push_back(collector_pick(ctx, tsk, who));
    }
    return *cache;
}

/// The walk a page belongs to, for a collector that reads the page (collector_ops::reads_page): the entry's dirty
/// mark and mf_dax_kill_procs' range of indices.
struct page_walk {
    bool dirty = false;
    u64 first = 0;
    u64 last = 0;
};

/// Whether the collector is told about the page: only the policy's path, and only a policy that asks.
inline bool reads_page(const detail::kernel_context& ctx, picker who, const page_walk* walk) {
    return walk && who != picker::task_early_kill && ctx.cfg.collector.reads_page;
}

/// Pages of `ino` in the walk's range that task `ti` maps live, each once however many of its VMAs map it;
/// counted the first time the walk asks (before it unmaps any of them), so every page of the walk sees one count.
inline u64 pages_in_range(detail::kernel_context& ctx, std::size_t ti, u64 ino, const page_walk& walk) {
    const auto key = std::make_tuple(ti, ino, walk.first, walk.last);
    if (auto it = ctx.pages_in_range.find(key); it != ctx.pages_in_range.end()) return it->second;
    std::vector<std::pair<u64, u64>> spans;
    for (const auto& m : ctx.mappers_of(ino)) {
        if (m.task != ti) continue;
        m.v->present.for_each_in(walk.first, walk.last, [&](const auto& r) {
            spans.emplace_back(std::max(r.first, walk.first), std::min(r.last, walk.last));
        });
    }
    std::sort(spans.begin(), spans.end());
    u64 pages = 0;
    std::optional<u64> counted_to;  // the last page counted so far
    for (const auto& [a, b] : spans) {
        if (counted_to && b <= *counted_to) continue;
        const u64 from = counted_to && a <= *counted_to ? *counted_to + 1 : a;
        pages += b - from + 1;
        counted_to = b;
    }
    ctx.pages_in_range.emplace(key, pages);
    return pages;
}

/// The page inputs of task `ti` at `pgoff`, given how many processes map the page.
inline collector_input page_inputs(detail::kernel_context& ctx, std::size_t ti, u64 ino, const page_walk& walk,
                                   u32 mapcount) {
    collector_input in;
    in.page_dirty = walk.dirty;
    in.mapcount = mapcount;
    in.pages_in_range = pages_in_range(ctx, ti, ino, walk);
    return in;
}

/// Victims at page `pgoff` of `ino` and the last page up to `limit` for which the same victims (same
/// mappings, same mapping sizes) hold; every mapping in between maps every page or none.
struct collected {
    std::vector<detail::to_kill> victims;
    u64 last = 0;
};

/// The kernel's loop for one page: every task, then the VMAs of the file in that task's mm.
inline collected collect_every_task(detail::kernel_context& ctx, u64 ino, u64 pgoff, picker who,
                                    const page_walk* walk = nullptr) {
    const auto& threads = candidate_threads(ctx, who);
    const bool per_page = reads_page(ctx, who, walk);
    u32 mapcount = 0;
    if (per_page)
        for (std::size_t i = 0; i < ctx.w.tasks.size(); ++i)
            if (std::any_of(ctx.w.tasks[i].vmas.begin(), ctx.w.tasks[i].vmas.end(), [&](const vma& v) {
                    return v.ino == ino && pgoff >= v.pgoff && pgoff - v.pgoff < v.pages && v.present.find(pgoff);
                }))
                ++mapcount;
    collected c{{}, pgoff};
    for (std::size_t i = 0; i < ctx.w.tasks.size(); ++i) {
        ++ctx.out.cost.page_task_visits;
        const thread* t = per_page ? collector_pick(ctx, ctx.w.tasks[i], who, page_inputs(ctx, i, ino, *walk, mapcount))
                                   : threads[i];
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
inline collected collect_indexed(detail::kernel_context& ctx, u64 ino, u64 pgoff, u64 limit, picker who) {
    const auto& threads = candidate_threads(ctx, who);
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

/// collect_indexed for a collector that reads the page: the page's mapcount needs every mapper, picked or not, so
/// the run also ends where any mapper's mapping of the file changes; each mapper is picked with its page inputs.
inline collected collect_indexed_reading_page(detail::kernel_context& ctx, u64 ino, u64 pgoff, u64 limit, picker who,
                                              const page_walk& walk) {
    collected c{std::move(ctx.spare_victims), limit};
    c.victims.clear();
    std::vector<std::pair<const detail::mapper*, mapping_size>> live;
    for (const auto& m : ctx.mappers_of(ino)) {
        const vma& v = *m.v;
        if (v.pages == 0 || pgoff > v.pgoff + v.pages - 1) continue;
        if (pgoff < v.pgoff) {
            c.last = std::min(c.last, v.pgoff - 1);
            continue;
        }
        c.last = std::min(c.last, v.pgoff + v.pages - 1);
        if (auto r = v.present.find(pgoff)) {
            c.last = std::min(c.last, r->last);
            live.emplace_back(&m, r->value);
        } else {
            c.last = std::min(c.last, v.present.next_boundary(pgoff) - 1);
        }
    }
    std::vector<std::size_t> tasks;
    for (const auto& [m, size] : live) tasks.push_back(m->task);
    std::sort(tasks.begin(), tasks.end());
    const u32 mapcount = u32(std::unique(tasks.begin(), tasks.end()) - tasks.begin());
    for (const auto& [m, size] : live) {
        ++ctx.out.cost.page_task_visits;
        const thread* t = collector_pick(ctx, ctx.w.tasks[m->task], who, page_inputs(ctx, m->task, ino, walk, mapcount));
        if (!t) continue;
        const vma& v = *m->v;
        c.victims.push_back({t->tid, t->comm, v.start + ((pgoff - v.pgoff) << page_shift), mapping_shift(size), m->id});
    }
    return c;
}

inline collected collect_run(detail::kernel_context& ctx, u64 ino, u64 pgoff, u64 limit, picker who,
                             const page_walk* walk = nullptr) {
    collected c = ctx.opts.algorithm == collect_algorithm::per_page_every_task ? collect_every_task(ctx, ino, pgoff, who, walk)
                  : reads_page(ctx, who, walk) ? collect_indexed_reading_page(ctx, ino, pgoff, limit, who, *walk)
                                               : collect_indexed(ctx, ino, pgoff, limit, who);
    ctx.step("collect_procs_fsdax", [&] {
        std::string names;
        for (const auto& v : c.victims) names += (names.empty() ? "" : ", ") + v.comm + ":" + std::to_string(v.tid);
        // The generic path's task_early_kill, or the collector policy (named, and whether this is a pre-remove).
        const std::string by = who == picker::task_early_kill ? std::string("early kill")
                                                              : std::string(ctx.cfg.collector.name) +
                                                                    (who == picker::fsdax ? ", not pre-remove" : "");
        return "ino " + std::to_string(ino) + " pgoff " + std::to_string(pgoff) +
               (c.last != pgoff ? ".." + std::to_string(c.last) : std::string{}) + " (" + by + "): " +
               (names.empty() ? "nobody" : names);
    });
    return c;
}

/// Victims for page `pgoff` of `ino` on the generic (page->mapping) path: task_early_kill, whatever the policy.
inline std::vector<detail::to_kill> collect_procs(detail::kernel_context& ctx, u64 ino, u64 pgoff) {
    return collect_run(ctx, ino, pgoff, pgoff, picker::task_early_kill).victims;
}

inline picker fsdax_picker(bool pre_remove) { return pre_remove ? picker::fsdax_pre_remove : picker::fsdax; }

inline std::vector<detail::to_kill> collect_procs_fsdax(detail::kernel_context& ctx, u64 ino, u64 pgoff, bool pre_remove) {
    return collect_run(ctx, ino, pgoff, pgoff, fsdax_picker(pre_remove)).victims;
}

}  // namespace daxfail::kernel

#endif
