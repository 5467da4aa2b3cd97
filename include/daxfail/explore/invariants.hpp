// The invariants judged at the end of every explored schedule (those of
// invariant_registry.hpp judged on a schedule). The single-run judgements
// (invariants.hpp) apply to the event's path, judged on the world the whole
// schedule left; these change under concurrent actors:
//   no_live_mapping_after_pre_remove  no page of the removed device is mapped at the end, whoever faulted it in
//   no_bystander_signaled             a page an actor faulted in is its task's as much as one mapped before
//   no_foreign_freeze_dropped         also freezes the actors took during the schedule
//   not_left_frozen                   a freeze an actor still holds is the actor's, not a leak
//   terminates                        every kernel path returned, and no schedule ends with every actor blocked
// and two are judged only here: pre_remove_completes and freezer_thaw_succeeds. poison_path_unregressed is
// not judged: it compares with pre_patch on the same run, which has no meaning across schedules.
#ifndef DAXFAIL_EXPLORE_INVARIANTS_HPP
#define DAXFAIL_EXPLORE_INVARIANTS_HPP

#include <daxfail/explore/detail/engine.hpp>
#include <daxfail/invariant_registry.hpp>
#include <daxfail/invariants.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::explore {

/// The names of the invariants judged on a schedule, in registry order.
inline constexpr auto invariant_names = daxfail::detail::names_of(schedule_invariants);

namespace detail {

/// One finished schedule and what its invariants are judged on.
struct schedule_facts {
    const scenario& s;
    const schedule_run& run;
    const schedule_record& rec;
    outcome o;                                ///< the event's path, with the final state of the world
    std::vector<std::string> actor_names;     ///< every actor but the event's
    bool actors_freeze = false, actors_thaw = false;
    std::vector<freeze_release> foreign;      ///< on every path of every actor

