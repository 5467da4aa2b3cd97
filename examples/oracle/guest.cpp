// The oracle's guest side: runs inside a qemu guest booted from a Debian
// kernel with emulated pmem (memmap=1G!4G), as PID 1 after the init script
// loaded the nvdimm and xfs modules. It builds one scenario's world for real
// (files on an XFS mounted dax=always, tasks mapping them), performs the event
// (unbind of namespace0.0, or MADV_HWPOISON by a task), and reports what it
// observed as JSON on the second serial port (/dev/ttyS1), one line per plan.
// Input: /plans/*.json (or /plan.json); see main() for when a boot ends early.
//
// A VMA with "pmd": true is mapped wholly by 2 MiB PMDs: its file ("align_2m") is made on an XFS with a 2 MiB
// stripe unit, gets a 2 MiB extent size hint and is allocated in one fallocate, so FIEMAP shows it 2 MiB aligned
// and contiguous; it is mapped at its 2 MiB aligned address and its first page of each 2 MiB is read, so the
// fault maps a PMD. Reading /proc/PID/pagemap over a DAX PMD oopses Debian's 6.1.192 (pagemap_pmd_range), so
// on kernels before 6.12 such VMAs are never read there: they are reported in "pagemap_not_read" and what is
// still mapped after the event is told by touching them (a page that no longer is faults on the shut-down fs).
//
// Tasks other than `current` are stopped across the event (see there). Before an unbind the guest also
// takes a `daxfail snapshot` of itself (include/daxfail/snapshot/) and reports it as "snapshot".
//
// Plan: {"files": [{"name": "A", "pages": 16}, ...],
//        "tasks": [{"comm": "reader", "mce_kill": "default|early|late",
//                   "vmas": [{"file": "A", "pgoff": 0, "pages": 16, "start": "0x7f0000000000",
//                             "touch": [0, 1, ...]}]}],
//        "event": {"kind": "unbind", "namespace": "namespace0.0|namespace1.0"}
//                 | {"kind": "madvise", "task": 0, "file": "A", "page": 3}
//                 | {"kind": "memory_failure", "group": 1, "agbno": 2} | {"kind": "memory_failure", "attr_of": "A"}
//                 | {"kind": "memory_failure", "pages": [{"namespace_offset": N} | {"group", "agbno"} |
//                                                       {"attr_of"} | {"file", "page"}, ...]},
//        optional: "rmapbt": false, "reflink": true with files[].clone_of, "mount_dax": "inode" with
//                  files[].dax, "freeze": "userspace", "goingdown": "logflush|nologflush",
//                  "early_kill_sysctl": true, files[].align_2m with tasks[].vmas[].pmd,
//                  "partition": {"start": bytes} (one MS-DOS partition to the end of pmem0),
//                  "data_bytes": N (mkfs.xfs -d size=N), "second_namespace": "log|realtime" (pmem1) with
//                  files[].realtime, "evict": true (drop the inodes nobody maps), "umount_after": true,
//                  "reread": {"task": i, "file": "A", "page": p} (task i reads that page in a loop across the
//                  event instead of being stopped; reports "reread": {reads, faults}),
//                  "mkfs": "newer" (the newer mkfs.xfs in /newer, which the initramfs of a kernel from a newer
//                  suite carries: rmapbt with a realtime device, i.e. rtgroups) with "rt_groups": N,
//                  tasks[].vmas[].write (mapped writable, for an actor's write fault), tasks[].keep_running,
//                  "actors": [{"name", "steps": [{"op": "FIFREEZE|FITHAW|fault|munmap|exit|madvise|unbind|
//                             memory_failure", "task", "file", "page", "pages", "write", "namespace",
//                             "when": {"after": "plan_start|event_started|event_returned|signal|log|step",
//                                      "task" (signal), "match" (log: a substring of a kernel log line),
//                                      "actor", "step" (step), "delay_us"}}]}]
//                  (oracle/actor_plan.hpp and race_plan.hpp write them; each actor is a thread of the guest, its
//                  steps' results are reported in "actors", the event's duration in "event_us", and "daxfail: ..."
//                  lines in the kernel's log mark where each step and the event began and ended)}
//
// The unbind and the hard_offline_page writes, and the umount, are made by a child: an oops kills the child,
// and the report carries the oops's first line and RIP function ("oops"); a child that does not come back is
// reported by its state ("event_end": "spinning" or "blocked", "event_task": state, wchan, stack; see in_child);
// a boot with an oops or an event that did not return ends with sysrq b, since a clean power-off would wait for
// the locks the dead or stuck task holds.
//
// run_plan below takes a plan through its steps in order; they live in guest/, one part of the plan each:
// world.hpp (filesystem, files), tasks.hpp (the tasks and their commands), actors.hpp (a concurrent plan's
// threads), event.hpp (the steps before the event, the event, what it left); child.hpp and system.hpp are what
// they share. A new step is a function in the header of its part and one call in run_plan.
#include "guest/event.hpp"

