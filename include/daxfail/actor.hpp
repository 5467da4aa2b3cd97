// The other actors of a concurrent scenario: what runs on the machine while
// the scenario's event (the unbind or the memory failure) is handled. Each
// actor is a sequence of steps, optionally started only once another actor
// reached a given step. `daxfail explore` runs every interleaving of them.
//   FIFREEZE / FITHAW          a userspace freezer (xfs_freeze -f / -u)
//   freeze / thaw / work       a kernel freeze holder (online fsck: freeze, work, thaw)
//   fault                      a task touching a page of a file it maps (read or write)
//   munmap / exit              a task's mapping of a file, or all its mappings, go away
//   madvise_hwpoison           a task poisons a page it maps (a memory-failure path of its own)
//   notify                     a second notification for a device (another unbind or memory failure)
#ifndef DAXFAIL_ACTOR_HPP
#define DAXFAIL_ACTOR_HPP

#include <daxfail/constants.hpp>
#include <daxfail/event.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail {

enum class actor_op { fifreeze, fithaw, freeze, thaw, work, fault, munmap, exit, madvise_hwpoison, notify };

constexpr std::string_view actor_op_name(actor_op op) noexcept {
    switch (op) {
        case actor_op::fifreeze: return "FIFREEZE";
        case actor_op::fithaw: return "FITHAW";
        case actor_op::freeze: return "freeze";
        case actor_op::thaw: return "thaw";
        case actor_op::work: return "work";
        case actor_op::fault: return "fault";
        case actor_op::munmap: return "munmap";
        case actor_op::exit: return "exit";
        case actor_op::madvise_hwpoison: return "madvise_hwpoison";
        case actor_op::notify: return "notify";
    }
    return "?";
}

/// One step of an actor. Which fields matter depends on `op`.
struct actor_step {
    actor_op op = actor_op::work;
    u32 pid = 0;          ///< fault, munmap, exit, madvise_hwpoison: the task (its leader thread acts)
    u64 ino = 0;          ///< fault, munmap, madvise_hwpoison: the file
    u64 page = 0;         ///< fault, madvise_hwpoison: the file page index
    u64 pages = 1;        ///< fault: consecutive pages touched
    bool write = false;   ///< fault: a write fault (takes sb_start_pagefault) rather than a read fault
    daxfail::event event; ///< notify (and madvise_hwpoison, filled in by the reader): what the path handles
    friend bool operator==(const actor_step&, const actor_step&) = default;
};

/// An actor starts once `actor` has taken a step whose label begins with `step` (empty: once it finished).
struct start_condition {
    std::string actor;
    std::string step;
    friend bool operator==(const start_condition&, const start_condition&) = default;
};

struct actor {
    std::string name;
    std::vector<actor_step> steps;
    std::optional<start_condition> start;
    friend bool operator==(const actor&, const actor&) = default;
};

/// The name of the actor the scenario's event runs as: "unbind" or "memory_failure".
inline std::string event_actor_name(const daxfail::event& ev) {
    return ev.kind == event_kind::unbind ? "unbind" : "memory_failure";
}

/// The label of a step in schedules and counterexamples, e.g. "write fault ino 134 page 5".
inline std::string step_label(const actor_step& s) {
    using std::to_string;
    switch (s.op) {
        case actor_op::fault:
            return std::string(s.write ? "write" : "read") + " fault ino " + to_string(s.ino) + " page " + to_string(s.page) +
                   (s.pages > 1 ? " +" + to_string(s.pages - 1) : std::string{});
        case actor_op::munmap: return "munmap ino " + to_string(s.ino);
        case actor_op::madvise_hwpoison: return "madvise_hwpoison ino " + to_string(s.ino) + " page " + to_string(s.page);
        case actor_op::notify:
            return s.event.kind == event_kind::unbind ? std::string("notify unbind")
                                                      : "notify memory_failure offset " + to_string(s.event.offset);
        default: return std::string(actor_op_name(s.op));
    }
}

/// Steps for actors built in C++ (madvise_hwpoison needs the world: builder.hpp has it).
namespace steps {
inline actor_step op(actor_op o) {
    actor_step s;
    s.op = o;
    return s;
}
inline actor_step fifreeze() { return op(actor_op::fifreeze); }
inline actor_step fithaw() { return op(actor_op::fithaw); }
inline actor_step freeze() { return op(actor_op::freeze); }
inline actor_step thaw() { return op(actor_op::thaw); }
inline actor_step work() { return op(actor_op::work); }
inline actor_step fault(u32 pid, u64 ino, u64 page, bool write, u64 pages = 1) {
    actor_step s = op(actor_op::fault);
    s.pid = pid;
    s.ino = ino;
    s.page = page;
    s.pages = pages;
    s.write = write;
    return s;
}
inline actor_step read_fault(u32 pid, u64 ino, u64 page, u64 pages = 1) { return fault(pid, ino, page, false, pages); }
inline actor_step write_fault(u32 pid, u64 ino, u64 page, u64 pages = 1) { return fault(pid, ino, page, true, pages); }
inline actor_step munmap(u32 pid, u64 ino) {
    actor_step s = op(actor_op::munmap);
    s.pid = pid;
    s.ino = ino;
    return s;
}
inline actor_step exit(u32 pid) {
    actor_step s = op(actor_op::exit);
    s.pid = pid;
    return s;
}
inline actor_step notify(const daxfail::event& ev) {
    actor_step s = op(actor_op::notify);
    s.event = ev;
    return s;
}
}  // namespace steps

/// An actor from its name and steps, optionally started after `after`'s step `step` (empty: after it ends).
inline actor make_actor(std::string name, std::vector<actor_step> s, std::optional<start_condition> start = {}) {
    return actor{std::move(name), std::move(s), std::move(start)};
}

}  // namespace daxfail

#endif
