// The explorer: what it must find in the concurrent catalog (issue 12, section 4), with the length of each
// counterexample, a safe schedule for the same variant (so no check is vacuous), replay, determinism.
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/replay.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/presets.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace daxfail;

namespace {

using steps_t = std::vector<explore::schedule_step>;

/// Index of the first step of `actor` whose label starts with `prefix`; the test fails if there is none (so an
/// ordering check can never pass on a missing step).
std::size_t find_step(const steps_t& s, const std::string& actor, const std::string& prefix) {
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i].actor == actor && s[i].step.rfind(prefix, 0) == 0) return i;
    FAIL("no step of " << actor << " starting with '" << prefix << "'");
    return std::string::npos;
}
std::size_t find_last_step(const steps_t& s, const std::string& actor, const std::string& prefix) {
    std::size_t found = std::string::npos;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i].actor == actor && s[i].step.rfind(prefix, 0) == 0) found = i;
    if (found == std::string::npos) FAIL("no step of " << actor << " starting with '" << prefix << "'");
    return found;
}

bool trace_mentions(const explore::replay_result& r, const std::string& actor, const std::string& text) {
    for (const auto& st : r.steps)
        if (st.actor == actor)
            for (const auto& t : st.trace)
                if (t.detail.find(text) != std::string::npos || t.function.find(text) != std::string::npos) return true;
    return false;
}

template <class V>
explore::result explore_with(const scenario& s) {
    return explore::explore<V>(s);
}

/// Once v6.14+'s 2^32-index walks are over (the model waits for them).
template <class V>
explore::result explore_patiently(const scenario& s) {
    explore::options o;
    o.walk_patience = 0;
    return explore::explore(V::config, variant_name<V>(), s, o);
}

}  // namespace

TEST_CASE("a write fault after the walk passed its extent keeps a live mapping unless the path froze") {
    const auto s = scenarios::write_fault_during_unbind();
    SUBCASE("variants that do not freeze") {
        struct expectation {
            explore::result r;
            std::size_t length;
        };
        for (const auto& e : {expectation{explore_with<presets::pre_patch>(s), 27},
                                        expectation{explore_with<presets::debian_6_1>(s), 26},
                                        expectation{explore_with<presets::merged::with<freeze::none>>(s), 30}}) {
            const auto& r = e.r;
            const auto length = e.length;
            INFO(r.variant);
            const auto& inv = r.invariant("no_live_mapping_after_pre_remove");
            CHECK(inv.verdict == "violated");
            CHECK(inv.sequential == "pass");  // only an interleaving shows it
            CHECK(inv.counterexample.size() == length);
            CHECK(inv.safe > 0);              // and some schedule is safe
            CHECK(inv.violated_reason.find("pid 1002 ino 134 pgoff 5") != std::string::npos);
        }
        // With merged's revoke and no freeze, the fault must come after the walk revoked B and before the shutdown.
        const auto r = explore_with<presets::merged::with<freeze::none>>(s);
        const auto& ce = r.invariant("no_live_mapping_after_pre_remove").counterexample;
        const auto fault = find_step(ce, "writer", "write fault");
        REQUIRE(fault != std::string::npos);
        CHECK(fault > find_step(ce, "unbind", "xfs_dax_failure_fn group 2 agbno 200 inode 134"));
        CHECK(fault < find_step(ce, "unbind", "xfs_force_shutdown"));
        const auto again = explore::replay(presets::merged::with<freeze::none>::config, s, ce);
        CHECK(again.followed);
        CHECK(trace_mentions(again, "writer", "mapped pfn"));
    }
    SUBCASE("variants that freeze: the fault waits for the thaw and meets a shut-down filesystem") {
        for (const auto& r : {explore_with<presets::v12>(s), explore_with<presets::v12_reviewed>(s),
                              explore_with<presets::merged>(s), explore_with<presets::debian_6_12>(s)}) {
            INFO(r.variant);
            const auto& inv = r.invariant("no_live_mapping_after_pre_remove");
            CHECK(inv.verdict == "holds");
            CHECK(inv.violating == 0);
            CHECK(inv.safe == r.schedules);
            CHECK(r.schedules >= 3);
        }
        // The safe schedules put the fault before the freeze or after the thaw: it cannot go in between.
        const auto r = explore_with<presets::merged>(s);
        const auto& ex = r.invariant("no_live_mapping_after_pre_remove").safe_example;
        const auto fault = find_step(ex, "writer", "write fault");
        REQUIRE(fault != std::string::npos);
        CHECK((fault < find_step(ex, "unbind", "freeze_super kernel") || fault > find_last_step(ex, "unbind", "thaw_super")));
        // Without preemptions: the unbind runs to its end, then the fault meets the shut-down filesystem.
        explore::options sequential;
        sequential.preemptions = 0;
        const auto seq = explore::explore(presets::merged::config, "merged", s, sequential);
        const auto& first = seq.invariant("no_live_mapping_after_pre_remove").safe_example;
        REQUIRE(!first.empty());
        CHECK(first.back().actor == "writer");
        const auto after = explore::replay(presets::merged::config, s, first);
        CHECK(after.followed);
        CHECK(trace_mentions(after, "writer", "the filesystem is shut down (iomap_begin -EIO), SIGBUS BUS_ADRERR"));
    }
}

