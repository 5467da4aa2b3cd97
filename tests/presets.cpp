// The behaviour table of the reference (§12) for every preset: one test case
// per scenario, each preset's observables asserted field by field.
#include "support.hpp"

#include <fstream>
#include <tuple>
#include <type_traits>

using namespace daxfail;
using namespace daxfail::scenarios;
using namespace daxfail::test;

namespace {
constexpr u32 corrupt = shutdown_flag::corrupt_ondisk;
constexpr u32 umount = shutdown_flag::force_umount;
constexpr u32 removed = shutdown_flag::device_removed;

/// What every pre-remove preset does to the common setup: everybody who maps a page is told (AO), every
/// mapping and cached entry is gone, nothing is poisoned, and the filesystem is force-unmounted.
void check_clean_pre_remove(const outcome& o) {
    CHECK(o.terminated());
    CHECK(o.notify_returns == std::vector<int>{0});
    CHECK(o.entry_returns == std::vector<int>{0});
    CHECK(signals_to(o, reader) == 16);
    CHECK(signals_to(o, writer) == 4);
    CHECK(o.signal_count() == 20);
    for (const auto& s : o.signals) CHECK(s.si_code == si_code::bus_mceerr_ao);
    CHECK(o.signals.front().addr == reader_va);
    CHECK(o.signals.front().addr_lsb == 12);
    CHECK(o.poisoned.empty());
    CHECK(o.live_mappings.empty());
    CHECK(o.cache_entries_left.empty());
    CHECK(o.shutdown_flags == umount);
    CHECK(o.shutdown_reason == "Metadata I/O Error");
    CHECK(logged(o, "User initiated shutdown received."));
    CHECK(o.freeze_holders_after.empty());
    CHECK_FALSE(o.device_alive);
}

/// v6.14 and later on a whole-device unbind of a filesystem with files outside the last group: every group but
/// the last gets blockcount 0 - low in u32, so mf_dax_kill_procs walks ~2^32 indices per extent with the freeze
/// held. The reader (file A, group 1) has been told by the time the walk outlasts the model's patience.
void check_spins(const outcome& o) {
    CHECK(o.end == end_state::spinning);
    CHECK(o.end_detail.find("the count is a u32 that wrapped") != std::string::npos);
    CHECK(o.end_detail.find("left alone it walks 8589934292 indices in all") != std::string::npos);
    CHECK(o.end_detail.find("then returns") != std::string::npos);
    CHECK(o.entry_returns.empty());
    CHECK(o.notify_returns.empty());
    CHECK(signals_to(o, reader) == 16);
    CHECK(o.shutdown_flags == 0);  // not yet
    REQUIRE(o.freeze_holders_after.size() == 1);
    CHECK(o.freeze_holders_after[0].owner == "xfs_dax_notify_failure");  // writers wait on it meanwhile
    CHECK(o.device_alive);
}

/// Unbind as a whole-device memory failure (pre_patch, debian_6_1): pages poisoned, nobody told. `caller`: the
/// symbol the build names in the shutdown message.
void check_unbind_as_poison(const outcome& o, const std::string& caller) {
    CHECK(o.terminated());
    CHECK(o.notify_returns == std::vector<int>{-err::efscorrupted});
    CHECK(o.signals.empty());
    CHECK(o.unmapped.empty());
    CHECK(o.poisoned.pages() == 24);
    CHECK(o.live_pages() == 20);
    CHECK(o.cache_pages_left() == 24);
    CHECK(o.shutdown_flags == corrupt);
    CHECK(o.shutdown_reason == "Corruption of on-disk metadata");
    CHECK(logged(o, "Corruption of on-disk metadata (0x10) detected at " + caller + "."));
    CHECK_FALSE(logged(o, "about to be removed"));
}
}  // namespace