#include <dirent.h>
#include <linux/reboot.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

/// Runs one plan on a fresh filesystem and returns its report: the world built (filesystem, files, tasks), the
/// stage set (tasks stopped or running, the administrator's steps, the actors), the event, then what it left.
json run_plan(const json& plan) {
    const auto started = std::chrono::steady_clock::now();
    plan_run r(plan);
    name_kernel(r);
    make_filesystem(r);
    read_geometry(r);
    make_ag_directories(r);
    if (plan.value("early_kill_sysctl", false))
        r.report["early_kill_sysctl"] = write_file("/proc/sys/vm/memory_failure_early_kill", "1") == 0;
    create_files(r);
    install_sigbus_log();
    start_tasks(plan);
    describe_tasks(r);
    stop_bystanders(r);
    prepare_event(r);
    actor_stage stage{plan, r.mnt, r.report["files"], r.part_off, 0, {}};
    start_actors(stage);
    if (plan["event"]["kind"] == "unbind" || plan["event"]["kind"] == "memory_failure") notify_device(r);
    else madvise_event(r);
    if (!stage.actors.empty()) report_actors(r, stage);
    if (r.rereader < children.size()) r.report["reread"] = json::parse(ask(r.rereader, "reread-stop"));
    for (std::size_t i = 0; i < children.size(); ++i)
        if (i != r.current && i != r.rereader) kill(children[i].pid, SIGCONT);
    usleep(200000);  // a thread's own pending signal is handled by that thread, not before its leader answers
    // A task answers only after its handler ran for the signal pending since the event.
    observe_after_event(r);
    if (plan.value("umount_after", false)) umount_after_event(r);
    r.report["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r.report;
}

/// Leaves the machine as the next plan expects it: no tasks, no mount, the namespace bound afresh (which
/// re-initialises the struct pages of the pmem, HWPoison included), the sysctl back to 0. Only after a memory
/// failure: after an unbind, unmounting evicts inodes whose DAX entries point into the struct pages of the
/// removed device, and both 6.1 and 6.12 oops in dax_disassociate_entry (seen here); that boot ends instead.
bool clean_up(const json& report) {
    for (const auto& c : children) {
        kill(c.pid, SIGKILL);
        waitpid(c.pid, nullptr, 0);
        close(c.cmd);
        close(c.ack);
    }
    children.clear();
    munmap(logbuf, sizeof(shared_log));
    if (umount("/mnt") != 0) return false;
    if (write_file("/sys/bus/nd/drivers/nd_pmem/unbind", "namespace0.0") != 0) return false;
    if (write_file("/sys/bus/nd/drivers/nd_pmem/bind", "namespace0.0") != 0) return false;
    for (int i = 0; i < 100 && access("/dev/pmem0", F_OK) != 0; ++i) usleep(20000);
    write_file("/proc/sys/vm/memory_failure_early_kill", "0");
    (void)report;
    return access("/dev/pmem0", F_OK) == 0;
}

}  // namespace

/// Runs the plans in /plans (sorted by name; or /plan.json), one report per line on /dev/ttyS1, and powers
/// off after the first unbind (see clean_up) or a failed clean-up: the host boots again for the plans that
/// got no report.
int main() {
    std::FILE* out = std::fopen("/dev/ttyS1", "w");
    prctl(PR_SET_NAME, "sh");
    std::vector<std::string> paths;
    if (DIR* d = opendir("/plans")) {
        while (dirent* e = readdir(d))
            if (std::string n = e->d_name; n.size() > 5 && n.substr(n.size() - 5) == ".json") paths.push_back("/plans/" + n);
        closedir(d);
    }
    std::sort(paths.begin(), paths.end());
    if (paths.empty()) paths.push_back("/plan.json");
    bool wedged = false;  // an oops or a hang left locks held: a clean power-off would wait for them
    for (const auto& path : paths) {
        std::ifstream in(path);
        const json plan = json::parse(in);
        const json report = run_plan(plan);
        wedged = report.contains("oops") || report.value("event_end", "") != "returned" ||
                 (report.contains("umount_after") && report["umount_after"].value("end", "") != "returned");
        const std::string text = report.dump() + "\n";
        std::fwrite(text.data(), 1, text.size(), out);
        std::fflush(out);
        fsync(fileno(out));
        tcdrain(fileno(out));  // the UART sends it before an emergency restart can cut it short
        // After an oops or a hang the kernel holds locks a clean-up would wait for: end the boot.
        if (plan["event"]["kind"] == "unbind" || report.contains("oops") || report.value("event_end", "") != "returned" ||
            !clean_up(report))
            break;
    }
    fsync(fileno(out));
    // power_off shuts every device down and would wait for the device lock an oopsed unbind still holds; an
    // emergency restart (sysrq b) skips that, and qemu -no-reboot exits on it.
    if (wedged) write_file("/proc/sysrq-trigger", "b");
    reboot(LINUX_REBOOT_CMD_POWER_OFF);
    return 0;
}
