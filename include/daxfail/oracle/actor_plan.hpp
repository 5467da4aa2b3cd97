// The actors of a concurrent scenario (actor.hpp) as steps the oracle's guest
// performs, each from a thread of its own while the event runs:
//   FIFREEZE / FITHAW          ioctl on the mount, as xfs_freeze -f / -u
//   fault                      a task reads or writes a page it maps (the VMA is mapped writable for a write)
//   munmap / exit              the task unmaps the file / exits
//   madvise_hwpoison           the task's madvise(MADV_HWPOISON)
//   notify unbind              a second write to nd_pmem's unbind
//   notify memory_failure      madvise(MADV_HWPOISON) by the task that consumes it when it maps the page (a
//                              machine check in a task is action-required, as madvise is), else a write to
//                              hard_offline_page from a task that maps nothing
// A kernel freeze holder (freeze / work / thaw) cannot be made: Debian's kernels are built without
// CONFIG_XFS_ONLINE_SCRUB, and online fsck's freeze is the only one XFS takes.
// When each step starts ("when") is the race plan's business (race_plan.hpp); here a step starts when the
// event starts, or as the scenario's start condition says.
#ifndef DAXFAIL_ORACLE_ACTOR_PLAN_HPP
#define DAXFAIL_ORACLE_ACTOR_PLAN_HPP

#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace daxfail::oracle {

/// The name the plan gives a file (the inode's name, else "f" and its number).
inline std::string plan_file_name(u64 ino, const inode& ip) { return ip.name.empty() ? "f" + std::to_string(ino) : ip.name; }

/// The event's actor in schedules ("unbind" or "memory_failure").
inline std::string event_actor(const scenario& s) { return event_actor_name(s.event); }

