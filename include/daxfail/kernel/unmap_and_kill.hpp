// unmap_and_kill(to_kill, pfn, mapping, index, flags) — mm/memory-failure.c
// (v6.1 to v6.14): only when some victim has a live mapping, zap the range
// aligned to the largest victim mapping in every process, then signal the
// victims.
#ifndef DAXFAIL_KERNEL_UNMAP_AND_KILL_HPP
#define DAXFAIL_KERNEL_UNMAP_AND_KILL_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/kill_proc.hpp>
#include <daxfail/kernel/unmap_mapping_range.hpp>

#include <algorithm>
#include <vector>

namespace daxfail::kernel {

/// For page `index`, or for `pages` consecutive pages whose victims all map them with PTEs (what the kernel
/// does page by page: zap the page, signal each victim; pfns consecutive).
inline void unmap_and_kill(detail::kernel_context& ctx, const std::vector<detail::to_kill>& victims, u64 pfn, u64 ino,
                           u64 index, int flags, u64 pages = 1) {
    u64 size = 0;
    for (const auto& tk : victims) size = std::max(size, u64{1} << tk.size_shift);
    if (size == 0) return;  // nobody to kill (kill_procs of an empty list does nothing)
    if (pages > 1) unmap_mapping_pages(ctx, ino, index, pages);
    else unmap_mapping_range(ctx, ino, (index << page_shift) & ~(size - 1), size);
    kill_procs(ctx, victims, pfn, flags, pages);
}

}  // namespace daxfail::kernel

#endif
