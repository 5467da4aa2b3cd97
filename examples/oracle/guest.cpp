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
#include <daxfail/snapshot/snapshot.hpp>
#include <nlohmann/json.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
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
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
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
    // CLOCK_MONOTONIC ns when the event's child issued its first write, and when it came back (0: not yet):
    // what the actors' start conditions wait for (plan "actors").
    std::atomic<long long> event_start_ns, event_end_ns;
};
shared_log* logbuf = nullptr;
bool pagemap_over_pmd_safe = true;  ///< false where reading pagemap over a DAX PMD oopses the kernel (6.1)
unsigned inode_ag_shift = 63;       ///< sb_inopblog + sb_agblklog of the filesystem made for the plan
thread_local sigjmp_buf* fault_jump = nullptr;

long long now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}
// A task's re-read loop (plan "reread"): reads one page over and over across the event, counting reads and faults.
std::atomic<bool> reread_stop{false}, reread_done{false};
std::atomic<long> reread_reads{0}, reread_faults{0};

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

/// The /proc/self/pagemap entries of `pages` pages from `addr` (bit 63 present, bits 0-54 the pfn: root sees
/// pfns), in one read.
std::vector<std::uint64_t> pagemap_range(std::uint64_t addr, std::uint64_t pages) {
    std::vector<std::uint64_t> entries(pages, 0);
    const int fd = open("/proc/self/pagemap", O_RDONLY);
    pread(fd, entries.data(), pages * sizeof(std::uint64_t), static_cast<off_t>((addr / page) * sizeof(std::uint64_t)));
    close(fd);
    return entries;
}

/// One mapping of a task: where, which file pages, and whether pagemap may be read over it.
struct mapped_vma {
    std::uint64_t start, pgoff, pages;
    bool unread;  ///< a DAX PMD VMA on a kernel whose pagemap oopses over it (6.1)
    std::vector<std::uint64_t> touch;
};

/// Physical addresses of the emulated pmem regions (memmap=1G!4G, then the second namespace), from /proc/iomem.
std::vector<std::uint64_t> pmem_bases() {
    std::vector<std::uint64_t> out;
    std::ifstream in("/proc/iomem");
    for (std::string line; std::getline(in, line);)
        if (line.find("Persistent Memory") != std::string::npos && line[0] != ' ') out.push_back(std::stoull(line, nullptr, 16));
    std::sort(out.begin(), out.end());
    if (out.empty()) out.push_back(std::uint64_t{4} << 30);
    return out;
}

/// Size of a block device in bytes (BLKGETSIZE64), 0 when it cannot be opened.
std::uint64_t device_bytes(const std::string& dev) {
    std::uint64_t bytes = 0;
    const int fd = open(dev.c_str(), O_RDONLY);
    if (fd < 0) return 0;
    ioctl(fd, BLKGETSIZE64, &bytes);
    close(fd);
    return bytes;
}

/// Waits up to 5 s for a device node to appear.
bool wait_for(const std::string& path) {
    for (int i = 0; i < 250 && access(path.c_str(), F_OK) != 0; ++i) usleep(20000);
    return access(path.c_str(), F_OK) == 0;
}

/// Writes an MS-DOS partition table on /dev/pmem0 with one Linux partition from `start` (bytes) to the end of the
/// namespace (rounded down to 4 KiB, or DAX is refused), and rescans. 0 or -errno.
int make_partition(std::uint64_t start) {
    const std::uint64_t total = device_bytes("/dev/pmem0");
    const std::uint64_t end = total / page * page;
    const std::uint32_t first = static_cast<std::uint32_t>(start / 512), count = static_cast<std::uint32_t>((end - start) / 512);
    unsigned char mbr[512] = {};
    unsigned char* e = mbr + 446;
    e[1] = 0xfe; e[2] = 0xff; e[3] = 0xff;  // CHS start: use the LBA fields
    e[4] = 0x83;                            // Linux
    e[5] = 0xfe; e[6] = 0xff; e[7] = 0xff;
    for (int i = 0; i < 4; ++i) {
        e[8 + i] = static_cast<unsigned char>(first >> (8 * i));
        e[12 + i] = static_cast<unsigned char>(count >> (8 * i));
    }
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    const int fd = open("/dev/pmem0", O_RDWR);
    if (fd < 0) return -errno;
    int rc = pwrite(fd, mbr, sizeof mbr, 0) == static_cast<ssize_t>(sizeof mbr) ? 0 : -errno;
    fsync(fd);
    if (rc == 0) rc = ioctl(fd, BLKRRPART, 0) == 0 ? 0 : -errno;
    close(fd);
    if (rc == 0 && !wait_for("/dev/pmem0p1")) rc = -ENOENT;
    return rc;
}

/// Removes any partition table a previous plan left on /dev/pmem0.
void clear_partitions() {
    const int fd = open("/dev/pmem0", O_RDWR);
    if (fd < 0) return;
    unsigned char zero[512] = {};
    unsigned char first[512] = {};
    if (pread(fd, first, sizeof first, 0) == static_cast<ssize_t>(sizeof first) && first[510] == 0x55 && first[511] == 0xaa) {
        pwrite(fd, zero, sizeof zero, 0);
        fsync(fd);
        ioctl(fd, BLKRRPART, 0);
    }
    close(fd);
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

/// Reads (or writes) one byte at `addr`: 0, or the negated si_code of the SIGBUS it got (-1 when none was logged).
/// Nothing this function changes after sigsetjmp lives in a register the longjmp could restore.
int access_page(std::uint64_t addr, bool write_it) {
    sigjmp_buf jb;
    fault_jump = &jb;
    const int before = logbuf->count.load();
    if (sigsetjmp(jb, 1) != 0) {
        fault_jump = nullptr;
        const int n = std::min(logbuf->count.load(), 4096) - 1;
        return n >= before ? -logbuf->d[n].code : -1;
    }
    auto* at = reinterpret_cast<volatile char*>(addr);
    if (write_it) *at = 'b';
    else (void)*at;
    fault_jump = nullptr;
    return 0;
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
    constexpr unsigned most = 1024;
    std::vector<char> buf(sizeof(fiemap) + most * sizeof(fiemap_extent), 0);
    auto* m = reinterpret_cast<fiemap*>(buf.data());
    m->fm_length = ~0ull;
    m->fm_flags = FIEMAP_FLAG_SYNC | fork_flag;
    m->fm_extent_count = most;
    json extents = json::array();
    if (ioctl(fd, FS_IOC_FIEMAP, m) == 0)
        for (unsigned i = 0; i < m->fm_mapped_extents; ++i)
            if (!(m->fm_extents[i].fe_flags & FIEMAP_EXTENT_DATA_INLINE))
                extents.push_back({{"logical", m->fm_extents[i].fe_logical},
                                   {"physical", m->fm_extents[i].fe_physical},
                                   {"length", m->fm_extents[i].fe_length}});
    return extents;
}

/// One line from `fd` (without its newline; end of file ends it too), or nullopt when nothing arrives for
/// `timeout_ms`.
std::optional<std::string> read_line(int fd, int timeout_ms) {
    std::string line;
    char ch;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
        if (read(fd, &ch, 1) != 1 || ch == '\n') return line;
        line += ch;
    }
}

