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

/// Says why the guest cannot make the world (the steps below return it): false, with `why` set.
inline bool refuse(std::string& why, std::string reason) {
    why = std::move(reason);
    return false;
}

/// The guest's devices: namespace0.0 (1 GiB) for the filesystem, whole, from a partition to its end, or smaller
/// than it; namespace1.0 (256 MiB) for an external log or the realtime device.
inline bool devices_fit(const world& w, std::string& why) {
    if (w.devices.size() > 2) return refuse(why, "more than two pmem devices (the guest has two namespaces)");
    if (w.mp.data.target.device != 0) return refuse(why, "a data section on a second pmem device");
    if (w.devices.size() == 2 && !w.mp.log && !w.mp.rt) return refuse(why, "a second pmem device the filesystem does not use");
    if (w.mp.log && w.mp.rt) return refuse(why, "both an external log and a realtime device (the guest has one more namespace)");
    if ((w.mp.log && (w.mp.log->device != 1 || w.mp.log->part_off != 0)) ||
        (w.mp.rt && (w.mp.rt->target.device != 1 || w.mp.rt->target.part_off != 0)))
        return refuse(why, "a log or realtime section on a partition");
    const auto& data = w.mp.data;
    if (data.target.part_off != 0 && data.target.part_off + data.target.nr_bytes != w.devices[0].size)
        return refuse(why, "a partition that ends before its namespace does (the guest's partition runs to the end)");
    if (data.target.part_off % page_size) return refuse(why, "a partition not aligned to 4 KiB (DAX refuses it)");
    return true;
}

/// The state of the filesystem before the event, as far as the guest can set it up: mounted (SB_BORN), frozen by
/// userspace or not, shut down by XFS_IOC_GOINGDOWN or not, no page poisoned yet. Windows only a race reaches
/// are for the explore command's concurrent actors.
inline bool state_reachable(const world& w, std::string& why) {
    if (!w.mp.sb.born)
        return refuse(why, "a filesystem that is not SB_BORN: only an unbind racing the mount reaches it (a race, for "
                           "concurrent actors)");
    if (w.mp.sb.freeze_in_progress || !w.scheduled_thaws.empty())
        return refuse(why, "a freeze in progress or a thaw during the event (a race, for concurrent actors)");
    bool userspace_freeze = false;
    for (const auto& h : w.mp.sb.holds) {
        if (h.holder != freeze_holder::userspace || userspace_freeze)
            return refuse(why, "a kernel freeze holder (FREEZE_HOLDER_KERNEL): on Debian 6.12 only online fsck's summary "
                               "counter check takes one, for the moment of its check (a race, for concurrent actors)");
        userspace_freeze = true;
    }
    const u32 flags = w.mp.shutdown_flags;
    if (flags != 0 && flags != shutdown_flag::force_umount &&
        flags != (shutdown_flag::force_umount | shutdown_flag::log_io_error))
        return refuse(why, "a filesystem already shut down for another reason than XFS_IOC_GOINGDOWN (as corrupt: a real "
                           "machine gets there by an earlier failure, a second event the guest's plans do not chain)");
    if (!w.hwpoison.empty()) return refuse(why, "pages poisoned before the event");
    return true;
}

/// XFS_IOC_GOINGDOWN (xfs_fs_goingdown, 6.1 and 6.12): DEFAULT (sync, then) and LOGFLUSH shut down with
/// SHUTDOWN_FORCE_UMOUNT, NOLOGFLUSH with SHUTDOWN_FORCE_UMOUNT | SHUTDOWN_LOG_IO_ERROR; any other reason needs a
/// real error (state_reachable refuses it). DEFAULT leaves the state LOGFLUSH does, so the guest uses LOGFLUSH for
/// both. Empty when the filesystem is not shut down.
inline std::string goingdown_of(const world& w) {
    if (w.mp.shutdown_flags == shutdown_flag::force_umount) return "logflush";
    if (w.mp.shutdown_flags == (shutdown_flag::force_umount | shutdown_flag::log_io_error)) return "nologflush";
    return "";
}

