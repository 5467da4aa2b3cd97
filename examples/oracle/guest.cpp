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
//        "event": {"kind": "unbind"} | {"kind": "madvise", "task": 0, "file": "A", "page": 3}
//                 | {"kind": "memory_failure", "group": 1, "agbno": 2} | {"kind": "memory_failure", "attr_of": "A"},
//        optional: "rmapbt": false, "reflink": true with files[].clone_of, "mount_dax": "inode" with
//                  files[].dax, "freeze": "userspace", "goingdown": "logflush|nologflush",
//                  "early_kill_sysctl": true, files[].align_2m with tasks[].vmas[].pmd}
#include <daxfail/snapshot/snapshot.hpp>
#include <nlohmann/json.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/reboot.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000  // linux/stat.h, v5.8
#endif

namespace {

using json = nlohmann::ordered_json;
constexpr std::size_t page = 4096;

/// Signals delivered to any guest task, recorded in memory shared by all of them.
struct delivery {
    int pid, signo, code, lsb;  // pid: the thread that handled it (gettid)
    std::uint64_t addr;
    int during_check;
};
struct shared_log {
    std::atomic<int> count;
    int checking[64];
    delivery d[4096];
};
shared_log* logbuf = nullptr;
bool pagemap_over_pmd_safe = true;  ///< false where reading pagemap over a DAX PMD oopses the kernel (6.1)
thread_local sigjmp_buf* fault_jump = nullptr;

void on_sigbus(int signo, siginfo_t* si, void*) {
    const int i = logbuf->count.fetch_add(1);
    if (i < 4096)
        logbuf->d[i] = {static_cast<int>(gettid()), signo, si->si_code, static_cast<int>(si->si_addr_lsb),
                        reinterpret_cast<std::uint64_t>(si->si_addr), fault_jump != nullptr};
    // Action-required and access faults re-fault if we return: skip the access.
    if (fault_jump && si->si_code != BUS_MCEERR_AO) siglongjmp(*fault_jump, 1);
}

std::uint64_t number(const json& j) {
    return j.is_string() ? std::stoull(j.get<std::string>(), nullptr, 0) : j.get<std::uint64_t>();
}

int run(const std::vector<std::string>& argv) {
    const pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::uint32_t be32(const unsigned char* p) { return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }
std::uint64_t be64(const unsigned char* p) { return (std::uint64_t(be32(p)) << 32) | be32(p + 4); }

/// Present bit and pfn of a user page, from /proc/self/pagemap (root sees pfns).
std::pair<bool, std::uint64_t> pagemap(std::uint64_t addr) {
    const int fd = open("/proc/self/pagemap", O_RDONLY);
    std::uint64_t entry = 0;
    pread(fd, &entry, sizeof entry, static_cast<off_t>((addr / page) * sizeof entry));
    close(fd);
    return {(entry >> 63) & 1, entry & ((std::uint64_t{1} << 55) - 1)};
}

/// Physical address of the emulated pmem (memmap=1G!4G), from /proc/iomem.
std::uint64_t pmem_base() {
    std::ifstream in("/proc/iomem");
    for (std::string line; std::getline(in, line);)
        if (line.find("Persistent Memory") != std::string::npos) return std::stoull(line, nullptr, 16);
    return std::uint64_t{4} << 30;
}

/// KPF_HWPOISON (bit 19) of a pfn, from /proc/kpageflags.
bool hwpoison(std::uint64_t pfn) {
    const int fd = open("/proc/kpageflags", O_RDONLY);
    std::uint64_t flags = 0;
    pread(fd, &flags, sizeof flags, static_cast<off_t>(pfn * sizeof flags));
    close(fd);
    return (flags >> 19) & 1;
}

/// Reads one byte of every listed page, recording which ones fault.
json touch(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& pages) {
    json faults = json::array();
    for (const auto& [addr, pg] : pages) {
        sigjmp_buf jb;
        fault_jump = &jb;
        if (sigsetjmp(jb, 1) == 0) {
            volatile char c = *reinterpret_cast<volatile char*>(addr);
            (void)c;
        } else {
            faults.push_back(pg);
        }
        fault_jump = nullptr;
    }
    return faults;
}

/// The current plan's tasks: forked children obeying commands on a pipe.
struct child {
    pid_t pid;
    int cmd, ack;
    std::vector<int> tids;  ///< threads other than the leader
};
std::vector<child> children;

/// Writes `value` to a sysfs/procfs file; 0 or -errno.
int write_file(const char* path, const std::string& value) {
    const int fd = open(path, O_WRONLY);
    if (fd < 0) return -errno;
    const int rc = write(fd, value.data(), value.size()) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

/// A file's extents (data fork, or with FIEMAP_FLAG_XATTR the attr fork; inline data is not a block).
json fiemap_extents(int fd, std::uint32_t fork_flag) {
    std::vector<char> buf(sizeof(fiemap) + 64 * sizeof(fiemap_extent), 0);
    auto* m = reinterpret_cast<fiemap*>(buf.data());
    m->fm_length = ~0ull;
    m->fm_flags = FIEMAP_FLAG_SYNC | fork_flag;
    m->fm_extent_count = 64;
    json extents = json::array();
    if (ioctl(fd, FS_IOC_FIEMAP, m) == 0)
        for (unsigned i = 0; i < m->fm_mapped_extents; ++i)
            if (!(m->fm_extents[i].fe_flags & FIEMAP_EXTENT_DATA_INLINE))
                extents.push_back({{"logical", m->fm_extents[i].fe_logical},
                                   {"physical", m->fm_extents[i].fe_physical},
                                   {"length", m->fm_extents[i].fe_length}});
    return extents;
}

/// Runs one plan on a fresh filesystem and returns its report.
json run_plan(const json& plan) {
    const auto started = std::chrono::steady_clock::now();
    json report;
    utsname u{};
    uname(&u);
    report["uname_r"] = u.release;
    pagemap_over_pmd_safe = daxfail::snapshot::detail::pagemap_safe_over_dax_pmd(u.release);
    report["name"] = plan.value("name", std::string());

    const bool rmapbt = plan.value("rmapbt", true);
    const bool reflink = plan.value("reflink", false);
    const std::string features = std::string(rmapbt ? "rmapbt=1" : "rmapbt=0") + (reflink ? ",reflink=1" : ",reflink=0");
    bool align_2m = false;
    for (const auto& f : plan["files"]) align_2m |= f.value("align_2m", false);
    // A 2 MiB stripe unit: allocations at the end of a file start 2 MiB aligned on the device.
    report["mkfs"] = run({"/sbin/mkfs.xfs", "-q", "-f", "-m", features, "-d", align_2m ? "agcount=4,su=2m,sw=1" : "agcount=4",
                          "/dev/pmem0"});
    mkdir("/mnt", 0755);
    const std::string dax_mode = plan.value("mount_dax", std::string("always"));
    report["mount"] = mount("/dev/pmem0", "/mnt", "xfs", 0, ("dax=" + dax_mode).c_str()) == 0 ? 0 : -errno;

    // Geometry from the superblock.
    {
        unsigned char sb[512];
        const int fd = open("/dev/pmem0", O_RDONLY);
        if (pread(fd, sb, sizeof sb, 0) == static_cast<ssize_t>(sizeof sb))
            report["geometry"] = {{"blocksize", be32(sb + 4)}, {"dblocks", be64(sb + 8)}, {"agblocks", be32(sb + 84)},
                                  {"agcount", be32(sb + 88)}};
        close(fd);
        std::uint64_t bytes = 0;
        const int bfd = open("/dev/pmem0", O_RDONLY);
        ioctl(bfd, BLKGETSIZE64, &bytes);
        close(bfd);
        report["device_bytes"] = bytes;
    }

    if (plan.value("early_kill_sysctl", false))
        report["early_kill_sysctl"] = write_file("/proc/sys/vm/memory_failure_early_kill", "1") == 0;

    // Files: written (pwrite), synced, then their layout read back. Under dax=inode the non-DAX files are made
    // first, then FS_XFLAG_DAX is set on /mnt so that the files created after it inherit it.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < plan["files"].size(); ++i)
        if (!plan["files"][i].value("dax", true)) order.push_back(i);
    const std::size_t non_dax = order.size();
    for (std::size_t i = 0; i < plan["files"].size(); ++i)
        if (plan["files"][i].value("dax", true)) order.push_back(i);
    std::vector<json> files(plan["files"].size());
    for (std::size_t n = 0; n < order.size(); ++n) {
        if (n == non_dax && dax_mode == "inode") {
            const int dfd = open("/mnt", O_RDONLY | O_DIRECTORY);
            fsxattr fa{};
            ioctl(dfd, FS_IOC_FSGETXATTR, &fa);
            fa.fsx_xflags |= FS_XFLAG_DAX;
            report["set_dax_flag"] = ioctl(dfd, FS_IOC_FSSETXATTR, &fa) == 0 ? 0 : -errno;
            close(dfd);
        }
        const auto& f = plan["files"][order[n]];
        const std::string path = "/mnt/" + f["name"].get<std::string>();
        const int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
        std::vector<char> buf(page, 'a');
        if (f.contains("clone_of")) {  // a reflink copy: shares every block of its source
            const int src = open(("/mnt/" + f["clone_of"].get<std::string>()).c_str(), O_RDONLY);
            report["clone_" + f["name"].get<std::string>()] = ioctl(fd, FICLONE, src) == 0 ? 0 : -errno;
            close(src);
        } else {
            if (f.value("align_2m", false)) {
                // A 2 MiB extent size hint, then the whole file allocated at once: 2 MiB aligned and contiguous.
                fsxattr fa{};
                ioctl(fd, FS_IOC_FSGETXATTR, &fa);
                fa.fsx_xflags |= FS_XFLAG_EXTSIZE;
                fa.fsx_extsize = 2u << 20;
                report["extsize_" + f["name"].get<std::string>()] = ioctl(fd, FS_IOC_FSSETXATTR, &fa) == 0 ? 0 : -errno;
                report["fallocate_" + f["name"].get<std::string>()] =
                    fallocate(fd, 0, 0, static_cast<off_t>(number(f["pages"]) * page)) == 0 ? 0 : -errno;
            }
            for (std::uint64_t i = 0; i < number(f["pages"]); ++i) pwrite(fd, buf.data(), page, static_cast<off_t>(i * page));
        }
        if (plan["event"].value("attr_of", std::string()) == f["name"].get<std::string>()) {
            // Too big for the inode's literal area: the attr fork gets a block of its own.
            const std::string value(2048, 'x');
            report["setxattr"] = fsetxattr(fd, "user.daxfail", value.data(), value.size(), 0) == 0 ? 0 : -errno;
        }
        fsync(fd);
        struct stat st{};
        fstat(fd, &st);
        const json extents = fiemap_extents(fd, 0), attr_extents = fiemap_extents(fd, FIEMAP_FLAG_XATTR);
        struct statx stx{};
        statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
        close(fd);
        files[order[n]] = {{"name", f["name"]}, {"ino", st.st_ino}, {"size", st.st_size}, {"extents", extents},
                           {"dax", (stx.stx_attributes & STATX_ATTR_DAX) != 0}, {"attr_extents", attr_extents}};
    }
    report["files"] = files;

    logbuf = static_cast<shared_log*>(
        mmap(nullptr, sizeof(shared_log), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    new (logbuf) shared_log{};
    struct sigaction sa{};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;  // tasks must survive an AO signal while waiting
    sigaction(SIGBUS, &sa, nullptr);

    // Tasks: each maps its files, touches its pages, then obeys commands on a pipe.
    for (const auto& t : plan["tasks"]) {
        int to_child[2], to_parent[2];
        pipe(to_child);
        pipe(to_parent);
        const pid_t pid = fork();
        if (pid == 0) {
            prctl(PR_SET_NAME, t["comm"].get<std::string>().c_str());
            const std::string kill = t.value("mce_kill", "default");
            if (kill != "default")
                prctl(PR_MCE_KILL, PR_MCE_KILL_SET, kill == "early" ? PR_MCE_KILL_EARLY : PR_MCE_KILL_LATE, 0, 0);
            std::vector<std::pair<std::uint64_t, std::uint64_t>> mapped;  // address, file page
            std::vector<bool> unread;  // per mapped page: pagemap must not be read there (a DAX PMD on 6.1)
            json vmas = json::array();
            for (const auto& v : t["vmas"]) {
                const std::string path = "/mnt/" + v["file"].get<std::string>();
                const int fd = open(path.c_str(), O_RDONLY);
                const auto start = number(v["start"]), pgoff = number(v["pgoff"]), pages = number(v["pages"]);
                void* p = mmap(reinterpret_cast<void*>(start), pages * page, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE,
                               fd, static_cast<off_t>(pgoff * page));
                close(fd);
                const bool skip = v.value("pmd", false) && !pagemap_over_pmd_safe;
                for (std::uint64_t i = 0; i < pages; ++i) {
                    mapped.push_back({start + i * page, pgoff + i});
                    unread.push_back(skip);
                }
                std::vector<std::pair<std::uint64_t, std::uint64_t>> touched;
                for (const auto& pg : v["touch"]) touched.push_back({start + (number(pg) - pgoff) * page, number(pg)});
                touch(touched);
                (void)p;
            }
            // Further threads: each names itself, sets its own PR_MCE_KILL policy (a per-thread flag) and waits.
            std::string ready = "r";
            if (t.contains("threads"))
                for (const auto& th : t["threads"]) {
                    int tid_pipe[2];
                    pipe(tid_pipe);
                    const std::string comm = th["comm"].get<std::string>(), k = th.value("mce_kill", "default");
                    std::thread([comm, k, fd = tid_pipe[1]] {
                        prctl(PR_SET_NAME, comm.c_str());
                        if (k != "default")
                            prctl(PR_MCE_KILL, PR_MCE_KILL_SET, k == "early" ? PR_MCE_KILL_EARLY : PR_MCE_KILL_LATE, 0, 0);
                        const int tid = gettid();
                        write(fd, &tid, sizeof tid);
                        for (;;) pause();
                    }).detach();
                    int tid = 0;
                    read(tid_pipe[0], &tid, sizeof tid);
                    ready += " " + std::to_string(tid);
                }
            ready += "\n";
            write(to_parent[1], ready.data(), ready.size());
            for (;;) {
                char cmd[256] = {};
                ssize_t got;
                while ((got = read(to_child[0], cmd, sizeof cmd - 1)) < 0 && errno == EINTR) {
                }
                if (got <= 0) _exit(0);
                std::string c(cmd);
                std::string reply;
                if (c.rfind("madvise ", 0) == 0) {
                    const std::uint64_t addr = std::stoull(c.substr(8), nullptr, 0);
                    sigjmp_buf jb;
                    fault_jump = &jb;
                    volatile int rc = 0;
                    if (sigsetjmp(jb, 1) == 0) rc = madvise(reinterpret_cast<void*>(addr), page, MADV_HWPOISON) == 0 ? 0 : -errno;
                    fault_jump = nullptr;
                    reply = std::to_string(rc);
                } else if (c == "pfns") {
                    json pfns = json::array();
                    for (std::size_t m = 0; m < mapped.size(); ++m)
                        if (unread[m]) continue;
                        else if (const auto [present, pfn] = pagemap(mapped[m].first); present) pfns.push_back({mapped[m].second, pfn});
                    reply = pfns.dump();
                } else if (c == "present") {
                    json present = json::array();
                    for (std::size_t m = 0; m < mapped.size(); ++m)
                        if (!unread[m] && pagemap(mapped[m].first).first) present.push_back(mapped[m].second);
                    reply = present.dump();
                } else if (c == "check") {
                    reply = touch(mapped).dump();
                }
                reply += "\n";
                write(to_parent[1], reply.data(), reply.size());
            }
        }
        std::string ready;
        for (char ch; read(to_parent[0], &ch, 1) == 1 && ch != '\n';) ready += ch;
        std::istringstream tids(ready.substr(1));
        std::vector<int> thread_ids;
        for (int tid; tids >> tid;) thread_ids.push_back(tid);
        children.push_back({pid, to_child[1], to_parent[0], thread_ids});
    }
    auto ask = [&](std::size_t i, const std::string& cmd) {
        write(children[i].cmd, cmd.data(), cmd.size());
        std::string reply;
        char ch;
        while (read(children[i].ack, &ch, 1) == 1 && ch != '\n') reply += ch;
        return reply;
    };
    report["tasks"] = json::array();
    for (std::size_t i = 0; i < children.size(); ++i) {
        report["tasks"].push_back({{"comm", plan["tasks"][i]["comm"]}, {"pid", children[i].pid}, {"tids", children[i].tids}});
        json not_read = json::array();  // file pages of PMD VMAs whose pagemap is never read, as [first, last]
        for (const auto& v : plan["tasks"][i]["vmas"])
            if (v.value("pmd", false) && !pagemap_over_pmd_safe && number(v["pages"]) > 0)
                not_read.push_back({number(v["pgoff"]), number(v["pgoff"]) + number(v["pages"]) - 1});
        if (!not_read.empty()) report["tasks"][i]["pagemap_not_read"] = not_read;
    }
    report["unbinder_pid"] = getpid();
    std::vector<std::uint64_t> file_pfns;  // every mapped DAX pfn, to read HWPoison afterwards
    for (std::size_t i = 0; i < children.size(); ++i) {
        report["tasks"][i]["pfns_before"] = json::parse(ask(i, "pfns"));
        for (const auto& e : report["tasks"][i]["pfns_before"]) file_pfns.push_back(e[1].get<std::uint64_t>());
    }

    // Every task but `current` is stopped across the event. A SIGBUS sent to a stopped task stays pending and
    // the later ones coalesce into it (a legacy signal queues once), so what each task receives is the first
    // SIGBUS the kernel sent it, not whatever the scheduler let it handle between two sends.
    const auto& ev = plan["event"];
    const std::size_t current = ev["kind"] == "madvise" ? ev["task"].get<std::size_t>() : children.size();
    for (std::size_t i = 0; i < children.size(); ++i) {
        report["tasks"][i]["stopped_during_event"] = i != current;
        if (i == current) continue;
        kill(children[i].pid, SIGSTOP);
        int st = 0;
        waitpid(children[i].pid, &st, WUNTRACED);
    }

    // An administrator's freeze (FIFREEZE, FREEZE_HOLDER_USERSPACE) held across the event.
    const bool freeze = plan.value("freeze", std::string()) == "userspace";
    const int mnt = open("/mnt", O_RDONLY | O_DIRECTORY);
    if (freeze) report["freeze_return"] = ioctl(mnt, FIFREEZE, 0) == 0 ? 0 : -errno;

    // Before an unbind: what `daxfail snapshot` sees of this machine (tests/snapshot.cpp runs the model on it).
    if (ev["kind"] == "unbind") {
        daxfail::snapshot::options so;
        so.mounts = {"/mnt"};
        const auto snap = daxfail::snapshot::take_snapshots(so);
        report["snapshot"] = snap.scenarios.empty() ? json(nullptr) : snap.scenarios.front().second;
        if (!snap.errors.empty() || !snap.warnings.empty()) {
            report["snapshot_errors"] = snap.errors;
            report["snapshot_warnings"] = snap.warnings;
        }
    }
    // An administrator's shutdown before the event (XFS_IOC_GOINGDOWN, after the snapshot: FIEMAP fails on a
    // shut-down filesystem). xfs_fs.h is not installed here, so the ioctl number is spelled out.
    if (plan.contains("goingdown")) {
        const unsigned long xfs_ioc_goingdown = _IOR('X', 125, std::uint32_t);
        std::uint32_t flags = plan["goingdown"] == "nologflush" ? 2 : 1;  // XFS_FSOP_GOING_FLAGS_{NO,}LOGFLUSH
        report["goingdown_return"] = ioctl(mnt, xfs_ioc_goingdown, &flags) == 0 ? 0 : -errno;
    }
    klogctl(5, nullptr, 0);  // clear the ring buffer: only the event's messages remain
    if (ev["kind"] == "unbind") {
        report["event_return"] = write_file("/sys/bus/nd/drivers/nd_pmem/unbind", "namespace0.0");
    } else if (ev["kind"] == "memory_failure") {
        // hard_offline_page takes a physical address: memory_failure(pfn, MF_SW_SIMULATED) from this task.
        const auto& geo = report["geometry"];
        std::uint64_t offset = 0;
        if (ev.contains("attr_of")) {
            for (const auto& f : report["files"])
                if (f["name"] == ev["attr_of"] && !f["attr_extents"].empty()) offset = f["attr_extents"][0]["physical"];
        } else {
            offset = (number(ev["group"]) * geo["agblocks"].get<std::uint64_t>() + number(ev["agbno"])) *
                     geo["blocksize"].get<std::uint64_t>();
        }
        const std::string addr = "0x" + [](std::uint64_t v) {
            char b[32];
            std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
            return std::string(b);
        }(pmem_base() + offset);
        report["event_return"] = write_file("/sys/devices/system/memory/hard_offline_page", addr);
        report["event_offset"] = offset;
    } else {
        const std::size_t t = ev["task"].get<std::size_t>();
        std::uint64_t addr = 0;
        for (const auto& v : plan["tasks"][t]["vmas"])
            if (v["file"] == ev["file"]) addr = number(v["start"]) + (number(ev["page"]) - number(v["pgoff"])) * page;
        report["event_return"] = std::stoi(ask(t, "madvise " + std::to_string(addr)));
    }
    for (std::size_t i = 0; i < children.size(); ++i)
        if (i != current) kill(children[i].pid, SIGCONT);
    usleep(200000);  // a thread's own pending signal is handled by that thread, not before its leader answers
    // Live PTEs first (touching would map zapped pages again), then HWPoison, then re-reads. A task answers only
    // after its handler ran for the signal pending since the event.
    for (std::size_t i = 0; i < children.size(); ++i) report["tasks"][i]["present_after"] = json::parse(ask(i, "present"));
    const int during_event = logbuf->count.load();
    json poisoned = json::array();
    for (auto pfn : file_pfns)
        if (hwpoison(pfn) && std::find(poisoned.begin(), poisoned.end(), pfn) == poisoned.end()) poisoned.push_back(pfn);
    report["hwpoison_pfns"] = poisoned;
    for (std::size_t i = 0; i < children.size(); ++i)
        report["tasks"][i]["faulting_pages_after"] = json::parse(ask(i, "check"));

    json signals = json::array();
    for (int i = 0; i < logbuf->count.load() && i < 4096; ++i) {
        const auto& d = logbuf->d[i];
        signals.push_back({{"pid", d.pid}, {"signo", d.signo}, {"si_code", d.code}, {"addr", d.addr}, {"lsb", d.lsb},
                           {"phase", i < during_event ? "event" : "check"}});
    }
    report["deliveries"] = signals;
    const std::string probe_path = plan["files"].empty() ? "/mnt/." : "/mnt/" + plan["files"][0]["name"].get<std::string>();
    const int probe = open(probe_path.c_str(), O_RDONLY);
    report["open_after"] = probe < 0 ? -errno : 0;
    if (probe >= 0) close(probe);
    // FITHAW succeeds only while the userspace holder still holds its freeze.
    if (freeze) report["userspace_thaw_after"] = ioctl(mnt, FITHAW, 0) == 0 ? 0 : -errno;
    close(mnt);

    std::vector<char> klog(1 << 20);
    const int n = klogctl(3, klog.data(), static_cast<int>(klog.size()));
    std::istringstream lines(std::string(klog.data(), n > 0 ? static_cast<std::size_t>(n) : 0));
    json log = json::array();
    for (std::string line; std::getline(lines, line);) log.push_back(line);
    report["kernel_log"] = log;

    report["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
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
    for (const auto& path : paths) {
        std::ifstream in(path);
        const json plan = json::parse(in);
        const json report = run_plan(plan);
        const std::string text = report.dump() + "\n";
        std::fwrite(text.data(), 1, text.size(), out);
        std::fflush(out);
        fsync(fileno(out));
        if (plan["event"]["kind"] == "unbind" || !clean_up(report)) break;
    }
    fsync(fileno(out));
    sync();
    reboot(LINUX_REBOOT_CMD_POWER_OFF);
    return 0;
}
