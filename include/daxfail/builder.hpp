// A fluent builder for worlds, so that a scenario reads like its description:
//     auto w = world_builder{}.standard_metadata()
//                  .file(133, "A", {{.group = 1, .agbno = 100, .blocks = 16}})
//                  .process(1001, "reader").map(1001, 133, 0, 16, 0x7f0000000000)
//                  .build();
// Defaults: one 64 MiB fsdax namespace pmem0 at pfn 0x100000, an XFS with
// rmapbt, 4 KiB blocks and 4 allocation groups of 4096 blocks.
#ifndef DAXFAIL_BUILDER_HPP
#define DAXFAIL_BUILDER_HPP

#include <daxfail/actor.hpp>
#include <daxfail/detail/extents.hpp>
#include <daxfail/event.hpp>
#include <daxfail/layout.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace daxfail {

/// A file extent: `blocks` blocks at block `agbno` of group `group`, holding file blocks from `file_block`.
struct extent {
    u32 group = 0;
    u32 agbno = 0;
    u32 blocks = 1;
    u64 file_block = 0;
};

struct file_options {
    bool dax = true;
    bool in_core = true;
    bool cached = true;        ///< every page with a block has a cached entry
    bool dirty = false;        ///< cached entries are dirty
    bool realtime = false;     ///< extents are on the realtime section
    bool reclaiming = false;
    u64 size = 0;              ///< 0: up to the last extent
};

struct thread_options {
    bool mce_kill_early = false;  ///< prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY)
    bool mce_kill_late = false;   ///< prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE)
};

/// Where standard_metadata puts the internal log in AG 0 (blocks 32..287).
inline constexpr u32 internal_log_block = 32, internal_log_blocks = 256;

/// The metadata a small mkfs.xfs lays down, as (group, record) pairs: per AG the headers (4 blocks), the
/// free-space btree roots, the inode btree root and the rmap btree root (plus the refcount btree root with
/// reflink); in AG 0 an inode chunk and, unless the log is on its own device, the internal log.
inline std::vector<std::pair<u32, rmap_record>> standard_metadata_records(u32 groups, bool reflink,
                                                                            bool internal_log = true) {
    std::vector<std::pair<u32, rmap_record>> out;
    auto add = [&](u32 g, u32 agbno, u32 blocks, u64 owner) { out.push_back({g, {agbno, blocks, owner, 0, false, false}}); };
    for (u32 g = 0; g < groups; ++g) {
        add(g, 0, 4, rmap_owner::fs);
        add(g, 4, 2, rmap_owner::ag);
        add(g, 6, 1, rmap_owner::inobt);
        add(g, 7, 1, rmap_owner::ag);
        if (reflink) add(g, 8, 1, rmap_owner::refc);
    }
    if (groups > 0) {
        add(0, 16, 16, rmap_owner::inodes);
        if (internal_log) add(0, internal_log_block, internal_log_blocks, rmap_owner::log);
    }
    return out;
}

class world_builder {
public:
    world_builder() {
        w_.devices.push_back({"pmem0", 64ull << 20, 0x100000, true, true, true});
        geometry(4, 4096);
    }

