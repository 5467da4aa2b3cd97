// What the Debian 6.1.192 and 6.12.117 sources (and the oracle on them) showed
// the model had to learn: the caller each build names in a shutdown, what a
// fault leaves in page->mapping of a reflinked page, the umount after an
// unbind, states some kernels cannot build, and how the oracle expresses
// partitions, smaller filesystems, evicted inodes and page lists.
#include "support.hpp"

#include <daxfail/oracle/agreement.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/setup_warnings.hpp>

using namespace daxfail;
using test::logged;

namespace {
using test::named;
outcome run_named(const std::string& name, const config& cfg) {
    const auto s = named(name);
    return run(cfg, s.world, s.event);
}
}  // namespace

TEST_CASE("shutdown_caller: Debian 6.1's build names xfs_dax_notify_failure, the out-of-line build its helper") {
    const auto old = run_named("unbind_mapped_files", presets::debian_6_1::config);
    CHECK(logged(old, "Corruption of on-disk metadata (0x10) detected at xfs_dax_notify_failure.  Shutting down"));
    CHECK_FALSE(logged(old, "detected at xfs_dax_notify_ddev_failure"));
    const auto pre = run_named("unbind_mapped_files", presets::pre_patch::config);
    CHECK(logged(pre, "(0x10) detected at xfs_dax_notify_ddev_failure."));
    // Same behaviour otherwise: only the symbol differs.
    const auto inlined = run_named("unbind_mapped_files", presets::pre_patch::with<shutdown_caller::ddev_failure_inlined>::config);
    CHECK(logged(inlined, "detected at xfs_dax_notify_failure."));
    CHECK(inlined.poisoned == pre.poisoned);
    CHECK(inlined.shutdown_flags == pre.shutdown_flags);
}

TEST_CASE("dax_shared_page: the generic path on a reflinked page follows the last faulter, or oopses on the marker") {
    // No rmapbt: XFS declines and mf_generic_kill_procs reads page->mapping.
    const auto last = run_named("reflinked_poison_no_rmapbt", presets::debian_6_1::config);
    REQUIRE(last.end == end_state::returned);
    REQUIRE(last.signals.size() == 1);
    CHECK(last.signals[0].pid == 1006);  // reader2 mapped the clone, the file that faulted the page last
    CHECK(last.entry_returns == std::vector<int>{0});
    const auto marker = run_named("reflinked_poison_no_rmapbt", presets::debian_6_12::config);
    CHECK(marker.end == end_state::oops);
    CHECK(marker.end_detail.find("PAGE_MAPPING_DAX_SHARED") != std::string::npos);
    CHECK(marker.end_detail.find("dereferenced by dax_lock_folio") != std::string::npos);
    CHECK(marker.signals.empty());
    // The same oops on every kernel from v6.2 (the function was dax_lock_page before v6.7).
    const auto v66 = run_named("reflinked_poison_no_rmapbt", presets::pre_patch::config);
    CHECK(v66.end_detail == marker.end_detail);
    // With rmapbt XFS walks both owners whatever page->mapping holds: the clone's early-kill mapper is signalled.
    for (const auto& cfg : {presets::debian_6_1::config, presets::debian_6_12::config}) {
        const auto o = run_named("reflinked_poison", cfg);
        CHECK(o.end == end_state::returned);
        REQUIRE(o.signals.size() == 1);
        CHECK(o.signals[0].pid == 1006);
    }
}

TEST_CASE("dax_shared_page: with one file caching the page, the generic path takes it under either policy") {
    // Only reader has faulted the page (reader2's clone mapping was never touched), and the page is not shared by
    // any fault on 6.1; on 6.12 a fault of a shared extent still marks it, whoever else faulted.
    auto s = named("reflinked_poison_no_rmapbt");
    s.world.inodes.at(136).cache.clear();
    for (auto& t : s.world.tasks)
        if (t.pid == 1006) t.vmas.clear();
    const auto old = run(presets::debian_6_1::config, s.world, s.event);
    CHECK(old.end == end_state::returned);
    CHECK(old.poisoned.pages() == 1);
    const auto now = run(presets::debian_6_12::config, s.world, s.event);
    CHECK(now.end == end_state::oops);
}

