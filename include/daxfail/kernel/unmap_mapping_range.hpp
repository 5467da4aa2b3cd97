// unmap_mapping_pages / unmap_mapping_range — mm/memory.c (v6.1+): zap the
// PTEs of a file range in every process that maps it (shared mappings). A DAX
// PMD that the range only partly covers is zapped whole (a file PMD is never
// split into PTEs).
#ifndef DAXFAIL_KERNEL_UNMAP_MAPPING_RANGE_HPP
#define DAXFAIL_KERNEL_UNMAP_MAPPING_RANGE_HPP

#include <daxfail/detail/context.hpp>

#include <string>

namespace daxfail::kernel {

/// Zaps pages [start, start + nr) of `ino`; nr == 0 or a wrapping end means "to the end of the file".
inline void unmap_mapping_pages(detail::kernel_context& ctx, u64 ino, u64 start, u64 nr) {
    u64 last = start + nr - 1;
    if (last < start || nr == 0) last = u64_max;
    ctx.step("unmap_mapping_pages", [&] {
        return "ino " + std::to_string(ino) + " pages " + std::to_string(start) + ".." +
               (last == u64_max ? std::string("EOF") : std::to_string(last));
    });
    for (const auto& m : ctx.vmas_of(ino)) {
        vma& v = *m.v;
        if (v.pages == 0) continue;
        const u64 vlast = v.pgoff + v.pages - 1;
        if (last < v.pgoff || start > vlast) continue;
        u64 lo = start < v.pgoff ? v.pgoff : start;
        u64 hi = last > vlast ? vlast : last;
        // Widen to whole PMDs at either end.
        if (auto r = v.present.find(lo); r && r->value == mapping_size::pmd) lo = r->first + ((lo - r->first) & ~(pmd_pages - 1));
        if (auto r = v.present.find(hi); r && r->value == mapping_size::pmd) {
            const u64 block_end = r->first + ((hi - r->first) | (pmd_pages - 1));
            hi = block_end < r->last ? block_end : r->last;
        }
        v.present.erase(lo, hi, [&](const page_run<mapping_size>& r) {
            ctx.unmapped({m.pid, ino, r.first, v.start + ((r.first - v.pgoff) << page_shift), r.pages(),
                          mapping_shift(r.value)},
                         m.id);
        });
    }
}

/// Zaps the byte range [holebegin, holebegin + holelen) of `ino` (even_cows = 0).
inline void unmap_mapping_range(detail::kernel_context& ctx, u64 ino, u64 holebegin, u64 holelen) {
    const u64 first = holebegin >> page_shift;
    u64 count = (holelen + page_size - 1) >> page_shift;
    if (first + count < first) count = 0;
    unmap_mapping_pages(ctx, ino, first, count);
}

}  // namespace daxfail::kernel

#endif