    /// Replaces the data section's geometry (the whole device, `groups` x `group_blocks` 4 KiB blocks).
    world_builder& geometry(u32 groups, u32 group_blocks, u64 part_off = 0) {
        auto& d = w_.mp.data;
        d.group_count = groups;
        d.group_blocks = group_blocks;
        d.blocks = u64{groups} * group_blocks;
        d.target = {0, part_off, d.blocks * w_.mp.blocksize};
        d.rmap.assign(groups, {});
        w_.devices[0].size = std::max(w_.devices[0].size, part_off + d.target.nr_bytes);
        return *this;
    }
    /// Adds another dax device and returns the builder; its index is devices().size() - 1.
    world_builder& device(std::string name, u64 size, u64 first_pfn) {
        w_.devices.push_back({std::move(name), size, first_pfn, true, true, true});
        return *this;
    }
    world_builder& reflink(bool on = true) {
        w_.mp.reflink = on;
        return *this;
    }
    world_builder& rmapbt(bool on) {
        w_.mp.data.has_rmapbt = on;
        return *this;
    }
    /// The log on `device` (all of it): AG 0 then has no internal log, so standard_metadata's is dropped.
    world_builder& external_log(std::size_t device) {
        w_.mp.log = buftarg{device, 0, w_.devices.at(device).size};
        if (!w_.mp.data.rmap.empty())
            std::erase_if(w_.mp.data.rmap.front(), [](const rmap_record& r) {
                return r.owner == rmap_owner::log && r.startblock == internal_log_block &&
                       r.blockcount == internal_log_blocks;
            });
        return *this;
    }
    world_builder& realtime(std::size_t device, u32 groups, u32 group_blocks, bool rtrmapbt = true) {
        xfs_section rt;
        rt.group_count = groups;
        rt.group_blocks = group_blocks;
        rt.blocks = u64{groups} * group_blocks;
        rt.target = {device, 0, rt.blocks * w_.mp.blocksize};
        rt.has_rmapbt = rtrmapbt;
        rt.rmap.assign(groups, {});
        w_.mp.rt = rt;
        return *this;
    }
    /// AG headers, free-space/inode/rmap btree roots in every AG; the inode chunk and internal log (unless the
    /// log is external) in AG 0.
    world_builder& standard_metadata() {
        for (const auto& [g, r] : standard_metadata_records(w_.mp.data.group_count, w_.mp.reflink, !w_.mp.log))
            w_.mp.data.rmap.at(g).push_back(r);
        return *this;
    }
    world_builder& metadata(u32 group, u32 agbno, u32 blocks, u64 owner) {
        w_.mp.data.rmap.at(group).push_back({agbno, blocks, owner, 0, false, false});
        return *this;
    }
    world_builder& file(u64 ino, std::string name, const std::vector<extent>& extents, file_options o = {}) {
        auto& ip = new_inode(ino, std::move(name), o);
        auto& sec = o.realtime ? w_.mp.rt.value() : w_.mp.data;
        u64 end_block = 0;
        for (const auto& e : extents) {
            sec.rmap.at(e.group).push_back({e.agbno, e.blocks, ino, e.file_block, false, false});
            end_block = std::max(end_block, e.file_block + e.blocks);
            cache_blocks(ip, e.file_block, e.blocks, o);
        }
        ip.size = o.size ? o.size : end_block * w_.mp.blocksize;
        return *this;
    }
    /// A file given by its size alone, laid out as a fresh XFS would (layout.hpp) around every record the
    /// builder has so far: give it after the metadata and the files with extents, as a scenario file's reader
    /// lays out its inodes without extents after the others. Throws when it does not fit.
    world_builder& sized_file(u64 ino, std::string name, u64 size, file_options o = {}) {
        auto& ip = new_inode(ino, std::move(name), o);
        ip.size = size;
        const auto r = layout(w_).file(ino);
        if (r.failure)
            throw std::invalid_argument("world_builder: inode " + std::to_string(ino) + " of " + std::to_string(size) +
                                        " bytes cannot be laid out");
        for (const auto& e : r.extents) cache_blocks(ip, e.file_block, e.blocks, o);
        return *this;
    }
    /// A process whose leader thread is `pid`; `kernel_thread` gives it no mm.
    world_builder& process(u32 pid, std::string comm, thread_options o = {}, bool kernel_thread = false) {
        task t;
        t.pid = pid;
        t.comm = comm;
        if (!kernel_thread) t.mm = pid;
        t.threads.push_back(make_thread(pid, std::move(comm), o));
        w_.tasks.push_back(std::move(t));
        return *this;
    }
    world_builder& thread(u32 pid, u32 tid, std::string comm, thread_options o = {}) {
        find(pid).threads.push_back(make_thread(tid, std::move(comm), o));
        return *this;
    }
    /// Maps pages [pgoff, pgoff + pages) of `ino` at `start`; `touched` pages get live PTEs (all by default).
    world_builder& map(u32 pid, u64 ino, u64 pgoff, u64 pages, u64 start, const std::vector<u64>& touched = {},
                       bool touch_all = true) {
        vma v{ino, pgoff, pages, start, {}};
        if (touch_all && touched.empty() && pages) v.present.assign(pgoff, pgoff + pages - 1, mapping_size::pte);
        for (u64 p : touched) v.present.assign(p, p, mapping_size::pte);
        find(pid).vmas.push_back(std::move(v));
        return *this;
    }
    /// Maps pages [pgoff, pgoff + pages) of `ino` at `start` with 2 MiB PMDs (pgoff, pages and start 2 MiB
    /// aligned, the file's blocks 2 MiB aligned and contiguous); the file's entries there become 2 MiB entries.
    world_builder& map_huge(u32 pid, u64 ino, u64 pgoff, u64 pages, u64 start) {
        vma v{ino, pgoff, pages, start, {}};
        if (pages) {
            v.present.assign(pgoff, pgoff + pages - 1, mapping_size::pmd);
            w_.inodes.at(ino).cache.update(pgoff, pgoff + pages - 1, [](cache_entry& e) { e.pmd = true; });
        }
        find(pid).vmas.push_back(std::move(v));
        return *this;
    }
    world_builder& early_kill_sysctl(bool on = true) {
        w_.early_kill_sysctl = on;
        return *this;
    }
    world_builder& frozen_by(freeze_holder who, std::string owner) {
        w_.mp.sb.holds.push_back({who, std::move(owner)});
        return *this;
    }
    world_builder& thaws_after(std::string owner, freeze_holder who, u64 ms) {
        w_.scheduled_thaws.push_back({who, std::move(owner), ms});
        return *this;
    }
    world_builder& shut_down(u32 flags) {
        w_.mp.shutdown_flags = flags;
        return *this;
    }
    world_builder& not_born() {
        w_.mp.sb.born = false;
        return *this;
    }
    /// Direct access for anything the fluent calls do not cover.
    world& edit() { return w_; }
    world build() const { return w_; }

private:
    inode& new_inode(u64 ino, std::string name, const file_options& o) {
        auto& ip = w_.inodes[ino];
        ip.name = std::move(name);
        ip.dax = o.dax;
        ip.in_core = o.in_core;
        ip.realtime = o.realtime;
        ip.reclaiming = o.reclaiming;
        return ip;
    }
    /// With o.cached, file blocks [file_block, file_block + blocks) get cached entries.
    void cache_blocks(inode& ip, u64 file_block, u64 blocks, const file_options& o) const {
        if (o.cached && blocks)
            ip.cache.assign((file_block * w_.mp.blocksize) >> page_shift,
                            (((file_block + blocks) * w_.mp.blocksize) >> page_shift) - 1, {o.dirty, false});
    }
    static daxfail::thread make_thread(u32 tid, std::string comm, thread_options o) {
        daxfail::thread t;
        t.tid = tid;
        t.comm = std::move(comm);
        t.mce_process = o.mce_kill_early || o.mce_kill_late;
        t.mce_early = o.mce_kill_early;
        return t;
    }
    task& find(u32 pid) {
        for (auto& t : w_.tasks)
            if (t.pid == pid) return t;
        throw std::invalid_argument("world_builder: no process " + std::to_string(pid));
    }
    world w_;
};

