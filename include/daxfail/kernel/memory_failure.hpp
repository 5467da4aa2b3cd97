// memory_failure(pfn, flags) for a pmem pfn — mm/memory-failure.c
// memory_failure_dev_pagemap and drivers/nvdimm/pmem.c
// pmem_pagemap_memory_failure (v6.0 to v6.14, Debian 6.1): notify the holder
// about the page; only -EOPNOTSUPP falls back to mf_generic_kill_procs; then
// report "recovery action for dax page".
#ifndef DAXFAIL_KERNEL_MEMORY_FAILURE_HPP
#define DAXFAIL_KERNEL_MEMORY_FAILURE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/collect_procs_fsdax.hpp>
#include <daxfail/kernel/dax_holder_notify_failure.hpp>
#include <daxfail/kernel/mf_dax_kill_procs.hpp>
#include <daxfail/kernel/unmap_and_kill.hpp>

#include <optional>
#include <string>

namespace daxfail::kernel {

/// The file page a pfn is cached as (page->mapping, page->index), if exactly one file holds it.
inline std::optional<std::pair<u64, u64>> page_mapping(const detail::kernel_context& ctx, u64 pfn) {
    std::optional<std::pair<u64, u64>> found;
    const u32 bs = ctx.w.mp.blocksize;
    bool shared = false;  // a reflinked page: not modelled, treated as unlockable
    ctx.extents.for_each([&](u64 ino, std::span<const detail::file_extent> ext) {
        const inode* ip = ctx.find_inode(ino);
        if (shared || !ip || !ip->dax) return;
        for (const auto& e : ext) {
            const u64 first = ctx.w.devices[e.device].first_pfn + (e.device_byte >> page_shift);
            const u64 pages = (e.blocks * bs) >> page_shift;
            if (pfn < first || pfn - first >= pages) continue;
            const u64 index = ((e.file_block * bs) >> page_shift) + (pfn - first);
            if (!ip->cache.contains(index)) continue;
            if (found) shared = true;
            found = std::pair{ino, index};
        }
    });
    if (shared) return std::nullopt;
    return found;
}

/// mf_generic_kill_procs: page->mapping based, early-kill collector (v6.0+).
inline int mf_generic_kill_procs(detail::kernel_context& ctx, u64 pfn, int flags) {
    ctx.step("mf_generic_kill_procs", detail::hex(pfn));
    const auto owner = page_mapping(ctx, pfn);
    if (!owner) return -err::ebusy;  // dax_lock_page finds no mapping
    set_page_hwpoison(ctx, pfn);
    flags |= mf::action_required | mf::must_kill;
    const auto victims = collect_procs(ctx, owner->first, owner->second, false);
    unmap_and_kill(ctx, victims, pfn, owner->first, owner->second, flags);
    return 0;
}

inline int memory_failure(detail::kernel_context& ctx, std::size_t dev, u64 pfn, int flags) {
    ctx.step("memory_failure", detail::hex(pfn));
    const u64 offset = (pfn - ctx.w.devices[dev].first_pfn) << page_shift;
    int rc = dax_holder_notify_failure(ctx, dev, offset, page_size, flags);
    if (rc == -err::eopnotsupp) rc = mf_generic_kill_procs(ctx, pfn, flags);
    ctx.log(log_level::err, "Memory failure: " + detail::hex(pfn) + ": recovery action for dax page: " +
                                (rc ? "Failed" : "Recovered"));
    return rc;
}

/// A failure of `pages` pages reported in one notification (hypothetical: pmem_pagemap_memory_failure with
/// nr_pages > 1). Shows what the range arithmetic does with ranges that cross group boundaries.
inline int memory_failure_range(detail::kernel_context& ctx, std::size_t dev, u64 pfn, u64 pages, int flags) {
    ctx.step("memory_failure_range", detail::hex(pfn) + " + " + std::to_string(pages) + " pages");
    const u64 offset = (pfn - ctx.w.devices[dev].first_pfn) << page_shift;
    int rc = dax_holder_notify_failure(ctx, dev, offset, pages << page_shift, flags);
    if (rc == -err::eopnotsupp) {
        rc = 0;
        for (u64 i = 0; i < pages; ++i)
            if (int r = mf_generic_kill_procs(ctx, pfn + i, flags); r != 0 && rc == 0) rc = r;
    }
    ctx.log(log_level::err, "Memory failure: " + detail::hex(pfn) + ": recovery action for dax page: " +
                                (rc ? "Failed" : "Recovered"));
    return rc;
}

}  // namespace daxfail::kernel

#endif
