// The event and what it left: the administrator's steps before it (evict, freeze, snapshot, shutdown), the
// unbind, hard_offline_page writes or madvise, then the tasks' mappings, HWPoison, signals and the kernel's log.
#ifndef DAXFAIL_ORACLE_GUEST_EVENT_HPP
#define DAXFAIL_ORACLE_GUEST_EVENT_HPP

#include "actors.hpp"

#include <daxfail/snapshot/snapshot.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// Inodes nobody holds are dropped from core: FIFREEZE/FITHAW writes every logged inode back (a dirty inode is
/// not reclaimed), then drop_caches evicts the unreferenced ones; the second pass reclaims what background
/// inactivation (speculative preallocation beyond EOF) had queued.
void evict_unheld_inodes(plan_run& r) {
    r.report["evict_freeze"] = ioctl(r.mnt, FIFREEZE, 0) == 0 ? 0 : -errno;
    r.report["evict_thaw"] = ioctl(r.mnt, FITHAW, 0) == 0 ? 0 : -errno;
    sync();
    r.report["evict_drop_caches"] = write_file("/proc/sys/vm/drop_caches", "2");
    usleep(300000);
    write_file("/proc/sys/vm/drop_caches", "2");
}

/// What `daxfail snapshot` sees of this machine (tests/snapshot.cpp runs the model on it).
void take_snapshot(plan_run& r) {
    daxfail::snapshot::options so;
    so.mounts = {"/mnt"};
    const auto snap = daxfail::snapshot::take_snapshots(so);
    r.report["snapshot"] = snap.scenarios.empty() ? json(nullptr) : snap.scenarios.front().second;
    if (!snap.errors.empty() || !snap.warnings.empty()) {
        r.report["snapshot_errors"] = snap.errors;
        r.report["snapshot_warnings"] = snap.warnings;
    }
}

/// The machine as the plan has it when the event comes: inodes evicted, an administrator's freeze or shutdown,
/// a snapshot before an unbind, and an empty kernel log (only the event's messages remain).
void prepare_event(plan_run& r) {
    const json& plan = r.plan;
    r.mnt = open("/mnt", O_RDONLY | O_DIRECTORY);
    if (plan.value("evict", false)) evict_unheld_inodes(r);
    // An administrator's freeze (FIFREEZE, FREEZE_HOLDER_USERSPACE) held across the event.
    if (plan.value("freeze", std::string()) == "userspace") r.report["freeze_return"] = ioctl(r.mnt, FIFREEZE, 0) == 0 ? 0 : -errno;
    // Not when inodes were evicted for the plan: the snapshot opens every file and would bring them back in core.
    if (plan["event"]["kind"] == "unbind" && !plan.value("evict", false)) take_snapshot(r);
    // An administrator's shutdown before the event (XFS_IOC_GOINGDOWN, after the snapshot: FIEMAP fails on a
    // shut-down filesystem). xfs_fs.h is not installed here, so the ioctl number is spelled out.
    if (plan.contains("goingdown")) {
        const unsigned long xfs_ioc_goingdown = _IOR('X', 125, std::uint32_t);
        std::uint32_t flags = plan["goingdown"] == "nologflush" ? 2 : 1;  // XFS_FSOP_GOING_FLAGS_{NO,}LOGFLUSH
        r.report["goingdown_return"] = ioctl(r.mnt, xfs_ioc_goingdown, &flags) == 0 ? 0 : -errno;
    }
    klogctl(5, nullptr, 0);  // clear the ring buffer: only the event's messages remain
}

/// Where each page of a memory failure is, as a byte offset in namespace0.0: given as such, an AG block (blocks
/// of `bs` bytes, `agblocks` to an AG), a page of a file, or a file's xattr block.
std::uint64_t failure_offset(const plan_run& r, const json& pg, std::uint64_t bs, std::uint64_t agblocks) {
    if (pg.contains("namespace_offset")) return number(pg["namespace_offset"]);
    std::uint64_t offset = 0;
    if (pg.contains("attr_of")) {
        for (const auto& f : r.report["files"])
            if (f["name"] == pg["attr_of"] && !f["attr_extents"].empty())
                offset = r.part_off + f["attr_extents"][0]["physical"].get<std::uint64_t>();
        return offset;
    }
    if (pg.contains("file")) return namespace_offset_of(r.report["files"], r.part_off, pg["file"], number(pg["page"]));
    return r.part_off + (number(pg["group"]) * agblocks + number(pg["agbno"])) * bs;
}