    schedule_facts(const scenario& sc, const schedule_run& r, const schedule_record& record)
        : s(sc), run(r), rec(record), o(r.actors()[0]->out) {
        const auto& actors = run.actors();
        if (!actors[0]->finished) {
            o.end = end_state::blocked;
            o.end_detail = "deadlock: " + rec.deadlock;
        }
        daxfail::detail::record_final_state(run.final_world(), s.event, o);
        foreign = o.foreign_thaws;
        for (std::size_t i = 1; i < actors.size(); ++i) {
            const auto& a = *actors[i];
            actor_names.push_back(a.name);
            for (const auto& st : a.decl->steps) {
                actors_freeze = actors_freeze || st.op == actor_op::fifreeze || st.op == actor_op::freeze;
                actors_thaw = actors_thaw || st.op == actor_op::fithaw || st.op == actor_op::thaw;
            }
            foreign.insert(foreign.end(), a.out.foreign_thaws.begin(), a.out.foreign_thaws.end());
            for (const auto& p : a.paths) foreign.insert(foreign.end(), p->foreign_thaws.begin(), p->foreign_thaws.end());
        }
    }
    bool unbind() const { return s.event.kind == event_kind::unbind; }
    bool done() const { return o.terminated(); }
    /// "<actor>: <how it ended>" for a path that did not return.
    static std::string stuck(const std::string& actor, const outcome& path) {
        return actor + ": " + end_state_name(path.end) + ": " + path.end_detail;
    }
};

using daxfail::detail::first_items;
using daxfail::detail::run_facts;

/// Any mapping of the device left, including pages faulted in meanwhile.
inline judgement no_live_mapping_after_pre_remove(const schedule_facts& f, const run_facts& seq) {
    if (!f.unbind() || !f.done()) return run_checks::no_live_mapping_after_pre_remove(seq);
    scenario after = f.s;
    after.world = f.run.final_world();
    const auto left = daxfail::detail::failed_mappings(after);
    if (left.empty()) return {verdict::pass, "no mapping of the removed device is left"};
    std::vector<std::string> shown;
    for (const auto& r : left.runs) shown.push_back(to_string(r));
    return {verdict::fail, std::to_string(left.pages) + " live mapping(s) of the removed device: " + first_items(shown)};
}

/// Judged on the scenario as if the pages actors faulted in had been mapped before.
inline judgement no_bystander_signaled(const schedule_facts& f, const run_facts& seq) {
    bool faulted_any = false;
    scenario touched = f.s;
    const auto& actors = f.run.actors();
    for (std::size_t i = 1; i < actors.size(); ++i)
        for (const auto& p : actors[i]->faulted)
            for (auto& t : touched.world.tasks)
                if (t.pid == p.pid)
                    for (auto& v : t.vmas)
                        if (v.ino == p.ino && p.page >= v.pgoff && p.page - v.pgoff < v.pages) {
                            v.present.assign(p.page, p.page, mapping_size::pte);
                            faulted_any = true;
                        }
    if (!faulted_any) return run_checks::no_bystander_signaled(seq);
    return run_checks::no_bystander_signaled(run_facts(touched, f.o, f.o));
}

inline judgement no_foreign_freeze_dropped(const schedule_facts& f) {
    if (f.s.world.mp.sb.holds.empty() && !f.actors_freeze && f.foreign.empty())
        return {verdict::not_applicable, "nobody held a freeze"};
    if (f.foreign.empty()) return {verdict::pass, "every freeze was released only by its owner"};
    std::vector<std::string> dropped;
    dropped.reserve(f.foreign.size());
    for (const auto& r : f.foreign) dropped.push_back(to_string(r));
    return {verdict::fail, first_items(dropped)};
}

/// An actor that has not thawed yet holds its own freeze.
inline judgement not_left_frozen(const schedule_facts& f, const run_facts& seq) {
    auto j = run_checks::not_left_frozen(seq);
    if (j.result != verdict::fail) return j;
    std::vector<std::string> holds;
    for (const auto& h : f.o.freeze_holders_after)
        if (std::find(f.actor_names.begin(), f.actor_names.end(), h.owner) == f.actor_names.end())
            holds.push_back(to_string(h));
    if (holds.empty()) return {verdict::pass, "only the actors' own freezes remain"};
    return {verdict::fail, "still frozen by " + first_items(holds)};
}

/// Every path of every actor returned, and the schedule did not end with everyone blocked.
inline judgement terminates(const schedule_facts& f) {
    const auto& actors = f.run.actors();
    std::vector<std::string> stuck;
    if (!f.done()) stuck.push_back(schedule_facts::stuck(actors[0]->name, f.o));
    for (std::size_t i = 1; i < actors.size(); ++i) {
        const auto& a = *actors[i];
        if (!a.out.terminated()) stuck.push_back(schedule_facts::stuck(a.name, a.out));
        for (const auto& p : a.paths)
            if (!p->terminated()) stuck.push_back(schedule_facts::stuck(a.name, *p));
    }
    if (f.rec.end == schedule_end::deadlock && f.done()) stuck.push_back("deadlock: " + f.rec.deadlock);
    if (stuck.empty()) return {verdict::pass, "every path returned"};
    return {verdict::fail, first_items(stuck, 2)};
}

/// Liveness: the event's unbind and every actor's returns.
inline judgement pre_remove_completes(const schedule_facts& f) {
    const auto& actors = f.run.actors();
    bool any = f.unbind();
    std::vector<std::string> stuck;
    if (f.unbind() && !f.done()) stuck.push_back(schedule_facts::stuck(actors[0]->name, f.o));
    for (std::size_t i = 1; i < actors.size(); ++i) {
        const auto& a = *actors[i];
        std::size_t path = 0;  // the kernel path a step runs: one per notify or madvise_hwpoison, in order
        for (const auto& st : a.decl->steps) {
            const bool runs_a_path = st.op == actor_op::notify || st.op == actor_op::madvise_hwpoison;
            if (st.op == actor_op::notify && st.event.kind == event_kind::unbind) {
                any = true;
                if (path >= a.paths.size())
                    stuck.push_back(a.name + ": never ran (" + (a.finished ? "stopped" : "blocked") + ")");
                else if (!a.paths[path]->terminated()) stuck.push_back(schedule_facts::stuck(a.name, *a.paths[path]));
            }
            path += runs_a_path;
        }
    }
    if (!any) return {verdict::not_applicable, "no device removal"};
    if (stuck.empty()) return {verdict::pass, "every unbind returned"};
    return {verdict::fail, first_items(stuck, 2)};
}

inline judgement freezer_thaw_succeeds(const schedule_facts& f) {
    const auto& actors = f.run.actors();
    std::vector<std::string> failed;
    for (std::size_t i = 1; i < actors.size(); ++i)
        failed.insert(failed.end(), actors[i]->thaw_failures.begin(), actors[i]->thaw_failures.end());
    if (!f.actors_thaw) return {verdict::not_applicable, "no actor thaws"};
    if (failed.empty()) return {verdict::pass, "every thaw of a held freeze returned 0"};
    return {verdict::fail, first_items(failed, 2)};
}

/// Judges `id` at the end of a schedule: as on a single run, or as actors change it.
inline judgement judge(invariant_id id, const schedule_facts& f, const run_facts& seq) {
    switch (id) {
        case invariant_id::no_live_mapping_after_pre_remove: return no_live_mapping_after_pre_remove(f, seq);
        case invariant_id::no_bystander_signaled: return no_bystander_signaled(f, seq);
        case invariant_id::no_foreign_freeze_dropped: return no_foreign_freeze_dropped(f);
        case invariant_id::not_left_frozen: return not_left_frozen(f, seq);
        case invariant_id::terminates: return terminates(f);
        case invariant_id::pre_remove_completes: return pre_remove_completes(f);
        case invariant_id::freezer_thaw_succeeds: return freezer_thaw_succeeds(f);
        default: return run_checks::judge(id, seq);
    }
}

}  // namespace detail

/// Judges one finished (complete or deadlocked) schedule; results in registry order.
inline std::vector<invariant_result> judge(const scenario& s, const detail::schedule_run& run,
                                           const detail::schedule_record& rec) {
    const detail::schedule_facts facts(s, run, rec);
    const daxfail::detail::run_facts seq(s, facts.o, facts.o);
    std::vector<invariant_result> out;
    out.reserve(schedule_invariants.size());
    for (const auto& inv : schedule_invariants) {
        auto j = detail::judge(inv.id, facts, seq);
        out.push_back({std::string(inv.name), j.result, std::move(j.reason)});
    }
    return out;
}

}  // namespace daxfail::explore

#endif
