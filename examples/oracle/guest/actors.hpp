// The actors of a concurrent plan ("actors"): each a thread of the guest whose steps wait for their start
// condition, then act (FIFREEZE/FITHAW, a command to a task, a second notification by a child).
#ifndef DAXFAIL_ORACLE_GUEST_ACTORS_HPP
#define DAXFAIL_ORACLE_GUEST_ACTORS_HPP

#include "tasks.hpp"

#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

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

}  // namespace

#endif
