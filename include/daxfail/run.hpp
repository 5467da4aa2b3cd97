// Runs one event on one world under one variant and records the outcome.
//     auto o = daxfail::run<daxfail::presets::merged>(world, event);
// The model itself is compiled once (it runs on the variant's config), so a
// variant costs one constexpr object, not a copy of the kernel path.
#ifndef DAXFAIL_RUN_HPP
#define DAXFAIL_RUN_HPP

#include <daxfail/config.hpp>
#include <daxfail/detail/context.hpp>
#include <daxfail/detail/duration_text.hpp>
#include <daxfail/event.hpp>
#include <daxfail/kernel/del_gendisk.hpp>
#include <daxfail/kernel/evict_inodes.hpp>
#include <daxfail/kernel/get_user_pages_fast.hpp>
#include <daxfail/kernel/kill_dax.hpp>
#include <daxfail/kernel/memory_failure.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/validate.hpp>
#include <daxfail/variant.hpp>
#include <daxfail/world.hpp>

#include <algorithm>

namespace daxfail {

namespace detail {

inline void record_final_state(const world& w, const event& ev, outcome& out) {
    for (const auto& [ino, ip] : w.inodes)
        for (const auto& r : ip.cache) out.cache_entries_left.push_back({ino, r.first, r.pages(), r.value.dirty, r.value.pmd});
    for (const auto& t : w.tasks)
        for (const auto& v : t.vmas)
            for (const auto& r : v.present)
                out.live_mappings.push_back({t.pid, v.ino, r.first, v.start + ((r.first - v.pgoff) << page_shift),
                                             r.pages(), mapping_shift(r.value)});
    std::sort(out.live_mappings.begin(), out.live_mappings.end());
    out.shutdown_flags = w.mp.shutdown_flags;
    out.shutdown_reason = w.mp.shutdown_flags ? kernel::shutdown_reason(w.mp.shutdown_flags) : std::string{};
    out.freeze_holders_after = w.mp.sb.holds;
    out.device_alive = w.devices[ev.device].alive;
}

/// The event's kernel path on `ctx` (its world, its outcome): the unbind, or each memory_failure() call.
inline void run_event(kernel_context& ctx) {
    const event& ev = ctx.ev;
    world& state = ctx.w;
    outcome& out = ctx.out;
    if (ev.kind == event_kind::unbind) {
        kernel::kill_dax(ctx, ev.device);
        kernel::del_gendisk(ctx, ev.device);
        kernel::memunmap_pages(ctx, ev.device);
        out.entry_returns.push_back(0);  // the sysfs write succeeds whatever the holder said
    } else if (ev.whole_range_notification) {
        const u64 first = ev.offset >> page_shift;
        const u64 pages = ((ev.offset + ev.length - 1) >> page_shift) - first + 1;
        out.entry_returns.push_back(kernel::memory_failure_range(
            ctx, ev.device, state.devices[ev.device].first_pfn + first, pages, ev.mf_flags));
    } else {
        const u64 first = ev.offset >> page_shift;
        const u64 last = (ev.offset + ev.length - 1) >> page_shift;
        for (u64 page = first; page <= last; ++page) {
            const u64 pfn = state.devices[ev.device].first_pfn + page;
            if (ev.madvise_vaddr) {
                const u64 addr = *ev.madvise_vaddr + ((page - first) << page_shift);
                kernel::get_user_pages_fast(ctx, ev.device, ev.current_tid, addr);
                ctx.log(log_level::info, "Injecting memory failure for pfn " + hex(pfn) + " at process virtual address " +
                                             hex(addr));
            }
            out.entry_returns.push_back(kernel::memory_failure(ctx, ev.device, pfn, ev.mf_flags));
        }
    }
}

}  // namespace detail

/// Runs `ev` on a copy of `w` with the policy values in `cfg`. Throws
/// invalid_scenario when validate(w, ev) reports errors.
inline outcome run(const config& cfg, const world& w, const event& ev, const run_options& opts = {}) {
    if (auto errors = validate(w, ev); !errors.empty()) throw invalid_scenario(std::move(errors));
    world state = w;
    for (auto& g : state.mp.data.rmap) kernel::sort_rmap_group(g);
    if (state.mp.rt)
        for (auto& g : state.mp.rt->rmap) kernel::sort_rmap_group(g);
    outcome out;
    detail::kernel_context ctx{state, cfg, out, ev, opts};
    try {
        detail::run_event(ctx);
    } catch (const detail::stop_run& stop) {
        out.end = stop.end;
        out.end_detail = stop.detail;
    }
    if (out.end == end_state::spinning && out.cost.indices_walked > 0) {
        // How the walk would end if one waited: the same event without the patience (the model only visits
        // entries, so this costs what the entries cost).
        run_options patient = opts;
        patient.walk_patience = 0;
        const outcome all = run(cfg, w, ev, patient);
        out.end_detail += "; left alone it walks " + std::to_string(all.cost.indices_walked) + " indices in all (" +
                          detail::seconds_text(static_cast<double>(all.cost.indices_walked) / opts.index_rate) +
                          " at that rate), then " +
                          (all.end == end_state::returned ? std::string("returns") : end_state_name(all.end));
    }
    detail::record_final_state(state, ev, out);  // what the event left, before any umount
    if (ev.umount_after && out.end == end_state::returned) {
        try {
            kernel::evict_inodes(ctx);
        } catch (const detail::stop_run& stop) {
            out.end = stop.end;
            out.end_detail = stop.detail;
        }
    }
    return out;
}

/// Runs `ev` on `w` under the variant V (a preset or any policy combination).
template <variant_type V>
outcome run(const world& w, const event& ev, const run_options& opts = {}) {
    return run(V::config, w, ev, opts);
}

}  // namespace daxfail

#endif