TEST_CASE("a read fault between the revoke and the shutdown is not stopped by the freeze") {
    const auto s = scenarios::read_fault_during_unbind();
    struct expectation {
        explore::result r;
        std::size_t length;
    };
    for (const auto& e : {expectation{explore_with<presets::pre_patch>(s), 27},
                                    expectation{explore_with<presets::debian_6_1>(s), 26},
                                    expectation{explore_with<presets::v12>(s), 32},
                                    expectation{explore_with<presets::v12_reviewed>(s), 32},
                                    expectation{explore_with<presets::merged>(s), 32},
                                    expectation{explore_patiently<presets::v6_14>(s), 34},
                                    expectation{explore_with<presets::debian_6_12>(s), 32}}) {
        const auto& r = e.r;
        const auto length = e.length;
        INFO(r.variant);
        const auto& inv = r.invariant("no_live_mapping_after_pre_remove");
        CHECK(inv.verdict == "violated");
        CHECK(inv.sequential == "pass");
        CHECK(inv.counterexample.size() == length);
        CHECK(inv.safe > 0);
    }
    // Within the model's patience v6.14's unbind never gets past its first wrapped walk: it spins in every
    // schedule, and whether a mapping outlives the unbind is not decided.
    const auto spinning = explore_with<presets::v6_14>(s);
    CHECK(spinning.invariant("terminates").verdict == "violated");
    CHECK(spinning.invariant("no_live_mapping_after_pre_remove").verdict == "n/a");
    const auto r = explore_with<presets::merged>(s);
    const auto& ce = r.invariant("no_live_mapping_after_pre_remove").counterexample;
    const auto read = find_step(ce, "reader", "read fault");
    CHECK(read > find_step(ce, "unbind", "freeze_super kernel"));  // the filesystem is frozen
    CHECK(read > find_step(ce, "unbind", "invalidate_inode_pages2_range ino 133"));
    CHECK(read < find_step(ce, "unbind", "xfs_force_shutdown"));
    const auto again = explore::replay(presets::merged::config, s, ce);
    REQUIRE(again.followed);
    CHECK(trace_mentions(again, "reader", "mapped pfn 0x101067"));  // AG 1 block 103 of pmem0
}

TEST_CASE("v12 never completes pre-remove while another kernel holder keeps the filesystem frozen") {
    const auto s = scenarios::kernel_holder_keeps_freeze();
    const auto v12 = explore_with<presets::v12>(s);
    const auto& inv = v12.invariant("pre_remove_completes");
    CHECK(inv.verdict == "violated");
    CHECK(inv.sequential == "pass");
    // The unbind reaches freeze_super, scrub freezes first, and nothing is left that could ever thaw it.
    REQUIRE(inv.counterexample.size() == 4);
    CHECK(inv.counterexample[0].actor == "unbind");
    CHECK(inv.counterexample[1].actor == "xfs_scrub");
    CHECK(inv.counterexample[1].step == "freeze");
    CHECK(inv.counterexample[3].actor == "unbind");
    CHECK(inv.counterexample[3].step == "freeze_super kernel");
    CHECK(inv.violated_reason.find("did not terminate") != std::string::npos);
    CHECK(inv.safe > 0);  // when the unbind freezes first, scrub's freeze gets -EBUSY and the unbind completes
    CHECK(v12.invariant("terminates").verdict == "violated");
    for (const auto& r : {explore_with<presets::v12_reviewed>(s), explore_with<presets::merged>(s)}) {
        INFO(r.variant);
        CHECK(r.invariant("pre_remove_completes").verdict == "holds");
        CHECK(r.invariant("terminates").verdict == "holds");
        CHECK(r.invariant("pre_remove_completes").safe == r.schedules);
    }
}

