// The oracle's host side, without qemu: turn a guest report (what a real
// kernel did, recorded by examples/oracle/guest.cpp) into the model's world,
// run the model on it, and compare observable by observable. An observable the
// guest cannot see is reported as such, never counted as agreement.
#ifndef DAXFAIL_ORACLE_AGREEMENT_HPP
#define DAXFAIL_ORACLE_AGREEMENT_HPP

#include <daxfail/builder.hpp>
#include <daxfail/kernel/evict_inodes.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>

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

using nlohmann::json;

namespace detail {
inline u64 number(const json& j) {
    return j.is_string() ? std::stoull(j.get<std::string>(), nullptr, 0) : j.get<u64>();
}

/// "0..15, 17", or "none".
inline std::string runs_text(const page_set& set) {
    std::string out;
    for (const auto& r : set)
        out += (out.empty() ? "" : ", ") + std::to_string(r.first) +
               (r.last != r.first ? ".." + std::to_string(r.last) : std::string{});
    return out.empty() ? "none" : out;
}

/// Whether a report's pfns_before entries carry addresses ([file page, pfn, address]; reports recorded before
/// addresses were added have [file page, pfn]). Decided from the report, never from one task's list: an empty
/// list says nothing about its format. The guest that added the address also began writing pmem_bases, always
/// (tests/oracle/: every report with 3-element entries has it, every older one has neither); an entry with an
/// address in any task says so as well.
inline bool records_addresses(const json& report) {
    if (report.contains("pmem_bases")) return true;
    if (!report.contains("tasks")) return false;
    for (const auto& t : report.at("tasks"))
        if (t.contains("pfns_before") && t.at("pfns_before").is_array())
            for (const auto& e : t.at("pfns_before"))
                if (e.size() > 2) return true;
    return false;
}

/// Task `i`'s present pages before the event, from its pfns_before entries. With addresses, an empty list
/// means no PTE was present (a PMD VMA the guest did not read is in the task's pagemap_not_read instead).
struct present_pages {
    bool with_addresses = false;
    std::vector<std::pair<u64, u64>> pages;  ///< (address, file page); address 0 without addresses
    std::vector<std::pair<u64, u64>> pfns;   ///< (file page, pfn)
};
inline present_pages present_before(const json& report, std::size_t i) {
    present_pages out;
    out.with_addresses = records_addresses(report);
    const auto& task = report.at("tasks").at(i);
    if (!task.contains("pfns_before") || !task.at("pfns_before").is_array()) return out;
    for (const auto& e : task.at("pfns_before")) {
        // [page, pfn, address, count]: a run of consecutive pages, as a recording keeps a large mapping
        const u64 count = e.size() > 3 ? e.at(3).get<u64>() : 1;
        for (u64 n = 0; n < count; ++n) {
            out.pages.emplace_back(out.with_addresses ? e.at(2).get<u64>() + n * page_size : 0, e.at(0).get<u64>() + n);
            out.pfns.emplace_back(e.at(0).get<u64>() + n, e.at(1).get<u64>() + n);
        }
    }
    return out;
}

/// The file pages a plan's VMA touches: its "touch" list, or "all" of them.
inline std::vector<u64> touched_pages(const json& v) {
    std::vector<u64> out;
    if (v.at("touch").is_string()) {
        for (u64 p = 0; p < number(v.at("pages")); ++p) out.push_back(number(v.at("pgoff")) + p);
        return out;
    }
    for (const auto& p : v.at("touch")) out.push_back(number(p));
    return out;
}
/// Whether the guest did not read pagemap over VMA `v` of task `i` (a DAX PMD VMA on a kernel whose pagemap
/// oopses over it: the guest lists those VMAs' pages in pagemap_not_read).
inline bool pagemap_unread(const json& report, std::size_t i, const json& v) {
    return v.value("pmd", false) && report.at("tasks").at(i).contains("pagemap_not_read");
}
}  // namespace detail

