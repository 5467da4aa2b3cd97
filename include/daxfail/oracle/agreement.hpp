// The oracle's host side, without qemu: the model run on the world a guest report says the guest built
// (guest_world.hpp), compared with what the real kernel did, observable by observable. An observable the guest
// cannot see is reported as such, never counted as agreement.
#ifndef DAXFAIL_ORACLE_AGREEMENT_HPP
#define DAXFAIL_ORACLE_AGREEMENT_HPP

#include <daxfail/kernel/evict_inodes.hpp>
#include <daxfail/oracle/guest_world.hpp>
#include <daxfail/outcome.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daxfail::oracle {

/// The oracle's rows (named after what the guest reads; kept as they are, they are a report's contract) and the
/// model observable each checks.
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 11> row_observables = {{
    {"sigbus_sent", observable_entries::log::name},                // "Sending SIGBUS" lines
    {"memory_failure_log", observable_entries::log::name},         // "Memory failure:" lines
    {"xfs_log", observable_entries::log::name},                    // "XFS (...)" lines
    {"live_mappings_after", observable_entries::live_mappings::name},
    {"live_pmd_mappings_after", observable_entries::live_mappings::name},
    {"signals_delivered", observable_entries::signals::name},
    {"entry_return", observable_entries::entry_returns::name},
    {"end_state", observable_entries::terminated::name},
    {"open_after", observable_entries::shutdown::name},            // a shut-down filesystem fails open with -EIO
    {"userspace_freeze_after", observable_entries::freeze_holders_after::name},
    {"poisoned", observable_entries::poisoned::name},
}};

/// The model observable an oracle row checks ("" for a row not in row_observables).
inline std::string_view observable_of_row(std::string_view row) {
    for (const auto& [r, o] : row_observables)
        if (r == row) return o;
    return {};
}

/// One row: an observable as the model and the kernel show it.
struct observation {
    std::string observable;  ///< the row's name (row_observables)
    std::vector<std::string> model;
    std::vector<std::string> kernel;
    bool visible = true;  ///< false: the guest cannot see it; never counted as agreement
    bool agree = false;
};

namespace detail {
/// "<3>[    6.97] text" -> "text"; in the shutdown message the caller's symbol stays (the shutdown_caller policy
/// predicts it) and its offset, module and source line, artefacts of the build, go.
inline std::string normalize_log(std::string line) {
    static const std::regex prefix(R"(^(<\d+>)?\[\s*\d+\.\d+\]\s*)");
    static const std::regex caller(R"(detected at ([A-Za-z0-9_.]+)\+0x[0-9a-f]+/0x[0-9a-f]+( \[xfs\])?( \([^)]*\))?\.)");
    line = std::regex_replace(line, prefix, "");
    return std::regex_replace(line, caller, "detected at $1.");
}
/// The model's end as the guest can see it: "returned", "oops in FN" (the function named as dereferencing),
/// "oops in FN during umount", or the end state's name.
inline std::string model_end(const outcome& o) {
    if (o.end == end_state::returned) return "returned";
    if (o.end != end_state::oops) return end_state_name(o.end);
    const std::string by = "dereferenced by ";
    const auto at = o.end_detail.rfind(by);
    std::string fn = at == std::string::npos ? std::string("?") : o.end_detail.substr(at + by.size());
    fn = fn.substr(0, fn.find_first_of(" ,;:)"));
    return "oops in " + fn + (kernel::oopsed_during_umount(o) ? " during umount" : "");
}
/// What the guest's "event_end" of a task that never came back is compared as (model_end of the model's end
/// state). "spinning": still running in the kernel after the guest's wait (a walk that would take too long, e.g.
/// mf_dax_kill_procs given 2^32 pages on 7.2); "blocked": asleep in the kernel (D or S) after 30 s; "hung": the
/// guest's name for either before it read the task's state (recorded reports), compared as before.
inline std::string unfinished_end(const std::string& guest_end) {
    if (guest_end == "spinning") return end_state_name(end_state::spinning);
    if (guest_end == "blocked") return end_state_name(end_state::blocked);
    if (guest_end == "hung") return end_state_name(end_state::no_progress);
    return "event task " + guest_end;
}
/// The kernel's end: an oops is named by its RIP's function; a task that never came back by unfinished_end.
inline std::string kernel_end(const json& report) {
    auto oops = [](const json& o) { return "oops in " + o.value("rip", std::string("?")); };
    if (report.contains("oops")) return oops(report.at("oops"));
    const std::string end = report.value("event_end", std::string("returned"));
    if (end != "returned") return unfinished_end(end);
    if (report.contains("umount_after")) {
        const auto& u = report.at("umount_after");
        if (u.contains("oops")) return oops(u.at("oops")) + " during umount";
        const std::string uend = u.value("end", std::string());
        if (uend == "hung" || uend == "spinning" || uend == "blocked") return "umount did not terminate";
    }
    return "returned";
}
inline std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}
}  // namespace detail

