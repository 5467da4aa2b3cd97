// The world the oracle's guest really built, read back from its report (examples/oracle/guest.cpp: the
// geometry, the files' extents, the tasks' pids and the PTEs present before the event) as a scenario the model
// runs, and where it differs from what the plan asked for. AG headers (blocks 0-3 of each AG) are the only
// metadata modelled: every unbind meets them.
#ifndef DAXFAIL_ORACLE_GUEST_WORLD_HPP
#define DAXFAIL_ORACLE_GUEST_WORLD_HPP

#include <daxfail/builder.hpp>
#include <daxfail/detail/hex.hpp>
#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
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

}  // namespace daxfail::oracle

#endif
