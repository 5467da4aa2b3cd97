// Lays out a file given by its size alone as a fresh XFS would: from the lowest
// free block of the lowest group with free space, skipping what the headers and
// every record already in the section use, in extents of at most
// max_extent_blocks that never cross a group. world_builder::sized_file and a
// scenario file's inodes without extents both come here.
#ifndef DAXFAIL_LAYOUT_HPP
#define DAXFAIL_LAYOUT_HPP

#include <daxfail/constants.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace daxfail {

/// Longest extent the layout makes: XFS_MAX_BMBT_EXTLEN, 2^21 - 1 blocks.
inline constexpr u64 max_extent_blocks = (u64{1} << 21) - 1;

/// Most extents one file is laid out in (a scenario file's limit on an inode's extents).
inline constexpr std::size_t max_layout_extents = 1'000'000;

/// One extent a layout made: `blocks` blocks at `agbno` of `group`, holding file blocks from `file_block`.
struct layout_extent {
    u32 group;
    u64 agbno, blocks, file_block;
};

/// Why a file was not laid out.
enum class layout_failure {
    no_realtime,    ///< a realtime file on a filesystem with no realtime section
    section_unfit,  ///< its section does not fit its device (validate() says why)
    too_big,        ///< more blocks than the section has
    fragmented,     ///< more than max_layout_extents extents would be needed
    short_of_space, ///< the section's free space is `short_by` blocks short
};

struct layout_result {
    std::vector<layout_extent> extents;
    std::optional<layout_failure> failure;
    u64 short_by = 0;  ///< blocks missing, for short_of_space and fragmented
};

/// Lays out files one after the other on a world: each one's extents become rmap records, so the next one
/// goes around them.
class layout {
public:
    explicit layout(world& w) : w_(w) {}

    /// Lays out inode `ino` (its size and section given) and appends its records; `on_record(rt, group, index,
    /// extent)` hears of each, with the record's index in its group. A file that falls short of free space keeps
    /// the records it got.
    template <class OnRecord>
    layout_result file(u64 ino, OnRecord&& on_record) {
        layout_result out;
        const inode& ip = w_.inodes.at(ino);
        if (ip.realtime && !w_.mp.rt) return fail(out, layout_failure::no_realtime);
        const xfs_section& sec = ip.realtime ? *w_.mp.rt : w_.mp.data;
        if (!fits(sec)) return fail(out, layout_failure::section_unfit);
        const u64 bs = w_.mp.blocksize;
        u64 need = ip.size / bs + (ip.size % bs != 0);
        if (need > sec.blocks) return fail(out, layout_failure::too_big);
        for (u32 g = 0; g < sec.group_count && need > 0 && out.extents.size() < max_layout_extents; ++g)
            take_from_group(ip.realtime, sec, g, need, out.extents);
        // What it took stays taken even when it falls short: the files after it go around it.
        add_records(ino, ip.realtime, out.extents, on_record);
        if (need > 0 && out.extents.size() >= max_layout_extents) out.failure = layout_failure::fragmented;
        else if (need > 0) out.failure = layout_failure::short_of_space;
        out.short_by = need;
        return out;
    }
    layout_result file(u64 ino) {
        return file(ino, [](bool, u32, std::size_t, const layout_extent&) {});
    }

private:
    static layout_result& fail(layout_result& r, layout_failure f) {
        r.failure = f;
        return r;
    }

    /// Whether `sec` lies on its device: else the layout would be of a section that does not exist.
    bool fits(const xfs_section& sec) const {
        const auto& t = sec.target;
        return t.device < w_.devices.size() && t.part_off <= w_.devices[t.device].size &&
               t.nr_bytes <= w_.devices[t.device].size - t.part_off && sec.blocks <= t.nr_bytes / w_.mp.blocksize;
    }

    /// Used block runs [begin, end) of group `g`, sorted, from its records (and earlier layouts).
    std::vector<std::pair<u64, u64>>& used(bool rt, u32 g) {
        auto [it, fresh] = used_.try_emplace({rt, g});
        if (fresh) {
            const auto& sec = rt ? *w_.mp.rt : w_.mp.data;
            for (const auto& r : sec.rmap[g]) it->second.push_back({r.startblock, u64{r.startblock} + r.blockcount});
            std::sort(it->second.begin(), it->second.end());
        }
        return it->second;
    }

    /// The free blocks of group `g`, lowest first, until `need` is met.
    void take_from_group(bool rt, const xfs_section& sec, u32 g, u64& need, std::vector<layout_extent>& out) {
        const u64 start = u64{g} * sec.group_blocks;
        const u64 length = sec.blocks > start ? std::min<u64>(sec.group_blocks, sec.blocks - start) : 0;
        auto& taken = used(rt, g);
        u64 cursor = 0;
        u64 file_block = out.empty() ? 0 : out.back().file_block + out.back().blocks;
        std::vector<std::pair<u64, u64>> added;
        auto take_free = [&](u64 until) {
            while (cursor < until && need > 0 && out.size() < max_layout_extents) {
                const u64 n = std::min({until - cursor, need, max_extent_blocks});
                out.push_back({g, cursor, n, file_block});
                added.push_back({cursor, cursor + n});
                file_block += n;
                need -= n;
                cursor += n;
            }
        };
        for (const auto& [b, e] : taken) {
            if (b > cursor) take_free(std::min(b, length));
            cursor = std::max(cursor, e);
        }
        if (cursor < length) take_free(length);
        taken.insert(taken.end(), added.begin(), added.end());
        std::sort(taken.begin(), taken.end());
    }

    template <class OnRecord>
    void add_records(u64 ino, bool rt, const std::vector<layout_extent>& extents, OnRecord& on_record) {
        auto& sec = rt ? *w_.mp.rt : w_.mp.data;
        for (const auto& e : extents) {
            auto& group = sec.rmap[e.group];
            on_record(rt, e.group, group.size(), e);
            group.push_back({static_cast<u32>(e.agbno), static_cast<u32>(e.blocks), ino, e.file_block, false, false});
        }
    }

    world& w_;
    std::map<std::pair<bool, u32>, std::vector<std::pair<u64, u64>>> used_;  ///< per (section, group)
};

}  // namespace daxfail

#endif
