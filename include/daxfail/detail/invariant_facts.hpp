// What the invariants of a run are judged on: the pages the event failed and
// who mapped them before it, per process what is still mapped and what was
// signalled after it. Gathered once per judgement (run_facts).
#ifndef DAXFAIL_DETAIL_INVARIANT_FACTS_HPP
#define DAXFAIL_DETAIL_INVARIANT_FACTS_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/run_map.hpp>
#include <daxfail/scenario.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace daxfail::detail {

/// The device byte ranges that failed: the whole device for an unbind.
inline std::pair<u64, u64> failed_range(const scenario& s) {
    if (s.event.kind == event_kind::unbind) return {0, s.world.devices.at(s.event.device).size};
    return {s.event.offset, s.event.offset + s.event.length};
}

/// Live mappings of failed pages before the event: per process, the virtual page numbers, plus the runs.
struct failed_mappings_t {
    std::map<u32, page_set> vpages;
    std::vector<pte_record> runs;
    u64 pages = 0;
    bool empty() const noexcept { return runs.empty(); }
};

inline failed_mappings_t failed_mappings(const scenario& s) {
    const auto extents = build_extent_index(s.world);
    const auto range = failed_range(s);  // clang 14 cannot capture structured bindings
    const u64 lo = range.first, hi = range.second;
    const u64 bs = s.world.mp.blocksize;
    failed_mappings_t out;
    for (const auto& t : s.world.tasks)
        for (const auto& v : t.vmas) {
            const auto ext = extents.of(v.ino);
            if (ext.empty() || v.pages == 0) continue;
            for (const auto& e : ext) {
                if (e.device != s.event.device || e.blocks == 0) continue;
                // Page i of the extent starts at device byte device_byte + (i * 4096 - file_block * bs).
                const u64 ext_byte = e.file_block * bs, ext_end = (e.file_block + e.blocks) * bs;
                const u64 dev_end = e.device_byte + (ext_end - ext_byte);
                if (dev_end <= lo || e.device_byte >= hi) continue;
                const u64 k_lo = lo > e.device_byte ? lo - e.device_byte : 0;
                const u64 k_hi = std::min(hi, dev_end) - e.device_byte;  // exclusive
                const u64 first = (ext_byte + k_lo + page_size - 1) >> page_shift;
                const u64 end = (ext_byte + k_hi + page_size - 1) >> page_shift;  // exclusive
                if (first >= end) continue;
                const u64 a = std::max(first, v.pgoff), b = std::min(end - 1, v.pgoff + v.pages - 1);
                if (a > b) continue;
                v.present.for_each_in(a, b, [&](const page_run<mapping_size>& r) {
                    const u64 vfirst = (v.start >> page_shift) + (r.first - v.pgoff);
                    out.vpages[t.pid].insert(vfirst, vfirst + (r.last - r.first));
                    out.runs.push_back({t.pid, v.ino, r.first, v.start + ((r.first - v.pgoff) << page_shift),
                                        r.last - r.first + 1, mapping_shift(r.value)});
                    out.pages += r.last - r.first + 1;
                });
            }
        }
    return out;
}

/// The process (tgid) of every thread.
inline std::unordered_map<u32, u32> tgids(const world& w) {
    std::unordered_map<u32, u32> m;
    for (const auto& t : w.tasks)
        for (const auto& th : t.threads) m.emplace(th.tid, t.pid);
    return m;
}

/// Pages of `set` (virtual page numbers of pid) that `other` also has, as runs rendered for messages.
inline u64 overlap(const page_set& set, const page_set& other, std::vector<std::string>& shown, u32 pid) {
    u64 n = 0;
    for (const auto& r : set)
        other.for_each_in(r.first, r.last, [&](const page_run<present_t>& x) {
            n += x.last - x.first + 1;
            if (shown.size() < 4)
                shown.push_back("pid " + std::to_string(pid) + " at " + hex(x.first << page_shift) +
                                (x.last != x.first ? ".." + hex(x.last << page_shift) : std::string{}));
        });
    return n;
}

