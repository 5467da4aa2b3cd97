// An exploration of variants x scenarios, as `daxfail explore` runs it: every
// (variant, scenario) pair split into work items by the actor that takes the
// first step, so that a run can be dealt into N shards (every N-th item) whose
// parts explore/merge.hpp joins into the report one run gives.
#ifndef DAXFAIL_EXPLORE_RUN_HPP
#define DAXFAIL_EXPLORE_RUN_HPP

#include <daxfail/explore/detail/parallel.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/explore/sampling.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/variant_names.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::explore {

/// The K-th of N deterministic slices of the work: every N-th work item from the K-th.
struct shard {
    std::size_t k = 1, n = 1;
};

/// What the caller hears of a run: `stop` is asked before each work item (true: stop here); `progress` after
/// each (items done, items of this shard, schedules so far).
struct run_hooks {
    std::function<bool()> stop = [] { return false; };
    std::function<void(std::size_t done, std::size_t total, u64 schedules)> progress = [](std::size_t, std::size_t, u64) {};
};

/// The work: pairs scenario by scenario (the table groups one scenario's variants), pair = scenario * variants +
/// variant; `files[s]` is where scenario s was read from ("" for the catalog).
struct run_request {
    std::vector<variant_spec> variants;
    std::vector<scenario> scenarios;
    std::vector<std::string> files;
    options bounds;
    std::optional<explore::shard> shard;  ///< none: the whole run, combined into a report
    unsigned jobs = 1;                     ///< work items explored at once, each on a thread (explore -j N)
};

struct run_result {
    std::vector<result> results;      ///< one per pair, each combined from the parts this run explored
    std::vector<bool> complete;       ///< per pair: every one of its work items explored
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();  ///< a shard's parts (part_to_json), in order
    std::size_t done = 0, mine = 0;   ///< work items explored, and those of this shard
    bool timed_out = false;           ///< options::max_seconds stopped it before the end
    std::vector<bool> explored;       ///< per pair: at least one schedule of it ran
    /// The results of the pairs explored to the end, in order (what an interrupted run can report).
    std::vector<result> complete_results() const {
        std::vector<result> out;
        for (std::size_t p = 0; p < results.size(); ++p)
            if (complete[p]) out.push_back(results[p]);
        return out;
    }
    /// The results of every pair with a schedule run, in order, those cut short marked `stopped` (what a run
    /// stopped at its time limit reports: verdicts found so far).
    std::vector<result> explored_results() const {
        std::vector<result> out;
        for (std::size_t p = 0; p < results.size(); ++p)
            if (explored[p]) {
                out.push_back(results[p]);
                out.back().stopped = out.back().stopped || !complete[p];
            }
        return out;
    }
};