/// What the kernel shows of a task that has not come back: its State line of /proc/PID/status ("R (running)"),
/// /proc/PID/wchan, and the functions of /proc/PID/stack ("[<0>] fn+0x12/0x40 [mod]" -> "fn"; empty when the
/// kernel does not show it).
json task_state(pid_t pid) {
    const std::string dir = "/proc/" + std::to_string(pid) + "/";
    json out = {{"state", ""}, {"wchan", ""}, {"stack", json::array()}};
    {
        std::ifstream status(dir + "status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("State:", 0) == 0) {
                const auto at = line.find_first_not_of(" \t", 6);
                out["state"] = at == std::string::npos ? "" : line.substr(at);
            }
    }
    {
        std::ifstream wchan(dir + "wchan");
        std::string w;
        std::getline(wchan, w);
        out["wchan"] = w;
    }
    std::ifstream stack(dir + "stack");
    for (std::string line; std::getline(stack, line);) {
        auto at = line.find("] ");
        std::string fn = at == std::string::npos ? line : line.substr(at + 2);
        fn = fn.substr(0, fn.find_first_of("+ "));
        if (!fn.empty()) out["stack"].push_back(fn);
    }
    return out;
}

/// How a task that has not come back is named by its state: "spinning" while it runs (R: a loop in the kernel),
/// "blocked" while it sleeps (D or S: waiting for something), "hung" otherwise (the name of every such end before
/// the guest read the state; the host still reads it in recorded reports).
std::string end_of_state(const json& task) {
    const std::string state = task.value("state", std::string());
    if (state.rfind("R", 0) == 0) return "spinning";
    if (state.rfind("D", 0) == 0 || state.rfind("S", 0) == 0) return "blocked";
    return "hung";
}

/// What a child did: its pid, the line it wrote, and how it ended: "returned", "killed" by an oops, or, with no
/// answer, "spinning", "blocked" or "hung" (end_of_state) with the kernel's view of the task in `task`.
struct child_result {
    pid_t pid = 0;
    std::string out, end;
    int signal = 0;
    json task;  ///< task_state() when it did not answer
    int waited_seconds = 0;  ///< how long the guest waited for an answer that did not come
};

/// Runs fn in a child of the guest (same comm), so that an oops in the kernel path kills the child, not the guest.
/// A child that has not answered after 10 s is looked at: one running in the kernel is given 5 s more (a walk
/// that ends returns within them; one that spins does not), one sleeping 20 s more (30 s in all, the wait of
/// every event before), then it is reported by its state at that moment.
child_result in_child(const std::function<std::string()>& fn) {
    int result[2];
    pipe(result);
    child_result r;
    r.pid = fork();
    if (r.pid == 0) {
        const std::string out = fn() + "\n";
        write(result[1], out.data(), out.size());
        _exit(0);
    }
    close(result[1]);
    auto line = read_line(result[0], 10000);
    if (!line) {
        const json first = task_state(r.pid);
        const bool running = end_of_state(first) == "spinning";
        line = read_line(result[0], running ? 5000 : 20000);
        if (!line) {
            r.task = task_state(r.pid);
            r.end = end_of_state(r.task);
            r.waited_seconds = running ? 15 : 30;
        }
    }
    const bool hung = !line;
    r.out = line.value_or("");
    close(result[0]);
    int status = 0;
    const bool reaped = !hung && waitpid(r.pid, &status, 0) == r.pid;
    if (!hung) r.end = reaped && WIFSIGNALED(status) ? "killed" : "returned";
    if (reaped && WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    return r;
}

/// The kernel's ring buffer, one string per line.
json kernel_log() {
    std::vector<char> klog(1 << 20);
    const int n = klogctl(3, klog.data(), static_cast<int>(klog.size()));
    std::istringstream lines(std::string(klog.data(), n > 0 ? static_cast<std::size_t>(n) : 0));
    json log = json::array();
    for (std::string line; std::getline(lines, line);) log.push_back(line);
    return log;
}

/// The first oops in a log: its first line and the function of its RIP ("RIP: 0010:fn+0x12/0x40 [mod]"), or null.
json oops_in(const json& log) {
    json oops;
    for (const auto& l : log) {
        const std::string line = l.get<std::string>();
        if (oops.is_null()) {
            for (const char* mark : {"BUG: ", "Oops: ", "general protection fault", "kernel BUG at"})
                if (line.find(mark) != std::string::npos) {
                    oops = {{"first_line", line.substr(line.find(mark))}};
                    break;
                }
            continue;
        }
        if (const auto at = line.find("RIP: 0010:"); at != std::string::npos && !oops.contains("rip")) {
            std::string fn = line.substr(at + 10);
            fn = fn.substr(0, fn.find_first_of("+ "));
            oops["rip"] = fn;
        }
    }
    return oops;
}

/// A line of the guest's own in the kernel's log ("daxfail: ..."): with actors, where each step and the event
/// began and ended among the kernel's lines.
bool marks_log = false;
void mark(const std::string& text) {
    if (!marks_log) return;
    const int fd = open("/dev/kmsg", O_WRONLY);
    if (fd < 0) return;
    const std::string line = "<6>daxfail: " + text;
    write(fd, line.data(), line.size());
    close(fd);
}

/// Where each file of the plan is: /mnt/NAME, or, for a file placed in an AG ("ag"), in a directory whose inode
/// is in that AG (XFS allocates a file's data near its inode).
std::map<std::string, std::string> file_paths;
std::string path_of(const std::string& name) {
    const auto it = file_paths.find(name);
    return it == file_paths.end() ? "/mnt/" + name : it->second;
}

/// Tasks that left during the plan (an actor's "exit"): nobody asks them anything afterwards.
std::atomic<bool> exited[64];

/// One actor of a concurrent plan ("actors"), run by a thread of the guest: each step waits for its start
/// condition ("when": the event started or returned, a task's first SIGBUS since the event started, another
/// actor's step done; then "delay_us"), then acts: FIFREEZE/FITHAW on the mount, a command to a task (fault,
/// munmap, exit, madvise), or a second notification by a child of the guest (an unbind, a hard_offline_page
/// write). Times are microseconds from the event's start.
struct actor_run {
    json decl;
    json steps = json::array();  ///< guarded by `m`
    std::mutex m;
    std::atomic<int> done{0};         ///< steps that returned
    std::atomic<bool> finished{false};
    std::atomic<bool> acting{false};  ///< inside a step's system call (not waiting for its start condition)
};

/// Runs `fn` in a child of the guest and returns the line it wrote, or nullopt when none came within `ms` (an
/// oops in the child's kernel path kills only the child).
std::optional<std::string> in_child_quick(const std::function<std::string()>& fn, int ms) {
    int fds[2];
    pipe(fds);
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string out = fn() + "\n";
        write(fds[1], out.data(), out.size());
        _exit(0);
    }
    close(fds[1]);
    auto line = read_line(fds[0], ms);
    close(fds[0]);
    if (line) waitpid(pid, nullptr, 0);
    return line;
}
/// What the steps of one plan share: the plan, the report each adds to in turn (its keys keep the order in
/// which the steps write them), the filesystem made for the plan and the tasks' parts in the event.
struct plan_run {
    explicit plan_run(const json& p) : plan(p) {}
    const json& plan;
    json report;
    std::string release;                   ///< uname -r
    std::string fs_dev = "/dev/pmem0";     ///< the namespace, or its one partition
    std::uint64_t part_off = 0;            ///< where the filesystem starts in the namespace
    std::string dax_mode;                  ///< the mount's dax= option
    bool newer_mkfs = false;               ///< the newer mkfs.xfs of /newer made the filesystem
    int mnt = -1;                          ///< /mnt, open from before the event to the end of the plan
    std::vector<std::uint64_t> file_pfns;  ///< every mapped DAX pfn, to read HWPoison afterwards
    std::size_t current = 0;               ///< the task that makes the event (madvise); else children.size()
    std::size_t rereader = 0;              ///< the task with a re-read loop (plan "reread"); else children.size()
};

