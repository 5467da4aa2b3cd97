// Explores every schedule of a concurrent scenario under one variant, within
// a depth bound and a preemption bound, depth first, each schedule re-executed
// from the start. A schedule switches away from an actor that could go on
// only `preemptions` times; at each point the actor that ran last goes on
// first, so the first schedule of all is the sequential one (the event runs to
// its end before any actor, then the actors in order). States reached again
// with no more budget left are not explored twice (a visited-state table keyed
// by the world, each actor's position and what each actor has done so far).
//
// The work splits by the first step's choice into items, explored each with
// a table of its own, so that shards (explore --shard K/N) add up to exactly
// what one run reports.
//
//     auto r = daxfail::explore::explore(presets::merged::config, "merged", s);
//     r.invariant("no_live_mapping_after_pre_remove").verdict  // "holds", "violated" or "n/a"
#ifndef DAXFAIL_EXPLORE_EXPLORER_HPP
#define DAXFAIL_EXPLORE_EXPLORER_HPP

#include <daxfail/explore/confirmation.hpp>
#include <daxfail/explore/detail/engine.hpp>
#include <daxfail/explore/invariants.hpp>
#include <daxfail/explore/schedule.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/validate.hpp>
#include <daxfail/verdict.hpp>

#include <algorithm>
#include <optional>
#include <ctime>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace daxfail::explore {

/// One invariant over every schedule explored.
struct invariant_summary {
    std::string name;
    std::string verdict = "n/a";                  ///< holds | violated | n/a: verdict_over_runs_name(overall())
    std::vector<schedule_step> counterexample;    ///< the shortest violating schedule (violated)
    std::string violated_reason;                  ///< what that schedule left
    std::string holds_reason;                     ///< what the shortest safe schedule left
    std::string na_reason;                        ///< why it does not apply (when it never does)
    u64 violating = 0;                            ///< schedules that violate it
    u64 safe = 0;                                 ///< schedules where it holds
    std::vector<schedule_step> safe_example;      ///< the shortest schedule where it holds
    std::string sequential = "n/a";               ///< pass | fail | n/a in the sequential schedule (verdict_name)
    std::vector<confirmation> confirmations;      ///< the kernel's rate, when `explore --confirm` tried it
    /// Violated when any schedule violates it, else holds when any schedule satisfies it.
    daxfail::verdict overall() const {
        return violating ? daxfail::verdict::fail : safe ? daxfail::verdict::pass : daxfail::verdict::not_applicable;
    }
    const std::string& reason() const {
        const auto v = overall();
        return v == daxfail::verdict::fail ? violated_reason : v == daxfail::verdict::pass ? holds_reason : na_reason;
    }
    // Where each example came from (work item, schedule number), for ties: the earliest wins.
    std::pair<u64, u64> counterexample_at{~u64{0}, 0}, safe_at{~u64{0}, 0};
};

/// One variant on one scenario.
struct result {
    std::string variant, scenario;
    std::string file;    ///< the scenario file it was read from, as given (empty: the catalog's, or built in C++)
    u64 schedules = 0;   ///< complete or deadlocked schedules judged
    u64 states = 0;      ///< distinct states visited
    u64 cut = 0;         ///< schedules cut by the depth bound
    u64 pruned = 0;      ///< schedules stopped at a state explored before
    double seconds = 0;
    u32 depth = 0, preemptions = 0;
    bool sequential_known = false;  ///< this part holds the sequential schedule (the first of item 0)
    // Sampled strategies (options::strategy random or pct) only:
    u64 runs = 0;                  ///< schedules sampled
    u64 longest = 0;               ///< most steps any of them took
    u64 actors = 0;                ///< the event and the actors (PCT's n)
    u64 pct_steps = 0;             ///< the k PCT drew its priority changes from (the sequential schedule's length)
    u32 pct_depth = 0;             ///< the d of PCT's probability bound (options::pct_depth)
    std::set<std::string> covered; ///< (actor, yield point) pairs some run took a step from, as "actor: point"
    bool stopped = false;          ///< options::max_seconds ended it before its last schedule
    std::vector<invariant_summary> invariants;  ///< in registry order (invariant_names)