namespace detail {
/// Log lines of the path as runs (the same runs for both sides: log_builder's rule), without the level.
inline std::vector<std::string> log_runs(const std::vector<log_line>& lines) {
    std::vector<std::string> out;
    for (const auto& l : compress_log(lines)) {
        std::string t = to_string(l);
        out.push_back(t.substr(t.find("> ") + 2));
    }
    return out;
}

/// What kill_proc ("Sending SIGBUS"), memory_failure and XFS printed, sorted out of a log's runs.
struct log_kinds {
    std::vector<std::string> sent, mf, xfs;
};
inline log_kinds classify_log(const std::vector<std::string>& lines) {
    log_kinds out;
    for (const auto& t : lines) {
        if (t.find("Sending SIGBUS") != std::string::npos) out.sent.push_back(t);
        else if (t.rfind("Memory failure:", 0) == 0 || t.rfind("Injecting memory failure", 0) == 0) out.mf.push_back(t);
        else if (t.rfind("XFS (", 0) == 0) out.xfs.push_back(t);
    }
    return out;
}

/// The rows of the kernel's log: sigbus_sent, memory_failure_log, xfs_log.
inline void add_log_rows(const outcome& model, const json& report, std::vector<observation>& rows) {
    std::vector<log_line> k_lines, m_lines;
    for (const auto& l : report.at("kernel_log"))
        k_lines.push_back({log_level::info, normalize_log(l.get<std::string>()), 1, std::nullopt});
    for (const auto& l : model.log) m_lines.push_back({log_level::info, normalize_log(l.text), l.count, std::nullopt});
    const auto k = classify_log(log_runs(k_lines)), m = classify_log(log_runs(m_lines));
    rows.push_back({"sigbus_sent", sorted(m.sent), sorted(k.sent)});
    rows.push_back({"memory_failure_log", m.mf, k.mf});
    rows.push_back({"xfs_log", m.xfs, k.xfs});
}

/// Runs of live file pages per pid, as rows say them ("1234 page 0..15" and `how`).
inline std::vector<std::string> live_runs(const std::map<u64, page_set>& m, const std::string& how) {
    std::vector<std::string> out;
    for (const auto& [pid, set] : m)
        for (const auto& r : set)
            out.push_back(std::to_string(pid) + " page " + std::to_string(r.first) +
                          (r.last != r.first ? ".." + std::to_string(r.last) : std::string{}) + how);
    return out;
}
inline std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// The file pages of each task whose pagemap the guest did not read (pagemap_not_read, pagemap_not_read_after).
inline std::map<u64, page_set> pages_unread(const json& report) {
    std::map<u64, page_set> unread;
    for (const auto& t : report.at("tasks"))
        for (const char* key : {"pagemap_not_read", "pagemap_not_read_after"})
            for (const auto& r : t.value(key, json::array()))
                unread[t.at("pid").get<u64>()].insert(r.at(0).get<u64>(), r.at(1).get<u64>());
    return unread;
}

/// Live mappings after the event, read from /proc/PID/pagemap in the guest, as runs of file pages per task. PMD
/// VMAs whose pagemap the guest must not read (it oopses 6.1) are told by touching them after the event: a page
/// that is no longer mapped faults, since the filesystem is shut down and cannot map it again. Those runs say
/// "(by touch)" on both sides; when the filesystem is not shut down a touch proves nothing and they are not
/// visible: the row for them is returned, to go last. The same by touch for every page a task's check touched
/// after an unbind where pagemap oopses once the namespace is gone (from 6.15 on: "pagemap_not_read_after").
inline std::optional<observation> add_live_mapping_row(const outcome& model, const json& report, std::vector<observation>& rows) {
    std::map<u64, page_set> m_pages, k_pages, m_touch, k_touch;
    const auto unread = pages_unread(report);
    const bool refault_fails = report.at("open_after").get<int>() != 0;
    for (const auto& p : model.live_mappings) {
        const auto it = unread.find(p.pid);
        if (it == unread.end()) {
            m_pages[p.pid].insert(p.pgoff, p.pgoff + p.pages - 1);
            continue;
        }
        for (u64 pg = p.pgoff; pg < p.pgoff + p.pages; ++pg)  // a PMD VMA of an oracle plan: a few MiB
            (it->second.contains(pg) ? m_touch : m_pages)[p.pid].insert(pg);
    }
    for (const auto& t : report.at("tasks")) {
        const u64 pid = t.at("pid").get<u64>();
        for (const auto& pg : t.at("present_after")) k_pages[pid].insert(pg.get<u64>());
        if (const auto it = unread.find(pid); it != unread.end()) {
            page_set faulted;
            for (const auto& pg : t.at("faulting_pages_after")) faulted.insert(pg.get<u64>());
            for (const auto& r : it->second)
                for (u64 pg = r.first; pg <= r.last; ++pg)
                    if (!faulted.contains(pg)) k_touch[pid].insert(pg);
        }
    }
    const std::string by_touch = " (by touch)";
    if (unread.empty() || refault_fails)
        rows.push_back({"live_mappings_after", joined(live_runs(m_pages, ""), live_runs(m_touch, by_touch)),
                        joined(live_runs(k_pages, ""), live_runs(k_touch, by_touch))});
    else
        rows.push_back({"live_mappings_after", live_runs(m_pages, ""), live_runs(k_pages, "")});
    if (unread.empty() || refault_fails) return std::nullopt;
    observation pmd_live{"live_pmd_mappings_after", live_runs(m_touch, by_touch),
                         {"(not visible: pagemap is not read there on this kernel (a DAX PMD, or after the unbind), "
                          "and the filesystem can map a touched page again)"}};
    pmd_live.visible = false;
    return pmd_live;
}

/// Delivered signals. During the event every task is either stopped by the guest or inside the event's own
/// system call (`current`), and a legacy signal queues once: each task receives the first SIGBUS the kernel sent
/// it, and the later ones coalesce into it (visible in sigbus_sent, not here).
inline observation signals_row(const outcome& model, const json& report) {
    auto text = [](const auto& pid, int code, u64 addr, int lsb) {
        return std::to_string(pid) + " " + si_code::name(code) + " " + daxfail::detail::hex(addr) + " lsb " + std::to_string(lsb);
    };
    std::vector<std::string> m_sig, k_sig;
    std::vector<u32> first_taken;
    for (const auto& sig : model.signals) {
        if (std::find(first_taken.begin(), first_taken.end(), sig.pid) != first_taken.end()) continue;
        first_taken.push_back(sig.pid);
        m_sig.push_back(text(sig.pid, sig.si_code, sig.addr, sig.addr_lsb));
    }
    for (const auto& d : report.at("deliveries"))
        if (d.at("phase") == "event")
            k_sig.push_back(text(d.at("pid").get<int>(), d.at("si_code").get<int>(), d.at("addr").get<u64>(), d.at("lsb").get<int>()));
    return {"signals_delivered", sorted(m_sig), sorted(k_sig)};
}

/// Every entry call's return: the unbind write, or each page's write to hard_offline_page. After an oops or a hang
/// the kernel returned nothing.
inline observation entry_return_row(const outcome& model, const json& report) {
    std::vector<std::string> m_rets, k_rets;
    if (model.end == end_state::returned || kernel::oopsed_during_umount(model))
        for (int rc : model.entry_returns) m_rets.push_back(err::name(rc));
    if (report.value("event_end", std::string("returned")) == "returned") {
        if (report.contains("event_returns") && !report.at("event_returns").empty())
            for (const auto& rc : report.at("event_returns")) k_rets.push_back(err::name(rc.get<int>()));
        else
            k_rets.push_back(err::name(report.at("event_return").get<int>()));
    }
    if (m_rets.empty()) m_rets.push_back("none");
    if (k_rets.empty()) k_rets.push_back("none");
    return {"entry_return", m_rets, k_rets};
}

/// FITHAW after the event: 0 while userspace still held its freeze.
inline observation userspace_freeze_row(const outcome& model, const json& report) {
    bool held = false;
    for (const auto& h : model.freeze_holders_after) held |= h.holder == freeze_holder::userspace;
    return {"userspace_freeze_after", {held ? "held" : "not held"},
            {report.at("userspace_thaw_after").get<int>() == 0 ? "held" : "not held"}};
}
}  // namespace detail

