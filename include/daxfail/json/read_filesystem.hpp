// Reads devices[] and filesystem{} of a scenario file into the world: the
// devices, the mount's flags and freezes, the data and realtime sections, the
// external log, and the metadata records (standard ones and the file's own).
#ifndef DAXFAIL_JSON_READ_FILESYSTEM_HPP
#define DAXFAIL_JSON_READ_FILESYSTEM_HPP

#include <daxfail/builder.hpp>
#include <daxfail/detail/default_first_pfn.hpp>
#include <daxfail/detail/hex.hpp>
#include <daxfail/json/reader_state.hpp>
#include <daxfail/xfs_limits.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::json::detail {

inline std::optional<u64> owner_from_name(const std::string& s) {
    static const std::map<std::string, u64> names = {
        {"null", rmap_owner::null},   {"unknown", rmap_owner::unknown}, {"fs", rmap_owner::fs},
        {"log", rmap_owner::log},     {"ag", rmap_owner::ag},           {"inobt", rmap_owner::inobt},
        {"inodes", rmap_owner::inodes}, {"refc", rmap_owner::refc},     {"cow", rmap_owner::cow}};
    auto it = names.find(s);
    if (it == names.end()) return std::nullopt;
    return it->second;
}

inline std::optional<u32> shutdown_from_name(const std::string& s) {
    if (s == "none") return 0u;
    for (const auto& [flag, name] : shutdown_flag::names)
        if (s == name) return flag;
    return std::nullopt;
}

/// devices[] and filesystem: the devices, the mount, its sections, log and metadata records.
class filesystem_reader : protected reader_state {
public:
    using reader_state::reader_state;

protected:
    void read_devices() {
        const auto& devs = r_.limited(r_.array(doc(), "", "devices"), "devices", max_devices, "devices");
        // An array of the wrong type or beyond the limit was reported already.
        const bool given_empty = !doc().contains("devices") || (doc()["devices"].is_array() && doc()["devices"].empty());
        if (given_empty) r_.fail("devices", "needs at least one dax device");
        std::vector<bool> placed;  // first_pfn given, or defaulted already
        std::vector<std::pair<std::size_t, std::size_t>> defaulted;  // (device, its index in the file)
        for (std::size_t i = 0; i < devs.size(); ++i) {
            const std::string p = field_reader::at("devices", i);
            if (!r_.object(devs[i], p)) continue;
            r_.only_keys(devs[i], p, {"name", "size", "first_pfn", "alive", "has_holder", "holder_ops"});
            dax_device d;
            d.name = r_.string(devs[i], p, "name", "pmem" + std::to_string(i)).value_or("");
            d.size = r_.bytes(devs[i], p, "size").value_or(0);
            d.first_pfn = r_.number(devs[i], p, "first_pfn", u64{0}).value_or(0);
            if (!devs[i].contains("first_pfn")) defaulted.push_back({w_.devices.size(), i});
            placed.push_back(devs[i].contains("first_pfn"));
            d.alive = r_.boolean(devs[i], p, "alive", true).value_or(true);
            d.has_holder = r_.boolean(devs[i], p, "has_holder", true).value_or(true);
            d.holder_ops = r_.boolean(devs[i], p, "holder_ops", true).value_or(true);
            w_.devices.push_back(d);
        }
        for (const auto& [d, i] : defaulted) {
            w_.devices[d].first_pfn = daxfail::detail::default_first_pfn(w_.devices, placed, d);
            placed[d] = true;
            derived(devs[i], field_reader::at("devices", i) + ".first_pfn",
                    "it is " + daxfail::detail::hex(w_.devices[d].first_pfn) + " (" +
                        std::string(daxfail::detail::default_first_pfn_rule) + ")");
        }
    }

    /// data or realtime section: geometry, target, rmapbt flag.
    bool read_section(const nlohmann::json& s, const std::string& p, xfs_section& out, const char* count_key,
                      const char* blocks_key, const char* rmap_key) {
        auto dev = device_index(s, p, 0);
        const auto part_off = r_.bytes(s, p, "part_off", 0);
        const auto count = r_.number(s, p, count_key, std::nullopt, 0xFFFFFFFFu);
        const auto gblocks = r_.number(s, p, blocks_key, std::nullopt, 0xFFFFFFFFu);
        if (!dev || !part_off || !count || !gblocks) return false;
        out.group_count = static_cast<u32>(*count);
        out.group_blocks = static_cast<u32>(*gblocks);
        out.blocks = r_.number(s, p, "blocks", *count * *gblocks).value_or(0);
        const u64 bytes_default =
            out.blocks <= u64_max / w_.mp.blocksize ? out.blocks * w_.mp.blocksize : u64_max;
        derived(s, field_reader::at(p, "blocks"), std::string("it is ") + count_key + " x " + blocks_key + " = " +
                                                       std::to_string(out.blocks));
        derived(s, field_reader::at(p, "nr_bytes"),
                std::string("it is ") + (s.contains("blocks") ? "blocks" : std::string("(") + count_key + " x " + blocks_key + ")") +
                    " x blocksize = " + std::to_string(bytes_default));
        out.target = {*dev, *part_off, r_.bytes(s, p, "nr_bytes", bytes_default).value_or(0)};
        out.has_rmapbt = r_.boolean(s, p, rmap_key, true).value_or(true);
        if (out.group_count == 0) {
            r_.fail(field_reader::at(p, count_key), "must be at least 1");
            return false;
        }
        if (out.group_count > max_groups) {
            r_.fail(field_reader::at(p, count_key), std::to_string(out.group_count) + " groups; the limit is " +
                                                        std::to_string(max_groups));
            return false;
        }
        out.rmap.assign(out.group_count, {});
        return true;
    }

