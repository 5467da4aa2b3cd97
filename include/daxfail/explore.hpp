// Exploring concurrent actors: include this for daxfail::explore::explore()
// and replay(). The report formats (JSON, Markdown, DOT) are in
// <daxfail/explore/report.hpp>, kept out of here and of <daxfail/daxfail.hpp>:
// nlohmann/json would triple the umbrella header's compile time.
//
//     auto s = daxfail::scenarios::write_fault_during_unbind();
//     auto r = daxfail::explore::explore<daxfail::presets::merged>(s);
//     r.invariant("no_live_mapping_after_pre_remove").verdict  // "holds"
#ifndef DAXFAIL_EXPLORE_HPP
#define DAXFAIL_EXPLORE_HPP

#include <daxfail/actor.hpp>
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/invariants.hpp>
#include <daxfail/explore/replay.hpp>
#include <daxfail/explore/schedule.hpp>

#endif
