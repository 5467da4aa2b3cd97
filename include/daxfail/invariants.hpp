// The invariants judged on one run (invariant_registry.hpp lists them all,
// with what each says). Each gives pass, fail or not applicable, with a
// one-line reason; each is judged by a function of its own, on the facts
// gathered once per run (detail/invariant_facts.hpp).
#ifndef DAXFAIL_INVARIANTS_HPP
#define DAXFAIL_INVARIANTS_HPP

#include <daxfail/detail/invariant_facts.hpp>
#include <daxfail/invariant_registry.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/verdict.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace daxfail {

/// A verdict and its reason, before it is named.
struct judgement {
    verdict result = verdict::not_applicable;
    std::string reason;
};

namespace run_checks {
using detail::first_items;
using detail::run_facts;

inline judgement no_live_mapping_after_pre_remove(const run_facts& f) {
    if (!f.unbind) return {verdict::not_applicable, "not a device removal"};
    if (!f.done) return {verdict::not_applicable, "unbind did not complete"};
    std::vector<std::string> left;
    u64 n = 0;
    for (const auto& [pid, set] : f.before.vpages) n += detail::overlap(set, run_facts::of(f.live, pid), left, pid);
    if (n == 0) return {verdict::pass, "no mapping of the removed device is left"};
    return {verdict::fail, std::to_string(n) + " live mapping(s) of the removed device: " + first_items(left)};
}

inline judgement mapped_tasks_signaled(const run_facts& f) {
    if (f.before.empty()) return {verdict::not_applicable, "no task mapped a failed page"};
    if (!f.done) return {verdict::not_applicable, "the path did not complete"};
    std::vector<std::string> missed;
    u64 n = 0;
    for (const auto& [pid, set] : f.before.vpages)
        n += detail::overlap(detail::minus(set, run_facts::of(f.signalled, pid)), run_facts::of(f.live, pid), missed, pid);
    if (n == 0)
        return {verdict::pass, std::to_string(f.before.pages) + " mapping(s) of failed pages all signalled or unmapped"};
    return {verdict::fail, std::to_string(n) + " mapping(s) neither signalled nor unmapped: " + first_items(missed)};
}

inline judgement no_bystander_signaled(const run_facts& f) {
    if (f.o.signals.empty()) return {verdict::pass, "nobody was signalled"};
    std::vector<std::string> bystanders;
    u64 n = 0;
    for (const auto& sig : f.o.signals) {
        const page_set& mapped = run_facts::of(f.before.vpages, f.tgid_of(sig.pid));
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
    if (n == 0) return {verdict::pass, "every signal is for a mapped failed page"};
    return {verdict::fail, std::to_string(n) + " signal(s) for pages outside the failure: " + first_items(bystanders)};
}

inline judgement no_foreign_freeze_dropped(const run_facts& f) {
    if (f.s.world.mp.sb.holds.empty() && f.o.foreign_thaws.empty())
        return {verdict::not_applicable, "nobody held a freeze"};
    if (f.o.foreign_thaws.empty()) return {verdict::pass, "every freeze was released only by its owner"};
    std::vector<std::string> dropped;
    for (const auto& r : f.o.foreign_thaws) dropped.push_back(to_string(r));
    return {verdict::fail, first_items(dropped)};
}

inline judgement not_left_frozen(const run_facts& f) {
    if (!f.unbind) return {verdict::not_applicable, "not a device removal"};
    if (!f.done) return {verdict::not_applicable, "unbind did not complete"};
    // A freezer that lets go by itself later (a scheduled thaw) does not leave the filesystem frozen.
    std::vector<std::string> holds;
    for (const auto& h : f.o.freeze_holders_after) {
        const auto& thaws = f.s.world.scheduled_thaws;
        const bool releases_later = std::any_of(thaws.begin(), thaws.end(), [&](const scheduled_thaw& t) {
            return t.owner == h.owner && t.holder == h.holder;
        });
        if (!releases_later) holds.push_back(to_string(h));
    }
    if (!holds.empty()) return {verdict::fail, "still frozen by " + first_items(holds)};
    return {verdict::pass,
            f.o.freeze_holders_after.empty() ? "not frozen after unbind" : "only freezers that thaw by themselves remain"};
}

inline judgement terminates(const run_facts& f) {
    if (f.done) return {verdict::pass, "returned"};
    if (f.o.end == end_state::limit_reached) return {verdict::not_applicable, "stopped by a user limit: " + f.o.end_detail};
    return {verdict::fail, end_state_name(f.o.end) + ": " + f.o.end_detail};
}

inline judgement metadata_failure_shuts_down_corrupt(const run_facts& f) {
    if (f.unbind) return {verdict::not_applicable, "a device removal is not a metadata failure"};
    if (!detail::failure_hits_metadata(f.s)) return {verdict::not_applicable, "no metadata in the failed range"};
    if (f.s.world.mp.shutdown_flags != 0) return {verdict::not_applicable, "already shut down before the failure"};
    if (f.o.shutdown_flags & shutdown_flag::corrupt_ondisk) return {verdict::pass, "shut down as corrupt"};
    return {verdict::fail, "metadata failed but shutdown is " + shutdown_summary(f.o.shutdown_flags, f.o.shutdown_reason)};
}

/// Behaviour, so not the symbol a build names in the shutdown message.
inline judgement poison_path_unregressed(const run_facts& f) {
    if (f.unbind) return {verdict::not_applicable, "not a plain memory failure"};
    const auto o = detail::without_shutdown_caller(f.o), ref = detail::without_shutdown_caller(f.pre_patch);
    if (o == ref) return {verdict::pass, "identical to pre_patch"};
    std::vector<std::string> names;
    for (const auto& d : diff(ref, o)) names.push_back(d.observable);
    return {verdict::fail, "differs from pre_patch in " + first_items(names, 8)};
}

/// Judges `id` on one run; an invariant judged only on schedules does not apply.
inline judgement judge(invariant_id id, const run_facts& f) {
    switch (id) {
        case invariant_id::no_live_mapping_after_pre_remove: return no_live_mapping_after_pre_remove(f);
        case invariant_id::mapped_tasks_signaled: return mapped_tasks_signaled(f);
        case invariant_id::no_bystander_signaled: return no_bystander_signaled(f);
        case invariant_id::no_foreign_freeze_dropped: return no_foreign_freeze_dropped(f);
        case invariant_id::not_left_frozen: return not_left_frozen(f);
        case invariant_id::terminates: return terminates(f);
        case invariant_id::metadata_failure_shuts_down_corrupt: return metadata_failure_shuts_down_corrupt(f);
        case invariant_id::poison_path_unregressed: return poison_path_unregressed(f);
        case invariant_id::pre_remove_completes:
        case invariant_id::freezer_thaw_succeeds: break;
    }
    return {verdict::not_applicable, "judged only on an explored schedule"};
}
}  // namespace run_checks

/// Evaluates every invariant of a single run, in registry order. `pre_patch` is the pre_patch outcome of the same
/// scenario (the reference of poison_path_unregressed).
inline std::vector<invariant_result> check_invariants(const scenario& s, const outcome& o, const outcome& pre_patch) {
    const detail::run_facts facts(s, o, pre_patch);
    std::vector<invariant_result> out;
    out.reserve(run_invariants.size());
    for (const auto& inv : run_invariants) {
        auto j = run_checks::judge(inv.id, facts);
        out.push_back({std::string(inv.name), j.result, std::move(j.reason)});
    }
    return out;
}

}  // namespace daxfail

#endif