TEST_CASE("umount_after: entries left on a removed device oops in dax_disassociate_entry; invalidated ones do not") {
    const auto old = run_named("umount_after_unbind", presets::debian_6_1::config);
    CHECK(old.end == end_state::oops);
    CHECK(old.end_detail.rfind("umount after the event", 0) == 0);
    CHECK(old.end_detail.find("dereferenced by dax_disassociate_entry") != std::string::npos);
    CHECK_FALSE(old.cache_entries_left.empty());  // what the event left, recorded before the umount
    CHECK(old.entry_returns == std::vector<int>{0});
    const auto now = run_named("umount_after_unbind", presets::debian_6_12::config);
    CHECK(now.end == end_state::returned);
    CHECK(now.cache_entries_left.empty());
    // Without the umount the same unbind returns on 6.1.
    CHECK(run_named("unbind_mapped_files", presets::debian_6_1::config).end == end_state::returned);
    // After a memory failure the device is alive: the umount drops the entries and returns.
    auto s = named("poison_one_page");
    s.event.umount_after = true;
    CHECK(run(presets::debian_6_1::config, s.world, s.event).end == end_state::returned);
}

TEST_CASE("setup_warnings: two PTEs on one reflinked page of one file cannot both be present from v6.2") {
    world_builder b;
    b.reflink().standard_metadata()
        .file(133, "A", {{1, 100, 16, 0}})
        .file(136, "A-clone", {{1, 100, 16, 0}})
        .process(900, "sh")
        .process(1001, "reader")
        .map(1001, 133, 0, 16, 0x7f0000000000)
        .process(1002, "other")
        .map(1002, 133, 0, 16, 0x7f1000000000, {3});
    const world w = b.build();
    const auto warned = setup_warnings(w, presets::debian_6_12::config);
    REQUIRE(warned.size() == 1);
    CHECK(warned[0].find("inode 133 page 3") != std::string::npos);
    CHECK(setup_warnings(w, presets::debian_6_1::config).empty());
    // Not reflinked: any number of mappings may have the page.
    world_builder plain;
    plain.standard_metadata()
        .file(133, "A", {{1, 100, 16, 0}})
        .process(1001, "reader")
        .map(1001, 133, 0, 16, 0x7f0000000000)
        .process(1002, "other")
        .map(1002, 133, 0, 16, 0x7f1000000000, {3});
    CHECK(setup_warnings(plain.build(), presets::debian_6_12::config).empty());
}