/// Compares the model's outcome on scenario_from_report() with the guest's report.
inline std::vector<observation> compare(const outcome& model, const json& report) {
    std::vector<observation> rows;
    detail::add_log_rows(model, report, rows);
    const auto pmd_live = detail::add_live_mapping_row(model, report, rows);
    rows.push_back(detail::signals_row(model, report));
    rows.push_back(detail::entry_return_row(model, report));
    // How the event (and the umount after it) ended: returned, or an oops in a function, or a hang.
    rows.push_back({"end_state", {detail::model_end(model)}, {detail::kernel_end(report)}});
    // A shut-down filesystem fails open with -EIO.
    rows.push_back({"open_after", {model.shutdown_flags != 0 ? "-EIO" : "0"}, {err::name(report.at("open_after").get<int>())}});
    if (report.contains("userspace_thaw_after")) rows.push_back(detail::userspace_freeze_row(model, report));
    std::vector<std::string> m_poison;
    for (const auto& r : model.poisoned) m_poison.push_back(to_string(r));
    observation poison{"poisoned", m_poison, {"(not visible: /proc/kpageflags does not report ZONE_DEVICE pages)"}};
    poison.visible = false;
    for (auto& r : rows) r.agree = r.model == r.kernel;
    if (pmd_live) rows.push_back(*pmd_live);
    rows.push_back(poison);
    return rows;
}

}  // namespace daxfail::oracle

#endif
