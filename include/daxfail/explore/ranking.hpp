// The explored half of a ranking (ranking.hpp): each (variant, scenario)
// pair of an exploration counts once per invariant some schedule violates.
// A pair whose path does not return (terminates or pre_remove_completes
// violated) leaves unjudged every invariant it leaves n/a that another
// variant judges on the same scenario: the explorer keeps no facts of a
// schedule to judge them as if it had returned, so the other variants say
// whether they apply there.
#ifndef DAXFAIL_EXPLORE_RANKING_HPP
#define DAXFAIL_EXPLORE_RANKING_HPP

#include <daxfail/explore/explorer.hpp>
#include <daxfail/ranking.hpp>

#include <cstddef>
#include <vector>

namespace daxfail::explore {

/// What one explored pair does to each invariant; `same_scenario` are the results of every variant on its
/// scenario (the pair's own among them).
inline std::array<breach, invariant_registry.size()> pair_breaches(const result& r,
                                                                   const std::vector<const result*>& same_scenario) {
    std::array<breach, invariant_registry.size()> out{};
    const auto violated = [](const result& x, const invariant_info& i) {
        return x.invariant(i.name).overall() == verdict::fail;
    };
    const bool hangs = violated(r, invariant(invariant_id::terminates)) ||
                       violated(r, invariant(invariant_id::pre_remove_completes));
    for (const auto& inv : schedule_invariants) {
        auto& b = out[static_cast<std::size_t>(inv.id)];
        const auto v = r.invariant(inv.name).overall();
        if (v == verdict::fail) b = breach::broken;
        else if (hangs && v == verdict::not_applicable)
            for (const auto* other : same_scenario)
                if (other->invariant(inv.name).overall() != verdict::not_applicable) b = breach::unjudged;
    }
    return out;
}

/// Adds the pairs of an exploration to `into` (one entry per variant, in the exploration's variant order;
/// results[scenario * variants + variant], as explore_all gives them).
inline void add_schedules(std::vector<variant_breakage>& into, const std::vector<result>& results) {
    const std::size_t nv = into.size();
    if (nv == 0) return;
    for (std::size_t s = 0; s * nv < results.size(); ++s) {
        std::vector<const result*> same;
        for (std::size_t v = 0; v < nv && s * nv + v < results.size(); ++v) same.push_back(&results[s * nv + v]);
        for (std::size_t v = 0; v < same.size(); ++v) {
            const auto b = pair_breaches(*same[v], same);
            for (std::size_t k = 0; k < b.size(); ++k) {
                into[v].per_invariant[k].schedules += b[k] == breach::broken;
                into[v].per_invariant[k].schedules_unjudged += b[k] == breach::unjudged;
            }
        }
    }
}

}  // namespace daxfail::explore

#endif
