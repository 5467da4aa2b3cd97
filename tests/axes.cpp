// Every value of every policy axis, each on a scenario where it makes a
// difference: the variant differs from a base preset in that one axis only.
#include "support.hpp"

using namespace daxfail;
using namespace daxfail::scenarios;
using namespace daxfail::test;

namespace {
/// Merged with del_gendisk's shutdown off, so that the notification's own shutdown is what we see.
using quiet_merged = presets::merged::with<del_gendisk::no_fs_shutdown>;

/// A split file: file blocks 0-7 in AG 1, 8-15 in AG 3; reader maps all 16 pages.
scenario split_file_unbind() {
    world_builder b;
    b.standard_metadata()
        .file(140, "C", {{1, 100, 8, 0}, {3, 300, 8, 8}})
        .process(unbinder, "sh")
        .process(reader, "reader")
        .map(reader, 140, 0, 16, reader_va);
    return {"split_file_unbind", "", b.build(), event::unbind(0, unbinder)};
}
}  // namespace

TEST_CASE("kill_dax_flags: none makes unbind a whole-device poison; pre_remove revokes") {
    const auto s = unbind_mapped_files();
    const auto none = run<presets::merged::with<kill_dax_flags::none>>(s.world, s.event);
    const auto pre = run<presets::merged>(s.world, s.event);
    CHECK(none.poisoned.pages() == 24);
    CHECK(none.signals.empty());
    CHECK(none.shutdown_flags == shutdown_flag::corrupt_ondisk);
    CHECK_FALSE(logged(none, "about to be removed"));
    CHECK(pre.poisoned.empty());
    CHECK(pre.signal_count() == 20);
    CHECK(pre.shutdown_flags == shutdown_flag::force_umount);
}

TEST_CASE("rmap_source: a full inode scan answers like the rmapbt at a higher cost; unsupported refuses") {
    const auto s = unbind_mapped_files();
    const auto query = run<presets::merged>(s.world, s.event);
    const auto scan = run<presets::merged::with<rmap_source::full_inode_scan>>(s.world, s.event);
    CHECK(same(query, scan, "rmapbt_query", "full_inode_scan"));
    CHECK(scan.cost.rmap_records_examined > query.cost.rmap_records_examined);
    const auto no_rmap = no_rmapbt();
    const auto scan_without = run<presets::merged::with<rmap_source::full_inode_scan>>(no_rmap.world, no_rmap.event);
    CHECK(scan_without.signal_count() == 20);  // works where the rmapbt query cannot
    const auto refused = run<presets::merged::with<rmap_source::unsupported>>(s.world, s.event);
    CHECK(refused.notify_returns == std::vector<int>{-err::eopnotsupp});
    CHECK(refused.signals.empty());
}

