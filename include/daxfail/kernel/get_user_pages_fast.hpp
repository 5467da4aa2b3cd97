// get_user_pages_fast(addr, 1, 0, &page) for madvise(MADV_HWPOISON) — mm/gup.c, mm/madvise.c (v6.1 to v6.14,
// Debian 6.1.192 and 6.12): the page behind the address is taken before memory_failure() is called. A DAX PTE is
// devmap, and follow_page_pte takes its page only through get_dev_pagemap(); once the namespace's struct pages
// are gone (the unbind's memunmap_pages) a PTE that outlived them yields no page, the fault GUP then makes finds
// the PTE present and changes nothing, and __get_user_pages goes round for ever (the task spins in the kernel;
// only a fatal signal ends it). Seen on Debian 6.1.192 under qemu: madvise after an unbind that left the
// mapping never returned. From v6.15 (share_count: fsdax pages are refcounted folios) follow_page_pte has no
// devmap case and reads the page's memmap instead; what that does once the memmap is gone is not modelled.
#ifndef DAXFAIL_KERNEL_GET_USER_PAGES_FAST_HPP
#define DAXFAIL_KERNEL_GET_USER_PAGES_FAST_HPP

#include <daxfail/detail/context.hpp>

namespace daxfail::kernel {

/// Throws stop_run (spinning) when `addr` of thread `tid` is a live PTE of device `dev` whose pages are gone.
inline void get_user_pages_fast(detail::kernel_context& ctx, std::size_t dev, u32 tid, u64 addr) {
    if (ctx.w.devices[dev].memmap || ctx.cfg.dax_shared_page.counts_sharers) return;
    for (const auto& t : ctx.w.tasks) {
        bool mine = false;
        for (const auto& th : t.threads) mine = mine || th.tid == tid;
        if (!mine) continue;
        for (const auto& v : t.vmas) {
            if (addr < v.start || (addr - v.start) >> page_shift >= v.pages) continue;
            const u64 page = v.pgoff + ((addr - v.start) >> page_shift);
            if (!v.present.contains(page)) return;
            ctx.step("get_user_pages_fast", detail::hex(addr) + ": PTE of a removed namespace");
            throw detail::stop_run{end_state::spinning,
                                   "get_user_pages_fast at " + detail::hex(addr) + ": the PTE maps page " +
                                       std::to_string(page) + " of inode " + std::to_string(v.ino) + " of " +
                                       ctx.w.devices[dev].name +
                                       ", whose struct pages the unbind removed: get_dev_pagemap finds none, the "
                                       "fault finds the PTE present, __get_user_pages retries for ever"};
        }
    }
}

/// The unbind's last act (devm release after pmem_release_disk): the namespace's struct pages go.
inline void memunmap_pages(detail::kernel_context& ctx, std::size_t dev) { ctx.w.devices[dev].memmap = false; }

}  // namespace daxfail::kernel

#endif