    const invariant_summary& invariant(std::string_view name) const {
        for (const auto& i : invariants)
            if (i.name == name) return i;
        throw std::out_of_range("no invariant " + std::string(name));
    }
    invariant_summary& invariant(std::string_view name) {
        return const_cast<invariant_summary&>(std::as_const(*this).invariant(name));
    }
    bool any_violated() const {
        for (const auto& i : invariants)
            if (i.overall() == verdict::fail) return true;
        return false;
    }
};

/// What explore() refuses to run, with paths as in scenario files: the world and event (validate()), and per
/// actor its name, start condition, tasks, files and pages, and the events of its notify and madvise steps. (The
/// file reader reports the same defects at their JSON fields; this covers scenarios built in C++.)
inline std::vector<validation_error> validate_actors(const scenario& s) {
    auto errors = validate(s.world, s.event);
    std::vector<std::string> names{event_actor_name(s.event)};
    for (const auto& a : s.actors) names.push_back(a.name);
    for (std::size_t i = 0; i < s.actors.size(); ++i) {
        const auto& a = s.actors[i];
        const std::string p = "actors[" + std::to_string(i) + "]";
        if (a.name.empty()) errors.push_back({p + ".name", "must not be empty"});
        if (std::count(names.begin(), names.end(), a.name) > 1) errors.push_back({p + ".name", "\"" + a.name + "\" is taken"});
        if (a.steps.empty()) errors.push_back({p + ".steps", "needs at least one step"});
        if (a.start && (a.start->actor == a.name || std::find(names.begin(), names.end(), a.start->actor) == names.end()))
            errors.push_back({p + ".start.after", "no other actor \"" + a.start->actor + "\""});
        for (std::size_t k = 0; k < a.steps.size(); ++k) {
            const auto& st = a.steps[k];
            const std::string sp = p + ".steps[" + std::to_string(k) + "]";
            if (st.op == actor_op::notify || st.op == actor_op::madvise_hwpoison)
                for (const auto& e : validate(s.world, st.event))
                    if (e.path.rfind("event", 0) == 0) errors.push_back({sp + "." + e.path, e.reason});
            if (st.op != actor_op::fault && st.op != actor_op::munmap && st.op != actor_op::exit &&
                st.op != actor_op::madvise_hwpoison)
                continue;
            const task* t = nullptr;
            for (const auto& x : s.world.tasks)
                if (x.pid == st.pid) t = &x;
            if (!t || !t->mm || t->threads.empty()) {
                errors.push_back({sp + ".pid", "no task " + std::to_string(st.pid) + " with an mm"});
                continue;
            }
            if (st.op == actor_op::exit) continue;
            bool maps = false;
            for (const auto& v : t->vmas)
                maps = maps || (v.ino == st.ino && (st.op == actor_op::munmap ||
                                                    (st.page >= v.pgoff && st.pages >= 1 && st.page - v.pgoff < v.pages &&
                                                     st.pages <= v.pages - (st.page - v.pgoff))));
            if (!s.world.inodes.count(st.ino)) errors.push_back({sp + ".inode", "no inode " + std::to_string(st.ino)});
            else if (!maps)
                errors.push_back({sp + ".page", "task " + std::to_string(st.pid) + " does not map those pages of inode " +
                                                    std::to_string(st.ino)});
        }
    }
    return errors;
}

