// Maps the places of validate() errors, which are world fields
// (mp.data.rmap[1][5].startblock, inodes[133].cache, tasks[2].threads[0].tid),
// back to the scenario-file fields they came from (inodes[1].extents[0].agbno,
// inodes[0].cached, tasks[2].pid), so that a file's errors point into the file:
// by the place's value and what the reader recorded while reading, never by its text.
#ifndef DAXFAIL_JSON_ERROR_PATHS_HPP
#define DAXFAIL_JSON_ERROR_PATHS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/validate.hpp>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace daxfail::json {

/// Where in the file an rmap record came from, in 12 bytes: a file of a million extents keeps a million of them.
struct record_origin {
    enum kind_t : u32 { extent, metadata, laid_out };
    kind_t kind;
    u32 item;  ///< inodes[item] or filesystem.metadata[item]
    u32 sub;   ///< extents[sub]
    std::string path() const {
        switch (kind) {
        case extent: return "inodes[" + std::to_string(item) + "].extents[" + std::to_string(sub) + "]";
        case metadata: return "filesystem.metadata[" + std::to_string(item) + "]";
        case laid_out: break;
        }
        return "inodes[" + std::to_string(item) + "].size";
    }
};

class error_paths {
public:
    /// Record (realtime section?, group, index in the group) came from `origin` in the file; records of one group
    /// are recorded in index order.
    void record(bool rt, u32 group, u64 index, record_origin origin) {
        auto& per_group = rt ? rt_ : data_;
        if (per_group.size() <= group) per_group.resize(group + 1);
        per_group[group].push_back({static_cast<u32>(index), origin});
    }
    /// Inode `ino` is the file's inodes[index].
    void inode(u64 ino, std::size_t index) { inode_index_[ino] = static_cast<u32>(index); }

    /// A validate() error at the scenario-file field its place came from.
    validation_error translate(validation_error e) const {
        if (e.other) e.reason.replace(e.other_at, e.other->path().size(), other_path(*e.other));
        e.path = path(e.where);
        return e;
    }

    /// The file's field for world place `at`.
    std::string path(const world_location& at) const {
        using where = world_location::object;
        const std::string field = at.field ? at.field : "";
        const auto dot = [](const std::string& f) { return f.empty() ? f : "." + f; };
        switch (at.what) {
        case where::record: return record_path(at) + dot(record_field(field));
        case where::inode: {
            auto it = inode_index_.find(at.index);
            const u64 i = it != inode_index_.end() ? it->second : at.index;
            return "inodes[" + std::to_string(i) + "]" + dot(field == "cache" ? "cached" : field);
        }
        case where::section:
        case where::target: return (at.rt ? "filesystem.realtime" : "filesystem.data") + dot(geometry_field(field, at.rt));
        case where::log: return "filesystem.log" + dot(field);
        case where::mount: return "filesystem" + dot(field);
        case where::event: return "event" + dot(field == "current_tid" ? "current" : field);
        case where::thread:  // threads[0] is the leader, given by pid; the file's threads start at 1
            if (at.sub == 0) return "tasks[" + std::to_string(at.index) + "].pid";
            return "tasks[" + std::to_string(at.index) + "].threads[" + std::to_string(at.sub - 1) + "]" + dot(field);
        default: return at.path();  // devices, tasks and mappings are where the file has them
        }
    }

    /// Where the records nobody recorded came from (the reader's standard metadata: one string, not millions).
    std::string unrecorded;
    /// What an error that names one of those records (a record overlapping it) calls them.
    std::string unrecorded_blocks;

private:
    /// The file's name for an rmap record's field.
    static std::string record_field(const std::string& f) {
        return f == "startblock" ? "agbno" : f == "blockcount" ? "blocks" : f;
    }
    /// The file's name for a section's field (its target's fields are the section's in the file).
    static std::string geometry_field(const std::string& f, bool rt) {
        if (f == "group_count") return rt ? "rg_count" : "ag_count";
        if (f == "group_blocks") return rt ? "rg_blocks" : "ag_blocks";
        if (f == "has_rmapbt") return rt ? "rtrmapbt" : "rmapbt";
        return f;
    }
    std::string record_path(const world_location& at) const {
        world_location record = at;
        record.field = nullptr;
        const auto origin = find(at.rt, at.index, at.sub);
        return origin ? origin->path() : !unrecorded.empty() ? unrecorded : record.path();
    }
    /// A record another one overlaps, as the overlap's reason names it.
    std::string other_path(const world_location& at) const {
        if (at.what == world_location::object::record && !find(at.rt, at.index, at.sub) && !unrecorded_blocks.empty())
            return unrecorded_blocks;
        return path(at);
    }

    struct entry {
        u32 index;  ///< in the group's records
        record_origin origin;
    };

    const record_origin* find(bool rt, u64 group, u64 index) const {
        const auto& per_group = rt ? rt_ : data_;
        if (group >= per_group.size()) return nullptr;
        const auto& v = per_group[group];
        auto it = std::lower_bound(v.begin(), v.end(), index, [](const entry& e, u64 i) { return e.index < i; });
        return it != v.end() && it->index == index ? &it->origin : nullptr;
    }

    std::vector<std::vector<entry>> data_, rt_;  ///< per group, by index
    std::unordered_map<u64, u32> inode_index_;
};

}  // namespace daxfail::json

#endif
