// A race tried on a real kernel: what each run of a concurrent plan shows of
// the explorer's invariants (explore/invariants.hpp), and the rate at which
// the kernel reproduces a counterexample ("reproduced k of N"), next to the
// model's verdict on the world the guest built.
//
// What a run shows (the guest's report):
//   no_live_mapping_after_pre_remove  after an unbind that returned, a task still maps a page (pagemap, or a page
//                                     that does not fault when touched where pagemap cannot be read)
//   mapped_tasks_signaled             such a task got no SIGBUS during the event
//   no_foreign_freeze_dropped,        an actor's FITHAW returns -EINVAL although its FIFREEZE returned 0: someone
//   freezer_thaw_succeeds             else thawed its freeze (0: it held it to the end)
//   terminates                        the event, or an actor's step, did not come back
//   pre_remove_completes              the unbind (the event's or an actor's) did not come back
// The others (no_bystander_signaled, not_left_frozen, metadata_failure_shuts_down_corrupt) are "not observed".
#ifndef DAXFAIL_ORACLE_CONFIRMATION_HPP
#define DAXFAIL_ORACLE_CONFIRMATION_HPP

#include <daxfail/builder.hpp>
#include <daxfail/detail/numbers_text.hpp>
#include <daxfail/explore/confirmation.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/oracle/agreement.hpp>
#include <daxfail/oracle/verdict.hpp>
#include <daxfail/verdict.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace daxfail::oracle {

/// One invariant as one run shows it.
struct observed {
    std::string invariant;
    std::string status;    ///< violated | holds | n/a (verdict_over_runs_name), or not observed
    std::string evidence;  ///< what the report shows
};

