// Turns a model scenario into a plan for the oracle's guest, when a real
// machine can express it: one fsdax namespace holding an XFS (with or without
// rmapbt, with reflink), files in core (DAX, or not DAX under dax=inode; whole-file
// reflink clones), tasks (with
// threads) mapping them (by PTEs, or wholly by 2 MiB PMDs), optionally a userspace freeze held across the event, and
// an unbind, a madvise(MADV_HWPOISON) by a mapping task, or a memory failure of
// an AG header or an xattr block that nobody maps (written to hard_offline_page). The guest
// builds the files itself, so the kernel chooses the blocks; the model is then
// run on the layout the guest reports.
#ifndef DAXFAIL_ORACLE_PLAN_HPP
#define DAXFAIL_ORACLE_PLAN_HPP

#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <tuple>
#include <vector>
#include <string>

namespace daxfail::oracle {

/// The plan, or nullopt with `why` saying what the guest cannot express.
inline std::optional<nlohmann::ordered_json> plan_from_scenario(const scenario& s, std::string& why) {
    using json = nlohmann::ordered_json;
    const world& w = s.world;
    auto no = [&](std::string reason) -> std::optional<json> {
        why = std::move(reason);
        return std::nullopt;
    };
    if (w.devices.size() != 1 || w.mp.log || w.mp.rt) return no("needs more than one pmem device");
    if (w.mp.data.target.part_off != 0) return no("a partitioned namespace");
    if (w.mp.data.target.nr_bytes != w.devices[0].size || w.mp.data.blocks * w.mp.blocksize != w.mp.data.target.nr_bytes)
        return no("a filesystem smaller than its namespace (mkfs uses it all)");
    if (!w.mp.sb.born) return no("a filesystem that is not SB_BORN (mount in progress)");
    if (w.mp.sb.freeze_in_progress || !w.scheduled_thaws.empty()) return no("a freeze in progress or a thaw during the event");
    bool userspace_freeze = false;
    for (const auto& h : w.mp.sb.holds) {
        if (h.holder != freeze_holder::userspace || userspace_freeze) return no("a kernel freeze holder (FREEZE_HOLDER_KERNEL)");
        userspace_freeze = true;
    }
    // XFS_IOC_GOINGDOWN (xfs_fs_goingdown, 6.1 and 6.12): LOGFLUSH shuts down with SHUTDOWN_FORCE_UMOUNT,
    // NOLOGFLUSH with SHUTDOWN_FORCE_UMOUNT | SHUTDOWN_LOG_IO_ERROR; any other reason needs a real error.
    std::string goingdown;
    if (w.mp.shutdown_flags == shutdown_flag::force_umount) goingdown = "logflush";
    else if (w.mp.shutdown_flags == (shutdown_flag::force_umount | shutdown_flag::log_io_error)) goingdown = "nologflush";
    else if (w.mp.shutdown_flags != 0)
        return no("a filesystem already shut down for another reason than XFS_IOC_GOINGDOWN (the guest cannot shut it "
                  "down as corrupt without poisoning a page)");
    if (!w.hwpoison.empty()) return no("pages poisoned before the event");
    json plan;
    plan["name"] = s.name;
    plan["early_kill_sysctl"] = w.early_kill_sysctl;
    plan["rmapbt"] = w.mp.data.has_rmapbt;
    plan["reflink"] = w.mp.reflink;
    if (userspace_freeze) plan["freeze"] = "userspace";
    if (!goingdown.empty()) plan["goingdown"] = goingdown;
    bool any_non_dax = false;
    plan["files"] = json::array();
    std::map<u64, std::string> names;
    u64 total_pages = 0;
    for (const auto& [ino, ip] : w.inodes) {
        if (!ip.in_core || ip.reclaiming) return no("an inode that is not in core (or being reclaimed)");
        if (ip.realtime) return no("a realtime file");
        if (ip.size % page_size) return no("a file size that is not whole pages");
        total_pages += ip.size / page_size;
        if (total_pages > (u64{1} << 16)) return no("more file data than the guest's 1 GiB namespace holds comfortably");
        names[ino] = ip.name.empty() ? "f" + std::to_string(ino) : ip.name;
        json file = {{"name", names[ino]}, {"pages", ip.size / page_size}, {"dax", ip.dax}};
        // A file whose blocks another file owns too: the guest makes it with FICLONE, whole-file only.
        const auto blocks_of = [&](u64 owner) {
            std::vector<std::tuple<std::size_t, u32, u32, u64>> out;
            for (std::size_t g = 0; g < w.mp.data.rmap.size(); ++g)
                for (const auto& r : w.mp.data.rmap[g])
                    if (r.owner == owner) out.emplace_back(g, r.startblock, r.blockcount, r.offset);
            return out;
        };
        for (const auto& [other, name] : names)
            if (other != ino && w.mp.reflink) {
                const auto mine = blocks_of(ino), theirs = blocks_of(other);
                if (mine == theirs && w.inodes.at(other).size == ip.size) file["clone_of"] = name;
                else
                    for (const auto& a : mine)
                        for (const auto& b : theirs)
                            if (std::get<0>(a) == std::get<0>(b) && std::get<1>(a) < std::get<1>(b) + std::get<2>(b) &&
                                std::get<1>(b) < std::get<1>(a) + std::get<2>(a))
                                return no("a partly shared (reflinked) file");
            }
        plan["files"].push_back(file);
        any_non_dax |= !ip.dax;
    }
    plan["mount_dax"] = any_non_dax ? "inode" : "always";
    plan["tasks"] = json::array();
    std::optional<std::size_t> current_task;
    std::map<u64, bool> pmd_files;  // files some VMA maps by PMDs
    for (const auto& t : w.tasks) {
        const bool is_current = t.pid == s.event.current_tid;
        // The unbinder, or whoever reports a memory failure nobody maps, is the guest itself.
        if (t.vmas.empty() && !(is_current && s.event.madvise_vaddr)) continue;
        if (!t.mm) return no("a kernel thread as current");
        auto mce_kill = [](const thread& th) { return !th.mce_process ? "default" : th.mce_early ? "early" : "late"; };
        json task = {{"comm", t.comm}, {"mce_kill", mce_kill(t.threads[0])}};
        if (t.threads.size() > 1) {
            task["threads"] = json::array();
            for (std::size_t i = 1; i < t.threads.size(); ++i)
                task["threads"].push_back({{"comm", t.threads[i].comm}, {"mce_kill", mce_kill(t.threads[i])}});
        }
        task["vmas"] = json::array();
        for (const auto& v : t.vmas) {
            // A VMA mapped by PMDs is mapped by them wholly: the guest aligns the file's blocks to 2 MiB, maps it at
            // the 2 MiB aligned address and touches the first page of each 2 MiB, so a read fault maps a PMD.
            u64 by_pmd = 0;
            for (const auto& r : v.present)
                if (r.value == mapping_size::pmd) by_pmd += r.last - r.first + 1;
            if (by_pmd) {
                constexpr u64 per_pmd = pmd_pages;
                if (by_pmd != v.pages || v.pgoff % per_pmd || v.pages % per_pmd || v.start % (per_pmd * page_size))
                    return no("a mapping only partly made of PMDs (the guest maps a VMA wholly by PMDs or by PTEs)");
                json touch = json::array();
                for (u64 p = v.pgoff; p < v.pgoff + v.pages; p += per_pmd) touch.push_back(p);
                pmd_files[v.ino] = true;
                task["vmas"].push_back({{"file", names.at(v.ino)}, {"pgoff", v.pgoff}, {"pages", v.pages},
                                        {"start", daxfail::detail::hex(v.start)}, {"pmd", true}, {"touch", touch}});
                continue;
            }
            json touch = json::array();
            for (const auto& r : v.present)
                for (u64 p = r.first; p <= r.last; ++p) touch.push_back(p);
            task["vmas"].push_back({{"file", names.at(v.ino)}, {"pgoff", v.pgoff}, {"pages", v.pages},
                                    {"start", daxfail::detail::hex(v.start)}, {"touch", touch}});
        }
        if (is_current) current_task = plan["tasks"].size();
        plan["tasks"].push_back(task);
    }
    for (auto& f : plan["files"])
        for (const auto& [ino, name] : names)
            if (pmd_files.count(ino) && f["name"] == name) {
                if (!f.value("dax", true) || f.contains("clone_of")) return no("a PMD mapping of a file that is not DAX or is a clone");
                f["align_2m"] = true;  // the guest allocates it 2 MiB aligned and contiguous
            }
    if (s.event.kind == event_kind::unbind) {
        plan["event"] = {{"kind", "unbind"}};
        return plan;
    }
    if (!s.event.madvise_vaddr && s.event.length == page_size && !s.event.whole_range_notification &&
        w.mp.blocksize == page_size && s.event.offset % page_size == 0) {
        // A memory failure nobody maps, in an AG header: the guest's mkfs puts those at the same blocks.
        const u64 block = s.event.offset / page_size;
        const u64 agblocks = w.mp.data.group_blocks;
        const auto& groups = w.mp.data.rmap;
        for (std::size_t g = 0; g < groups.size(); ++g)
            for (const auto& r : groups[g]) {
                const u64 first = g * agblocks + r.startblock;
                if (block < first || block >= first + r.blockcount) continue;
                if (r.attr_fork && names.count(r.owner) && r.blockcount == 1) {
                    // An extended attribute block: the guest gives the file an xattr too big for its inode.
                    plan["event"] = {{"kind", "memory_failure"}, {"attr_of", names.at(r.owner)}};
                    return plan;
                }
                if (r.owner != rmap_owner::fs || r.startblock != 0)
                    return no("a memory failure outside the AG headers and attr blocks that is not a madvise");
                plan["event"] = {{"kind", "memory_failure"}, {"group", g}, {"agbno", block - g * agblocks}};
                return plan;
            }
        return no("a memory failure outside the AG headers that is not a madvise");
    }
    if (!s.event.madvise_vaddr || s.event.length != page_size || s.event.whole_range_notification || !current_task)
        return no("a memory failure other than one page poisoned with madvise by a mapping task");
    for (const auto& t : w.tasks)
        if (t.pid == s.event.current_tid)
            for (const auto& v : t.vmas) {
                const u64 a = *s.event.madvise_vaddr;
                if (a >= v.start && (a - v.start) / page_size < v.pages) {
                    plan["event"] = {{"kind", "madvise"}, {"task", *current_task}, {"file", names.at(v.ino)},
                                     {"page", v.pgoff + (a - v.start) / page_size}};
                    return plan;
                }
            }
    return no("madvise at an address current does not map");
}

}  // namespace daxfail::oracle

#endif