/// The kernel the plan runs on: its release, and whether pagemap may be read over a DAX PMD there.
void name_kernel(plan_run& r) {
    utsname u{};
    uname(&u);
    r.release = u.release;
    r.report["uname_r"] = u.release;
    pagemap_over_pmd_safe = daxfail::snapshot::detail::pagemap_safe_over_dax_pmd(u.release);
    r.report["name"] = r.plan.value("name", std::string());
}

/// The filesystem's device: the namespace, or its one partition (MS-DOS table written here).
void choose_device(plan_run& r) {
    clear_partitions();
    if (r.plan.contains("partition")) {
        r.part_off = number(r.plan["partition"]["start"]);
        r.report["partition"] = make_partition(r.part_off);
        r.fs_dev = "/dev/pmem0p1";
    }
    r.report["part_off"] = r.part_off;
}

/// mkfs.xfs's command line for the plan; `mount_extra` gets the mount options the second namespace needs.
std::vector<std::string> mkfs_command(plan_run& r, std::string& mount_extra) {
    const json& plan = r.plan;
    const bool rmapbt = plan.value("rmapbt", true);
    const bool reflink = plan.value("reflink", false);
    const std::string features = std::string(rmapbt ? "rmapbt=1" : "rmapbt=0") + (reflink ? ",reflink=1" : ",reflink=0");
    bool align_2m = false;
    for (const auto& f : plan["files"]) align_2m |= f.value("align_2m", false);
    // A 2 MiB stripe unit: allocations at the end of a file start 2 MiB aligned on the device. data_bytes: a
    // filesystem smaller than its device (mkfs.xfs -d size=).
    // "agcount": a scaled plan keeps its scenario's AG count (oracle/scale.hpp); otherwise 4.
    const std::string agcount = "agcount=" + std::to_string(plan.value("agcount", 4));
    std::string data_opts = align_2m ? agcount + ",su=2m,sw=1" : agcount;
    if (plan.contains("data_bytes")) data_opts += ",size=" + std::to_string(number(plan["data_bytes"]));
    std::vector<std::string> mkfs = {"/sbin/mkfs.xfs", "-q", "-f", "-m", features, "-d", data_opts};
    // A newer mkfs.xfs than Debian 12's (mkinitramfs.sh: /newer, its own glibc and libraries, run through its
    // dynamic loader), for what the old one refuses: rmapbt with a realtime device (rtgroups and metadir).
    r.newer_mkfs = plan.value("mkfs", std::string()) == "newer";
    if (r.newer_mkfs) {
        r.report["newer_mkfs_present"] = access("/newer/mkfs.xfs", X_OK) == 0;
        mkfs.erase(mkfs.begin());
        mkfs.insert(mkfs.begin(), {"/newer/ld.so", "--library-path", "/newer/lib", "/newer/mkfs.xfs"});
    }
    // The second namespace (/dev/pmem1) as an external log or the realtime device.
    const std::string second = plan.value("second_namespace", std::string());
    if (!second.empty()) {
        r.report["second_namespace_present"] = wait_for("/dev/pmem1");
        std::string rt = "rtdev=/dev/pmem1";
        if (plan.contains("rt_groups")) rt += ",rgcount=" + std::to_string(number(plan["rt_groups"]));
        mkfs.insert(mkfs.end(), {second == "log" ? "-l" : "-r", second == "log" ? "logdev=/dev/pmem1" : rt});
        mount_extra = second == "log" ? ",logdev=/dev/pmem1" : ",rtdev=/dev/pmem1";
        r.report["second_device_bytes"] = device_bytes("/dev/pmem1");
    }
    mkfs.push_back(r.fs_dev);
    return mkfs;
}

