// The guest's helpers over the kernel's interfaces (sysfs and procfs files, ioctls, the kernel log) and the
// state every step of a plan shares: the signal log, where the files are, the marks in the kernel's log.
#ifndef DAXFAIL_ORACLE_GUEST_SYSTEM_HPP
#define DAXFAIL_ORACLE_GUEST_SYSTEM_HPP

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

}  // namespace

#endif
