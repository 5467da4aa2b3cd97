// `daxfail suggest`: searches the policy space around a preset for the
// variants that break no invariant on some scenarios (single runs, and with
// explored scenarios every explored schedule), nearest to the preset first.
//
// The space: every value policy_catalog lists for every axis. The search
// goes by the number of axes changed, nearest first: level 1 is every
// one-axis change; level k every k changes on k axes of which at least k - 1
// matter here. A change matters when alone it fixes something the base
// breaks (a scenario x invariant the base fails and it does not), changes
// the outcome of a scenario on which the base breaks something, or is
// refused by parse_variant (a freeze that needs holders on a freeze API
// without them: another axis may make it buildable). A fix may need several
// changes that matter together (a pre-remove flag does little without a
// collector that finds the tasks), and one that alone changes nothing there
// (a range fix is idle while another walk is used: with it, it is not). A
// combination that holds a solution already found is not tried: it only
// changes more. Combinations are tried in a fixed order (by axis, then
// value, in the catalog's order), so the result depends only on the request,
// except when the time limit stops the search (marked `stopped`).
#ifndef DAXFAIL_SUGGEST_HPP
#define DAXFAIL_SUGGEST_HPP

#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/ranking.hpp>
#include <daxfail/invariants.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/ranking.hpp>
#include <daxfail/run.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/variant_names.hpp>
#include <daxfail/variant_spelling.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace daxfail {

struct suggest_request {
    std::string base = "merged";      ///< a preset
    std::vector<scenario> scenarios;  ///< judged on single runs
    std::vector<scenario> explored;   ///< judged on every explored schedule (none: no exploration)
    explore::options bounds;          ///< of the explorations
    std::size_t max_axes = 3;         ///< the most axes a suggestion changes
    double max_seconds = 0;           ///< stop the search after this long (0: no limit)
};

/// A variant the search tried: the preset with `changes`.
struct suggestion {
    std::vector<axis_change> changes;  ///< in axis order
    variant_spec variant;
    std::string cpp;           ///< `presets::merged::with<freeze::return_ebusy>`
    std::string command_line;  ///< `base=merged,freeze=return_ebusy`, which parse_variant reads back
    variant_breakage breakage;
    std::size_t differing = 0;  ///< scenarios (single runs) on which its outcome differs from the base's
};

struct suggest_result {
    suggestion base;
    std::vector<suggestion> found;    ///< break nothing: fewest axes, then fewest differing outcomes, then by name
    std::vector<suggestion> closest;  ///< none found: the lowest scores tried below the base's (at most 5)
    std::vector<std::size_t> tried;   ///< [k - 1]: k-axis variants judged
    std::size_t rejected = 0;         ///< combinations parse_variant refuses
    bool stopped = false;             ///< the time limit or the caller stopped the search
};

/// What the caller hears: `progress` after each variant judged (its level, judged in that level, the level's
/// size, found so far); `stop` before each (true: stop there).
struct suggest_hooks {
    std::function<void(std::size_t level, std::size_t done, std::size_t total, std::size_t found)> progress =
        [](std::size_t, std::size_t, std::size_t, std::size_t) {};
    std::function<bool()> stop = [] { return false; };
};

namespace detail {

/// Every axis' values, by name, in the catalog's order (duplicates dropped).
struct policy_space {
    std::vector<std::string> axes;
    std::vector<std::vector<std::string>> values;

