// The sampled strategies (strategy.hpp) as work items: a variant x scenario
// pair's runs are dealt into items of runs_per_item(runs) consecutive runs, each
// run seeded by its number, so items can go to any thread or shard and the
// report is the same. Counterexamples are schedules like the exhaustive
// search's: `explore --replay` runs them again step by step.
#ifndef DAXFAIL_EXPLORE_SAMPLING_HPP
#define DAXFAIL_EXPLORE_SAMPLING_HPP

#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/strategy.hpp>

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::explore {

/// Consecutive runs of one pair explored as one work item: 16, or more so that a pair has at most 32 items
/// (a million runs of 1,728 pairs would otherwise be 10^8 items). It depends on `runs` alone, so every shard
/// and thread deals the same items.
constexpr u64 runs_per_item(u64 runs) noexcept { return std::max<u64>(16, (runs + 31) / 32); }

namespace detail {

/// Any actor that can go, with equal chances.
class random_choice final : public chooser {
public:
    explicit random_choice(splitmix64 g) : g_(g) {}
    std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t, std::size_t, u64) override {
        return static_cast<std::size_t>(g_.below(enabled.size()));
    }

private:
    splitmix64 g_;
};

/// PCT: the enabled actor of highest priority; at each change point the actor that ran last drops below all.
class pct_choice final : public chooser {
public:
    pct_choice(splitmix64 g, std::size_t actors, u64 steps, u32 d) : priority_(actors) {
        // Initial priorities d .. d+n-1 in a random order; change point i (1-based) sets priority i < d.
        std::iota(priority_.begin(), priority_.end(), u64{d});
        for (std::size_t k = actors; k > 1; --k) std::swap(priority_[k - 1], priority_[g.below(k)]);
        for (u32 i = 1; i < d; ++i) change_.push_back(1 + g.below(std::max<u64>(steps, 1)));
    }
    std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t current, std::size_t depth, u64) override {
        for (std::size_t i = 0; i < change_.size(); ++i)
            if (change_[i] == depth && current != nobody) priority_[current] = i + 1;
        std::size_t best = 0;
        for (std::size_t k = 1; k < enabled.size(); ++k)
            if (priority_[enabled[k]] > priority_[enabled[best]]) best = k;
        return best;
    }

private:
    std::vector<u64> priority_;
    std::vector<u64> change_;
};

/// The sequential schedule: whoever ran goes on, else the first that can.
struct sequential_choice final : chooser {
    std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t current, std::size_t, u64) override {
        for (std::size_t k = 0; k < enabled.size(); ++k)
            if (enabled[k] == current) return k;
        return 0;
    }
};

/// How many steps the sequential schedule of `s` takes: PCT's k (the steps are the actors' own, in whatever
/// order, so other schedules take about as many; the report gives the longest seen).
inline u64 sequential_steps_on(fiber_pool& fibers, const config& cfg, const scenario& s, const options& bounds) {
    sequential_choice c;
    return run_one_schedule(fibers, cfg, s, c, bounds).steps.size();
}

/// The yield point a step label starts from: its first word.
inline std::string yield_point(const std::string& label) { return label.substr(0, label.find(' ')); }

/// Runs `count` sampled schedules from run number `first_run`, judged as the exhaustive search judges them;
/// `s` is explorable (check_explorable).
inline result sample_item_on(fiber_pool& fibers, const config& cfg, std::string variant, const scenario& s,
                             const options& o, u64 item, u64 first_run, u64 count, u64 pct_steps, double deadline = 0) {
    const double t0 = wall_seconds();
    result r = empty_result(std::move(variant), s, o);
    r.actors = s.actors.size() + 1;
    r.pct_steps = o.strategy == strategy::pct ? pct_steps : 0;
    r.pct_depth = o.strategy == strategy::pct ? o.pct_depth : 0;
    const world w = sorted_world(s);
    options run_opts = o;
    run_opts.state_hashing = false;
    for (u64 n = first_run; n < first_run + count; ++n) {
        if (deadline > 0 && n > first_run && wall_seconds() > deadline) {
            r.stopped = true;
            break;
        }
        const auto g = run_generator(o.seed, n);
        std::optional<random_choice> uniform;
        std::optional<pct_choice> pct;  // allocates: built only for pct
        chooser& c = o.strategy == strategy::pct ? static_cast<chooser&>(pct.emplace(g, r.actors, pct_steps, o.pct_depth))
                                                 : uniform.emplace(g);
        schedule_run run(s, w, cfg, c, run_opts, fibers);
        auto rec = run.run();
        ++r.runs;
        r.longest = std::max<u64>(r.longest, rec.steps.size());
        for (const auto& st : rec.steps) r.covered.insert(st.actor + ": " + yield_point(st.step));
        if (rec.end == schedule_end::cut) ++r.cut;
        else add_schedule(r, explore::judge(s, run, rec), rec, item, n, false);
    }
    r.seconds = wall_seconds() - t0;
    return r;
}

}  // namespace detail
}  // namespace daxfail::explore

#endif