TEST_CASE("carrying on after -EBUSY and thawing the kernel holder anyway drops the other holder's freeze") {
    // v13 as posted: -EBUSY from the freeze lets the path go on, and the thaw (v12's, unconditional) runs anyway.
    using v13_as_posted = presets::v12::with<freeze::ebusy_continues>;
    const auto s = scenarios::kernel_holder_keeps_freeze();
    const auto r = explore_with<v13_as_posted>(s);
    const auto& inv = r.invariant("no_foreign_freeze_dropped");
    CHECK(inv.verdict == "violated");
    CHECK(inv.sequential == "pass");
    CHECK(inv.counterexample.size() == 33);
    CHECK(inv.violated_reason == "xfs_scrub's freeze, released by xfs_dax_notify_failure");
    CHECK(inv.safe > 0);
    const auto merged = explore_with<presets::merged>(s);
    CHECK(merged.invariant("no_foreign_freeze_dropped").verdict == "holds");
    CHECK(merged.invariant("no_foreign_freeze_dropped").safe == merged.schedules);
    // With scrub thawing afterwards, its thaw fails: the drop is visible to the holder.
    const auto t = explore_with<v13_as_posted>(scenarios::kernel_holder_freezes_and_thaws());
    CHECK(t.invariant("freezer_thaw_succeeds").verdict == "violated");
    CHECK(t.invariant("freezer_thaw_succeeds").counterexample.size() == 36);
    CHECK(explore_with<presets::merged>(scenarios::kernel_holder_freezes_and_thaws())
              .invariant("freezer_thaw_succeeds").verdict == "holds");
}

TEST_CASE("merged's thaw of the userspace freeze 'anyway' makes the administrator's FITHAW fail") {
    const auto s = scenarios::userspace_freezer_during_unbind();
    const auto merged = explore_with<presets::merged>(s);
    const auto& inv = merged.invariant("freezer_thaw_succeeds");
    CHECK(inv.verdict == "violated");
    CHECK(inv.sequential == "pass");
    CHECK(inv.counterexample.size() == 35);
    CHECK(inv.violated_reason == "FITHAW by xfs_freeze = -EINVAL although it holds a freeze");
    CHECK(inv.safe > 0);
    // On v6.8's counters (merged) the shortest way is FITHAW while the unbind's kernel freeze is held: the thaw
    // drops the count but returns -EINVAL. On Debian 6.12 (the nested-thaw fix) it is the 'anyway' thaw itself:
    // FITHAW enters, the unbind's thaw of the userspace holder runs, and FITHAW's thaw_super finds nothing to thaw.
    const auto d612 = explore_with<presets::debian_6_12>(s);
    const auto& ce = d612.invariant("freezer_thaw_succeeds").counterexample;
    CHECK(d612.invariant("freezer_thaw_succeeds").verdict == "violated");
    CHECK(ce.size() == 35);
    const auto anyway = find_step(ce, "unbind", "thaw_super userspace");
    CHECK(find_step(ce, "xfs_freeze", "FIFREEZE") < anyway);
    CHECK(find_step(ce, "xfs_freeze", "thaw_super userspace") > anyway);
    const auto again = explore::replay(presets::debian_6_12::config, s, ce);
    CHECK(trace_mentions(again, "unbind", "userspace by xfs_dax_notify_failure = 0, dropped the freeze of xfs_freeze"));
    CHECK(trace_mentions(again, "xfs_freeze", "userspace by xfs_freeze = -EINVAL"));
    const auto never = explore_with<presets::v12_reviewed::with<thaw_userspace::never>>(s);
    CHECK(never.invariant("freezer_thaw_succeeds").verdict == "holds");
    CHECK(never.invariant("no_foreign_freeze_dropped").verdict == "holds");
    CHECK(never.invariant("freezer_thaw_succeeds").safe == never.schedules);
}

