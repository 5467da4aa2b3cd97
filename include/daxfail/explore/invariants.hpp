// The properties judged at the end of every explored schedule. The sequential
// invariants (invariants.hpp) apply to the event's path, judged on the world
// the whole schedule left; these change or are added under concurrent actors:
//   no_live_mapping_after_pre_remove  no page of the removed device is mapped at the end, whoever faulted it in
//   no_foreign_freeze_dropped         also freezes the actors took during the schedule
//   not_left_frozen                   a freeze an actor still holds is the actor's, not a leak
//   terminates                        every kernel path returned, and no schedule ends with every actor blocked
//   pre_remove_completes              the unbind's path returns whatever the other actors do (liveness)
//   freezer_thaw_succeeds             a freezer's own FITHAW / thaw of the freeze it holds returns 0
// poison_path_unregressed is not judged: it compares with pre_patch on the same run, which has no meaning
// across schedules.
#ifndef DAXFAIL_EXPLORE_INVARIANTS_HPP
#define DAXFAIL_EXPLORE_INVARIANTS_HPP

#include <daxfail/explore/detail/engine.hpp>
#include <daxfail/invariants.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail::explore {

inline constexpr std::array<std::string_view, 9> invariant_names = {
    "no_live_mapping_after_pre_remove", "mapped_tasks_signaled", "no_bystander_signaled",
    "no_foreign_freeze_dropped",        "not_left_frozen",       "terminates",
    "metadata_failure_shuts_down_corrupt", "pre_remove_completes", "freezer_thaw_succeeds"};