namespace detail {
/// The file page at `offset` of the data device, as (inode, page), when a file's data is there.
inline std::optional<std::pair<u64, u64>> file_page_at(const world& w, u64 offset) {
    const auto& data = w.mp.data;
    if (offset < data.target.part_off) return std::nullopt;
    const u64 block = (offset - data.target.part_off) / w.mp.blocksize;
    const u64 g = block / data.group_blocks;
    if (g >= data.rmap.size()) return std::nullopt;
    for (const auto& r : data.rmap[g]) {
        const u64 first = g * data.group_blocks + r.startblock;
        if (block < first || block >= first + r.blockcount || r.attr_fork || r.bmbt_block || !w.inodes.count(r.owner))
            continue;
        return std::pair{r.owner, (r.offset + (block - first)) * w.mp.blocksize / page_size};
    }
    return std::nullopt;
}
/// The task a step acts through: the planned task of `pid`, if any.
inline std::optional<std::size_t> planned_task_of(const std::map<u32, std::size_t>& task_of_pid, u32 pid) {
    const auto it = task_of_pid.find(pid);
    if (it == task_of_pid.end()) return std::nullopt;
    return it->second;
}

/// A step a task makes (fault, munmap, exit, madvise); a write fault makes its VMAs writable in the plan. Null with
/// `reason` when the task maps nothing.
inline nlohmann::ordered_json task_step(const world& w, const actor_step& st, nlohmann::ordered_json& plan,
                                        const std::map<u32, std::size_t>& task_of_pid, std::string& reason) {
    const auto i = planned_task_of(task_of_pid, st.pid);
    if (!i) {
        reason = "task " + std::to_string(st.pid) + " maps nothing (the guest makes only tasks that map files)";
        return nullptr;
    }
    nlohmann::ordered_json step = {{"op", st.op == actor_op::madvise_hwpoison ? "madvise" : std::string(actor_op_name(st.op))}, {"task", *i}};
    if (st.op == actor_op::exit) return step;
    step["file"] = w.inodes.count(st.ino) ? plan_file_name(st.ino, w.inodes.at(st.ino)) : std::string();
    if (st.op == actor_op::munmap) return step;
    step["page"] = st.page;
    if (st.op == actor_op::fault) {
        step["pages"] = st.pages;
        step["write"] = st.write;
        if (st.write)
            for (auto& v : plan["tasks"][*i]["vmas"])
                if (v["file"] == step["file"]) v["write"] = true;
    }
    return step;
}

/// A second notification: an unbind, or one page of file data failing: madvise(MADV_HWPOISON) by the task that
/// consumes it when it maps the page (a machine check in a task is action-required, as madvise is), else a write to
/// hard_offline_page. Null with `reason` for any other memory failure.
inline nlohmann::ordered_json notify_step(const world& w, const actor_step& st, const nlohmann::ordered_json& plan,
                                          const std::map<u32, std::size_t>& task_of_pid, std::string& reason) {
    if (st.event.kind == event_kind::unbind)
        return {{"op", "unbind"}, {"namespace", st.event.device == 1 ? "namespace1.0" : "namespace0.0"}};
    if (st.event.device != 0 || st.event.length != page_size) {
        reason = "a second memory failure other than one page of the data device";
        return nullptr;
    }
    const auto at = file_page_at(w, st.event.offset);
    if (!at) {
        reason = "a second memory failure outside file data (the guest finds a page by its file)";
        return nullptr;
    }
    const std::string file = w.inodes.count(at->first) ? plan_file_name(at->first, w.inodes.at(at->first)) : std::string();
    const auto i = planned_task_of(task_of_pid, st.event.current_tid);
    bool maps = false;
    if (i)
        for (const auto& v : plan["tasks"][*i]["vmas"])
            maps = maps || (v["file"] == file && at->second >= v["pgoff"].get<u64>() &&
                            at->second - v["pgoff"].get<u64>() < v["pages"].get<u64>());
    if (maps) return {{"op", "madvise"}, {"task", *i}, {"file", file}, {"page", at->second}};
    return {{"op", "memory_failure"}, {"file", file}, {"page", at->second}};
}

/// One actor step as the guest performs it; null with `reason` when the guest cannot.
inline nlohmann::ordered_json plan_step(const world& w, const actor_step& st, nlohmann::ordered_json& plan,
                                        const std::map<u32, std::size_t>& task_of_pid, std::string& reason) {
    switch (st.op) {
        case actor_op::fifreeze: return {{"op", "FIFREEZE"}};
        case actor_op::fithaw: return {{"op", "FITHAW"}};
        case actor_op::freeze:
        case actor_op::thaw:
        case actor_op::work:
            reason = "a kernel freeze holder (freeze, work, thaw): Debian's 6.1, 6.12 and sid kernels are built without "
                     "CONFIG_XFS_ONLINE_SCRUB, and online fsck's freeze is the only kernel freeze XFS takes (6.1 has no "
                     "freeze holders at all: FREEZE_HOLDER_KERNEL is v6.6)";
            return nullptr;
        case actor_op::fault:
        case actor_op::munmap:
        case actor_op::exit:
        case actor_op::madvise_hwpoison: return task_step(w, st, plan, task_of_pid, reason);
        case actor_op::notify: return notify_step(w, st, plan, task_of_pid, reason);
    }
    return nullptr;
}

/// The scenario's start condition of an actor: after another actor's step (the first whose label begins with it;
/// its last step when none is named), or, for the event's actor, when it starts (a named step of the kernel path has
/// no guest-visible moment of its own) or returns.
inline nlohmann::ordered_json start_condition(const scenario& s, const actor& a) {
    if (a.start->actor == event_actor(s)) return {{"after", a.start->step.empty() ? "event_returned" : "event_started"}};
    std::size_t k = 0;
    for (const auto& other : s.actors) {
        if (other.name != a.start->actor) continue;
        k = other.steps.empty() ? 0 : other.steps.size() - 1;
        if (!a.start->step.empty())
            for (std::size_t n = 0; n < other.steps.size(); ++n)
                if (step_label(other.steps[n]).rfind(a.start->step, 0) == 0) {
                    k = n;
                    break;
                }
    }
    return {{"after", "step"}, {"actor", a.start->actor}, {"step", k}};
}
}  // namespace detail

/// Adds the scenario's actors to `plan` ("actors", and "write" on the VMAs a write fault needs writable); false
/// with `why` when the guest cannot perform one of their steps. `task_of_pid`: each planned task's place in
/// plan["tasks"].
inline bool add_actors(const scenario& s, nlohmann::ordered_json& plan, const std::map<u32, std::size_t>& task_of_pid,
                       std::string& why) {
    auto actors = nlohmann::ordered_json::array();
    for (const auto& a : s.actors) {
        auto steps = nlohmann::ordered_json::array();
        for (const auto& st : a.steps) {
            std::string reason;
            auto step = detail::plan_step(s.world, st, plan, task_of_pid, reason);
            if (step.is_null()) {
                why = "actor '" + a.name + "': " + reason;
                return false;
            }
            steps.push_back(std::move(step));
        }
        if (a.start && !steps.empty()) steps[0]["when"] = detail::start_condition(s, a);
        actors.push_back({{"name", a.name}, {"steps", steps}});
    }
    plan["actors"] = actors;
    return true;
}

}  // namespace daxfail::oracle

#endif