namespace detail {
/// The steps of the guest's setup that returned an error, and a second namespace that was not there.
inline void failed_setup_steps(const json& report, std::vector<std::string>& out) {
    for (const char* step : {"mkfs", "mount", "partition", "freeze_return", "goingdown_return", "set_dax_flag",
                             "evict_freeze", "evict_drop_caches"})
        if (report.contains(step) && report.at(step).is_number_integer() && report.at(step).get<int>() != 0)
            out.push_back(std::string(step) + " returned " + std::to_string(report.at(step).get<int>()));
    if (report.contains("second_namespace_present") && !report.at("second_namespace_present").get<bool>())
        out.push_back("no /dev/pmem1 (the second namespace)");
    for (const auto& [key, value] : report.items())
        for (const char* prefix : {"clone_", "realtime_", "extsize_", "fallocate_"})
            if (key.rfind(prefix, 0) == 0 && value.is_number_integer() && value.get<int>() != 0)
                out.push_back(key + " returned " + std::to_string(value.get<int>()));
}

/// The plan's files as the guest made them: missing, S_DAX or the realtime flag not as planned, a scaled plan's
/// file placed in an AG (oracle/scale.hpp) whose data began in another. `files`: the report's, by name.
inline void file_differences(const json& plan, const json& report, const std::map<std::string, json>& files,
                             std::vector<std::string>& out) {
    for (const auto& f : plan.at("files")) {
        const auto it = files.find(f.at("name").get<std::string>());
        if (it == files.end()) {
            out.push_back("file " + f.at("name").get<std::string>() + " missing");
            continue;
        }
        if (f.value("dax", true) != it->second.value("dax", true))
            out.push_back("file " + it->first + ": S_DAX " + (it->second.value("dax", true) ? "set" : "clear") +
                          ", planned " + (f.value("dax", true) ? "set" : "clear"));
        if (f.value("realtime", false) != it->second.value("realtime", false))
            out.push_back("file " + it->first + ": realtime flag differs from the plan");
        if (f.contains("ag") && report.contains("geometry") && !it->second.at("extents").empty()) {
            const u64 bs = report.at("geometry").at("blocksize").get<u64>(), agblocks = report.at("geometry").at("agblocks").get<u64>();
            u64 first = ~u64{0};
            for (const auto& x : it->second.at("extents"))
                if (x.at("logical").get<u64>() == 0) first = x.at("physical").get<u64>() / bs / agblocks;
            if (first != ~u64{0} && first != f.at("ag").get<u64>())
                out.push_back("file " + it->first + ": first extent in AG " + std::to_string(first) + ", planned AG " +
                              std::to_string(f.at("ag").get<u64>()));
        }
    }
}

/// A task's PTEs before the event against the pages its plan touched, VMA by VMA (PMD VMAs are judged by the PMD
/// rules; a report without addresses cannot place a page in a VMA).
inline void present_differences(const json& t, const present_pages& before, const std::string& who,
                                std::vector<std::string>& out) {
    for (const auto& v : t.at("vmas")) {
        if (v.value("pmd", false)) continue;
        const u64 start = number(v.at("start")), pages = number(v.at("pages"));
        page_set planned, present;
        for (const u64 p : touched_pages(v)) planned.insert(p);
        for (const auto& [addr, pg] : before.pages)
            if (addr >= start && addr - start < pages * page_size) present.insert(pg);
        if (!before.with_addresses) continue;
        if (planned != present)
            out.push_back(who + " file " + v.at("file").get<std::string>() + " at " + daxfail::detail::hex(start) +
                          ": planned present pages " + runs_text(planned) + ", present before the event " + runs_text(present));
    }
}

/// Each present PTE's pfn against the extent the guest reported for that file page (`first_pfn`: the namespace's;
/// `part_off`: where the filesystem starts in it). Page-cache pages of a non-DAX file and realtime extents (on the
/// second namespace) are not checked.
inline void pfn_differences(const json& t, const present_pages& before, const std::string& who,
                            const std::map<std::string, json>& files, u64 first_pfn, u64 part_off,
                            std::vector<std::string>& out) {
    for (const auto& v : t.at("vmas")) {
        const auto f = files.find(v.at("file").get<std::string>());
        if (f == files.end() || f->second.value("realtime", false) || !f->second.value("dax", true)) continue;
        const u64 start = number(v.at("start")), pages = number(v.at("pages"));
        for (std::size_t k = 0; k < before.pages.size(); ++k) {
            const auto [addr, pg] = before.pages[k];
            if (before.with_addresses && (addr < start || addr - start >= pages * page_size)) continue;
            for (const auto& x : f->second.at("extents")) {
                const u64 lo = x.at("logical").get<u64>(), len = x.at("length").get<u64>();
                if (pg * page_size < lo || pg * page_size >= lo + len) continue;
                const u64 want = first_pfn + (part_off + x.at("physical").get<u64>() + pg * page_size - lo) / page_size;
                if (before.pfns[k].second != want)
                    out.push_back(who + " file " + f->first + " page " + std::to_string(pg) + ": pfn " +
                                  daxfail::detail::hex(before.pfns[k].second) + ", its extent says " + daxfail::detail::hex(want));
            }
        }
    }
}
}  // namespace detail

