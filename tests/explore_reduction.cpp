// explore --reduction sleep-sets: the same verdicts, sequential results and counterexample lengths as the full
// exploration, from fewer schedules; and the footprints it rests on.
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/detail/footprint.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/presets.hpp>

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using namespace daxfail;

namespace {

explore::options with_reduction(explore::reduction_kind r, u32 preemptions) {
    explore::options o;
    o.reduction = r;
    o.preemptions = preemptions;
    return o;
}

explore::detail::footprint step_touching(std::size_t actor, std::vector<u64> may_touch, std::vector<u64> changed,
                                         bool any_object = false) {
    explore::detail::footprint f;
    f.actor = actor;
    f.may_touch = std::move(may_touch);
    f.changed = std::move(changed);
    f.any_object = any_object;
    return f;
}

u64 schedules_run(const explore::result& r) { return r.schedules + r.pruned + r.cut; }

/// Explores `s` under `cfg` both ways; checks every invariant's verdict, sequential result and counterexample
/// length; returns the schedules run {without, with} the reduction.
std::pair<u64, u64> compare_reduction(const config& cfg, const std::string& variant, const scenario& s,
                                      u32 preemptions) {
    const auto full = explore::explore(cfg, variant, s, with_reduction(explore::reduction_kind::none, preemptions));
    const auto reduced =
        explore::explore(cfg, variant, s, with_reduction(explore::reduction_kind::sleep_sets, preemptions));
    REQUIRE(full.invariants.size() == reduced.invariants.size());
    for (std::size_t k = 0; k < full.invariants.size(); ++k) {
        const auto& a = full.invariants[k];
        const auto& b = reduced.invariants[k];
        INFO(variant << " x " << s.name << " (preemptions " << preemptions << "): " << a.name);
        CHECK(a.verdict == b.verdict);
        CHECK(a.sequential == b.sequential);
        CHECK(a.counterexample.size() == b.counterexample.size());
    }
    CHECK(schedules_run(reduced) <= schedules_run(full));
    return {schedules_run(full), schedules_run(reduced)};
}

}  // namespace

TEST_CASE("sleep sets keep every verdict and run fewer schedules") {
    const std::vector<scenario> scenarios{scenarios::kernel_holder_keeps_freeze(),
                                          scenarios::userspace_freezer_during_unbind(),
                                          scenarios::memory_failure_during_unbind()};
    u64 full = 0, reduced = 0;
    for (const auto& s : scenarios)
        for (u32 preemptions : {1u, 2u}) {
            for (const auto& [f, r] : {compare_reduction(presets::v12::config, "v12", s, preemptions),
                                       compare_reduction(presets::merged::config, "merged", s, preemptions),
                                       compare_reduction(presets::debian_6_1::config, "debian_6_1", s, preemptions)}) {
                full += f;
                reduced += r;
            }
        }
    CHECK(reduced < full);
}

TEST_CASE("without --reduction the exploration is the one it always was") {
    const auto s = scenarios::kernel_holder_freezes_and_thaws();
    const auto by_default = explore::explore<presets::merged>(s);
    const auto none = explore::explore<presets::merged>(s, with_reduction(explore::reduction_kind::none, 2));
    CHECK(by_default.schedules == none.schedules);
    CHECK(by_default.pruned == none.pruned);
    CHECK(by_default.states == none.states);
    CHECK(explore::reduction_from_name(explore::reduction_name(explore::reduction_kind::sleep_sets)) ==
          explore::reduction_kind::sleep_sets);
    CHECK_FALSE(explore::reduction_from_name("sleep_sets").has_value());
}

TEST_CASE("footprints: what commutes and what does not") {
    using namespace explore::detail;
    namespace o = world_object;
    const auto objects = [](const actor_step& st) { return operation_objects(st, presets::merged::config); };
    const auto work = step_touching(1, objects(steps::work()), {});
    const auto kernel_path = step_touching(0, {}, {o::id(o::shutdown)}, true);
    CHECK(independent(work, kernel_path));  // work changes nothing and reads nothing of the world
    auto freeze = step_touching(2, objects(steps::freeze()), {o::id(o::sb_freeze)});
    const auto writer = step_touching(3, objects(steps::write_fault(1, 134, 5)), {o::id(o::task, 1)});
    const auto reader = step_touching(3, objects(steps::read_fault(1, 134, 5)), {o::id(o::task, 1)});
    CHECK_FALSE(independent(freeze, writer));  // a write fault waits on the freeze
    CHECK(independent(freeze, reader));        // a read fault does not
    CHECK_FALSE(independent(reader, kernel_path));  // a kernel path may read the mapping the fault made
    auto asking = work;
    asking.asked_others = true;  // the freeze retry's look-ahead reads every actor's progress
    CHECK_FALSE(independent(asking, freeze));
    auto same_actor = freeze;
    same_actor.actor = work.actor;
    CHECK_FALSE(independent(work, same_actor));
    // The sync of a freeze cleans every file's entries: it may touch the file a read fault maps.
    freeze.changed.push_back(o::id(o::inode, 134));
    CHECK_FALSE(independent(freeze, reader));
    CHECK(o::overlap(o::every(o::inode), o::id(o::inode, 7)));
    CHECK_FALSE(o::overlap(o::id(o::inode, 7), o::id(o::task, 7)));
    const auto before = object_digests(scenarios::untouched_base().build());
    auto changed_world = scenarios::untouched_base().build();
    changed_world.mp.shutdown_flags = 1;
    CHECK(changed_objects(before, object_digests(changed_world)) == std::vector<u64>{o::id(o::shutdown)});
    CHECK(changed_objects(before, before).empty());
}
