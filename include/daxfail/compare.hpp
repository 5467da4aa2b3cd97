// The comparison engine: every variant on every scenario, the outcomes
// grouped per scenario into classes of identical observables, the
// observables that differ between each pair of classes, and the invariant
// verdicts of every run.
#ifndef DAXFAIL_COMPARE_HPP
#define DAXFAIL_COMPARE_HPP

#include <daxfail/invariants.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/run.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/variant_names.hpp>

#include <functional>
#include <string>
#include <vector>

namespace daxfail {

struct run_result {
    std::size_t variant = 0;
    std::size_t scenario = 0;
    outcome out;
    std::vector<invariant_result> invariants;
};

/// Two classes of one scenario and the observables in which they differ.
struct class_difference {
    std::size_t a = 0, b = 0;  ///< class indices
    std::vector<difference> differences;
};

struct scenario_classes {
    std::vector<std::vector<std::size_t>> classes;  ///< variant indices, in variant order
    std::vector<class_difference> differences;      ///< for every pair of classes
};

struct comparison {
    std::vector<variant_spec> variants;
    std::vector<scenario> scenarios;
    std::vector<run_result> results;        ///< scenario-major: results[s * variants.size() + v]
    std::vector<scenario_classes> classes;  ///< per scenario

    const run_result& at(std::size_t variant, std::size_t scen) const {
        return results[scen * variants.size() + variant];
    }
    /// Whether any run failed any invariant.
    bool any_invariant_failed() const {
        for (const auto& r : results)
            for (const auto& i : r.invariants)
                if (i.result == verdict::fail) return true;
        return false;
    }
};

/// Told after every run how many of how many runs are done; returning false stops the comparison.
using compare_progress = std::function<bool(std::size_t done, std::size_t total)>;

/// Runs every variant on every scenario (the scenarios must be valid; see validate()). When `progress` stops
/// it, the comparison holds the scenarios finished until then (every variant on each), and no others.
inline comparison compare(std::vector<variant_spec> variants, std::vector<scenario> scens, run_options opts = {},
                          const compare_progress& progress = {}) {
    comparison c;
    c.variants = std::move(variants);
    c.scenarios = std::move(scens);
    c.results.reserve(c.variants.size() * c.scenarios.size());
    const std::size_t total = c.variants.size() * c.scenarios.size();
    for (std::size_t s = 0; s < c.scenarios.size(); ++s) {
        const auto& sc = c.scenarios[s];
        const outcome reference = run(presets::pre_patch::config, sc.world, sc.event, opts);
        scenario_classes sc_classes;
        for (std::size_t v = 0; v < c.variants.size(); ++v) {
            run_result r;
            r.variant = v;
            r.scenario = s;
            r.out = c.variants[v].cfg == presets::pre_patch::config ? reference
                                                                    : run(c.variants[v].cfg, sc.world, sc.event, opts);
            r.invariants = check_invariants(sc, r.out, reference);
            bool placed = false;
            for (auto& cls : sc_classes.classes)
                if (c.results[s * c.variants.size() + cls.front()].out == r.out) {
                    cls.push_back(v);
                    placed = true;
                    break;
                }
            c.results.push_back(std::move(r));
            if (!placed) sc_classes.classes.push_back({v});
            if (progress && !progress(c.results.size(), total)) {
                c.scenarios.resize(s);
                c.results.resize(s * c.variants.size());
                return c;
            }
        }
        for (std::size_t a = 0; a < sc_classes.classes.size(); ++a)
            for (std::size_t b = a + 1; b < sc_classes.classes.size(); ++b)
                sc_classes.differences.push_back(
                    {a, b, diff(c.at(sc_classes.classes[a].front(), s).out, c.at(sc_classes.classes[b].front(), s).out)});
        c.classes.push_back(std::move(sc_classes));
    }
    return c;
}

}  // namespace daxfail

#endif