/// Where the world the guest built differs from what the plan asked for (a PTE the plan touched that was not
/// present before the event, or the reverse; a PTE on another pfn than its extent says; a step of the setup
/// that failed). The model runs on what was built; these are reported as `setup_differs`, never as agreement
/// or disagreement.
inline std::vector<std::string> setup_differences(const json& plan, const json& report) {
    std::vector<std::string> out;
    detail::failed_setup_steps(report, out);
    std::map<std::string, json> files;
    for (const auto& f : report.at("files")) files[f.at("name").get<std::string>()] = f;
    detail::file_differences(plan, report, files, out);
    const u64 first_pfn =
        report.contains("pmem_bases") ? report.at("pmem_bases").at(0).get<u64>() >> page_shift : u64{0x100000};
    const u64 part_off = report.value("part_off", u64{0});
    for (std::size_t i = 0; i < plan.at("tasks").size() && i < report.at("tasks").size(); ++i) {
        const auto& t = plan.at("tasks")[i];
        const auto before = detail::present_before(report, i);
        const std::string who = "task " + std::to_string(i) + " (" + t.at("comm").get<std::string>() + ")";
        if (!report.at("tasks")[i].at("pfns_before").is_array()) {
            out.push_back(who + " did not report its PTEs");
            continue;
        }
        detail::present_differences(t, before, who, out);
        detail::pfn_differences(t, before, who, files, first_pfn, part_off, out);
    }
    return out;
}