TEST_CASE("oracle plans: partitions, smaller filesystems, a second namespace, evicted inodes, page lists") {
    std::string why;
    const auto part = oracle::plan_from_scenario(named("partitioned_pmem_unbind"), why);
    REQUIRE(part);
    CHECK((*part)["partition"]["start"] == 1u << 20);
    const auto smaller = oracle::plan_from_scenario(named("fs_smaller_than_device"), why);
    REQUIRE(smaller);
    CHECK((*smaller)["data_bytes"] == 512u << 20);
    CHECK_FALSE(smaller->contains("partition"));
    const auto log = oracle::plan_from_scenario(named("log_on_separate_device"), why);
    REQUIRE(log);
    CHECK((*log)["second_namespace"] == "log");
    CHECK((*log)["event"]["namespace"] == "namespace1.0");
    const auto evicted = oracle::plan_from_scenario(named("inode_not_in_core"), why);
    REQUIRE(evicted);
    CHECK((*evicted)["evict"] == true);
    CHECK((*evicted)["event"]["pages"][0]["file"] == "A");
    CHECK((*evicted)["event"]["pages"][0]["page"] == 5);
    const auto outside = oracle::plan_from_scenario(named("range_partly_outside_fs"), why);
    REQUIRE(outside);
    REQUIRE((*outside)["event"]["pages"].size() == 2);
    CHECK((*outside)["event"]["pages"][0]["namespace_offset"] == 0xff000);
    CHECK((*outside)["event"]["pages"][1]["group"] == 0);
    CHECK((*outside)["event"]["pages"][1]["agbno"] == 0);
    CHECK((*oracle::plan_from_scenario(named("umount_after_unbind"), why))["umount_after"] == true);
    // What stays out, with the reason.
    // rmapbt with a realtime device: realtime groups, made by a newer mkfs.xfs (the guest of the sid kernel).
    const auto rt = oracle::plan_from_scenario(named("realtime_device"), why);
    REQUIRE(rt);
    CHECK((*rt)["mkfs"] == "newer");
    CHECK((*rt)["rt_groups"] == 2);
    CHECK((*rt)["second_namespace"] == "realtime");
    CHECK_FALSE(oracle::plan_from_scenario(named("ag_boundary_poison"), why));
    CHECK(why.find("a page at a time") != std::string::npos);
    CHECK_FALSE(oracle::plan_from_scenario(named("reclaiming_inode"), why));
    CHECK(why.find("being reclaimed") != std::string::npos);
    // A mapped file cannot be evicted: its mapping holds the inode.
    auto s = named("inode_not_in_core");
    s.world.tasks.push_back(s.world.tasks.back());
    s.world.tasks.back().pid = 1001;
    s.world.tasks.back().threads = {{1001, "reader", false, false}};
    s.world.tasks.back().mm = 1001;
    s.world.tasks.back().vmas.push_back({133, 0, 16, 0x7f0000000000, {}});
    CHECK_FALSE(oracle::plan_from_scenario(s, why));
    CHECK(why.find("a mapping holds its inode") != std::string::npos);
}

TEST_CASE("oracle: the shutdown message keeps its symbol and drops the build's offsets and source line") {
    CHECK(oracle::detail::normalize_log("<1>[   11.77] XFS (pmem0): Corruption of on-disk metadata (0x10) detected at "
                                        "xfs_dax_notify_failure+0x3d7/0x430 [xfs] (fs/xfs/xfs_notify_failure.c:169).  "
                                        "Shutting down filesystem.") ==
          "XFS (pmem0): Corruption of on-disk metadata (0x10) detected at xfs_dax_notify_failure.  Shutting down filesystem.");
    CHECK(oracle::detail::normalize_log("<1>[    6.1] XFS (pmem0): Block device removal (0x20) detected at "
                                        "fs_bdev_mark_dead+0x49/0x70 (fs/xfs/xfs_super.c:1178).  Shutting down filesystem.") ==
          "XFS (pmem0): Block device removal (0x20) detected at fs_bdev_mark_dead.  Shutting down filesystem.");
}

TEST_CASE("oracle: how the event ended, model and kernel, in the same words") {
    outcome o;
    CHECK(oracle::detail::model_end(o) == "returned");
    o.end = end_state::oops;
    o.end_detail = "NULL pointer dereference: xfs_perag_get(4) returned NULL (agcount 4), dereferenced by xfs_alloc_read_agf";
    CHECK(oracle::detail::model_end(o) == "oops in xfs_alloc_read_agf");
    o.end_detail = "umount after the event: ..., dereferenced by dax_disassociate_entry";
    CHECK(oracle::detail::model_end(o) == "oops in dax_disassociate_entry during umount");
    nlohmann::json r = {{"event_end", "killed"}, {"oops", {{"rip", "xfs_alloc_read_agf"}}}};
    CHECK(oracle::detail::kernel_end(r) == "oops in xfs_alloc_read_agf");
    r = {{"event_end", "returned"}, {"umount_after", {{"end", "killed"}, {"oops", {{"rip", "dax_disassociate_entry"}}}}}};
    CHECK(oracle::detail::kernel_end(r) == "oops in dax_disassociate_entry during umount");
    r = {{"event_end", "hung"}};
    CHECK(oracle::detail::kernel_end(r) == "did not terminate");
}
