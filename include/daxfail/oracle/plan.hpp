// Turns a model scenario into a plan for the oracle's guest, when a real
// machine can express it: one fsdax namespace holding an rmapbt XFS, DAX files
// in core, single-threaded tasks mapping them, and an unbind or a
// madvise(MADV_HWPOISON). The guest builds the files itself, so the kernel
// chooses the blocks; the model is then run on the layout the guest reports.
#ifndef DAXFAIL_ORACLE_PLAN_HPP
#define DAXFAIL_ORACLE_PLAN_HPP

#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace daxfail::oracle {

/// The plan, or nullopt with `why` saying what the guest cannot express.
inline std::optional<nlohmann::ordered_json> plan_from_scenario(const scenario& s, std::string& why) {
    using json = nlohmann::ordered_json;
    const world& w = s.world;
    auto no = [&](std::string reason) -> std::optional<json> {
        why = std::move(reason);
        return std::nullopt;
    };
    if (w.devices.size() != 1 || w.mp.log || w.mp.rt) return no("needs more than one pmem device");
    if (!w.mp.data.has_rmapbt) return no("a filesystem without rmapbt (not yet in the guest)");
    if (w.mp.data.target.part_off != 0) return no("a partitioned namespace");
    if (w.mp.data.target.nr_bytes != w.devices[0].size || w.mp.data.blocks * w.mp.blocksize != w.mp.data.target.nr_bytes)
        return no("a filesystem smaller than its namespace (mkfs uses it all)");
    if (!w.mp.sb.born || w.mp.sb.freeze_in_progress || !w.mp.sb.holds.empty()) return no("freeze or mount state");
    if (w.mp.shutdown_flags != 0 || w.mp.reflink || !w.hwpoison.empty()) return no("prior shutdown, reflink or poison");
    json plan;
    plan["name"] = s.name;
    plan["early_kill_sysctl"] = w.early_kill_sysctl;
    plan["files"] = json::array();
    std::map<u64, std::string> names;
    u64 total_pages = 0;
    for (const auto& [ino, ip] : w.inodes) {
        if (!ip.dax || !ip.in_core || ip.reclaiming || ip.realtime) return no("a file that is not an in-core DAX file");
        if (ip.size % page_size) return no("a file size that is not whole pages");
        total_pages += ip.size / page_size;
        if (total_pages > (u64{1} << 16)) return no("more file data than the guest's 1 GiB namespace holds comfortably");
        names[ino] = ip.name.empty() ? "f" + std::to_string(ino) : ip.name;
        plan["files"].push_back({{"name", names[ino]}, {"pages", ip.size / page_size}});
    }
    plan["tasks"] = json::array();
    std::optional<std::size_t> current_task;
    for (const auto& t : w.tasks) {
        if (t.threads.size() > 1) return no("a multi-threaded task (not yet in the guest)");
        const bool is_current = t.pid == s.event.current_tid;
        if (t.vmas.empty() && !(is_current && s.event.kind != event_kind::unbind)) continue;  // the unbinder is the guest
        if (!t.mm) return no("a kernel thread as current");
        json task = {{"comm", t.comm},
                     {"mce_kill", !t.threads[0].mce_process ? "default" : t.threads[0].mce_early ? "early" : "late"}};
        task["vmas"] = json::array();
        for (const auto& v : t.vmas) {
            json touch = json::array();
            for (u64 p : v.present) touch.push_back(p);
            task["vmas"].push_back({{"file", names.at(v.ino)}, {"pgoff", v.pgoff}, {"pages", v.pages},
                                    {"start", daxfail::detail::hex(v.start)}, {"touch", touch}});
        }
        if (is_current) current_task = plan["tasks"].size();
        plan["tasks"].push_back(task);
    }
    if (s.event.kind == event_kind::unbind) {
        plan["event"] = {{"kind", "unbind"}};
        return plan;
    }
    if (!s.event.madvise_vaddr || s.event.length != page_size || s.event.whole_range_notification || !current_task)
        return no("a memory failure other than one page poisoned with madvise by a mapping task");
    for (const auto& t : w.tasks)
        if (t.pid == s.event.current_tid)
            for (const auto& v : t.vmas) {
                const u64 a = *s.event.madvise_vaddr;
                if (a >= v.start && (a - v.start) / page_size < v.pages) {
                    plan["event"] = {{"kind", "madvise"}, {"task", *current_task}, {"file", names.at(v.ino)},
                                     {"page", v.pgoff + (a - v.start) / page_size}};
                    return plan;
                }
            }
    return no("madvise at an address current does not map");
}

}  // namespace daxfail::oracle

#endif