/// `set` minus `other`.
inline page_set minus(const page_set& set, const page_set& other) {
    page_set out = set;
    for (const auto& r : other) out.erase(r.first, r.last);
    return out;
}

inline std::string first_items(const std::vector<std::string>& items, std::size_t n = 3) {
    std::string s;
    for (std::size_t i = 0; i < items.size() && i < n; ++i) s += (i ? "; " : "") + items[i];
    if (items.size() > n) s += "; +" + std::to_string(items.size() - n) + " more";
    return s;
}

/// Does the failed range hold filesystem metadata (a non-file rmap record, or the external log)?
inline bool failure_hits_metadata(const scenario& s) {
    const auto& w = s.world;
    const auto range = failed_range(s);  // clang 14 cannot capture structured bindings
    const u64 lo = range.first, hi = range.second;
    auto in_section = [&](const xfs_section& sec) {
        if (sec.target.device != s.event.device) return false;
        for (std::size_t g = 0; g < sec.rmap.size(); ++g)
            for (const auto& r : sec.rmap[g]) {
                if (!rmap_owner::is_non_inode(r.owner) && !r.attr_fork && !r.bmbt_block) continue;
                const u64 a = section_block_byte(sec, w.mp.blocksize, g, r.startblock);
                const u64 b = a + u64{r.blockcount} * w.mp.blocksize;
                if (a < hi && lo < b) return true;
            }
        return false;
    };
    if (in_section(w.mp.data)) return true;
    if (w.mp.rt && in_section(*w.mp.rt)) return true;
    if (w.mp.log && w.mp.log->device == s.event.device)
        return w.mp.log->part_off < hi && lo < w.mp.log->part_off + w.mp.log->nr_bytes;
    return false;
}


/// The outcome with the caller in "... detected at CALLER.  Shutting down filesystem." blanked: which symbol a
/// build prints there (shutdown_caller policy) is not behaviour.
inline outcome without_shutdown_caller(outcome o) {
    for (auto& l : o.log) {
        const auto at = l.text.find(" detected at ");
        const auto end = at == std::string::npos ? at : l.text.find(".  Shutting down filesystem.", at);
        if (end != std::string::npos) l.text.replace(at + 13, end - at - 13, "<caller>");
    }
    return o;
}

/// A run and what its invariants are judged on.
struct run_facts {
    const scenario& s;
    const outcome& o;
    const outcome& pre_patch;  ///< the reference of poison_path_unregressed
    bool unbind = false;
    bool done = false;
    failed_mappings_t before;                   ///< live mappings of failed pages before the event
    std::map<u32, page_set> live, signalled;    ///< per process: virtual pages mapped after, and signalled
    std::unordered_map<u32, u32> tgid;

    run_facts(const scenario& sc, const outcome& out, const outcome& reference)
        : s(sc), o(out), pre_patch(reference), unbind(sc.event.kind == event_kind::unbind), done(out.terminated()),
          before(failed_mappings(sc)), tgid(tgids(sc.world)) {
        for (const auto& p : o.live_mappings) {
            const u64 first = p.vaddr >> page_shift;
            live[p.pid].insert(first, first + p.pages * (u64{1} << (p.shift - int(page_shift))) - 1);
        }
        for (const auto& sig : o.signals) {
            auto& set = signalled[tgid_of(sig.pid)];
            if (sig.addr_lsb == int(page_shift)) set.insert(sig.addr >> page_shift, (sig.last_addr()) >> page_shift);
            else
                for (u64 i = 0; i < sig.pages; ++i) set.insert((sig.addr + (i << sig.addr_lsb)) >> page_shift);
        }
    }
    u32 tgid_of(u32 tid) const {
        auto it = tgid.find(tid);
        return it == tgid.end() ? tid : it->second;
    }
    /// The pages of `pid` in `m`, none when it has none.
    static const page_set& of(const std::map<u32, page_set>& m, u32 pid) {
        static const page_set none;
        auto it = m.find(pid);
        return it == m.end() ? none : it->second;
    }
};

}  // namespace daxfail::detail

#endif