/// The plan's filesystem and the machine around it: partition, size, second namespace, mkfs.xfs, features, the
/// early-kill sysctl, a userspace freeze, a shutdown.
inline nlohmann::ordered_json plan_setup(const scenario& s) {
    const world& w = s.world;
    const auto& data = w.mp.data;
    // rmapbt with a realtime device: Debian 12's mkfs.xfs 6.1 refuses it ('rmapbt not supported with realtime
    // devices'); realtime rmap needs rtgroups (xfsprogs 6.14). The plan asks for the newer mkfs.xfs, which the
    // guest has only with a kernel of a newer suite (sid: `daxfail oracle` runs it there alone).
    const bool newer_mkfs = w.mp.rt && w.mp.data.has_rmapbt;
    // A partition of namespace0.0 from part_off to its end; a filesystem smaller than its block device is made with
    // mkfs.xfs -d size= (half the guest's namespace: mkfs.xfs refuses less than 300 MB).
    const bool fs_smaller = data.blocks * w.mp.blocksize < data.target.nr_bytes;
    const std::string goingdown = goingdown_of(w);
    nlohmann::ordered_json plan;
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
    if (!w.mp.sb.holds.empty()) plan["freeze"] = "userspace";  // state_reachable let only one userspace hold through
    if (!goingdown.empty()) plan["goingdown"] = goingdown;
    return plan;
}

/// The data extents of an owner in the reverse map, as (AG, startblock, blockcount, offset).
inline std::vector<std::tuple<std::size_t, u32, u32, u64>> rmap_extents_of(const world& w, u64 owner) {
    std::vector<std::tuple<std::size_t, u32, u32, u64>> out;
    for (std::size_t g = 0; g < w.mp.data.rmap.size(); ++g)
        for (const auto& r : w.mp.data.rmap[g])
            if (r.owner == owner) out.emplace_back(g, r.startblock, r.blockcount, r.offset);
    return out;
}

/// Whether two owners' extents share a block.
inline bool extents_overlap(const std::vector<std::tuple<std::size_t, u32, u32, u64>>& mine,
                            const std::vector<std::tuple<std::size_t, u32, u32, u64>>& theirs) {
    for (const auto& a : mine)
        for (const auto& b : theirs)
            if (std::get<0>(a) == std::get<0>(b) && std::get<1>(a) < std::get<1>(b) + std::get<2>(b) &&
                std::get<1>(b) < std::get<1>(a) + std::get<2>(a))
                return true;
    return false;
}

/// The plan's files, in inode order, named in `names`, and the mount's dax= mode (inode when one is not DAX). A
/// file whose blocks another file owns too is made with FICLONE, whole-file only.
inline bool add_files(const world& w, nlohmann::ordered_json& plan, std::map<u64, std::string>& names, std::string& why) {
    bool any_non_dax = false;
    plan["files"] = nlohmann::ordered_json::array();
    for (const auto& [ino, ip] : w.inodes) {
        if (ip.reclaiming)
            return refuse(why, "an inode being reclaimed (evicted but not yet freed: a moment no user interface can hold; "
                               "a race, for concurrent actors)");
        if (ip.realtime && !w.mp.rt) return refuse(why, "a realtime file without a realtime device");
        if (ip.size % page_size) return refuse(why, "a file size that is not whole pages");
        names[ino] = ip.name.empty() ? "f" + std::to_string(ino) : ip.name;
        nlohmann::ordered_json file = {{"name", names[ino]}, {"pages", ip.size / page_size}, {"dax", ip.dax}};
        if (ip.realtime) file["realtime"] = true;
        for (const auto& [other, name] : names)
            if (other != ino && w.mp.reflink) {
                const auto mine = rmap_extents_of(w, ino), theirs = rmap_extents_of(w, other);
                if (mine == theirs && w.inodes.at(other).size == ip.size) file["clone_of"] = name;
                else if (extents_overlap(mine, theirs)) return refuse(why, "a partly shared (reflinked) file");
            }
        plan["files"].push_back(file);
        any_non_dax |= !ip.dax;
    }
    plan["mount_dax"] = any_non_dax ? "inode" : "always";
    return true;
}