namespace detail {

inline void check_explorable(const scenario& s) {
    if (auto errors = validate_actors(s); !errors.empty()) throw invalid_scenario(std::move(errors));
}

inline double wall_seconds() noexcept {
    std::timespec ts{};
    std::timespec_get(&ts, TIME_UTC);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

inline world sorted_world(const scenario& s) {
    world w = s.world;
    for (auto& g : w.mp.data.rmap) kernel::sort_rmap_group(g);
    if (w.mp.rt)
        for (auto& g : w.mp.rt->rmap) kernel::sort_rmap_group(g);
    return w;
}

/// Whether example `x` (found at `xa`) is kept over `y` (found at `ya`): the shorter, and of equal lengths the
/// earlier (work item, then schedule number). The same rule within an item and across items or shards.
inline bool better_example(const std::vector<schedule_step>& x, std::pair<u64, u64> xa, const std::vector<schedule_step>& y,
                           std::pair<u64, u64> ya) {
    return !x.empty() && (y.empty() || x.size() < y.size() || (x.size() == y.size() && xa < ya));
}

inline result empty_result(std::string variant, const scenario& s, const options& o) {
    result r;
    r.variant = std::move(variant);
    r.scenario = s.name;
    r.depth = o.depth;
    r.preemptions = o.preemptions;
    for (auto n : invariant_names) {
        invariant_summary i;
        i.name = std::string(n);
        r.invariants.push_back(std::move(i));
    }
    return r;
}

/// Folds one judged schedule into the summaries.
inline void add_schedule(result& r, const std::vector<invariant_result>& verdicts, const schedule_record& rec,
                         u64 item, u64 number, bool sequential) {
    ++r.schedules;
    r.sequential_known = r.sequential_known || sequential;
    for (const auto& v : verdicts) {
        auto& inv = r.invariant(v.name);
        if (sequential) inv.sequential = verdict_name(v.result);
        const std::pair<u64, u64> at{item, number};
        if (v.result == verdict::fail) {
            ++inv.violating;
            if (better_example(rec.steps, at, inv.counterexample, inv.counterexample_at)) {
                inv.counterexample = rec.steps;
                inv.counterexample_at = at;
                inv.violated_reason = v.reason;
            }
        } else if (v.result == verdict::pass) {
            ++inv.safe;
            if (better_example(rec.steps, at, inv.safe_example, inv.safe_at)) {
                inv.safe_example = rec.steps;
                inv.safe_at = at;
                inv.holds_reason = v.reason;
            }
        } else if (inv.na_reason.empty()) {
            inv.na_reason = v.reason;
        }
        inv.verdict = verdict_over_runs_name(inv.overall());
    }
}

/// Depth-first search over schedules starting with first choice `first`.
class dfs final : public chooser {
public:
    dfs(const options& o, std::size_t first) : opts_(o), first_(first) {}

    std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t current, std::size_t depth,
                     u64 key) override {
        if (depth < stack_.size()) {  // replaying the prefix
            return stack_[depth].pos;
        }
        frame f;
        f.enabled = enabled;
        f.current = current;
        f.used = used_at(depth);
        f.asleep = depth > 0 ? asleep_after(stack_[depth - 1]) : 0;
        f.tried.assign(enabled.size(), false);
        for (std::size_t k = 0; k < enabled.size(); ++k) f.tried[k] = sleeps(f, k);
        if (depth == 0) {
            if (first_ >= enabled.size()) return nobody;
            f.pos = first_;
            f.last_alternative = true;
        } else {
            f.pos = 0;
            for (std::size_t k = 0; k < enabled.size(); ++k)
                if (enabled[k] == current) f.pos = k;  // the actor that ran goes on: no preemption
        }
        if (opts_.state_hashing && depth > 0) {
            // Explored before with no more depth and no fewer preemptions left: every step that was awake there
            // was tried from there, so only a step asleep there and awake here is left to try (a sleeping step
            // is tried elsewhere; with no sleep sets, nothing is left).
            const u32 left = opts_.preemptions - f.used;
            auto [it, fresh] = seen_.try_emplace(key, seen_state{static_cast<u32>(depth), left, f.asleep});
            if (!fresh) {
                auto& old = it->second;
                if (old.depth <= depth && old.left >= left) {
                    if ((old.asleep & ~f.asleep) == 0) return nobody;
                    for (std::size_t k = 0; k < enabled.size(); ++k)
                        f.tried[k] = f.tried[k] || !(enabled[k] < 64 && (old.asleep >> enabled[k] & 1));
                    if (old.depth == depth && old.left == left) old.asleep &= f.asleep;
                } else {
                    old = {static_cast<u32>(depth), left, f.asleep};
                }
            }
        }
        if (f.tried[f.pos] && !next_awake(f)) return nobody;  // every step from here swaps one explored already
        f.tried[f.pos] = true;
        f.order.push_back(f.pos);
        f.footprints.resize(enabled.size());
        stack_.push_back(std::move(f));
        return stack_.back().pos;
    }

    bool wants_footprint(std::size_t depth) const override {
        return opts_.reduction == reduction_kind::sleep_sets && depth + 1 >= stack_.size();
    }
    void step_ended(std::size_t depth, footprint&& fp) override {
        if (depth < stack_.size()) stack_[depth].footprints[stack_[depth].pos] = std::move(fp);
    }

    /// A replayed prefix is not looked up again: its states are in the table already.
    bool wants_key(std::size_t depth) const override {
        return opts_.state_hashing && depth > 0 && depth >= stack_.size();
    }

    /// Moves to the next schedule; false when this item is exhausted.
    bool next() {
        while (!stack_.empty()) {
            auto& f = stack_.back();
            if (!f.last_alternative && next_awake(f)) {
                f.tried[f.pos] = true;
                f.order.push_back(f.pos);
                return true;
            }
            stack_.pop_back();
        }
        return false;
    }
    u64 states() const { return seen_.size(); }

private:
    struct frame {
        std::vector<std::size_t> enabled;
        std::size_t current = nobody;
        std::size_t pos = 0;
        u32 used = 0;  ///< preemptions before this point
        std::vector<bool> tried;  ///< taken, or asleep
        bool last_alternative = false;
        u64 asleep = 0;                        ///< actors whose next step sleeps here (bit per actor)
        std::vector<std::size_t> order;        ///< the positions taken, in order
        std::vector<std::optional<footprint>> footprints;  ///< per position taken: its step's (sleep sets)
        std::size_t chosen() const { return enabled[pos]; }
        u32 cost(std::size_t actor) const {
            const bool cur_enabled = std::find(enabled.begin(), enabled.end(), current) != enabled.end();
            return cur_enabled && actor != current ? 1 : 0;
        }
    };
    struct seen_state {
        u32 depth;
        u32 left;
        u64 asleep;
    };
    static bool sleeps(const frame& f, std::size_t k) { return f.enabled[k] < 64 && (f.asleep >> f.enabled[k] & 1); }

    /// Moves f.pos to the first position neither taken nor asleep that the preemption bound allows.
    bool next_awake(frame& f) const {
        for (std::size_t k = 0; k < f.enabled.size(); ++k) {
            if (f.tried[k]) continue;
            if (f.used + f.cost(f.enabled[k]) > opts_.preemptions) continue;
            f.pos = k;
            return true;
        }
        return false;
    }

    /// The sleep set after parent frame `p`'s chosen step l: each step e taken before l at p, independent of l,
    /// whose swap costs no preemption: every schedule p·l·e·w has the same steps as p·e·l·w, which was explored
    /// (or is covered in turn) within the bound. Its cost differs in three places: where e and l start, where
    /// the second of them starts, and where w starts (after e, or after l, when that actor could go on).
    /// One level only: e wakes again at the next step.
    u64 asleep_after(const frame& p) const {
        if (opts_.reduction != reduction_kind::sleep_sets) return 0;
        const auto& l = p.footprints[p.pos];
        if (!l) return 0;
        u64 z = 0;
        for (std::size_t e_pos : p.order) {
            if (e_pos == p.pos) break;
            const auto& e = p.footprints[e_pos];
            if (!e || e->actor >= 64 || !independent(*e, *l)) continue;
            // cost(p·e·l·w) - cost(p·l·e·w) <= cost(e) + [e's actor can go on after e] + [l's can after l·e]
            //                                  - cost(l) - [l's actor can go on after l]
            const u32 swapped = p.cost(e->actor) + e->enabled_after + !l->finished;
            const u32 taken = p.cost(l->actor) + l->enabled_after;
            if (swapped <= taken) z |= u64{1} << e->actor;
        }
        return z;
    }
    u32 used_at(std::size_t depth) const {
        if (depth == 0) return 0;
        const auto& p = stack_[depth - 1];
        const bool cur_enabled = std::find(p.enabled.begin(), p.enabled.end(), p.current) != p.enabled.end();
        return p.used + (cur_enabled && p.chosen() != p.current ? 1 : 0);
    }
    options opts_;
    std::size_t first_;
    std::vector<frame> stack_;
    std::unordered_map<u64, seen_state> seen_;
};

/// Records the enabled actors of the first step and stops.
struct first_step_probe final : chooser {
    std::size_t count = 0;
    std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t, std::size_t, u64) override {
        count = enabled.size();
        return nobody;
    }
};

}  // namespace detail

