// Runs one given schedule again, step by step, keeping what each step did:
// how a counterexample is printed, drawn and checked.
//
//     auto r = daxfail::explore::replay(cfg, s, {{"xfs_scrub", "freeze"}, {"unbind", "start"}});
//     r.verdicts   // the invariants of that schedule
#ifndef DAXFAIL_EXPLORE_REPLAY_HPP
#define DAXFAIL_EXPLORE_REPLAY_HPP

#include <daxfail/explore/detail/engine.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/invariants.hpp>

#include <optional>
#include <string>
#include <vector>

namespace daxfail::explore {

struct replay_result {
    bool followed = true;   ///< every step could be taken as written, and the schedule ended there
    std::string error;      ///< why not
    schedule_end end = schedule_end::complete;
    std::vector<schedule_step> steps;  ///< with their trace lines
    std::vector<invariant_result> verdicts;  ///< when the schedule ended complete or deadlocked
};

namespace detail {

/// Takes the actors of a written schedule in order, checking that each is able to go and at the step written.
class follow final : public chooser {
public:
    explicit follow(const std::vector<schedule_step>& s) : steps_(s) {}
    void attach(const std::vector<std::unique_ptr<actor_run>>& actors) { actors_ = &actors; }
    std::size_t pick(const std::vector<std::size_t>& enabled, std::size_t, std::size_t depth, u64) override {
        if (depth >= steps_.size()) {
            error = "the schedule has " + std::to_string(steps_.size()) + " steps but actors can still go (" +
                    names(enabled) + ")";
            return nobody;
        }
        const auto& want = steps_[depth];
        for (std::size_t k = 0; k < enabled.size(); ++k) {
            const auto& a = *(*actors_)[enabled[k]];
            if (a.name != want.actor) continue;
            if (!want.step.empty() && a.next != want.step) {
                error = "step " + std::to_string(depth + 1) + ": " + want.actor + " is at '" + a.next + "', not '" +
                        want.step + "'";
                return nobody;
            }
            return k;
        }
        error = "step " + std::to_string(depth + 1) + ": " + want.actor + " cannot go (able to go: " + names(enabled) + ")";
        return nobody;
    }
    std::string error;

private:
    std::string names(const std::vector<std::size_t>& enabled) const {
        std::string out;
        for (auto j : enabled) out += (out.empty() ? "" : ", ") + (*actors_)[j]->name;
        return out;
    }
    const std::vector<schedule_step>& steps_;
    const std::vector<std::unique_ptr<actor_run>>* actors_ = nullptr;
};

}  // namespace detail

/// Replays `schedule` (actor and step per entry; an empty step matches any) on `s` under `cfg`.
inline replay_result replay(const config& cfg, const scenario& s, const std::vector<schedule_step>& schedule) {
    detail::check_explorable(s);
    options o;
    o.state_hashing = false;
    o.record_traces = true;
    o.depth = static_cast<u32>(schedule.size() + 1);
    const world w = detail::sorted_world(s);
    detail::follow f(schedule);
    detail::fiber_pool pool;
    detail::schedule_run run(s, w, cfg, f, o, pool);
    f.attach(run.actors());
    auto rec = run.run();
    replay_result r;
    r.end = rec.end;
    r.steps = rec.steps;
    if (!f.error.empty()) {
        r.followed = false;
        r.error = f.error;
    } else if (rec.steps.size() != schedule.size()) {
        r.followed = false;
        r.error = "the schedule ended after " + std::to_string(rec.steps.size()) + " of its " +
                  std::to_string(schedule.size()) + " steps";
    }
    if (rec.end == schedule_end::complete || rec.end == schedule_end::deadlock) r.verdicts = judge(s, run, rec);
    return r;
}

}  // namespace daxfail::explore

#endif
