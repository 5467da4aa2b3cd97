// The state one run threads through the modelled kernel functions: the world
// being changed, the variant's config, the outcome being recorded, the model
// clock and the step budget. Users never name this.
#ifndef DAXFAIL_DETAIL_CONTEXT_HPP
#define DAXFAIL_DETAIL_CONTEXT_HPP

#include <daxfail/config.hpp>
#include <daxfail/event.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::detail {

/// Thrown inside the model to end a run that cannot return; caught by run().
struct stop_run {
    end_state end;
    std::string detail;
};

/// One data extent of a file, for page-index -> pfn translation.
struct file_extent {
    u64 file_block = 0;
    u64 blocks = 0;
    std::size_t device = 0;
    u64 device_byte = 0;    ///< absolute byte on the dax device of file_block
};

/// A victim found by collect_procs (struct to_kill).
struct to_kill {
    u32 tid = 0;
    std::string comm;
    u64 addr = 0;
    int size_shift = 0;
};

struct kernel_context {
    world& w;
    const config& cfg;
    outcome& out;
    const event& ev;
    u64 step_budget = 0;
    u64 now_ms = 0;
    std::map<u64, std::vector<file_extent>> extents;  ///< data-fork extents by inode

    /// Records a modelled kernel step; every step costs one unit of the budget.
    void step(std::string function, std::string detail = {}) {
        out.trace.push_back({std::move(function), std::move(detail)});
        if (++out.cost.steps > step_budget)
            throw stop_run{end_state::step_budget_exhausted,
                           "still running after " + std::to_string(step_budget) + " steps, at " +
                               out.trace.back().function + " (" + std::to_string(now_ms) + " ms of model time)"};
    }
    void log(log_level level, std::string text) { out.log.push_back({level, std::move(text)}); }
    /// xfs_alert/xfs_err/...: "XFS (<fsname>): <text>".
    void xfs_log(log_level level, const std::string& text) { log(level, "XFS (" + w.mp.fsname + "): " + text); }

    const thread* find_thread(u32 tid) const {
        for (const auto& t : w.tasks)
            for (const auto& th : t.threads)
                if (th.tid == tid) return &th;
        return nullptr;
    }
    const task* task_of_thread(u32 tid) const {
        for (const auto& t : w.tasks)
            for (const auto& th : t.threads)
                if (th.tid == tid) return &t;
        return nullptr;
    }
    /// The mm of `current`; nullopt for a kernel thread or an unknown tid.
    std::optional<u64> current_mm() const {
        const task* t = task_of_thread(ev.current_tid);
        return t ? t->mm : std::nullopt;
    }

    /// pfn backing page `index` of inode `ino`, if the file has a block there.
    std::optional<u64> pfn_of(u64 ino, u64 index) const {
        auto it = extents.find(ino);
        if (it == extents.end()) return std::nullopt;
        const u64 byte = index << page_shift;
        const u64 block = byte / w.mp.blocksize;
        for (const auto& e : it->second) {
            if (block < e.file_block || block - e.file_block >= e.blocks) continue;
            const u64 dev_byte = e.device_byte + (block - e.file_block) * w.mp.blocksize + byte % w.mp.blocksize;
            return w.devices[e.device].first_pfn + (dev_byte >> page_shift);
        }
        return std::nullopt;
    }
};

/// Absolute device byte of block `gbno` of group `g` in section `s`.
inline u64 section_block_byte(const xfs_section& s, u32 blocksize, u64 g, u64 gbno) {
    return s.target.part_off + (g * s.group_blocks + gbno) * blocksize;
}

/// Data-fork extents of every inode, read off the rmap records.
inline std::map<u64, std::vector<file_extent>> build_extent_index(const world& w) {
    std::map<u64, std::vector<file_extent>> idx;
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
    return idx;
}

}  // namespace daxfail::detail

#endif
