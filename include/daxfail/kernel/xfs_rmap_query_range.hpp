// xfs_rmap_query_range(cur, low, high, fn, priv) — fs/xfs/libxfs/xfs_rmap.c
// (v6.0+): every record of one group that overlaps [low, high], in key order;
// a non-zero callback result stops the query and is returned. The rmap_source
// policy can swap in a full inode scan that returns the same records.
#ifndef DAXFAIL_KERNEL_XFS_RMAP_QUERY_RANGE_HPP
#define DAXFAIL_KERNEL_XFS_RMAP_QUERY_RANGE_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/detail/lex_less.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace daxfail::kernel {

inline bool rmap_overlaps(const rmap_record& r, u32 low, u32 high) {
    return r.startblock <= high && u64{r.startblock} + r.blockcount - 1 >= low && r.blockcount != 0;
}

inline bool rmap_key_less(const rmap_record& a, const rmap_record& b) {
    return detail::lex_less({{a.startblock, b.startblock}, {a.owner, b.owner}, {a.offset, b.offset}});
}

/// Puts a group's records in the btree's key order (startblock, owner, offset). Two records equal in
/// that key overlap, which validation rejects; the other fields only make the order total.
inline void sort_rmap_group(std::vector<rmap_record>& g) {
    const auto less = [](const rmap_record& a, const rmap_record& b) {
        return detail::lex_less({{a.startblock, b.startblock},
                                 {a.owner, b.owner},
                                 {a.offset, b.offset},
                                 {a.attr_fork, b.attr_fork},
                                 {a.bmbt_block, b.bmbt_block},
                                 {a.blockcount, b.blockcount}});
    };
    if (!std::is_sorted(g.begin(), g.end(), less)) std::sort(g.begin(), g.end(), less);  // usually already sorted
}

template <class Fn>
int xfs_rmap_query_range(detail::kernel_context& ctx, const xfs_section& sec, u32 group, u32 low, u32 high, Fn&& fn) {
    ctx.step("xfs_rmap_query_range", [&] {
        return "group " + std::to_string(group) + " blocks " + std::to_string(low) + ".." + std::to_string(high);
    });
    std::vector<const rmap_record*> hits;
    if (ctx.cfg.rmap_source.lookup(sec.has_rmapbt) == rmap_lookup::scan_every_owner) {
        // Without a reverse map every extent of every owner must be looked at.
        for (const auto& g : sec.rmap) ctx.out.cost.rmap_records_examined += g.size();
    } else {
        for (const auto& r : sec.rmap[group]) {
            ++ctx.out.cost.rmap_records_examined;
            if (r.startblock > high) break;  // records are sorted by key
        }
    }
    for (const auto& r : sec.rmap[group])
        if (rmap_overlaps(r, low, high)) hits.push_back(&r);
    // run() put every group in key order (sort_rmap_group), so the hits are in it too.
    for (std::size_t i = 0; i < hits.size(); ++i) {
        // Memory hints for the records ahead (they change nothing; see prefetch_file).
        if (i + 32 < hits.size()) ctx.prefetch_file(hits[i + 32]->owner, 0);
        if (i + 16 < hits.size()) ctx.prefetch_file(hits[i + 16]->owner, 1);
        // Yield: between records the walk can be preempted (it holds the AGF buffer lock, which faults never take).
        ctx.yield("xfs_dax_failure_fn", [&] {
            return "group " + std::to_string(group) + " agbno " + std::to_string(hits[i]->startblock) + " " +
                   rmap_owner::name(hits[i]->owner);
        });
        if (int rc = fn(*hits[i]); rc != 0) return rc;
    }
    return 0;
}

}  // namespace daxfail::kernel

#endif
