// unmap_and_kill(to_kill, pfn, mapping, index, flags) — mm/memory-failure.c
// (v6.1 to v6.14): only when some victim has a live mapping, zap the aligned
// range in every process, then signal the victims.
#ifndef DAXFAIL_KERNEL_UNMAP_AND_KILL_HPP
#define DAXFAIL_KERNEL_UNMAP_AND_KILL_HPP

#include <daxfail/detail/context.hpp>
#include <daxfail/kernel/kill_proc.hpp>
#include <daxfail/kernel/unmap_mapping_range.hpp>

#include <algorithm>
#include <vector>

namespace daxfail::kernel {

inline void unmap_and_kill(detail::kernel_context& ctx, const std::vector<detail::to_kill>& victims, u64 pfn, u64 ino,
                           u64 index, int flags) {
    u64 size = 0;
    for (const auto& tk : victims) size = std::max(size, u64{1} << tk.size_shift);
    if (size != 0) unmap_mapping_range(ctx, ino, (index << page_shift) & ~(size - 1), size);
    kill_procs(ctx, victims, pfn, flags);
}

}  // namespace daxfail::kernel

#endif