/// mkfs.xfs on the plan's device, then the mount on /mnt with the plan's dax= mode.
void make_filesystem(plan_run& r) {
    choose_device(r);
    std::string mount_extra;
    r.report["mkfs"] = run(mkfs_command(r, mount_extra));
    mkdir("/mnt", 0755);
    r.dax_mode = r.plan.value("mount_dax", std::string("always"));
    r.report["mount"] = mount(r.fs_dev.c_str(), "/mnt", "xfs", 0, ("dax=" + r.dax_mode + mount_extra).c_str()) == 0 ? 0 : -errno;
}

/// Geometry from the superblock, the devices' sizes and where the pmem is.
void read_geometry(plan_run& r) {
    unsigned char sb[512];
    const int fd = open(r.fs_dev.c_str(), O_RDONLY);
    if (pread(fd, sb, sizeof sb, 0) == static_cast<ssize_t>(sizeof sb))
        r.report["geometry"] = {{"blocksize", be32(sb + 4)}, {"dblocks", be64(sb + 8)}, {"agblocks", be32(sb + 84)},
                                {"agcount", be32(sb + 88)}, {"rblocks", be64(sb + 16)}};
    // Realtime groups (metadir filesystems, xfsprogs 6.14 on): sb_rgcount, sb_rgextents and sb_rextsize.
    if (r.newer_mkfs && r.report.contains("geometry") && be32(sb + 272) != 0) {
        r.report["geometry"]["rgcount"] = be32(sb + 272);
        r.report["geometry"]["rgblocks"] = std::uint64_t{be32(sb + 276)} * be32(sb + 80);
    }
    close(fd);
    inode_ag_shift = std::min(63u, unsigned{sb[123]} + sb[124]);  // sb_inopblog + sb_agblklog: the AG is above them
    r.report["device_bytes"] = device_bytes("/dev/pmem0");
    r.report["fs_device_bytes"] = device_bytes(r.fs_dev);
    r.report["pmem_bases"] = pmem_bases();
}

/// Files placed in an AG: directories are spread over the AGs (XFS rotates new directories' inodes through
/// them); make them until each AG asked for has one.
void make_ag_directories(plan_run& r) {
    file_paths.clear();
    std::map<unsigned, std::string> dirs;
    for (const auto& f : r.plan["files"]) {
        if (!f.contains("ag")) continue;
        const unsigned want = f["ag"].get<unsigned>();
        for (int i = 0; !dirs.count(want) && i < 256; ++i) {
            const std::string d = "/mnt/.ag" + std::to_string(dirs.size()) + "_" + std::to_string(i);
            struct stat st{};
            if (mkdir(d.c_str(), 0755) != 0 || stat(d.c_str(), &st) != 0) break;
            const unsigned ag = static_cast<unsigned>(st.st_ino >> inode_ag_shift);
            if (!dirs.count(ag)) dirs[ag] = d;
        }
        if (dirs.count(want)) file_paths[f["name"].get<std::string>()] = dirs[want] + "/" + f["name"].get<std::string>();
        else r.report["ag_not_found_" + f["name"].get<std::string>()] = want;
    }
}

/// Sets `flag` (FS_XFLAG_*) on an open file or directory, and with FS_XFLAG_EXTSIZE its extent size hint; 0 or
/// -errno.
int set_xflag(int fd, std::uint32_t flag, std::uint32_t extsize = 0) {
    fsxattr fa{};
    ioctl(fd, FS_IOC_FSGETXATTR, &fa);
    fa.fsx_xflags |= flag;
    if (flag == FS_XFLAG_EXTSIZE) fa.fsx_extsize = extsize;
    return ioctl(fd, FS_IOC_FSSETXATTR, &fa) == 0 ? 0 : -errno;
}

/// Under dax=inode: FS_XFLAG_DAX on /mnt, so that the files created after it inherit it.
void set_dax_flag_on_mnt(plan_run& r) {
    const int dfd = open("/mnt", O_RDONLY | O_DIRECTORY);
    r.report["set_dax_flag"] = set_xflag(dfd, FS_XFLAG_DAX);
    close(dfd);
}

/// A file's data: a reflink copy of its source (shares every block), or its pages written with pwrite (after a
/// 2 MiB extent size hint and one fallocate of the whole file for a 2 MiB aligned one).
void write_file_data(plan_run& r, const json& f, int fd) {
    const std::string name = f["name"].get<std::string>();
    if (f.contains("clone_of")) {
        const int src = open(path_of(f["clone_of"].get<std::string>()).c_str(), O_RDONLY);
        r.report["clone_" + name] = ioctl(fd, FICLONE, src) == 0 ? 0 : -errno;
        close(src);
        return;
    }
    if (f.value("align_2m", false)) {
        r.report["extsize_" + name] = set_xflag(fd, FS_XFLAG_EXTSIZE, 2u << 20);
        r.report["fallocate_" + name] = fallocate(fd, 0, 0, static_cast<off_t>(number(f["pages"]) * page)) == 0 ? 0 : -errno;
    }
    std::vector<char> buf(256 * page, 'a');
    const std::uint64_t pages = number(f["pages"]);
    for (std::uint64_t i = 0; i < pages; i += 256)
        pwrite(fd, buf.data(), std::min<std::uint64_t>(256, pages - i) * page, static_cast<off_t>(i * page));
}

/// A file whose xattr block the event poisons gets an attribute too big for the inode's literal area: the attr
/// fork gets a block of its own.
void give_attr_block(plan_run& r, const json& f, int fd) {
    const auto& event = r.plan["event"];
    bool wants_attr_block = event.value("attr_of", std::string()) == f["name"].get<std::string>();
    for (const auto& pg : event.value("pages", json::array()))
        wants_attr_block |= pg.value("attr_of", std::string()) == f["name"].get<std::string>();
    if (!wants_attr_block) return;
    const std::string value(2048, 'x');
    r.report["setxattr"] = fsetxattr(fd, "user.daxfail", value.data(), value.size(), 0) == 0 ? 0 : -errno;
}

