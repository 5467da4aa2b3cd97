// Writes a scenario in the file format that scenario_reader.hpp reads, so a
// scenario built in C++ can be saved, edited and run by the daxfail command.
// Reading what this writes gives the same world and event back.
#ifndef DAXFAIL_JSON_SCENARIO_WRITER_HPP
#define DAXFAIL_JSON_SCENARIO_WRITER_HPP

#include <daxfail/builder.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/scenario.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::json {

namespace detail {

inline nlohmann::ordered_json hex(u64 v) { return daxfail::detail::hex(v); }

inline std::string owner_name(u64 owner) {
    switch (owner) {
        case rmap_owner::null: return "null";
        case rmap_owner::unknown: return "unknown";
        case rmap_owner::fs: return "fs";
        case rmap_owner::log: return "log";
        case rmap_owner::ag: return "ag";
        case rmap_owner::inobt: return "inobt";
        case rmap_owner::inodes: return "inodes";
        case rmap_owner::refc: return "refc";
        case rmap_owner::cow: return "cow";
        default: return "";
    }
}

/// The flag's name; the name of each flag, as an array, when several are set.
inline nlohmann::ordered_json shutdown_name(u32 flags) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const auto& [flag, name] : shutdown_flag::names)
        if (flags & flag) all.push_back(std::string(name));
    if (all.empty()) return "none";
    if (all.size() == 1) return all[0];
    return all;
}

/// Runs as a page-set array: a lone page as its number, longer runs as {"first", "pages"}.
template <class V>
nlohmann::ordered_json page_runs(const run_map<V>& pages, bool hex = false) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& r : pages) {
        nlohmann::ordered_json first = hex ? nlohmann::ordered_json(detail::hex(r.first)) : nlohmann::ordered_json(r.first);
        if (r.first == r.last) out.push_back(first);
        else out.push_back({{"first", first}, {"pages", r.pages()}});
    }
    return out;
}

inline nlohmann::ordered_json page_set(const daxfail::page_set& pages, const daxfail::page_set& all) {
    if (pages.empty()) return "none";
    if (pages == all) return "all";
    return page_runs(pages);
}

inline std::string mce_kill(const thread& t) { return !t.mce_process ? "default" : t.mce_early ? "early" : "late"; }

inline bool is_file_record(const rmap_record& r) {
    return !rmap_owner::is_non_inode(r.owner) && !r.attr_fork && !r.bmbt_block;
}

}  // namespace detail

namespace detail {

/// The event object of a scenario (also a notify step's event).
inline nlohmann::ordered_json event_to_json(const event& ev) {
    using json = nlohmann::ordered_json;
    json e = {{"kind", ev.kind == event_kind::unbind ? "unbind" : "memory_failure"},
              {"device", ev.device},
              {"current", ev.current_tid}};
    if (ev.kind == event_kind::memory_failure) {
        e["offset"] = detail::hex(ev.offset);
        e["length"] = ev.length;
        if (ev.madvise_vaddr && ev.mf_flags == (mf::count_increased | mf::sw_simulated)) {
            e["source"] = "madvise";
            e["vaddr"] = detail::hex(*ev.madvise_vaddr);
        } else if (ev.mf_flags == mf::action_required && !ev.madvise_vaddr) {
            e["source"] = "machine_check";
        } else {
            e["source"] = "raw";
            e["mf_flags"] = ev.mf_flags;
        }
        if (ev.whole_range_notification) e["delivery"] = "range";
    }
    if (ev.umount_after) e["umount_after"] = true;
    return e;
}

inline nlohmann::ordered_json actor_to_json(const actor& a) {
    using json = nlohmann::ordered_json;
    json j = {{"name", a.name}};
    if (a.start) {
        json st = {{"after", a.start->actor}};
        if (!a.start->step.empty()) st["step"] = a.start->step;
        j["start"] = st;
    }
    json steps = json::array();
    for (const auto& st : a.steps) {
        json x = {{"op", std::string(actor_op_name(st.op))}};
        switch (st.op) {
            case actor_op::fault:
                x["pid"] = st.pid;
                x["inode"] = st.ino;
                x["page"] = st.page;
                if (st.pages != 1) x["pages"] = st.pages;
                x["write"] = st.write;
                break;
            case actor_op::madvise_hwpoison:
                x["pid"] = st.pid;
                x["inode"] = st.ino;
                x["page"] = st.page;
                break;
            case actor_op::munmap:
                x["pid"] = st.pid;
                x["inode"] = st.ino;
                break;
            case actor_op::exit: x["pid"] = st.pid; break;
            case actor_op::notify: x["event"] = event_to_json(st.event); break;
            default: break;
        }
        steps.push_back(x);
    }
    j["steps"] = steps;
    return j;
}

}  // namespace detail