TEST_CASE("freeze: every strategy on a kernel-frozen and on a shut-down filesystem") {
    const auto held = frozen_by_kernel_holder();
    const auto dead = already_shut_down();
    SUBCASE("none: no freeze attempt, scrub's freeze untouched, revocation proceeds") {
        const auto o = run<quiet_merged::with<freeze::none>>(held.world, held.event);
        CHECK_FALSE(traced(o, "freeze_super"));
        CHECK_FALSE(logged(o, "already frozen"));
        CHECK(o.signal_count() == 20);
        CHECK(o.freeze_holders_after.size() == 1);
    }
    SUBCASE("loop_until_frozen: never terminates while the freeze cannot succeed") {
        const auto o = run<quiet_merged::with<freeze::loop_until_frozen>>(dead.world, dead.event);
        CHECK(o.end == end_state::no_progress);
        CHECK(o.entry_returns.empty());
        const auto later = kernel_holder_thaws_later();
        CHECK(run<quiet_merged::with<freeze::loop_until_frozen>>(later.world, later.event).terminated());
    }
    SUBCASE("return_ebusy: gives up with the freeze's error and does nothing else") {
        const auto o = run<quiet_merged::with<freeze::return_ebusy>>(held.world, held.event);
        CHECK(o.notify_returns == std::vector<int>{-err::ebusy});
        CHECK(o.signals.empty());
        CHECK(o.shutdown_flags == 0);
        CHECK(o.live_pages() == 20);
        const auto e = run<quiet_merged::with<freeze::return_ebusy>>(dead.world, dead.event);
        CHECK(e.notify_returns == std::vector<int>{-err::eio});
    }
    SUBCASE("ebusy_continues (v13): carries on after -EBUSY, returns other errors") {
        const auto o = run<quiet_merged::with<freeze::ebusy_continues>>(held.world, held.event);
        CHECK(o.signal_count() == 20);
        CHECK(logged(o, "already frozen by kernel, err=-16"));
        const auto e = run<quiet_merged::with<freeze::ebusy_continues>>(dead.world, dead.event);
        CHECK(e.notify_returns == std::vector<int>{-err::eio});
        CHECK(e.signals.empty());
    }
    SUBCASE("proceed_and_remember (merged): carries on after any error") {
        const auto e = run<quiet_merged>(dead.world, dead.event);
        CHECK(logged(e, "already frozen by kernel, err=-5"));
        // ... into the AGF read, which a shut-down mount fails: nobody is signalled, every mapping stays.
        CHECK(e.signal_count() == 0);
        CHECK(e.live_pages() == 20);
        CHECK(e.notify_returns == std::vector<int>{-err::eio});
    }
    SUBCASE("fallback_without_pre_remove: a failed freeze turns the unbind into a whole-device poison") {
        const auto o = run<quiet_merged::with<freeze::fallback_without_pre_remove>>(held.world, held.event);
        CHECK(o.signals.empty());  // only early-kill tasks would be found
        CHECK(o.poisoned.pages() == 24);
        CHECK(o.shutdown_flags == shutdown_flag::corrupt_ondisk);
        CHECK(o.notify_returns == std::vector<int>{-err::efscorrupted});
        CHECK(o.freeze_holders_after.size() == 1);
        // When the freeze succeeds it is a normal pre-remove.
        const auto s = unbind_mapped_files();
        CHECK(run<quiet_merged::with<freeze::fallback_without_pre_remove>>(s.world, s.event).signal_count() == 20);
    }
}

TEST_CASE("thaw: in_callee thaws the kernel holder unconditionally and drops scrub's freeze") {
    const auto held = frozen_by_kernel_holder();
    const auto callee = run<quiet_merged::with<thaw::in_callee>>(held.world, held.event);
    const auto where = run<quiet_merged>(held.world, held.event);
    CHECK(callee.freeze_holders_after.empty());  // someone else's freeze dropped
    CHECK(traced(callee, "thaw_super", "dropped the freeze of xfs_scrub"));
    CHECK(logged(callee, "device is about to be removed!"));
    REQUIRE(where.freeze_holders_after.size() == 1);
    CHECK(where.freeze_holders_after[0].owner == "xfs_scrub");
}

TEST_CASE("thaw_userspace: anyway drops the administrator's FIFREEZE, never keeps it") {
    const auto s = frozen_by_userspace();
    const auto anyway = run<quiet_merged>(s.world, s.event);
    const auto never = run<quiet_merged::with<thaw_userspace::never>>(s.world, s.event);
    CHECK(anyway.freeze_holders_after.empty());
    REQUIRE(never.freeze_holders_after.size() == 1);
    CHECK(never.freeze_holders_after[0].owner == "xfs_freeze");
}

TEST_CASE("shutdown: how each mode ends a pre-remove that met a reclaiming inode, and a clean one") {
    const scenario s = reclaiming_inode();  // xfs_iget -> -EAGAIN -> want_shutdown
    const auto corrupt = run<quiet_merged::with<shutdown::corrupt_on_error>>(s.world, s.event);
    const auto unless = run<quiet_merged::with<shutdown::force_umount_unless_error>>(s.world, s.event);
    const auto always = run<quiet_merged>(s.world, s.event);
    CHECK(corrupt.shutdown_flags == shutdown_flag::corrupt_ondisk);
    CHECK(corrupt.notify_returns == std::vector<int>{-err::efscorrupted});
    CHECK(unless.shutdown_flags == shutdown_flag::corrupt_ondisk);
    CHECK(always.shutdown_flags == shutdown_flag::force_umount);
    CHECK(always.notify_returns == std::vector<int>{0});
    const auto clean = unbind_mapped_files();
    CHECK(run<quiet_merged::with<shutdown::corrupt_on_error>>(clean.world, clean.event).shutdown_flags == 0);
    CHECK(run<quiet_merged::with<shutdown::force_umount_unless_error>>(clean.world, clean.event).shutdown_flags ==
          shutdown_flag::force_umount);
}