/// Creates one file of the plan, syncs it and returns its layout as the report gives it.
json create_file(plan_run& r, const json& f) {
    const std::string path = path_of(f["name"].get<std::string>());
    const int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
    if (f.value("realtime", false))  // data on the realtime device: the flag is set while the file is empty
        r.report["realtime_" + f["name"].get<std::string>()] = set_xflag(fd, FS_XFLAG_REALTIME);
    write_file_data(r, f, fd);
    give_attr_block(r, f, fd);
    fsync(fd);
    struct stat st{};
    fstat(fd, &st);
    const json extents = fiemap_extents(fd, 0), attr_extents = fiemap_extents(fd, FIEMAP_FLAG_XATTR);
    struct statx stx{};
    statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
    fsxattr xa{};
    ioctl(fd, FS_IOC_FSGETXATTR, &xa);
    close(fd);
    json file = {{"name", f["name"]}, {"ino", st.st_ino}, {"size", st.st_size}, {"extents", extents},
                 {"dax", (stx.stx_attributes & STATX_ATTR_DAX) != 0}, {"attr_extents", attr_extents}};
    if (xa.fsx_xflags & FS_XFLAG_REALTIME) file["realtime"] = true;
    return file;
}

/// Files: written (pwrite), synced, then their layout read back. Under dax=inode the non-DAX files are made
/// first, then FS_XFLAG_DAX is set on /mnt so that the files created after it inherit it.
void create_files(plan_run& r) {
    const json& files_in = r.plan["files"];
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < files_in.size(); ++i)
        if (!files_in[i].value("dax", true)) order.push_back(i);
    const std::size_t non_dax = order.size();
    for (std::size_t i = 0; i < files_in.size(); ++i)
        if (files_in[i].value("dax", true)) order.push_back(i);
    std::vector<json> files(files_in.size());
    for (std::size_t n = 0; n < order.size(); ++n) {
        if (n == non_dax && r.dax_mode == "inode") set_dax_flag_on_mnt(r);
        files[order[n]] = create_file(r, files_in[order[n]]);
    }
    r.report["files"] = files;
}

