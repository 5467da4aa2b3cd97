// mf_dax_kill_procs(mapping, index, count, mf_flags) — mm/memory-failure.c:
// v6.0-v6.7 and Debian 6.1 poison every page; v12 and v6.8+ skip
// SetPageHWPoison on MF_MEM_PRE_REMOVE (pre_remove_poison policy). A non-DAX
// mapping fails at the first index with -EBUSY (dax_lock_mapping_entry).
#ifndef DAXFAIL_KERNEL_MF_DAX_KILL_PROCS_HPP
#define DAXFAIL_KERNEL_MF_DAX_KILL_PROCS_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/collect_procs_fsdax.hpp>
#include <daxfail/kernel/unmap_and_kill.hpp>

#include <string>

namespace daxfail::kernel {

inline void set_page_hwpoison(detail::kernel_context& ctx, u64 pfn) {
    if (ctx.w.hwpoison.insert(pfn).second) ctx.out.poisoned.push_back(pfn);
}

inline int mf_dax_kill_procs(detail::kernel_context& ctx, u64 ino, u64 index, u64 count, int mf_flags) {
    ctx.step("mf_dax_kill_procs", "ino " + std::to_string(ino) + " index " + std::to_string(index) + " count " +
                                      std::to_string(count));
    const bool pre_remove = (mf_flags & mf::mem_pre_remove) != 0;
    mf_flags |= mf::action_required | mf::must_kill;
    // The kernel visits every index; only those with an entry do anything, and
    // the model visits only those (a 2^32-page walk costs what its entries cost).
    ctx.out.cost.indices_walked += count;
    if (count == 0) return 0;
    const auto& ip = ctx.w.inodes.at(ino);
    if (!ip.dax) return -err::ebusy;
    const u64 end = index + count < index ? u64_max : index + count;
    for (auto it = ip.cache.lower_bound(index); it != ip.cache.end() && it->first < end; ++it) {
        const u64 i = it->first;
        const auto pfn = ctx.pfn_of(ino, i);
        if (!pfn) continue;  // no page behind the entry
        if (!pre_remove || ctx.cfg.pre_remove_poison == pre_remove_poison_kind::set_hwpoison)
            set_page_hwpoison(ctx, *pfn);
        const auto victims = collect_procs_fsdax(ctx, ino, i, pre_remove);
        unmap_and_kill(ctx, victims, *pfn, ino, i, mf_flags);
    }
    return 0;
}

}  // namespace daxfail::kernel

#endif
