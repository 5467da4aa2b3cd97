// Maps the paths of validate() errors, which name world fields
// ("mp.data.rmap[1][5].startblock", "inodes[133].cache", "tasks[2].threads[0].tid"),
// back to the scenario-file fields they came from ("inodes[1].extents[0].agbno",
// "inodes[0].cached", "tasks[2].pid"), so that a file's errors point into the file.
#ifndef DAXFAIL_JSON_ERROR_PATHS_HPP
#define DAXFAIL_JSON_ERROR_PATHS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/validate.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
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

    /// Rewrites a validate() error from world paths to the JSON paths it came from.
    validation_error translate(validation_error e) const {
        e.path = translate_text(e.path);
        e.reason = translate_text(e.reason);
        return e;
    }

    std::string translate_text(const std::string& s) const {
        std::string out;
        std::size_t i = 0;
        while (i < s.size()) {
            auto try_prefix = [&](const std::string& prefix) { return s.compare(i, prefix.size(), prefix) == 0; };
            if (try_prefix("mp.data.rmap[") || try_prefix("mp.rt.rmap[")) {
                const bool rt = try_prefix("mp.rt.rmap[");
                std::size_t j = i + (rt ? 11 : 13);
                const u64 g = read_index(s, j);
                j += 2;  // "]["
                const u64 k = read_index(s, j);
                j += 1;  // "]"
                const auto origin = find(rt, g, k);
                out += origin ? origin->path() : !unrecorded.empty() ? unrecorded : s.substr(i, j - i);
                std::string field;
                if (j < s.size() && s[j] == '.') {
                    std::size_t f = j + 1;
                    while (f < s.size() && (std::isalnum(static_cast<unsigned char>(s[f])) || s[f] == '_')) ++f;
                    field = s.substr(j + 1, f - j - 1);
                    j = f;
                    static const std::map<std::string, std::string> names = {
                        {"startblock", "agbno"}, {"blockcount", "blocks"}, {"owner", "owner"}};
                    auto n = names.find(field);
                    out += "." + (n != names.end() ? n->second : field);
                }
                i = j;
            } else if (try_prefix("inodes[")) {
                std::size_t j = i + 7;
                const u64 ino = read_index(s, j);
                j += 1;
                auto it = inode_index_.find(ino);
                out += it != inode_index_.end() ? "inodes[" + std::to_string(it->second) + "]" : s.substr(i, j - i);
                if (s.compare(j, 6, ".cache") == 0) {
                    out += ".cached";
                    j += 6;
                }
                i = j;
            } else if (try_prefix("mp.data.target.") || try_prefix("mp.data.")) {
                const bool target = try_prefix("mp.data.target.");
                out += "filesystem.data.";
                i += target ? 15 : 8;
                rename_geometry(s, i, out);
            } else if (try_prefix("mp.rt.target.") || try_prefix("mp.rt.")) {
                const bool target = try_prefix("mp.rt.target.");
                out += "filesystem.realtime.";
                i += target ? 13 : 6;
                rename_geometry(s, i, out, true);
            } else if (try_prefix("mp.log.")) {
                out += "filesystem.log.";
                i += 7;
            } else if (try_prefix("mp.blocksize")) {
                out += "filesystem.blocksize";
                i += 12;
            } else if (try_prefix("event.current_tid")) {
                out += "event.current";
                i += 17;
            } else if (try_prefix(".threads[")) {
                // threads[0] is the leader, given by pid; file threads start at 1.
                std::size_t j = i + 9;
                const u64 k = read_index(s, j);
                j += 1;
                if (k == 0) {
                    out += ".pid";
                    if (s.compare(j, 4, ".tid") == 0) j += 4;
                } else {
                    out += ".threads[" + std::to_string(k - 1) + "]";
                }
                i = j;
            } else {
                out += s[i++];
            }
        }
        return out;
    }

    static void rename_geometry(const std::string& s, std::size_t& i, std::string& out, bool realtime = false) {
        static const std::pair<const char*, const char*> data[] = {
            {"group_count", "ag_count"}, {"group_blocks", "ag_blocks"}, {"has_rmapbt", "rmapbt"}};
        static const std::pair<const char*, const char*> rt[] = {
            {"group_count", "rg_count"}, {"group_blocks", "rg_blocks"}, {"has_rmapbt", "rtrmapbt"}};
        for (const auto& [from, to] : realtime ? rt : data)
            if (s.compare(i, std::string(from).size(), from) == 0) {
                out += to;
                i += std::string(from).size();
                return;
            }
    }

    static u64 read_index(const std::string& s, std::size_t& j) {
        u64 v = 0;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) v = v * 10 + static_cast<u64>(s[j++] - '0');
        return v;
    }

    /// Where the records nobody recorded came from (the reader's standard metadata: one string, not millions).
    std::string unrecorded;

private:
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