/// The log of signals every task shares, and the SIGBUS handler that fills it.
void install_sigbus_log() {
    logbuf = static_cast<shared_log*>(
        mmap(nullptr, sizeof(shared_log), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    new (logbuf) shared_log{};
    struct sigaction sa{};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;  // tasks must survive an AO signal while waiting
    sigaction(SIGBUS, &sa, nullptr);
}

/// The task's PR_MCE_KILL policy from the plan's "mce_kill" (a per-thread flag; "default" leaves it).
void set_mce_kill(const std::string& kill) {
    if (kill != "default")
        prctl(PR_MCE_KILL, PR_MCE_KILL_SET, kill == "early" ? PR_MCE_KILL_EARLY : PR_MCE_KILL_LATE, 0, 0);
}

/// A task's mappings: each VMA mapped at its address, then the pages it touches ("touch": [pages...] or "all")
/// read once.
std::vector<mapped_vma> map_vmas(const json& t) {
    std::vector<mapped_vma> mapped;
    for (const auto& v : t["vmas"]) {
        const std::string path = path_of(v["file"].get<std::string>());
        // "write": a VMA some actor write-faults in (mapped shared and writable, as a database maps its file).
        const bool writable = v.value("write", false);
        const int fd = open(path.c_str(), writable ? O_RDWR : O_RDONLY);
        const auto start = number(v["start"]), pgoff = number(v["pgoff"]), pages = number(v["pages"]);
        void* p = mmap(reinterpret_cast<void*>(start), pages * page, writable ? PROT_READ | PROT_WRITE : PROT_READ,
                       MAP_SHARED | MAP_FIXED_NOREPLACE, fd, static_cast<off_t>(pgoff * page));
        close(fd);
        mapped_vma m{start, pgoff, pages, v.value("pmd", false) && !pagemap_over_pmd_safe, {}};
        std::vector<std::pair<std::uint64_t, std::uint64_t>> touched;
        std::vector<std::uint64_t> to_touch;
        if (v["touch"].is_string() && v["touch"] == "all")
            for (std::uint64_t i = 0; i < pages; ++i) to_touch.push_back(pgoff + i);
        else
            for (const auto& pg : v["touch"]) to_touch.push_back(number(pg));
        for (auto pg : to_touch) {
            touched.push_back({start + (pg - pgoff) * page, pg});
            m.touch.push_back(pg);
        }
        touch(touched);
        mapped.push_back(std::move(m));
        (void)p;
    }
    return mapped;
}

/// A task's further threads: each names itself, sets its own PR_MCE_KILL policy and waits. Returns the line
/// the task answers when ready: "r" and the threads' ids.
std::string start_threads(const json& t) {
    std::string ready = "r";
    if (!t.contains("threads")) return ready;
    for (const auto& th : t["threads"]) {
        int tid_pipe[2];
        pipe(tid_pipe);
        const std::string comm = th["comm"].get<std::string>(), k = th.value("mce_kill", "default");
        std::thread([comm, k, fd = tid_pipe[1]] {
            prctl(PR_SET_NAME, comm.c_str());
            set_mce_kill(k);
            const int tid = gettid();
            write(fd, &tid, sizeof tid);
            for (;;) pause();
        }).detach();
        int tid = 0;
        read(tid_pipe[0], &tid, sizeof tid);
        ready += " " + std::to_string(tid);
    }
    return ready;
}

/// "madvise ADDR": MADV_HWPOISON on the page at ADDR; 0 or -errno.
std::string madvise_hwpoison(const std::string& c) {
    const std::uint64_t addr = std::stoull(c.substr(8), nullptr, 0);
    sigjmp_buf jb;
    fault_jump = &jb;
    volatile int rc = 0;
    if (sigsetjmp(jb, 1) == 0) rc = madvise(reinterpret_cast<void*>(addr), page, MADV_HWPOISON) == 0 ? 0 : -errno;
    fault_jump = nullptr;
    return std::to_string(rc);
}

/// An actor's fault: "fault ADDR PAGES W" reads (W 0) or writes (W 1) one byte of each page. Replies 0, or the
/// si_code of the SIGBUS the first faulting page got, negated ("-2": BUS_ADRERR).
std::string fault_pages(const std::string& c) {
    std::istringstream words(c.substr(6));
    std::string a;
    std::uint64_t pages = 1;
    int write_it = 0;
    words >> a >> pages >> write_it;
    const std::uint64_t addr = std::stoull(a, nullptr, 0);
    int rc = 0;
    for (std::uint64_t i = 0; i < pages && rc == 0; ++i) rc = access_page(addr + i * page, write_it != 0);
    return std::to_string(rc);
}

/// An actor's munmap of the VMA at ADDR ("munmap ADDR"; its whole length).
std::string munmap_vma(const std::string& c, std::vector<mapped_vma>& mapped) {
    const std::uint64_t addr = std::stoull(c.substr(7), nullptr, 0);
    int rc = -EINVAL;
    for (auto it = mapped.begin(); it != mapped.end(); ++it)
        if (it->start == addr) {
            rc = munmap(reinterpret_cast<void*>(addr), it->pages * page) == 0 ? 0 : -errno;
            mapped.erase(it);
            break;
        }
    return std::to_string(rc);
}

/// "reread ADDR": a thread reads the page in a tight loop (each read faults again once the walk zapped the PTE)
/// until "reread-stop"; after a fault it backs off 1 ms, so a shut-down filesystem does not flood the signal log.
std::string start_reread(const std::string& c) {
    const std::uint64_t addr = std::stoull(c.substr(7), nullptr, 0);
    std::thread([addr] {
        prctl(PR_SET_NAME, "rereader");
        sigjmp_buf jb;
        fault_jump = &jb;
        while (!reread_stop.load(std::memory_order_relaxed)) {
            if (sigsetjmp(jb, 1) == 0) {
                (void)*reinterpret_cast<volatile const char*>(addr);
                reread_reads.fetch_add(1, std::memory_order_relaxed);
            } else {
                reread_faults.fetch_add(1, std::memory_order_relaxed);
                usleep(1000);
            }
        }
        fault_jump = nullptr;
        reread_done.store(true);
    }).detach();
    return "0";
}

/// "reread-stop": ends the re-read loop and tells its reads and faults.
std::string stop_reread() {
    reread_stop.store(true);
    while (!reread_done.load()) usleep(1000);
    return json{{"reads", reread_reads.load()}, {"faults", reread_faults.load()}}.dump();
}

/// "pfns": [file page, pfn, address] of every present page, from pagemap; "present": the file pages only. VMAs
/// whose pagemap may not be read are left out.
std::string present_pages(const std::string& c, const std::vector<mapped_vma>& mapped) {
    json out = json::array();
    for (const auto& m : mapped) {
        if (m.unread) continue;
        const auto entries = pagemap_range(m.start, m.pages);
        for (std::uint64_t i = 0; i < m.pages; ++i) {
            if (!((entries[i] >> 63) & 1)) continue;
            const std::uint64_t pfn = entries[i] & ((std::uint64_t{1} << 55) - 1);
            if (c == "pfns") out.push_back({m.pgoff + i, pfn, m.start + i * page});
            else out.push_back(m.pgoff + i);
        }
    }
    return out.dump();
}

/// "check": the file pages that fault when read: every page of a VMA; of a large one (more than 16 MiB) only
/// the pages the plan touched.
std::string faulting_pages(const std::vector<mapped_vma>& mapped) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pages;
    for (const auto& m : mapped)
        if (m.pages <= 4096)
            for (std::uint64_t i = 0; i < m.pages; ++i) pages.push_back({m.start + i * page, m.pgoff + i});
        else
            for (auto pg : m.touch) pages.push_back({m.start + (pg - m.pgoff) * page, pg});
    return touch(pages).dump();
}

/// A task's answer to one command of the guest (an unknown command gets an empty line).
std::string obey(const std::string& c, std::vector<mapped_vma>& mapped) {
    if (c.rfind("madvise ", 0) == 0) return madvise_hwpoison(c);
    if (c.rfind("fault ", 0) == 0) return fault_pages(c);
    if (c.rfind("munmap ", 0) == 0) return munmap_vma(c, mapped);
    if (c.rfind("reread ", 0) == 0) return start_reread(c);
    if (c == "reread-stop") return stop_reread();
    if (c == "pfns" || c == "present") return present_pages(c, mapped);
    if (c == "check") return faulting_pages(mapped);
    return "";
}

/// A task of the plan, in the forked child: maps its files, touches its pages, starts its threads, says it is
/// ready, then obeys commands on a pipe until the pipe closes or it is told to exit.
[[noreturn]] void task_main(const json& t, int commands, int answers) {
    prctl(PR_SET_NAME, t["comm"].get<std::string>().c_str());
    set_mce_kill(t.value("mce_kill", "default"));
    std::vector<mapped_vma> mapped = map_vmas(t);
    const std::string ready = start_threads(t) + "\n";
    write(answers, ready.data(), ready.size());
    for (;;) {
        char cmd[256] = {};
        ssize_t got;
        while ((got = read(commands, cmd, sizeof cmd - 1)) < 0 && errno == EINTR) {
        }
        if (got <= 0) _exit(0);
        const std::string c(cmd);
        if (c == "exit") {
            // An actor's exit: answer first, then go (every mapping goes with the task).
            write(answers, "0\n", 2);
            _exit(0);
        }
        const std::string reply = obey(c, mapped) + "\n";
        write(answers, reply.data(), reply.size());
    }
}

/// Forks the plan's tasks (task_main) and waits until each is ready.
void start_tasks(const json& plan) {
    for (const auto& t : plan["tasks"]) {
        int to_child[2], to_parent[2];
        pipe(to_child);
        pipe(to_parent);
        const pid_t pid = fork();
        if (pid == 0) task_main(t, to_child[0], to_parent[1]);
        std::string ready;
        for (char ch; read(to_parent[0], &ch, 1) == 1 && ch != '\n';) ready += ch;
        std::istringstream tids(ready.substr(1));
        std::vector<int> thread_ids;
        for (int tid; tids >> tid;) thread_ids.push_back(tid);
        children.push_back({pid, to_child[1], to_parent[0], thread_ids});
    }
}

/// Asks task i a command and returns its answer; a task that does not answer within 10 s (blocked in the
/// kernel, e.g. behind an oops) answers "null".
std::string ask(std::size_t i, const std::string& cmd) {
    write(children[i].cmd, cmd.data(), cmd.size());
    return read_line(children[i].ack, 10000).value_or("null");
}

/// The tasks in the report: comm, pid, threads, the PMD VMAs whose pagemap is never read, and every task's
/// present pages before the event.
void describe_tasks(plan_run& r) {
    r.report["tasks"] = json::array();
    for (std::size_t i = 0; i < children.size(); ++i) {
        const json& t = r.plan["tasks"][i];
        r.report["tasks"].push_back({{"comm", t["comm"]}, {"pid", children[i].pid}, {"tids", children[i].tids}});
        json not_read = json::array();  // file pages of PMD VMAs whose pagemap is never read, as [first, last]
        for (const auto& v : t["vmas"])
            if (v.value("pmd", false) && !pagemap_over_pmd_safe && number(v["pages"]) > 0)
                not_read.push_back({number(v["pgoff"]), number(v["pgoff"]) + number(v["pages"]) - 1});
        if (!not_read.empty()) r.report["tasks"][i]["pagemap_not_read"] = not_read;
    }
    r.report["unbinder_pid"] = getpid();
    for (std::size_t i = 0; i < children.size(); ++i) {
        r.report["tasks"][i]["pfns_before"] = json::parse(ask(i, "pfns"));
        for (const auto& e : r.report["tasks"][i]["pfns_before"]) r.file_pfns.push_back(e[1].get<std::uint64_t>());
    }
}

/// The address at which task t maps page `pg` of `file` (0 when it does not).
std::uint64_t vaddr_of(const json& plan, std::size_t t, const std::string& file, std::uint64_t pg) {
    for (const auto& v : plan["tasks"][t]["vmas"])
        if (v["file"] == file && pg >= number(v["pgoff"]) && pg < number(v["pgoff"]) + number(v["pages"]))
            return number(v["start"]) + (pg - number(v["pgoff"])) * page;
    return 0;
}

/// A task with a re-read loop (plan "reread": {"task", "file", "page"}) keeps running across the event: it is
/// how a read fault racing the walk is tried on a real kernel (boot with DAXFAIL_ORACLE_SMP=2).
void start_rereader(plan_run& r) {
    const json& plan = r.plan;
    r.rereader = plan.contains("reread") ? plan["reread"]["task"].get<std::size_t>() : children.size();
    if (r.rereader >= children.size()) return;
    std::uint64_t addr = 0;
    for (const auto& v : plan["tasks"][r.rereader]["vmas"])
        if (v["file"] == plan["reread"]["file"])
            addr = number(v["start"]) + (number(plan["reread"]["page"]) - number(v["pgoff"])) * page;
    r.report["reread_start"] = ask(r.rereader, "reread " + std::to_string(addr));
    usleep(100000);
}

/// Every task but `current` is stopped across the event. A SIGBUS sent to a stopped task stays pending and the
/// later ones coalesce into it (a legacy signal queues once), so what each task receives is the first SIGBUS the
/// kernel sent it, not whatever the scheduler let it handle between two sends. Tasks an actor acts through, the
/// re-reader, and tasks the plan keeps running (one whose first SIGBUS starts an actor's step) run across it.
void stop_bystanders(plan_run& r) {
    const json& plan = r.plan;
    const auto& ev = plan["event"];
    r.current = ev["kind"] == "madvise" ? ev["task"].get<std::size_t>() : children.size();
    start_rereader(r);
    std::vector<bool> running(children.size(), false);
    for (auto& e : exited) e = false;
    for (const auto& a : plan.value("actors", json::array()))
        for (const auto& st : a["steps"])
            if (st.contains("task")) running.at(st["task"].get<std::size_t>()) = true;
    for (std::size_t i = 0; i < children.size(); ++i)
        running[i] = running[i] || plan["tasks"][i].value("keep_running", false);
    for (std::size_t i = 0; i < children.size(); ++i) {
        const bool stop = i != r.current && i != r.rereader && !running[i];
        r.report["tasks"][i]["stopped_during_event"] = stop;
        if (!stop) continue;
        kill(children[i].pid, SIGSTOP);
        int st = 0;
        waitpid(children[i].pid, &st, WUNTRACED);
    }
}

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

/// The byte offset in namespace0.0 of page `pg` of a file, from the layout the report gives (0 when the file has
/// no block there).
std::uint64_t namespace_offset_of(const json& files, std::uint64_t part_off, const std::string& file, std::uint64_t pg) {
    std::uint64_t offset = 0;
    for (const auto& f : files)
        if (f["name"] == file)
            for (const auto& x : f["extents"]) {
                const std::uint64_t lo = x["logical"], len = x["length"];
                if (pg * page >= lo && pg * page < lo + len) offset = part_off + x["physical"].get<std::uint64_t>() + pg * page - lo;
            }
    return offset;
}

/// The physical address of a byte of namespace0.0, as hard_offline_page takes it ("0x...").
std::string physical_address(std::uint64_t offset) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(pmem_bases()[0] + offset));
    return b;
}

