// Named safety properties, evaluated on the outcome of one run. Each gives
// pass, fail or not applicable, with a one-line reason.
//   no_live_mapping_after_pre_remove   no task keeps a mapping of the removed device once unbind completes
//   mapped_tasks_signaled              every task with a live mapping of a failed page is signalled or unmapped
//   no_bystander_signaled              nobody is signalled for a page it does not map in the failed range
//   no_foreign_freeze_dropped          no freeze is released by anyone but the freezer that took it
//   not_left_frozen                    the filesystem is not left frozen after an unbind
//   terminates                         the path returns (no livelock, deadlock or oops; a user limit is not a verdict)
//   metadata_failure_shuts_down_corrupt  a memory failure in metadata shuts the filesystem down as corrupt
//   poison_path_unregressed            a plain memory failure behaves exactly as in pre_patch
#ifndef DAXFAIL_INVARIANTS_HPP
#define DAXFAIL_INVARIANTS_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/run_map.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace daxfail {

enum class verdict { pass, fail, not_applicable };

inline std::string verdict_name(verdict v) {
    switch (v) {
        case verdict::pass: return "pass";
        case verdict::fail: return "fail";
        case verdict::not_applicable: return "n/a";
    }
    return "?";
}

struct invariant_result {
    std::string name;
    verdict result = verdict::not_applicable;
    std::string reason;
    friend bool operator==(const invariant_result&, const invariant_result&) = default;
};

inline constexpr std::array<std::string_view, 8> invariant_names = {
    "no_live_mapping_after_pre_remove", "mapped_tasks_signaled",  "no_bystander_signaled",
    "no_foreign_freeze_dropped",        "not_left_frozen",        "terminates",
    "metadata_failure_shuts_down_corrupt", "poison_path_unregressed"};

namespace detail {

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

}  // namespace detail

