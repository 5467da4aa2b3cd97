// Which tasks collect_procs_fsdax picks on MF_MEM_PRE_REMOVE. Outside
// pre-remove every version uses task_early_kill(force_early=1): the process of
// `current`, or a thread that opted into early kill. v12 and v6.8+ take every
// process that maps the page, because `current` is the unbinder.
//
// The decision: for each task, given whether this is a pre-remove, whether the
// task shares `current`'s mm and whether it has an early-kill thread
// (find_early_kill_thread), the policy picks the thread to signal, or none. A
// task without an mm is never a candidate. A policy that declares
// `reads_page = true` is also told about the page and the walk: whether its
// DAX entry is dirty, how many processes map it, and how many pages of the
// walk's range this task maps; the model then asks it once per page run
// instead of once per task.
//
// What the kernel can see at this point (collect_procs_fsdax(page, mapping,
// pgoff, to_kill, pre_remove), called by mf_dax_kill_procs for one page):
// the flags of the failure (so pre-remove), `current`, each task's mm and
// threads (task_early_kill, find_early_kill_thread), and each VMA of the
// mapping that covers pgoff. The entry's dirty mark is one xarray lookup away
// (mapping, pgoff), and the number of processes mapping the page one more
// walk of the same interval tree; no version looks at either. How many pages
// of the range a task maps is not in reach: it would take a walk of the
// task's page tables for every page, which is why only the model offers it.
//
//     struct my_policy {                       // satisfies daxfail::collector_policy
//         using axis = daxfail::axis::collector;
//         static constexpr std::string_view name = "my_policy";
//         static task_pick pick(const collector_input&);
//         static constexpr bool reads_page = false;  // optional
//     };
#ifndef DAXFAIL_POLICY_COLLECTOR_HPP
#define DAXFAIL_POLICY_COLLECTOR_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/decision.hpp>
#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct collector;  // described at the end of this header
}

/// What collect_procs_fsdax knows about one task.
struct collector_input {
    bool pre_remove = false;       ///< MF_MEM_PRE_REMOVE
    bool is_current = false;       ///< the task's mm is current's (the unbinder, or the task that hit the poison)
    bool has_early_kill = false;   ///< find_early_kill_thread found a thread (PR_MCE_KILL_EARLY or the sysctl)
    int mf_flags = 0;              ///< the failure's MF_* flags as mf_dax_kill_procs passes them on
    // Only for a policy with `reads_page = true` (else false and 0):
    bool page_dirty = false;       ///< the page's DAX entry is dirty (written through a mapping since the last sync)
    u32 mapcount = 0;              ///< processes with a live mapping of the page, this one included
    u64 pages_in_range = 0;        ///< pages of the file in the walk's range [index, index + count) this task maps
};

/// The thread a task is signalled through.
enum class task_pick {
    none,              ///< not a candidate
    current,           ///< current itself
    early_kill_thread, ///< the thread find_early_kill_thread returns
    leader             ///< the thread-group leader
};

/// task_early_kill(tsk, force_early=1): current's process through current, else its early-kill thread.
constexpr task_pick task_early_kill_pick(const collector_input& t) {
    if (t.is_current) return task_pick::current;
    return t.has_early_kill ? task_pick::early_kill_thread : task_pick::none;
}

/// A collector policy as the model runs it.
struct collector_ops {
    std::string_view name;
    detail::decision<task_pick(const collector_input&)> pick;
    bool reads_page = false;  ///< optional member; false when a policy leaves it out
    friend constexpr bool operator==(const collector_ops&, const collector_ops&) = default;
};

namespace collector {
/// task_early_kill(tsk, 1) (pre-patch, Debian 6.1)
struct early_kill : detail::policy_tag<axis::collector, "early_kill"> {
    static constexpr policy_source source = detail::known_sources::mf_dax_kill_procs;
    static constexpr task_pick pick(const collector_input& t) { return task_early_kill_pick(t); }
};
/// every thread-group leader mapping the page (v12, v6.8+)
struct all_mapping_tasks : detail::policy_tag<axis::collector, "all_mapping_tasks"> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
    static constexpr task_pick pick(const collector_input& t) {
        return t.pre_remove ? task_pick::leader : task_early_kill_pick(t);
    }
};
}  // namespace collector

namespace detail {
template <class P>
concept collector_has_pick = requires {
    { &P::pick } -> std::convertible_to<decltype(collector_ops::pick)::plain_function>;
};
}  // namespace detail

namespace detail {
/// The optional member's value: false when a policy leaves it out (policies written before the page inputs did).
template <class P>
constexpr bool collector_reads_page() {
    if constexpr (requires { requires constant_of<P, bool, &P::reads_page>; })
        return P::reads_page;
    else
        return false;
}
}  // namespace detail

/// A collector policy: `static task_pick pick(const collector_input&)`, optionally `reads_page`.
template <class P>
concept collector_policy = detail::policy_on<P, axis::collector> && detail::collector_has_pick<P>;

namespace axis {
struct collector {
    static constexpr std::string_view name = "collector";
    using ops = collector_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::collector::early_kill;
    using builtins = detail::type_list<daxfail::collector::early_kill, daxfail::collector::all_mapping_tasks>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::collector_has_pick<P>, "daxfail: this collector policy needs `static task_pick pick(const collector_input&)`");
        if constexpr (!collector_policy<P>) return ops{};
        else return {P::name, detail::decision_of<decltype(ops::pick), P>(&P::pick), detail::collector_reads_page<P>()};
    }
    struct field;  // config::collector: defined below, where make() is complete
};
struct collector::field {
    ops collector = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