/// What the actors' threads share: the plan, the mount, the files' layout (a copy: `report` grows meanwhile), and
/// where the signal log stood when the event's stage was set. It lives in run_plan's frame.
struct actor_stage {
    const json& plan;
    int mnt;
    json files_layout;
    std::uint64_t part_off;
    int deliveries_before;
    std::vector<std::shared_ptr<actor_run>> actors;
};

/// Microseconds since the event started (0 before it).
long long since_event_us() {
    const long long start = logbuf->event_start_ns.load();
    return start == 0 ? 0LL : (now_ns() - start) / 1000;
}

/// Whether task `task` received a signal since the stage was set.
bool signalled_since(const child& task, int deliveries_before) {
    for (int i = deliveries_before; i < std::min(logbuf->count.load(), 4096); ++i)
        if (logbuf->d[i].pid == task.pid || std::find(task.tids.begin(), task.tids.end(), logbuf->d[i].pid) != task.tids.end())
            return true;
    return false;
}

/// Whether a line of the kernel's log contains `match` (the ring buffer was cleared before the event); read every
/// 5 ms, the log can hold tens of thousands of lines by then.
bool kernel_log_contains(const std::string& match) {
    static thread_local std::vector<char> klog(1 << 22);
    const int n = klogctl(3, klog.data(), static_cast<int>(klog.size()));
    const bool met = n > 0 && std::string_view(klog.data(), static_cast<std::size_t>(n)).find(match) != std::string_view::npos;
    if (!met) usleep(5000);
    return met;
}

