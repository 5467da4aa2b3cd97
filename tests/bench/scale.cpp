// Scale benchmarks (Google Benchmark): the model's cost at real machine sizes.
// Run a Release build: build/bench/tests/bench/daxfail_bench_scale
// After the runs it prints each figure next to its target. Peak memory is the
// process's (getrusage), so measure it one benchmark at a time:
//     daxfail_bench_scale --benchmark_filter=unbind_1TiB_device
#include "../worlds.hpp"

#include <daxfail/compare.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/run.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

using namespace daxfail;

namespace {

double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

void report(benchmark::State& state, const outcome& o) {
    state.counters["signals"] = static_cast<double>(o.signal_count());
    state.counters["steps"] = static_cast<double>(o.cost.steps);
    state.counters["peak_rss_MiB"] = peak_rss_mib();
    if (!o.terminated()) state.SkipWithError("the run did not return");
}

/// Times the unbind of `s` under merged (the world is built outside the timed loop).
void time_merged(benchmark::State& state, const scenario& s) {
    outcome o;
    for (auto _ : state) {
        o = run<presets::merged>(s.world, s.event);
        benchmark::DoNotOptimize(o);
    }
    report(state, o);
}

/// Whole-device unbind of a 1 TiB device with 10^6 extents, 10^4 tasks and 10^5 mappings, merged.
void unbind_1TiB_device(benchmark::State& state) {
    static const auto s = test::many(1'000'000, 10'000, 100'000, u64{1} << 40);
    time_merged(state, s);
}

/// One 1 TiB file mapped whole by one task, unbind under merged.
void one_1TiB_file(benchmark::State& state) {
    static const auto s = test::one_file(u64{1} << 28);
    time_merged(state, s);
}

/// Cost against contents: extents and mappings grow together (tasks = extents / 100, VMAs = extents / 10).
void contents(benchmark::State& state) {
    const u64 extents = static_cast<u64>(state.range(0));
    const auto s = test::many(extents, static_cast<u32>(extents / 100), extents / 10, u64{1} << 40);
    time_merged(state, s);
    state.counters["ns_per_extent_and_vma"] =
        benchmark::Counter(static_cast<double>(extents + extents / 10), benchmark::Counter::kIsIterationInvariantRate |
                                                                            benchmark::Counter::kInvert);
}

/// The same contents (10^5 extents) on devices from 64 GiB to 64 TiB.
void device_size(benchmark::State& state) {
    const u64 bytes = u64{1} << state.range(0);
    const auto s = test::many(100'000, 1'000, 10'000, bytes);
    time_merged(state, s);
}

/// `daxfail compare --variants all` over the catalog, in process: 216 variants x 27 scenarios.
void compare_all_catalog(benchmark::State& state) {
    const auto variants = all_combination_specs();
    const auto catalog = scenarios::catalog();
    for (auto _ : state) {
        auto c = compare(variants, catalog);
        benchmark::DoNotOptimize(c);
    }
    state.counters["runs"] = static_cast<double>(variants.size() * catalog.size());
    state.counters["peak_rss_MiB"] = peak_rss_mib();
}

BENCHMARK(unbind_1TiB_device)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(one_1TiB_file)->Unit(benchmark::kMillisecond);
BENCHMARK(contents)->Unit(benchmark::kMillisecond)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Iterations(3);
BENCHMARK(device_size)->Unit(benchmark::kMillisecond)->Arg(36)->Arg(40)->Arg(46)->Iterations(5);
BENCHMARK(compare_all_catalog)->Unit(benchmark::kMillisecond)->Iterations(3);

/// Keeps each run's time and counters for the target table.
class collecting_reporter : public benchmark::ConsoleReporter {
public:
    std::map<std::string, Run> runs;
    void ReportRuns(const std::vector<Run>& rs) override {
        for (const auto& r : rs) runs[r.benchmark_name()] = r;
        ConsoleReporter::ReportRuns(rs);
    }
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    collecting_reporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    benchmark::Shutdown();

    auto ms = [&](const std::string& name) -> double {
        auto it = rep.runs.find(name);
        if (it == rep.runs.end()) return -1;
        return it->second.GetAdjustedRealTime();  // in the benchmark's unit (ms)
    };
    auto counter = [&](const std::string& name, const char* c) -> double {
        auto it = rep.runs.find(name);
        if (it == rep.runs.end() || !it->second.counters.count(c)) return -1;
        return it->second.counters.at(c).value;
    };
    std::printf("\n%-58s %14s %12s %s\n", "figure", "measured", "target", "verdict");
    auto row = [](const char* figure, double value, const char* unit, double target, bool lower_is_better = true) {
        if (value < 0) {
            std::printf("%-58s %14s %12s %s\n", figure, "not run", "", "");
            return;
        }
        const bool pass = lower_is_better ? value <= target : value >= target;
        std::printf("%-58s %11.2f %-2s %9.2f %-2s %s\n", figure, value, unit, target, unit, pass ? "pass" : "FAIL");
    };
    row("unbind, 1 TiB device, 10^6 extents, 10^4 tasks, 10^5 VMAs", ms("unbind_1TiB_device/iterations:3"), "ms", 1000);
    row("  peak memory of that process", counter("unbind_1TiB_device/iterations:3", "peak_rss_MiB"), "Mi", 1024);
    row("unbind, one 1 TiB file mapped whole by one task", ms("one_1TiB_file"), "ms", 10);
    const double c4 = ms("contents/10000/iterations:3"), c6 = ms("contents/1000000/iterations:3");
    if (c4 > 0 && c6 > 0)
        row("contents x100 (10^4 -> 10^6 extents): time ratio", c6 / c4, "x", 150);  // near-linear: ~100
    const double d36 = ms("device_size/36/iterations:5"), d46 = ms("device_size/46/iterations:5");
    if (d36 > 0 && d46 > 0) row("device 64 GiB -> 64 TiB, same contents: time ratio", d46 / d36, "x", 1.5);
    row("compare --variants all over the catalog (in process)", ms("compare_all_catalog/iterations:3"), "ms", 2000);
    return 0;
}
