// A file's data extents on the devices, read off the rmap records, and the
// page -> pfn arithmetic on them. World-only, so validation can use it
// without the model. Users never name this.
#ifndef DAXFAIL_DETAIL_EXTENTS_HPP
#define DAXFAIL_DETAIL_EXTENTS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace daxfail::detail {

/// One data extent of a file, for page-index -> pfn translation.
struct file_extent {
    u64 file_block = 0;
    u64 blocks = 0;
    std::size_t device = 0;
    u64 device_byte = 0;    ///< absolute byte on the dax device of file_block
};

/// Absolute device byte of block `gbno` of group `g` in section `s`.
inline u64 section_block_byte(const xfs_section& s, u32 blocksize, u64 g, u64 gbno) {
    return s.target.part_off + (g * s.group_blocks + gbno) * blocksize;
}

/// Data-fork extents of every inode, read off the rmap records, sorted by file block.
using extent_index = std::unordered_map<u64, std::vector<file_extent>>;

inline extent_index build_extent_index(const world& w) {
    extent_index idx;
    idx.reserve(w.inodes.size());
    auto add = [&](const xfs_section& s) {
        for (std::size_t g = 0; g < s.rmap.size(); ++g)
            for (const auto& r : s.rmap[g]) {
                if (rmap_owner::is_non_inode(r.owner) || r.attr_fork || r.bmbt_block) continue;
                idx[r.owner].push_back(
                    {r.offset, r.blockcount, s.target.device, section_block_byte(s, w.mp.blocksize, g, r.startblock)});
            }
    };
    add(w.mp.data);
    if (w.mp.rt) add(*w.mp.rt);
    for (auto& [ino, v] : idx)
        std::stable_sort(v.begin(), v.end(), [](const file_extent& a, const file_extent& b) { return a.file_block < b.file_block; });
    return idx;
}

/// The pfns behind a run of file pages: `pfn` for `index`, contiguous for `pages` pages.
struct pfn_run {
    u64 pfn = 0;
    u64 pages = 0;
};

/// pfn of page `index` of a file with extents `ext` (sorted), and how far it stays contiguous.
inline std::optional<pfn_run> pfn_run_of(std::span<const file_extent> ext, const std::vector<dax_device>& devices,
                                         u32 blocksize, u64 index) {
    if (index > (u64_max >> page_shift)) return std::nullopt;
    const u64 byte = index << page_shift;
    const u64 block = byte / blocksize;
    auto it = std::upper_bound(ext.begin(), ext.end(), block, [](u64 b, const file_extent& e) { return b < e.file_block; });
    // A file's data-fork extents never overlap in file blocks: the one before is the only candidate.
    if (it == ext.begin()) return std::nullopt;
    const auto& e = *std::prev(it);
    if (block - e.file_block >= e.blocks) return std::nullopt;
    const u64 dev_byte = e.device_byte + (block - e.file_block) * blocksize + byte % blocksize;
    const u64 end_byte = e.device_byte + e.blocks * blocksize;
    return pfn_run{devices[e.device].first_pfn + (dev_byte >> page_shift), (end_byte - dev_byte) >> page_shift};
}

}  // namespace daxfail::detail

#endif
