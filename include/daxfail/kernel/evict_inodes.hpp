// evict_inodes(sb) — fs/inode.c, from generic_shutdown_super when the
// filesystem is unmounted (Debian 6.1 and 6.12 read; v6.1 to v6.14): every
// inode nobody holds is evicted, truncate_inode_pages_final deletes its DAX
// entries and dax_disassociate_entry clears page->mapping of each entry's
// pages. After an unbind the removed device's struct pages are gone (pmem's
// release unmaps its memmap), so the first DAX entry left on that device is a
// fault in dax_disassociate_entry.
#ifndef DAXFAIL_KERNEL_EVICT_INODES_HPP
#define DAXFAIL_KERNEL_EVICT_INODES_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/outcome.hpp>

#include <string>
#include <string_view>

namespace daxfail::kernel {

/// How the detail of an oops in the umount after the event begins.
inline constexpr std::string_view umount_oops_prefix = "umount after the event: ";

/// Whether the run ended in an oops during the umount after the event (the event itself returned).
inline bool oopsed_during_umount(const outcome& o) {
    return o.end == end_state::oops && o.end_detail.rfind(umount_oops_prefix, 0) == 0;
}

/// The umount after the event: the tasks have exited, so every in-core inode is evicted.
inline void evict_inodes(detail::kernel_context& ctx) {
    auto& w = ctx.w;
    ctx.step("evict_inodes", w.mp.fsname + " (umount)");
    for (auto& [number, ip] : w.inodes) {
        const u64 ino = number;  // clang 14 cannot capture structured bindings
        if (!ip.in_core || ip.cache.empty()) continue;
        const std::size_t dev = ip.realtime && w.mp.rt ? w.mp.rt->target.device : w.mp.data.target.device;
        if (ip.dax && !w.devices[dev].alive)
            throw detail::stop_run{end_state::oops,
                                   std::string(umount_oops_prefix) + "truncate_inode_pages_final of ino " + std::to_string(ino) +
                                       ": its DAX entry at index " + std::to_string((*ip.cache.begin()).first) +
                                       " points into the struct pages of removed device " + w.devices[dev].name +
                                       ", dereferenced by dax_disassociate_entry"};
        ctx.step("truncate_inode_pages_final", [&] { return "ino " + std::to_string(ino) + ": entries dropped"; });
        ip.cache.clear();
    }
}

}  // namespace daxfail::kernel

#endif
