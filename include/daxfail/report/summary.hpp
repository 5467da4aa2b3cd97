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

/// none, corrupt_ondisk, force_umount, device_removed, ... by the first shutdown's flag.
inline std::string shutdown_name(u32 flags) {
    if (flags == 0) return "none";
    if (flags & shutdown_flag::corrupt_ondisk) return "corrupt_ondisk";
    if (flags & shutdown_flag::force_umount) return "force_umount";
    if (flags & shutdown_flag::device_removed) return "device_removed";
    if (flags & shutdown_flag::log_io_error) return "log_io_error";
    if (flags & shutdown_flag::corrupt_incore) return "corrupt_incore";
    return "meta_io_error";
}

/// "rc -EBUSY, 20 signals, 0 poisoned, 0 live, force_umount, frozen by kernel" in one line.
inline std::string one_line(const scenario& s, const outcome& o) {
    if (!o.terminated()) return end_state_name(o.end);
    const auto rc = return_code(s, o);
    std::string line = "rc " + (rc ? err::name(*rc) : std::string("-")) + ", " + std::to_string(o.signal_count()) +
                       " signals, " + std::to_string(o.poisoned.pages()) + " poisoned, " +
                       std::to_string(o.live_pages()) + " live, shutdown " + shutdown_name(o.shutdown_flags);
    if (!o.freeze_holders_after.empty()) {
        line += ", frozen by";
        for (const auto& h : o.freeze_holders_after) line += " " + holder_name(h.holder);
    }
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
