// What one run records: the runs of signals, unmapped and live mappings,
// cache entries, freezes and log lines, how the run ended, the step trace and
// its cost. Per-page detail is kept as runs, so an outcome grows with runs,
// not pages, and counts stay exact at any size. How outcomes compare, print
// and diff is the table of observables (outcome/observables.hpp).
#ifndef DAXFAIL_OUTCOME_RECORDS_HPP
#define DAXFAIL_OUTCOME_RECORDS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/hex.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/outcome/log.hpp>
#include <daxfail/run_map.hpp>
#include <daxfail/world.hpp>

#include <string>
#include <vector>

namespace daxfail {

/// A run of signals the kernel sent to one thread (kill_proc / force_sig_mceerr /
/// send_sig_mceerr): `pages` signals at addr, addr + 2^addr_lsb, ...
struct signal_record {
    u32 pid = 0;                ///< the thread it was sent to (PIDTYPE_PID)
    std::string comm;
    int signo = sigbus;
    int si_code = 0;
    u64 addr = 0;               ///< si_addr of the first signal
    int addr_lsb = 0;           ///< si_addr_lsb
    u64 pages = 1;              ///< signals in the run
    u64 last_addr() const noexcept { return addr + ((pages - 1) << addr_lsb); }
    friend bool operator==(const signal_record&, const signal_record&) = default;
};

/// A run of a task's mapping of a file: zapped by the run, or still live after it.
struct pte_record {
    u32 pid = 0;
    u64 ino = 0;
    u64 pgoff = 0;              ///< first file page
    u64 vaddr = 0;              ///< its address
    u64 pages = 1;
    int shift = int(page_shift);  ///< 12: PTEs, 21: PMDs
    friend auto operator<=>(const pte_record&, const pte_record&) = default;
};

/// A run of cached address_space entries.
struct cache_entry_record {
    u64 ino = 0;
    u64 index = 0;
    u64 pages = 1;
    bool dirty = false;
    bool pmd = false;
    friend auto operator<=>(const cache_entry_record&, const cache_entry_record&) = default;
};

/// A freeze reference released by someone other than the freezer that took it.
struct freeze_release {
    std::string owner;   ///< who had taken the freeze
    std::string by;      ///< whose thaw_super released it
    friend bool operator==(const freeze_release&, const freeze_release&) = default;
};

/// One modelled kernel step, in execution order.
struct trace_step {
    std::string function;
    std::string detail;
    friend bool operator==(const trace_step&, const trace_step&) = default;
};

/// How the run ended.
enum class end_state {
    returned,       ///< the entry point returned
    no_progress,    ///< loops forever: the state that decides the loop can no longer change (v12's freeze loop)
    blocked,        ///< waits for something nothing in the world will do
    oops,           ///< the kernel would crash (e.g. NULL perag)
    spinning,       ///< still running after run_options::walk_patience: a walk too long to wait for (7.2's 2^32 pages)
    limit_reached,  ///< stopped by the user's run_options limit: no verdict about the kernel
};

inline std::string end_state_name(end_state e) {
    switch (e) {
        case end_state::returned: return "returned";
        case end_state::no_progress: return "did not terminate";
        case end_state::blocked: return "blocked forever";
        case end_state::oops: return "oops";
        case end_state::spinning: return "spins";
        case end_state::limit_reached: return "limit reached";
    }
    return "?";
}

/// Work done, for cost comparisons; not an observable.
struct cost_counters {
    u64 steps = 0;                  ///< modelled kernel steps
    u64 rmap_records_examined = 0;  ///< by the rmap source
    u64 indices_walked = 0;         ///< mf_dax_kill_procs loop iterations the kernel would make
    u64 page_task_visits = 0;       ///< (page, task) pairs the collector looked at
    u64 trace_dropped = 0;          ///< steps not kept in the trace (run_options::trace_limit)
};

struct outcome {
    std::vector<int> entry_returns;     ///< per entry call: unbind write / memory_failure()
    std::vector<int> notify_returns;    ///< per dax_holder_notify_failure() call
    std::vector<signal_record> signals; ///< runs, in the order of their first signal
    std::vector<pte_record> unmapped;   ///< runs zapped by this run, in the order of their first page
    page_set poisoned;                  ///< pfns newly marked HWPoison
    std::vector<cache_entry_record> cache_entries_left;  ///< sorted runs
    std::vector<pte_record> live_mappings;  ///< runs still present afterwards, sorted
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

private:
    template <class T>
    static u64 total(const std::vector<T>& runs, u64 T::*count) noexcept {
        u64 n = 0;
        for (const auto& r : runs) n += r.*count;
        return n;
    }

public:
    u64 signal_count() const noexcept { return total(signals, &signal_record::pages); }
    u64 unmapped_pages() const noexcept { return total(unmapped, &pte_record::pages); }
    u64 live_pages() const noexcept { return total(live_mappings, &pte_record::pages); }
    u64 poisoned_pages() const noexcept { return poisoned.pages(); }
    u64 cache_pages_left() const noexcept { return total(cache_entries_left, &cache_entry_record::pages); }
    u64 log_lines() const noexcept { return total(log, &log_line::count); }
};

inline std::string to_string(const signal_record& s) {
    std::string r = "SIGBUS " + si_code::name(s.si_code) + " to " + s.comm + ":" + std::to_string(s.pid) + " addr " +
                    detail::hex(s.addr);
    if (s.pages > 1) r += ".." + detail::hex(s.last_addr()) + " (" + std::to_string(s.pages) + " signals)";
    return r + " lsb " + std::to_string(s.addr_lsb);
}
inline std::string to_string(const pte_record& p) {
    std::string r = "pid " + std::to_string(p.pid) + " ino " + std::to_string(p.ino) + " pgoff " + std::to_string(p.pgoff);
    if (p.pages > 1) r += ".." + std::to_string(p.pgoff + p.pages - 1);
    r += " at " + detail::hex(p.vaddr);
    if (p.shift == pmd_shift) r += " (PMD)";
    return r;
}
inline std::string to_string(const cache_entry_record& c) {
    std::string r = "ino " + std::to_string(c.ino) + " index " + std::to_string(c.index);
    if (c.pages > 1) r += ".." + std::to_string(c.index + c.pages - 1);
    return r + (c.dirty ? " dirty" : " clean") + (c.pmd ? " (PMD)" : "");
}
inline std::string to_string(const freeze_hold& h) { return holder_name(h.holder) + " (" + h.owner + ")"; }
inline std::string to_string(const freeze_release& r) { return r.owner + "'s freeze, released by " + r.by; }
inline std::string to_string(const page_run<present_t>& r) {
    return r.first == r.last ? detail::hex(r.first) : detail::hex(r.first) + ".." + detail::hex(r.last);
}

}  // namespace daxfail

#endif