namespace detail {
/// The inode number the guest reported for a file of the plan (0 when none).
inline u64 reported_ino(const json& report, const std::string& name) {
    for (const auto& f : report.at("files"))
        if (f.at("name") == name) return f.at("ino").get<u64>();
    return u64{0};
}

/// The devices and the filesystem's geometry as the guest reported them: namespace0.0 (and its partition), the
/// features, the AG headers, and namespace1.0 as the external log or the realtime section.
inline void build_devices(world_builder& b, const json& plan, const json& report) {
    const auto& geo = report.at("geometry");
    const u32 bs = geo.at("blocksize").get<u32>();
    const u32 agblocks = geo.at("agblocks").get<u32>();
    const u64 part_off = report.value("part_off", u64{0});
    b.geometry(geo.at("agcount").get<u32>(), agblocks, part_off);
    {
        auto& w = b.edit();
        w.devices[0].size = report.at("device_bytes").get<u64>();
        if (report.contains("pmem_bases")) w.devices[0].first_pfn = report.at("pmem_bases").at(0).get<u64>() >> page_shift;
        // The filesystem's block device (the namespace or its partition) and the blocks mkfs gave it.
        if (geo.contains("dblocks")) w.mp.data.blocks = geo.at("dblocks").get<u64>();
        w.mp.data.target.nr_bytes = report.value("fs_device_bytes", w.mp.data.blocks * bs);
        if (part_off != 0) w.mp.fsname = "pmem0p1";
    }
    b.rmapbt(plan.value("rmapbt", true));
    b.reflink(plan.value("reflink", false));
    for (u32 g = 0; g < geo.at("agcount").get<u32>(); ++g) b.metadata(g, 0, 4, rmap_owner::fs);
    const std::string second = plan.value("second_namespace", std::string());
    if (second.empty()) return;
    const u64 first_pfn = report.contains("pmem_bases") && report.at("pmem_bases").size() > 1
                              ? report.at("pmem_bases").at(1).get<u64>() >> page_shift
                              : u64{0x150000};
    b.device("pmem1", report.at("second_device_bytes").get<u64>(), first_pfn);
    if (second == "log") b.external_log(1);
    else if (geo.contains("rgcount")) {  // realtime groups (a newer mkfs.xfs: "mkfs": "newer"), rmap per group
        b.realtime(1, geo.at("rgcount").get<u32>(), static_cast<u32>(geo.at("rgblocks").get<u64>()), plan.value("rmapbt", true));
        b.edit().mp.rt->rmap.at(0).push_back({0, 1, rmap_owner::fs, 0, false, false});  // the rt superblock
    } else {  // no rtgroups before v6.14: the realtime section is one group
        const u64 rblocks = geo.at("rblocks").get<u64>();
        b.realtime(1, 1, static_cast<u32>(rblocks), false);
    }
}

/// The files with the extents and attr-fork blocks the guest read back. Files the guest evicted from core
/// (drop_caches) are the ones no task maps; a non-DAX file was written through the page cache: every page is
/// cached. DAX entries exist where the tasks faulted (build_tasks).
inline void build_files(world_builder& b, const json& plan, const json& report) {
    const auto& geo = report.at("geometry");
    const u32 bs = geo.at("blocksize").get<u32>();
    const u32 agblocks = geo.at("agblocks").get<u32>();
    std::map<std::string, bool> mapped_files;
    for (const auto& t : plan.at("tasks"))
        for (const auto& v : t.at("vmas")) mapped_files[v.at("file").get<std::string>()] = true;
    const bool evicted = plan.value("evict", false);
    for (const auto& f : report.at("files")) {
        const bool realtime = f.value("realtime", false);
        const u32 groups_blocks =
            !realtime ? agblocks : geo.contains("rgblocks") ? static_cast<u32>(geo.at("rgblocks").get<u64>()) : 0xFFFFFFFFu;
        std::vector<extent> extents;
        for (const auto& e : f.at("extents")) {
            const u64 block = e.at("physical").get<u64>() / bs;
            extents.push_back({static_cast<u32>(block / groups_blocks), static_cast<u32>(block % groups_blocks),
                               static_cast<u32>(e.at("length").get<u64>() / bs), e.at("logical").get<u64>() / bs});
        }
        const bool dax = f.value("dax", true);
        const bool in_core = !evicted || mapped_files.count(f.at("name").get<std::string>());
        b.file(f.at("ino").get<u64>(), f.at("name").get<std::string>(), extents,
               {.dax = dax, .in_core = in_core, .cached = !dax && in_core, .realtime = realtime,
                .size = f.at("size").get<u64>()});
        for (const auto& e : f.value("attr_extents", json::array())) {  // attr-fork rmap records
            const u64 block = e.at("physical").get<u64>() / bs;
            b.edit().mp.data.rmap.at(block / agblocks).push_back(
                {static_cast<u32>(block % agblocks), static_cast<u32>(e.at("length").get<u64>() / bs),
                 f.at("ino").get<u64>(), e.at("logical").get<u64>() / bs, true, false});
        }
    }
}

/// Whether a DAX fault can map [pgoff, pgoff + pages) of a file with PMDs: the address and the file page 2 MiB
/// aligned, and every 2 MiB of it one extent whose device address (pmem at pfn 0x100000) is 2 MiB aligned.
inline bool pmd_capable(const json& report, u64 ino, u64 pgoff, u64 pages, u64 start) {
    const u64 pmd_bytes = pmd_pages * page_size;
    if (start % pmd_bytes || pgoff % pmd_pages || pages % pmd_pages || pages == 0) return false;
    for (const auto& f : report.at("files")) {
        if (f.at("ino").get<u64>() != ino) continue;
        for (u64 p = pgoff; p < pgoff + pages; p += pmd_pages) {
            bool ok = false;
            for (const auto& e : f.at("extents")) {
                const u64 lo = e.at("logical").get<u64>(), len = e.at("length").get<u64>(), at = p * page_size;
                ok |= lo <= at && at + pmd_bytes <= lo + len && (e.at("physical").get<u64>() + (at - lo)) % pmd_bytes == 0;
            }
            if (!ok) return false;
        }
        return true;
    }
    return false;
}

/// One VMA of task `i` (pid `pid`) as the guest mapped it. A PMD VMA the guest could align: the first read of each
/// 2 MiB mapped a PMD, every page mapped, one entry per 2 MiB. Otherwise (PTEs, or a PMD VMA whose blocks the guest
/// could not align): the pages the guest saw present before the event (pagemap; none when its list is empty), or,
/// in reports without addresses and over a VMA whose pagemap the guest did not read, the pages the plan touched.
inline void build_vma(world_builder& b, const json& report, std::size_t i, u32 pid, const json& v) {
    const u64 ino = reported_ino(report, v.at("file").get<std::string>());
    const u64 pgoff = number(v.at("pgoff")), pages = number(v.at("pages")), start = number(v.at("start"));
    if (v.value("pmd", false) && pmd_capable(report, ino, pgoff, pages, start)) {
        b.edit().inodes.at(ino).cache.assign(pgoff, pgoff + pages - 1, {});
        b.map_huge(pid, ino, pgoff, pages, start);
        return;
    }
    std::vector<u64> touched;
    const auto before = present_before(report, i);
    if (before.with_addresses && !pagemap_unread(report, i, v)) {
        for (const auto& [addr, pg] : before.pages)
            if (addr >= start && addr - start < pages * page_size) touched.push_back(pg);
    } else {
        touched = touched_pages(v);
    }
    for (u64 p : touched) b.edit().inodes.at(ino).cache.assign(p, p, {});
    b.map(pid, ino, pgoff, pages, start, touched, false);
}

/// The guest (the unbinder, "sh") and the plan's tasks with the pids, threads and PR_MCE_KILL policies the guest
/// gave them, and their mappings.
inline void build_tasks(world_builder& b, const json& plan, const json& report) {
    b.process(report.at("unbinder_pid").get<u32>(), "sh");
    const auto& tasks = plan.at("tasks");
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const auto& t = tasks[i];
        const u32 pid = report.at("tasks").at(i).at("pid").get<u32>();
        const std::string kill = t.value("mce_kill", "default");
        b.process(pid, t.at("comm").get<std::string>(), {.mce_kill_early = kill == "early", .mce_kill_late = kill == "late"});
        if (t.contains("threads"))
            for (std::size_t n = 0; n < t.at("threads").size(); ++n) {
                const auto& th = t.at("threads")[n];
                const std::string k = th.value("mce_kill", "default");
                b.thread(pid, report.at("tasks").at(i).at("tids").at(n).get<u32>(), th.at("comm").get<std::string>(),
                         {.mce_kill_early = k == "early", .mce_kill_late = k == "late"});
            }
        for (const auto& v : t.at("vmas")) build_vma(b, report, i, pid, v);
    }
}

