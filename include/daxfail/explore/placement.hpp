// One schedule described by where the actors' steps fall relative to the
// event, not step by step: step k of an actor runs once the event has taken
// `rank` steps (0: before the event starts; after_event: once it returned).
// Unlike a replay, the event's own steps may change with the placement (a
// FIFREEZE before the unbind changes what its freeze does), which is what the
// oracle needs to ask "does the violation still happen if this step comes
// earlier, or later?" (oracle/race_plan.hpp).
#ifndef DAXFAIL_EXPLORE_PLACEMENT_HPP
#define DAXFAIL_EXPLORE_PLACEMENT_HPP

#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/invariants.hpp>

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace daxfail::explore {

inline constexpr std::size_t after_event = std::numeric_limits<std::size_t>::max();

/// Per actor name, the event steps each of its steps waits for (missing actors and steps: 0).
using placement = std::map<std::string, std::vector<std::size_t>>;

struct placed_result {
    bool judged = false;                     ///< the schedule ended complete or deadlocked
    std::vector<schedule_step> steps;
    std::vector<invariant_result> verdicts;  ///< when judged
    bool violates(std::string_view invariant) const {
        for (const auto& v : verdicts)
            if (v.name == invariant && v.result == verdict::fail) return true;
        return false;
    }
};

namespace detail {
/// Picks an actor whose next step's rank the event has reached (continuing one in the middle of a step), else the
/// event, else whoever can go.
class placed final : public chooser {
public:
    explicit placed(const placement& p) : p_(p) {}
    void attach(const std::vector<std::unique_ptr<actor_run>>& actors) { actors_ = &actors; }
    std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t, std::size_t, u64) override {
        const auto& actors = *actors_;
        const bool event_done = actors[0]->finished;
        for (std::size_t k = 0; k < enabled.size(); ++k) {
            const auto& a = *actors[enabled[k]];
            if (!a.decl) continue;
            std::size_t rank = 0;
            if (const auto it = p_.find(a.name); it != p_.end() && a.pc < it->second.size()) rank = it->second[a.pc];
            if (rank == after_event ? event_done : rank <= event_steps_) return k;
        }
        for (std::size_t k = 0; k < enabled.size(); ++k)
            if (!actors[enabled[k]]->decl) {
                ++event_steps_;
                return k;
            }
        return 0;
    }

private:
    const placement& p_;
    const std::vector<std::unique_ptr<actor_run>>* actors_ = nullptr;
    std::size_t event_steps_ = 0;
};
}  // namespace detail

/// Runs `s` under `cfg` once, with the actors' steps placed as `p` says, and judges it.
inline placed_result run_placed(const config& cfg, const scenario& s, const placement& p, const options& bounds = {}) {
    detail::check_explorable(s);
    options o = bounds;
    o.state_hashing = false;
    o.preemptions = std::numeric_limits<u32>::max();
    const world w = detail::sorted_world(s);
    detail::placed chooser(p);
    detail::fiber_pool pool;
    detail::schedule_run run(s, w, cfg, chooser, o, pool);
    chooser.attach(run.actors());
    const auto rec = run.run();
    placed_result r;
    r.steps = rec.steps;
    r.judged = rec.end == schedule_end::complete || rec.end == schedule_end::deadlock;
    if (r.judged) r.verdicts = judge(s, run, rec);
    return r;
}

}  // namespace daxfail::explore

#endif
