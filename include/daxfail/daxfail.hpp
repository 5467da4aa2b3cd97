// daxfail: an executable model of the Linux fsdax memory-failure and pmem
// pre-remove path (kill_dax -> dax_holder_notify_failure ->
// xfs_dax_notify_failure -> rmap walk -> mf_dax_kill_procs -> shutdown), in
// which every choice the MF_MEM_PRE_REMOVE patch and its review argued about
// is a compile-time policy.
//
// This header is the sequential model: worlds (world, builder with the
// size-only layout, scenario, scenarios), their checks (validate, and
// xfs_limits through it), the policies (config, variant, presets,
// combinations, the parametric values: parametric, freeze::retry,
// collector::filter, and where each comes from: policy_source, sources), and a
// run with what it records (run, outcome, event, errno, constants). It needs
// Boost.Hana and the standard library only.
//
// Left out, each for a reason of its own; include them by name:
// - <daxfail/invariants.hpp>: judging a run (about 0.6 s more to parse), and
//   <daxfail/compare.hpp>: every variant against every scenario, judged. It
//   reads variant names at run time, which instantiates the cross products
//   of policies: about 9 s to parse, against under 3 s for this header.
// - <daxfail/explore.hpp>: concurrent actors. It brings <thread> and doubles
//   the compile time of a file that includes it.
// - <daxfail/json/...> and <daxfail/report/...>: scenario files and reports
//   need nlohmann/json, a dependency the model itself does not have.
// - <daxfail/oracle/...> and <daxfail/snapshot/...>: real kernels under qemu
//   and the machine daxfail runs on; POSIX processes and files, Linux only.
// - <daxfail/cli.hpp>: the command, all of the above together.
// - <daxfail/doctest.hpp>: the doctest integration, for a test's own file.
// - <daxfail/kernel/...>, <daxfail/policy/...>: reached through run.hpp,
//   config.hpp and parametric.hpp; naming one alone is for a reader, not a
//   user.
// - <daxfail/detail/...>: not for users.
#ifndef DAXFAIL_DAXFAIL_HPP
#define DAXFAIL_DAXFAIL_HPP

#include <daxfail/builder.hpp>
#include <daxfail/combinations.hpp>
#include <daxfail/config.hpp>
#include <daxfail/constants.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/event.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/parametric.hpp>
#include <daxfail/policy_source.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/run.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/setup_warnings.hpp>
#include <daxfail/sources.hpp>
#include <daxfail/validate.hpp>
#include <daxfail/variant.hpp>
#include <daxfail/world.hpp>

#endif