TEST_CASE("every actor blocked is a deadlock, reported as a violation, not a hang") {
    // An administrator freezes and never thaws; a writer's fault waits for ever; nobody drops the freeze.
    auto s = scenarios::write_fault_during_unbind();
    s.name = "writer_behind_a_freeze_nobody_drops";
    s.actors.insert(s.actors.begin(), make_actor("xfs_freeze", {steps::fifreeze()}));
    const auto never = explore_with<presets::v12_reviewed::with<thaw_userspace::never>>(s);
    const auto& t = never.invariant("terminates");
    CHECK(t.verdict == "violated");
    CHECK(t.violated_reason.find("deadlock: writer waits at write fault ino 134 page 5 (sb_start_pagefault") !=
          std::string::npos);
    // merged thaws the userspace freeze 'anyway', so the writer runs (and meets the shut-down filesystem).
    const auto merged = explore_with<presets::merged>(s);
    CHECK(merged.invariant("terminates").safe > 0);
}

TEST_CASE("bounds: a smaller preemption bound explores fewer schedules, and the depth bound cuts") {
    const auto s = scenarios::kernel_holder_freezes_and_thaws();
    explore::options none;
    none.preemptions = 0;
    const auto r0 = explore::explore(presets::v12::config, "v12", s, none);
    const auto r2 = explore_with<presets::v12>(s);
    CHECK(r0.schedules < r2.schedules);
    CHECK(r2.cut > 0);  // v12 spinning on the freeze while scrub could thaw: cut, never judged
    explore::options shallow;
    shallow.depth = 10;
    const auto rs = explore::explore(presets::merged::config, "merged", s, shallow);
    CHECK(rs.schedules == 0);
    CHECK(rs.cut > 0);
    explore::options unhashed;
    unhashed.state_hashing = false;
    const auto ru = explore::explore(presets::merged::config, "merged", scenarios::write_fault_during_unbind(), unhashed);
    const auto rh = explore_with<presets::merged>(scenarios::write_fault_during_unbind());
    CHECK(ru.pruned == 0);
    CHECK(ru.schedules > rh.schedules);  // the table merges equivalent interleavings...
    for (std::size_t k = 0; k < ru.invariants.size(); ++k) CHECK(ru.invariants[k].verdict == rh.invariants[k].verdict);  // ...and loses nothing
}

TEST_CASE("the same exploration gives the same report, and a counterexample replays") {
    const auto s = scenarios::userspace_freezer_during_unbind();
    explore::options o;
    const auto a = explore::to_json({explore_with<presets::merged>(s)}, o, false).dump();
    const auto b = explore::to_json({explore_with<presets::merged>(s)}, o, false).dump();
    CHECK(a == b);
    const auto r = explore_with<presets::merged>(s);
    const auto& ce = r.invariant("freezer_thaw_succeeds").counterexample;
    const auto again = explore::replay(presets::merged::config, s, ce);
    REQUIRE(again.followed);
    CHECK(again.steps == ce);
    bool violated = false;
    for (const auto& v : again.verdicts) violated = violated || (v.name == "freezer_thaw_succeeds" && v.result == verdict::fail);
    CHECK(violated);
    // A schedule that cannot be followed says which step and why.
    steps_t wrong = ce;
    wrong[0].actor = "nobody";
    const auto bad = explore::replay(presets::merged::config, s, wrong);
    CHECK_FALSE(bad.followed);
    CHECK(bad.error.find("step 1: nobody cannot go") == 0);
    // The DOT has one lane per actor.
    const auto dot = explore::replay_to_dot("t", again);
    CHECK(dot.find("label=\"unbind\"") != std::string::npos);
    CHECK(dot.find("label=\"xfs_freeze\"") != std::string::npos);
}

TEST_CASE("explored shards combine into the single run's result") {
    const auto s = scenarios::userspace_freezer_during_unbind();
    const auto& cfg = presets::merged::config;
    const std::size_t n = explore::first_choices(cfg, s);
    CHECK(n == 2);  // the unbind or the freezer goes first
    auto whole = explore::explore(cfg, "merged", s);
    auto sum = explore::detail::empty_result("merged", s, {});
    for (std::size_t k = 0; k < n; ++k) explore::combine(sum, explore::explore_item(cfg, "merged", s, k, {}, k));
    explore::options o;
    CHECK(explore::to_json({whole}, o, false).dump() == explore::to_json({sum}, o, false).dump());
}