/// The event the guest ran: an unbind, hard_offline_page per page (written by a child of the guest), or a madvise.
inline event event_from_report(const json& plan, const json& report) {
    const auto& ev = plan.at("event");
    const u32 unbinder = report.at("unbinder_pid").get<u32>();
    event e = event::unbind(ev.value("namespace", std::string("namespace0.0")) == "namespace1.0" ? 1 : 0, unbinder);
    if (ev.at("kind") == "memory_failure") {
        e.kind = event_kind::memory_failure;
        e.offset = report.at("event_offset").get<u64>();
        // Consecutive pages (the plans make no other), one memory_failure() each, as the model does by default.
        e.length = page_size * std::max<u64>(1, report.value("event_offsets", json::array()).size());
        e.mf_flags = mf::sw_simulated;
    }
    e.umount_after = plan.value("umount_after", false);
    if (ev.at("kind") != "madvise") return e;
    const std::size_t t = ev.at("task").get<std::size_t>();
    const u32 pid = report.at("tasks").at(t).at("pid").get<u32>();
    const u64 ino = reported_ino(report, ev.at("file").get<std::string>());
    const u64 pg = number(ev.at("page"));
    u64 vaddr = 0;
    for (const auto& v : plan.at("tasks")[t].at("vmas"))
        if (v.at("file") == ev.at("file")) vaddr = number(v.at("start")) + (pg - number(v.at("pgoff"))) * page_size;
    u64 offset = 0;
    for (const auto& f : report.at("files"))
        if (f.at("ino").get<u64>() == ino)
            for (const auto& x : f.at("extents")) {
                const u64 lo = x.at("logical").get<u64>(), len = x.at("length").get<u64>();
                if (pg * page_size >= lo && pg * page_size < lo + len) offset = x.at("physical").get<u64>() + pg * page_size - lo;
            }
    return event::madvise_hwpoison(0, offset, page_size, pid, vaddr);
}
}  // namespace detail