/// Whether a step's start condition ("when") holds now.
bool start_condition_met(const actor_stage& stage, const json& when, const std::string& after) {
    if (after == "plan_start") return true;
    if (after == "event_started") return logbuf->event_start_ns.load() != 0;
    if (after == "event_returned") return logbuf->event_end_ns.load() != 0;
    if (after == "signal")
        return signalled_since(children.at(when["task"].get<std::size_t>()), stage.deliveries_before) &&
               logbuf->event_start_ns.load() != 0;
    if (after == "log") return kernel_log_contains(when.value("match", std::string("\x01")));
    bool met = false;
    if (after == "step")
        for (const auto& other : stage.actors)
            if (other->decl["name"] == when["actor"]) met = other->done.load() > when["step"].get<int>();
    return met;
}

/// Waits for a step's start condition; gives up 60 s after the step began waiting (an event that never returns,
/// a step of another actor that never comes).
bool wait_for_start(const actor_stage& stage, const json& when) {
    const std::string after = when.value("after", std::string("event_started"));
    const long long give_up = now_ns() + 60LL * 1000000000LL;
    bool met = false;
    while (!met && now_ns() < give_up) {
        met = start_condition_met(stage, when, after);
        if (!met) usleep(20);
    }
    return met;
}

/// One step's action: FIFREEZE/FITHAW on the mount, a command to a task (fault, munmap, exit, madvise), or a
/// second notification by a child of the guest (an unbind, a hard_offline_page write). Its reply, or nullopt when
/// none came within 40 s.
std::optional<std::string> perform_step(const actor_stage& stage, const json& st) {
    const json& plan = stage.plan;
    const std::string op = st["op"];
    auto ask_task = [&](const std::string& cmd) -> std::optional<std::string> {
        const auto& c = children.at(st["task"].get<std::size_t>());
        write(c.cmd, cmd.data(), cmd.size());
        return read_line(c.ack, 40000);
    };
    std::optional<std::string> reply;
    if (op == "FIFREEZE" || op == "FITHAW") {
        reply = std::to_string(ioctl(stage.mnt, op == "FIFREEZE" ? FIFREEZE : FITHAW, 0) == 0 ? 0 : -errno);
    } else if (op == "fault") {
        const std::size_t t = st["task"];
        reply = ask_task("fault " + std::to_string(vaddr_of(plan, t, st["file"], number(st["page"]))) + " " +
                         std::to_string(st.value("pages", 1)) + " " + (st.value("write", false) ? "1" : "0"));
    } else if (op == "munmap") {
        std::uint64_t start = 0;
        for (const auto& v : plan["tasks"][st["task"].get<std::size_t>()]["vmas"])
            if (v["file"] == st["file"]) start = number(v["start"]);
        reply = ask_task("munmap " + std::to_string(start));
    } else if (op == "exit") {
        reply = ask_task("exit");
        if (reply) exited[st["task"].get<std::size_t>()] = true;
    } else if (op == "madvise") {
        const std::size_t t = st["task"];
        reply = ask_task("madvise " + std::to_string(vaddr_of(plan, t, st["file"], number(st["page"]))));
    } else if (op == "unbind") {
        const std::string ns = st.value("namespace", std::string("namespace0.0"));
        reply = in_child_quick([ns] { return std::to_string(write_file("/sys/bus/nd/drivers/nd_pmem/unbind", ns)); }, 40000);
    } else if (op == "memory_failure") {
        const std::string addr =
            physical_address(namespace_offset_of(stage.files_layout, stage.part_off, st["file"], number(st["page"])));
        reply = in_child_quick([addr] { return std::to_string(write_file("/sys/devices/system/memory/hard_offline_page", addr)); }, 40000);
    }
    return reply;
}

/// Adds a step's record to its actor's steps.
void record_step(actor_run& run, const json& rec) {
    std::lock_guard<std::mutex> lock(run.m);
    run.steps.push_back(rec);
}

/// One actor of a concurrent plan, in its thread: each step waits for its start condition, then "delay_us",
/// then acts; a step that never starts or does not come back ends the actor. Times are microseconds from the
/// event's start.
void actor_main(const actor_stage& stage, actor_run& run) {
    prctl(PR_SET_NAME, run.decl.value("name", std::string("actor")).substr(0, 15).c_str());
    for (const auto& st : run.decl["steps"]) {
        const json when = st.value("when", json{{"after", "event_started"}});
        json rec = {{"op", st["op"]}};
        if (!wait_for_start(stage, when)) {
            rec["end"] = "never ran";
            record_step(run, rec);
            break;
        }
        rec["trigger_us"] = since_event_us();
        if (const auto d = when.value("delay_us", 0); d > 0) usleep(static_cast<useconds_t>(d));
        rec["start_us"] = since_event_us();
        run.acting = true;
        mark(run.decl.value("name", std::string()) + " " + st["op"].get<std::string>() + " starts");
        const std::optional<std::string> reply = perform_step(stage, st);
        rec["end_us"] = since_event_us();
        run.acting = false;
        mark(run.decl.value("name", std::string()) + " " + st["op"].get<std::string>() + " returns " +
             (reply ? *reply : std::string("nothing within 40 s")));
        if (!reply) {
            rec["end"] = "blocked";
            record_step(run, rec);
            break;
        }
        rec["end"] = "returned";
        try {
            rec["rc"] = std::stoi(*reply);
        } catch (const std::exception&) {
            rec["rc"] = *reply;
        }
        record_step(run, rec);
        ++run.done;
    }
    run.finished = true;
}

/// The actors (plan "actors"), each a thread waiting for its steps' start conditions; the steps that come
/// before the event (when: plan_start) are done before this returns (10 s at most).
void start_actors(actor_stage& stage) {
    logbuf->event_start_ns = 0;
    logbuf->event_end_ns = 0;
    marks_log = stage.plan.contains("actors") && !stage.plan["actors"].empty();
    stage.deliveries_before = logbuf->count.load();
    for (const auto& a : stage.plan.value("actors", json::array())) {
        auto run = std::make_shared<actor_run>();
        run->decl = a;
        stage.actors.push_back(run);
    }
    for (const auto& run : stage.actors) std::thread([&stage, run] { actor_main(stage, *run); }).detach();
    for (const auto& a : stage.actors) {
        int first = 0;
        for (const auto& st : a->decl["steps"]) {
            if (!st.contains("when") || st["when"].value("after", "") != "plan_start") break;
            ++first;
        }
        for (int n = 0; n < 10000 && a->done.load() < first && !a->finished.load(); ++n) usleep(1000);
    }
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
