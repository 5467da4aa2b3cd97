// Helpers shared by the test files.
#ifndef DAXFAIL_TESTS_SUPPORT_HPP
#define DAXFAIL_TESTS_SUPPORT_HPP

#include <daxfail/daxfail.hpp>
#include <daxfail/variant_names.hpp>

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
        : w(std::move(w_)), cfg(c), ev(e), ctx{w, cfg, out, ev, run_options{}} {}
};

inline bool logged(const outcome& o, const std::string& needle) {
    return std::any_of(o.log.begin(), o.log.end(), [&](const log_line& l) { return l.text.find(needle) != std::string::npos; });
}

inline std::size_t signals_to(const outcome& o, u32 tid) {
    std::size_t n = 0;
    for (const auto& s : o.signals)
        if (s.pid == tid) n += s.pages;
    return n;
}

inline std::size_t live_of(const outcome& o, u32 pid) {
    std::size_t n = 0;
    for (const auto& p : o.live_mappings)
        if (p.pid == pid) n += p.pages;
    return n;
}

inline std::size_t entries_left(const outcome& o, u64 ino) {
    std::size_t n = 0;
    for (const auto& c : o.cache_entries_left)
        if (c.ino == ino) n += c.pages;
    return n;
}

inline std::vector<freeze_holder> holders(const outcome& o) {
    std::vector<freeze_holder> h;
    for (const auto& x : o.freeze_holders_after) h.push_back(x.holder);
    return h;
}

/// Calls f(axis, value) for every built-in value of every axis, in report order.
template <class F>
void for_each_builtin_value(F&& f) {
    detail::for_each_axis_tag(
        [&]<class A>(A*) {
            policy_catalog{}.for_each_value(A::name, [&](std::string_view v, auto) {
                if (v.find('(') == std::string_view::npos) f(A::name, v);  // not the parametric families' examples
            });
        },
        detail::all_axes{});
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
    outcome pre_patch, v12, v12_reviewed, merged, v6_14, v6_15, v6_18, v7_2, debian_6_1, debian_6_12;
};

inline preset_outcomes run_presets(const scenario& s, run_options o = {}) {
    return {run<presets::pre_patch>(s.world, s.event, o),    run<presets::v12>(s.world, s.event, o),
            run<presets::v12_reviewed>(s.world, s.event, o), run<presets::merged>(s.world, s.event, o),
            run<presets::v6_14>(s.world, s.event, o),        run<presets::v6_15>(s.world, s.event, o),
            run<presets::v6_18>(s.world, s.event, o),        run<presets::v7_2>(s.world, s.event, o),
            run<presets::debian_6_1>(s.world, s.event, o),   run<presets::debian_6_12>(s.world, s.event, o)};
}

/// A scenario of the catalog by name.
inline scenario named(const std::string& name) {
    for (auto& s : scenarios::catalog())
        if (s.name == name) return s;
    FAIL("no catalog scenario " << name);
    return {};
}

/// Waits for every walk to end (v6.14+ walk 2^32 indices per extent outside the last group): what those
/// versions do once their walk is over.
inline run_options patient() {
    run_options o;
    o.walk_patience = 0;
    return o;
}

}  // namespace daxfail::test

#endif