    void read_filesystem() {
        const std::string p = "filesystem";
        if (!doc().contains("filesystem")) {
            r_.fail(p, "is required");
            return;
        }
        const auto& fs = doc()["filesystem"];
        if (!r_.object(fs, p)) return;
        r_.only_keys(fs, p, {"fsname", "blocksize", "reflink", "sb_born", "shutdown", "freeze_in_progress", "freeze",
                             "data", "log", "realtime", "metadata"});
        const u64 bs = r_.number(fs, p, "blocksize", 4096).value_or(4096);
        if (bs < 512 || bs > 65536 || (bs & (bs - 1)) != 0)
            r_.fail(p + ".blocksize", std::to_string(bs) + " is not a power of two between 512 and 65536");
        else
            w_.mp.blocksize = static_cast<u32>(bs);
        w_.mp.reflink = r_.boolean(fs, p, "reflink", false).value_or(false);
        w_.mp.sb.born = r_.boolean(fs, p, "sb_born", true).value_or(true);
        w_.mp.sb.freeze_in_progress = r_.boolean(fs, p, "freeze_in_progress", false).value_or(false);
        read_shutdown_and_freezes(fs, p);
        if (!fs.contains("data")) {
            r_.fail(p + ".data", "is required");
            return;
        }
        const auto& data = fs["data"];
        const std::string dp = p + ".data";
        if (!r_.object(data, dp)) return;
        r_.only_keys(data, dp, {"device", "part_off", "nr_bytes", "ag_count", "ag_blocks", "blocks", "rmapbt",
                                "standard_metadata"});
        data_ok_ = read_section(data, dp, w_.mp.data, "ag_count", "ag_blocks", "rmapbt");
        w_.mp.fsname = r_.string(fs, p, "fsname", w_.devices[w_.mp.data.target.device].name).value_or("");
        if (fs.contains("log")) read_log(fs["log"], p + ".log");
        if (fs.contains("realtime")) {
            const auto& rt = fs["realtime"];
            const std::string rp = p + ".realtime";
            if (r_.object(rt, rp)) {
                r_.only_keys(rt, rp, {"device", "part_off", "nr_bytes", "rg_count", "rg_blocks", "blocks", "rtrmapbt"});
                xfs_section sec;
                if (read_section(rt, rp, sec, "rg_count", "rg_blocks", "rtrmapbt")) w_.mp.rt = sec;
                else rt_failed_ = true;
            }
        }
        if (data_ok_ && r_.boolean(data, dp, "standard_metadata", true).value_or(true)) add_standard_metadata(data, dp);
        const auto& meta = r_.limited(r_.array(fs, p, "metadata"), p + ".metadata", max_extents, "metadata records");
        for (std::size_t i = 0; i < meta.size(); ++i) read_metadata(meta[i], i);
    }

    /// filesystem.shutdown and filesystem.freeze[].
    void read_shutdown_and_freezes(const nlohmann::json& fs, const std::string& p) {
        // One flag's name, or an array of them for a shutdown with several (XFS_IOC_GOINGDOWN NOLOGFLUSH).
        const auto shutdown_names = {"none", "meta_io_error", "log_io_error", "force_umount", "corrupt_incore",
                                     "corrupt_ondisk", "device_removed"};
        if (fs.contains("shutdown") && fs["shutdown"].is_array()) {
            const auto& flags = fs["shutdown"];
            for (std::size_t i = 0; i < flags.size(); ++i) {
                const auto flag = flags[i].is_string() ? shutdown_from_name(flags[i].get<std::string>()) : std::nullopt;
                if (!flag || *flag == 0) r_.fail(field_reader::at(p + ".shutdown", i), "is not a shutdown flag's name");
                else w_.mp.shutdown_flags |= *flag;
            }
        } else if (auto s = r_.choice(fs, p, "shutdown", shutdown_names, "none")) {
            w_.mp.shutdown_flags = *shutdown_from_name(*s);
        }
        const auto& freezes = r_.array(fs, p, "freeze");
        for (std::size_t i = 0; i < freezes.size(); ++i) {
            const std::string fp = field_reader::at(p + ".freeze", i);
            if (!r_.object(freezes[i], fp)) continue;
            r_.only_keys(freezes[i], fp, {"holder", "owner", "thaws_after_ms"});
            auto holder = r_.choice(freezes[i], fp, "holder", {"kernel", "userspace"});
            auto owner = r_.string(freezes[i], fp, "owner");
            if (!holder || !owner) continue;
            const auto who = *holder == "kernel" ? freeze_holder::kernel : freeze_holder::userspace;
            w_.mp.sb.holds.push_back({who, *owner});
            if (freezes[i].contains("thaws_after_ms"))
                if (auto ms = r_.number(freezes[i], fp, "thaws_after_ms")) w_.scheduled_thaws.push_back({who, *owner, *ms});
        }
    }

