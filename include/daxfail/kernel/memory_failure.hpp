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
#include <vector>

namespace daxfail::kernel {

/// What page->mapping of a DAX pfn holds after the faults that cached it: nothing, a file (and page->index), or
/// the PAGE_MAPPING_DAX_SHARED marker (dax_shared_page policy).
struct dax_page_mapping {
    enum kind_t { none, file, shared_marker } kind = none;
    u64 ino = 0, index = 0;
};

inline dax_page_mapping page_mapping(const detail::kernel_context& ctx, u64 pfn) {
    struct holder {
        u64 ino, index;
    };
    std::vector<holder> cached;  // files with a DAX entry on this pfn
    u32 owners = 0;              // files whose extents hold the pfn's block (more than one: reflinked)
    const u32 bs = ctx.w.mp.blocksize;
    ctx.extents.for_each([&](u64 ino, std::span<const detail::file_extent> ext) {
        const inode* ip = ctx.find_inode(ino);
        if (!ip || !ip->dax) return;
        for (const auto& e : ext) {
            const u64 first = ctx.w.devices[e.device].first_pfn + (e.device_byte >> page_shift);
            const u64 pages = (e.blocks * bs) >> page_shift;
            if (pfn < first || pfn - first >= pages) continue;
            ++owners;
            const u64 index = ((e.file_block * bs) >> page_shift) + (pfn - first);
            if (ip->cache.contains(index)) cached.push_back({ino, index});
        }
    });
    if (cached.empty()) return {};
    // v6.15+: the first file to map the page names it until a second one maps it; then ->mapping is NULL.
    if (ctx.cfg.dax_shared_page.counts_sharers)
        return cached.size() == 1 ? dax_page_mapping{dax_page_mapping::file, cached[0].ino, cached[0].index}
                                  : dax_page_mapping{};
    if (owners > 1 && ctx.cfg.dax_shared_page.marks_shared)
        return {dax_page_mapping::shared_marker, 0, 0};  // a fault of a shared extent marks the page
    if (cached.size() == 1) return {dax_page_mapping::file, cached[0].ino, cached[0].index};
    // Up to v6.1 each file's read fault re-associates the page, so it names the last file to fault it. The world
    // lists tasks in the order they ran, so that is the file of the last task with a PTE on the pfn; when no task
    // maps it, the file created last (the highest inode number) stands for the last one to fault it.
    dax_page_mapping last{dax_page_mapping::file, cached[0].ino, cached[0].index};
    for (const auto& c : cached)
        if (c.ino > last.ino) last = {dax_page_mapping::file, c.ino, c.index};
    std::optional<std::size_t> last_task;
    for (const auto& c : cached)
        for (const auto& m : ctx.vmas_of(c.ino))
            if (c.index >= m.v->pgoff && c.index - m.v->pgoff < m.v->pages && m.v->present.contains(c.index) &&
                (!last_task || m.task >= *last_task)) {
                last_task = m.task;
                last = {dax_page_mapping::file, c.ino, c.index};
            }
    return last;
}

/// mf_generic_kill_procs: page->mapping based, early-kill collector (v6.0+). dax_lock_folio (dax_lock_page before
/// v6.7) follows page->mapping; the shared marker is not an address_space, and reading its host faults.
inline int mf_generic_kill_procs(detail::kernel_context& ctx, u64 pfn, int flags) {
    ctx.step("mf_generic_kill_procs", detail::hex(pfn));
    const auto owner = page_mapping(ctx, pfn);
    if (owner.kind == dax_page_mapping::none) return -err::ebusy;  // dax_lock_folio finds no mapping (NULL when shared, v6.15+)
    if (owner.kind == dax_page_mapping::shared_marker) {
        throw detail::stop_run{end_state::oops, "NULL pointer dereference: page->mapping of pfn " + detail::hex(pfn) +
                                                    " is PAGE_MAPPING_DAX_SHARED (a reflinked page), read as an "
                                                    "address_space, dereferenced by dax_lock_folio (dax_lock_page "
                                                    "before v6.7)"};
    }
    set_page_hwpoison(ctx, pfn);
    flags |= mf::action_required | mf::must_kill;
    const auto victims = collect_procs(ctx, owner.ino, owner.index);
    unmap_and_kill(ctx, victims, pfn, owner.ino, owner.index, flags);
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