namespace detail {

/// One schedule of `s` under `cfg` picked by `c`, on the calling thread's fibers, without state keys.
inline schedule_record run_one_schedule(fiber_pool& fibers, const config& cfg, const scenario& s, chooser& c,
                                        options o = {}) {
    const world w = sorted_world(s);
    o.state_hashing = false;
    schedule_run run(s, w, cfg, c, o, fibers);
    return run.run();
}

/// first_choices() on the fibers of the calling thread; `s` is explorable (check_explorable).
inline std::size_t first_choices_on(fiber_pool& fibers, const config& cfg, const scenario& s) {
    first_step_probe probe;
    (void)run_one_schedule(fibers, cfg, s, probe);
    return probe.count;
}

/// explore_item() on the fibers of the calling thread; no schedule starts after wall time `deadline` (0: none).
/// `s` is explorable: the public entry points check it once, not once per item.
inline result explore_item_on(fiber_pool& fibers, const config& cfg, std::string variant, const scenario& s,
                              std::size_t first, const options& o, u64 item, double deadline = 0) {
    const double t0 = wall_seconds();
    result r = empty_result(std::move(variant), s, o);
    const world w = sorted_world(s);
    dfs search(o, first);
    u64 number = 0;
    do {
        schedule_run run(s, w, cfg, search, o, fibers);
        auto rec = run.run();
        switch (rec.end) {
            case schedule_end::cut: ++r.cut; break;
            case schedule_end::pruned: ++r.pruned; break;
            case schedule_end::complete:
            case schedule_end::deadlock:
                add_schedule(r, explore::judge(s, run, rec), rec, item, number, first == 0 && number == 0);
                break;
        }
        ++number;
        if (deadline > 0 && wall_seconds() > deadline) {
            r.stopped = true;
            break;
        }
    } while (search.next());
    r.states = search.states();
    r.seconds = wall_seconds() - t0;
    return r;
}

}  // namespace detail

