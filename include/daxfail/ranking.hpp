// Judging variants: per variant, the invariants it breaks, each weighted by
// its severity (invariant_registry.hpp), counted on single runs and on
// explored (variant, scenario) pairs (explore/ranking.hpp adds those). Lower
// scores rank first.
//
// A path that does not terminate cannot be judged on what it leaves behind
// (the invariants about the end state say n/a), and a variant must not look
// better for it: an invariant such a run leaves n/a, but would judge had the
// path returned, counts as broken ("unjudged"), at its full weight.
// docs/invariants.md gives the weights and the reasoning.
#ifndef DAXFAIL_RANKING_HPP
#define DAXFAIL_RANKING_HPP

#include <daxfail/compare.hpp>
#include <daxfail/invariant_registry.hpp>
#include <daxfail/invariants.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail {

/// The registry position of the invariant named `name`; throws std::out_of_range for no invariant.
inline std::size_t invariant_index(std::string_view name) {
    for (const auto& i : invariant_registry)
        if (i.name == name) return static_cast<std::size_t>(i.id);
    throw std::out_of_range("no invariant " + std::string(name));
}

/// What one run, or one explored pair, does to one invariant.
enum class breach { none, broken, unjudged };

/// How often a variant breaks one invariant.
struct breakage_count {
    std::size_t runs = 0, runs_unjudged = 0;            ///< single runs: failed, and left unjudged by a hang
    std::size_t schedules = 0, schedules_unjudged = 0;  ///< explored pairs: violated, and left unjudged by a hang
    std::size_t total() const { return runs + runs_unjudged + schedules + schedules_unjudged; }
    friend bool operator==(const breakage_count&, const breakage_count&) = default;
};

/// One variant's breakage, per invariant in registry order.
struct variant_breakage {
    std::string variant;
    std::array<breakage_count, invariant_registry.size()> per_invariant{};

    breakage_count& of(invariant_id id) { return per_invariant[static_cast<std::size_t>(id)]; }
    const breakage_count& of(invariant_id id) const { return per_invariant[static_cast<std::size_t>(id)]; }
    /// The sum over invariants of severity x times broken (unjudged included).
    long score() const {
        long s = 0;
        for (const auto& i : invariant_registry) s += long{i.severity} * static_cast<long>(of(i.id).total());
        return s;
    }
    bool breaks_nothing() const { return score() == 0; }
};

/// Whether a run that did not terminate left `id` unjudged: n/a on it, but judged had the path returned. A run
/// stopped by a user limit (--max-seconds) is not a hang and leaves nothing unjudged.
inline bool unjudged_by_hang(const scenario& s, const outcome& o, invariant_id id) {
    if (o.terminated() || o.end == end_state::limit_reached) return false;
    detail::run_facts f(s, o, o);  // the reference matters only to poison_path_unregressed's verdict, not to whether it applies
    if (run_checks::judge(id, f).result != verdict::not_applicable) return false;
    f.done = true;
    return run_checks::judge(id, f).result != verdict::not_applicable;
}

/// What one run does to each run invariant (registry order; schedule-only invariants are `none`).
inline std::array<breach, invariant_registry.size()> run_breaches(const scenario& s, const outcome& o,
                                                                  const std::vector<invariant_result>& results) {
    std::array<breach, invariant_registry.size()> out{};
    for (const auto& inv : run_invariants) {
        auto& b = out[static_cast<std::size_t>(inv.id)];
        if (result_of(results, inv.id).result == verdict::fail) b = breach::broken;
        else if (unjudged_by_hang(s, o, inv.id)) b = breach::unjudged;
    }
    return out;
}

/// Adds one run's breaches to `into`.
inline void add_run(variant_breakage& into, const std::array<breach, invariant_registry.size()>& b) {
    for (std::size_t k = 0; k < b.size(); ++k) {
        into.per_invariant[k].runs += b[k] == breach::broken;
        into.per_invariant[k].runs_unjudged += b[k] == breach::unjudged;
    }
}

/// Every variant's breakage over every run of a comparison (all its scenarios, whatever a report shows).
inline std::vector<variant_breakage> breakage_of(const comparison& c) {
    std::vector<variant_breakage> out(c.variants.size());
    for (std::size_t v = 0; v < c.variants.size(); ++v) out[v].variant = c.variants[v].name;
    for (const auto& r : c.results)
        add_run(out[r.variant], run_breaches(c.scenarios[r.scenario], r.out, r.invariants));
    return out;
}

/// One place of a ranking: 1-based, shared by equal scores ("1, 2, 2, 4").
struct ranked {
    std::size_t place = 0;
    std::size_t index = 0;  ///< into the breakage list
};

/// The variants by score, lowest first; equal scores keep their order and share a place.
inline std::vector<ranked> rank(const std::vector<variant_breakage>& b) {
    std::vector<std::size_t> order(b.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return b[x].score() < b[y].score(); });
    std::vector<ranked> out;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const bool tie = k > 0 && b[order[k]].score() == b[order[k - 1]].score();
        out.push_back({tie ? out.back().place : k + 1, order[k]});
    }
    return out;
}

}  // namespace daxfail

#endif
