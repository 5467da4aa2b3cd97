// Exploration benchmarks (Google Benchmark, wall-clock time: the actors run on
// threads that take turns): schedules and distinct states per
// second on the catalog's concurrent scenarios, and the time each finding of
// issue 12 takes to be found. Run a Release build:
//     build/bench/tests/bench/daxfail_bench_explore
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant_names.hpp>

#include <benchmark/benchmark.h>

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
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
