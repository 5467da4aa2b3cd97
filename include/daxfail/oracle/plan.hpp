// Turns a model scenario into a plan for the oracle's guest, when a real
// machine can express it, or says why not. The guest has two fsdax
// namespaces: an XFS (with or without rmapbt, with reflink) on the first, on
// the whole of it, on one partition of it, or smaller than it; the second as
// an external log or realtime device (with rmapbt: realtime groups, made by
// a newer mkfs.xfs than Debian 12's, "mkfs": "newer", which only the sid
// kernel's guest has). Files in core or evicted (DAX, or not
// DAX under dax=inode; realtime; whole-file reflink clones), tasks (with
// threads) mapping them (by PTEs, or wholly by 2 MiB PMDs), optionally a
// userspace freeze or an XFS_IOC_GOINGDOWN before the event, and an unbind of
// either namespace, a madvise(MADV_HWPOISON) by a mapping task, or memory
// failures of pages nobody consumes (outside the filesystem, AG headers,
// xattr blocks, file data: one write to hard_offline_page each), optionally
// followed by a umount. The guest builds the files itself, so the kernel
// chooses the blocks; the model is then run on what the guest reports.
#ifndef DAXFAIL_ORACLE_PLAN_HPP
#define DAXFAIL_ORACLE_PLAN_HPP

#include <daxfail/oracle/actor_plan.hpp>
#include <daxfail/oracle/scale.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>
#include <string>

