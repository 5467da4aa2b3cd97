// An exploration of variants x scenarios, as `daxfail explore` runs it: every
// (variant, scenario) pair split into work items by the actor that takes the
// first step, so that a run can be dealt into N shards (every N-th item) whose
// parts explore/merge.hpp joins into the report one run gives.
#ifndef DAXFAIL_EXPLORE_RUN_HPP
#define DAXFAIL_EXPLORE_RUN_HPP

#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/variant_names.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
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
};

struct run_result {
    std::vector<result> results;      ///< one per pair, each combined from the parts this run explored
    std::vector<bool> complete;       ///< per pair: every one of its work items explored
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();  ///< a shard's parts (part_to_json), in order
    std::size_t done = 0, mine = 0;   ///< work items explored, and those of this shard
    /// The results of the pairs explored to the end, in order (what an interrupted run can report).
    std::vector<result> complete_results() const {
        std::vector<result> out;
        for (std::size_t p = 0; p < results.size(); ++p)
            if (complete[p]) out.push_back(results[p]);
        return out;
    }
};

/// Explores the shard's work items in order; a sharded run keeps its parts, a whole one combines them.
inline run_result explore_all(const run_request& q, const run_hooks& hooks = {}) {
    struct item {
        std::size_t pair, first, items;
    };
    const std::size_t nv = q.variants.size(), pairs = nv * q.scenarios.size();
    std::vector<item> work;
    for (std::size_t s = 0; s < q.scenarios.size(); ++s)
        for (std::size_t v = 0; v < nv; ++v) {
            const std::size_t n = first_choices(q.variants[v].cfg, q.scenarios[s]);
            for (std::size_t k = 0; k < n; ++k) work.push_back({s * nv + v, k, n});
        }
    const explore::shard sh = q.shard.value_or(explore::shard{});
    const auto mine = [&](std::size_t w) { return w % sh.n == sh.k - 1; };
    run_result out;
    for (std::size_t w = 0; w < work.size(); ++w) out.mine += mine(w);
    std::vector<std::size_t> combined(pairs, 0), items(pairs, 0);
    for (const auto& it : work) ++items[it.pair];
    for (std::size_t p = 0; p < pairs; ++p) {
        out.results.push_back(detail::empty_result(q.variants[p % nv].name, q.scenarios[p / nv], q.bounds));
        out.results.back().file = q.files[p / nv];
    }
    u64 schedules = 0;
    for (std::size_t w = 0; w < work.size() && !hooks.stop(); ++w) {
        if (!mine(w)) continue;
        const auto& it = work[w];
        const auto& v = q.variants[it.pair % nv];
        auto part = explore_item(v.cfg, v.name, q.scenarios[it.pair / nv], it.first, q.bounds, it.first);
        part.file = q.files[it.pair / nv];
        schedules += part.schedules;
        if (q.shard) out.parts.push_back(part_to_json(part, it.pair, it.first, it.items));
        else combine(out.results[it.pair], part);
        ++combined[it.pair];
        hooks.progress(++out.done, out.mine, schedules);
    }
    for (std::size_t p = 0; p < pairs; ++p) out.complete.push_back(combined[p] == items[p]);
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
    return {{"shard", std::to_string(sh.k) + "/" + std::to_string(sh.n)},
            {"depth", q.bounds.depth},
            {"preemptions", q.bounds.preemptions},
            {"pairs", q.variants.size() * q.scenarios.size()},
            {"names", shard_fingerprint(q)},
            {"timing", timing},
            {"parts", r.parts}};
}

}  // namespace daxfail::explore

#endif
