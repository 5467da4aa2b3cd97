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
#include <daxfail/world.hpp>
#include <daxfail/xfs_limits.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace daxfail {

struct validation_error {
    std::string path;
    std::string reason;
    /// "path: reason"; a problem of the whole file (it cannot be read) has no path.
    std::string to_string() const { return path.empty() ? reason : path + ": " + reason; }
    friend bool operator==(const validation_error&, const validation_error&) = default;
};

/// Thrown by run() on a world or event that fails validation; what() lists every error.
class invalid_scenario : public std::invalid_argument {
public:
    explicit invalid_scenario(std::vector<validation_error> errors)
        : std::invalid_argument(join(errors)), errors_(std::move(errors)) {}
    const std::vector<validation_error>& errors() const noexcept { return errors_; }

private:
    static std::string join(const std::vector<validation_error>& errors) {
        std::string s;
        for (const auto& e : errors) s += (s.empty() ? "" : "\n") + e.to_string();
        return s;
    }
    std::vector<validation_error> errors_;
};

namespace detail {

inline bool add_overflows(u64 a, u64 b) { return a + b < a; }

inline bool known_special_owner(u64 owner) { return owner >= rmap_owner::cow; }

inline void validate_buftarg(const world& w, const buftarg& bt, const std::string& path,
                             std::vector<validation_error>& errs) {
    if (bt.device >= w.devices.size()) {
        errs.push_back({path + ".device", "no device " + std::to_string(bt.device) + " (the world has " +
                                              std::to_string(w.devices.size()) + ")"});
        return;
    }
    if (add_overflows(bt.part_off, bt.nr_bytes)) {
        errs.push_back({path + ".nr_bytes", "part_off + nr_bytes overflows u64"});
        return;
    }
    if (bt.nr_bytes == 0) {
        errs.push_back({path + ".nr_bytes", "must be positive"});
        return;  // whether it fits the device says nothing more
    }
    if (bt.part_off + bt.nr_bytes > w.devices[bt.device].size)
        errs.push_back({path + ".nr_bytes", "part_off + nr_bytes = " + std::to_string(bt.part_off + bt.nr_bytes) +
                                                " is beyond the end of devices[" + std::to_string(bt.device) +
                                                "] (its size is " + std::to_string(w.devices[bt.device].size) + ")"});
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

inline void validate_section(const world& w, const xfs_section& s, const std::string& path,
                             std::vector<validation_error>& errs) {
    validate_buftarg(w, s.target, path + ".target", errs);
    if (s.group_count == 0) errs.push_back({path + ".group_count", "must be positive"});
    if (s.group_blocks == 0) errs.push_back({path + ".group_blocks", "must be positive"});
    if (s.group_count == 0 || s.group_blocks == 0) return;
    const u64 max_blocks = u64{s.group_count} * s.group_blocks;
    if (s.blocks == 0 || s.blocks > max_blocks || s.blocks <= max_blocks - s.group_blocks)
        errs.push_back({path + ".blocks", std::to_string(s.blocks) + " does not fit " + std::to_string(s.group_count) +
                                              " groups of " + std::to_string(s.group_blocks) + " blocks"});
    else if (s.blocks > s.target.nr_bytes / w.mp.blocksize)
        errs.push_back({path + ".blocks", std::to_string(s.blocks) + " blocks of " + std::to_string(w.mp.blocksize) +
                                              " bytes do not fit the device's " + std::to_string(s.target.nr_bytes) +
                                              " bytes"});
    if (s.rmap.size() != s.group_count) {
        errs.push_back({path + ".rmap", "has " + std::to_string(s.rmap.size()) + " groups, expected " +
                                            std::to_string(s.group_count)});
        return;
    }
    const inode_numbers inos(w);
    for (u32 g = 0; g < s.group_count; ++g) {
        const u64 length = std::min<u64>(s.group_blocks, s.blocks - std::min<u64>(s.blocks, u64{g} * s.group_blocks));
        const auto& recs = s.rmap[g];
        auto rec_path = [&](std::size_t i) { return path + ".rmap[" + std::to_string(g) + "][" + std::to_string(i) + "]"; };
        for (std::size_t i = 0; i < recs.size(); ++i) {
            const auto& r = recs[i];
            if (r.blockcount == 0) errs.push_back({rec_path(i) + ".blockcount", "must be positive"});
            if (u64{r.startblock} + r.blockcount > length)
                errs.push_back({rec_path(i) + ".startblock", "blocks " + std::to_string(r.startblock) + "+" +
                                                                 std::to_string(r.blockcount) + " extend beyond the group (" +
                                                                 std::to_string(length) + " blocks)"});
            if (rmap_owner::is_non_inode(r.owner)) {
                if (!known_special_owner(r.owner)) errs.push_back({rec_path(i) + ".owner", "unknown special owner"});
            } else if (!inos.contains(r.owner)) {
                errs.push_back({rec_path(i) + ".owner", "no inode " + std::to_string(r.owner) + " in the filesystem"});
            }
        }
        // Overlaps by a sweep over the records in block order: each is compared with those still open.
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
                if (!(w.mp.reflink && both_data && r.owner != q.owner))
                    errs.push_back({rec_path(std::max(i, j)), "overlaps " + rec_path(std::min(i, j)) +
                                                                  " and is not a shared (reflinked) file extent"});
            }
            open.push_back(i);
        }
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

}  // namespace detail

/// Every problem in the world and the event; empty when the run may start.
inline std::vector<validation_error> validate(const world& w, const event& ev) {
    std::vector<validation_error> errs;
    if (w.devices.empty()) errs.push_back({"devices", "the world needs at least one dax device"});
    for (std::size_t i = 0; i < w.devices.size(); ++i) {
        const auto& d = w.devices[i];
        const std::string p = "devices[" + std::to_string(i) + "]";
        if (d.size == 0 || d.size % page_size) errs.push_back({p + ".size", "must be a positive multiple of 4096"});
        if (detail::add_overflows(d.first_pfn, d.size >> page_shift)) {
            errs.push_back({p + ".first_pfn", "first_pfn + pages overflows u64"});
            continue;
        }
        // Two namespaces never share a page frame: poison by pfn would be ambiguous.
        for (std::size_t j = 0; j < i; ++j) {
            const auto& o = w.devices[j];
            if (detail::add_overflows(o.first_pfn, o.size >> page_shift)) continue;
            if (d.first_pfn < o.first_pfn + (o.size >> page_shift) && o.first_pfn < d.first_pfn + (d.size >> page_shift)) {
                const auto range = [](const dax_device& x) {
                    return detail::hex(x.first_pfn) + ".." + detail::hex(x.first_pfn + (x.size >> page_shift) - 1);
                };
                errs.push_back({p + ".first_pfn", "its pfns " + range(d) + " overlap those of devices[" +
                                                      std::to_string(j) + "] (" + range(o) + ")"});
                break;
            }
        }
    }
    const auto bs = w.mp.blocksize;
    if (bs < 512 || bs > 65536 || (bs & (bs - 1)) != 0)
        errs.push_back({"mp.blocksize", std::to_string(bs) + " is not a power of two between 512 and 65536"});
    if (!errs.empty()) return errs;  // the rest depends on devices and block size
    detail::validate_section(w, w.mp.data, "mp.data", errs);
    if (w.mp.log) {
        detail::validate_buftarg(w, *w.mp.log, "mp.log", errs);
        if (w.mp.log->device == w.mp.data.target.device)
            errs.push_back({"mp.log.device", "an external log must be on another dax device (one holder per device)"});
    }
    if (w.mp.rt) {
        detail::validate_section(w, *w.mp.rt, "mp.rt", errs);
        if (w.mp.rt->target.device == w.mp.data.target.device)
            errs.push_back({"mp.rt.target.device", "the realtime device must be another dax device"});
        if (w.mp.log && w.mp.log->device == w.mp.rt->target.device)
            errs.push_back({"mp.log.device",
                            "the external log and the realtime section are on one pmem device: xfs_open_devices "
                            "opens the realtime buftarg first and it becomes the device's only DAX holder, so the "
                            "log would get no DAX device (one block device for both is refused at mount)"});
    }
    {  // a geometry XFS refuses
        std::vector<std::pair<std::string, std::string>> limits;
        xfs_limits::check(w, limits);
        for (auto& [path, reason] : limits) errs.push_back({std::move(path), std::move(reason)});
    }
    for (const auto& [ino, ip] : w.inodes) {
        const std::string p = "inodes[" + std::to_string(ino) + "]";
        if (rmap_owner::is_non_inode(ino)) errs.push_back({p, "inode number has the non-inode owner bit set"});
        if (!ip.in_core && !ip.cache.empty())
            errs.push_back({p + ".in_core", "an inode with cached pages is in core"});
        if (ip.dax && bs != page_size)
            errs.push_back({p + ".dax", "DAX needs the block size to equal the page size (4096)"});
        const u64 eof_pages = ip.size / page_size + (ip.size % page_size != 0);
        if (!ip.cache.empty()) {
            const u64 last = ip.cache.back().last;
            if (last >= eof_pages)
                errs.push_back({p + ".cache", "entry at page " + std::to_string(std::max(eof_pages, (*ip.cache.begin()).first)) +
                                                  " is beyond end of file (" + std::to_string(eof_pages) + " pages)"});
        }
        for (const auto& r : ip.cache)
            if (r.value.pmd && (r.first % pmd_pages || (r.last + 1) % pmd_pages)) {
                errs.push_back({p + ".cache", "2 MiB entries must cover whole 512-page blocks (pages " +
                                                  std::to_string(r.first) + ".." + std::to_string(r.last) + ")"});
                break;
            }
    }
    std::optional<detail::extent_index> extents;  // built only when a PMD mapping needs checking
    std::set<u32> tids;
    for (std::size_t i = 0; i < w.tasks.size(); ++i) {
        const auto& t = w.tasks[i];
        const std::string p = "tasks[" + std::to_string(i) + "]";
        if (t.threads.empty()) errs.push_back({p + ".threads", "a task needs at least its leader thread"});
        else if (t.threads.front().tid != t.pid)
            errs.push_back({p + ".threads[0].tid", "the leader's tid must equal the pid " + std::to_string(t.pid)});
        for (std::size_t k = 0; k < t.threads.size(); ++k)
            if (!tids.insert(t.threads[k].tid).second)
                errs.push_back({p + ".threads[" + std::to_string(k) + "].tid",
                                "duplicate pid/tid " + std::to_string(t.threads[k].tid)});
        if (!t.mm && !t.vmas.empty()) errs.push_back({p + ".vmas", "a kernel thread (no mm) cannot map files"});
        for (std::size_t k = 0; k < t.vmas.size(); ++k) {
            const auto& v = t.vmas[k];
            const std::string vp = p + ".vmas[" + std::to_string(k) + "]";
            const auto it = w.inodes.find(v.ino);
            if (it == w.inodes.end()) {
                errs.push_back({vp + ".ino", "no inode " + std::to_string(v.ino) + " in the filesystem"});
                continue;
            }
            if (!it->second.in_core)
                errs.push_back({vp + ".ino", "inode " + std::to_string(v.ino) + " is mapped, so it must be in core"});
            if (v.pages == 0) errs.push_back({vp + ".pages", "must be positive"});
            if (detail::add_overflows(v.pgoff, v.pages)) {
                errs.push_back({vp + ".pages", "pgoff + pages overflows u64"});
                continue;
            }
            if (v.start % page_size) errs.push_back({vp + ".start", "must be page aligned"});
            if (v.pages > (u64_max - v.start) >> page_shift)
                errs.push_back({vp + ".start", "start + pages * 4096 overflows u64"});
            const u64 eof_pages = it->second.size / page_size + (it->second.size % page_size != 0);
            if (v.pgoff + v.pages > eof_pages)
                errs.push_back({vp + ".pages", "maps file pages " + std::to_string(v.pgoff) + ".." +
                                                   std::to_string(v.pgoff + v.pages - 1) + " beyond end of file (" +
                                                   std::to_string(eof_pages) + " pages)"});
            for (const auto& r : v.present) {
                if (r.first < v.pgoff || r.last - v.pgoff >= v.pages) {
                    errs.push_back({vp + ".present", "page " + std::to_string(r.first < v.pgoff ? r.first : r.last) +
                                                         " is outside the mapping"});
                    break;
                }
                if (auto gap = detail::first_uncached(it->second.cache, r.first, r.last)) {
                    errs.push_back({vp + ".present", "page " + std::to_string(*gap) +
                                                         " has a live PTE but no cached entry in the file"});
                    break;
                }
                if (r.value != mapping_size::pmd) continue;
                const std::string pp = vp + ".pmd";
                if (r.first % pmd_pages || (r.last + 1) % pmd_pages) {
                    errs.push_back({pp, "a PMD maps a whole 512-page (2 MiB) block of the file; pages " +
                                            std::to_string(r.first) + ".." + std::to_string(r.last) + " are not"});
                    break;
                }
                if ((v.start + ((r.first - v.pgoff) << page_shift)) % (u64{1} << pmd_shift)) {
                    errs.push_back({pp, "page " + std::to_string(r.first) + " is not mapped at a 2 MiB aligned address"});
                    break;
                }
                if (!extents) extents = detail::build_extent_index(w);
                const auto ext = extents->of(v.ino);
                for (u64 b = r.first; !ext.empty(); b += pmd_pages) {
                    const auto pr = detail::pfn_run_of(ext, w.devices, bs, b);
                    if (!pr || pr->pfn % pmd_pages || pr->pages < pmd_pages) {
                        errs.push_back({pp, "pages " + std::to_string(b) + ".." + std::to_string(b + pmd_pages - 1) +
                                                " are not one 2 MiB aligned, contiguous run of pmem"});
                        break;
                    }
                    bool pmd_entry = true;
                    it->second.cache.for_each_in(b, b + pmd_pages - 1, [&](const page_run<cache_entry>& c) { pmd_entry &= c.value.pmd; });
                    if (!pmd_entry) {
                        errs.push_back({pp, "pages " + std::to_string(b) + ".." + std::to_string(b + pmd_pages - 1) +
                                                " are PMD mapped, so their cached entry is a 2 MiB one"});
                        break;
                    }
                    if (b + pmd_pages > r.last) break;
                }
            }
        }
    }
    if (ev.device >= w.devices.size())
        errs.push_back({"event.device", "no device " + std::to_string(ev.device)});
    if (!tids.count(ev.current_tid))
        errs.push_back({"event.current_tid", "no thread " + std::to_string(ev.current_tid) + " among the tasks"});
    if (ev.kind == event_kind::memory_failure) {
        if (ev.length == 0) errs.push_back({"event.length", "must be positive"});
        if (detail::add_overflows(ev.offset, ev.length))
            errs.push_back({"event.length", "offset + length overflows u64"});
        else if (ev.device < w.devices.size() && ev.offset + ev.length > w.devices[ev.device].size)
            errs.push_back({"event.length", "offset + length is beyond the device (" +
                                                std::to_string(w.devices[ev.device].size) + " bytes)"});
    }
    return errs;
}

}  // namespace daxfail

#endif
