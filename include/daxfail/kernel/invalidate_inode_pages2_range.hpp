// invalidate_inode_pages2_range(mapping, start, end) — mm/truncate.c (v6.1 to
// v6.14): drop clean entries in [start, end], keep dirty ones (-EBUSY), and for
// a DAX mapping zap the range's PTEs afterwards.
#ifndef DAXFAIL_KERNEL_INVALIDATE_INODE_PAGES2_RANGE_HPP
#define DAXFAIL_KERNEL_INVALIDATE_INODE_PAGES2_RANGE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/kernel/unmap_mapping_range.hpp>

#include <string>

namespace daxfail::kernel {

namespace detail_ipr {
inline bool page_mapped(const world& w, u64 ino, u64 index) {
    for (const auto& t : w.tasks)
        for (const auto& v : t.vmas)
            if (v.ino == ino && v.present.count(index)) return true;
    return false;
}
}  // namespace detail_ipr

inline int invalidate_inode_pages2_range(detail::kernel_context& ctx, u64 ino, u64 start, u64 end) {
    ctx.step("invalidate_inode_pages2_range", "ino " + std::to_string(ino) + " pages " + std::to_string(start) +
                                                  ".." + std::to_string(end));
    auto& ip = ctx.w.inodes.at(ino);
    if (ip.cache.empty()) return 0;  // mapping_empty(): nothing, not even the trailing zap
    int ret = 0;
    bool did_range_unmap = false;
    for (auto it = ip.cache.lower_bound(start); it != ip.cache.end() && it->first <= end;) {
        const u64 index = it->first;
        if (!ip.dax && detail_ipr::page_mapped(ctx.w, ino, index)) {
            // A mapped folio: the first one zaps the rest of the range at once.
            if (!did_range_unmap) {
                unmap_mapping_pages(ctx, ino, index, 1 + end - index);
                did_range_unmap = true;
            } else {
                unmap_mapping_pages(ctx, ino, index, 1);
            }
        }
        if (it->second.dirty) {  // DAX: DIRTY/TOWRITE tag; page cache: no ->launder_folio in XFS
            ret = -err::ebusy;
            ++it;
        } else {
            it = ip.cache.erase(it);
        }
    }
    if (ip.dax) unmap_mapping_pages(ctx, ino, start, end - start + 1);
    return ret;
}

}  // namespace daxfail::kernel

#endif
