// Exploration benchmarks (Google Benchmark, wall-clock time): schedules and
// distinct states per second on the catalog's concurrent scenarios, the time
// each finding of issue 12 takes to be found, `explore --variants all` over the
// concurrent catalog on 1 and 2 threads, and a sampled exploration of a
// scenario too large to run to its end (4 actors of 8 steps on a 10 GiB file).
// Run a Release build:
//     build/bench/tests/bench/daxfail_bench_explore
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/run.hpp>
#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant_names.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace daxfail;

namespace {

/// Explores `s` under `v` once per iteration; counters are per second of wall time.
void explore_one(benchmark::State& state, const variant_spec& v, const scenario& s, const char* must_violate) {
    explore::result r;
    for (auto _ : state) {
        r = explore::explore(v.cfg, v.name, s);
        benchmark::DoNotOptimize(r.schedules);
    }
    const double runs = static_cast<double>(state.iterations());
    state.counters["schedules"] = static_cast<double>(r.schedules);
    state.counters["states"] = static_cast<double>(r.states);
    state.counters["schedules_per_s"] =
        benchmark::Counter(runs * static_cast<double>(r.schedules + r.cut + r.pruned), benchmark::Counter::kIsRate);
    state.counters["states_per_s"] = benchmark::Counter(runs * static_cast<double>(r.states), benchmark::Counter::kIsRate);
    if (must_violate && r.invariant(must_violate).verdict != "violated")
        state.SkipWithError((std::string(must_violate) + " was not found violated").c_str());
}

/// explore_all over `q` per iteration: executed schedules (judged, cut or pruned) per second.
void explore_many(benchmark::State& state, explore::run_request q) {
    q.jobs = static_cast<unsigned>(state.range(0));
    explore::run_result r;
    for (auto _ : state) {
        r = explore::explore_all(q);
        benchmark::DoNotOptimize(r.done);
    }
    u64 executed = 0, runs = 0, covered = 0;
    for (const auto& x : r.results) {
        executed += x.schedules + x.cut + x.pruned;
        runs += x.runs;
        covered += x.covered.size();
    }
    const double n = static_cast<double>(state.iterations());
    state.counters["pairs"] = static_cast<double>(r.results.size());
    state.counters["executed"] = static_cast<double>(executed);
    state.counters["schedules_per_s"] = benchmark::Counter(n * static_cast<double>(executed), benchmark::Counter::kIsRate);
    if (runs) {
        state.counters["runs"] = static_cast<double>(runs);
        state.counters["covered_pairs"] = static_cast<double>(covered);
        for (const auto& x : r.results)
            if (x.pct_depth)
                state.counters["pct_bound_min"] = std::min(
                    state.counters.count("pct_bound_min") ? static_cast<double>(state.counters["pct_bound_min"]) : 1.0,
                    explore::pct_probability_bound(x.runs, x.actors, x.pct_steps, x.pct_depth));
    }
}

struct finding {
    const char* name;
    scenario (*make)();
    variant_spec variant;
    const char* invariant;
};

}  // namespace

int main(int argc, char** argv) {
    // Every preset on every concurrent scenario.
    for (const auto& v : preset_specs())
        for (const auto& s : scenarios::concurrent())
            benchmark::RegisterBenchmark(("catalog/" + s.name + "/" + v.name).c_str(),
                                         [v, s](benchmark::State& st) { explore_one(st, v, s, nullptr); })
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
    // The findings: each must be found in under a second.
    const std::vector<finding> findings = {
        {"write_fault_without_freeze", scenarios::write_fault_during_unbind,
         {"merged+freeze::none", presets::merged::with<freeze::none>::config}, "no_live_mapping_after_pre_remove"},
        {"write_fault_pre_patch", scenarios::write_fault_during_unbind, {"pre_patch", presets::pre_patch::config},
         "no_live_mapping_after_pre_remove"},
        {"read_fault_merged", scenarios::read_fault_during_unbind, {"merged", presets::merged::config},
         "no_live_mapping_after_pre_remove"},
        {"v12_livelock", scenarios::kernel_holder_keeps_freeze, {"v12", presets::v12::config},
         "pre_remove_completes"},
        {"ebusy_thaws_foreign_freeze", scenarios::kernel_holder_keeps_freeze,
         {"v12+ebusy_continues", presets::v12::with<freeze::ebusy_continues>::config}, "no_foreign_freeze_dropped"},
        {"fithaw_fails_merged", scenarios::userspace_freezer_during_unbind, {"merged", presets::merged::config},
         "freezer_thaw_succeeds"},
    };
    for (const auto& f : findings)
        benchmark::RegisterBenchmark((std::string("finding/") + f.name).c_str(),
                                     [f](benchmark::State& st) { explore_one(st, f.variant, f.make(), f.invariant); })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    // `explore --variants all` over the concurrent catalog, on 1 and 2 threads.
    {
        explore::run_request q;
        q.variants = all_combination_specs();
        q.scenarios = scenarios::concurrent();
        q.files.assign(q.scenarios.size(), "");
        benchmark::RegisterBenchmark("variants_all", [q](benchmark::State& st) { explore_many(st, q); })
            ->Arg(1)
            ->Arg(2)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->Iterations(3);
    }
    // 4 actors of 8 steps on a 10 GiB file: PCT, 10^4 runs per preset, on 2 threads.
    if (const auto big = json::load_scenario_file(std::string(DAXFAIL_SOURCE_DIR) +
                                                  "/examples/scenarios/large/four_actors_10gib.json");
        big.ok()) {
        explore::run_request q;
        q.variants = preset_specs();
        q.scenarios = {*big.value};
        q.files = {""};
        q.bounds.strategy = explore::strategy::pct;
        q.bounds.runs = 10000;
        benchmark::RegisterBenchmark("four_actors_10gib/pct_10000_runs_per_preset",
                                     [q](benchmark::State& st) { explore_many(st, q); })
            ->Arg(2)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->Iterations(1);
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
