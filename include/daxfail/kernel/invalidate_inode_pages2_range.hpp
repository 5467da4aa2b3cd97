// invalidate_inode_pages2_range(mapping, start, end) — mm/truncate.c (v6.1 to
// v6.14): drop clean entries in [start, end], keep dirty ones (-EBUSY), and for
// a DAX mapping zap the range's PTEs afterwards. A 2 MiB DAX entry goes whole.
#ifndef DAXFAIL_KERNEL_INVALIDATE_INODE_PAGES2_RANGE_HPP
#define DAXFAIL_KERNEL_INVALIDATE_INODE_PAGES2_RANGE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/unmap_mapping_range.hpp>

#include <optional>
#include <string>
#include <vector>

namespace daxfail::detail {
/// The first page in [first, last] that some task maps.
inline std::optional<u64> first_mapped_page(const kernel_context& ctx, u64 ino, u64 first, u64 last) {
    std::optional<u64> best;
    for (const auto& m : ctx.vmas_of(ino)) {
        const vma& v = *m.v;
        if (v.pages == 0) continue;
        const u64 lo = std::max(first, v.pgoff), hi = std::min(last, v.pgoff + v.pages - 1);
        if (lo > hi) continue;
        std::optional<u64> hit;
        if (v.present.contains(lo)) hit = lo;
        else if (const u64 n = v.present.next_boundary(lo); n <= hi) hit = n;
        if (hit && (!best || *hit < *best)) best = hit;
    }
    return best;
}
}  // namespace daxfail::detail

namespace daxfail::kernel {

inline int invalidate_inode_pages2_range(detail::kernel_context& ctx, u64 ino, u64 start, u64 end) {
    // Yield: the walk of the mapping takes the xarray lock entry by entry; a fault may insert an entry first.
    ctx.yield("invalidate_inode_pages2_range", [&] { return "ino " + std::to_string(ino); });
    ctx.step("invalidate_inode_pages2_range", [&] {
        return "ino " + std::to_string(ino) + " pages " + std::to_string(start) + ".." + std::to_string(end);
    });
    auto& ip = *ctx.find_inode(ino);
    if (ip.cache.empty()) return 0;  // mapping_empty(): nothing, not even the trailing zap
    int ret = 0;
    std::vector<page_run<cache_entry>> entries;
    ip.cache.for_each_in(start, end, [&](const page_run<cache_entry>& r) { entries.push_back(r); });
    if (!ip.dax) {
        // The first mapped folio zaps the rest of the range at once; the later ones find nothing mapped.
        for (const auto& e : entries)
            if (auto m = detail::first_mapped_page(ctx, ino, e.first, e.last)) {
                unmap_mapping_pages(ctx, ino, *m, 1 + end - *m);
                break;
            }
    }
    for (const auto& e : entries) {
        if (e.value.dirty) {  // DAX: DIRTY/TOWRITE tag; page cache: no ->launder_folio in XFS
            ret = -err::ebusy;
            continue;
        }
        u64 lo = e.first, hi = e.last;
        if (e.value.pmd) {
            lo &= ~(pmd_pages - 1);
            hi |= pmd_pages - 1;
        }
        ip.cache.erase(lo, hi);
    }
    if (ip.dax) unmap_mapping_pages(ctx, ino, start, end - start + 1);
    return ret;
}

}  // namespace daxfail::kernel

#endif