/// The world the guest really built (geometry and file layout read back in the guest) and the event it ran.
/// AG headers (blocks 0-3 of each AG) are the only metadata modelled: every unbind meets them.
inline scenario scenario_from_report(const json& plan, const json& report) {
    world_builder b;
    detail::build_devices(b, plan, report);
    detail::build_files(b, plan, report);
    detail::build_tasks(b, plan, report);
    b.early_kill_sysctl(plan.value("early_kill_sysctl", false));
    if (plan.value("freeze", std::string()) == "userspace") b.frozen_by(freeze_holder::userspace, "fsfreeze");
    if (plan.value("goingdown", std::string()) == "logflush") b.shut_down(shutdown_flag::force_umount);
    if (plan.value("goingdown", std::string()) == "nologflush")
        b.shut_down(shutdown_flag::force_umount | shutdown_flag::log_io_error);
    world w = b.build();
    scenario s;
    s.name = plan.value("name", std::string("oracle"));
    s.world = w;
    s.event = detail::event_from_report(plan, report);
    return s;
}

/// The oracle's rows (named after what the guest reads; kept as they are, they are a report's contract) and the
/// model observable each checks.
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 11> row_observables = {{
    {"sigbus_sent", observable_names::log},                // "Sending SIGBUS" lines
    {"memory_failure_log", observable_names::log},         // "Memory failure:" lines
    {"xfs_log", observable_names::log},                    // "XFS (...)" lines
    {"live_mappings_after", observable_names::live_mappings},
    {"live_pmd_mappings_after", observable_names::live_mappings},
    {"signals_delivered", observable_names::signals},
    {"entry_return", observable_names::entry_returns},
    {"end_state", observable_names::terminated},
    {"open_after", observable_names::shutdown},            // a shut-down filesystem fails open with -EIO
    {"userspace_freeze_after", observable_names::freeze_holders_after},
    {"poisoned", observable_names::poisoned},
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