TEST_CASE("collector: early_kill finds nobody on unbind, all_mapping_tasks finds every mapper") {
    const auto s = unbind_mapped_files();
    const auto early_only = run<quiet_merged::with<collector::early_kill>>(s.world, s.event);
    CHECK(early_only.signals.empty());
    CHECK(early_only.unmapped_pages() == 20);  // invalidate still zaps them
    CHECK(run<quiet_merged>(s.world, s.event).signal_count() == 20);
}

TEST_CASE("pre_remove_poison: set_hwpoison marks healthy pages on pre-remove, leave_clean does not") {
    const auto s = unbind_mapped_files();
    CHECK(run<quiet_merged::with<pre_remove_poison::set_hwpoison>>(s.world, s.event).poisoned.pages() == 24);
    CHECK(run<quiet_merged>(s.world, s.event).poisoned.empty());
}

TEST_CASE("invalidate: on_pre_remove drops clean entries and zaps unsignalled mappings") {
    auto b = base();
    b.edit().inodes.at(file_b).cache.update(5, 5, [](cache_entry& e) { e.dirty = true; });  // dirty, and nothing freezes to write it back
    const scenario s{"dirty", "", b.build(), event::unbind(0, unbinder)};
    using unfrozen = quiet_merged::with<freeze::none>;
    const auto none = run<unfrozen::with<invalidate::none>>(s.world, s.event);
    const auto inval = run<unfrozen>(s.world, s.event);
    CHECK(none.cache_pages_left() == 24);
    REQUIRE(inval.cache_pages_left() == 1);  // the dirty entry stays (-EBUSY, ignored)
    // ... and del_gendisk's fsync_bdev (6.1's kind, quiet_merged's) writes it back: it is left clean.
    CHECK(inval.cache_entries_left[0] == cache_entry_record{file_b, 5, 1, false});
}

TEST_CASE("non_dax_inode: kill_anyway aborts the scan with -EBUSY, skip carries on") {
    const auto s = non_dax_file();
    const auto kill = run<quiet_merged::with<non_dax_inode::kill_anyway>>(s.world, s.event);
    const auto skip = run<quiet_merged>(s.world, s.event);
    CHECK(kill.notify_returns == std::vector<int>{-err::ebusy});
    CHECK(signals_to(kill, writer) == 0);
    CHECK(skip.notify_returns == std::vector<int>{0});
    CHECK(signals_to(skip, writer) == 4);
}

TEST_CASE("metadata_record: want_shutdown turns a clean v12 pre-remove into a corrupt shutdown") {
    const auto s = unbind_mapped_files();
    using base12 = presets::v12::with<del_gendisk::no_fs_shutdown>;
    const auto want = run<base12::with<metadata_record::want_shutdown>>(s.world, s.event);
    const auto skip = run<base12>(s.world, s.event);
    CHECK(want.shutdown_flags == shutdown_flag::corrupt_ondisk);
    CHECK(want.notify_returns == std::vector<int>{-err::efscorrupted});
    CHECK(skip.shutdown_flags == shutdown_flag::force_umount);
    CHECK(skip.notify_returns == std::vector<int>{0});
}