TEST_CASE("a read fault of a shared extent unmaps the file's other PTEs of that page from v6.2 (shared_marker)") {
    // A and its reflink clone share their blocks; reader and reader3 map A with page 3 present, reader2 maps the
    // clone. A third read of A's page 3 by writer (it maps A too, untouched) is the fault.
    world_builder b;
    b.reflink()
        .standard_metadata()
        .file(scenarios::file_a, "A", {{1, 100, 16, 0}})
        .file(136, "A-clone", {{1, 100, 16, 0}})
        .process(scenarios::unbinder, "sh")
        .process(scenarios::reader, "reader")
        .map(scenarios::reader, scenarios::file_a, 0, 16, scenarios::reader_va, {3})
        .process(1006, "reader2")
        .map(1006, 136, 0, 16, 0x7f5000000000, {3})
        .process(scenarios::writer, "writer")
        .map(scenarios::writer, scenarios::file_a, 0, 16, scenarios::writer_va, {}, false);
    auto s = scenarios::make("shared_read_fault", "t", b, event::unbind(0, scenarios::unbinder));
    s.actors = {make_actor("writer", {steps::read_fault(scenarios::writer, scenarios::file_a, 3)})};
    for (bool marks : {true, false}) {
        INFO(marks);
        config cfg = presets::merged::config;
        cfg.dax_shared_page = marks ? ops_of<dax_shared_page::shared_marker> : ops_of<dax_shared_page::last_faulter>;
        // The one schedule without preemptions that starts with the writer (the second actor able to go first).
        explore::options sequential;
        sequential.preemptions = 0;
        const auto r = explore::explore_item(cfg, "merged", s, 1, sequential);
        REQUIRE(r.schedules == 1);
        const auto& schedule = r.invariant("terminates").safe_example;
        REQUIRE(schedule.front().actor == "writer");
        const auto rep = explore::replay(cfg, s, schedule);
        CHECK(trace_mentions(rep, "writer", "mapped pfn 0x101067"));
        CHECK(trace_mentions(rep, "writer", "unmapped 1 other PTE(s) of the shared page") == marks);
    }
}

TEST_CASE("an actor with a start condition waits for it; a scenario without actors has one schedule") {
    // The reader only starts once the unbind reached its shutdown: its read fault can no longer re-map anything.
    auto s = scenarios::read_fault_during_unbind();
    s.actors[0].start = start_condition{"unbind", "xfs_force_shutdown"};
    const auto late = explore_with<presets::merged>(s);
    CHECK(late.invariant("no_live_mapping_after_pre_remove").verdict == "holds");
    for (const auto& st : late.invariant("no_live_mapping_after_pre_remove").safe_example)
        if (st.actor == "reader") CHECK(st.step == "read fault ino 133 page 3");
    const auto& ex = late.invariant("no_live_mapping_after_pre_remove").safe_example;
    CHECK(find_step(ex, "reader", "read fault") > find_step(ex, "unbind", "xfs_force_shutdown"));
    // Started after the unbind finished ("after" without a step).
    s.actors[0].start = start_condition{"unbind", ""};
    const auto after = explore_with<presets::merged>(s);
    CHECK(after.schedules == 1);
    CHECK(after.invariant("no_live_mapping_after_pre_remove").safe_example.back().actor == "reader");
    // No actors: the one sequential schedule, judged like a run.
    auto plain = scenarios::unbind_mapped_files();
    const auto one = explore_with<presets::merged>(plain);
    CHECK(one.schedules == 1);
    CHECK(one.invariant("no_live_mapping_after_pre_remove").verdict == "holds");
    CHECK(one.invariant("mapped_tasks_signaled").verdict == "holds");
    CHECK(explore_with<presets::pre_patch>(plain).invariant("no_live_mapping_after_pre_remove").verdict == "violated");
}

TEST_CASE("scenarios built in C++ are validated before they are explored") {
    auto s = scenarios::write_fault_during_unbind();
    s.actors.push_back(make_actor("ghost", {steps::read_fault(4242, scenarios::file_a, 0)}));
    s.actors.push_back(make_actor("second", {steps::notify(event::machine_check(7, 0, page_size, scenarios::reader))}));
    s.actors.push_back(make_actor("writer", {steps::work()}, start_condition{"nobody", ""}));
    const auto errors = explore::validate_actors(s);
    auto has = [&](const std::string& text) {
        for (const auto& e : errors)
            if (e.to_string() == text) return true;
        return false;
    };
    CHECK(has("actors[1].steps[0].pid: no task 4242 with an mm"));
    CHECK(has("actors[2].steps[0].event.device: no device 7"));
    CHECK(has("actors[3].name: \"writer\" is taken"));
    CHECK(has("actors[3].start.after: no other actor \"nobody\""));
    CHECK_THROWS_AS(explore::explore<presets::merged>(s), invalid_scenario);
}
