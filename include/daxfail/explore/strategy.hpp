// How `daxfail explore` picks the schedules it runs. dfs (the default) runs
// every schedule within the bounds. For a world whose bounded space cannot be
// run to its end, random and pct sample it:
//   random  at every step, any actor that can go, with equal chances;
//   pct     probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
//           Nagarakatte, ASPLOS 2010): the actors get distinct random
//           priorities, the highest-priority actor that can go runs, and at
//           d-1 random steps the running actor drops below every other. A run
//           finds a given bug of depth d (d ordering constraints) with
//           probability at least 1/(n k^(d-1)), n actors, k steps; N runs
//           together at least 1-(1-1/(n k^(d-1)))^N, which the report states.
// Each run's choices come from its own seed (the run's number mixed into
// --seed), so a run, a shard and -j N give the same schedules.
#ifndef DAXFAIL_EXPLORE_STRATEGY_HPP
#define DAXFAIL_EXPLORE_STRATEGY_HPP

#include <daxfail/constants.hpp>

#include <array>
#include <cmath>
#include <optional>
#include <string_view>

namespace daxfail::explore {

enum class strategy { dfs, random, pct };

inline constexpr std::array<std::string_view, 3> strategy_names{"dfs", "random", "pct"};

constexpr std::string_view strategy_name(strategy s) noexcept { return strategy_names[static_cast<std::size_t>(s)]; }

constexpr std::optional<strategy> strategy_from_name(std::string_view name) noexcept {
    for (std::size_t k = 0; k < strategy_names.size(); ++k)
        if (strategy_names[k] == name) return static_cast<strategy>(k);
    return std::nullopt;
}

/// PCT's lower bound on the chance that `runs` runs find a given bug of depth `d` among `actors` actors whose
/// schedules take at most `steps` steps: 1 - (1 - 1/(n k^(d-1)))^runs.
inline double pct_probability_bound(u64 runs, u64 actors, u64 steps, u32 d) {
    if (runs == 0 || actors == 0 || steps == 0 || d == 0) return 0;
    const double one_run = 1.0 / (static_cast<double>(actors) * std::pow(static_cast<double>(steps), d - 1.0));
    return -std::expm1(static_cast<double>(runs) * std::log1p(-std::min(one_run, 1.0 - 1e-16)));
}

namespace detail {

/// SplitMix64: a small generator whose sequence is the same on every platform (std's distributions are not).
struct splitmix64 {
    u64 state;
    u64 next() noexcept {
        u64 z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    /// A number in [0, n), n > 0, without modulo bias.
    u64 below(u64 n) noexcept {
        const u64 limit = ~u64{0} - (~u64{0} % n);
        for (;;)
            if (const u64 v = next(); v < limit) return v % n;
    }
};

/// The generator of run `run` under `seed`.
inline splitmix64 run_generator(u64 seed, u64 run) noexcept {
    splitmix64 g{seed};
    g.state ^= splitmix64{run}.next();
    return g;
}

}  // namespace detail
}  // namespace daxfail::explore

#endif
