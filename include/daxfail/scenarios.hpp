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

/// The common setup, before any variation.
inline world_builder base() {
    world_builder b;
    b.standard_metadata()
        .file(file_a, "A", {{1, 100, 16, 0}})
        .file(file_b, "B", {{2, 200, 8, 0}})
        .process(kworker, "kworker/0:1", {}, true)
        .process(unbinder, "sh")
        .process(reader, "reader")
        .map(reader, file_a, 0, 16, reader_va)
        .process(writer, "writer")
        .map(writer, file_b, 0, 8, writer_va, {0, 1, 2, 3});
    return b;
}

inline scenario make(std::string name, std::string description, const world_builder& b, event ev) {
    return {std::move(name), std::move(description), b.build(), ev};
}

inline scenario unbind_mapped_files() {
    return make("unbind_mapped_files", "Whole-device unbind of a filesystem with two mapped DAX files.", base(),
                event::unbind(0, unbinder));
}

inline scenario poison_one_page() {
    auto b = base();
    const u64 off = data_block_offset(b.build(), 1, 103);
    return make("poison_one_page", "reader poisons page 3 of A with madvise(MADV_HWPOISON).", b,
                event::madvise_hwpoison(0, off, page_size, reader, reader_va + 3 * page_size));
}

inline scenario metadata_in_range() {
    auto b = base();
    const u64 off = data_block_offset(b.build(), 1, 2);
    return make("metadata_in_range", "Patrol scrub (a kworker) reports poison in AG 1's AGI block.", b,
                event::machine_check(0, off, page_size, kworker));
}

inline scenario log_on_separate_device() {
    auto b = base();
    b.device("pmem1", 16ull << 20, 0x200000).external_log(1);
    return make("log_on_separate_device", "Unbind of pmem1, which holds the external log.", b, event::unbind(1, unbinder));
}

inline scenario realtime_device() {
    auto b = base();
    b.device("pmem1", 16ull << 20, 0x200000).realtime(1, 2, 2048);
    b.file(135, "R", {{1, 10, 4, 0}}, {.realtime = true}).map(reader, 135, 0, 4, 0x7f2000000000);
    return make("realtime_device", "Unbind of pmem1, the realtime device; reader maps realtime file R.", b,
                event::unbind(1, unbinder));
}

inline scenario no_rmapbt() {
    auto b = base();
    b.rmapbt(false);
    return make("no_rmapbt", "Whole-device unbind of a filesystem made without rmapbt.", b, event::unbind(0, unbinder));
}

inline scenario not_sb_born() {
    auto b = base();
    b.not_born();
    return make("not_sb_born", "Whole-device unbind while the superblock is not SB_BORN yet.", b,
                event::unbind(0, unbinder));
}

inline scenario inode_not_in_core() {
    world_builder b;
    b.standard_metadata()
        .file(file_a, "A", {{1, 100, 16, 0}}, {.in_core = false, .cached = false})
        .process(kworker, "kworker/0:1", {}, true)
        .process(unbinder, "sh");
    const u64 off = data_block_offset(b.build(), 1, 105);
    return make("inode_not_in_core", "A kworker reports poison in file A, whose inode is not in core.", b,
                event::machine_check(0, off, page_size, kworker));
}

inline scenario non_dax_file() {
    world_builder b;
    b.standard_metadata()
        .file(file_a, "A", {{1, 100, 16, 0}}, {.dax = false})
        .file(file_b, "B", {{2, 200, 8, 0}})
        .process(unbinder, "sh")
        .process(reader, "reader")
        .map(reader, file_a, 0, 16, reader_va)
        .process(writer, "writer")
        .map(writer, file_b, 0, 8, writer_va, {0, 1, 2, 3});
    return make("non_dax_file", "Unbind with file A not DAX (dax=inode), mapped through the page cache.", b,
                event::unbind(0, unbinder));
}

inline scenario frozen_by_userspace() {
    auto b = base();
    b.frozen_by(freeze_holder::userspace, "xfs_freeze");
    return make("frozen_by_userspace", "Unbind while an administrator holds FIFREEZE.", b, event::unbind(0, unbinder));
}

inline scenario frozen_by_kernel_holder() {
    auto b = base();
    b.frozen_by(freeze_holder::kernel, "xfs_scrub");
    return make("frozen_by_kernel_holder", "Unbind while online fsck (fscounters) holds a kernel freeze it never drops.",
                b, event::unbind(0, unbinder));
}

inline scenario kernel_holder_thaws_later() {
    auto b = base();
    b.frozen_by(freeze_holder::kernel, "xfs_scrub").thaws_after("xfs_scrub", freeze_holder::kernel, 300);
    return make("kernel_holder_thaws_later", "Unbind while online fsck holds a kernel freeze for 300 ms more.", b,
                event::unbind(0, unbinder));
}

inline scenario already_shut_down() {
    auto b = base();
    b.shut_down(shutdown_flag::corrupt_ondisk);
    return make("already_shut_down", "Unbind after an earlier poison shut the filesystem down as corrupt.", b,
                event::unbind(0, unbinder));
}

inline scenario early_kill_task() {
    auto b = base();
    b.process(early, "early", {.mce_kill_early = true}).map(early, file_a, 0, 16, 0x7f3000000000, {5});
    return make("early_kill_task", "Unbind; a PR_MCE_KILL_EARLY task maps page 5 of A.", b, event::unbind(0, unbinder));
}

inline scenario multi_threaded_task() {
    auto b = base();
    b.process(1004, "mt").thread(1004, 1005, "mt-worker", {.mce_kill_early = true}).map(1004, file_a, 2, 1, 0x7f4000002000);
    return make("multi_threaded_task",
                "Unbind; process mt maps page 2 of A, and only its second thread set PR_MCE_KILL_EARLY.", b,
                event::unbind(0, unbinder));
}

/// Every scenario above, in a fixed order.
inline std::vector<scenario> behavior_table() {
    return {unbind_mapped_files(), poison_one_page(),      metadata_in_range(),     log_on_separate_device(),
            realtime_device(),     no_rmapbt(),            not_sb_born(),           inode_not_in_core(),
            non_dax_file(),        frozen_by_userspace(),  frozen_by_kernel_holder(), kernel_holder_thaws_later(),
            already_shut_down(),   early_kill_task(),      multi_threaded_task()};
}

}  // namespace daxfail::scenarios

#endif
