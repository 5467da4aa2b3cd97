// A file's data extents on the devices, read off the rmap records, and the
// page -> pfn arithmetic on them. World-only, so validation can use it
// without the model. Users never name this.
#ifndef DAXFAIL_DETAIL_EXTENTS_HPP
#define DAXFAIL_DETAIL_EXTENTS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/lex_less.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <utility>
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

/// Data-fork extents of every inode, read off the rmap records: by inode number, then by file block.
class extent_index {
    struct file_span {
        u64 ino = 0;
        std::size_t first = 0, count = 0;
    };
    std::vector<file_extent> all_;
    std::vector<file_span> files_;  ///< sorted by ino

    /// A total order (extents equal in every field are interchangeable), so no stable sort is needed.
    static bool extent_less(const file_extent& a, const file_extent& b) {
        return lex_less({{a.file_block, b.file_block}, {a.blocks, b.blocks}, {a.device, b.device},
                         {a.device_byte, b.device_byte}});
    }
    /// Sparse inode numbers: one sort by (inode, extent).
    void sort_all(std::vector<std::pair<u64, file_extent>> owned) {
        std::sort(owned.begin(), owned.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : extent_less(a.second, b.second);
        });
        all_.reserve(owned.size());
        for (const auto& [ino, e] : owned) {
            if (files_.empty() || files_.back().ino != ino) files_.push_back({ino, all_.size(), 0});
            all_.push_back(e);
            ++files_.back().count;
        }
    }

public:
    extent_index() = default;
    explicit extent_index(std::vector<std::pair<u64, file_extent>> owned) {
        if (owned.empty()) return;
        u64 lo = owned.front().first, hi = lo;
        for (const auto& o : owned) {
            lo = std::min(lo, o.first);
            hi = std::max(hi, o.first);
        }
        if (hi - lo > 4 * owned.size() + 4096) {
            sort_all(std::move(owned));
            return;
        }
        // Inode numbers are dense (XFS allocates them in clusters): a counting sort by inode, then each
        // file's few extents by file block; a million records cost two linear passes.
        std::vector<std::size_t> first(hi - lo + 2, 0);
        for (const auto& o : owned) ++first[o.first - lo + 1];
        for (std::size_t k = 1; k < first.size(); ++k) first[k] += first[k - 1];
        all_.resize(owned.size());
        {
            std::vector<std::size_t> next(first.begin(), first.end() - 1);
            for (const auto& [ino, e] : owned) all_[next[ino - lo]++] = e;
        }
        for (std::size_t k = 0; k + 1 < first.size(); ++k) {
            if (first[k + 1] == first[k]) continue;
            files_.push_back({lo + k, first[k], first[k + 1] - first[k]});
            const auto b = all_.begin() + static_cast<std::ptrdiff_t>(first[k]);
            const auto e = all_.begin() + static_cast<std::ptrdiff_t>(first[k + 1]);
            if (!std::is_sorted(b, e, extent_less)) std::sort(b, e, extent_less);
        }
    }
    /// How many inodes have extents.
    std::size_t size() const noexcept { return files_.size(); }
    /// The extents of `ino`, sorted by file block; empty when it has none.
    std::span<const file_extent> of(u64 ino) const noexcept {
        auto it = std::lower_bound(files_.begin(), files_.end(), ino, [](const file_span& f, u64 i) { return f.ino < i; });
        if (it == files_.end() || it->ino != ino) return {};
        return {all_.data() + it->first, it->count};
    }
    /// f(ino, extents) for every inode with extents, by inode number.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& s : files_) f(s.ino, std::span<const file_extent>(all_.data() + s.first, s.count));
    }
};

inline extent_index build_extent_index(const world& w) {
    std::vector<std::pair<u64, file_extent>> owned;
    auto add = [&](const xfs_section& s) {
        for (std::size_t g = 0; g < s.rmap.size(); ++g)
            for (const auto& r : s.rmap[g]) {
                if (rmap_owner::is_non_inode(r.owner) || r.attr_fork || r.bmbt_block) continue;
                owned.push_back({r.owner, {r.offset, r.blockcount, s.target.device,
                                           section_block_byte(s, w.mp.blocksize, g, r.startblock)}});
            }
    };
    add(w.mp.data);
    if (w.mp.rt) add(*w.mp.rt);
    return extent_index(std::move(owned));
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
    const auto& e = *(it - 1);
    if (block - e.file_block >= e.blocks) return std::nullopt;
    const u64 dev_byte = e.device_byte + (block - e.file_block) * blocksize + byte % blocksize;
    const u64 end_byte = e.device_byte + e.blocks * blocksize;
    return pfn_run{devices[e.device].first_pfn + (dev_byte >> page_shift), (end_byte - dev_byte) >> page_shift};
}

}  // namespace daxfail::detail

#endif
