// Reads inodes[] of a scenario file: each file's flags, extents (as rmap
// records whose origin is recorded), size and cached and dirty pages; files
// given by size alone are laid out (layout.hpp) after every explicit extent.
#ifndef DAXFAIL_JSON_READ_INODES_HPP
#define DAXFAIL_JSON_READ_INODES_HPP

#include <daxfail/json/read_filesystem.hpp>
#include <daxfail/layout.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::json::detail {

/// inodes[]: the files, their extents and cached pages; files given by size alone are laid out.
class inode_reader : protected filesystem_reader {
public:
    using filesystem_reader::filesystem_reader;

protected:
    /// inodes[i].
    void read_inode(std::size_t i, const nlohmann::json& j) {
        const std::string p = field_reader::at("inodes", i);
        if (!r_.object(j, p)) return;
        r_.only_keys(j, p, {"ino", "name", "dax", "in_core", "reclaiming", "realtime", "size", "extents", "cached",
                            "dirty"},
                     {{"present", "a mapping: tasks[].vmas[].present lists the pages a task has mapped"},
                      {"touched", "a mapping: tasks[].vmas[].touched lists the pages a task has faulted in"},
                      {"agbno", "an extent: inodes[].extents[] items have group, agbno, blocks, file_block"}});
        const auto ino = r_.number(j, p, "ino");
        if (!ino) return;
        if (rmap_owner::is_non_inode(*ino) || *ino == 0) {
            r_.fail(p + ".ino", "must be a positive inode number below 2^63");
            return;
        }
        if (w_.inodes.count(*ino)) {
            r_.fail(p + ".ino", "duplicate inode " + std::to_string(*ino));
            return;
        }
        paths_.inode(*ino, i);
        const std::size_t errors_before = r_.errors.size();  // an inode with an error of its own: no cache read
        inode ip;
        ip.name = r_.string(j, p, "name", "").value_or("");
        ip.dax = r_.boolean(j, p, "dax", true).value_or(true);
        ip.in_core = r_.boolean(j, p, "in_core", true).value_or(true);
        ip.reclaiming = r_.boolean(j, p, "reclaiming", false).value_or(false);
        ip.realtime = r_.boolean(j, p, "realtime", false).value_or(false);
        u64 end_block = 0;
        const auto& extents = r_.limited(r_.array(j, p, "extents"), p + ".extents", max_extents, "extents");
        std::vector<std::pair<u64, u64>> blocks;  // file block, count
        const std::string extents_path = p + ".extents";
        std::string ep;  // one buffer for every extent's path: a million extents, no million allocations
        for (std::size_t k = 0; k < extents.size(); ++k) {
            ep.assign(extents_path).append("[").append(std::to_string(k)).append("]");
            if (!r_.object(extents[k], ep)) continue;
            r_.only_keys(extents[k], ep, {"group", "agbno", "blocks", "file_block"});
            const auto group = r_.number(extents[k], ep, "group", std::nullopt, 0xFFFFFFFFu);
            const auto agbno = r_.number(extents[k], ep, "agbno", std::nullopt, 0xFFFFFFFFu);
            const auto count = r_.number(extents[k], ep, "blocks", std::nullopt, 0xFFFFFFFFu);
            const auto fb = r_.number(extents[k], ep, "file_block", end_block, u64{1} << 52);
            if (!group || !agbno || !count || !fb) continue;
            if (*fb + *count > (u64{1} << 63) / w_.mp.blocksize) {
                r_.fail(ep + ".file_block", "file_block + blocks reaches past the largest file offset, 2^63 bytes");
                continue;
            }
            if (!check_group(ip.realtime, *group, ep + ".group")) continue;
            add_record(ip.realtime, static_cast<u32>(*group),
                       {static_cast<u32>(*agbno), static_cast<u32>(*count), *ino, *fb, false, false},
                       {record_origin::extent, static_cast<u32>(i), static_cast<u32>(k)});
            end_block = std::max(end_block, *fb + *count);
            blocks.push_back({*fb, *count});
        }
        const u64 bs = w_.mp.blocksize;
        ip.size = r_.bytes(j, p, "size", end_block * bs).value_or(0);
        derived(j, p + ".size", "the file ends where its last extent ends (" + std::to_string(end_block * bs) + " bytes)");
        if (ip.in_core) derived(j, p + ".cached", "every page of the file's extents has a cached entry");
        w_.inodes[*ino] = std::move(ip);
        // Its cached and dirty pages would only repeat the inode's own error ("page 0 is not cached").
        if (r_.errors.size() != errors_before) return;
        // A file given by its size alone is laid out once every explicit extent is known (layout()).
        if (!j.contains("extents") && j.contains("size")) pending_layout_.push_back({*ino, i, j});
        else read_cache(j, p, w_.inodes[*ino], blocks);
    }

