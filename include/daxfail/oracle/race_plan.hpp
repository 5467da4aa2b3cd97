// A counterexample of `daxfail explore` as a race the oracle's guest can run:
// when each actor step starts, and how its window is made wide enough for a
// real kernel to hit. The guest cannot see the kernel's yield points; it can
// wait for the plan's start, the event's start or return, another actor's
// step, a task's first SIGBUS, and then a delay.
//
// Placement (explore::run_placed): each step keeps the widest run of places
// around the counterexample's place where the model still finds the
// violation, and starts a delay after the event started that differs from
// run to run (sweep_delay); a step whose window is a single place moves
// before the event or after its return when the violation survives there.
//
// Widening: a window that spans steps of the rmap walk gets a 64 MiB file,
// created right after the last file the walk revoked before the window opens
// (or first), mapped whole by an early-kill task: every kernel signals it and
// logs a line per page, so the walk spends seconds inside the window under
// TCG. The task is marked "widening": observe() and the model's world
// (race_scenario_from_report) leave it out.
#ifndef DAXFAIL_ORACLE_RACE_PLAN_HPP
#define DAXFAIL_ORACLE_RACE_PLAN_HPP

#include <daxfail/explore/placement.hpp>
#include <daxfail/explore/schedule.hpp>
#include <daxfail/oracle/actor_plan.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace daxfail::oracle {

/// A counterexample made into a plan: the plan with each step's start condition, and per actor step the window
/// the schedule put it in.
struct race_plan {
    nlohmann::ordered_json plan;
    std::vector<std::string> windows;   ///< "reader step 1 (read fault ino 133 page 3): after `...` and before `...`"
    std::string widening;               ///< what was added to widen the window, empty when nothing
    bool swept = false;                 ///< some step starts a delay after the event started (run_with_delay)
};