/// The physical addresses a memory failure writes to hard_offline_page, one per page; their offsets in the
/// namespace go in the report.
std::vector<std::string> hard_offline_addresses(plan_run& r) {
    const auto& ev = r.plan["event"];
    std::vector<std::string> writes;
    json offsets = json::array();
    const auto& geo = r.report["geometry"];
    const std::uint64_t bs = geo["blocksize"].get<std::uint64_t>(), agblocks = geo["agblocks"].get<std::uint64_t>();
    const json pages = ev.contains("pages") ? ev["pages"] : json::array({ev});
    for (const auto& pg : pages) {
        const std::uint64_t offset = failure_offset(r, pg, bs, agblocks);
        offsets.push_back(offset);
        writes.push_back(physical_address(offset));
    }
    r.report["event_offset"] = offsets.empty() ? 0 : offsets[0].get<std::uint64_t>();
    r.report["event_offsets"] = offsets;
    return writes;
}

/// The unbind, or each page's write to hard_offline_page (memory_failure(pfn, MF_SW_SIMULATED)), made by a child
/// of the guest (same comm): if the kernel oopses in it, the child dies and the guest reports.
void notify_device(plan_run& r) {
    const auto& ev = r.plan["event"];
    std::vector<std::string> writes;
    std::string target;
    if (ev["kind"] == "unbind") {
        target = "/sys/bus/nd/drivers/nd_pmem/unbind";
        writes.push_back(ev.value("namespace", std::string("namespace0.0")));
    } else {
        target = "/sys/devices/system/memory/hard_offline_page";
        writes = hard_offline_addresses(r);
    }
    const auto done = in_child([&] {
        std::string out;
        mark(std::string(ev["kind"].get<std::string>()) + " starts");
        logbuf->event_start_ns = now_ns();
        for (const auto& w : writes) out += std::to_string(write_file(target.c_str(), w)) + " ";
        logbuf->event_end_ns = now_ns();
        mark(std::string(ev["kind"].get<std::string>()) + " returns");
        return out;
    });
    r.report["unbinder_pid"] = done.pid;
    json returns = json::array();
    std::istringstream words(done.out);
    for (int rc; words >> rc;) returns.push_back(rc);
    r.report["event_returns"] = returns;
    r.report["event_return"] = returns.empty() ? 0 : returns[0].get<int>();
    r.report["event_end"] = done.end;
    if (!done.task.is_null()) r.report["event_task"] = done.task;
    if (done.waited_seconds) r.report["event_wait_seconds"] = done.waited_seconds;  // the model's patience
    if (done.signal) r.report["event_signal"] = done.signal;
}

/// MADV_HWPOISON by the task the event names, on its page of the file.
void madvise_event(plan_run& r) {
    const auto& ev = r.plan["event"];
    const std::size_t t = ev["task"].get<std::size_t>();
    std::uint64_t addr = 0;
    for (const auto& v : r.plan["tasks"][t]["vmas"])
        if (v["file"] == ev["file"]) addr = number(v["start"]) + (number(ev["page"]) - number(v["pgoff"])) * page;
    logbuf->event_start_ns = now_ns();
    const std::string reply = ask(t, "madvise " + std::to_string(addr));
    logbuf->event_end_ns = now_ns();
    r.report["event_end"] = reply == "null" ? "hung" : "returned";
    r.report["event_return"] = reply == "null" ? 0 : std::stoi(reply);
}

/// The actors' steps in the report: each actor has finished, or is given until 20 s after the event came back
/// (or gave up); a step still running then is "blocked" (or named by its task's state), one whose start
/// condition never came is "never ran".
void report_actors(plan_run& r, const actor_stage& stage) {
    const auto& actors = stage.actors;
    const long long deadline = now_ns() + 20LL * 1000000000LL;
    auto all_done = [&] { return std::all_of(actors.begin(), actors.end(), [](const auto& a) { return a->finished.load(); }); };
    while (!all_done() && now_ns() < deadline) usleep(1000);
    json out = json::array();
    for (const auto& a : actors) {
        std::lock_guard<std::mutex> lock(a->m);
        json steps = a->steps;
        for (std::size_t k = steps.size(); k < a->decl["steps"].size(); ++k) {
            const auto& st = a->decl["steps"][k];
            json rec = {{"op", st["op"]}, {"end", k == steps.size() && !a->finished ? (a->acting ? "blocked" : "waiting") : "never ran"}};
            // A step still in the kernel: the state of the task making it (R: a loop in the kernel; D/S: a wait).
            if (rec["end"] == "blocked" && st.contains("task")) {
                rec["task_state"] = task_state(children.at(st["task"].get<std::size_t>()).pid);
                rec["end"] = end_of_state(rec["task_state"]);
            }
            steps.push_back(rec);
        }
        out.push_back({{"name", a->decl["name"]}, {"steps", steps}});
    }
    r.report["actors"] = out;
    const long long s0 = logbuf->event_start_ns.load(), s1 = logbuf->event_end_ns.load();
    if (s0 && s1) r.report["event_us"] = (s1 - s0) / 1000;
}