/// Explores the shard's work items, `q.jobs` at a time; a sharded run keeps its parts, a whole one combines them,
/// both in item order whatever order the items finished in. dfs deals a pair's schedules into items by the first
/// step's choice, random and pct by runs (runs_per_item(runs) each). With q.bounds.max_seconds, no item or schedule
/// starts after the limit: `timed_out` says so, and `complete` is false for the pairs it cut short (for random
/// and pct, for the pairs that got no run at all: a shorter sample is still a sample).
inline run_result explore_all(const run_request& q, const run_hooks& hooks = {}) {
    struct item {
        std::size_t pair, first, items;
        u64 first_run = 0, count = 0;  ///< random, pct
    };
    for (const auto& sc : q.scenarios) detail::check_explorable(sc);  // once, before any thread starts
    const double deadline = q.bounds.max_seconds > 0 ? detail::wall_seconds() + q.bounds.max_seconds : 0;
    const bool sampled = q.bounds.strategy != strategy::dfs;
    const u64 per_item = runs_per_item(q.bounds.runs);
    const std::size_t nv = q.variants.size(), pairs = nv * q.scenarios.size();
    const auto never = [] { return false; };
    std::vector<std::size_t> choices(pairs, 0);
    std::vector<u64> steps(pairs, 0);  // pct's k per pair
    detail::for_each_item(pairs, q.jobs, never, [&](std::size_t p, detail::fiber_pool& fibers) {
        const auto& cfg = q.variants[p % nv].cfg;
        const auto& sc = q.scenarios[p / nv];
        if (!sampled) choices[p] = detail::first_choices_on(fibers, cfg, sc);
        else {
            choices[p] = static_cast<std::size_t>((q.bounds.runs + per_item - 1) / per_item);
            if (q.bounds.strategy == strategy::pct) steps[p] = detail::sequential_steps_on(fibers, cfg, sc, q.bounds);
        }
    });
    std::vector<item> work;
    for (std::size_t p = 0; p < pairs; ++p)
        for (std::size_t k = 0; k < choices[p]; ++k) {
            const u64 first_run = k * per_item;
            work.push_back({p, k, choices[p], first_run, std::min<u64>(per_item, q.bounds.runs - first_run)});
        }
    const explore::shard sh = q.shard.value_or(explore::shard{});
    std::vector<std::size_t> mine;  // this shard's items: every N-th from the K-th
    for (std::size_t w = 0; w < work.size(); ++w)
        if (w % sh.n == sh.k - 1) mine.push_back(w);
    run_result out;
    out.mine = mine.size();
    for (std::size_t p = 0; p < pairs; ++p) {
        out.results.push_back(detail::empty_result(q.variants[p % nv].name, q.scenarios[p / nv], q.bounds));
        out.results.back().file = q.files[p / nv];
    }
    std::vector<std::optional<result>> parts(mine.size());
    std::mutex progress_lock;
    u64 schedules = 0;
    const auto stop = [&] {
        if (deadline > 0 && detail::wall_seconds() > deadline) return true;
        return hooks.stop();
    };
    detail::for_each_item(mine.size(), q.jobs, stop, [&](std::size_t m, detail::fiber_pool& fibers) {
        const auto& it = work[mine[m]];
        const auto& v = q.variants[it.pair % nv];
        const auto& sc = q.scenarios[it.pair / nv];
        auto part = sampled ? detail::sample_item_on(fibers, v.cfg, v.name, sc, q.bounds, it.first, it.first_run,
                                                     it.count, steps[it.pair], deadline)
                            : detail::explore_item_on(fibers, v.cfg, v.name, sc, it.first, q.bounds, it.first, deadline);
        part.file = q.files[it.pair / nv];
        const std::lock_guard<std::mutex> hold(progress_lock);
        schedules += part.schedules;
        parts[m] = std::move(part);
        hooks.progress(++out.done, out.mine, schedules);
    });
    std::vector<std::size_t> combined(pairs, 0);
    std::vector<bool> cut_short(pairs, false);
    for (std::size_t m = 0; m < mine.size(); ++m) {
        const auto& it = work[mine[m]];
        if (!parts[m]) {
            cut_short[it.pair] = true;
            continue;
        }
        out.timed_out = out.timed_out || parts[m]->stopped;
        cut_short[it.pair] = cut_short[it.pair] || parts[m]->stopped;
        if (q.shard) out.parts.push_back(part_to_json(*parts[m], it.pair, it.first, it.items));
        else combine(out.results[it.pair], *parts[m]);
        ++combined[it.pair];
    }
    out.timed_out = out.timed_out || (deadline > 0 && out.done < out.mine);
    for (std::size_t p = 0; p < pairs; ++p) {
        out.complete.push_back(sampled ? combined[p] > 0 : combined[p] == choices[p] && !cut_short[p]);
        out.explored.push_back(combined[p] > 0);
    }
    return out;
}

/// What every shard of one run shares, the variants and the scenarios in order (merge checks it).
inline std::string shard_fingerprint(const run_request& q) {
    std::string names;
    for (const auto& v : q.variants) names += v.name + ";";
    names += "|";
    for (const auto& s : q.scenarios) names += s.name + ";";
    return names;
}

/// A shard as `daxfail explore --shard K/N` writes it, for `daxfail merge`.
inline nlohmann::ordered_json shard_to_json(const run_request& q, const run_result& r, bool timing) {
    const explore::shard sh = q.shard.value_or(explore::shard{});
    nlohmann::ordered_json j = {{"shard", std::to_string(sh.k) + "/" + std::to_string(sh.n)},
                                {"depth", q.bounds.depth},
                                {"preemptions", q.bounds.preemptions}};
    if (q.bounds.strategy != strategy::dfs) {
        j["strategy"] = strategy_name(q.bounds.strategy);
        j["runs"] = q.bounds.runs;
        j["seed"] = q.bounds.seed;
        j["pct_depth"] = q.bounds.pct_depth;
    }
    if (q.bounds.reduction != reduction_kind::none) j["reduction"] = reduction_name(q.bounds.reduction);
    j["pairs"] = q.variants.size() * q.scenarios.size();
    j["names"] = shard_fingerprint(q);
    j["timing"] = timing;
    j["parts"] = r.parts;
    return j;
}

}  // namespace daxfail::explore

#endif
