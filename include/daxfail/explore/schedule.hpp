// What the explorer takes and gives per schedule: its bounds, and one step of
// a schedule (which actor ran, and the kernel step or actor step it took).
#ifndef DAXFAIL_EXPLORE_SCHEDULE_HPP
#define DAXFAIL_EXPLORE_SCHEDULE_HPP

#include <daxfail/constants.hpp>
#include <daxfail/explore/strategy.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/run_options.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail::explore {

/// How the explorer avoids running schedules that only reorder independent steps (docs/explore.md, "Partial-order
/// reduction"). Every reduction keeps every verdict, the sequential results and the counterexample lengths.
enum class reduction_kind {
    none,        ///< every schedule the bounds allow (the visited-state table aside)
    sleep_sets,  ///< sleep sets over the steps' footprints, one level deep, never costing a preemption
};

/// "none", "sleep-sets": the spelling of `explore --reduction`.
constexpr std::string_view reduction_name(reduction_kind r) noexcept {
    return r == reduction_kind::sleep_sets ? "sleep-sets" : "none";
}
inline std::optional<reduction_kind> reduction_from_name(std::string_view n) noexcept {
    if (n == "none") return reduction_kind::none;
    if (n == "sleep-sets") return reduction_kind::sleep_sets;
    return std::nullopt;
}

/// The bounds of an exploration. Schedules longer than `depth` steps are cut (counted, never judged); a
/// schedule switches away from an actor that could go on at most `preemptions` times.
struct options {
    u32 depth = 200;
    u32 preemptions = 2;
    /// Visited-state table: a state reached again with no more depth or preemptions left is not explored again.
    bool state_hashing = true;
    /// Keep each step's trace lines (replays and printed counterexamples; exploration does not need them).
    bool record_traces = false;
    /// How long a walk the kernel paths are waited for (run_options::walk_patience; 0: every walk to its end, which
    /// explores what v6.14+ do once their 2^32-index walks are over). The other run_options do not apply.
    double walk_patience = run_options{}.walk_patience;
    /// Which schedules run (strategy.hpp): every one within the bounds (dfs), or `runs` sampled ones (random,
    /// pct; the preemption bound does not apply to them, the depth bound does).
    explore::strategy strategy = explore::strategy::dfs;
    u64 runs = 1000;    ///< random, pct: schedules sampled per variant and scenario
    u64 seed = 1;       ///< random, pct: where every run's choices come from
    u32 pct_depth = 3;  ///< pct: the bug depth d its probability bound is stated for (d-1 priority changes per run)
    /// Wall seconds after which no schedule starts (0: no limit); what ran is reported, marked partial.
    double max_seconds = 0;
    /// Schedules that only swap independent steps of a schedule explored already are not run again.
    reduction_kind reduction = reduction_kind::none;
};

/// One step of a schedule: `actor` ran from the point named `step` to its next yield.
struct schedule_step {
    std::string actor;
    std::string step;
    std::vector<trace_step> trace;  ///< what the kernel (or the actor) did in that step, when recorded
    friend bool operator==(const schedule_step& a, const schedule_step& b) { return a.actor == b.actor && a.step == b.step; }
};

/// How a schedule ended.
enum class schedule_end {
    complete,  ///< every actor finished
    deadlock,  ///< actors are left and every one of them is blocked
    cut,       ///< the depth bound
    pruned,    ///< reached a state already explored
};

}  // namespace daxfail::explore

#endif