/// One VMA of a task's plan. A VMA mapped by PMDs is mapped by them wholly: the guest aligns the file's blocks to
/// 2 MiB, maps it at the 2 MiB aligned address and touches the first page of each 2 MiB, so a read fault maps a
/// PMD; its file goes in `pmd_files`.
inline bool add_vma(const vma& v, const std::map<u64, std::string>& names, nlohmann::ordered_json& vmas,
                    std::map<u64, bool>& pmd_files, std::string& why) {
    using json = nlohmann::ordered_json;
    u64 by_pmd = 0;
    for (const auto& r : v.present)
        if (r.value == mapping_size::pmd) by_pmd += r.last - r.first + 1;
    json touch = json::array();
    if (by_pmd) {
        constexpr u64 per_pmd = pmd_pages;
        if (by_pmd != v.pages || v.pgoff % per_pmd || v.pages % per_pmd || v.start % (per_pmd * page_size))
            return refuse(why, "a mapping only partly made of PMDs (the guest maps a VMA wholly by PMDs or by PTEs)");
        for (u64 p = v.pgoff; p < v.pgoff + v.pages; p += per_pmd) touch.push_back(p);
        pmd_files[v.ino] = true;
        vmas.push_back({{"file", names.at(v.ino)}, {"pgoff", v.pgoff}, {"pages", v.pages},
                        {"start", daxfail::detail::hex(v.start)}, {"pmd", true}, {"touch", touch}});
        return true;
    }
    for (const auto& r : v.present)
        for (u64 p = r.first; p <= r.last; ++p) touch.push_back(p);
    vmas.push_back({{"file", names.at(v.ino)}, {"pgoff", v.pgoff}, {"pages", v.pages},
                    {"start", daxfail::detail::hex(v.start)}, {"touch", touch}});
    return true;
}

/// The plan's tasks: comm and PR_MCE_KILL policy of each thread, and the VMAs; `current_task` is the place of the
/// event's current among them. A file some VMA maps by PMDs is allocated 2 MiB aligned ("align_2m").
inline bool add_tasks(const scenario& s, nlohmann::ordered_json& plan, const std::map<u64, std::string>& names,
                      std::optional<std::size_t>& current_task, std::string& why) {
    using json = nlohmann::ordered_json;
    plan["tasks"] = json::array();
    std::map<u64, bool> pmd_files;  // files some VMA maps by PMDs
    for (const auto& t : s.world.tasks) {
        if (!planned_task(s, t)) continue;
        if (!t.mm) return refuse(why, "a kernel thread as current");
        auto mce_kill = [](const thread& th) { return !th.mce_process ? "default" : th.mce_early ? "early" : "late"; };
        json task = {{"comm", t.comm}, {"mce_kill", mce_kill(t.threads[0])}};
        if (t.threads.size() > 1) {
            task["threads"] = json::array();
            for (std::size_t i = 1; i < t.threads.size(); ++i)
                task["threads"].push_back({{"comm", t.threads[i].comm}, {"mce_kill", mce_kill(t.threads[i])}});
        }
        task["vmas"] = json::array();
        for (const auto& v : t.vmas)
            if (!add_vma(v, names, task["vmas"], pmd_files, why)) return false;
        if (t.pid == s.event.current_tid) current_task = plan["tasks"].size();
        plan["tasks"].push_back(task);
    }
    for (auto& f : plan["files"])
        for (const auto& [ino, name] : names)
            if (pmd_files.count(ino) && f["name"] == name) {
                if (!f.value("dax", true) || f.contains("clone_of"))
                    return refuse(why, "a PMD mapping of a file that is not DAX or is a clone");
                f["align_2m"] = true;  // the guest allocates it 2 MiB aligned and contiguous
            }
    return true;
}

/// Inodes not in core: the guest evicts every inode nobody holds (drop_caches), so those must be exactly the files
/// nobody maps. Then a umount after the event.
inline bool add_eviction(const scenario& s, nlohmann::ordered_json& plan, std::string& why) {
    const world& w = s.world;
    std::set<u64> mapped;
    for (const auto& t : w.tasks)
        for (const auto& v : t.vmas) mapped.insert(v.ino);
    bool evict = false, unmapped_in_core = false;
    for (const auto& [ino, ip] : w.inodes) {
        if (!ip.in_core && mapped.count(ino)) return refuse(why, "an inode not in core that a task maps (a mapping holds its inode)");
        evict |= !ip.in_core;
        unmapped_in_core |= ip.in_core && !mapped.count(ino);
    }
    if (evict && unmapped_in_core)
        return refuse(why, "an inode in core that nobody maps next to one evicted (drop_caches evicts both)");
    if (evict) plan["evict"] = true;
    if (s.event.umount_after) plan["umount_after"] = true;
    return true;
}

/// What one failed page at `at` (a byte offset in namespace0.0) is to the guest: outside the filesystem, an AG
/// header, an xattr block or file data; `old_form` marks the AG header and xattr forms.
inline bool failure_page(const world& w, const std::map<u64, std::string>& names, u64 at, nlohmann::ordered_json& item,
                         bool& old_form, std::string& why) {
    const auto& data = w.mp.data;
    const u64 agblocks = data.group_blocks;
    if (at < data.target.part_off || at >= data.target.part_off + data.blocks * page_size) {
        item = {{"namespace_offset", at}};
        return true;
    }
    const u64 block = (at - data.target.part_off) / page_size;
    const u32 g = static_cast<u32>(block / agblocks);
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
            return refuse(why, "a memory failure in metadata other than the AG headers and xattr blocks");
        }
    }
    if (item.is_null()) return refuse(why, "a memory failure in a free block (the guest cannot tell which are free)");
    return true;
}

