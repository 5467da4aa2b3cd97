// Fuzz target: scenario text -> daxfail::json::scenario_from_text (parse, read,
// validate) -> one run of presets::merged on whatever loads.
//
// The loader must report every problem as errors and never throw, so nothing
// here catches: an escaping exception is a crash libFuzzer keeps. A scenario
// that loads must validate (validation is part of loading) and must run; the
// run is bounded by run_options so one input cannot take seconds.
#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/run.hpp>
#include <daxfail/validate.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_scenario_loader: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const daxfail::json::load_result loaded = daxfail::json::scenario_from_text(text);
    if (!loaded.ok()) {
        if (loaded.errors.empty()) fail("a scenario that does not load has no error");
        return 0;
    }
    if (!loaded.errors.empty()) fail("a scenario that loads has errors");
    const daxfail::scenario& sc = *loaded.value;
    if (!daxfail::validate(sc.world, sc.event).empty()) fail("a loaded scenario does not validate");

    daxfail::run_options opts;
    opts.max_steps = 20000;   // a catalog scenario takes at most a few hundred steps
    opts.max_seconds = 0.25;  // backstop for work between steps
    opts.trace_limit = 64;
    const daxfail::outcome out = daxfail::run<daxfail::presets::merged>(sc.world, sc.event, opts);
    if (out.cost.steps > opts.max_steps + 1) fail("run_options::max_steps was not honoured");
    return 0;
}