TEST_CASE("range_math: each version's arithmetic on the cases that tell them apart") {
    SUBCASE("v6_0: R0's length clamp sends the AG loop past agcount (NULL perag)") {
        const auto s = unbind_mapped_files();
        const auto o = run<presets::pre_patch::with<range_math::v6_0>>(s.world, s.event);
        CHECK(o.end == end_state::oops);
        CHECK(o.end_detail.find("xfs_perag_get(4)") != std::string::npos);
        CHECK(o.entry_returns.empty());
    }
    SUBCASE("v6_5: the one-short blockcount makes a single-page poison signal nobody") {
        const auto s = poison_one_page();
        const auto o = run<presets::pre_patch::with<range_math::v6_5>>(s.world, s.event);
        CHECK(o.signals.empty());
        CHECK(o.poisoned.empty());
        CHECK(run<presets::pre_patch>(s.world, s.event).signal_count() == 1);
    }
    SUBCASE("v6_6 vs merged: on a partition, R1 overshoots by the partition offset, R2 does not") {
        const scenario s = partitioned_pmem_unbind();  // filesystem starts 1 MiB into the pmem disk
        const auto r1 = run<presets::merged::with<range_math::v6_6>>(s.world, s.event);
        const auto r2 = run<presets::merged>(s.world, s.event);
        CHECK(r1.end == end_state::oops);
        CHECK(r2.terminated());
        CHECK(r2.signal_count() == 16);
    }
    SUBCASE("v6_14: the u32 wrap kills beyond the extent; the bounded loop survives a device larger than the fs") {
        const auto s = split_file_unbind();
        const auto wrap = run<presets::merged::with<range_math::v6_14>>(s.world, s.event);
        const auto merged = run<presets::merged>(s.world, s.event);
        CHECK(merged.signal_count() == 16);
        CHECK(wrap.signal_count() == 16);
        // AG 1's record covers pgoff 0 .. 2^32 - 101: ~4e9 indices walked without a reschedule, and
        // the pages of AG 3's extent are revoked while handling AG 1.
        CHECK(wrap.cost.indices_walked == (u64{1} << 32) - 100 + 8);
        CHECK(merged.cost.indices_walked == 16);
        auto position = [](const outcome& o, const std::string& fn, const std::string& part) {
            for (std::size_t i = 0; i < o.trace.size(); ++i)
                if (o.trace[i].function == fn && o.trace[i].detail.find(part) != std::string::npos) return i;
            return o.trace.size();
        };
        CHECK(position(wrap, "collect_procs_fsdax", "pgoff 8") < position(wrap, "xfs_rmap_query_range", "group 3"));
        CHECK(position(merged, "collect_procs_fsdax", "pgoff 8") > position(merged, "xfs_rmap_query_range", "group 3"));
        const auto big = fs_smaller_than_device();  // block device twice the filesystem
        CHECK(run<presets::merged>(big.world, big.event).end == end_state::oops);
        // v6.14's loop stops at the last group: no oops, but a 2^32-index walk per extent outside the last group.
        CHECK(run<presets::merged::with<range_math::v6_14>>(big.world, big.event).end == end_state::spinning);
        CHECK(run<presets::merged::with<range_math::v6_14>>(big.world, big.event, test::patient()).terminated());
    }
}

TEST_CASE("log_device: corrupt_always, ignore_pre_remove and range_checked on the external log") {
    auto s = log_on_separate_device();
    CHECK(run<quiet_merged::with<log_device::corrupt_always>>(s.world, s.event).shutdown_flags ==
          shutdown_flag::corrupt_ondisk);
    CHECK(run<quiet_merged>(s.world, s.event).shutdown_flags == 0);
    // A memory failure beyond the end of a 12 MiB log partition (XFS's smallest log is 10 MiB) on the 16 MiB device.
    s.world.mp.log->nr_bytes = 12 << 20;
    const event mce = event::machine_check(1, 14 << 20, page_size, kworker);
    const auto ignore = run<quiet_merged>(s.world, mce);
    const auto checked = run<quiet_merged::with<log_device::range_checked>>(s.world, mce);
    CHECK(ignore.shutdown_flags == shutdown_flag::corrupt_ondisk);
    CHECK(ignore.notify_returns == std::vector<int>{-err::efscorrupted});
    CHECK(checked.shutdown_flags == 0);
    CHECK(checked.notify_returns == std::vector<int>{-err::enxio});
    // Debian's 6.12.117 carries the range check as a stable backport.
    CHECK(run<presets::debian_6_12>(s.world, mce).notify_returns == std::vector<int>{-err::enxio});
    CHECK(run<presets::merged>(s.world, mce).notify_returns == std::vector<int>{-err::efscorrupted});
}

TEST_CASE("rt_device: unsupported refuses, rtgroups walks the realtime rmap") {
    const auto s = realtime_device();
    CHECK(run<quiet_merged>(s.world, s.event).notify_returns == std::vector<int>{-err::eopnotsupp});
    const auto rt = run<quiet_merged::with<rt_device::rtgroups>>(s.world, s.event);
    CHECK(rt.signal_count() == 4);
    CHECK(rt.signals[0].addr == 0x7f2000000000);
}

TEST_CASE("del_gendisk: device_removed_shutdown syncs and shuts down a filesystem the notification left alone") {
    auto s = no_rmapbt();
    s.world.inodes.at(file_a).cache.update(2, 2, [](cache_entry& e) { e.dirty = true; });
    const auto removed = run<presets::merged>(s.world, s.event);
    const auto kept = run<presets::merged::with<del_gendisk::no_fs_shutdown>>(s.world, s.event);
    CHECK(removed.shutdown_flags == shutdown_flag::device_removed);
    CHECK(logged(removed, "Block device removal (0x20) detected at fs_bdev_mark_dead"));
    CHECK(kept.shutdown_flags == 0);
    // Both sync the filesystem first (fsync_bdev on 6.1, fs_bdev_mark_dead later): the dirty entry is written back.
    for (const auto* o : {&kept, &removed}) {
        CHECK(o->cache_pages_left() == 24);
        for (const auto& c : o->cache_entries_left) CHECK_FALSE(c.dirty);
    }
}

