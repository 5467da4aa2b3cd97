// The table of observables: everything a run shows that two variants can
// disagree on, one entry each. An entry gives the observable's name, how two
// outcomes compare on it (same), how it reads as a list of items (diff, the
// text of an outcome, the oracle's rows) and, when a report format shows it,
// its JSON fields, CSV column and part of the one-line summary. Outcomes
// compare, list and diff by this table; the trace and the cost counters are
// not in it (two variants that reach the same end by different steps are
// equivalent).
//
// Adding an observable: a field in struct outcome (records.hpp), set by the
// kernel model, and one entry here, appended to observable_table. The reports
// pick it up; its JSON fields follow the ones the report has always had.
#ifndef DAXFAIL_OUTCOME_OBSERVABLES_HPP
#define DAXFAIL_OUTCOME_OBSERVABLES_HPP

#include <daxfail/detail/hex.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/outcome/records.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace daxfail {

/// "none", or the phrase xfs_do_force_shutdown logged and the flags.
inline std::string shutdown_summary(u32 flags, const std::string& reason) {
    if (flags == 0) return "none";
    return reason + " (" + detail::hex(flags) + ")";
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

namespace detail {
template <class Range, class F>
std::vector<std::string> render_each(const Range& v, F&& f) {
    std::vector<std::string> out;
    if constexpr (requires { v.size(); }) out.reserve(v.size());
    for (const auto& x : v) out.push_back(f(x));
    return out;
}
/// The usual entry: one member of outcome, compared with ==, each element an item by its to_string.
template <auto Member>
struct member_observable {
    static bool same(const outcome& a, const outcome& b) { return a.*Member == b.*Member; }
    static std::vector<std::string> items(const outcome& o) {
        return render_each(o.*Member, [](const auto& x) { return to_string(x); });
    }
};
/// A member whose reports show a page count: its JSON summary field (Entry::json_field) and CSV column.
template <class Entry, auto Member, auto Count>
struct counted_observable : member_observable<Member> {
    template <class J>
    static void json(const outcome& o, J& summary, J&) {
        summary[std::string(Entry::json_field)] = (o.*Count)();
    }
    static std::string csv(const outcome& o) { return std::to_string((o.*Count)()); }
};
inline std::string errno_name(int rc) { return err::name(rc); }
}  // namespace detail

/// The entries, one per observable. JSON writers take the result's summary fields (before the invariants) and
/// its details (after them).
namespace observable_entries {

struct terminated {
    static constexpr std::string_view name = "terminated";
    static bool same(const outcome& a, const outcome& b) { return a.end == b.end && a.end_detail == b.end_detail; }
    static std::string end_text(const outcome& o) {
        return end_state_name(o.end) + (o.end_detail.empty() ? "" : ": " + o.end_detail);
    }
    static std::vector<std::string> items(const outcome& o) { return {o.terminated() ? "yes" : end_text(o)}; }
    template <class J>
    static void json(const outcome& o, J& summary, J& details) {
        summary["terminated"] = o.terminated();
        details["end_state"] = end_text(o);
    }
    static constexpr std::string_view csv_column = "terminated";
    static std::string csv(const outcome& o) { return o.terminated() ? "true" : "false"; }
};

struct entry_returns : detail::member_observable<&outcome::entry_returns> {
    static constexpr std::string_view name = "entry_returns";
    static std::vector<std::string> items(const outcome& o) { return detail::render_each(o.entry_returns, detail::errno_name); }
    template <class J>
    static void json(const outcome& o, J&, J& details) { details["entry_returns"] = o.entry_returns; }
};

struct notify_returns : detail::member_observable<&outcome::notify_returns> {
    static constexpr std::string_view name = "notify_returns";
    static std::vector<std::string> items(const outcome& o) { return detail::render_each(o.notify_returns, detail::errno_name); }
    template <class J>
    static void json(const outcome& o, J&, J& details) { details["notify_returns"] = o.notify_returns; }
};

struct signals : detail::member_observable<&outcome::signals> {
    static constexpr std::string_view name = "signals";
    template <class J>
    static void json(const outcome& o, J& summary, J&) {
        J list = J::array();
        for (const auto& s : o.signals)
            list.push_back({{"pid", s.pid}, {"signo", s.signo}, {"si_code", si_code::name(s.si_code)}, {"address", s.addr},
                            {"addr_lsb", s.addr_lsb}, {"comm", s.comm}, {"pages", s.pages}});
        summary["signals"] = std::move(list);
        summary["signal_count"] = o.signal_count();
    }
    static constexpr std::string_view csv_column = "signals";
    static std::string csv(const outcome& o) { return std::to_string(o.signal_count()); }
    static std::string one_line(const outcome& o) { return std::to_string(o.signal_count()) + " signals"; }
};

struct unmapped : detail::counted_observable<unmapped, &outcome::unmapped, &outcome::unmapped_pages> {
    static constexpr std::string_view name = "unmapped", json_field = "unmapped", csv_column = json_field;
};

struct poisoned : detail::counted_observable<poisoned, &outcome::poisoned, &outcome::poisoned_pages> {
    static constexpr std::string_view name = "poisoned", json_field = "poisoned_pages", csv_column = json_field;
    static std::string one_line(const outcome& o) { return std::to_string(o.poisoned_pages()) + " poisoned"; }
};

struct cache_entries_left
    : detail::counted_observable<cache_entries_left, &outcome::cache_entries_left, &outcome::cache_pages_left> {
    static constexpr std::string_view name = "cache_entries_left", json_field = name, csv_column = name;
};

struct live_mappings : detail::member_observable<&outcome::live_mappings> {
    static constexpr std::string_view name = "live_mappings";
    template <class J>
    static void json(const outcome& o, J&, J& details) { details["live_mappings"] = o.live_pages(); }
    static std::string one_line(const outcome& o) { return std::to_string(o.live_pages()) + " live"; }
};

struct shutdown {
    static constexpr std::string_view name = "shutdown";
    static bool same(const outcome& a, const outcome& b) {
        return a.shutdown_flags == b.shutdown_flags && a.shutdown_reason == b.shutdown_reason;
    }
    static std::vector<std::string> items(const outcome& o) { return {shutdown_summary(o.shutdown_flags, o.shutdown_reason)}; }
    template <class J>
    static void json(const outcome& o, J& summary, J& details) {
        summary["shutdown"] = shutdown_name(o.shutdown_flags);
        details["shutdown_reason"] = o.shutdown_reason;
    }
    static constexpr std::string_view csv_column = "shutdown";
    static std::string csv(const outcome& o) { return shutdown_name(o.shutdown_flags); }
    static std::string one_line(const outcome& o) { return "shutdown " + shutdown_name(o.shutdown_flags); }
};

struct freeze_holders_after : detail::member_observable<&outcome::freeze_holders_after> {
    static constexpr std::string_view name = "freeze_holders_after";
    template <class J>
    static void json(const outcome& o, J& summary, J&) {
        J list = J::array();
        for (const auto& h : o.freeze_holders_after) list.push_back(holder_name(h.holder));
        summary["freeze_holders_after"] = std::move(list);
    }
    static constexpr std::string_view csv_column = "freeze_holders_after";
    static std::string csv(const outcome& o) {
        std::string holders;
        for (const auto& h : o.freeze_holders_after) holders += (holders.empty() ? "" : "+") + holder_name(h.holder);
        return holders;
    }
    static std::string one_line(const outcome& o) {  // nothing when nobody holds a freeze
        std::string line;
        for (const auto& h : o.freeze_holders_after) line += " " + holder_name(h.holder);
        return line.empty() ? line : "frozen by" + line;
    }
};

struct foreign_thaws : detail::member_observable<&outcome::foreign_thaws> {
    static constexpr std::string_view name = "foreign_thaws";
};

struct device_alive : detail::member_observable<&outcome::device_alive> {
    static constexpr std::string_view name = "device_alive";
    static std::vector<std::string> items(const outcome& o) { return {o.device_alive ? "yes" : "no"}; }
};

struct log : detail::member_observable<&outcome::log> {
    static constexpr std::string_view name = "log";
    template <class J>
    static void json(const outcome& o, J&, J& details) {
        J list = J::array();
        for (const auto& l : o.log) list.push_back(to_string(l));
        details["log"] = std::move(list);
        details["log_lines"] = o.log_lines();
    }
};

}  // namespace observable_entries

/// Every observable, in the order outcomes list, diff and print them.
using observable_table =
    std::tuple<observable_entries::terminated, observable_entries::entry_returns, observable_entries::notify_returns,
               observable_entries::signals, observable_entries::unmapped, observable_entries::poisoned,
               observable_entries::cache_entries_left, observable_entries::live_mappings, observable_entries::shutdown,
               observable_entries::freeze_holders_after, observable_entries::foreign_thaws,
               observable_entries::device_alive, observable_entries::log>;

/// Calls f(entry) for every entry of the table, in order.
template <class F>
constexpr void for_each_observable(F&& f) {
    std::apply([&](auto... entry) { (f(entry), ...); }, observable_table{});
}

/// Every observable's name, in table order.
inline constexpr auto all_observable_names = std::apply(
    [](auto... entry) { return std::array<std::string_view, sizeof...(entry)>{entry.name...}; }, observable_table{});

/// Outcomes are equal when every observable is.
inline bool operator==(const outcome& a, const outcome& b) {
    bool same = true;
    for_each_observable([&](auto entry) { same = same && entry.same(a, b); });
    return same;
}

/// One named observable rendered as a list of items.
struct observable {
    std::string name;
    std::vector<std::string> items;
};

/// The observables of an outcome in table order, for reports and diffs.
inline std::vector<observable> observables(const outcome& o) {
    std::vector<observable> obs;
    obs.reserve(std::tuple_size_v<observable_table>);
    for_each_observable([&](auto entry) { obs.push_back({std::string(entry.name), entry.items(o)}); });
    return obs;
}

}  // namespace daxfail

#endif
