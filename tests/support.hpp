// Helpers shared by the test files.
#ifndef DAXFAIL_TESTS_SUPPORT_HPP
#define DAXFAIL_TESTS_SUPPORT_HPP

#include <daxfail/daxfail.hpp>

#include <doctest/doctest.h>

#include <daxfail/doctest.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace daxfail::test {

/// A kernel context over `w` for unit tests of single kernel functions.
struct harness {
    world w;
    config cfg;
    event ev;
    outcome out;
    detail::kernel_context ctx;
    harness(world w_, const config& c, event e = event::unbind(0, 900))
        : w(std::move(w_)), cfg(c), ev(e), ctx{w, cfg, out, ev, 100000, 0, detail::build_extent_index(w)} {}
};

inline bool logged(const outcome& o, const std::string& needle) {
    return std::any_of(o.log.begin(), o.log.end(), [&](const log_line& l) { return l.text.find(needle) != std::string::npos; });
}

inline std::size_t signals_to(const outcome& o, u32 tid) {
    return static_cast<std::size_t>(
        std::count_if(o.signals.begin(), o.signals.end(), [&](const signal_record& s) { return s.pid == tid; }));
}

inline std::size_t live_of(const outcome& o, u32 pid) {
    return static_cast<std::size_t>(
        std::count_if(o.live_mappings.begin(), o.live_mappings.end(), [&](const pte_record& p) { return p.pid == pid; }));
}

inline std::size_t entries_left(const outcome& o, u64 ino) {
    return static_cast<std::size_t>(std::count_if(o.cache_entries_left.begin(), o.cache_entries_left.end(),
                                                  [&](const cache_entry_record& c) { return c.ino == ino; }));
}

inline std::vector<freeze_holder> holders(const outcome& o) {
    std::vector<freeze_holder> h;
    for (const auto& x : o.freeze_holders_after) h.push_back(x.holder);
    return h;
}

inline bool traced(const outcome& o, const std::string& fn, const std::string& detail_part = {}) {
    return std::any_of(o.trace.begin(), o.trace.end(), [&](const trace_step& t) {
        return t.function == fn && t.detail.find(detail_part) != std::string::npos;
    });
}

}  // namespace daxfail::test

namespace daxfail::test {

/// The outcome of every preset on one scenario, by preset name.
struct preset_outcomes {
    outcome pre_patch, v12, v12_reviewed, merged, v6_14, debian_6_1, debian_6_12;
};

inline preset_outcomes run_presets(const scenario& s, run_options o = {}) {
    return {run<presets::pre_patch>(s.world, s.event, o),    run<presets::v12>(s.world, s.event, o),
            run<presets::v12_reviewed>(s.world, s.event, o), run<presets::merged>(s.world, s.event, o),
            run<presets::v6_14>(s.world, s.event, o),        run<presets::debian_6_1>(s.world, s.event, o),
            run<presets::debian_6_12>(s.world, s.event, o)};
}

}  // namespace daxfail::test

#endif