    /// "cached" and "dirty" of inode `ip`, whose data fork is `blocks` (file block, count).
    void read_cache(const nlohmann::json& j, const std::string& p, inode& ip, const std::vector<std::pair<u64, u64>>& blocks) {
        const u64 bs = w_.mp.blocksize;
        bool all = false;
        auto cached = r_.page_set(j, p, "cached", all, ip.in_core ? "all" : "none");
        if (cached) {
            if (all) {
                for (const auto& [fb, n] : blocks)
                    if (n) ip.cache.assign((fb * bs) >> page_shift, (((fb + n) * bs) >> page_shift) - 1, {});
            } else {
                for (const auto& r : *cached) ip.cache.assign(r.first, r.last, {});
            }
        }
        bool dirty_all = false;
        auto dirty = r_.page_set(j, p, "dirty", dirty_all, "none");
        if (dirty) {
            if (dirty_all) ip.cache.update(0, u64_max, [](cache_entry& e) { e.dirty = true; });
            std::size_t k = 0;
            for (const auto& r : *dirty) {
                if (auto gap = daxfail::detail::first_uncached(ip.cache, r.first, r.last))
                    r_.fail(field_reader::at(p + ".dirty", k), "page " + std::to_string(*gap) + " is not cached");
                else
                    ip.cache.update(r.first, r.last, [](cache_entry& e) { e.dirty = true; });
                ++k;
            }
        }
    }

    /// Lays out the files given by size alone (layout.hpp), in the order the file lists them, once every explicit
    /// extent and metadata record is known.
    void layout() {
        if (pending_layout_.empty() || !data_ok_) return;
        daxfail::layout lay(w_);
        for (const auto& pending : pending_layout_) {
            const std::string p = field_reader::at("inodes", pending.index);
            const auto r = lay.file(pending.ino, [&](bool rt, u32 g, std::size_t k, const layout_extent&) {
                paths_.record(rt, g, k, {record_origin::laid_out, static_cast<u32>(pending.index), 0});
            });
            if (r.failure) {
                layout_failed(pending.ino, p, r);
                continue;
            }
            std::vector<std::pair<u64, u64>> blocks;  // file block, count
            for (const auto& e : r.extents) blocks.push_back({e.file_block, e.blocks});
            layout_.push_back({pending.ino, p, r.extents});
            read_cache(pending.element, p, w_.inodes.at(pending.ino), blocks);
        }
    }

    /// Why inode `ino` at `p` was not laid out, as an error at its field (none when its section does not fit its
    /// device: validate() says so, and the file's mappings are then not looked at).
    void layout_failed(u64 ino, const std::string& p, const layout_result& r) {
        const inode& ip = w_.inodes.at(ino);
        const std::string section = ip.realtime ? "realtime" : "data";
        switch (*r.failure) {
        case layout_failure::no_realtime:
            r_.fail(p + ".realtime", "the filesystem has no realtime device to lay the file out on");
            break;
        case layout_failure::section_unfit: not_laid_out_.insert(ino); break;
        case layout_failure::too_big:
            r_.fail(p + ".size", std::to_string(ip.size) + " bytes do not fit: the " + section + " section has " +
                                     std::to_string((ip.realtime ? *w_.mp.rt : w_.mp.data).blocks) + " blocks");
            break;
        case layout_failure::fragmented:
            r_.fail(p + ".size", "laying it out takes more than " + std::to_string(max_extents) +
                                     " extents (the limit): the free space is too fragmented");
            break;
        case layout_failure::short_of_space:
            r_.fail(p + ".size", std::to_string(ip.size) + " bytes do not fit: the " + section + " section is " +
                                     std::to_string(r.short_by) + " blocks short of free space");
            break;
        }
    }

    struct pending_file {
        u64 ino;
        std::size_t index;     ///< in inodes[]
        nlohmann::json element;  ///< inodes[index] (small: no extents), kept for its cached and dirty pages
    };
    std::vector<pending_file> pending_layout_;  ///< files given by size alone, laid out after the others
    std::set<u64> not_laid_out_;  ///< files given by size whose section does not fit its device
    std::vector<laid_out_file> layout_;
};

}  // namespace daxfail::json::detail

#endif