    /// filesystem.log: an external log on a device of its own.
    void read_log(const nlohmann::json& log, const std::string& lp) {
        if (!r_.object(log, lp)) return;
        r_.only_keys(log, lp, {"device", "part_off", "nr_bytes"});
        auto dev = device_index(log, lp, 0);
        const auto part_off = r_.bytes(log, lp, "part_off", 0);
        if (dev && part_off) {
            const u64 size = w_.devices[*dev].size;
            const u64 rest = size > *part_off ? size - *part_off : 0;
            // The largest log XFS takes, in whole blocks: a bigger device holds a log of that size.
            const u64 bs = w_.mp.blocksize;
            const u64 largest = std::min(xfs_limits::max_log_bytes / bs, xfs_limits::max_log_blocks) * bs;
            const u64 fallback = std::min(rest, largest);
            w_.mp.log = buftarg{*dev, *part_off, r_.bytes(log, lp, "nr_bytes", fallback).value_or(0)};
            derived(log, lp + ".nr_bytes",
                    "the log runs from part_off to the end of devices[" + std::to_string(*dev) +
                        "], or is the largest XFS log (" + std::to_string(largest) + " bytes) when that is less");
        }
    }

    /// The records filesystem.data.standard_metadata stands for (standard_metadata_records), unless group 0 is
    /// too small for them.
    void add_standard_metadata(const nlohmann::json& data, const std::string& dp) {
        // Group 0 holds the headers, an inode chunk and the internal log up to block 287.
        const u64 first_group = std::min<u64>(w_.mp.data.group_blocks, w_.mp.data.blocks);
        if (first_group < 288) {
            r_.fail(dp + (data.contains("blocks") && w_.mp.data.blocks < w_.mp.data.group_blocks ? ".blocks" : ".ag_blocks"),
                    "group 0 has " + std::to_string(first_group) +
                        " blocks, fewer than the 288 its headers, inode chunk and log take (standard_metadata)");
            data_ok_ = false;
        } else {
            // Not recorded one by one: a million groups would mean millions of copies of the same origin.
            paths_.unrecorded = dp + ".standard_metadata";
            paths_.unrecorded_blocks =
                "the blocks that filesystem.data.standard_metadata reserves (blocks 0.." +
                std::to_string(w_.mp.reflink ? 8 : 7) + " of every group for its headers, and " +
                (w_.mp.log ? std::string("blocks 16..31 of group 0 for inodes; the log is external")
                           : std::string("blocks 16..287 of group 0 for inodes and the log")) +
                ")";
            for (const auto& [g, rec] : standard_metadata_records(w_.mp.data.group_count, w_.mp.reflink, !w_.mp.log))
                w_.mp.data.rmap[g].push_back(rec);
        }
    }

    void read_metadata(const nlohmann::json& m, std::size_t index) {
        const std::string mp = field_reader::at("filesystem.metadata", index);
        if (!r_.object(m, mp)) return;
        r_.only_keys(m, mp, {"section", "group", "agbno", "blocks", "owner", "offset", "attr_fork", "bmbt_block"});
        auto section = r_.choice(m, mp, "section", {"data", "realtime"}, "data");
        const auto group = r_.number(m, mp, "group", std::nullopt, 0xFFFFFFFFu);
        const auto agbno = r_.number(m, mp, "agbno", std::nullopt, 0xFFFFFFFFu);
        const auto blocks = r_.number(m, mp, "blocks", std::nullopt, 0xFFFFFFFFu);
        std::optional<u64> owner;
        if (!m.contains("owner")) r_.fail(mp + ".owner", "is required");
        else if (m["owner"].is_string() && owner_from_name(m["owner"].get<std::string>()))
            owner = owner_from_name(m["owner"].get<std::string>());
        else if (auto n = field_reader::to_number(m["owner"], false).value; n && !rmap_owner::is_non_inode(*n))
            owner = n;
        else
            r_.fail(mp + ".owner", "must be an inode number or one of fs, log, ag, inobt, inodes, refc, cow, null, unknown");
        const auto offset = r_.number(m, mp, "offset", 0);
        const bool attr = r_.boolean(m, mp, "attr_fork", false).value_or(false);
        const bool bmbt = r_.boolean(m, mp, "bmbt_block", false).value_or(false);
        if (!section || !group || !agbno || !blocks || !owner || !offset) return;
        const bool rt = *section == "realtime";
        if (!check_group(rt, *group, mp + ".group")) return;
        add_record(rt, static_cast<u32>(*group),
                   {static_cast<u32>(*agbno), static_cast<u32>(*blocks), *owner, *offset, attr, bmbt},
                   {record_origin::metadata, static_cast<u32>(index), 0});
    }
};

}  // namespace daxfail::json::detail

#endif