TEST_CASE("del_gendisk: both kinds evict the inodes nobody holds, and only the data device's removal syncs on 6.1") {
    // B's mapping is gone, so nothing holds its inode: invalidate_inodes (6.1) / evict_inodes (6.6+) drop it.
    auto s = no_rmapbt();
    s.world.tasks.back().vmas.clear();
    for (const auto& cfg : {presets::debian_6_1::config, presets::debian_6_12::config}) {
        const auto o = run(cfg, s.world, s.event);
        for (const auto& c : o.cache_entries_left) CHECK(c.ino == file_a);
        CHECK(o.cache_pages_left() == 16);
    }
    // The external log's removal: 6.1's get_super finds no filesystem on it, so its dirty entries stay dirty.
    auto l = log_on_separate_device();
    l.world.inodes.at(file_a).cache.update(2, 2, [](cache_entry& e) { e.dirty = true; });
    const auto old = run(presets::debian_6_1::config, l.world, l.event);
    const cache_entry_record dirty{file_a, 2, 1, true};
    CHECK(std::count(old.cache_entries_left.begin(), old.cache_entries_left.end(), dirty) == 1);
}

TEST_CASE("freeze_api: the generation decides what a shared thaw returns on the pre-remove path") {
    const auto s = frozen_by_userspace();
    const auto bitmask = run<quiet_merged::with<freeze_api::holder_bitmask>>(s.world, s.event);
    const auto counts = run<quiet_merged>(s.world, s.event);
    CHECK(traced(bitmask, "thaw_super", "kernel by xfs_dax_notify_failure = 0"));
    CHECK(traced(counts, "thaw_super", "kernel by xfs_dax_notify_failure = -EINVAL"));
    // freeze_api::no_holders cannot carry a pre-remove freeze at all (a static_assert says so); its own
    // semantics are covered in freeze_api.cpp.
}

TEST_CASE("Preset::policy<Axis> names the policy the variant chose on that axis, and with<> replaces only its axes") {
    static_assert(std::is_same_v<presets::v12::policy<axis::freeze>, freeze::loop_until_frozen>);
    static_assert(std::is_same_v<presets::v12_reviewed::policy<axis::freeze>, freeze::return_ebusy>);
    static_assert(std::is_same_v<presets::v12_reviewed::policy<axis::thaw>, thaw::where_frozen>);
    static_assert(std::is_same_v<presets::v12_reviewed::policy<axis::collector>, presets::v12::policy<axis::collector>>);
    static_assert(std::is_same_v<presets::debian_6_1::policy<axis::freeze_api>, freeze_api::no_holders>);
    CHECK(presets::v12_reviewed::config.freeze == ops_of<freeze::return_ebusy>);
    CHECK(presets::v12_reviewed::config.thaw == ops_of<thaw::where_frozen>);
    CHECK(presets::v12_reviewed::config.collector == presets::v12::config.collector);
}

TEST_CASE("A variant names only the axes it chooses, in any order; the others take their defaults (v6.6's)") {
    static_assert(variant<freeze::loop_until_frozen, thaw::in_callee>::config ==
                  variant<thaw::in_callee, freeze::loop_until_frozen>::config);
    static_assert(variant<>::config == config{});
    static_assert(std::is_same_v<variant<>::policy<axis::range_math>, range_math::v6_6>);
    static_assert(presets::pre_patch::with<freeze_api::no_holders>::config.freeze_api == ops_of<freeze_api::no_holders>);
    // The defaults are what pre_patch spelled out when a variant had to name every axis (tests/presets.cpp checks
    // merged the same way).
    static_assert(
        presets::pre_patch::config ==
        variant<kill_dax_flags::none, rmap_source::rmapbt_query, freeze::none, thaw::where_frozen, thaw_userspace::never,
                shutdown::corrupt_on_error, collector::early_kill, pre_remove_poison::set_hwpoison, invalidate::none,
                non_dax_inode::kill_anyway, metadata_record::want_shutdown, range_math::v6_6,
                freeze_api::holder_bitmask, log_device::corrupt_always, rt_device::unsupported,
                del_gendisk::device_removed_shutdown, dax_shared_page::shared_marker,
                shutdown_caller::out_of_line>::config);
    CHECK(variant_name<variant<>>() == "pre_patch");
}
