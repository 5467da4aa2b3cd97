// The behaviour-table scenarios of the reference (§12), built in C++. Common
// setup: pmem0 (64 MiB, pfn 0x100000) with an XFS of 4 AGs x 4096 blocks,
// rmapbt, mounted dax=always; file A (inode 133, 16 blocks at AG 1 block 100)
// mapped whole by `reader` (pid 1001); file B (inode 134, 8 blocks at AG 2
// block 200) mapped by `writer` (pid 1002), pages 0-3 touched; the unbinder
// `sh` (pid 900) maps nothing; `kworker/0:1` (pid 50) is a kernel thread.
#ifndef DAXFAIL_SCENARIOS_HPP
#define DAXFAIL_SCENARIOS_HPP

#include <daxfail/builder.hpp>
#include <daxfail/scenario.hpp>

#include <vector>

namespace daxfail::scenarios {

inline constexpr u64 file_a = 133;
inline constexpr u64 file_b = 134;
inline constexpr u32 reader = 1001;
inline constexpr u32 writer = 1002;
inline constexpr u32 early = 1003;
inline constexpr u32 unbinder = 900;
inline constexpr u32 kworker = 50;
inline constexpr u64 reader_va = 0x7f0000000000;
inline constexpr u64 writer_va = 0x7f1000000000;

// The pieces of the common setup that other worlds reuse, so that each is written once. They add to `b` and
// return it, as the builder's own calls do; the order of files and of tasks is the order reports list them in.

/// File A: 16 blocks at AG 1 block 100.
inline world_builder& add_file_a(world_builder& b, file_options o = {}) {
    return b.file(file_a, "A", {{1, 100, 16, 0}}, o);
}

/// The tasks that map nothing: `kworker/0:1`, a kernel thread (current for a patrol-scrub machine check; worlds
/// whose event needs no kernel thread leave it out), then the unbinder `sh`.
inline world_builder& add_idle_tasks(world_builder& b, bool with_kworker = true) {
    if (with_kworker) b.process(kworker, "kworker/0:1", {}, true);
    return b.process(unbinder, "sh");
}

/// `reader` mapping all of A at reader_va; `touched`: every page faulted in.
inline world_builder& add_reader_of_a(world_builder& b, bool touched = true) {
    return b.process(reader, "reader").map(reader, file_a, 0, 16, reader_va, {}, touched);
}

/// The common setup, before any variation. Without `touched`, the same mappings with no page touched yet (the
/// concurrent scenarios: every mapping the run ends with was faulted in during it).
inline world_builder base(bool touched = true) {
    world_builder b;
    add_file_a(b.standard_metadata()).file(file_b, "B", {{2, 200, 8, 0}});
    add_idle_tasks(b);
    add_reader_of_a(b, touched)
        .process(writer, "writer")
        .map(writer, file_b, 0, 8, writer_va, touched ? std::vector<u64>{0, 1, 2, 3} : std::vector<u64>{}, touched);
    return b;
}

/// reader's madvise(MADV_HWPOISON) of page 3 of A (AG 1 block 103) through its mapping at reader_va.
inline event reader_poisons_page_3(const world_builder& b) {
    return event::madvise_hwpoison(0, data_block_offset(b.build(), 1, 103), page_size, reader,
                                   reader_va + 3 * page_size);
}

/// A patrol-scrub machine check (current: the kworker) in the page of data block `agbno` of AG `group`.
inline event scrub_machine_check(const world_builder& b, u32 group, u32 agbno) {
    return event::machine_check(0, data_block_offset(b.build(), group, agbno), page_size, kworker);
}

inline scenario make(std::string name, std::string description, const world_builder& b, event ev) {
    scenario s;
    s.name = std::move(name);
    s.description = std::move(description);
    s.world = b.build();
    s.event = ev;
    return s;
}

/// The common setup with the log on a second namespace, pmem1 (16 MiB at pfn 0x200000).
inline world_builder base_with_external_log() {
    auto b = base();
    b.device("pmem1", 16ull << 20, 0x200000).external_log(1);
    return b;
}

/// The common setup after the administrator's XFS_IOC_GOINGDOWN: with LOGFLUSH (or DEFAULT, which syncs first
/// and sets the same flag) force_umount; with NOLOGFLUSH force_umount and log_io_error.
inline world_builder gone_down(bool logflush) {
    auto b = base();
    b.shut_down(logflush ? shutdown_flag::force_umount : shutdown_flag::force_umount | shutdown_flag::log_io_error);
    return b;
}

inline scenario unbind_mapped_files() {
    return make("unbind_mapped_files", "Whole-device unbind of a filesystem with two mapped DAX files: reader maps all 16 pages of A, writer has touched 4 of B's 8 pages. Before the patch (and on Debian 6.1) the unbind is a memory failure of every byte: the cached pages are marked HWPoison although healthy, nobody is signalled, every mapping stays live and the filesystem is shut down as corrupt. From v12 on every mapper gets BUS_MCEERR_AO, mappings and cache entries are revoked, nothing is poisoned, and the filesystem is force-unmounted.", base(),
                event::unbind(0, unbinder));
}

inline scenario poison_one_page() {
    auto b = base();
    return make("poison_one_page", "reader poisons page 3 of A with madvise(MADV_HWPOISON). The poison path is the same in every version: reader, being current, gets a forced BUS_MCEERR_AR at the page's address, that page alone is poisoned and unmapped, and memory_failure reports the DAX page as recovered. The patch must not change this.", b,
                reader_poisons_page_3(b));
}

inline scenario metadata_in_range() {
    auto b = base();
    return make("metadata_in_range", "A patrol-scrub machine check (current is a kworker, a kernel thread with no mm) reports poison in AG 1's AGI block. The rmap record belongs to a non-inode owner, so every version shuts the filesystem down as corrupt and memory_failure reports the page as failed.", b,
                scrub_machine_check(b, 1, 2));
}

inline scenario log_on_separate_device() {
    const auto b = base_with_external_log();
    return make("log_on_separate_device", "The filesystem keeps its log on a second pmem namespace (pmem1), which is unbound. Before the patch the notification shuts the filesystem down as if the log were corrupt; from v12 on a pre-remove of the log device does nothing in the notification, and only the block layer's device-removal shutdown (v6.6+) ends the filesystem.", b, event::unbind(1, unbinder));
}

inline scenario realtime_device() {
    auto b = base();
    b.device("pmem1", 16ull << 20, 0x200000).realtime(1, 2, 2048);
    b.file(135, "R", {{1, 10, 4, 0}}, {.realtime = true}).map(reader, 135, 0, 4, 0x7f2000000000);
    return make("realtime_device", "The realtime device is a second namespace (pmem1) and reader maps realtime file R. Up to v6.13 the notification answers -EOPNOTSUPP for the realtime device and nothing is revoked; v6.14 walks the rtgroup reverse map and signals reader for R's four pages.", b,
                event::unbind(1, unbinder));
}

inline scenario no_rmapbt() {
    auto b = base();
    b.rmapbt(false);
    return make("no_rmapbt", "Whole-device unbind of a filesystem made without rmapbt. Every version answers -EOPNOTSUPP before freezing or scanning, so mappings stay live; kernels with the block-device holder ops (v6.6+) then shut the filesystem down for the removed device, Debian 6.1 leaves it mounted.", b, event::unbind(0, unbinder));
}

inline scenario not_sb_born() {
    auto b = base();
    b.not_born();
    return make("not_sb_born", "Whole-device unbind while the superblock is not yet SB_BORN (a mount in progress). Every version warns 'filesystem is not ready for notify_failure()!' and returns -EIO.", b,
                event::unbind(0, unbinder));
}

inline scenario inode_not_in_core() {
    world_builder b;
    add_file_a(b.standard_metadata(), {.in_core = false, .cached = false});
    add_idle_tasks(b);
    return make("inode_not_in_core", "A kworker reports poison in file A, whose inode is not cached (nobody has it open). xfs_iget(INCORE) answers -ENODATA and the record is skipped: the page is not even marked poisoned, and memory_failure reports recovery.", b,
                scrub_machine_check(b, 1, 105));
}

inline scenario non_dax_file() {
    world_builder b;
    add_file_a(b.standard_metadata(), {.dax = false}).file(file_b, "B", {{2, 200, 8, 0}});
    add_idle_tasks(b, false);
    add_reader_of_a(b).process(writer, "writer").map(writer, file_b, 0, 8, writer_va, {0, 1, 2, 3});
    return make("non_dax_file", "Unbind while file A is not a DAX file (dax=inode) and reader maps it through the page cache. Before the patch mf_dax_kill_procs fails with -EBUSY on A, which aborts the whole scan: B is never reached and the filesystem is shut down as corrupt. From v12 the kill is skipped for A but invalidate_inode_pages2_range still zaps reader's page-cache mappings, and writer is signalled for B.", b,
                event::unbind(0, unbinder));
}

inline scenario frozen_by_userspace() {
    auto b = base();
    b.frozen_by(freeze_holder::userspace, "xfs_freeze");
    return make("frozen_by_userspace", "Unbind while an administrator holds a FIFREEZE freeze. Pre-patch kernels scan the frozen filesystem and keep the freeze. The patch's kernel freeze joins it, and its thaw of the userspace holder drops the administrator's freeze. On v6.8's freeze counters the kernel thaw returns -EINVAL and XFS logs 'still frozen after notify failure'; Debian's 6.12.117 carries the stable fix that returns 0.", b, event::unbind(0, unbinder));
}

inline scenario frozen_by_kernel_holder() {
    auto b = base();
    b.frozen_by(freeze_holder::kernel, "xfs_scrub");
    return make("frozen_by_kernel_holder", "Unbind while online fsck (xfs_scrub fscounters) holds a kernel freeze it never drops. v12 sleeps 100 ms at a time waiting to freeze and never returns; the reviewed v12 gives up with -EBUSY and revokes nothing; the merged version logs 'already frozen by kernel, err=-16' and revokes everything unfrozen.",
                b, event::unbind(0, unbinder));
}

inline scenario kernel_holder_thaws_later() {
    auto b = base();
    b.frozen_by(freeze_holder::kernel, "xfs_scrub").thaws_after("xfs_scrub", freeze_holder::kernel, 300);
    return make("kernel_holder_thaws_later", "Unbind while online fsck holds a kernel freeze that it drops 300 ms later. v12's freeze loop waits three 100 ms sleeps and then proceeds normally; the other versions do not wait.", b,
                event::unbind(0, unbinder));
}

inline scenario already_shut_down() {
    auto b = base();
    b.shut_down(shutdown_flag::corrupt_ondisk);
    return make("already_shut_down", "Unbind after an earlier poison shut the filesystem down as corrupt. Freezing a shut-down filesystem fails with -EIO in sync_filesystem, so v12 loops forever, the reviewed v12 returns -EIO, and the merged version proceeds unfrozen. Every version then fails the first AGF read with -EIO (a shut-down mount fails every buffer read), so nobody is signalled or unmapped and the device goes away under live DAX mappings; the first shutdown's reason stays.", b,
                event::unbind(0, unbinder));
}

inline scenario poison_after_shutdown() {
    const auto b = gone_down(false);
    return make("poison_after_shutdown", "reader poisons page 3 of A with madvise(MADV_HWPOISON) after the administrator shut the filesystem down (XFS_IOC_GOINGDOWN with NOLOGFLUSH: force_umount and log_io_error). The notification's first AGF read fails with -EIO, as every buffer read of a shut-down mount does, so no rmap record is looked at: in every version nobody is signalled, the page is neither poisoned nor unmapped, memory_failure reports the DAX page as failed and madvise returns -EIO.", b,
                reader_poisons_page_3(b));
}

inline scenario unbind_after_goingdown() {
    const auto b = gone_down(true);
    return make("unbind_after_goingdown", "Unbind after the administrator shut the filesystem down with XFS_IOC_GOINGDOWN (LOGFLUSH: force_umount). As in already_shut_down, the versions that freeze fail to (sync_filesystem returns -EIO), and every version's first AGF read fails with -EIO before any rmap query: nobody is signalled, unmapped or invalidated, and the device goes away under reader's and writer's live DAX mappings.", b,
                event::unbind(0, unbinder));
}

inline scenario early_kill_task() {
    auto b = base();
    b.process(early, "early", {.mce_kill_early = true}).map(early, file_a, 0, 16, 0x7f3000000000, {5});
    return make("early_kill_task", "Unbind while task early (PR_MCE_KILL_EARLY) maps page 5 of A. Before the patch it is the only task the early-kill collector finds: it alone gets BUS_MCEERR_AO, and the unmap of its page also silently removes reader's mapping of that page. From v12 every mapper is signalled.", b, event::unbind(0, unbinder));
}

inline scenario multi_threaded_task() {
    auto b = base();
    b.process(1004, "mt").thread(1004, 1005, "mt-worker", {.mce_kill_early = true}).map(1004, file_a, 2, 1, 0x7f4000002000);
    return make("multi_threaded_task", "Unbind while process mt maps page 2 of A and only its second thread (mt-worker) set PR_MCE_KILL_EARLY. The early-kill collector signals that thread; the pre-remove collector signals the thread-group leader.", b,
                event::unbind(0, unbinder));
}

/// Every scenario above, in a fixed order.
inline std::vector<scenario> behavior_table() {
    return {unbind_mapped_files(), poison_one_page(),      metadata_in_range(),     log_on_separate_device(),
            realtime_device(),     no_rmapbt(),            not_sb_born(),           inode_not_in_core(),
            non_dax_file(),        frozen_by_userspace(),  frozen_by_kernel_holder(), kernel_holder_thaws_later(),
            already_shut_down(),   early_kill_task(),      multi_threaded_task()};
}

inline scenario ag_boundary_poison() {
    world_builder b;
    b.standard_metadata().file(150, "X", {{1, 4000, 96, 0}, {3, 500, 32, 96}});
    add_idle_tasks(b)
        .process(reader, "reader")
        .map(reader, 150, 0, 128, reader_va)
        .process(early, "early", {.mce_kill_early = true})
        .map(early, 150, 100, 10, 0x7f3000000000);
    event ev = event::machine_check(0, data_block_offset(b.build(), 1, 4095), 2 * page_size, reader);
    ev.whole_range_notification = true;
    return make("ag_boundary_poison",
                "A two-page failure reported in one notification that spans the last block of AG 1 (page 95 of X, "
                "mapped by reader, who consumed it) and the AG 2 header. Every version shuts the filesystem down as "
                "corrupt for the header. v6.14's u32 blockcount wraps for AG 1, the non-end group, so pages 96-127 "
                "of X, which lie in AG 3 and did not fail, are poisoned too and task early, which maps only pages "
                "100-109, is signalled although it maps nothing in the failed range.",
                b, ev);
}

/// The filesystem on a partition that starts 1 MiB into pmem0 (the namespace grows by as much): A, mapped by
/// reader, and the idle tasks.
inline world_builder on_partition(bool with_kworker) {
    world_builder b;
    b.geometry(4, 4096, 1 << 20).standard_metadata();
    add_file_a(b);
    add_idle_tasks(b, with_kworker);
    add_reader_of_a(b);
    return b;
}

inline scenario range_partly_outside_fs() {
    const auto b = on_partition(true);
    return make("range_partly_outside_fs",
                "The filesystem starts 1 MiB into its pmem namespace (a partition) and a machine check covers the "
                "last page before it and the first page of the filesystem. memory_failure handles one page at a "
                "time: the page outside the filesystem gets -ENXIO, the first filesystem block (AG 0's headers) "
                "shuts it down as corrupt.",
                b, event::machine_check(0, (1 << 20) - page_size, 2 * page_size, kworker));
}

/// A and its reflink clone (inode 136, the same blocks), reader mapping A and reader2 (pid 1006) the clone.
inline world_builder reflinked_clone(bool rmapbt, bool with_kworker, thread_options reader2) {
    world_builder b;
    add_file_a(b.reflink().rmapbt(rmapbt).standard_metadata()).file(136, "A-clone", {{1, 100, 16, 0}});
    add_idle_tasks(b, with_kworker);
    add_reader_of_a(b).process(1006, "reader2", reader2).map(1006, 136, 0, 16, 0x7f5000000000);
    return b;
}

inline scenario reflinked_files() {
    const auto b = reflinked_clone(true, false, {});
    return make("reflinked_files",
                "A and its reflink clone share AG 1 blocks 100-115; reader maps A and reader2 maps the clone. The "
                "rmap has two overlapping records for the shared blocks, one per file, so a pre-remove signals "
                "both readers; before the patch the shared pages are poisoned once and nobody is signalled.",
                b, event::unbind(0, unbinder));
}

inline scenario same_page_mapped_twice() {
    auto b = base();
    b.map(reader, file_a, 0, 16, 0x7f6000000000);
    return make("same_page_mapped_twice",
                "reader maps file A twice, at two addresses, and poisons page 3 through the first mapping. "
                "collect_procs_fsdax adds one victim per VMA, so every version sends reader two forced "
                "BUS_MCEERR_AR signals, one for each address, and unmaps the page in both mappings.",
                b, reader_poisons_page_3(b));
}

inline scenario early_kill_sysctl_on() {
    auto b = base();
    b.early_kill_sysctl();
    return make("early_kill_sysctl_on",
                "Whole-device unbind with vm.memory_failure_early_kill = 1. Before the patch the early-kill "
                "collector then finds every task that did not opt out, so reader and writer are signalled "
                "(BUS_MCEERR_AO) even though the unbind still poisons every cached page and shuts the filesystem "
                "down as corrupt.",
                b, event::unbind(0, unbinder));
}

inline scenario huge_file_all_ags() {
    world_builder b;
    b.geometry(4, 1u << 26).standard_metadata();  // 1 TiB: four 256 GiB allocation groups
    b.file(160, "huge", {{0, 1u << 20, 1u << 20, 0}, {1, 4096, 1u << 20, 1u << 20},
                         {2, 4096, 1u << 20, 2u << 20}, {3, 4096, 1u << 20, 3u << 20}},
           {.cached = false});
    auto& ip = b.edit().inodes.at(160);
    for (u64 part = 0; part < 4; ++part) ip.cache.assign(part << 20, part << 20, {});
    add_idle_tasks(b, false).process(reader, "reader");
    b.map(reader, 160, 0, 4ull << 20, 0x7e0000000000, {0, 1u << 20, 2u << 20, 3u << 20});
    return make("huge_file_all_ags",
                "A 1 TiB filesystem with a 16 GiB file spread over all four allocation groups; reader has touched "
                "the first page of each extent. The model costs what the world contains (four cached entries), not "
                "what the device holds. v6.14's wrapped blockcount makes mf_dax_kill_procs walk about 2^32 indices "
                "for each extent outside the last group, which the cost counter shows.",
                b, event::unbind(0, unbinder));
}

inline scenario empty_filesystem() {
    world_builder b;
    add_idle_tasks(b.standard_metadata(), false);
    return make("empty_filesystem",
                "Whole-device unbind of a freshly made filesystem with no files. Before the patch the scan meets "
                "only metadata and shuts the filesystem down as corrupt; from v12 metadata is skipped on "
                "pre-remove and the filesystem is force-unmounted.",
                b, event::unbind(0, unbinder));
}

inline scenario partitioned_pmem_unbind() {
    const auto b = on_partition(false);
    return make("partitioned_pmem_unbind",
                "Whole-device unbind of a filesystem on a partition that starts 1 MiB into the namespace. The "
                "v6.5-v6.7 arithmetic (also Debian 6.1.112+) clamps the range to the partition's end relative to "
                "the wrong origin, overshoots by the partition offset, and the AG loop reaches agno = agcount: a "
                "NULL perag is dereferenced. The whole-device special case of v12 and v6.8 avoids it.",
                b, event::unbind(0, unbinder));
}

inline scenario reclaiming_inode() {
    auto b = base();
    b.edit().inodes.at(file_b).reclaiming = true;
    b.edit().tasks.back().vmas.clear();
    return make("reclaiming_inode",
                "Unbind while file B's cached inode is being reclaimed, so xfs_iget(INCORE) answers -EAGAIN. Every "
                "version treats that as a reason to shut down: v12-v14 therefore end a pre-remove as corrupt with "
                "-EFSCORRUPTED, while the merged version force-unmounts regardless.",
                b, event::unbind(0, unbinder));
}

inline scenario dirty_entries_unfrozen() {
    auto b = base();
    b.frozen_by(freeze_holder::kernel, "xfs_scrub");
    b.edit().inodes.at(file_b).cache.update(0, u64_max, [](cache_entry& e) { e.dirty = true; });
    return make("dirty_entries_unfrozen",
                "Unbind while online fsck holds the kernel freeze and B's cached entries are dirty. The merged "
                "version carries on unfrozen, so nothing writes the entries back: invalidate_inode_pages2_range "
                "leaves the dirty entries in place (its -EBUSY is ignored) although it zaps their mappings.",
                b, event::unbind(0, unbinder));
}

inline scenario fs_smaller_than_device() {
    auto b = base();
    b.edit().devices[0].size = 128ull << 20;
    b.edit().mp.data.target.nr_bytes = 128ull << 20;
    return make("fs_smaller_than_device",
                "A 64 MiB filesystem on a 128 MiB namespace. The translated range of a whole-device notification "
                "uses the block device's size, not the filesystem's, so up to v6.13 the AG loop runs past the last "
                "allocation group and dereferences a NULL perag; v6.14's group iterator stops at the last group.",
                b, event::unbind(0, unbinder));
}

inline scenario attr_fork_poison() {
    auto b = base();
    b.edit().mp.data.rmap[2].push_back({300, 1, file_a, 0, true, false});
    return make("attr_fork_poison",
                "A machine check in the block holding file A's extended attributes (an attr-fork rmap record). "
                "It is not file data, so every version shuts the filesystem down as corrupt and signals nobody.",
                b, scrub_machine_check(b, 2, 300));
}

inline scenario pmd_mapped_file() {
    world_builder b;
    add_file_a(b.standard_metadata())
        .file(137, "P", {{1, 512, 1024, 0}});  // 4 MiB at AG 1 block 512: 2 MiB aligned on the device
    add_idle_tasks(b, false);
    add_reader_of_a(b).process(1007, "db").map_huge(1007, 137, 0, 1024, 0x7f7000000000);
    return make("pmd_mapped_file",
                "Whole-device unbind while db maps all of the 4 MiB DAX file P, which lies 2 MiB aligned on the device (AG 1 block 512), at a 2 MiB aligned address with two PMDs, and reader maps the 16 pages of A with PTEs. Before the patch (and on Debian 6.1) nobody is signalled and both mappings stay live; the page-by-page walk poisons every cached page of A but only the head page of each of P's 2 MiB entries (dax_lock_mapping_entry gives the entry's first page for every index in it), and the filesystem is shut down as corrupt. From v12 on db gets one BUS_MCEERR_AO per 2 MiB, at its start with si_addr_lsb 21, and kill_proc logs the head pfn of each entry; the whole PMD is zapped, reader gets its 16 page-sized signals, nothing is poisoned and the filesystem is force-unmounted.",
                b, event::unbind(0, unbinder));
}

inline scenario umount_after_unbind() {
    auto b = base();
    auto ev = event::unbind(0, unbinder);
    ev.umount_after = true;
    return make("umount_after_unbind",
                "The unbind of unbind_mapped_files, then the administrator kills the tasks and unmounts. Unmounting "
                "evicts every inode, and truncate_inode_pages_final deletes the DAX entries left: where the "
                "notification did not invalidate them (before the patch, Debian 6.1) their pages belonged to the "
                "removed device, whose struct pages are gone, and dax_disassociate_entry faults: the umount oopses. "
                "From v12 on the pre-remove invalidated them and the umount is clean.",
                b, ev);
}

inline scenario file_in_every_ag() {
    world_builder b;
    b.geometry(4, 65536).standard_metadata();  // 1 GiB: four 256 MiB allocation groups
    // 896 MiB in one file: mkfs's metadata first, then each group filled in turn.
    b.file(170, "big", {{0, 288, 65248, 0}, {1, 8, 65528, 65248}, {2, 8, 65528, 130776}, {3, 8, 33072, 196304}},
           {.cached = false});
    const std::vector<u64> firsts = {0, 65248, 130776, 196304};
    for (u64 p : firsts) b.edit().inodes.at(170).cache.assign(p, p, {});
    add_idle_tasks(b, false).process(reader, "reader");
    b.map(reader, 170, 0, 229376, 0x7e0000000000, firsts);
    return make("file_in_every_ag",
                "Whole-device unbind of a 1 GiB filesystem holding one 896 MiB file with an extent in each of its "
                "four allocation groups; reader maps all of it and has touched the first page of each extent. The "
                "AG loop meets the file once per group: before the patch (and on Debian 6.1) the four touched pages "
                "are poisoned and stay mapped, and the filesystem is shut down as corrupt; from v12 on reader gets "
                "four BUS_MCEERR_AO, one per extent, and every mapping is revoked.",
                b, event::unbind(0, unbinder));
}

inline scenario realtime_without_rmapbt() {
    auto b = base();
    b.rmapbt(false);
    b.device("pmem1", 256ull << 20, 0x150000).realtime(1, 1, 65536, false);
    b.file(135, "R", {{0, 10, 4, 0}}, {.realtime = true}).map(reader, 135, 0, 4, 0x7f2000000000);
    return make("realtime_without_rmapbt",
                "The realtime device as Debian 12 can make it: a second namespace (pmem1) under a filesystem "
                "without rmapbt (mkfs.xfs 6.1 refuses rmapbt with a realtime device), and reader maps realtime file "
                "R; pmem1 is unbound. Every version up to v6.13 answers -EOPNOTSUPP for the realtime device before "
                "looking at anything, so R's pages stay mapped; kernels with the block-device holder ops (v6.6+) "
                "then shut the filesystem down for the removed device, Debian 6.1 leaves it mounted.",
                b, event::unbind(1, unbinder));
}

inline scenario unbind_data_with_external_log() {
    const auto b = base_with_external_log();
    return make("unbind_data_with_external_log",
                "log_on_separate_device's machine, but the data namespace (pmem0) is the one unbound while the log "
                "stays on pmem1. The notification is the data device's, as in unbind_mapped_files: before the "
                "patch (and on Debian 6.1) the cached pages are poisoned, nobody is signalled and the filesystem is "
                "shut down as corrupt; from v12 on every mapper gets BUS_MCEERR_AO and the filesystem is "
                "force-unmounted. The external log changes nothing.",
                b, event::unbind(0, unbinder));
}

inline scenario unbind_after_goingdown_nologflush() {
    const auto b = gone_down(false);
    return make("unbind_after_goingdown_nologflush",
                "unbind_after_goingdown with the shutdown that skips the log flush (XFS_IOC_GOINGDOWN with "
                "NOLOGFLUSH: force_umount and log_io_error). The log error changes nothing on this path: the "
                "notification's first AGF read fails with -EIO all the same, and the device goes away under "
                "reader's and writer's live DAX mappings.",
                b, event::unbind(0, unbinder));
}

inline scenario poison_after_goingdown_logflush() {
    const auto b = gone_down(true);
    return make("poison_after_goingdown_logflush",
                "poison_after_shutdown after a shutdown with the log flushed (XFS_IOC_GOINGDOWN with LOGFLUSH, or "
                "DEFAULT, which syncs first and sets the same flag: force_umount). reader's madvise(MADV_HWPOISON) "
                "of page 3 of A meets the same failed AGF read: nobody is signalled, the page is neither poisoned "
                "nor unmapped, and madvise returns -EIO.",
                b, reader_poisons_page_3(b));
}

/// reflinked_clone for a machine check in the shared block behind page 3 of both: with the kworker, and reader2
/// an early-kill task (PR_MCE_KILL_EARLY).
inline world_builder reflinked_pair(bool rmapbt) { return reflinked_clone(rmapbt, true, {.mce_kill_early = true}); }

inline scenario reflinked_poison() {
    auto b = reflinked_pair(true);
    return make("reflinked_poison",
                "A machine check in a block that A and its reflink clone share (page 3 of both); reader maps A, "
                "reader2, an early-kill task, maps the clone. The rmap has a record per file, so XFS walks both: "
                "the page is poisoned, reader2 gets BUS_MCEERR_AO for the clone's page and loses it, and reader, "
                "not early-kill, keeps its mapping. The same in every version.",
                b, scrub_machine_check(b, 1, 103));
}

inline scenario reflinked_poison_no_rmapbt() {
    auto b = reflinked_pair(false);
    return make("reflinked_poison_no_rmapbt",
                "reflinked_poison on a filesystem without rmapbt: XFS declines and the generic path follows "
                "page->mapping. Up to v6.1 (Debian 6.1) that is the file that faulted the page last, the clone "
                "(reader2 ran after reader): reader2 is signalled and unmapped, reader is not looked at. From v6.2 "
                "a fault of a shared extent sets page->mapping to the PAGE_MAPPING_DAX_SHARED marker, and "
                "dax_lock_folio reads it as an address_space: a NULL pointer dereference.",
                b, scrub_machine_check(b, 1, 103));
}

/// The behaviour table plus the cases that tell the range arithmetic, the collectors and the cost model apart.
inline std::vector<scenario> catalog() {
    auto all = behavior_table();
    for (auto&& s : {ag_boundary_poison(), range_partly_outside_fs(), reflinked_files(), same_page_mapped_twice(),
                     early_kill_sysctl_on(), huge_file_all_ags(), empty_filesystem(), partitioned_pmem_unbind(),
                     reclaiming_inode(), dirty_entries_unfrozen(), fs_smaller_than_device(), attr_fork_poison(),
                     pmd_mapped_file(), poison_after_shutdown(), unbind_after_goingdown(), umount_after_unbind(),
                     file_in_every_ag(), realtime_without_rmapbt(), reflinked_poison(), reflinked_poison_no_rmapbt(),
                     unbind_after_goingdown_nologflush(), poison_after_goingdown_logflush(),
                     unbind_data_with_external_log()})
        all.push_back(s);
    return all;
}

}  // namespace daxfail::scenarios

#endif
