// The limits and instrumentation of one run of the model (daxfail::run, the
// explorer's paths, the oracle's judge), and the model's patience with a walk.
#ifndef DAXFAIL_RUN_OPTIONS_HPP
#define DAXFAIL_RUN_OPTIONS_HPP

#include <daxfail/constants.hpp>

namespace daxfail {

/// How the model finds the victims of each page.
enum class collect_algorithm {
    indexed_ranges,       ///< an index from (file, page range) to the mappings, runs of pages at once
    per_page_every_task,  ///< the kernel's own loop: every page, every task (counts page_task_visits)
};

/// Limits and instrumentation of one run; none of them changes what the kernel does (the walk's pair only says
/// how long a walk the model waits for before it calls the path spinning, and stops it there).
struct run_options {
    /// Stop after this many modelled steps (0: no limit); reported as end_state::limit_reached.
    u64 max_steps = 0;
    /// Stop after this much wall-clock time (0: no limit); reported as end_state::limit_reached.
    double max_seconds = 0;
    /// Steps kept in outcome::trace; later steps are only counted (cost.trace_dropped).
    u64 trace_limit = 10000;
    collect_algorithm algorithm = collect_algorithm::indexed_ranges;
    /// mf_dax_kill_procs indices the kernel walks per second. An index without a DAX entry costs a spin lock with
    /// interrupts off, an xarray lookup that finds nothing and the unlock: about 25 ns on a current x86 core
    /// (an estimate, not a measurement; under qemu's TCG the oracle's guest is far slower).
    double index_rate = 4e7;
    /// Seconds of walking after which the event counts as spinning (end_state::spinning). The walker itself is
    /// preemptible and never reported, but by 120 s every writer blocked on the freeze it holds gets the kernel's
    /// hung-task warning. 0: wait for every walk to end.
    double walk_patience = 120;
};

}  // namespace daxfail

#endif
