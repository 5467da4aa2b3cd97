// unmap_mapping_pages / unmap_mapping_range — mm/memory.c (v6.1+): zap the
// PTEs of a file range in every process that maps it (shared mappings).
#ifndef DAXFAIL_KERNEL_UNMAP_MAPPING_RANGE_HPP
#define DAXFAIL_KERNEL_UNMAP_MAPPING_RANGE_HPP

#include <daxfail/detail/context.hpp>

#include <string>

namespace daxfail::kernel {

/// Zaps pages [start, start + nr) of `ino`; nr == 0 or a wrapping end means "to the end of the file".
inline void unmap_mapping_pages(detail::kernel_context& ctx, u64 ino, u64 start, u64 nr) {
    u64 last = start + nr - 1;
    if (last < start || nr == 0) last = u64_max;
    ctx.step("unmap_mapping_pages", "ino " + std::to_string(ino) + " pages " + std::to_string(start) + ".." +
                                        (last == u64_max ? std::string("EOF") : std::to_string(last)));
    for (auto& t : ctx.w.tasks)
        for (auto& v : t.vmas) {
            if (v.ino != ino) continue;
            auto it = v.present.lower_bound(start);
            while (it != v.present.end() && *it <= last) {
                ctx.out.unmapped.push_back({t.pid, ino, *it, v.start + ((*it - v.pgoff) << page_shift)});
                it = v.present.erase(it);
            }
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