/// How many work items (first choices) the scenario has: the actors that can take the first step.
inline std::size_t first_choices(const config& cfg, const scenario& s) {
    detail::check_explorable(s);
    detail::fiber_pool fibers;
    return detail::first_choices_on(fibers, cfg, s);
}

/// Explores the schedules whose first step is the `first`-th actor able to go first; `item` orders ties.
inline result explore_item(const config& cfg, std::string variant, const scenario& s, std::size_t first,
                           const options& o = {}, u64 item = 0) {
    detail::check_explorable(s);
    detail::fiber_pool fibers;
    return detail::explore_item_on(fibers, cfg, std::move(variant), s, first, o, item);
}

/// Adds the counts and keeps the shortest examples (ties: the earlier item) of two parts of one exploration.
inline void combine(result& into, const result& part) {
    into.schedules += part.schedules;
    into.states += part.states;
    into.cut += part.cut;
    into.pruned += part.pruned;
    into.seconds += part.seconds;
    into.sequential_known = into.sequential_known || part.sequential_known;
    into.runs += part.runs;
    into.longest = std::max(into.longest, part.longest);
    into.actors = std::max(into.actors, part.actors);
    into.pct_steps = std::max(into.pct_steps, part.pct_steps);
    into.pct_depth = std::max(into.pct_depth, part.pct_depth);
    into.covered.insert(part.covered.begin(), part.covered.end());
    into.stopped = into.stopped || part.stopped;
    for (const auto& b : part.invariants) {
        auto& a = into.invariant(b.name);
        if (part.sequential_known) a.sequential = b.sequential;
        if (detail::better_example(b.counterexample, b.counterexample_at, a.counterexample, a.counterexample_at)) {
            a.counterexample = b.counterexample;
            a.counterexample_at = b.counterexample_at;
            a.violated_reason = b.violated_reason;
        }
        if (detail::better_example(b.safe_example, b.safe_at, a.safe_example, a.safe_at)) {
            a.safe_example = b.safe_example;
            a.safe_at = b.safe_at;
            a.holds_reason = b.holds_reason;
        }
        if (a.na_reason.empty()) a.na_reason = b.na_reason;
        a.violating += b.violating;
        a.safe += b.safe;
        a.verdict = verdict_over_runs_name(a.overall());
    }
}

/// Explores every schedule of `s` under `cfg`. Throws invalid_scenario when validate_actors(s) reports errors.
inline result explore(const config& cfg, const std::string& variant, const scenario& s, const options& o = {}) {
    detail::check_explorable(s);
    result r = detail::empty_result(variant, s, o);
    detail::fiber_pool fibers;  // one set of stacks for every item
    const std::size_t n = detail::first_choices_on(fibers, cfg, s);
    for (std::size_t k = 0; k < n; ++k) combine(r, detail::explore_item_on(fibers, cfg, variant, s, k, o, k));
    return r;
}

/// The variant V (a preset or any combination) on `s`.
template <variant_type V>
result explore(const scenario& s, const options& o = {}) {
    return explore(V::config, std::string(variant_name<V>()), s, o);
}

}  // namespace daxfail::explore

#endif
