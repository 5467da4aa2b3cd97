// Processes and their threads from /proc: pid, comm, start time (for creation order), thread ids, and each
// thread's machine-check kill policy (prctl PR_MCE_KILL) from the task flags in /proc/.../stat.
#ifndef DAXFAIL_SNAPSHOT_PROC_TASKS_HPP
#define DAXFAIL_SNAPSHOT_PROC_TASKS_HPP

#include <daxfail/snapshot/root_files.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace daxfail::snapshot {

/// PR_MCE_KILL of one thread, as the scenario's `mce_kill` names it.
enum class mce_kill_policy { default_policy, early, late };

inline const char* mce_kill_name(mce_kill_policy p) {
    return p == mce_kill_policy::early ? "early" : p == mce_kill_policy::late ? "late" : "default";
}

/// Task flags (PF_*, /proc/.../stat field 9, documented in proc(5)) that hold the PR_MCE_KILL policy: set
/// by prctl(PR_MCE_KILL, PR_MCE_KILL_SET, ...), with the early bit for PR_MCE_KILL_EARLY. Values of Linux 6.1
/// and 6.12 (the oracle's snapshots check both).
inline constexpr std::uint32_t pf_mce_process = 0x00000080, pf_mce_early = 0x08000000;

inline mce_kill_policy mce_kill_from_flags(std::uint32_t flags) {
    if (!(flags & pf_mce_process)) return mce_kill_policy::default_policy;
    return (flags & pf_mce_early) ? mce_kill_policy::early : mce_kill_policy::late;
}

struct proc_thread {
    unsigned tid = 0;
    std::string comm;
    std::uint64_t start_time = 0;  ///< clock ticks after boot (/proc/.../stat field 22)
    std::uint32_t flags = 0;       ///< task flags (field 9)
    mce_kill_policy mce_kill() const noexcept { return mce_kill_from_flags(flags); }
};

struct proc_process {
    unsigned pid = 0;
    std::string comm;
    std::uint64_t start_time = 0;
    std::uint32_t flags = 0;           ///< the leader's task flags
    std::vector<proc_thread> threads;  ///< besides the leader, in creation order
    mce_kill_policy mce_kill() const noexcept { return mce_kill_from_flags(flags); }
};

namespace detail {
/// Field `wanted` (numbered from 1, >= 3) of a stat line; the comm in parentheses may contain spaces and ')'.
inline std::optional<std::uint64_t> stat_field(const std::string& stat, int wanted) {
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream in(stat.substr(close + 1));
    std::string w;
    for (int field = 3; in >> w; ++field)
        if (field == wanted) {
            try {
                return std::stoull(w);
            } catch (...) {
                return std::nullopt;
            }
        }
    return std::nullopt;
}
inline std::optional<std::uint64_t> stat_start_time(const std::string& stat) { return stat_field(stat, 22); }
inline std::uint32_t stat_flags(const std::string& stat) {
    return static_cast<std::uint32_t>(stat_field(stat, 9).value_or(0));
}
inline std::vector<unsigned> numeric_entries(const std::string& dir) {
    std::vector<unsigned> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string n = it->path().filename().string();
        if (n.empty() || n.size() > 9 || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        out.push_back(static_cast<unsigned>(std::stoul(n)));
    }
    std::sort(out.begin(), out.end());
    return out;
}
}  // namespace detail

/// Process `pid` (nullopt if it is gone).
inline std::optional<proc_process> read_process(unsigned pid, const std::string& root = "/") {
    const std::string base = under(root, "/proc/" + std::to_string(pid));
    const auto stat = read_line(base + "/stat");
    if (!stat) return std::nullopt;
    proc_process p;
    p.pid = pid;
    p.comm = read_line(base + "/comm").value_or("");
    p.start_time = detail::stat_start_time(*stat).value_or(0);
    // /proc/PID/stat shows the leader thread's flags; each thread's own are under task/TID.
    p.flags = detail::stat_flags(read_line(base + "/task/" + std::to_string(pid) + "/stat").value_or(*stat));
    for (unsigned tid : detail::numeric_entries(base + "/task")) {
        if (tid == pid) continue;
        const std::string t = base + "/task/" + std::to_string(tid);
        const std::string tstat = read_line(t + "/stat").value_or("");
        proc_thread th{tid, read_line(t + "/comm").value_or(p.comm), detail::stat_start_time(tstat).value_or(0),
                       detail::stat_flags(tstat)};
        p.threads.push_back(th);
    }
    std::stable_sort(p.threads.begin(), p.threads.end(),
                     [](const proc_thread& a, const proc_thread& b) { return a.start_time < b.start_time; });
    return p;
}

/// Every process id under `root`/proc, ascending.
inline std::vector<unsigned> list_pids(const std::string& root = "/") {
    return detail::numeric_entries(under(root, "/proc"));
}

/// Sorts processes into creation order (start time, then pid), the order for_each_process walks them.
inline void sort_by_creation(std::vector<proc_process>& ps) {
    std::stable_sort(ps.begin(), ps.end(), [](const proc_process& a, const proc_process& b) {
        return a.start_time != b.start_time ? a.start_time < b.start_time : a.pid < b.pid;
    });
}

}  // namespace daxfail::snapshot

#endif