namespace detail {
inline std::string comm_of(const json& plan, std::size_t i) { return plan.at("tasks").at(i).value("comm", "task"); }

/// File pages a task still maps after the event: pagemap's, or, where pagemap was not read, the pages touched
/// that did not fault.
inline std::vector<u64> still_mapped(const json& task) {
    std::set<u64> out;
    for (const auto& p : task.value("present_after", json::array())) out.insert(p.get<u64>());
    std::set<u64> faulted;
    for (const auto& p : task.value("faulting_pages_after", json::array())) faulted.insert(p.get<u64>());
    for (const auto& r : task.value("pagemap_not_read_after", json::array()))
        for (u64 p = r.at(0).get<u64>(); p <= r.at(1).get<u64>(); ++p)
            if (!faulted.count(p)) out.insert(p);
    return {out.begin(), out.end()};
}

inline bool signalled_during_event(const json& report, const json& task) {
    std::set<int> ids{task.at("pid").get<int>()};
    for (const auto& t : task.value("tids", json::array())) ids.insert(t.get<int>());
    for (const auto& d : report.value("deliveries", json::array()))
        if (d.value("phase", "") == "event" && ids.count(d.at("pid").get<int>())) return true;
    return false;
}

/// Sets one invariant's status and evidence in `out`.
inline void set_observed(std::vector<observed>& out, std::string_view name, daxfail::verdict v, std::string evidence) {
    for (auto& o : out)
        if (o.invariant == name) {
            o.status = verdict_over_runs_name(v);
            o.evidence = std::move(evidence);
        }
}

/// What the actors' steps show of the run's end: whether one was an unbind, and the last one still in the kernel
/// ("blocked", "spinning", "hung"; "waiting": its start condition never came, an event that never returned), in
/// words with its task's state and stack.
struct actor_ends {
    bool unbind_actor = false, blocked_actor = false;
    std::string blocked_text;
};
inline actor_ends ends_of_actors(const json& report) {
    actor_ends out;
    for (const auto& a : report.value("actors", json::array()))
        for (const auto& st : a.value("steps", json::array())) {
            out.unbind_actor = out.unbind_actor || st.value("op", "") == "unbind";
            const std::string e = st.value("end", "");
            if (e != "blocked" && e != "spinning" && e != "hung") continue;
            out.blocked_actor = true;
            const std::string state = st.contains("task_state") ? st["task_state"].value("state", "") : "";
            std::string stack;
            if (st.contains("task_state"))
                for (const auto& fn : st["task_state"].value("stack", json::array()))
                    if (stack.size() < 120) stack += (stack.empty() ? "" : " < ") + fn.get<std::string>();
            out.blocked_text = a.value("name", "") + ": " + st.value("op", "") + " " + e +
                               (state.empty() ? "" : " (" + state + (stack.empty() ? "" : ": " + stack) + ")");
        }
    return out;
}

/// terminates, pre_remove_completes: whether the event and every actor step came back.
inline void observe_termination(std::vector<observed>& out, const json& plan, const json& report) {
    const std::string kind = plan.at("event").value("kind", "");
    const std::string end = report.value("event_end", "");
    const bool returned = end == "returned" || end == "killed";
    const actor_ends actors = ends_of_actors(report);
    if (!returned) {
        const std::string state = report.contains("event_task") ? report["event_task"].value("state", "") : "";
        const std::string text = "the " + kind + " did not come back (" + end + (state.empty() ? "" : ", " + state) + ")";
        set_observed(out, "terminates", daxfail::verdict::fail, text);
        if (kind == "unbind") set_observed(out, "pre_remove_completes", daxfail::verdict::fail, text);
    } else if (actors.blocked_actor) {
        set_observed(out, "terminates", daxfail::verdict::fail, actors.blocked_text + " (still in the kernel 20 s after the event came back)");
    } else {
        set_observed(out, "terminates", daxfail::verdict::pass, "the " + kind + " and every actor step came back");
    }
    if (returned && (kind == "unbind" || actors.unbind_actor)) set_observed(out, "pre_remove_completes", daxfail::verdict::pass, "every unbind came back");
    if (kind != "unbind" && !actors.unbind_actor) set_observed(out, "pre_remove_completes", daxfail::verdict::not_applicable, "no device removal");
}

/// After an unbind that returned. no_live_mapping_after_pre_remove: any page left mapped. mapped_tasks_signaled: of
/// the pages mapped before the event (pfns_before), any left mapped in a task that got no SIGBUS (the model's:
/// "neither signalled nor unmapped"; pages an actor faulted in during the event are not its business).
inline void observe_mappings(std::vector<observed>& out, const json& plan, const json& report) {
    std::string live, unsignalled;
    bool mapped_before = false;
    const auto& tasks = report.at("tasks");
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        if (plan.at("tasks").at(i).value("widening", false)) continue;  // the race plan's own busy task
        const auto pages = still_mapped(tasks[i]);
        std::set<u64> before;
        for (const auto& [addr, pg] : present_before(report, i).pages) before.insert(pg);
        mapped_before = mapped_before || !before.empty();
        if (pages.empty()) continue;
        const std::string who = comm_of(plan, i) + " (task " + std::to_string(i) + ") file pages ";
        live += (live.empty() ? "" : "; ") + who + daxfail::detail::numbers_text(pages, 8);
        std::vector<u64> kept;
        for (const u64 p : pages)
            if (before.count(p)) kept.push_back(p);
        if (!kept.empty() && !signalled_during_event(report, tasks[i]))
            unsignalled += (unsignalled.empty() ? "" : "; ") + who + daxfail::detail::numbers_text(kept, 8);
    }
    if (live.empty()) set_observed(out, "no_live_mapping_after_pre_remove", daxfail::verdict::pass, "no task maps a page after the unbind");
    else set_observed(out, "no_live_mapping_after_pre_remove", daxfail::verdict::fail, "still mapped after the unbind: " + live);
    if (!mapped_before) set_observed(out, "mapped_tasks_signaled", daxfail::verdict::not_applicable, "no task mapped a page before the unbind");
    else if (unsignalled.empty()) set_observed(out, "mapped_tasks_signaled", daxfail::verdict::pass, "every task left mapping the device got a SIGBUS");
    else set_observed(out, "mapped_tasks_signaled", daxfail::verdict::fail, "mapped before the unbind, still mapped, no SIGBUS: " + unsignalled);
}