/// Evaluates every invariant. `pre_patch` is the pre_patch outcome of the same scenario (the reference of
/// poison_path_unregressed).
inline std::vector<invariant_result> check_invariants(const scenario& s, const outcome& o, const outcome& pre_patch) {
    using detail::first_items;
    std::vector<invariant_result> out;
    const bool unbind = s.event.kind == event_kind::unbind;
    const bool done = o.terminated();
    const auto before = detail::failed_mappings(s);
    auto add = [&](std::string_view name, verdict v, std::string reason) {
        out.push_back({std::string(name), v, std::move(reason)});
    };

    // Per process, the virtual pages still mapped after the run and those a signal was sent for.
    std::map<u32, page_set> live, signalled;
    for (const auto& p : o.live_mappings) {
        const u64 first = p.vaddr >> page_shift;
        live[p.pid].insert(first, first + p.pages * (u64{1} << (p.shift - int(page_shift))) - 1);
    }
    const auto tgid = detail::tgids(s.world);
    auto tgid_of = [&](u32 tid) {
        auto it = tgid.find(tid);
        return it == tgid.end() ? tid : it->second;
    };
    for (const auto& sig : o.signals) {
        auto& set = signalled[tgid_of(sig.pid)];
        if (sig.addr_lsb == int(page_shift)) set.insert(sig.addr >> page_shift, (sig.last_addr()) >> page_shift);
        else
            for (u64 i = 0; i < sig.pages; ++i) set.insert((sig.addr + (i << sig.addr_lsb)) >> page_shift);
    }
    static const page_set none;
    auto of = [](const std::map<u32, page_set>& m, u32 pid) -> const page_set& {
        auto it = m.find(pid);
        return it == m.end() ? none : it->second;
    };

    // no_live_mapping_after_pre_remove
    if (!unbind) add(invariant_names[0], verdict::not_applicable, "not a device removal");
    else if (!done) add(invariant_names[0], verdict::not_applicable, "unbind did not complete");
    else {
        std::vector<std::string> left;
        u64 n = 0;
        for (const auto& [pid, set] : before.vpages) n += detail::overlap(set, of(live, pid), left, pid);
        if (n == 0) add(invariant_names[0], verdict::pass, "no mapping of the removed device is left");
        else add(invariant_names[0], verdict::fail, std::to_string(n) + " live mapping(s) of the removed device: " + first_items(left));
    }

    // mapped_tasks_signaled
    if (before.empty()) add(invariant_names[1], verdict::not_applicable, "no task mapped a failed page");
    else if (!done) add(invariant_names[1], verdict::not_applicable, "the path did not complete");
    else {
        std::vector<std::string> missed;
        u64 n = 0;
        for (const auto& [pid, set] : before.vpages)
            n += detail::overlap(detail::minus(set, of(signalled, pid)), of(live, pid), missed, pid);
        if (n == 0) add(invariant_names[1], verdict::pass, std::to_string(before.pages) + " mapping(s) of failed pages all signalled or unmapped");
        else add(invariant_names[1], verdict::fail, std::to_string(n) + " mapping(s) neither signalled nor unmapped: " + first_items(missed));
    }

    // no_bystander_signaled
    if (o.signals.empty()) add(invariant_names[2], verdict::pass, "nobody was signalled");
    else {
        std::vector<std::string> bystanders;
        u64 n = 0;
        for (const auto& sig : o.signals) {
            const u32 pid = tgid_of(sig.pid);
            const page_set& mapped = of(before.vpages, pid);
            for (u64 i = 0; i < sig.pages; ++i) {
                const u64 vpage = (sig.addr + (i << sig.addr_lsb)) >> page_shift;
                if (mapped.contains(vpage)) {
                    if (sig.addr_lsb == int(page_shift)) {  // skip the rest of the mapped run at once
                        const auto r = mapped.find(vpage);
                        i += std::min(r->last - vpage, sig.pages - 1 - i);
                    }
                    continue;
                }
                ++n;
                if (bystanders.size() < 4) {
                    signal_record one = sig;
                    one.addr = sig.addr + (i << sig.addr_lsb);
                    one.pages = 1;
                    bystanders.push_back(to_string(one));
                }
            }
        }
        if (n == 0) add(invariant_names[2], verdict::pass, "every signal is for a mapped failed page");
        else add(invariant_names[2], verdict::fail, std::to_string(n) + " signal(s) for pages outside the failure: " + first_items(bystanders));
    }

    // no_foreign_freeze_dropped
    if (s.world.mp.sb.holds.empty() && o.foreign_thaws.empty())
        add(invariant_names[3], verdict::not_applicable, "nobody held a freeze");
    else if (o.foreign_thaws.empty()) add(invariant_names[3], verdict::pass, "every freeze was released only by its owner");
    else {
        std::vector<std::string> dropped;
        for (const auto& r : o.foreign_thaws) dropped.push_back(to_string(r));
        add(invariant_names[3], verdict::fail, first_items(dropped));
    }

    // not_left_frozen
    if (!unbind) add(invariant_names[4], verdict::not_applicable, "not a device removal");
    else if (!done) add(invariant_names[4], verdict::not_applicable, "unbind did not complete");
    else {
        // A freezer that lets go by itself later (a scheduled thaw) does not leave the filesystem frozen.
        std::vector<std::string> holds;
        for (const auto& h : o.freeze_holders_after) {
            const bool releases_later = std::any_of(
                s.world.scheduled_thaws.begin(), s.world.scheduled_thaws.end(),
                [&](const scheduled_thaw& t) { return t.owner == h.owner && t.holder == h.holder; });
            if (!releases_later) holds.push_back(to_string(h));
        }
        if (holds.empty())
            add(invariant_names[4], verdict::pass,
                o.freeze_holders_after.empty() ? "not frozen after unbind" : "only freezers that thaw by themselves remain");
        else
            add(invariant_names[4], verdict::fail, "still frozen by " + first_items(holds));
    }

    // terminates
    if (done) add(invariant_names[5], verdict::pass, "returned");
    else if (o.end == end_state::limit_reached) add(invariant_names[5], verdict::not_applicable, "stopped by a user limit: " + o.end_detail);
    else add(invariant_names[5], verdict::fail, end_state_name(o.end) + ": " + o.end_detail);

    // metadata_failure_shuts_down_corrupt
    if (unbind) add(invariant_names[6], verdict::not_applicable, "a device removal is not a metadata failure");
    else if (!detail::failure_hits_metadata(s)) add(invariant_names[6], verdict::not_applicable, "no metadata in the failed range");
    else if (s.world.mp.shutdown_flags != 0) add(invariant_names[6], verdict::not_applicable, "already shut down before the failure");
    else if (o.shutdown_flags & shutdown_flag::corrupt_ondisk) add(invariant_names[6], verdict::pass, "shut down as corrupt");
    else add(invariant_names[6], verdict::fail, "metadata failed but shutdown is " + shutdown_summary(o.shutdown_flags, o.shutdown_reason));

    // poison_path_unregressed: behaviour, so not the symbol a build names in the shutdown message
    if (unbind) add(invariant_names[7], verdict::not_applicable, "not a plain memory failure");
    else if (detail::without_shutdown_caller(o) == detail::without_shutdown_caller(pre_patch))
        add(invariant_names[7], verdict::pass, "identical to pre_patch");
    else {
        std::vector<std::string> names;
        for (const auto& d : diff(detail::without_shutdown_caller(pre_patch), detail::without_shutdown_caller(o)))
            names.push_back(d.observable);
        add(invariant_names[7], verdict::fail, "differs from pre_patch in " + first_items(names, 8));
    }
    return out;
}

}  // namespace daxfail

#endif
