// kill_procs / kill_proc — mm/memory-failure.c (v6.1 to v6.14): log the send,
// then BUS_MCEERR_AR forced on `current` when the failure is action-required,
// BUS_MCEERR_AO to every other victim; si_addr_lsb is the mapping's shift.
#ifndef DAXFAIL_KERNEL_KILL_PROC_HPP
#define DAXFAIL_KERNEL_KILL_PROC_HPP

#include <daxfail/detail/context.hpp>

#include <string>
#include <vector>

namespace daxfail::kernel {

/// kill_proc for `pages` consecutive pages of one mapping (pfn, pfn + 1, ...), as the kernel does page by page.
inline void kill_proc(detail::kernel_context& ctx, const detail::to_kill& tk, u64 pfn, int flags, u64 pages = 1) {
    // One buffer for the line's text: the whole-device walk sends millions of these.
    auto& rest = ctx.scratch;
    rest.assign(": Sending SIGBUS to ").append(tk.comm).append(":").append(std::to_string(tk.tid));
    rest.append(" due to hardware memory corruption");
    ctx.log_pfn(log_level::err, pfn, rest, pages);
    const bool ar = (flags & mf::action_required) && tk.tid == ctx.ev.current_tid;
    const int code = ar ? si_code::bus_mceerr_ar : si_code::bus_mceerr_ao;
    ctx.step("kill_proc", [&] {
        return si_code::name(code) + " to " + tk.comm + ":" + std::to_string(tk.tid) + " at " + detail::hex(tk.addr) +
               (pages > 1 ? " (" + std::to_string(pages) + " pages)" : std::string{});
    });
    ctx.signal({tk.tid, tk.comm, sigbus, code, tk.addr, tk.size_shift, pages}, tk.mapping);
}

/// fsdax victims always have an address, so the forced-SIGKILL branch is unreachable.
inline void kill_procs(detail::kernel_context& ctx, const std::vector<detail::to_kill>& victims, u64 pfn, int flags,
                       u64 pages = 1) {
    for (const auto& tk : victims) kill_proc(ctx, tk, pfn, flags, pages);
}

}  // namespace daxfail::kernel

#endif
