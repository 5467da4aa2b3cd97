// Which tasks collect_procs_fsdax picks on MF_MEM_PRE_REMOVE (A15). Outside
// pre-remove every version uses task_early_kill(force_early=1): the process of
// `current`, or a thread that opted into early kill. v12 and v6.8+ take every
// process that maps the page, because `current` is the unbinder.
#ifndef DAXFAIL_POLICY_COLLECTOR_HPP
#define DAXFAIL_POLICY_COLLECTOR_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class collector_kind { early_kill, all_mapping_tasks };

constexpr std::string_view value_name(collector_kind v) noexcept {
    switch (v) {
        case collector_kind::early_kill: return "early_kill";
        case collector_kind::all_mapping_tasks: return "all_mapping_tasks";
    }
    return "?";
}

constexpr std::string_view axis_name(collector_kind) noexcept { return "collector"; }

namespace collector {
/// task_early_kill(tsk, 1) (pre-patch, Debian 6.1)
struct early_kill : detail::policy_tag<axis::collector, collector_kind::early_kill> {};
/// every thread-group leader mapping the page (v12, v6.8+)
struct all_mapping_tasks : detail::policy_tag<axis::collector, collector_kind::all_mapping_tasks> {};
}  // namespace collector

/// Satisfied by the collector:: policies.
template <class P>
concept collector_policy = detail::policy_on<P, axis::collector>;

}  // namespace daxfail

#endif
