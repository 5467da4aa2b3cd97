// What happens to the world: a whole-device unbind, or a memory failure on a
// byte range of a device, and which thread is `current` while the kernel
// handles it.
#ifndef DAXFAIL_EVENT_HPP
#define DAXFAIL_EVENT_HPP

#include <daxfail/constants.hpp>

#include <cstddef>
#include <optional>

namespace daxfail {

enum class event_kind {
    unbind,          ///< echo <ns> > /sys/bus/nd/drivers/nd_pmem/unbind: kill_dax, then del_gendisk
    memory_failure,  ///< memory_failure() on every page of [offset, offset + length)
};

struct event {
    event_kind kind = event_kind::unbind;
    std::size_t device = 0;             ///< index into world::devices
    u64 offset = 0;                     ///< memory_failure: first byte on the device
    u64 length = 0;                     ///< memory_failure: bytes; each page is one memory_failure() call
    int mf_flags = 0;                   ///< memory_failure: flags passed by the caller
    u32 current_tid = 0;                ///< the thread running the kernel path
    std::optional<u64> madvise_vaddr;   ///< MADV_HWPOISON: user address of the first page
    /// memory_failure: one dax_holder_notify_failure for the whole range, as pmem's ->memory_failure would
    /// for nr_pages > 1 (no kernel caller does that up to v6.14; memory_failure() sends one page at a time).
    bool whole_range_notification = false;
    /// Afterwards the administrator unmounts the filesystem (its tasks gone): evict_inodes drops every DAX entry
    /// left, and an entry whose page belonged to a removed device oopses the kernel (kernel/evict_inodes.hpp).
    bool umount_after = false;
    friend bool operator==(const event&, const event&) = default;

    /// Writing the namespace name to nd_pmem's unbind file, from thread `tid`.
    static event unbind(std::size_t device, u32 tid) {
        event e;
        e.device = device;
        e.current_tid = tid;
        return e;
    }
    /// madvise(MADV_HWPOISON) by thread `tid`: memory_failure(pfn, MF_COUNT_INCREASED | MF_SW_SIMULATED).
    /// (6.12 also passes MF_ACTION_REQUIRED; the fsdax path forces it anyway, so nothing observable differs.)
    static event madvise_hwpoison(std::size_t device, u64 offset, u64 length, u32 tid, u64 vaddr) {
        event e;
        e.kind = event_kind::memory_failure;
        e.device = device;
        e.offset = offset;
        e.length = length;
        e.mf_flags = mf::count_increased | mf::sw_simulated;
        e.current_tid = tid;
        e.madvise_vaddr = vaddr;
        return e;
    }
    /// A machine check consumed by thread `tid` (action required).
    static event machine_check(std::size_t device, u64 offset, u64 length, u32 tid) {
        event e;
        e.kind = event_kind::memory_failure;
        e.device = device;
        e.offset = offset;
        e.length = length;
        e.mf_flags = mf::action_required;
        e.current_tid = tid;
        return e;
    }
};

}  // namespace daxfail

#endif
