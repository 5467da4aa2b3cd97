// Checks a world and an event before a run. Every problem is reported with
// the path of the offending field and the reason, e.g.
//   tasks[2].vmas[0].ino: no inode 133 in the filesystem
// A run never starts on a world that fails validation, so bad input cannot
// crash the model or produce a partial outcome.
#ifndef DAXFAIL_VALIDATE_HPP
#define DAXFAIL_VALIDATE_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/extents.hpp>
#include <daxfail/detail/hex.hpp>
#include <daxfail/event.hpp>
#include <daxfail/validation_error.hpp>
#include <daxfail/world.hpp>
#include <daxfail/xfs_limits.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace daxfail {

namespace detail {

using where = world_location::object;

inline bool add_overflows(u64 a, u64 b) { return a + b < a; }

inline bool known_special_owner(u64 owner) { return owner >= rmap_owner::cow; }

/// `errs` gets `reason` at `loc`.
inline void fail(std::vector<validation_error>& errs, const world_location& loc, std::string reason) {
    errs.push_back(validation_error::in_world(loc, std::move(reason)));
}

/// The buftarg `bt` at `at` (a section's target or the log).
inline void validate_buftarg(const world& w, const buftarg& bt, const world_location& at,
                             std::vector<validation_error>& errs) {
    if (bt.device >= w.devices.size()) {
        fail(errs, at.at("device"), "no device " + std::to_string(bt.device) + " (the world has " +
                                        std::to_string(w.devices.size()) + ")");
        return;
    }
    if (add_overflows(bt.part_off, bt.nr_bytes)) {
        fail(errs, at.at("nr_bytes"), "part_off + nr_bytes overflows u64");
        return;
    }
    if (bt.nr_bytes == 0) {
        fail(errs, at.at("nr_bytes"), "must be positive");
        return;  // whether it fits the device says nothing more
    }
    if (bt.part_off + bt.nr_bytes > w.devices[bt.device].size)
        fail(errs, at.at("nr_bytes"), "part_off + nr_bytes = " + std::to_string(bt.part_off + bt.nr_bytes) +
                                          " is beyond the end of devices[" + std::to_string(bt.device) +
                                          "] (its size is " + std::to_string(w.devices[bt.device].size) + ")");
}

/// The inode numbers of a world, for a million membership probes: a bitmap over their range when they are
/// dense (as XFS allocates them), else a sorted array.
class inode_numbers {
    std::vector<u64> sorted_;
    std::vector<u64> bits_;
    u64 base_ = 0;

public:
    explicit inode_numbers(const world& w) {
        sorted_.reserve(w.inodes.size());
        for (const auto& entry : w.inodes) sorted_.push_back(entry.first);  // std::map: ascending
        if (sorted_.empty()) return;
        base_ = sorted_.front();
        const u64 span = sorted_.back() - base_;
        if (span / 64 > 4 * sorted_.size()) return;  // sparse: binary search
        bits_.assign(span / 64 + 1, 0);
        for (u64 ino : sorted_) bits_[(ino - base_) / 64] |= u64{1} << ((ino - base_) % 64);
    }
    bool contains(u64 ino) const {
        if (bits_.empty()) return std::binary_search(sorted_.begin(), sorted_.end(), ino);
        if (ino < base_ || (ino - base_) / 64 >= bits_.size()) return false;
        return (bits_[(ino - base_) / 64] >> ((ino - base_) % 64)) & 1;
    }
};

/// Group `g`'s records, each on its own: a length, inside the group (of `length` blocks), a known owner.
inline void validate_records(const std::vector<rmap_record>& recs, world_location group, u64 length,
                             const inode_numbers& inos, std::vector<validation_error>& errs) {
    for (std::size_t i = 0; i < recs.size(); ++i) {
        const auto& r = recs[i];
        group.sub = i;
        if (r.blockcount == 0) fail(errs, group.at("blockcount"), "must be positive");
        if (u64{r.startblock} + r.blockcount > length)
            fail(errs, group.at("startblock"), "blocks " + std::to_string(r.startblock) + "+" +
                                                   std::to_string(r.blockcount) + " extend beyond the group (" +
                                                   std::to_string(length) + " blocks)");
        if (rmap_owner::is_non_inode(r.owner)) {
            if (!known_special_owner(r.owner)) fail(errs, group.at("owner"), "unknown special owner");
        } else if (!inos.contains(r.owner)) {
            fail(errs, group.at("owner"), "no inode " + std::to_string(r.owner) + " in the filesystem");
        }
    }
}

/// Records of one group that overlap, by a sweep over them in block order: each is compared with those still
/// open. Only reflinked data extents of different files may share blocks.
inline void validate_overlaps(const world& w, const std::vector<rmap_record>& recs, world_location group,
                              std::vector<validation_error>& errs) {
    std::vector<std::size_t> order(recs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    // Ties broken by index: the order (and so which record an error names) is a stable sort's.
    auto by_start = [&](std::size_t x, std::size_t y) {
        return recs[x].startblock != recs[y].startblock ? recs[x].startblock < recs[y].startblock : x < y;
    };
    if (!std::is_sorted(order.begin(), order.end(), by_start)) std::sort(order.begin(), order.end(), by_start);
    std::vector<std::size_t> open;
    for (std::size_t i : order) {
        const auto& r = recs[i];
        std::erase_if(open, [&](std::size_t j) { return u64{recs[j].startblock} + recs[j].blockcount <= r.startblock; });
        for (std::size_t j : open) {
            const auto& q = recs[j];
            if (r.blockcount == 0 || q.blockcount == 0) continue;
            const bool both_data = !rmap_owner::is_non_inode(r.owner) && !rmap_owner::is_non_inode(q.owner) &&
                                   !r.attr_fork && !q.attr_fork && !r.bmbt_block && !q.bmbt_block;
            if (w.mp.reflink && both_data && r.owner != q.owner) continue;
            world_location later = group, earlier = group;
            later.sub = std::max(i, j);
            earlier.sub = std::min(i, j);
            errs.push_back(validation_error::in_world(later, "overlaps ", earlier,
                                                      " and is not a shared (reflinked) file extent"));
        }
        open.push_back(i);
    }
}

/// The data or realtime section `s`: its target, geometry and reverse mappings.
inline void validate_section(const world& w, const xfs_section& s, bool rt, std::vector<validation_error>& errs) {
    const world_location at{where::section, rt};
    validate_buftarg(w, s.target, {where::target, rt}, errs);
    if (s.group_count == 0) fail(errs, at.at("group_count"), "must be positive");
    if (s.group_blocks == 0) fail(errs, at.at("group_blocks"), "must be positive");
    if (s.group_count == 0 || s.group_blocks == 0) return;
    const u64 max_blocks = u64{s.group_count} * s.group_blocks;
    if (s.blocks == 0 || s.blocks > max_blocks || s.blocks <= max_blocks - s.group_blocks)
        fail(errs, at.at("blocks"), std::to_string(s.blocks) + " does not fit " + std::to_string(s.group_count) +
                                        " groups of " + std::to_string(s.group_blocks) + " blocks");
    else if (s.blocks > s.target.nr_bytes / w.mp.blocksize)
        fail(errs, at.at("blocks"), std::to_string(s.blocks) + " blocks of " + std::to_string(w.mp.blocksize) +
                                        " bytes do not fit the device's " + std::to_string(s.target.nr_bytes) +
                                        " bytes");
    if (s.rmap.size() != s.group_count) {
        fail(errs, at.at("rmap"), "has " + std::to_string(s.rmap.size()) + " groups, expected " +
                                      std::to_string(s.group_count));
        return;
    }
    const inode_numbers inos(w);
    for (u32 g = 0; g < s.group_count; ++g) {
        const u64 length = std::min<u64>(s.group_blocks, s.blocks - std::min<u64>(s.blocks, u64{g} * s.group_blocks));
        const world_location group{where::record, rt, g};
        validate_records(s.rmap[g], group, length, inos, errs);
        validate_overlaps(w, s.rmap[g], group, errs);
    }
}

/// The first page of [first, last] without a cached entry.
inline std::optional<u64> first_uncached(const run_map<cache_entry>& cache, u64 first, u64 last) {
    u64 next = first;  // the first page not yet known to be cached
    bool gap = false, covered = false;
    cache.for_each_in(first, last, [&](const page_run<cache_entry>& r) {  // runs clipped to [first, last]
        if (gap || covered) return;
        if (r.first > next) gap = true;
        else if (r.last == last) covered = true;
        else next = r.last + 1;
    });
    if (covered) return std::nullopt;
    return next;
}

/// Every device has a size in pages, and no two share a page frame (poison by pfn would be ambiguous).
inline void validate_devices(const world& w, std::vector<validation_error>& errs) {
    if (w.devices.empty()) fail(errs, {where::devices}, "the world needs at least one dax device");
    const auto range = [](const dax_device& x) {
        return detail::hex(x.first_pfn) + ".." + detail::hex(x.first_pfn + (x.size >> page_shift) - 1);
    };
    for (std::size_t i = 0; i < w.devices.size(); ++i) {
        const auto& d = w.devices[i];
        const world_location at{where::device, false, i};
        if (d.size == 0 || d.size % page_size) fail(errs, at.at("size"), "must be a positive multiple of 4096");
        if (add_overflows(d.first_pfn, d.size >> page_shift)) {
            fail(errs, at.at("first_pfn"), "first_pfn + pages overflows u64");
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            const auto& o = w.devices[j];
            if (add_overflows(o.first_pfn, o.size >> page_shift)) continue;
            if (d.first_pfn < o.first_pfn + (o.size >> page_shift) && o.first_pfn < d.first_pfn + (d.size >> page_shift)) {
                fail(errs, at.at("first_pfn"), "its pfns " + range(d) + " overlap those of devices[" +
                                                   std::to_string(j) + "] (" + range(o) + ")");
                break;
            }
        }
    }
    const auto bs = w.mp.blocksize;
    if (bs < 512 || bs > 65536 || (bs & (bs - 1)) != 0)
        fail(errs, {where::mount, false, 0, 0, "blocksize"},
             std::to_string(bs) + " is not a power of two between 512 and 65536");
}

/// The sections, the log, and which devices they are on; then the geometry XFS refuses.
inline void validate_filesystem(const world& w, std::vector<validation_error>& errs) {
    validate_section(w, w.mp.data, false, errs);
    const world_location log{where::log};
    if (w.mp.log) {
        validate_buftarg(w, *w.mp.log, log, errs);
        if (w.mp.log->device == w.mp.data.target.device)
            fail(errs, log.at("device"), "an external log must be on another dax device (one holder per device)");
    }
    if (w.mp.rt) {
        validate_section(w, *w.mp.rt, true, errs);
        if (w.mp.rt->target.device == w.mp.data.target.device)
            fail(errs, {where::target, true, 0, 0, "device"}, "the realtime device must be another dax device");
        if (w.mp.log && w.mp.log->device == w.mp.rt->target.device)
            fail(errs, log.at("device"),
                 "the external log and the realtime section are on one pmem device: xfs_open_devices "
                 "opens the realtime buftarg first and it becomes the device's only DAX holder, so the "
                 "log would get no DAX device (one block device for both is refused at mount)");
    }
    xfs_limits::check(w, errs);
}

/// Inode numbers, and each inode's cached entries against its size and the block size.
inline void validate_inodes(const world& w, std::vector<validation_error>& errs) {
    for (const auto& [ino, ip] : w.inodes) {
        const world_location at{where::inode, false, ino};
        if (rmap_owner::is_non_inode(ino)) fail(errs, at, "inode number has the non-inode owner bit set");
        if (!ip.in_core && !ip.cache.empty()) fail(errs, at.at("in_core"), "an inode with cached pages is in core");
        if (ip.dax && w.mp.blocksize != page_size)
            fail(errs, at.at("dax"), "DAX needs the block size to equal the page size (4096)");
        const u64 eof_pages = ip.size / page_size + (ip.size % page_size != 0);
        if (!ip.cache.empty() && ip.cache.back().last >= eof_pages)
            fail(errs, at.at("cache"), "entry at page " + std::to_string(std::max(eof_pages, (*ip.cache.begin()).first)) +
                                           " is beyond end of file (" + std::to_string(eof_pages) + " pages)");
        for (const auto& r : ip.cache)
            if (r.value.pmd && (r.first % pmd_pages || (r.last + 1) % pmd_pages)) {
                fail(errs, at.at("cache"), "2 MiB entries must cover whole 512-page blocks (pages " +
                                               std::to_string(r.first) + ".." + std::to_string(r.last) + ")");
                break;
            }
    }
}

/// The PMD run `r` of mapping `v` (of inode `ip`): whole 2 MiB blocks, at an aligned address, on aligned
/// contiguous pmem, with 2 MiB cached entries. False when it is misaligned (the mapping's other runs are then
/// not looked at).
inline bool validate_pmd(const world& w, const vma& v, const inode& ip, const page_run<mapping_size>& r,
                         const world_location& at, std::optional<extent_index>& extents,
                         std::vector<validation_error>& errs) {
    if (r.first % pmd_pages || (r.last + 1) % pmd_pages) {
        fail(errs, at, "a PMD maps a whole 512-page (2 MiB) block of the file; pages " + std::to_string(r.first) +
                           ".." + std::to_string(r.last) + " are not");
        return false;
    }
    if ((v.start + ((r.first - v.pgoff) << page_shift)) % (u64{1} << pmd_shift)) {
        fail(errs, at, "page " + std::to_string(r.first) + " is not mapped at a 2 MiB aligned address");
        return false;
    }
    if (!extents) extents = build_extent_index(w);
    const auto ext = extents->of(v.ino);
    const auto pages = [](u64 b) { return "pages " + std::to_string(b) + ".." + std::to_string(b + pmd_pages - 1); };
    for (u64 b = r.first; !ext.empty(); b += pmd_pages) {
        const auto pr = pfn_run_of(ext, w.devices, w.mp.blocksize, b);
        if (!pr || pr->pfn % pmd_pages || pr->pages < pmd_pages) {
            fail(errs, at, pages(b) + " are not one 2 MiB aligned, contiguous run of pmem");
            break;  // the mapping's next runs are still looked at
        }
        bool pmd_entry = true;
        ip.cache.for_each_in(b, b + pmd_pages - 1, [&](const page_run<cache_entry>& c) { pmd_entry &= c.value.pmd; });
        if (!pmd_entry) {
            fail(errs, at, pages(b) + " are PMD mapped, so their cached entry is a 2 MiB one");
            break;
        }
        if (b + pmd_pages > r.last) break;
    }
    return true;
}

/// Mapping `v` at `at`: its inode, range and address; its present pages are cached, its PMDs valid.
inline void validate_vma(const world& w, const vma& v, const world_location& at, std::optional<extent_index>& extents,
                         std::vector<validation_error>& errs) {
    const auto it = w.inodes.find(v.ino);
    if (it == w.inodes.end()) {
        fail(errs, at.at("ino"), "no inode " + std::to_string(v.ino) + " in the filesystem");
        return;
    }
    if (!it->second.in_core)
        fail(errs, at.at("ino"), "inode " + std::to_string(v.ino) + " is mapped, so it must be in core");
    if (v.pages == 0) fail(errs, at.at("pages"), "must be positive");
    if (add_overflows(v.pgoff, v.pages)) {
        fail(errs, at.at("pages"), "pgoff + pages overflows u64");
        return;
    }
    if (v.start % page_size) fail(errs, at.at("start"), "must be page aligned");
    if (v.pages > (u64_max - v.start) >> page_shift) fail(errs, at.at("start"), "start + pages * 4096 overflows u64");
    const u64 eof_pages = it->second.size / page_size + (it->second.size % page_size != 0);
    if (v.pgoff + v.pages > eof_pages)
        fail(errs, at.at("pages"), "maps file pages " + std::to_string(v.pgoff) + ".." +
                                       std::to_string(v.pgoff + v.pages - 1) + " beyond end of file (" +
                                       std::to_string(eof_pages) + " pages)");
    for (const auto& r : v.present) {
        if (r.first < v.pgoff || r.last - v.pgoff >= v.pages) {
            fail(errs, at.at("present"), "page " + std::to_string(r.first < v.pgoff ? r.first : r.last) +
                                             " is outside the mapping");
            break;
        }
        if (auto gap = first_uncached(it->second.cache, r.first, r.last)) {
            fail(errs, at.at("present"), "page " + std::to_string(*gap) + " has a live PTE but no cached entry in the file");
            break;
        }
        if (r.value == mapping_size::pmd && !validate_pmd(w, v, it->second, r, at.at("pmd"), extents, errs)) break;
    }
}

/// Tasks, their threads (unique tids, the leader first) and their mappings; `tids` gets every thread's.
inline void validate_tasks(const world& w, std::set<u32>& tids, std::vector<validation_error>& errs) {
    std::optional<extent_index> extents;  // built only when a PMD mapping needs checking
    for (std::size_t i = 0; i < w.tasks.size(); ++i) {
        const auto& t = w.tasks[i];
        const world_location at{where::task, false, i};
        if (t.threads.empty()) fail(errs, at.at("threads"), "a task needs at least its leader thread");
        else if (t.threads.front().tid != t.pid)
            fail(errs, {where::thread, false, i, 0, "tid"}, "the leader's tid must equal the pid " + std::to_string(t.pid));
        for (std::size_t k = 0; k < t.threads.size(); ++k)
            if (!tids.insert(t.threads[k].tid).second)
                fail(errs, {where::thread, false, i, k, "tid"}, "duplicate pid/tid " + std::to_string(t.threads[k].tid));
        if (!t.mm && !t.vmas.empty()) fail(errs, at.at("vmas"), "a kernel thread (no mm) cannot map files");
        for (std::size_t k = 0; k < t.vmas.size(); ++k) validate_vma(w, t.vmas[k], {where::vma, false, i, k}, extents, errs);
    }
}

/// The event: its device and current thread, and a memory failure's range on the device.
inline void validate_event(const world& w, const event& ev, const std::set<u32>& tids,
                           std::vector<validation_error>& errs) {
    const world_location at{where::event};
    if (ev.device >= w.devices.size()) fail(errs, at.at("device"), "no device " + std::to_string(ev.device));
    if (!tids.count(ev.current_tid))
        fail(errs, at.at("current_tid"), "no thread " + std::to_string(ev.current_tid) + " among the tasks");
    if (ev.kind != event_kind::memory_failure) return;
    if (ev.length == 0) fail(errs, at.at("length"), "must be positive");
    if (add_overflows(ev.offset, ev.length))
        fail(errs, at.at("length"), "offset + length overflows u64");
    else if (ev.device < w.devices.size() && ev.offset + ev.length > w.devices[ev.device].size)
        fail(errs, at.at("length"), "offset + length is beyond the device (" + std::to_string(w.devices[ev.device].size) +
                                        " bytes)");
}

}  // namespace detail

/// Every problem in the world and the event; empty when the run may start.
inline std::vector<validation_error> validate(const world& w, const event& ev) {
    std::vector<validation_error> errs;
    detail::validate_devices(w, errs);
    if (!errs.empty()) return errs;  // the rest depends on devices and block size
    detail::validate_filesystem(w, errs);
    detail::validate_inodes(w, errs);
    std::set<u32> tids;
    detail::validate_tasks(w, tids, errs);
    detail::validate_event(w, ev, tids, errs);
    return errs;
}

}  // namespace daxfail

#endif