/// no_foreign_freeze_dropped, freezer_thaw_succeeds: a freezer's own FITHAW after its FIFREEZE returned 0.
inline void observe_freezes(std::vector<observed>& out, const json& report) {
    bool froze = false, thawed = false, dropped = false;
    std::string thaw_text;
    for (const auto& a : report.value("actors", json::array())) {
        bool holds = false;
        for (const auto& st : a.value("steps", json::array())) {
            if (st.value("end", "") != "returned" || !st.contains("rc") || !st["rc"].is_number()) continue;
            const int rc = st["rc"].get<int>();
            if (st.value("op", "") == "FIFREEZE" && rc == 0) holds = froze = true;
            if (st.value("op", "") == "FITHAW" && holds) {
                thawed = true;
                holds = false;
                if (rc != 0) {
                    dropped = true;
                    thaw_text = a.value("name", "") + "'s FITHAW returned " + std::to_string(rc) +
                                " after its FIFREEZE returned 0: the freeze was released by someone else";
                }
            }
        }
    }
    if (dropped) {
        set_observed(out, "no_foreign_freeze_dropped", daxfail::verdict::fail, thaw_text);
        set_observed(out, "freezer_thaw_succeeds", daxfail::verdict::fail, thaw_text);
    } else if (thawed) {
        set_observed(out, "no_foreign_freeze_dropped", daxfail::verdict::pass, "every freezer still held its freeze when it thawed");
        set_observed(out, "freezer_thaw_succeeds", daxfail::verdict::pass, "every FITHAW of a held freeze returned 0");
    } else if (!froze) {
        bool any = false;
        for (const auto& a : report.value("actors", json::array()))
            for (const auto& st : a.value("steps", json::array())) any = any || st.value("op", "") == "FIFREEZE";
        if (!any) {
            set_observed(out, "no_foreign_freeze_dropped", daxfail::verdict::not_applicable, "no actor freezes");
            set_observed(out, "freezer_thaw_succeeds", daxfail::verdict::not_applicable, "no actor thaws");
        }
    }
}

}  // namespace detail

/// The invariants as one run of a concurrent plan shows them, in explore::invariant_names order.
inline std::vector<observed> observe(const json& plan, const json& report) {
    std::vector<observed> out;
    for (auto name : explore::invariant_names) out.push_back({std::string(name), "not observed", ""});
    detail::observe_termination(out, plan, report);
    const std::string end = report.value("event_end", "");
    if (plan.at("event").value("kind", "") == "unbind" && (end == "returned" || end == "killed"))
        detail::observe_mappings(out, plan, report);
    detail::observe_freezes(out, report);
    return out;
}

/// What a run's report shows of its course, for the evidence: the SIGBUSes each task of the scenario got during
/// the event (by si_code), and the guest's own marks in the kernel's log ("[12.345] unbind starts", ...).
inline std::string run_timeline(const json& plan, const json& report) {
    std::string out;
    const auto& tasks = report.value("tasks", json::array());
    for (std::size_t i = 0; i < tasks.size() && i < plan.at("tasks").size(); ++i) {
        if (plan.at("tasks")[i].value("widening", false)) continue;
        std::set<int> ids{tasks[i].at("pid").get<int>()};
        for (const auto& t : tasks[i].value("tids", json::array())) ids.insert(t.get<int>());
        std::map<int, int> codes;
        for (const auto& d : report.value("deliveries", json::array()))
            if (d.value("phase", "") == "event" && ids.count(d.at("pid").get<int>())) ++codes[d.value("si_code", 0)];
        for (const auto& [code, n] : codes)
            out += (out.empty() ? "" : ", ") + detail::comm_of(plan, i) + " SIGBUS si_code " + std::to_string(code) +
                   (n > 1 ? " x" + std::to_string(n) : "");
    }
    out = out.empty() ? "no SIGBUS during the event" : "SIGBUS during the event: " + out;
    std::string marks;
    for (const auto& l : report.value("kernel_log", json::array())) {
        const std::string line = l.get<std::string>();
        const auto at = line.find("daxfail: ");
        if (at == std::string::npos) continue;
        const auto open = line.find('['), close = line.find(']');
        const std::string stamp = open != std::string::npos && close != std::string::npos && close < at
                                      ? line.substr(open, close - open + 1) + " " : std::string();
        marks += (marks.empty() ? "" : ", ") + stamp + line.substr(at + 9);
    }
    if (!marks.empty()) out += "; log: " + marks;
    return out;
}