namespace detail {
/// The file a kernel-path step revokes ("mf_dax_kill_procs ino 133 index 0", "invalidate_inode_pages2_range ino
/// 133"), 0 for any other step.
inline u64 revoked_ino(const std::string& step) {
    for (const char* mark : {"mf_dax_kill_procs ino ", "invalidate_inode_pages2_range ino "})
        if (step.rfind(mark, 0) == 0) return std::stoull(step.substr(std::string(mark).size()));
    return 0;
}
constexpr u64 busy_pages = 16384;  // 64 MiB: about 4 s of walk on 6.12 under TCG (a SIGBUS and a log line per page)

/// Where a race starts an actor step: swept over a window [lo, hi] of the event's steps, before the event, after
/// it returns, or at the scenario's own start condition.
enum class race_where { sweep, before, after, condition };
struct race_decision {
    race_where at = race_where::sweep;
    std::size_t lo = 0, hi = 0;
};

/// The model the placement asks: whether the invariant is still violated with the steps placed so.
struct race_model {
    const config& cfg;
    const scenario& s;
    const std::string& invariant;
    bool violates(const explore::placement& pl) const { return explore::run_placed(cfg, s, pl).violates(invariant); }
};

/// The counterexample's event steps, in order (the windows' text names them).
inline std::vector<std::string> event_steps_of(const std::vector<explore::schedule_step>& counterexample, const std::string& ev) {
    std::vector<std::string> out;
    for (const auto& st : counterexample)
        if (st.actor == ev) out.push_back(st.step);
    return out;
}

/// Where the counterexample puts each actor step: the number of event steps before it (after_event when the event
/// is done by then).
inline explore::placement counterexample_placement(const scenario& s, const std::vector<explore::schedule_step>& counterexample,
                                                   const std::string& ev) {
    explore::placement place;
    for (const auto& a : s.actors) {
        std::size_t from = 0;
        auto& ranks = place[a.name];
        for (std::size_t k = 0; k < a.steps.size(); ++k) {
            const std::string label = step_label(a.steps[k]);
            std::size_t p = from, rank = 0;
            while (p < counterexample.size() && !(counterexample[p].actor == a.name && counterexample[p].step == label)) ++p;
            for (std::size_t q = 0; q < std::min(p, counterexample.size()); ++q) rank += counterexample[q].actor == ev;
            ranks.push_back(p == counterexample.size() ? explore::after_event : rank);
            from = std::min(p + 1, counterexample.size());
        }
    }
    return place;
}

/// One step's place: the widest window of event steps around the counterexample's place where the model still
/// finds the violation, when it spans more than one place; else before the event, else after it, when the
/// violation survives there. True when the step moved (before or after).
inline bool decide_step(const race_model& m, explore::placement& place, const std::string& actor, std::size_t k,
                        std::size_t event_step_count, race_decision& d) {
    auto& rank = place[actor][k];
    const std::size_t orig = rank;
    auto try_rank = [&](std::size_t r) {
        rank = r;
        const bool v = m.violates(place);
        rank = orig;
        return v;
    };
    std::size_t lo = orig, hi = orig;
    const bool here = orig != explore::after_event && m.violates(place);
    if (here) {
        while (lo > 1 && try_rank(lo - 1)) --lo;
        while (hi < event_step_count && try_rank(hi + 1)) ++hi;
    }
    if (here && hi > lo) {
        d = {race_where::sweep, lo, hi};
        return false;
    }
    if ((k == 0 || place[actor][k - 1] == 0) && try_rank(0)) {
        rank = 0;
        d = {race_where::before, 0, 0};
        return true;
    }
    if (try_rank(explore::after_event)) {
        rank = explore::after_event;
        d = {race_where::after, 0, 0};
        return true;
    }
    d = {race_where::sweep, lo, hi};
    return false;
}

/// Every actor step's place (decide_step). Moving one step can make another movable (a FITHAW after the event lets
/// its FIFREEZE come before it): up to three passes.
inline std::map<std::string, std::vector<race_decision>> decide_places(const race_model& m, nlohmann::ordered_json& plan,
                                                                       explore::placement& place, std::size_t event_step_count) {
    const scenario& s = m.s;
    std::map<std::string, std::vector<race_decision>> decided;
    for (const auto& a : s.actors) decided[a.name].resize(a.steps.size());
    for (int pass = 0; pass < 3; ++pass) {
        bool changed = false;
        for (std::size_t ai = 0; ai < s.actors.size() && ai < plan["actors"].size(); ++ai) {
            const auto& a = s.actors[ai];
            for (std::size_t k = 0; k < a.steps.size(); ++k) {
                auto& d = decided[a.name][k];
                const auto& when = plan["actors"][ai]["steps"][k]["when"];
                if (when.is_object() && when.value("after", "") == "step") {
                    d.at = race_where::condition;  // the scenario's own start condition
                    continue;
                }
                if (d.at == race_where::before || d.at == race_where::after) continue;
                changed = decide_step(m, place, a.name, k, event_step_count, d) || changed;
            }
        }
        if (!changed) break;
    }
    return decided;
}

/// Each placed step's start condition ("when") in the plan and its window in words (out.windows). True when a
/// swept window spans steps of the rmap walk; `widen_after` is then the last file revoked before the first such
/// window opens (0: none).
inline bool start_steps(const scenario& s, nlohmann::ordered_json& plan, const std::map<std::string, std::vector<race_decision>>& decided,
                        const std::vector<std::string>& event_steps, race_plan& out, u64& widen_after) {
    const std::string ev = event_actor(s);
    bool widen = false;
    for (std::size_t ai = 0; ai < s.actors.size() && ai < plan["actors"].size(); ++ai) {
        const auto& a = s.actors[ai];
        for (std::size_t k = 0; k < a.steps.size(); ++k) {
            const auto& d = decided.at(a.name)[k];
            auto& when = plan["actors"][ai]["steps"][k]["when"];
            const std::string what = a.name + " step " + std::to_string(k + 1) + " (" + step_label(a.steps[k]) + "): ";
            if (d.at == race_where::condition) continue;
            if (d.at == race_where::before || d.at == race_where::after) {
                const bool before = d.at == race_where::before;
                when = {{"after", before ? "plan_start" : "event_returned"}};
                out.windows.push_back(what + (before ? "before the " + ev + " starts" : "after the " + ev + " returns"));
                continue;
            }
            const std::size_t lo = d.lo, hi = d.hi;
            when = {{"after", "event_started"}, {"delay_us", 0}, {"swept", true}};
            out.swept = true;
            const std::string from_step = lo == 0 || lo > event_steps.size() ? std::string() : event_steps[lo - 1];
            const std::string to_step = hi < event_steps.size() ? event_steps[hi] : std::string();
            out.windows.push_back(what + "after `" + from_step + "`" +
                                  (to_step.empty() ? std::string() : " and before `" + to_step + "`") + " (" +
                                  std::to_string(hi - lo + 1) + " place" + (hi == lo ? "" : "s") + " in the " + ev + ")");
            // Widen when the window spans steps of the rmap walk: a busy file right after the last file revoked
            // before the window opens (or first), so that the walk spends its time inside the window.
            bool in_walk = false;
            for (std::size_t r = lo; r < hi && r < event_steps.size(); ++r)
                in_walk = in_walk || event_steps[r].rfind("xfs_dax_failure_fn", 0) == 0 || revoked_ino(event_steps[r]) != 0;
            if (in_walk && !widen) {
                widen = true;
                for (std::size_t r = 1; r <= lo && r <= event_steps.size(); ++r)
                    if (const u64 x = revoked_ino(event_steps[r - 1])) widen_after = x;
            }
        }
    }
    return widen;
}

/// A name for the busy file no file of the plan has: "busy", with "_" added while it is taken.
inline std::string free_busy_name(const nlohmann::ordered_json& plan) {
    std::string name = "busy";
    for (bool taken = true; taken;) {
        taken = false;
        for (const auto& f : plan["files"]) taken = taken || f["name"] == name;
        if (taken) name += "_";
    }
    return name;
}

/// Widens the window: a 64 MiB file created right after `widen_after` (or first), mapped whole by an early-kill
/// task, when the guest's namespace has room for it.
inline void add_busy_file(const scenario& s, nlohmann::ordered_json& plan, u64 widen_after, race_plan& out) {
    using json = nlohmann::ordered_json;
    const std::string x = widen_after && s.world.inodes.count(widen_after)
                              ? plan_file_name(widen_after, s.world.inodes.at(widen_after)) : std::string();
    u64 total = 0;
    for (const auto& f : plan["files"]) total += f["pages"].get<u64>();
    const std::string name = free_busy_name(plan);
    if (total + busy_pages > (u64{15} << 14)) return;
    json files = json::array();
    const json busy = {{"name", name}, {"pages", busy_pages}, {"dax", true}};
    if (x.empty()) files.push_back(busy);
    for (const auto& f : plan["files"]) {
        files.push_back(f);
        if (f["name"] == x) files.push_back(busy);
    }
    plan["files"] = files;
    // Early kill (PR_MCE_KILL_EARLY): every kernel signals it and logs a line for each page it walks, which is
    // what makes the walk take seconds under TCG (6.1 signals no default task); "widening": not a task of the
    // scenario, left out of what a run shows and of the model's world (race_scenario_from_report).
    plan["tasks"].push_back({{"comm", "busy"},
                             {"mce_kill", "early"},
                             {"widening", true},
                             {"vmas", json::array({{{"file", name},
                                                    {"pgoff", 0},
                                                    {"pages", busy_pages},
                                                    {"start", "0x7e0000000000"},
                                                    {"touch", "all"}}})}});
    out.widening = "a 64 MiB file '" + name + "' created " + (x.empty() ? "first" : "right after " + x) +
                   " (the walk meets it " + (x.empty() ? "first" : "after revoking " + x) +
                   ") and mapped whole by a task 'busy' with early kill";
}
}  // namespace detail

