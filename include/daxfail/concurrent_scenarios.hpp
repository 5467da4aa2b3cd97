// The concurrent scenarios of the catalog: the common setup of scenarios.hpp
// (pmem0, 4 AGs, files A = inode 133 and B = inode 134, the unbinder `sh`)
// with actors running alongside the event. `daxfail explore` without files
// explores these with every preset; examples/scenarios/concurrent/ holds them
// as files.
#ifndef DAXFAIL_CONCURRENT_SCENARIOS_HPP
#define DAXFAIL_CONCURRENT_SCENARIOS_HPP

#include <daxfail/actor.hpp>
#include <daxfail/builder.hpp>
#include <daxfail/scenarios.hpp>

#include <vector>

namespace daxfail::scenarios {

/// The common setup with nobody having touched a page yet.
inline world_builder untouched_base() { return base(false); }

inline scenario with_actors(scenario s, std::vector<actor> actors) {
    s.actors = std::move(actors);
    return s;
}

/// The shape of most concurrent scenarios: sh unbinds pmem0 while `actors` run (in the untouched common setup
/// unless a world is given).
inline scenario unbind_racing(std::string name, std::string description, std::vector<actor> actors,
                              const world_builder& b = untouched_base()) {
    return with_actors(make(std::move(name), std::move(description), b, event::unbind(0, unbinder)), std::move(actors));
}

inline scenario write_fault_during_unbind() {
    return unbind_racing(
        "write_fault_during_unbind",
        "Unbind while `writer` stores to page 5 of B, which it maps but has not touched. A write fault takes "
        "sb_start_pagefault, so while the pre-remove path holds its freeze the fault waits, and after the thaw "
        "it meets a shut-down filesystem and gets SIGBUS. A variant that does not freeze lets the fault map the "
        "page after the rmap walk passed B's extent: the task keeps a live mapping of the removed device.",
        {make_actor("writer", {steps::write_fault(writer, file_b, 5)})});
}

inline scenario read_fault_during_unbind() {
    return unbind_racing(
        "read_fault_during_unbind",
        "Unbind while `reader` loads page 3 of A, which it maps but has not touched. DAX read faults take no "
        "freeze protection (only the write-fault path calls sb_start_pagefault): a read between the revoke of A's pages and the FORCE_UMOUNT "
        "shutdown maps the page again, and the mapping outlives the device in every version that does not "
        "revoke after the shutdown.",
        {make_actor("reader", {steps::read_fault(reader, file_a, 3)})});
}

inline scenario kernel_holder_keeps_freeze() {
    return unbind_racing(
        "kernel_holder_keeps_freeze",
        "Unbind while online fsck (xfs_scrub) takes a kernel freeze and keeps it past the unbind. If scrub "
        "freezes first, v12 retries freeze_super every 100 ms for ever; the reviewed v12 returns -EBUSY and the "
        "merged version proceeds unfrozen. If the unbind freezes first, scrub's freeze gets -EBUSY.",
        {make_actor("xfs_scrub", {steps::freeze()})});
}

inline scenario kernel_holder_freezes_and_thaws() {
    return unbind_racing(
        "kernel_holder_freezes_and_thaws",
        "Unbind while online fsck freezes, works and thaws. A path that returns -EBUSY but still thaws the "
        "kernel holder drops scrub's freeze (the kernel counts holders and cannot tell whose it is), and "
        "scrub's own thaw then fails.",
        {make_actor("xfs_scrub", {steps::freeze(), steps::work(), steps::thaw()})});
}

inline scenario userspace_freezer_during_unbind() {
    return unbind_racing(
        "userspace_freezer_during_unbind",
        "Unbind while an administrator runs xfs_freeze -f and later xfs_freeze -u. The merged version thaws "
        "the userspace holder 'anyway' so that the mount can be unmounted, and the administrator's FITHAW "
        "then returns -EINVAL.",
        {make_actor("xfs_freeze", {steps::fifreeze(), steps::fithaw()})});
}

inline scenario memory_failure_during_unbind() {
    const auto b = base();
    return unbind_racing(
        "memory_failure_during_unbind",
        "Unbind racing a machine check that `reader`, which maps all of A, consumes on page 2 of A: two "
        "notifications for the same device, a pre-remove and a memory failure, each freezing, walking and "
        "signalling on its own.",
        {make_actor("mce", {steps::notify(event::machine_check(0, data_block_offset(b.build(), 1, 102), page_size,
                                                               reader))})},
        b);
}

inline scenario task_exits_during_unbind() {
    return unbind_racing(
        "task_exits_during_unbind",
        "Unbind while `reader`, which maps all of A, exits, and `writer` unmaps B. Mappings that go away are "
        "never signalled; the pre-remove path must not trip over them.",
        {make_actor("reader", {steps::exit(reader)}), make_actor("writer", {steps::munmap(writer, file_b)})}, base());
}

inline scenario two_memory_failures() {
    auto b = base();
    const world w = b.build();
    return with_actors(
        make("two_memory_failures",
             "Two madvise(MADV_HWPOISON) calls by reader on the same page of A race (two memory failures for one "
             "device): whichever comes second finds the page already poisoned.",
             b, event::madvise_hwpoison(0, data_block_offset(w, 1, 102), page_size, reader, reader_va + 2 * page_size)),
        {make_actor("reader_again", {steps::madvise_hwpoison(w, reader, file_a, 2)})});
}

/// Every concurrent scenario of the catalog.
inline std::vector<scenario> concurrent() {
    return {write_fault_during_unbind(),      read_fault_during_unbind(),     kernel_holder_keeps_freeze(),
            kernel_holder_freezes_and_thaws(), userspace_freezer_during_unbind(), memory_failure_during_unbind(),
            task_exits_during_unbind(),        two_memory_failures()};
}

}  // namespace daxfail::scenarios

#endif
