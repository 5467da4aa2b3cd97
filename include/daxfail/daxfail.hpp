// daxfail: an executable model of the Linux fsdax memory-failure and pmem
// pre-remove path (kill_dax -> dax_holder_notify_failure ->
// xfs_dax_notify_failure -> rmap walk -> mf_dax_kill_procs -> shutdown), in
// which every choice the MF_MEM_PRE_REMOVE patch and its review argued about
// is a compile-time policy. This header includes the sequential model: add
// <daxfail/explore.hpp> for concurrent actors (it brings <thread> and doubles
// the compile time of a file that includes it), <daxfail/doctest.hpp> for the
// doctest integration, <daxfail/cli.hpp> for the command.
#ifndef DAXFAIL_DAXFAIL_HPP
#define DAXFAIL_DAXFAIL_HPP

#include <daxfail/builder.hpp>
#include <daxfail/combinations.hpp>
#include <daxfail/config.hpp>
#include <daxfail/constants.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/event.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/run.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/setup_warnings.hpp>
#include <daxfail/validate.hpp>
#include <daxfail/variant.hpp>
#include <daxfail/world.hpp>

#endif