namespace daxfail::oracle {

namespace detail {
/// Whether a task of the world becomes a task of the plan: the unbinder, or whoever reports a memory failure
/// nobody maps, is the guest itself.
inline bool planned_task(const scenario& s, const task& t) {
    return !t.vmas.empty() || (t.pid == s.event.current_tid && s.event.madvise_vaddr);
}

/// The world's plan, without the actors (actor_plan.hpp adds them).
inline std::optional<nlohmann::ordered_json> plan_of_world(const scenario& s, std::string& why) {
    using json = nlohmann::ordered_json;
    const world& w = s.world;
    auto no = [&](std::string reason) -> std::optional<json> {
        why = std::move(reason);
        return std::nullopt;
    };
    // The guest has two namespaces: namespace0.0 (1 GiB) for the filesystem, namespace1.0 (256 MiB) for an
    // external log or the realtime device.
    if (w.devices.size() > 2) return no("more than two pmem devices (the guest has two namespaces)");
    if (w.mp.data.target.device != 0) return no("a data section on a second pmem device");
    if (w.devices.size() == 2 && !w.mp.log && !w.mp.rt) return no("a second pmem device the filesystem does not use");
    if (w.mp.log && w.mp.rt) return no("both an external log and a realtime device (the guest has one more namespace)");
    if ((w.mp.log && (w.mp.log->device != 1 || w.mp.log->part_off != 0)) ||
        (w.mp.rt && (w.mp.rt->target.device != 1 || w.mp.rt->target.part_off != 0)))
        return no("a log or realtime section on a partition");
    // rmapbt with a realtime device: Debian 12's mkfs.xfs 6.1 refuses it ('rmapbt not supported with realtime
    // devices'); realtime rmap needs rtgroups (xfsprogs 6.14). The plan asks for the newer mkfs.xfs, which the
    // guest has only with a kernel of a newer suite (sid: `daxfail oracle` runs it there alone).
    const bool newer_mkfs = w.mp.rt && w.mp.data.has_rmapbt;
    // A partition of namespace0.0 from part_off to its end; a filesystem smaller than its block device is made with
    // mkfs.xfs -d size= (half the guest's namespace: mkfs.xfs refuses less than 300 MB).
    const auto& data = w.mp.data;
    if (data.target.part_off != 0 && data.target.part_off + data.target.nr_bytes != w.devices[0].size)
        return no("a partition that ends before its namespace does (the guest's partition runs to the end)");
    if (data.target.part_off % page_size) return no("a partition not aligned to 4 KiB (DAX refuses it)");
    const bool fs_smaller = data.blocks * w.mp.blocksize < data.target.nr_bytes;
    // Windows only a race reaches: the explore command's concurrent actors are the way to them.
    if (!w.mp.sb.born)
        return no("a filesystem that is not SB_BORN: only an unbind racing the mount reaches it (a race, for "
                  "concurrent actors)");
    if (w.mp.sb.freeze_in_progress || !w.scheduled_thaws.empty())
        return no("a freeze in progress or a thaw during the event (a race, for concurrent actors)");
    bool userspace_freeze = false;
    for (const auto& h : w.mp.sb.holds) {
        if (h.holder != freeze_holder::userspace || userspace_freeze)
            return no("a kernel freeze holder (FREEZE_HOLDER_KERNEL): on Debian 6.12 only online fsck's summary "
                      "counter check takes one, for the moment of its check (a race, for concurrent actors)");
        userspace_freeze = true;
    }
    // XFS_IOC_GOINGDOWN (xfs_fs_goingdown, 6.1 and 6.12): DEFAULT (sync, then) and LOGFLUSH shut down with
    // SHUTDOWN_FORCE_UMOUNT, NOLOGFLUSH with SHUTDOWN_FORCE_UMOUNT | SHUTDOWN_LOG_IO_ERROR; any other reason needs a
    // real error. DEFAULT leaves the state LOGFLUSH does, so the guest uses LOGFLUSH for both.
    std::string goingdown;
    if (w.mp.shutdown_flags == shutdown_flag::force_umount) goingdown = "logflush";
    else if (w.mp.shutdown_flags == (shutdown_flag::force_umount | shutdown_flag::log_io_error)) goingdown = "nologflush";
    else if (w.mp.shutdown_flags != 0)
        return no("a filesystem already shut down for another reason than XFS_IOC_GOINGDOWN (as corrupt: a real machine "
                  "gets there by an earlier failure, a second event the guest's plans do not chain)");
    if (!w.hwpoison.empty()) return no("pages poisoned before the event");
    json plan;
    plan["name"] = s.name;
    if (data.target.part_off != 0) plan["partition"] = {{"start", data.target.part_off}};
    if (fs_smaller) plan["data_bytes"] = u64{512} << 20;
    if (w.mp.log) plan["second_namespace"] = "log";
    if (w.mp.rt) plan["second_namespace"] = "realtime";
    if (newer_mkfs) {
        plan["mkfs"] = "newer";
        plan["rt_groups"] = w.mp.rt->group_count;
    }
    plan["early_kill_sysctl"] = w.early_kill_sysctl;
    plan["rmapbt"] = w.mp.data.has_rmapbt;
    plan["reflink"] = w.mp.reflink;
    if (userspace_freeze) plan["freeze"] = "userspace";
    if (!goingdown.empty()) plan["goingdown"] = goingdown;
    bool any_non_dax = false;
    plan["files"] = json::array();
    std::map<u64, std::string> names;
    for (const auto& [ino, ip] : w.inodes) {
        if (ip.reclaiming)
            return no("an inode being reclaimed (evicted but not yet freed: a moment no user interface can hold; a race, "
                      "for concurrent actors)");
        if (ip.realtime && !w.mp.rt) return no("a realtime file without a realtime device");
        if (ip.size % page_size) return no("a file size that is not whole pages");
        names[ino] = ip.name.empty() ? "f" + std::to_string(ino) : ip.name;
        json file = {{"name", names[ino]}, {"pages", ip.size / page_size}, {"dax", ip.dax}};
        if (ip.realtime) file["realtime"] = true;
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
        if (!planned_task(s, t)) continue;
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
    // Inodes not in core: the guest evicts every inode nobody holds (drop_caches), so those must be exactly the
    // files nobody maps.
    std::set<u64> mapped;
    for (const auto& t : w.tasks)
        for (const auto& v : t.vmas) mapped.insert(v.ino);
    bool evict = false, unmapped_in_core = false;
    for (const auto& [ino, ip] : w.inodes) {
        if (!ip.in_core && mapped.count(ino)) return no("an inode not in core that a task maps (a mapping holds its inode)");
        evict |= !ip.in_core;
        unmapped_in_core |= ip.in_core && !mapped.count(ino);
    }
    if (evict && unmapped_in_core)
        return no("an inode in core that nobody maps next to one evicted (drop_caches evicts both)");
    if (evict) plan["evict"] = true;
    if (s.event.umount_after) plan["umount_after"] = true;
    if (s.event.kind == event_kind::unbind) {
        plan["event"] = {{"kind", "unbind"}};
        if (s.event.device == 1) plan["event"]["namespace"] = "namespace1.0";
        return plan;
    }
    if (!s.event.madvise_vaddr) {
        // Memory failures the guest reports itself, one write to hard_offline_page per page (memory_failure() from
        // a task that maps nothing): a page outside the filesystem, an AG header, an xattr block, or file data.
        if (s.event.whole_range_notification)
            return no("one notification for several pages (no kernel caller sends one: memory_failure() goes a page "
                      "at a time)");
        if (s.event.device != 0) return no("a memory failure on the second namespace");
        if (w.mp.blocksize != page_size || s.event.offset % page_size || s.event.length % page_size)
            return no("a memory failure not in whole 4 KiB pages");
        for (const auto& t : w.tasks)
            if (t.pid == s.event.current_tid && t.mm && !t.vmas.empty() && (s.event.mf_flags & mf::action_required))
                return no("a machine check consumed by a task that maps the filesystem (action required): the guest "
                          "injects from a task that maps nothing");
        const u64 agblocks = data.group_blocks;
        json pages = json::array();
        bool old_form = false;  // one AG header or xattr page: the plan form the recorded reports use
        for (u64 at = s.event.offset; at < s.event.offset + s.event.length; at += page_size) {
            if (at < data.target.part_off || at >= data.target.part_off + data.blocks * page_size) {
                pages.push_back({{"namespace_offset", at}});
                continue;
            }
            const u64 block = (at - data.target.part_off) / page_size;
            const u32 g = static_cast<u32>(block / agblocks);
            json item;
            for (const auto& r : data.rmap.at(g)) {
                const u64 first = u64{g} * agblocks + r.startblock;
                if (block < first || block >= first + r.blockcount) continue;
                if (r.attr_fork && names.count(r.owner) && r.blockcount == 1) {
                    item = {{"attr_of", names.at(r.owner)}};  // the guest gives the file an xattr too big for its inode
                    old_form = true;
                } else if (!r.attr_fork && !r.bmbt_block && names.count(r.owner)) {
                    item = {{"file", names.at(r.owner)}, {"page", r.offset + (block - first)}};
                } else if (r.owner == rmap_owner::fs && r.startblock == 0) {
                    item = {{"group", g}, {"agbno", block - u64{g} * agblocks}};  // mkfs puts AG headers there
                    old_form = true;
                } else {
                    return no("a memory failure in metadata other than the AG headers and xattr blocks");
                }
            }
            if (item.is_null()) return no("a memory failure in a free block (the guest cannot tell which are free)");
            pages.push_back(item);
        }
        if (pages.size() == 1 && old_form) {
            plan["event"] = {{"kind", "memory_failure"}};
            for (const auto& [k, v] : pages[0].items()) plan["event"][k] = v;
        } else {
            plan["event"] = {{"kind", "memory_failure"}, {"pages", pages}};
        }
        return plan;
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
}  // namespace detail

/// The plan, or nullopt with `why` saying what the guest cannot express: the world and event, and the actors
/// of a concurrent scenario (actor_plan.hpp).
inline std::optional<nlohmann::ordered_json> plan_from_scenario(const scenario& s, std::string& why) {
    auto plan = detail::plan_of_world(s, why);
    if (!plan) return plan;
    if (!s.actors.empty()) {
        std::map<u32, std::size_t> task_of_pid;
        for (const auto& t : s.world.tasks)
            if (detail::planned_task(s, t)) task_of_pid.emplace(t.pid, task_of_pid.size());
        if (!add_actors(s, *plan, task_of_pid, why)) return std::nullopt;
    }
    if (!scale_to_guest(s, *plan, why)) return std::nullopt;
    return plan;
}

}  // namespace daxfail::oracle

#endif
