// Named safety properties, evaluated on the outcome of one run. Each gives
// pass, fail or not applicable, with a one-line reason.
//   no_live_mapping_after_pre_remove   no task keeps a mapping of the removed device once unbind completes
//   mapped_tasks_signaled              every task with a live mapping of a failed page is signalled or unmapped
//   no_bystander_signaled              nobody is signalled for a page it does not map in the failed range
//   no_foreign_freeze_dropped          no freeze is released by anyone but the freezer that took it
//   not_left_frozen                    the filesystem is not left frozen after an unbind
//   terminates                         the path returns within its step budget
//   metadata_failure_shuts_down_corrupt  a memory failure in metadata shuts the filesystem down as corrupt
//   poison_path_unregressed            a plain memory failure behaves exactly as in pre_patch
#ifndef DAXFAIL_INVARIANTS_HPP
#define DAXFAIL_INVARIANTS_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>

#include <algorithm>
#include <array>
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

/// A live PTE of a failed page, before the event.
struct failed_mapping {
    u32 pid;
    u64 ino, pgoff, vaddr;
    auto key() const { return std::tie(pid, ino, pgoff, vaddr); }
    bool operator<(const failed_mapping& o) const { return key() < o.key(); }
};

/// The device byte ranges that failed: the whole device for an unbind.
inline std::pair<u64, u64> failed_range(const scenario& s) {
    if (s.event.kind == event_kind::unbind) return {0, s.world.devices.at(s.event.device).size};
    return {s.event.offset, s.event.offset + s.event.length};
}

/// File pages of inodes with data on the failed range, and the mappings of them that were live.
inline std::set<failed_mapping> failed_mappings(const scenario& s) {
    const auto extents = build_extent_index(s.world);
    const auto range = failed_range(s);  // clang 14 cannot capture structured bindings
    const u64 lo = range.first, hi = range.second;
    const u64 bs = s.world.mp.blocksize;
    std::set<failed_mapping> out;
    for (const auto& t : s.world.tasks)
        for (const auto& v : t.vmas) {
            auto it = extents.find(v.ino);
            if (it == extents.end()) continue;
            for (u64 pg : v.present) {
                const u64 byte = pg << page_shift;
                const u64 block = byte / bs;
                for (const auto& e : it->second) {
                    if (e.device != s.event.device || block < e.file_block || block - e.file_block >= e.blocks) continue;
                    const u64 dev_byte = e.device_byte + (block - e.file_block) * bs + byte % bs;
                    if (dev_byte >= lo && dev_byte < hi)
                        out.insert({t.pid, v.ino, pg, v.start + ((pg - v.pgoff) << page_shift)});
                }
            }
        }
    return out;
}

/// The process (tgid) a thread belongs to.
inline u32 tgid_of(const world& w, u32 tid) {
    for (const auto& t : w.tasks)
        for (const auto& th : t.threads)
            if (th.tid == tid) return t.pid;
    return tid;
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

inline std::string first_items(const std::vector<std::string>& items, std::size_t n = 3) {
    std::string s;
    for (std::size_t i = 0; i < items.size() && i < n; ++i) s += (i ? "; " : "") + items[i];
    if (items.size() > n) s += "; +" + std::to_string(items.size() - n) + " more";
    return s;
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

    // no_live_mapping_after_pre_remove
    if (!unbind) add(invariant_names[0], verdict::not_applicable, "not a device removal");
    else if (!done) add(invariant_names[0], verdict::not_applicable, "unbind did not complete");
    else {
        std::vector<std::string> left;
        for (const auto& m : before) {
            const pte_record p{m.pid, m.ino, m.pgoff, m.vaddr};
            if (std::binary_search(o.live_mappings.begin(), o.live_mappings.end(), p)) left.push_back(to_string(p));
        }
        if (left.empty()) add(invariant_names[0], verdict::pass, "no mapping of the removed device is left");
        else add(invariant_names[0], verdict::fail, std::to_string(left.size()) + " live mapping(s) of the removed device: " + first_items(left));
    }

    // mapped_tasks_signaled
    if (before.empty()) add(invariant_names[1], verdict::not_applicable, "no task mapped a failed page");
    else if (!done) add(invariant_names[1], verdict::not_applicable, "the path did not complete");
    else {
        std::vector<std::string> missed;
        for (const auto& m : before) {
            const bool signaled = std::any_of(o.signals.begin(), o.signals.end(), [&](const signal_record& sig) {
                return detail::tgid_of(s.world, sig.pid) == m.pid && sig.addr == m.vaddr;
            });
            const pte_record p{m.pid, m.ino, m.pgoff, m.vaddr};
            const bool unmapped = !std::binary_search(o.live_mappings.begin(), o.live_mappings.end(), p);
            if (!signaled && !unmapped) missed.push_back(to_string(p));
        }
        if (missed.empty()) add(invariant_names[1], verdict::pass, std::to_string(before.size()) + " mapping(s) of failed pages all signalled or unmapped");
        else add(invariant_names[1], verdict::fail, std::to_string(missed.size()) + " mapping(s) neither signalled nor unmapped: " + first_items(missed));
    }

    // no_bystander_signaled
    if (o.signals.empty()) add(invariant_names[2], verdict::pass, "nobody was signalled");
    else {
        std::vector<std::string> bystanders;
        for (const auto& sig : o.signals) {
            const u32 tgid = detail::tgid_of(s.world, sig.pid);
            const bool mapped = std::any_of(before.begin(), before.end(),
                                            [&](const detail::failed_mapping& m) { return m.pid == tgid && m.vaddr == sig.addr; });
            if (!mapped) bystanders.push_back(to_string(sig));
        }
        if (bystanders.empty()) add(invariant_names[2], verdict::pass, "every signal is for a mapped failed page");
        else add(invariant_names[2], verdict::fail, std::to_string(bystanders.size()) + " signal(s) for pages outside the failure: " + first_items(bystanders));
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
    else add(invariant_names[5], verdict::fail, end_state_name(o.end) + ": " + o.end_detail);

    // metadata_failure_shuts_down_corrupt
    if (unbind) add(invariant_names[6], verdict::not_applicable, "a device removal is not a metadata failure");
    else if (!detail::failure_hits_metadata(s)) add(invariant_names[6], verdict::not_applicable, "no metadata in the failed range");
    else if (s.world.mp.shutdown_flags != 0) add(invariant_names[6], verdict::not_applicable, "already shut down before the failure");
    else if (o.shutdown_flags & shutdown_flag::corrupt_ondisk) add(invariant_names[6], verdict::pass, "shut down as corrupt");
    else add(invariant_names[6], verdict::fail, "metadata failed but shutdown is " + shutdown_summary(o.shutdown_flags, o.shutdown_reason));

    // poison_path_unregressed
    if (unbind) add(invariant_names[7], verdict::not_applicable, "not a plain memory failure");
    else if (o == pre_patch) add(invariant_names[7], verdict::pass, "identical to pre_patch");
    else {
        std::vector<std::string> names;
        for (const auto& d : diff(pre_patch, o)) names.push_back(d.observable);
        add(invariant_names[7], verdict::fail, "differs from pre_patch in " + first_items(names, 8));
    }
    return out;
}

}  // namespace daxfail

#endif
