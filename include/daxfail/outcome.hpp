// Everything observable about one run, recorded as the model executes, plus
// the step trace. Outcomes compare by their observables (the trace and the
// cost counters are excluded: two variants that reach the same end by
// different steps are equivalent) and diff into named observables.
#ifndef DAXFAIL_OUTCOME_HPP
#define DAXFAIL_OUTCOME_HPP

#include <daxfail/constants.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace daxfail {

/// A signal the kernel sent (kill_proc / force_sig_mceerr / send_sig_mceerr).
struct signal_record {
    u32 pid = 0;                ///< the thread it was sent to (PIDTYPE_PID)
    std::string comm;
    int signo = sigbus;
    int si_code = 0;
    u64 addr = 0;               ///< si_addr
    int addr_lsb = 0;           ///< si_addr_lsb
    friend bool operator==(const signal_record&, const signal_record&) = default;
};

/// A page of a task's mapping: zapped by the run, or still live after it.
struct pte_record {
    u32 pid = 0;
    u64 ino = 0;
    u64 pgoff = 0;
    u64 vaddr = 0;
    friend auto operator<=>(const pte_record&, const pte_record&) = default;
};

struct cache_entry_record {
    u64 ino = 0;
    u64 index = 0;
    bool dirty = false;
    friend auto operator<=>(const cache_entry_record&, const cache_entry_record&) = default;
};

/// A freeze reference released by someone other than the freezer that took it.
struct freeze_release {
    std::string owner;   ///< who had taken the freeze
    std::string by;      ///< whose thaw_super released it
    friend bool operator==(const freeze_release&, const freeze_release&) = default;
};

struct log_line {
    log_level level = log_level::info;
    std::string text;
    friend bool operator==(const log_line&, const log_line&) = default;
};

/// One modelled kernel step, in execution order.
struct trace_step {
    std::string function;
    std::string detail;
    friend bool operator==(const trace_step&, const trace_step&) = default;
};

/// How the run ended.
enum class end_state {
    returned,               ///< the entry point returned
    step_budget_exhausted,  ///< still looping when the budget ran out (e.g. v12's freeze loop)
    blocked,                ///< waits for something nothing in the world will do
    oops,                   ///< the kernel would crash (e.g. NULL perag)
};

inline std::string end_state_name(end_state e) {
    switch (e) {
        case end_state::returned: return "returned";
        case end_state::step_budget_exhausted: return "did not terminate (step budget exhausted)";
        case end_state::blocked: return "blocked forever";
        case end_state::oops: return "oops";
    }
    return "?";
}

/// Work done, for cost comparisons; not an observable.
struct cost_counters {
    u64 steps = 0;                  ///< modelled kernel steps
    u64 rmap_records_examined = 0;  ///< by the rmap source
    u64 indices_walked = 0;         ///< mf_dax_kill_procs loop iterations the kernel would make
};

struct outcome {
    std::vector<int> entry_returns;     ///< per entry call: unbind write / memory_failure()
    std::vector<int> notify_returns;    ///< per dax_holder_notify_failure() call
    std::vector<signal_record> signals;
    std::vector<pte_record> unmapped;   ///< PTEs zapped by this run, in order
    std::vector<u64> poisoned;          ///< pfns newly marked HWPoison, ascending
    std::vector<cache_entry_record> cache_entries_left;
    std::vector<pte_record> live_mappings;  ///< PTEs still present afterwards, sorted
    u32 shutdown_flags = 0;             ///< 0 = not shut down
    std::string shutdown_reason;        ///< the phrase xfs_do_force_shutdown logs
    std::vector<freeze_hold> freeze_holders_after;
    std::vector<freeze_release> foreign_thaws;  ///< freezes dropped by someone else's thaw
    bool device_alive = true;           ///< DAXDEV_ALIVE of the event's device afterwards
    std::vector<log_line> log;
    end_state end = end_state::returned;
    std::string end_detail;
    std::vector<trace_step> trace;
    cost_counters cost;

    bool terminated() const noexcept { return end == end_state::returned; }

    friend bool operator==(const outcome& a, const outcome& b) {
        return a.entry_returns == b.entry_returns && a.notify_returns == b.notify_returns &&
               a.signals == b.signals && a.unmapped == b.unmapped && a.poisoned == b.poisoned &&
               a.cache_entries_left == b.cache_entries_left && a.live_mappings == b.live_mappings &&
               a.shutdown_flags == b.shutdown_flags && a.shutdown_reason == b.shutdown_reason &&
               a.freeze_holders_after == b.freeze_holders_after && a.foreign_thaws == b.foreign_thaws &&
               a.device_alive == b.device_alive &&
               a.log == b.log && a.end == b.end && a.end_detail == b.end_detail;
    }
};

namespace detail {
inline std::string hex(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
    return buf;
}
}  // namespace detail