namespace detail {

inline nlohmann::ordered_json devices_json(const world& w) {
    nlohmann::ordered_json devices = nlohmann::ordered_json::array();
    for (const auto& d : w.devices) {
        nlohmann::ordered_json j = {{"name", d.name}, {"size", d.size}, {"first_pfn", detail::hex(d.first_pfn)}};
        if (!d.alive) j["alive"] = false;
        if (!d.has_holder) j["has_holder"] = false;
        if (!d.holder_ops) j["holder_ops"] = false;
        devices.push_back(j);
    }
    return devices;
}

/// The data section's records that are not file data, less the standard set when it is all there
/// (`has_standard`: then written as the flag).
inline std::vector<std::pair<u32, rmap_record>> data_metadata(const xfs_mount& mp, bool& has_standard) {
    std::vector<std::pair<u32, rmap_record>> meta;
    for (u32 g = 0; g < mp.data.rmap.size(); ++g)
        for (const auto& r : mp.data.rmap[g])
            if (!detail::is_file_record(r)) meta.push_back({g, r});
    const auto standard = standard_metadata_records(mp.data.group_count, mp.reflink, !mp.log);
    has_standard = true;
    for (const auto& st : standard)
        if (std::find(meta.begin(), meta.end(), st) == meta.end()) {
            has_standard = false;
            break;
        }
    if (has_standard)
        for (const auto& st : standard) meta.erase(std::find(meta.begin(), meta.end(), st));
    return meta;
}

inline nlohmann::ordered_json metadata_record_json(const char* section, u32 g, const rmap_record& r) {
    using json = nlohmann::ordered_json;
    json m = {{"section", section}, {"group", g}, {"agbno", r.startblock}, {"blocks", r.blockcount}};
    const std::string name = detail::owner_name(r.owner);
    m["owner"] = name.empty() ? json(r.owner) : json(name);
    if (r.offset) m["offset"] = r.offset;
    if (r.attr_fork) m["attr_fork"] = true;
    if (r.bmbt_block) m["bmbt_block"] = true;
    return m;
}

/// filesystem{}: flags, freezes, sections, log and the metadata records that are not the standard set.
inline nlohmann::ordered_json filesystem_json(const world& w) {
    using json = nlohmann::ordered_json;
    const auto& mp = w.mp;
    json fs = {{"fsname", mp.fsname}, {"blocksize", mp.blocksize}, {"reflink", mp.reflink}, {"sb_born", mp.sb.born},
               {"shutdown", detail::shutdown_name(mp.shutdown_flags)}};
    if (mp.sb.freeze_in_progress) fs["freeze_in_progress"] = true;
    json freezes = json::array();
    for (const auto& h : mp.sb.holds) {
        json f = {{"holder", holder_name(h.holder)}, {"owner", h.owner}};
        for (const auto& t : w.scheduled_thaws)
            if (t.owner == h.owner && t.holder == h.holder) f["thaws_after_ms"] = t.at_ms;
        freezes.push_back(f);
    }
    if (!freezes.empty()) fs["freeze"] = freezes;
    bool has_standard = false;
    const auto meta = data_metadata(mp, has_standard);
    fs["data"] = {{"device", mp.data.target.device},
                  {"part_off", mp.data.target.part_off},
                  {"nr_bytes", mp.data.target.nr_bytes},
                  {"ag_count", mp.data.group_count},
                  {"ag_blocks", mp.data.group_blocks},
                  {"blocks", mp.data.blocks},
                  {"rmapbt", mp.data.has_rmapbt},
                  {"standard_metadata", has_standard}};
    if (mp.log) fs["log"] = {{"device", mp.log->device}, {"part_off", mp.log->part_off}, {"nr_bytes", mp.log->nr_bytes}};
    json metadata = json::array();
    for (const auto& [g, r] : meta) metadata.push_back(metadata_record_json("data", g, r));
    if (mp.rt) {
        fs["realtime"] = {{"device", mp.rt->target.device}, {"part_off", mp.rt->target.part_off},
                          {"nr_bytes", mp.rt->target.nr_bytes}, {"rg_count", mp.rt->group_count},
                          {"rg_blocks", mp.rt->group_blocks}, {"blocks", mp.rt->blocks},
                          {"rtrmapbt", mp.rt->has_rmapbt}};
        for (u32 g = 0; g < mp.rt->rmap.size(); ++g)
            for (const auto& r : mp.rt->rmap[g])
                if (!detail::is_file_record(r)) metadata.push_back(metadata_record_json("realtime", g, r));
    }
    if (!metadata.empty()) fs["metadata"] = metadata;
    return fs;
}

/// A file extent as the writer sees it: from its rmap record.
struct file_extent_record {
    u64 file_block;
    u32 group, agbno, blocks;
};

/// Each section's file records by owner, read once (not once per inode).
inline std::map<u64, std::vector<file_extent_record>> file_records_by_owner(const xfs_section& sec) {
    std::map<u64, std::vector<file_extent_record>> m;
    for (u32 g = 0; g < sec.rmap.size(); ++g)
        for (const auto& r : sec.rmap[g])
            if (detail::is_file_record(r)) m[r.owner].push_back({r.offset, g, r.startblock, r.blockcount});
    return m;
}

/// inodes[ino] `ip` with extents `exts` (in file order): file_block only where an extent does not follow the last,
/// cached as "all" when every page with a block is, dirty pages.
inline nlohmann::ordered_json inode_json(u64 ino, const inode& ip, const std::vector<file_extent_record>& exts,
                                         u32 blocksize) {
    using json = nlohmann::ordered_json;
    json extents = json::array();
    daxfail::page_set all_pages;
    u64 next = 0;
    for (const auto& e : exts) {
        json x = {{"group", e.group}, {"agbno", e.agbno}, {"blocks", e.blocks}};
        if (e.file_block != next) x["file_block"] = e.file_block;
        next = e.file_block + e.blocks;
        extents.push_back(x);
        if (e.blocks)
            all_pages.insert((e.file_block * blocksize) >> page_shift, (((e.file_block + e.blocks) * blocksize) >> page_shift) - 1);
    }
    daxfail::page_set cached, dirty;
    for (const auto& r : ip.cache) {
        cached.insert(r.first, r.last);
        if (r.value.dirty) dirty.insert(r.first, r.last);
    }
    json j = {{"ino", ino}, {"name", ip.name}, {"dax", ip.dax}, {"in_core", ip.in_core}, {"size", ip.size}};
    if (ip.reclaiming) j["reclaiming"] = true;
    if (ip.realtime) j["realtime"] = true;
    j["extents"] = extents;
    j["cached"] = detail::page_set(cached, all_pages);
    if (!dirty.empty()) j["dirty"] = detail::page_runs(dirty);
    return j;
}

inline nlohmann::ordered_json inodes_json(const world& w) {
    const auto& mp = w.mp;
    const auto data_exts = file_records_by_owner(mp.data);
    const auto rt_exts = mp.rt ? file_records_by_owner(*mp.rt) : std::map<u64, std::vector<file_extent_record>>{};
    nlohmann::ordered_json inodes = nlohmann::ordered_json::array();
    for (const auto& [ino, ip] : w.inodes) {
        const auto& owners = ip.realtime && mp.rt ? rt_exts : data_exts;
        auto found = owners.find(ino);
        auto exts = found == owners.end() ? std::vector<file_extent_record>{} : found->second;
        std::stable_sort(exts.begin(), exts.end(), [](const auto& a, const auto& b) { return a.file_block < b.file_block; });
        inodes.push_back(inode_json(ino, ip, exts, mp.blocksize));
    }
    return inodes;
}

/// A mapping: present as "all" when every page is, PMD pages apart.
inline nlohmann::ordered_json vma_json(const vma& v) {
    using json = nlohmann::ordered_json;
    daxfail::page_set all, present, pmd;
    if (v.pages) all.insert(v.pgoff, v.pgoff + v.pages - 1);
    for (const auto& r : v.present) (r.value == mapping_size::pmd ? pmd : present).insert(r.first, r.last);
    json vj = {{"ino", v.ino}, {"pgoff", v.pgoff}, {"pages", v.pages}, {"start", detail::hex(v.start)}};
    if (pmd.empty()) {
        vj["present"] = detail::page_set(present, all);
    } else {
        vj["present"] = present.empty() ? json("none") : detail::page_runs(present);
        vj["pmd"] = detail::page_runs(pmd);
    }
    return vj;
}

inline nlohmann::ordered_json tasks_json(const world& w) {
    using json = nlohmann::ordered_json;
    json tasks = json::array();
    for (const auto& t : w.tasks) {
        json j = {{"pid", t.pid}, {"comm", t.comm}};
        if (!t.mm) j["kernel_thread"] = true;
        else if (*t.mm != t.pid) j["mm"] = *t.mm;
        if (!t.threads.empty() && detail::mce_kill(t.threads[0]) != "default") j["mce_kill"] = detail::mce_kill(t.threads[0]);
        json threads = json::array();
        for (std::size_t k = 1; k < t.threads.size(); ++k) {
            json th = {{"tid", t.threads[k].tid}, {"comm", t.threads[k].comm}};
            if (detail::mce_kill(t.threads[k]) != "default") th["mce_kill"] = detail::mce_kill(t.threads[k]);
            threads.push_back(th);
        }
        if (!threads.empty()) j["threads"] = threads;
        json vmas = json::array();
        for (const auto& v : t.vmas) vmas.push_back(vma_json(v));
        if (!vmas.empty()) j["vmas"] = vmas;
        tasks.push_back(j);
    }
    return tasks;
}

}  // namespace detail

/// The scenario as a document, keys in reading order.
inline nlohmann::ordered_json scenario_to_json(const scenario& s) {
    const world& w = s.world;
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    doc["name"] = s.name;
    doc["description"] = s.description;
    doc["devices"] = detail::devices_json(w);
    doc["filesystem"] = detail::filesystem_json(w);
    doc["inodes"] = detail::inodes_json(w);
    doc["tasks"] = detail::tasks_json(w);
    if (w.early_kill_sysctl) doc["early_kill_sysctl"] = true;
    if (!w.hwpoison.empty()) doc["hwpoison"] = detail::page_runs(w.hwpoison, true);
    doc["event"] = detail::event_to_json(s.event);
    if (!s.actors.empty()) {
        nlohmann::ordered_json actors = nlohmann::ordered_json::array();
        for (const auto& a : s.actors) actors.push_back(detail::actor_to_json(a));
        doc["actors"] = actors;
    }
    return doc;
}

/// The scenario as indented JSON text, as the catalog files are written.
inline std::string scenario_to_text(const scenario& s) { return scenario_to_json(s).dump(2) + "\n"; }

}  // namespace daxfail::json

#endif
