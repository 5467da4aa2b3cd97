// What one step of a schedule can touch, for the partial-order reduction
// (docs/explore.md, "Partial-order reduction"): the world objects it may read
// or write (from the code of the actor's operation; a kernel path may touch
// anything), the objects it did change (their digests before and after the
// step), and whether it asked about the other actors (the freeze retry's
// look-ahead). Two steps of different actors from one state are independent
// when neither changed an object the other may touch and neither looked at
// the actors: then both orders run the same two steps and reach one state.
#ifndef DAXFAIL_EXPLORE_DETAIL_FOOTPRINT_HPP
#define DAXFAIL_EXPLORE_DETAIL_FOOTPRINT_HPP

#include <daxfail/actor.hpp>
#include <daxfail/config.hpp>
#include <daxfail/explore/detail/state_hash.hpp>
#include <daxfail/world.hpp>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace daxfail::explore::detail {

/// One step's footprint, and how its actor stood after it.
struct footprint {
    std::size_t actor = 0;
    bool any_object = false;        ///< may read or write anything in the world (a kernel path's step)
    bool asked_others = false;      ///< read the other actors' progress (kernel_context::others_may_act)
    std::vector<u64> may_touch;     ///< world_object ids it may read or write (when not any_object)
    std::vector<u64> changed;       ///< world_object ids whose digest the step changed
    bool finished = false;          ///< its actor finished with this step
    bool enabled_after = false;     ///< its actor could take the next step at once
};

/// The world objects a step of operation `st` may read or write, whole operation included: a fault touches its
/// task's mappings (every task's when a read fault of a shared page unmaps the others, v6.2+), the file's
/// entries, the shutdown state, the devices' liveness, and for a write the freeze state it waits on; munmap and
/// exit their task's mappings; a freeze the freeze state, the shutdown state and every file's entries (its sync
/// cleans them); a thaw the freeze state; work nothing. The indexes built when an actor's first operation starts
/// read only what never changes during a schedule (which task maps which file where, the extents).
inline std::vector<u64> operation_objects(const actor_step& st, const config& cfg) {
    using namespace world_object;
    switch (st.op) {
        case actor_op::fault: {
            std::vector<u64> o{id(inode, st.ino), id(shutdown), every(device)};
            o.push_back(!st.write && cfg.dax_shared_page.marks_shared ? every(task) : id(task, st.pid));
            if (st.write) o.push_back(id(sb_freeze));
            return o;
        }
        case actor_op::munmap:
        case actor_op::exit: return {id(task, st.pid)};
        case actor_op::fifreeze:
        case actor_op::freeze: return {id(sb_freeze), id(shutdown), every(inode)};
        case actor_op::fithaw:
        case actor_op::thaw: return {id(sb_freeze)};
        case actor_op::work: return {};
        case actor_op::madvise_hwpoison:
        case actor_op::notify: break;  // kernel paths: any_object
    }
    return {};
}

/// The objects whose digests differ between two sorted (object, digest) lists (an object missing from one list
/// counts as changed).
inline std::vector<u64> changed_objects(const std::vector<std::pair<u64, u64>>& before,
                                        const std::vector<std::pair<u64, u64>>& after) {
    std::vector<u64> out;
    std::size_t i = 0, j = 0;
    while (i < before.size() || j < after.size()) {
        if (j == after.size() || (i < before.size() && before[i].first < after[j].first)) out.push_back(before[i++].first);
        else if (i == before.size() || after[j].first < before[i].first) out.push_back(after[j++].first);
        else {
            if (before[i].second != after[j].second) out.push_back(before[i].first);
            ++i, ++j;
        }
    }
    return out;
}

/// The world's objects with their digests, sorted by object.
inline std::vector<std::pair<u64, u64>> object_digests(const world& w) {
    std::vector<std::pair<u64, u64>> out;
    digest d;
    bool open = false;
    u64 current = 0;
    hash_world_parts(d, w, [&](u64 object) {
        if (open) out.emplace_back(current, d.h);
        open = true;
        current = object;
        d = digest{};
    });
    if (open) out.emplace_back(current, d.h);
    std::sort(out.begin(), out.end());
    return out;
}

/// Whether `a`'s changes touch nothing `b` may touch.
inline bool leaves_alone(const footprint& a, const footprint& b) {
    if (a.changed.empty()) return true;
    if (b.any_object) return false;
    for (u64 x : a.changed) {
        if (std::find(b.changed.begin(), b.changed.end(), x) != b.changed.end()) return false;
        for (u64 y : b.may_touch)
            if (world_object::overlap(x, y)) return false;
    }
    return true;
}

/// Whether two steps taken from the same state commute: both orders run the same steps and end in one state, and
/// neither enables or disables the other (an actor's next step waits only on what it may touch: the freeze state
/// for a write fault; start conditions only ever become true).
inline bool independent(const footprint& a, const footprint& b) {
    return a.actor != b.actor && !a.asked_others && !b.asked_others && leaves_alone(a, b) && leaves_alone(b, a);
}

}  // namespace daxfail::explore::detail

#endif
