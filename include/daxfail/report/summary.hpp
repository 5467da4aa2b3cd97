// Short renderings of one outcome shared by the report formats.
#ifndef DAXFAIL_REPORT_SUMMARY_HPP
#define DAXFAIL_REPORT_SUMMARY_HPP

#include <daxfail/compare.hpp>

#include <optional>
#include <string>
#include <vector>

namespace daxfail::report {

/// The return code of a run: dax_holder_notify_failure's for an unbind, else the first non-zero
/// memory_failure() result (0 if all succeeded); nullopt when the path never returned one.
inline std::optional<int> return_code(const scenario& s, const outcome& o) {
    if (s.event.kind == event_kind::unbind) {
        if (o.notify_returns.empty()) return o.terminated() ? std::optional<int>(0) : std::nullopt;
        return o.notify_returns.back();
    }
    if (o.entry_returns.empty()) return std::nullopt;
    for (int rc : o.entry_returns)
        if (rc != 0) return rc;
    return 0;
}

using daxfail::shutdown_name;  // the reports' name for it, kept where report code found it

/// "rc -EBUSY, 20 signals, 0 poisoned, 0 live, force_umount, frozen by kernel" in one line.
inline std::string one_line(const scenario& s, const outcome& o) {
    if (!o.terminated()) return end_state_name(o.end);
    const auto rc = return_code(s, o);
    std::string line = "rc " + (rc ? err::name(*rc) : std::string("-"));
    for_each_observable([&](auto entry) {
        if constexpr (requires { entry.one_line(o); })
            if (auto part = entry.one_line(o); !part.empty()) line += ", " + part;
    });
    return line;
}

/// Scenario indices to report: all, or only those where the variants do not all agree.
inline std::vector<std::size_t> reported_scenarios(const comparison& c, bool only_differences) {
    std::vector<std::size_t> out;
    for (std::size_t s = 0; s < c.scenarios.size(); ++s)
        if (!only_differences || c.classes[s].classes.size() > 1) out.push_back(s);
    return out;
}

}  // namespace daxfail::report

#endif
