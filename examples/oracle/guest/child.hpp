// Children of the guest: the plan's tasks (forked, obeying commands on a pipe) and the child that makes the event
// or a second notification, so that an oops in the kernel path kills the child, not the guest.
#ifndef DAXFAIL_ORACLE_GUEST_CHILD_HPP
#define DAXFAIL_ORACLE_GUEST_CHILD_HPP

#include "system.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {

/// The current plan's tasks: forked children obeying commands on a pipe.
struct child {
    pid_t pid;
    int cmd, ack;
    std::vector<int> tids;  ///< threads other than the leader
};

std::vector<child> children;

/// Tasks that left during the plan (an actor's "exit"): nobody asks them anything afterwards.
std::atomic<bool> exited[64];

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

}  // namespace

#endif
