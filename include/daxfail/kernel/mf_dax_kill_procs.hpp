// mf_dax_kill_procs(mapping, index, count, mf_flags) — mm/memory-failure.c:
// v6.0-v6.7 and Debian 6.1 poison every page; v12 and v6.8+ skip
// SetPageHWPoison on MF_MEM_PRE_REMOVE (pre_remove_poison policy). A non-DAX
// mapping fails at the first index with -EBUSY (dax_lock_mapping_entry). The
// page of an index inside a 2 MiB entry is the entry's first page.
#ifndef DAXFAIL_KERNEL_MF_DAX_KILL_PROCS_HPP
#define DAXFAIL_KERNEL_MF_DAX_KILL_PROCS_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/detail/duration_text.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/collect_procs_fsdax.hpp>
#include <daxfail/kernel/unmap_and_kill.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::kernel {

/// SetPageHWPoison on pfns [pfn, pfn + pages); only newly poisoned pfns are recorded.
inline void set_page_hwpoison(detail::kernel_context& ctx, u64 pfn, u64 pages = 1) {
    const u64 last = pfn + pages - 1;
    u64 p = pfn;
    while (p <= last) {
        const auto r = ctx.w.hwpoison.find(p);
        const u64 q = r ? std::min(r->last, last) : std::min(ctx.w.hwpoison.next_boundary(p) - 1, last);
        if (!r) ctx.out.poisoned.insert(p, q);
        if (q == last) break;
        p = q + 1;
    }
    ctx.w.hwpoison.insert(pfn, last);
}

/// How a walk that outlasts run_options::walk_patience ends the run: where the kernel would still be walking.
inline detail::stop_run mf_dax_walk_spins(const detail::kernel_context& ctx, const inode& ip, u64 ino, u64 index,
                                          u64 count) {
    const u64 file_pages = (ip.size + page_size - 1) >> page_shift;
    return detail::stop_run{
        end_state::spinning,
        "mf_dax_kill_procs walks ino " + std::to_string(ino) + " from index " + std::to_string(index) + " for " +
            std::to_string(count) + " indices (the file has " + std::to_string(file_pages) + " pages" +
            (index + count > file_pages && count >= (u64{1} << 31) ? "; the count is a u32 that wrapped" : "") +
            "); after " + std::to_string(ctx.out.cost.indices_walked) + " indices in all, " +
            detail::seconds_text(ctx.opts.walk_patience) + " at " + detail::rate_text(ctx.opts.index_rate) +
            ", it is still walking"};
}

/// One stretch of the walk, pages [p, e.last] of cache run `e`: collect, poison, unmap and kill as far as one pfn
/// run and one set of victims reach. Returns the last page handled.
inline u64 mf_dax_kill_entry_run(detail::kernel_context& ctx, u64 ino, const page_run<cache_entry>& e, u64 p,
                                 picker who, bool poison, int mf_flags, u64 index, u64 last) {
    const u64 head = e.value.pmd ? p & ~(pmd_pages - 1) : p;
    const auto pr = ctx.pfn_run_at(ino, head);
    if (!pr) return p;  // no page behind the entry
    u64 q = e.value.pmd ? p : std::min(e.last, p + pr->pages - 1);
    const page_walk walk{e.value.dirty, index, last};
    auto c = collect_run(ctx, ino, p, q, who, &walk);
    q = c.last;
    const bool huge = std::any_of(c.victims.begin(), c.victims.end(),
                                  [](const detail::to_kill& tk) { return tk.size_shift > int(page_shift); });
    if (huge) q = p;  // a PMD zaps beyond this page: take it alone (its victims are those found)
    if (poison) set_page_hwpoison(ctx, pr->pfn, e.value.pmd ? 1 : q - p + 1);
    unmap_and_kill(ctx, c.victims, pr->pfn, ino, p, mf_flags, q - p + 1);
    ctx.spare_victims = std::move(c.victims);
    return q;
}

/// mf_dax_kill_procs — mm/memory-failure.c (v6.0 to v7.2): the walk of indices [index, index + count).
inline int mf_dax_kill_procs(detail::kernel_context& ctx, u64 ino, u64 index, u64 count, int mf_flags) {
    ctx.step("mf_dax_kill_procs", [&] {
        return "ino " + std::to_string(ino) + " index " + std::to_string(index) + " count " + std::to_string(count);
    });
    const bool pre_remove = (mf_flags & mf::mem_pre_remove) != 0;
    mf_flags |= mf::action_required | mf::must_kill;
    if (count == 0) return 0;
    const auto& ip = *ctx.find_inode(ino);
    if (!ip.dax) {  // dax_lock_mapping_entry fails at the first index
        ++ctx.out.cost.indices_walked;
        return -err::ebusy;
    }
    // The kernel visits every index, with no reschedule point in the loop; only indices with an entry do
    // anything, and the model visits only runs of those (a 2^32-page walk costs what its entries cost). A walk
    // that would outlast run_options::walk_patience ends the run where the kernel would be by then.
    const u64 budget = ctx.walk_budget();
    const bool spins = count > budget;
    ctx.out.cost.indices_walked += spins ? budget : count;
    u64 last = index + count - 1 < index ? u64_max : index + count - 1;
    if (spins) last = budget == 0 ? index : index + budget - 1;
    if (spins && budget == 0) throw mf_dax_walk_spins(ctx, ip, ino, index, count);
    const bool poison = ctx.cfg.pre_remove_poison.poisons(pre_remove);
    const picker who = fsdax_picker(pre_remove);
    auto handle = [&](const page_run<cache_entry>& e, u64 p) {
        return mf_dax_kill_entry_run(ctx, ino, e, p, who, poison, mf_flags, index, last);
    };
    if (ctx.hook) {
        // Under the explorer other actors run between runs of pages, and a fault may add entries: look the
        // next entry up afresh each time, as the kernel's index-by-index walk would find it.
        for (u64 p = index;;) {
            // Yield: dax_lock_mapping_entry waits for the entry lock a concurrent fault holds.
            ctx.yield("mf_dax_kill_procs", [&] { return "ino " + std::to_string(ino) + " index " + std::to_string(p); });
            std::optional<page_run<cache_entry>> next;
            ip.cache.for_each_in(p, last, [&](const page_run<cache_entry>& e) {
                if (!next) next = e;
            });
            if (!next) break;
            const u64 q = handle(*next, std::max(p, next->first));
            if (q >= last) break;
            p = q + 1;
        }
    } else {
        // Unmapping and killing leave the cache alone, so its runs can be walked while they act.
        ip.cache.for_each_in(index, last, [&](const page_run<cache_entry>& e) {
            for (u64 p = e.first;;) {
                const u64 q = handle(e, p);
                if (q >= e.last) break;
                p = q + 1;
            }
        });
    }
    if (spins) throw mf_dax_walk_spins(ctx, ip, ino, index, count);
    return 0;
}

}  // namespace daxfail::kernel

#endif
