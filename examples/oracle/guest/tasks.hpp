// The plan's world, second half: its tasks. Each is a forked child that maps its files, touches its pages and
// then obeys the guest's commands (task_main); the guest stops the bystanders across the event.
#ifndef DAXFAIL_ORACLE_GUEST_TASKS_HPP
#define DAXFAIL_ORACLE_GUEST_TASKS_HPP

#include "child.hpp"
#include "world.hpp"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

// A task's re-read loop (plan "reread"): reads one page over and over across the event, counting reads and faults.
std::atomic<bool> reread_stop{false}, reread_done{false};

std::atomic<long> reread_reads{0}, reread_faults{0};

/// One mapping of a task: where, which file pages, and whether pagemap may be read over it.
struct mapped_vma {
    std::uint64_t start, pgoff, pages;
    bool unread;  ///< a DAX PMD VMA on a kernel whose pagemap oopses over it (6.1)
    std::vector<std::uint64_t> touch;
};

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

}  // namespace

#endif