/// Device byte offset of block `agbno` in data group `group` (for memory-failure events).
inline u64 data_block_offset(const world& w, u32 group, u32 agbno) {
    const auto& d = w.mp.data;
    return d.target.part_off + (u64{group} * d.group_blocks + agbno) * w.mp.blocksize;
}

namespace steps {
/// madvise(MADV_HWPOISON) by task `pid` on page `page` of file `ino`, which it maps (its own memory-failure path).
inline actor_step madvise_hwpoison(const world& w, u32 pid, u64 ino, u64 page) {
    for (const auto& t : w.tasks) {
        if (t.pid != pid || t.threads.empty()) continue;
        for (const auto& v : t.vmas) {
            if (v.ino != ino || page < v.pgoff || page - v.pgoff >= v.pages) continue;
            const auto idx = detail::build_extent_index(w);
            const auto pr = detail::pfn_run_of(idx.of(ino), w.devices, w.mp.blocksize, page);
            if (!pr) break;
            for (std::size_t d = 0; d < w.devices.size(); ++d) {
                const auto& dev = w.devices[d];
                if (pr->pfn < dev.first_pfn || pr->pfn - dev.first_pfn >= dev.size >> page_shift) continue;
                actor_step s = op(actor_op::madvise_hwpoison);
                s.pid = pid;
                s.ino = ino;
                s.page = page;
                s.event = event::madvise_hwpoison(d, (pr->pfn - dev.first_pfn) << page_shift, page_size,
                                                  t.threads.front().tid, v.start + ((page - v.pgoff) << page_shift));
                return s;
            }
        }
    }
    throw std::invalid_argument("steps::madvise_hwpoison: task " + std::to_string(pid) + " maps no block of inode " +
                                std::to_string(ino) + " at page " + std::to_string(page));
}
}  // namespace steps

}  // namespace daxfail

#endif