/// Memory failures the guest reports itself, one write to hard_offline_page per page (memory_failure() from a task
/// that maps nothing): a page outside the filesystem, an AG header, an xattr block, or file data.
inline bool add_memory_failures(const scenario& s, nlohmann::ordered_json& plan, const std::map<u64, std::string>& names,
                                std::string& why) {
    using json = nlohmann::ordered_json;
    const world& w = s.world;
    if (s.event.whole_range_notification)
        return refuse(why, "one notification for several pages (no kernel caller sends one: memory_failure() goes a "
                           "page at a time)");
    if (s.event.device != 0) return refuse(why, "a memory failure on the second namespace");
    if (w.mp.blocksize != page_size || s.event.offset % page_size || s.event.length % page_size)
        return refuse(why, "a memory failure not in whole 4 KiB pages");
    for (const auto& t : w.tasks)
        if (t.pid == s.event.current_tid && t.mm && !t.vmas.empty() && (s.event.mf_flags & mf::action_required))
            return refuse(why, "a machine check consumed by a task that maps the filesystem (action required): the "
                               "guest injects from a task that maps nothing");
    json pages = json::array();
    bool old_form = false;  // one AG header or xattr page: the plan form the recorded reports use
    for (u64 at = s.event.offset; at < s.event.offset + s.event.length; at += page_size) {
        json item;
        if (!failure_page(w, names, at, item, old_form, why)) return false;
        pages.push_back(item);
    }
    if (pages.size() == 1 && old_form) {
        plan["event"] = {{"kind", "memory_failure"}};
        for (const auto& [k, v] : pages[0].items()) plan["event"][k] = v;
    } else {
        plan["event"] = {{"kind", "memory_failure"}, {"pages", pages}};
    }
    return true;
}

/// One page poisoned with madvise(MADV_HWPOISON) by the mapping task that is current.
inline bool add_madvise(const scenario& s, nlohmann::ordered_json& plan, const std::map<u64, std::string>& names,
                        std::optional<std::size_t> current_task, std::string& why) {
    if (!s.event.madvise_vaddr || s.event.length != page_size || s.event.whole_range_notification || !current_task)
        return refuse(why, "a memory failure other than one page poisoned with madvise by a mapping task");
    for (const auto& t : s.world.tasks)
        if (t.pid == s.event.current_tid)
            for (const auto& v : t.vmas) {
                const u64 a = *s.event.madvise_vaddr;
                if (a >= v.start && (a - v.start) / page_size < v.pages) {
                    plan["event"] = {{"kind", "madvise"}, {"task", *current_task}, {"file", names.at(v.ino)},
                                     {"page", v.pgoff + (a - v.start) / page_size}};
                    return true;
                }
            }
    return refuse(why, "madvise at an address current does not map");
}

/// The plan's event: an unbind of either namespace, memory failures the guest reports, or a madvise.
inline bool add_event(const scenario& s, nlohmann::ordered_json& plan, const std::map<u64, std::string>& names,
                      std::optional<std::size_t> current_task, std::string& why) {
    if (s.event.kind == event_kind::unbind) {
        plan["event"] = {{"kind", "unbind"}};
        if (s.event.device == 1) plan["event"]["namespace"] = "namespace1.0";
        return true;
    }
    if (!s.event.madvise_vaddr) return add_memory_failures(s, plan, names, why);
    return add_madvise(s, plan, names, current_task, why);
}

/// The world's plan, without the actors (actor_plan.hpp adds them).
inline std::optional<nlohmann::ordered_json> plan_of_world(const scenario& s, std::string& why) {
    if (!devices_fit(s.world, why) || !state_reachable(s.world, why)) return std::nullopt;
    auto plan = plan_setup(s);
    std::map<u64, std::string> names;
    std::optional<std::size_t> current_task;
    if (!add_files(s.world, plan, names, why) || !add_tasks(s, plan, names, current_task, why) ||
        !add_eviction(s, plan, why) || !add_event(s, plan, names, current_task, why))
        return std::nullopt;
    return plan;
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