    policy_space() {
        const policy_catalog catalog{};
        for_each_axis_tag(
            [&]<class A>(A*) {
                axes.emplace_back(A::name);
                auto& names = values.emplace_back();
                catalog.for_each_value(A::name, [&](std::string_view name, auto) {
                    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
                });
            },
            all_axes{});
    }
};

/// A combination: (axis, value) indices, sorted by axis.
using combination = std::vector<std::pair<std::size_t, std::size_t>>;

/// What a variant breaks, scenario by scenario (runs first, then explored scenarios), as sorted keys
/// `scenario * invariants + invariant`: the verdicts as they are (a hang's n/a is not counted here).
using failure_keys = std::vector<std::uint32_t>;

inline bool fixes_some(const failure_keys& before, const failure_keys& after) {
    return std::any_of(before.begin(), before.end(),
                       [&](std::uint32_t k) { return !std::binary_search(after.begin(), after.end(), k); });
}

inline bool contains(const combination& big, const combination& small) {
    return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

/// What judging a variant tells the search.
struct judged_variant {
    failure_keys keys;
    bool matters = false;  ///< its outcome differs from the base's where the base breaks something
};

/// Judges variants on the request's scenarios against the base's outcomes.
class suggest_judge {
public:
    explicit suggest_judge(const suggest_request& q) : q_(q) {
        for (const auto& s : q.scenarios) reference_.push_back(run(presets::pre_patch::config, s.world, s.event));
    }

    /// Runs `s` on every scenario (and explores); the base's outcomes are the first call's.
    judged_variant judge(suggestion& s) {
        constexpr auto n = static_cast<std::uint32_t>(invariant_registry.size());
        judged_variant j;
        auto& keys = j.keys;
        const bool first = base_out_.empty();
        for (std::size_t k = 0; k < q_.scenarios.size(); ++k) {
            const auto& sc = q_.scenarios[k];
            auto out = run(s.variant.cfg, sc.world, sc.event);
            const auto results = check_invariants(sc, out, reference_[k]);
            const auto b = run_breaches(sc, out, results);
            add_run(s.breakage, b);
            for (const auto& r : results)
                if (r.result == verdict::fail)
                    keys.push_back(static_cast<std::uint32_t>(k) * n +
                                   static_cast<std::uint32_t>(invariant_index(r.name)));
            if (first) {
                base_out_.push_back(std::move(out));
                base_broken_.push_back(std::any_of(b.begin(), b.end(), [](breach x) { return x != breach::none; }));
                continue;
            }
            const bool differs = !(out == base_out_[k]);
            s.differing += differs;
            j.matters = j.matters || (differs && base_broken_[k]);
        }
        for (std::size_t e = 0; e < q_.explored.size(); ++e) {
            auto r = explore::explore(s.variant.cfg, s.variant.name, q_.explored[e], q_.bounds);
            if (first) base_explored_.push_back(r);
            const auto b = explore::pair_breaches(r, {&r, &base_explored_[e]});
            for (std::size_t i = 0; i < b.size(); ++i) {
                s.breakage.per_invariant[i].schedules += b[i] == breach::broken;
                s.breakage.per_invariant[i].schedules_unjudged += b[i] == breach::unjudged;
                if (b[i] == breach::broken)
                    keys.push_back(static_cast<std::uint32_t>(q_.scenarios.size() + e) * n + static_cast<std::uint32_t>(i));
            }
        }
        std::sort(keys.begin(), keys.end());
        if (first) base_keys_ = keys;
        j.matters = j.matters || fixes_some(base_keys_, keys) ||
                    !std::equal(std::lower_bound(keys.begin(), keys.end(), explored_from()), keys.end(),
                                std::lower_bound(base_keys_.begin(), base_keys_.end(), explored_from()),
                                base_keys_.end());
        return j;
    }

private:
    /// The first key of the explored scenarios.
    std::uint32_t explored_from() const {
        return static_cast<std::uint32_t>(q_.scenarios.size() * invariant_registry.size());
    }
    const suggest_request& q_;
    std::vector<outcome> reference_, base_out_;
    std::vector<bool> base_broken_;
    failure_keys base_keys_;
    std::vector<explore::result> base_explored_;
};

}  // namespace detail

/// Searches the policy space around `q.base` (see the top of this header). Throws std::invalid_argument when
/// the base is no preset.
inline suggest_result suggest(const suggest_request& q, const suggest_hooks& hooks = {}) {
    const auto base_cfg = preset_config(q.base);
    if (!base_cfg) throw std::invalid_argument("base \"" + q.base + "\" is not a preset (" + presets::name_list() + ")");
    const auto start = std::chrono::steady_clock::now();
    const auto out_of_time = [&] {
        return q.max_seconds > 0 &&
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > q.max_seconds;
    };
    const detail::policy_space space;
    std::vector<std::size_t> base_value(space.axes.size(), 0);
    for_each_axis(*base_cfg, [&, a = std::size_t{0}](std::string_view, std::string_view value) mutable {
        const auto& vs = space.values[a];
        base_value[a] = static_cast<std::size_t>(std::find(vs.begin(), vs.end(), value) - vs.begin());
        ++a;
    });

    detail::suggest_judge judge(q);
    suggest_result res;
    res.base.variant = {q.base, *base_cfg};
    res.base.cpp = variant_cpp_spelling(q.base, {});
    res.base.command_line = q.base;
    res.base.breakage.variant = q.base;
    judge.judge(res.base);
    if (res.base.breakage.breaks_nothing()) return res;  // nothing to fix

    // A combination's suggestion, or nullopt when parse_variant refuses its name.
    const auto make = [&](const detail::combination& c) -> std::optional<suggestion> {
        suggestion s;
        for (const auto& [a, v] : c) s.changes.push_back({space.axes[a], space.values[a][v]});
        s.command_line = variant_command_line(q.base, s.changes);
        s.cpp = variant_cpp_spelling(q.base, s.changes);
        std::string error;
        auto parsed = parse_variant(s.command_line, error);
        if (!parsed) return std::nullopt;
        s.variant = *parsed;
        s.breakage.variant = s.command_line;
        return s;
    };

    // Level 1: every change; the ones that matter make up the higher levels.
    std::vector<std::pair<std::size_t, std::size_t>> single, matter;
    for (std::size_t a = 0; a < space.axes.size(); ++a)
        for (std::size_t v = 0; v < space.values[a].size(); ++v)
            if (v != base_value[a]) single.emplace_back(a, v);
    std::vector<detail::combination> found_combos;
    std::vector<suggestion> tried_all;
    const auto try_one = [&](const detail::combination& c, std::size_t level, std::size_t done, std::size_t total) {
        auto s = make(c);
        if (!s) {
            ++res.rejected;
            if (level == 1) matter.push_back(c.front());
            return;
        }
        const auto j = judge.judge(*s);
        ++res.tried.back();
        if (level == 1 && j.matters) matter.push_back(c.front());
        if (s->breakage.breaks_nothing()) {
            found_combos.push_back(c);
            res.found.push_back(std::move(*s));
        } else {
            tried_all.push_back(std::move(*s));
        }
        hooks.progress(level, done, total, res.found.size());
    };
    const auto stop_here = [&] { return res.stopped = res.stopped || hooks.stop() || out_of_time(); };

    res.tried.push_back(0);
    for (std::size_t i = 0; i < single.size() && !stop_here(); ++i) try_one({single[i]}, 1, i + 1, single.size());
    for (std::size_t k = 2; k <= q.max_axes && !res.stopped; ++k) {
        // Every k changes on k axes, at most one of them not mattering, in order; none holding a solution.
        std::vector<detail::combination> level;
        detail::combination c;
        const auto pick = [&](auto&& self, std::size_t from, bool idle_taken) -> void {
            if (c.size() == k) {
                if (std::none_of(found_combos.begin(), found_combos.end(),
                                 [&](const auto& f) { return detail::contains(c, f); }))
                    level.push_back(c);
                return;
            }
            for (std::size_t i = from; i < single.size(); ++i) {
                if (!c.empty() && single[i].first <= c.back().first) continue;
                const bool idle = std::find(matter.begin(), matter.end(), single[i]) == matter.end();
                if (idle && idle_taken) continue;
                c.push_back(single[i]);
                self(self, i + 1, idle_taken || idle);
                c.pop_back();
            }
        };
        pick(pick, 0, false);
        if (level.empty()) break;
        res.tried.push_back(0);
        for (std::size_t i = 0; i < level.size() && !stop_here(); ++i) try_one(level[i], k, i + 1, level.size());
    }

    std::stable_sort(res.found.begin(), res.found.end(), [](const suggestion& x, const suggestion& y) {
        if (x.changes.size() != y.changes.size()) return x.changes.size() < y.changes.size();
        if (x.differing != y.differing) return x.differing < y.differing;
        return x.command_line < y.command_line;
    });
    if (res.found.empty()) {
        std::stable_sort(tried_all.begin(), tried_all.end(), [](const suggestion& x, const suggestion& y) {
            if (x.breakage.score() != y.breakage.score()) return x.breakage.score() < y.breakage.score();
            if (x.changes.size() != y.changes.size()) return x.changes.size() < y.changes.size();
            return x.command_line < y.command_line;
        });
        for (std::size_t i = 0; i < tried_all.size() && i < 5; ++i)
            if (tried_all[i].breakage.score() < res.base.breakage.score()) res.closest.push_back(std::move(tried_all[i]));
    }
    return res;
}

}  // namespace daxfail

#endif