/// The scenario the model explores for a run: the world the guest built (scenario_from_report) with the plan's
/// actors, in its pids and inode numbers. Start conditions: another actor's step, or the event's return; steps
/// the guest times by a delay are free (the model tries every place).
inline scenario race_scenario_from_report(const json& plan, const json& report) {
    scenario s = scenario_from_report(plan, report);
    // The race plan's busy task widens the kernel's window; its file stays in the world, its mappings do not
    // (on a kernel that leaves mappings, they would break the invariants on their own).
    for (std::size_t i = 0; i < plan.at("tasks").size(); ++i)
        if (plan.at("tasks")[i].value("widening", false)) {
            const u32 pid = report.at("tasks").at(i).at("pid").get<u32>();
            std::erase_if(s.world.tasks, [&](const task& t) { return t.pid == pid; });
        }
    auto pid = [&](const json& st) { return report.at("tasks").at(st.at("task").get<std::size_t>()).at("pid").get<u32>(); };
    auto ino = [&](const std::string& name) {
        for (const auto& f : report.at("files"))
            if (f.at("name") == name) return f.at("ino").get<u64>();
        throw std::runtime_error("the report has no file '" + name + "'");
    };
    auto offset = [&](const std::string& name, u64 pg) {
        for (const auto& f : report.at("files"))
            if (f.at("name") == name)
                for (const auto& x : f.at("extents")) {
                    const u64 lo = x.at("logical").get<u64>(), len = x.at("length").get<u64>();
                    if (pg * page_size >= lo && pg * page_size < lo + len)
                        return report.value("part_off", u64{0}) + x.at("physical").get<u64>() + pg * page_size - lo;
                }
        throw std::runtime_error("the report has no page " + std::to_string(pg) + " of '" + name + "'");
    };
    const std::string ev = event_actor_name(s.event);
    for (const auto& a : plan.value("actors", json::array())) {
        actor out;
        out.name = a.at("name").get<std::string>();
        for (const auto& st : a.at("steps")) {
            const std::string op = st.at("op").get<std::string>();
            if (op == "FIFREEZE") out.steps.push_back(steps::fifreeze());
            else if (op == "FITHAW") out.steps.push_back(steps::fithaw());
            else if (op == "fault")
                out.steps.push_back(steps::fault(pid(st), ino(st.at("file")), st.at("page").get<u64>(), st.value("write", false),
                                                 st.value("pages", u64{1})));
            else if (op == "munmap") out.steps.push_back(steps::munmap(pid(st), ino(st.at("file"))));
            else if (op == "exit") out.steps.push_back(steps::exit(pid(st)));
            else if (op == "madvise")
                out.steps.push_back(steps::madvise_hwpoison(s.world, pid(st), ino(st.at("file")), st.at("page").get<u64>()));
            else if (op == "unbind")
                out.steps.push_back(steps::notify(event::unbind(st.value("namespace", "") == "namespace1.0" ? 1 : 0, s.event.current_tid)));
            else if (op == "memory_failure") {
                event e = event::unbind(0, s.event.current_tid);
                e.kind = event_kind::memory_failure;
                e.offset = offset(st.at("file"), st.at("page").get<u64>());
                e.length = page_size;
                e.mf_flags = mf::sw_simulated;
                out.steps.push_back(steps::notify(e));
            } else throw std::runtime_error("actor '" + out.name + "': unknown step '" + op + "'");
        }
        if (!a.at("steps").empty() && a.at("steps")[0].contains("when")) {
            const auto& when = a.at("steps")[0].at("when");
            if (when.value("after", "") == "event_returned") out.start = start_condition{ev, ""};
            s.actors.push_back(out);  // a "step" condition is resolved once every actor is known (below)
        } else {
            s.actors.push_back(out);
        }
    }
    for (std::size_t i = 0; i < s.actors.size(); ++i) {
        const auto& st0 = plan.at("actors").at(i).at("steps");
        if (st0.empty() || !st0[0].contains("when") || st0[0]["when"].value("after", "") != "step") continue;
        const std::string other = st0[0]["when"].at("actor").get<std::string>();
        const auto k = st0[0]["when"].at("step").get<std::size_t>();
        for (const auto& o : s.actors)
            if (o.name == other && k < o.steps.size()) s.actors[i].start = start_condition{other, step_label(o.steps[k])};
    }
    return s;
}

using explore::confirmation;
using explore::rate_text;

}  // namespace daxfail::oracle

#endif
