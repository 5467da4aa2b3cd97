// Loading scenario files at real-machine sizes (Google Benchmark; run a Release build):
//     build/bench/tests/bench/daxfail_bench_load
// The file is the world the scale benchmark runs in C++ (test::many: 1 TiB, 10^6 extents in 10^5 files,
// 10^4 tasks with 10^5 mappings), written once by scenario_to_text into the temporary directory. Memory is
// measured from each process's starting RSS: the world built in C++ (what the model holds) and
// the peak of loading the file (the text, the parse and the world), each in a fresh process of this program.
// After the runs it prints both and the ratio
// next to the targets (2 s, 2x the model's memory).
#include "../worlds.hpp"

#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/json/scenario_writer.hpp>

#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace daxfail;

namespace {

constexpr u64 extents = 1'000'000, vmas = 100'000;
constexpr u32 tasks = 10'000;

/// Resident set size now, MiB (/proc/self/statm's second field, in pages).
double rss_mib() {
    std::ifstream statm("/proc/self/statm");
    unsigned long size = 0, resident = 0;
    statm >> size >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double peak_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

/// One inode of 10^6 one-block extents (5 million JSON values in one streamed element), as a file.
const std::string& one_inode_file() {
    static const std::string path = [] {
        const auto p = std::filesystem::temp_directory_path() / "daxfail_bench_load_one_inode.json";
        std::ofstream out(p);
        out << R"({"devices": [{"size": "16GiB"}], "filesystem": {"data": {"ag_count": 4, "ag_blocks": 1048576}},)"
            << R"( "inodes": [{"ino": 133, "extents": [)";
        for (u64 k = 0; k < extents; ++k)
            out << (k ? "," : "") << R"({"group":)" << 1 + k / 1'000'000 << R"(,"agbno":)" << 1000 + k % 1'000'000
                << R"(,"blocks":1,"file_block":)" << k << "}";
        out << R"(]}], "tasks": [{"pid": 900, "comm": "sh"}], "event": {"kind": "unbind", "current": 900}})";
        return p.string();
    }();
    return path;
}

const std::string& big_file() {
    static const std::string path = [] {
        const auto p = std::filesystem::temp_directory_path() / "daxfail_bench_load_1e6_extents.json";
        std::ofstream(p) << json::scenario_to_text(test::many(extents, tasks, vmas, u64{1} << 40));
        return p.string();
    }();
    return path;
}

/// MiB a fresh process of this program adds for `what` ("model": the world built in C++, resident at the end;
/// "load", "one_inode": the peak of loading that file), each from the RSS it started with.
double measured_mib(const std::string& what) {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const std::string command = self + " --measure " + what + " " + (what == "one_inode" ? one_inode_file() : big_file());
    FILE* p = popen(command.c_str(), "r");
    if (!p) return -1;
    double mib = -1;
    if (std::fscanf(p, "%lf", &mib) != 1) mib = -1;
    pclose(p);
    return mib;
}

int measure(const std::string& what, const std::string& path) {
    const double start = rss_mib();
    if (what == "model") {
        const auto s = test::many(extents, tasks, vmas, u64{1} << 40);
        std::printf("%f\n", rss_mib() - start);
        return s.world.inodes.empty();
    }
    const auto r = json::load_scenario_file(path);
    std::printf("%f\n", peak_mib() - start);
    return !r.ok();
}

double model_mib = 0, load_mib = 0, one_inode_mib = 0;

/// Times loading `path`; false (and the benchmark skipped with the first error) when it does not load.
bool time_loads(benchmark::State& state, const std::string& path) {
    state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    for (auto _ : state) {
        auto r = json::load_scenario_file(path);
        if (!r.ok()) {
            state.SkipWithError(r.errors.front().to_string().c_str());
            return false;
        }
        benchmark::DoNotOptimize(r);
    }
    return true;
}

/// The largest single element the limits admit: one inode at its extent limit, read while it is parsed.
void load_one_inode_of_1e6_extents(benchmark::State& state) {
    if (!time_loads(state, one_inode_file())) return;
    one_inode_mib = measured_mib("one_inode");
    state.counters["load_peak_MiB"] = one_inode_mib;
}
BENCHMARK(load_one_inode_of_1e6_extents)->Unit(benchmark::kMillisecond)->Iterations(2);

void load_1e6_extents(benchmark::State& state) {
    if (!time_loads(state, big_file())) return;
    model_mib = measured_mib("model");
    load_mib = measured_mib("load");
    state.counters["model_MiB"] = model_mib;
    state.counters["load_peak_MiB"] = load_mib;
}
BENCHMARK(load_1e6_extents)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--measure") return measure(argv[2], argv[3]);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (one_inode_mib > 0) std::printf("\none inode of 10^6 extents: load peak %.0f MiB\n", one_inode_mib);
    if (model_mib > 0)
        std::printf("\nload peak %.0f MiB = %.2fx the world built in C++ (%.0f MiB); target: at most 2x\n", load_mib,
                    load_mib / model_mib, model_mib);
    return 0;
}