/// The race of `counterexample` (violating `invariant` under `cfg`) on the plan of `s` (plan_from_scenario, with
/// its actors). Each actor step, in order, is placed where the guest can best hit it while the model still says the
/// invariant is violated (explore/placement.hpp): before the event, else after it returned, else within the
/// widest run of the event's steps around where the counterexample put it, by a swept delay.
inline race_plan design_race(const config& cfg, const scenario& s, nlohmann::ordered_json plan,
                             const std::vector<explore::schedule_step>& counterexample, const std::string& invariant) {
    race_plan out;
    const std::string ev = event_actor(s);
    const auto event_steps = detail::event_steps_of(counterexample, ev);
    auto place = detail::counterexample_placement(s, counterexample, ev);
    const auto decided = detail::decide_places({cfg, s, invariant}, plan, place, event_steps.size());
    u64 widen_after = 0;
    if (detail::start_steps(s, plan, decided, event_steps, out, widen_after)) detail::add_busy_file(s, plan, widen_after, out);
    out.plan = std::move(plan);
    return out;
}

/// The plan of one run: every swept step starts `delay_us` after the event started.
inline nlohmann::ordered_json run_with_delay(const race_plan& r, long delay_us) {
    auto plan = r.plan;
    for (auto& a : plan["actors"])
        for (auto& st : a["steps"])
            if (st.contains("when") && st["when"].value("swept", false)) st["when"]["delay_us"] = delay_us;
    return plan;
}

/// How long the event is expected to take before a run has measured it: with the busy file about 4-6 s on 6.12
/// under TCG (a SIGBUS and a log line per page), without it some 100-200 ms.
inline long expected_event_us(const race_plan& r) { return r.widening.empty() ? 200000 : 4000000; }

/// The delay of run `i` of `n`: the middles of n equal slices of the event's duration (`event_us`: the longest a
/// run measured, or expected_event_us() before any has).
inline long sweep_delay(std::size_t i, std::size_t n, long event_us) {
    return static_cast<long>(static_cast<double>(event_us) * (static_cast<double>(i) + 0.5) / static_cast<double>(n));
}

}  // namespace daxfail::oracle

#endif