/// The file pages a task's "check" touches, as [first, last], where pagemap is not read after the event.
json pages_checked_by_touch(const json& t) {
    json not_read = json::array();
    for (const auto& v : t["vmas"]) {
        const std::uint64_t pgoff = number(v["pgoff"]), pages = number(v["pages"]);
        if (pages == 0) continue;
        if (pages <= 4096 || (v["touch"].is_string() && v["touch"] == "all"))
            not_read.push_back({pgoff, pgoff + pages - 1});
        else
            for (const auto& pg : v["touch"]) not_read.push_back({number(pg), number(pg)});
    }
    return not_read;
}

/// Live PTEs after the event, before anything touches a page (touching would map zapped pages again). After an
/// unbind that ended (returned, or killed by an oops) the namespace's struct pages are gone, and on kernels from
/// 6.15 on reading pagemap over a DAX mapping that stayed oopses (pagemap_pmd_range; 7.2): there what stays
/// mapped is told by touching every page the check touches ("pagemap_not_read_after": on a shut-down filesystem
/// a page no longer mapped cannot fault back in). An unbind still in the kernel (spinning, blocked) has not
/// removed them yet: pagemap is read.
void read_present_after(plan_run& r) {
    const std::string end = r.report.value("event_end", std::string());
    const bool unbind_ended = r.plan["event"]["kind"] == "unbind" && end != "spinning" && end != "blocked" && end != "hung";
    const bool skip_pagemap_after = unbind_ended && !daxfail::snapshot::detail::pagemap_safe_after_unbind(r.release);
    for (std::size_t i = 0; i < children.size(); ++i) {
        json& task = r.report["tasks"][i];
        if (exited[i]) {  // an actor's exit: nothing of it is left to read
            task["exited"] = true;
            task["present_after"] = json::array();
            continue;
        }
        if (!skip_pagemap_after) {
            task["present_after"] = json::parse(ask(i, "present"));
            continue;
        }
        task["present_after"] = json::array();
        task["pagemap_not_read_after"] = pages_checked_by_touch(r.plan["tasks"][i]);
    }
}

/// Every signal the tasks received, each marked as received during the event or during the check after it.
json deliveries(int during_event) {
    json signals = json::array();
    for (int i = 0; i < logbuf->count.load() && i < 4096; ++i) {
        const auto& d = logbuf->d[i];
        signals.push_back({{"pid", d.pid}, {"signo", d.signo}, {"si_code", d.code}, {"addr", d.addr}, {"lsb", d.lsb},
                           {"phase", i < during_event ? "event" : "check"}});
    }
    return signals;
}

/// What the event left: the tasks' mappings, HWPoison on the pages mapped before, the pages that fault, the
/// signals, whether the filesystem still opens a file, the userspace freeze, and the kernel's log.
void observe_after_event(plan_run& r) {
    read_present_after(r);
    const int during_event = logbuf->count.load();
    json poisoned = json::array();
    for (auto pfn : r.file_pfns)
        if (hwpoison(pfn) && std::find(poisoned.begin(), poisoned.end(), pfn) == poisoned.end()) poisoned.push_back(pfn);
    r.report["hwpoison_pfns"] = poisoned;
    for (std::size_t i = 0; i < children.size(); ++i)
        r.report["tasks"][i]["faulting_pages_after"] = exited[i] ? json::array() : json::parse(ask(i, "check"));
    r.report["deliveries"] = deliveries(during_event);
    const std::string probe_path = r.plan["files"].empty() ? "/mnt/." : path_of(r.plan["files"][0]["name"].get<std::string>());
    const int probe = open(probe_path.c_str(), O_RDONLY);
    r.report["open_after"] = probe < 0 ? -errno : 0;
    if (probe >= 0) close(probe);
    // FITHAW succeeds only while the userspace holder still holds its freeze.
    if (r.plan.value("freeze", std::string()) == "userspace") r.report["userspace_thaw_after"] = ioctl(r.mnt, FITHAW, 0) == 0 ? 0 : -errno;
    close(r.mnt);
    const json log = kernel_log();
    r.report["kernel_log"] = log;
    if (const json oops = oops_in(log); !oops.is_null()) r.report["oops"] = oops;
}

/// Unmounting afterwards (the administrator's next step): evicting the inodes drops their DAX entries, whose
/// pages, after an unbind, belonged to the removed device. Done by a child, like the event.
void umount_after_event(plan_run& r) {
    klogctl(5, nullptr, 0);
    for (const auto& c : children) kill(c.pid, SIGKILL);  // their mappings hold the mount busy
    for (const auto& c : children) waitpid(c.pid, nullptr, 0);
    const auto done = in_child([] { return std::to_string(umount("/mnt") == 0 ? 0 : -errno); });
    json u = {{"end", done.end}, {"return", done.out.empty() ? json(nullptr) : json(std::stoi(done.out))}};
    if (!done.task.is_null()) u["task"] = done.task;
    const json ulog = kernel_log();
    u["kernel_log"] = ulog;
    if (const json oops = oops_in(ulog); !oops.is_null()) u["oops"] = oops;
    r.report["umount_after"] = u;
}

}  // namespace

#endif