TEST_CASE("behaviour table: whole-device unbind of a filesystem with mapped files") {
    const auto r = run_presets(unbind_mapped_files());
    check_unbind_as_poison(r.pre_patch, "xfs_dax_notify_ddev_failure");
    check_unbind_as_poison(r.debian_6_1, "xfs_dax_notify_failure");  // Debian 6.1's build inlines the helper
    const auto by_build = diff(r.pre_patch, r.debian_6_1);
    REQUIRE(by_build.size() == 1);
    CHECK(by_build[0].observable == "log");
    check_clean_pre_remove(r.v12);
    check_clean_pre_remove(r.v12_reviewed);
    check_clean_pre_remove(r.merged);
    for (const outcome* o : {&r.v6_14, &r.v6_15, &r.v6_18, &r.v7_2}) check_spins(*o);
    CHECK(r.v6_14.cost.indices_walked == 4'800'000'000u);  // 120 s at 4e7 indices/s: where the model stops
    // Left alone, the walk ends, and then those versions do what merged does.
    const auto left_alone = run_presets(unbind_mapped_files(), patient());
    for (const outcome* o : {&left_alone.v6_14, &left_alone.v6_15, &left_alone.v6_18, &left_alone.v7_2})
        check_clean_pre_remove(*o);
    CHECK(logged(r.v12, "XFS (pmem0): device is about to be removed!"));  // v12's spelling
    CHECK(logged(r.merged, "XFS (pmem0): Device is about to be removed!"));
    // Only the message's capital differs between the freeze placements.
    const auto d = diff(r.v12, r.v12_reviewed);
    REQUIRE(d.size() == 1);
    CHECK(d[0].observable == "log");
    CHECK(same(r.v12_reviewed, r.merged, "v12_reviewed", "merged"));
    // ... but for the function's v6.14 name in the shutdown message.
    const auto renamed = diff(r.merged, left_alone.v6_14);
    REQUIRE(renamed.size() == 1);
    CHECK(renamed[0].observable == "log");
    CHECK(logged(left_alone.v6_14, "Metadata I/O Error (0x4) detected at xfs_dax_notify_dev_failure."));
    // v6.14's u32 blockcount wraps for the non-end groups: 2^32 - 100 and 2^32 - 200 indices.
    CHECK(left_alone.v6_14.cost.indices_walked == (u64{2} << 32) - 300);
    // The fix daxfail proposes (v6.6's count in 7.2's function): the walk covers the files' own pages and returns.
    const auto s = unbind_mapped_files();
    const auto fixed = run<presets::v7_2::with<range_math::v7_0_count_fixed>>(s.world, s.event);
    check_clean_pre_remove(fixed);
    CHECK(fixed.cost.indices_walked == 24);
    CHECK(r.merged.cost.indices_walked == 24 + 0);  // 16 + 8 file pages, metadata records walk nothing
}

TEST_CASE("behaviour table: poison of one page by the task that maps it") {
    const auto r = run_presets(poison_one_page());
    for (const outcome* o : {&r.pre_patch, &r.v12, &r.v12_reviewed, &r.merged, &r.v6_14, &r.debian_6_1}) {
        CHECK(o->entry_returns == std::vector<int>{0});
        CHECK(o->notify_returns == std::vector<int>{0});
        REQUIRE(o->signal_count() == 1);
        CHECK(o->signals[0].pid == reader);
        CHECK(o->signals[0].si_code == si_code::bus_mceerr_ar);  // current, action required forced
        CHECK(o->signals[0].addr == reader_va + 3 * page_size);
        CHECK(o->poisoned == page_set{0x100000 + 4096 + 103});
        CHECK(o->unmapped_pages() == 1);
        CHECK(o->shutdown_flags == 0);
        CHECK(logged(*o, "Memory failure: 0x101067: recovery action for dax page: Recovered"));
        CHECK(logged(*o, "Injecting memory failure for pfn 0x101067 at process virtual address 0x7f0000003000"));
    }
    CHECK(same(r.pre_patch, r.merged, "pre_patch", "merged"));  // the patch leaves the poison path alone
}

TEST_CASE("behaviour table: a memory failure in AG metadata shuts down as corrupt in every version") {
    const auto r = run_presets(metadata_in_range());
    for (const outcome* o : {&r.pre_patch, &r.v12, &r.v12_reviewed, &r.merged, &r.v6_14, &r.debian_6_1}) {
        CHECK(o->entry_returns == std::vector<int>{-err::efscorrupted});
        CHECK(o->signals.empty());
        CHECK(o->poisoned.empty());
        CHECK(o->shutdown_flags == corrupt);
        CHECK(logged(*o, "recovery action for dax page: Failed"));
    }
}

TEST_CASE("behaviour table: unbind of an external log device") {
    const auto r = run_presets(log_on_separate_device());
    for (const outcome* o : {&r.pre_patch, &r.debian_6_1}) {
        CHECK(o->notify_returns == std::vector<int>{-err::efscorrupted});
        CHECK(logged(*o, "XFS (pmem0): ondisk log corrupt, shutting down fs!"));
        CHECK(o->shutdown_flags == corrupt);
    }
    for (const outcome* o : {&r.v12, &r.v12_reviewed, &r.merged, &r.v6_14}) {
        CHECK(o->notify_returns == std::vector<int>{0});  // removal in progress, nothing to do
        CHECK_FALSE(logged(*o, "ondisk log corrupt"));
        CHECK(o->shutdown_flags == removed);  // only del_gendisk's ->shutdown
        CHECK(o->signals.empty());
        CHECK(o->live_pages() == 20);
    }
}

TEST_CASE("behaviour table: unbind of the realtime device") {
    const auto r = run_presets(realtime_device());
    for (const outcome* o : {&r.pre_patch, &r.v12, &r.v12_reviewed, &r.merged, &r.debian_6_1}) {
        CHECK(o->notify_returns == std::vector<int>{-err::eopnotsupp});
        CHECK(o->signals.empty());
        CHECK(o->live_pages() == 24);
    }
    CHECK(r.debian_6_1.shutdown_flags == 0);  // 6.1's del_gendisk leaves the filesystem alone
    CHECK(r.merged.shutdown_flags == removed);
    // v6.14 walks the rtgroup rmap: reader is told about its 4 realtime pages.
    CHECK(r.v6_14.notify_returns == std::vector<int>{0});
    CHECK(r.v6_14.signal_count() == 4);
    CHECK(signals_to(r.v6_14, reader) == 4);
    CHECK(r.v6_14.shutdown_flags == umount);
    CHECK(r.v6_14.live_pages() == 20);  // the data device's mappings are not touched
}

TEST_CASE("behaviour table: unbind of a filesystem without rmapbt does nothing in the notification") {
    const auto r = run_presets(no_rmapbt());
    for (const outcome* o : {&r.pre_patch, &r.v12, &r.v12_reviewed, &r.merged, &r.v6_14, &r.debian_6_1}) {
        CHECK(o->notify_returns == std::vector<int>{-err::eopnotsupp});
        CHECK(o->signals.empty());
        CHECK(o->poisoned.empty());
        CHECK(o->live_pages() == 20);
        CHECK(o->freeze_holders_after.empty());
        CHECK_FALSE(logged(*o, "about to be removed"));
    }
    CHECK(r.debian_6_1.shutdown_flags == 0);
    CHECK(r.pre_patch.shutdown_flags == removed);
    CHECK(r.merged.shutdown_flags == removed);
    CHECK(logged(r.merged, "Block device removal (0x20) detected at fs_bdev_mark_dead"));
}

TEST_CASE("behaviour table: a superblock that is not SB_BORN answers -EIO") {
    const auto r = run_presets(not_sb_born());
    for (const outcome* o : {&r.pre_patch, &r.v12, &r.v12_reviewed, &r.merged, &r.v6_14, &r.debian_6_1}) {
        CHECK(o->notify_returns == std::vector<int>{-err::eio});
        CHECK(logged(*o, "XFS (pmem0): filesystem is not ready for notify_failure()!"));
        CHECK(o->signals.empty());
    }
    CHECK(r.debian_6_1.shutdown_flags == 0);
}

TEST_CASE("behaviour table: a failed page of a file whose inode is not in core is skipped") {
    const auto r = run_presets(inode_not_in_core());
    for (const outcome* o : {&r.pre_patch, &r.v12, &r.v12_reviewed, &r.merged, &r.v6_14, &r.debian_6_1}) {
        CHECK(o->entry_returns == std::vector<int>{0});
        CHECK(o->poisoned.empty());  // no mapping to look the page up in: not even poisoned
        CHECK(o->signals.empty());
        CHECK(o->shutdown_flags == 0);
        CHECK(logged(*o, "recovery action for dax page: Recovered"));
        CHECK(traced(*o, "xfs_dax_failure_fn", "-ENODATA"));
    }
}

TEST_CASE("behaviour table: unbind with a non-DAX file in range") {
    const auto r = run_presets(non_dax_file());
    for (const outcome* o : {&r.pre_patch, &r.debian_6_1}) {
        CHECK(o->notify_returns == std::vector<int>{-err::ebusy});  // dax_lock_mapping_entry fails, scan aborted
        CHECK(o->shutdown_flags == corrupt);
        CHECK(o->signals.empty());
        CHECK(live_of(*o, reader) == 16);
        CHECK(live_of(*o, writer) == 4);  // B, after A, is never reached
        CHECK(o->poisoned.empty());
    }
    for (const outcome* o : {&r.v12, &r.v12_reviewed, &r.merged, &r.v6_14}) {
        CHECK(o->notify_returns == std::vector<int>{0});
        CHECK(signals_to(*o, reader) == 0);   // kill skipped for non-DAX
        CHECK(live_of(*o, reader) == 0);      // ... but invalidate zapped its page-cache PTEs
        CHECK(entries_left(*o, file_a) == 0); // and dropped the clean pages
        CHECK(signals_to(*o, writer) == 4);
        CHECK(o->shutdown_flags == umount);
    }
}

TEST_CASE("behaviour table: unbind while userspace holds FIFREEZE") {
    const auto r = run_presets(frozen_by_userspace(), patient());
    for (const outcome* o : {&r.pre_patch, &r.debian_6_1}) {
        REQUIRE(o->freeze_holders_after.size() == 1);
        CHECK(o->freeze_holders_after[0].owner == "xfs_freeze");
        CHECK(o->shutdown_flags == corrupt);
    }
    // v12 on the v6.6 bitmask: freeze(K) joins, thaw(K) returns 0, thaw(U) drops the admin's freeze.
    for (const outcome* o : {&r.v12, &r.v12_reviewed}) {
        CHECK(o->freeze_holders_after.empty());
        CHECK_FALSE(logged(*o, "still frozen"));
        CHECK(o->signal_count() == 20);
        CHECK(traced(*o, "thaw_super", "userspace by xfs_dax_notify_failure = 0, dropped the freeze of xfs_freeze"));
    }
    // v6.8's counters: thaw(K) drops our count but returns -EINVAL, and XFS shouts.
    for (const outcome* o : {&r.merged, &r.v6_14}) {
        CHECK(o->freeze_holders_after.empty());
        CHECK(o->signal_count() == 20);
        CHECK(logged(*o, "XFS (pmem0): still frozen after notify failure, err=-22"));
        CHECK(traced(*o, "thaw_super", "userspace by xfs_dax_notify_failure = 0, dropped the freeze of xfs_freeze"));
    }
    CHECK(logged(r.v6_18, "XFS (pmem0): still frozen after notify failure, err=-22"));
    // 6.12.111+ returns 0 there: no message, as seen on the real 6.12.117; the admin's freeze is still dropped.
    // 7.2 too (the nested-thaw rule), though it refuses a thaw by a holder that holds nothing.
    for (const outcome* o : {&r.debian_6_12, &r.v7_2}) {
        CHECK_FALSE(logged(*o, "still frozen"));
        CHECK(o->freeze_holders_after.empty());
    }
    const auto d = diff(r.merged, r.debian_6_12);
    REQUIRE(d.size() == 1);
    CHECK(d[0].observable == "log");
}

TEST_CASE("behaviour table: unbind while another kernel holder (scrub) keeps the fs frozen") {
    const auto r = run_presets(frozen_by_kernel_holder(), patient());
    for (const outcome* o : {&r.pre_patch, &r.debian_6_1}) {
        CHECK(o->terminated());
        CHECK(holders(*o) == std::vector<freeze_holder>{freeze_holder::kernel});
    }
    // v12 sleeps 100 ms at a time until it can freeze: unbind never returns.
    CHECK(r.v12.end == end_state::no_progress);
    CHECK(r.v12.entry_returns.empty());
    CHECK(r.v12.signals.empty());
    CHECK(r.v12.device_alive);
    // Decided from the state: the freeze fails on scrub's hold and no actor is left to release it.
    CHECK(r.v12.end_detail.find("freeze_super keeps returning -EBUSY") != std::string::npos);
    CHECK(traced(r.v12, "freeze_super", "-EBUSY"));
    // Review: give up with the freeze error; nothing is revoked, scrub keeps its freeze.
    CHECK(r.v12_reviewed.terminated());
    CHECK(r.v12_reviewed.notify_returns == std::vector<int>{-err::ebusy});
    CHECK(r.v12_reviewed.signals.empty());
    CHECK(r.v12_reviewed.live_pages() == 20);
    CHECK(r.v12_reviewed.shutdown_flags == removed);
    CHECK(holders(r.v12_reviewed) == std::vector<freeze_holder>{freeze_holder::kernel});
    // Merged: carry on unfrozen, shout, leave scrub's freeze alone.
    for (const outcome* o : {&r.merged, &r.v6_14, &r.v7_2}) {
        CHECK(o->terminated());
        CHECK(logged(*o, "XFS (pmem0): already frozen by kernel, err=-16"));
        CHECK(o->signal_count() == 20);
        CHECK(o->shutdown_flags == umount);
        REQUIRE(o->freeze_holders_after.size() == 1);
        CHECK(o->freeze_holders_after[0].owner == "xfs_scrub");
    }
}

TEST_CASE("behaviour table: a kernel holder that lets go after 300 ms only delays v12") {
    const auto r = run_presets(kernel_holder_thaws_later());
    CHECK(r.v12.terminated());
    CHECK(std::count_if(r.v12.trace.begin(), r.v12.trace.end(), [](const trace_step& t) { return t.function == "delay"; }) == 3);
    CHECK(r.v12.signal_count() == 20);
    CHECK(r.v12.freeze_holders_after.empty());
    CHECK(r.merged.freeze_holders_after.size() == 1);  // no time passes: scrub still holds it on return
}

TEST_CASE("behaviour table: unbind after an earlier corrupt shutdown") {
    const auto r = run_presets(already_shut_down());
    // xfs_trans_read_buf fails every read of a shut-down mount with -EIO: the first AGF read ends the
    // walk before any rmap query, in every version. Nothing is poisoned, signalled or unmapped.
    for (const outcome* o : {&r.pre_patch, &r.debian_6_1}) {
        CHECK(o->notify_returns == std::vector<int>{-err::eio});
        CHECK(o->poisoned.empty());
        CHECK(o->signals.empty());
        CHECK(o->live_pages() == 20);
        CHECK(o->shutdown_flags == corrupt);
        CHECK(traced(*o, "xfs_alloc_read_agf", "-EIO"));
        CHECK_FALSE(logged(*o, "Shutting down filesystem"));  // the second shutdown is silent
    }
    CHECK(r.v12.end == end_state::no_progress);  // freeze_super -EIO forever
    CHECK(traced(r.v12, "freeze_super", "= -EIO"));
    CHECK(r.v12_reviewed.notify_returns == std::vector<int>{-err::eio});
    CHECK(r.v12_reviewed.signals.empty());
    for (const outcome* o : {&r.merged, &r.v6_14, &r.debian_6_12}) {
        CHECK(logged(*o, "already frozen by kernel, err=-5"));
        CHECK(o->notify_returns == std::vector<int>{-err::eio});
        CHECK(o->signals.empty());
        CHECK(o->live_pages() == 20);  // the device goes away under live DAX mappings
        CHECK(o->shutdown_flags == corrupt);  // first shutdown wins
    }
}

TEST_CASE("a memory failure on a shut-down filesystem fails at the AGF read: no SIGBUS, no poison, 'Failed'") {
    const auto s = scenarios::poison_after_shutdown();
    const auto r = run_presets(s);
    for (const outcome* o : {&r.pre_patch, &r.v12, &r.v12_reviewed, &r.merged, &r.v6_14, &r.debian_6_1, &r.debian_6_12}) {
        CHECK(o->terminated());
        CHECK(o->notify_returns == std::vector<int>{-err::eio});
        CHECK(o->entry_returns == std::vector<int>{-err::eio});
        CHECK(o->signals.empty());
        CHECK(o->poisoned.empty());
        CHECK(o->unmapped.empty());
        CHECK(live_of(*o, reader) == 16);
        CHECK(o->shutdown_flags == (shutdown_flag::force_umount | shutdown_flag::log_io_error));
        CHECK(logged(*o, "recovery action for dax page: Failed"));
    }
    // The same page on a live filesystem is recovered (poison_one_page): the shutdown alone makes the difference.
    CHECK(run<presets::merged>(poison_one_page().world, poison_one_page().event).signal_count() == 1);
}

TEST_CASE("an unbind after XFS_IOC_GOINGDOWN leaves every mapping live, in every version that terminates") {
    const auto r = run_presets(scenarios::unbind_after_goingdown());
    for (const outcome* o : {&r.pre_patch, &r.v12_reviewed, &r.merged, &r.v6_14, &r.debian_6_1, &r.debian_6_12}) {
        CHECK(o->terminated());
        CHECK(o->notify_returns == std::vector<int>{-err::eio});
        CHECK(o->signals.empty());
        CHECK(o->live_pages() == 20);
        CHECK(o->shutdown_flags == shutdown_flag::force_umount);  // the administrator's reason stays
    }
    CHECK(r.v12.end == end_state::no_progress);  // its freeze loop never succeeds on a shut-down filesystem
}

TEST_CASE("behaviour table: an early-kill task") {
    const auto r = run_presets(early_kill_task());
    for (const outcome* o : {&r.pre_patch, &r.debian_6_1}) {
        REQUIRE(o->signal_count() == 1);
        CHECK(o->signals[0].pid == early);
        CHECK(o->signals[0].si_code == si_code::bus_mceerr_ao);
        CHECK(o->signals[0].addr == 0x7f3000005000);
        CHECK(logged(*o, "Memory failure: 0x101069: Sending SIGBUS to early:1003 due to hardware memory corruption"));
        // The early victim's page is unmapped in every process that maps it: reader loses page 5 silently.
        CHECK(live_of(*o, reader) == 15);
        CHECK(live_of(*o, early) == 0);
    }
    for (const outcome* o : {&r.v12, &r.v12_reviewed, &r.merged, &r.v6_14}) {
        CHECK(signals_to(*o, early) == 1);
        CHECK(signals_to(*o, reader) == 16);
        CHECK(o->live_mappings.empty());
    }
}

TEST_CASE("behaviour table: a multi-threaded task with one early-kill thread") {
    const auto r = run_presets(multi_threaded_task());
    for (const outcome* o : {&r.pre_patch, &r.debian_6_1}) {
        REQUIRE(o->signal_count() == 1);
        CHECK(o->signals[0].pid == 1005);  // the flagged thread, found by find_early_kill_thread
        CHECK(o->signals[0].comm == "mt-worker");
    }
    for (const outcome* o : {&r.v12, &r.merged}) {
        CHECK(signals_to(*o, 1004) == 1);  // the thread-group leader
        CHECK(signals_to(*o, 1005) == 0);
    }
}

TEST_CASE("debian_6_12 behaves as merged on every behaviour-table scenario but the userspace-frozen one") {
    for (const auto& s : behavior_table()) {
        INFO(s.name);
        const auto m = run<presets::merged>(s.world, s.event);
        const auto d = run<presets::debian_6_12>(s.world, s.event);
        CHECK((m == d) == (s.name != "frozen_by_userspace"));
    }
}

TEST_CASE("the preset registry is the README's preset table, row for row") {
    std::ifstream in(std::string(DAXFAIL_SOURCE_DIR) + "/README.md");
    REQUIRE(in.good());
    struct readme_row {
        std::string name, models, source;
    };
    std::vector<readme_row> rows;
    bool in_table = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## Presets", 0) == 0) in_table = true;
        else if (in_table && line.rfind("## ", 0) == 0) break;
        else if (in_table && line.rfind("| `", 0) == 0) {
            const auto name_end = line.find("` | ");
            REQUIRE(name_end != std::string::npos);
            const std::string rest = line.substr(name_end + 4, line.size() - name_end - 6);
            const auto source_at = rest.rfind(" | ");  // the source column is the last
            REQUIRE(source_at != std::string::npos);
            rows.push_back({line.substr(3, name_end - 3), rest.substr(0, source_at), rest.substr(source_at + 3)});
        }
    }
    REQUIRE(rows.size() == presets::count);
    for (std::size_t i = 0; i < presets::count; ++i) {
        CHECK(rows[i].name == presets::names[i]);
        CHECK(rows[i].models == presets::models[i]);
        CHECK(rows[i].source == source_line(presets::sources[i]));
    }
    // And the type lists follow the registry.
    CHECK(std::tuple_size_v<testing::presets> == presets::count);
    CHECK(std::is_same_v<std::tuple_element_t<3, testing::presets>, presets::merged>);
    CHECK(presets::configs[3] == presets::merged::config);
    // merged written as v12 plus the review's outcome is the variant it was spelled out as before.
    CHECK(presets::merged::config ==
          variant<kill_dax_flags::pre_remove, rmap_source::rmapbt_query, freeze::proceed_and_remember, thaw::where_frozen,
                  thaw_userspace::anyway, shutdown::force_umount_always, collector::all_mapping_tasks,
                  pre_remove_poison::leave_clean, invalidate::on_pre_remove, non_dax_inode::skip,
                  metadata_record::skip_on_pre_remove, range_math::merged, freeze_api::holder_counts,
                  log_device::ignore_pre_remove, rt_device::unsupported, del_gendisk::device_removed_shutdown,
                  dax_shared_page::shared_marker, shutdown_caller::out_of_line>::config);
}

TEST_CASE("the fixes daxfail proposes for 7.2, checked on the model") {
    // The wrapped count: v6.6's arithmetic in 7.2's function walks each extent once (tested above on
    // unbind_mapped_files). Without rmapbt nothing is revoked, and on 7.2 (v6.15+) a mapping left on a removed
    // device oopses the kernel when its task's pagemap is read: a pre-remove that finds every cached file without
    // the reverse map (and with the count fixed) leaves nothing mapped.
    const auto s = no_rmapbt();
    const auto today = run<presets::v7_2>(s.world, s.event);
    CHECK(today.notify_returns == std::vector<int>{-err::eopnotsupp});
    CHECK(today.live_pages() == 20);
    using fixed = presets::v7_2::with<rmap_source::full_inode_scan, range_math::v7_0_count_fixed>;
    const auto o = run<fixed>(s.world, s.event);
    CHECK(o.terminated());
    CHECK(o.signal_count() == 20);
    CHECK(o.live_mappings.empty());
    CHECK(o.cache_entries_left.empty());
    CHECK(o.shutdown_flags == umount);
    // The scan alone still spins on the wrapped count.
    CHECK(run<presets::v7_2::with<rmap_source::full_inode_scan>>(s.world, s.event).end == end_state::spinning);
}