inline std::string to_string(const signal_record& s) {
    return "SIGBUS " + si_code::name(s.si_code) + " to " + s.comm + ":" + std::to_string(s.pid) + " addr " +
           detail::hex(s.addr) + " lsb " + std::to_string(s.addr_lsb);
}
inline std::string to_string(const pte_record& p) {
    return "pid " + std::to_string(p.pid) + " ino " + std::to_string(p.ino) + " pgoff " + std::to_string(p.pgoff) +
           " at " + detail::hex(p.vaddr);
}
inline std::string to_string(const cache_entry_record& c) {
    return "ino " + std::to_string(c.ino) + " index " + std::to_string(c.index) + (c.dirty ? " dirty" : " clean");
}
inline std::string to_string(const freeze_hold& h) { return holder_name(h.holder) + " (" + h.owner + ")"; }
inline std::string to_string(const freeze_release& r) { return r.owner + "'s freeze, released by " + r.by; }
inline std::string to_string(const log_line& l) { return "<" + level_name(l.level) + "> " + l.text; }

/// One named observable rendered as a list of items.
struct observable {
    std::string name;
    std::vector<std::string> items;
};

inline std::string shutdown_summary(u32 flags, const std::string& reason) {
    if (flags == 0) return "none";
    return reason + " (" + detail::hex(flags) + ")";
}

/// The observables of an outcome in a fixed order, for reports and diffs.
inline std::vector<observable> observables(const outcome& o) {
    auto list = [](const auto& v, auto&& f) {
        std::vector<std::string> out;
        out.reserve(v.size());
        for (const auto& x : v) out.push_back(f(x));
        return out;
    };
    auto str = [](const auto& x) { return to_string(x); };
    std::vector<observable> obs;
    obs.push_back({"terminated", {o.terminated() ? "yes" : end_state_name(o.end) + (o.end_detail.empty() ? "" : ": " + o.end_detail)}});
    obs.push_back({"entry_returns", list(o.entry_returns, [](int rc) { return err::name(rc); })});
    obs.push_back({"notify_returns", list(o.notify_returns, [](int rc) { return err::name(rc); })});
    obs.push_back({"signals", list(o.signals, str)});
    obs.push_back({"unmapped", list(o.unmapped, str)});
    obs.push_back({"poisoned", list(o.poisoned, [](u64 pfn) { return detail::hex(pfn); })});
    obs.push_back({"cache_entries_left", list(o.cache_entries_left, str)});
    obs.push_back({"live_mappings", list(o.live_mappings, str)});
    obs.push_back({"shutdown", {shutdown_summary(o.shutdown_flags, o.shutdown_reason)}});
    obs.push_back({"freeze_holders_after", list(o.freeze_holders_after, str)});
    obs.push_back({"foreign_thaws", list(o.foreign_thaws, str)});
    obs.push_back({"device_alive", {o.device_alive ? "yes" : "no"}});
    obs.push_back({"log", list(o.log, str)});
    return obs;
}

/// How one observable differs between two outcomes.
struct difference {
    std::string observable;
    std::vector<std::string> only_in_a;
    std::vector<std::string> only_in_b;
};

/// The observables that differ; empty exactly when a == b.
inline std::vector<difference> diff(const outcome& a, const outcome& b) {
    auto oa = observables(a);
    auto ob = observables(b);
    std::vector<difference> out;
    for (std::size_t i = 0; i < oa.size(); ++i) {
        if (oa[i].items == ob[i].items) continue;
        difference d{oa[i].name, {}, {}};
        // Multiset difference keeps order and shows repeated items (two signals for one page).
        auto rest_b = ob[i].items;
        for (const auto& x : oa[i].items) {
            auto it = std::find(rest_b.begin(), rest_b.end(), x);
            if (it == rest_b.end()) d.only_in_a.push_back(x);
            else rest_b.erase(it);
        }
        d.only_in_b = std::move(rest_b);
        if (d.only_in_a.empty() && d.only_in_b.empty()) d.only_in_a.push_back("(same items, different order)");
        out.push_back(std::move(d));
    }
    return out;
}

/// Human-readable rendering of a diff; labels name the two sides.
inline std::string to_string(const std::vector<difference>& ds, const std::string& a = "a", const std::string& b = "b") {
    if (ds.empty()) return "no observable differs\n";
    std::string s;
    for (const auto& d : ds) {
        s += d.observable + ":\n";
        for (const auto& x : d.only_in_a) s += "  " + a + " only: " + x + "\n";
        for (const auto& x : d.only_in_b) s += "  " + b + " only: " + x + "\n";
    }
    return s;
}

/// All observables, one per line group.
inline std::string to_string(const outcome& o) {
    std::string s;
    for (const auto& ob : observables(o)) {
        s += ob.name + ":";
        if (ob.items.empty()) s += " (none)";
        if (ob.items.size() == 1) s += " " + ob.items[0];
        else
            for (const auto& x : ob.items) s += "\n  " + x;
        s += "\n";
    }
    return s;
}

inline std::string trace_to_string(const outcome& o) {
    std::string s;
    for (const auto& t : o.trace) s += t.function + (t.detail.empty() ? "" : ": " + t.detail) + "\n";
    return s;
}

}  // namespace daxfail

#endif