/// Judges one finished (complete or deadlocked) schedule; results in invariant_names order.
inline std::vector<invariant_result> judge(const scenario& s, const detail::schedule_run& run,
                                           const detail::schedule_record& rec) {
    using daxfail::detail::first_items;
    const auto& actors = run.actors();
    const world& w = run.final_world();
    outcome o = actors[0]->out;
    const bool deadlock = rec.end == schedule_end::deadlock;
    if (!actors[0]->finished) {
        o.end = end_state::blocked;
        o.end_detail = "deadlock: " + rec.deadlock;
    }
    daxfail::detail::record_final_state(w, s.event, o);
    std::vector<std::string> actor_names;
    bool actors_freeze = false, actors_thaw = false;
    for (std::size_t i = 1; i < actors.size(); ++i) {
        actor_names.push_back(actors[i]->name);
        for (const auto& st : actors[i]->decl->steps) {
            actors_freeze = actors_freeze || st.op == actor_op::fifreeze || st.op == actor_op::freeze;
            actors_thaw = actors_thaw || st.op == actor_op::fithaw || st.op == actor_op::thaw;
        }
    }
    std::vector<freeze_release> foreign = o.foreign_thaws;
    for (std::size_t i = 1; i < actors.size(); ++i) {
        foreign.insert(foreign.end(), actors[i]->out.foreign_thaws.begin(), actors[i]->out.foreign_thaws.end());
        for (const auto& p : actors[i]->paths) foreign.insert(foreign.end(), p->foreign_thaws.begin(), p->foreign_thaws.end());
    }

    auto seq = check_invariants(s, o, o);
    std::vector<invariant_result> out(seq.begin(), seq.begin() + 7);  // through metadata_failure_shuts_down_corrupt
    const bool unbind = s.event.kind == event_kind::unbind;
    const bool done = o.terminated();

    // no_bystander_signaled: a page an actor faulted in is the task's as much as one mapped before.
    bool faulted_any = false;
    scenario touched = s;
    for (std::size_t i = 1; i < actors.size(); ++i)
        for (const auto& f : actors[i]->faulted)
            for (auto& t : touched.world.tasks)
                if (t.pid == f.pid)
                    for (auto& v : t.vmas)
                        if (v.ino == f.ino && f.page >= v.pgoff && f.page - v.pgoff < v.pages) {
                            v.present.assign(f.page, f.page, mapping_size::pte);
                            faulted_any = true;
                        }
    if (faulted_any) out[2] = check_invariants(touched, o, o)[2];

    // no_live_mapping_after_pre_remove: any mapping of the device left, including pages faulted in meanwhile.
    if (unbind && done) {
        scenario after = s;
        after.world = w;
        const auto left = daxfail::detail::failed_mappings(after);
        if (left.empty()) out[0] = {out[0].name, verdict::pass, "no mapping of the removed device is left"};
        else {
            std::vector<std::string> shown;
            for (const auto& r : left.runs) shown.push_back(to_string(r));
            out[0] = {out[0].name, verdict::fail,
                      std::to_string(left.pages) + " live mapping(s) of the removed device: " + first_items(shown)};
        }
    }
    // no_foreign_freeze_dropped, across every path and actor.
    if (s.world.mp.sb.holds.empty() && !actors_freeze && foreign.empty())
        out[3] = {out[3].name, verdict::not_applicable, "nobody held a freeze"};
    else if (foreign.empty()) out[3] = {out[3].name, verdict::pass, "every freeze was released only by its owner"};
    else {
        std::vector<std::string> dropped;
        dropped.reserve(foreign.size());
        for (const auto& r : foreign) dropped.push_back(to_string(r));
        out[3] = {out[3].name, verdict::fail, first_items(dropped)};
    }
    // not_left_frozen: an actor that has not thawed yet holds its own freeze.
    if (out[4].result == verdict::fail) {
        std::vector<std::string> holds;
        for (const auto& h : o.freeze_holders_after)
            if (std::find(actor_names.begin(), actor_names.end(), h.owner) == actor_names.end())
                holds.push_back(to_string(h));
        if (holds.empty()) out[4] = {out[4].name, verdict::pass, "only the actors' own freezes remain"};
        else out[4].reason = "still frozen by " + first_items(holds);
    }
    // terminates: every path of every actor returned, and the schedule did not end with everyone blocked.
    {
        std::vector<std::string> stuck;
        if (!done) stuck.push_back(actors[0]->name + ": " + end_state_name(o.end) + ": " + o.end_detail);
        for (std::size_t i = 1; i < actors.size(); ++i) {
            const auto& a = *actors[i];
            if (!a.out.terminated()) stuck.push_back(a.name + ": " + end_state_name(a.out.end) + ": " + a.out.end_detail);
            for (const auto& p : a.paths)
                if (!p->terminated()) stuck.push_back(a.name + ": " + end_state_name(p->end) + ": " + p->end_detail);
        }
        if (deadlock && done) stuck.push_back("deadlock: " + rec.deadlock);
        if (stuck.empty()) out[5] = {out[5].name, verdict::pass, "every path returned"};
        else out[5] = {out[5].name, verdict::fail, first_items(stuck, 2)};
    }
    // pre_remove_completes
    {
        bool any = unbind;
        std::vector<std::string> stuck;
        if (unbind && !done) stuck.push_back(actors[0]->name + ": " + end_state_name(o.end) + ": " + o.end_detail);
        for (std::size_t i = 1; i < actors.size(); ++i) {
            const auto& a = *actors[i];
            for (std::size_t k = 0; k < a.decl->steps.size(); ++k) {
                const auto& st = a.decl->steps[k];
                if (st.op != actor_op::notify || st.event.kind != event_kind::unbind) continue;
                any = true;
                const std::size_t path = [&] {
                    std::size_t n = 0;
                    for (std::size_t m = 0; m < k; ++m)
                        n += a.decl->steps[m].op == actor_op::notify || a.decl->steps[m].op == actor_op::madvise_hwpoison;
                    return n;
                }();
                if (path >= a.paths.size()) stuck.push_back(a.name + ": never ran (" + (a.finished ? "stopped" : "blocked") + ")");
                else if (!a.paths[path]->terminated())
                    stuck.push_back(a.name + ": " + end_state_name(a.paths[path]->end) + ": " + a.paths[path]->end_detail);
            }
        }
        if (!any) out.push_back({std::string(invariant_names[7]), verdict::not_applicable, "no device removal"});
        else if (stuck.empty()) out.push_back({std::string(invariant_names[7]), verdict::pass, "every unbind returned"});
        else out.push_back({std::string(invariant_names[7]), verdict::fail, first_items(stuck, 2)});
    }
    // freezer_thaw_succeeds
    {
        std::vector<std::string> failed;
        for (std::size_t i = 1; i < actors.size(); ++i)
            failed.insert(failed.end(), actors[i]->thaw_failures.begin(), actors[i]->thaw_failures.end());
        if (!actors_thaw) out.push_back({std::string(invariant_names[8]), verdict::not_applicable, "no actor thaws"});
        else if (failed.empty())
            out.push_back({std::string(invariant_names[8]), verdict::pass, "every thaw of a held freeze returned 0"});
        else out.push_back({std::string(invariant_names[8]), verdict::fail, first_items(failed, 2)});
    }
    return out;
}

}  // namespace daxfail::explore

#endif
