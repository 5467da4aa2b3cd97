// dax_iomap_fault via xfs_filemap_fault / __xfs_filemap_fault — fs/dax.c and
// fs/xfs/xfs_file.c, xfs_iomap.c (v6.1, v6.12; reference §4.7): a task touches
// a page of a DAX file it maps. The write-fault wait in sb_start_pagefault is
// the explorer's to model (a write fault is not runnable while the filesystem
// is frozen); this is what the fault does once it runs.
#ifndef DAXFAIL_KERNEL_DAX_IOMAP_FAULT_HPP
#define DAXFAIL_KERNEL_DAX_IOMAP_FAULT_HPP

#include <daxfail/detail/context.hpp>

#include <string>

namespace daxfail::kernel {

/// How many files' extents hold the device page `pfn` (more than one: a reflinked, shared extent).
inline u32 dax_page_owners(const detail::kernel_context& ctx, u64 pfn) {
    u32 owners = 0;
    const u32 bs = ctx.w.mp.blocksize;
    ctx.extents.for_each([&](u64, std::span<const detail::file_extent> ext) {
        for (const auto& e : ext) {
            const u64 first = ctx.w.devices[e.device].first_pfn + (e.device_byte >> page_shift);
            if (pfn >= first && pfn - first < (e.blocks * bs) >> page_shift) ++owners;
        }
    });
    return owners;
}

/// Task `pid` touches page `page` of file `ino` (a write when `write`). Either maps the page (PTE and DAX entry,
/// the entry dirty after a write) or sends the faulting thread SIGBUS: xfs_*_iomap_begin returns -EIO on a
/// shut-down filesystem, dax_direct_access fails on a dead device. Read faults take no freeze protection at all.
/// From v6.2 (dax_shared_page::shared_marker) a read fault of a shared extent first unmaps the file's other PTEs
/// of that page; a write fault of a shared extent copies it (not modelled: the reader refuses it).
inline void dax_iomap_fault(detail::kernel_context& ctx, u32 pid, u64 ino, u64 page, bool write) {
    task* t = nullptr;
    for (auto& x : ctx.w.tasks)
        if (x.pid == pid) t = &x;
    if (!t || t->threads.empty()) return;
    const auto& th = t->threads.front();
    vma* v = nullptr;
    for (auto& x : t->vmas)
        if (x.ino == ino && page >= x.pgoff && page - x.pgoff < x.pages) v = &x;
    const char* kind = write ? "write" : "read";
    if (!v) {
        ctx.step("dax_iomap_fault", std::string(kind) + " ino " + std::to_string(ino) + " page " +
                                        std::to_string(page) + ": not mapped any more, SIGSEGV");
        ctx.out.signals.push_back({th.tid, th.comm, sigsegv, 1, 0, int(page_shift), 1});
        return;
    }
    const u64 addr = v->start + ((page - v->pgoff) << page_shift);
    const auto pr = ctx.pfn_run_at(ino, page);
    auto sigbus_because = [&](const std::string& why) {
        ctx.step("dax_iomap_fault", std::string(kind) + " ino " + std::to_string(ino) + " page " + std::to_string(page) +
                                        ": " + why + ", SIGBUS BUS_ADRERR");
        ctx.out.signals.push_back({th.tid, th.comm, sigbus, si_code::bus_adrerr, addr, int(page_shift), 1});
    };
    if (ctx.w.mp.shutdown_flags != 0) return sigbus_because("the filesystem is shut down (iomap_begin -EIO)");
    if (!pr) return sigbus_because("no block behind the page");
    bool alive = true;
    for (const auto& d : ctx.w.devices)
        if (pr->pfn >= d.first_pfn && pr->pfn - d.first_pfn < d.size >> page_shift) alive = d.alive;
    if (!alive) return sigbus_because("the dax device is dead (dax_direct_access -ENXIO)");
    std::string detail = std::string(kind) + " ino " + std::to_string(ino) + " page " + std::to_string(page) +
                         ": mapped pfn " + detail::hex(pr->pfn);
    if (!write && ctx.cfg.dax_shared_page.marks_shared && dax_page_owners(ctx, pr->pfn) > 1) {
        u64 zapped = 0;
        for (const auto& m : ctx.vmas_of(ino))
            if (m.v != v && m.v->present.contains(page)) {
                m.v->present.erase(page, page);
                ++zapped;
            }
        if (zapped) detail += ", unmapped " + std::to_string(zapped) + " other PTE(s) of the shared page";
    }
    v->present.assign(page, page, mapping_size::pte);
    auto& ip = ctx.w.inodes.at(ino);
    const auto entry = ip.cache.find(page);
    ip.cache.assign(page, page, cache_entry{write || (entry && entry->value.dirty), false});
    ctx.step("dax_iomap_fault", std::move(detail));
}

}  // namespace daxfail::kernel

#endif
