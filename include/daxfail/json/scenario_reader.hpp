// Reads a scenario file (the format is documented field by field in
// examples/scenarios/scenario.schema.json and in docs/scenario-format.md). Every problem
// is reported with the JSON path of the offending field and the reason, e.g.
//   tasks[2].vmas[0].ino: no inode 133 in the filesystem
// and a document with any error yields no scenario at all.
#ifndef DAXFAIL_JSON_SCENARIO_READER_HPP
#define DAXFAIL_JSON_SCENARIO_READER_HPP

#include <daxfail/actor.hpp>
#include <daxfail/builder.hpp>
#include <daxfail/detail/default_first_pfn.hpp>
#include <daxfail/detail/extents.hpp>
#include <daxfail/detail/hex.hpp>
#include <daxfail/json/error_paths.hpp>
#include <daxfail/json/fields.hpp>
#include <daxfail/json/parse.hpp>
#include <daxfail/layout.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/validate.hpp>
#include <daxfail/xfs_limits.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <fstream>
#include <map>
#include <set>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace daxfail::json {

/// Documented limits of a scenario file (docs/scenario-format.md, "Limits"); exceeding one is an error naming it.
inline constexpr std::size_t max_actors = 16;
inline constexpr std::size_t max_actor_steps = 64;
inline constexpr std::size_t max_devices = 256;
inline constexpr u32 max_groups = 65'536;  ///< per section: a PiB in 16 GiB AGs; mkfs.xfs makes far fewer
inline constexpr std::size_t max_errors = 1000;  ///< listed per file; the rest are counted
inline constexpr std::size_t max_inodes = 1'000'000;
inline constexpr std::size_t max_extents = 1'000'000;  ///< per inode, and metadata records
inline constexpr std::size_t max_tasks = 100'000;
inline constexpr std::size_t max_threads = 10'000;  ///< per task
inline constexpr std::size_t max_vmas = 65'530;     ///< per task: vm.max_map_count's default

/// Where the reader put a file given by its size alone (check --explain-layout prints it).
struct laid_out_file {
    using extent = layout_extent;
    u64 ino;
    std::string path;  ///< "inodes[3]"
    std::vector<extent> extents;
};

struct load_result {
    std::optional<scenario> value;
    std::vector<validation_error> errors;
    std::vector<laid_out_file> layout;  ///< files given by size alone, as laid out
    bool ok() const noexcept { return value.has_value(); }
};

namespace detail {

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

/// Reads one document; keeps where every world element came from, so that
/// errors found by validate() on the world can be reported at JSON paths.
class scenario_reader : public element_sink {
public:
    /// Reads `doc`; with streaming, `doc` is the document being parsed, whose inodes[] and tasks[] come as
    /// elements (element_sink) when the fields they depend on precede them in the file.
    explicit scenario_reader(const nlohmann::json& doc) : doc_(&doc) {}

    /// The parsed document, once the parse that streamed into this reader has ended.
    void rebind(const nlohmann::json& doc) { doc_ = &doc; }
    const nlohmann::json& doc() const { return *doc_; }

    load_result read() {
        load_result result;
        if (!r_.object(doc(), "(document)")) return finish(std::move(result));
        if (!doc().empty() && !doc().contains("devices") && !doc().contains("filesystem") && !doc().contains("event")) {
            // Another kind of JSON (a report, a plan): one line, not one per field.
            std::string keys;
            std::size_t listed = 0;
            for (const auto& item : doc().items())
                if (listed++ < 5) keys += (keys.empty() ? "" : ", ") + daxfail::detail::printable(item.key(), 40);
            r_.fail("(document)", "is not a scenario file: it has none of devices, filesystem and event (its fields: " +
                                      keys + (doc().size() > 5 ? ", ..." : "") + ")");
            return finish(std::move(result));
        }
        begin();
        if (!stopped_) {
            if (!streamed_inodes_) read_inodes();
            if (!streamed_tasks_) read_tasks();
        }
        phase(phase_top);  // read once the whole document is there: a file may give its name last
        r_.only_keys(doc(), "", {"name", "description", "devices", "filesystem", "inodes", "tasks",
                                "early_kill_sysctl", "hwpoison", "event", "actors", "$schema"});
        // Both optional (the schema says so): a file's name defaults to its stem (load_scenario_file).
        sc_.name = r_.string(doc(), "", "name", "").value_or("");
        sc_.description = r_.string(doc(), "", "description", "").value_or("");
        if (stopped_) return finish(std::move(result));
        phase(phase_rest);
        w_.early_kill_sysctl = r_.boolean(doc(), "", "early_kill_sysctl", false).value_or(false);
        bool all_poisoned = false;
        if (auto poison = r_.page_set(doc(), "", "hwpoison", all_poisoned, "none")) {
            if (all_poisoned) r_.fail("hwpoison", "must list pfns (numbers or {\"first\", \"pages\"} runs)");
            w_.hwpoison = *poison;
        }
        read_event();
        if (r_.errors.empty()) {
            for (auto& e : validate(w_, sc_.event))
                if (!maps_a_file_not_laid_out(e.where)) r_.errors.push_back(paths_.translate(e));
        }
        if (r_.errors.empty()) read_actors();
        if (r_.errors.empty()) {  // moved: at a million extents a copy is another 100 MiB
            sc_.world = std::move(w_);
            result.value = std::move(sc_);
        }
        return finish(std::move(result));
    }

    bool streams(const std::string& key, const nlohmann::json& root) override {
        if (key == "inodes" && root.contains("devices") && root.contains("filesystem")) {
            doc_ = &root;
            begin();
            streamed_inodes_ = true;
            return true;
        }
        if (key == "tasks" && streamed_inodes_) return streamed_tasks_ = true;
        return false;
    }

    void element(const std::string& key, std::size_t index, const nlohmann::json& value) override {
        if (stopped_) return;
        if (key == "inodes") {
            phase(phase_inodes);
            if (++inode_count_ <= max_inodes) read_inode(index, value);
        } else {
            phase(phase_tasks);
            if (++task_count_ <= max_tasks) read_task(index, value);
        }
    }

    void array_end(const std::string& key, std::size_t count) override {
        if (stopped_) return;
        if (key == "inodes") {
            phase(phase_inodes);
            if (count > max_inodes) over_limit("inodes", count, max_inodes, phase_inodes);
            else layout();
        } else if (count > max_tasks) {
            phase(phase_tasks);
            over_limit("tasks", count, max_tasks, phase_tasks);
        }
    }

private:
    /// The reader's phases, in the order a document's errors are listed whatever order its fields come in.
    enum phase_id : int { phase_top, phase_devices, phase_filesystem, phase_inodes, phase_tasks, phase_rest };

    /// From now on, errors belong to phase `p`.
    void phase(phase_id p) {
        if (phases_.empty() || phases_.back().second != p) phases_.push_back({r_.errors.size(), p});
    }

    /// Devices and filesystem: once, before anything that depends on them.
    void begin() {
        if (begun_) return;
        begun_ = true;
        phase(phase_devices);
        read_devices();
        if (!r_.errors.empty()) {  // everything below indexes devices
            stopped_ = true;
            return;
        }
        phase(phase_filesystem);
        read_filesystem();
    }

    /// Whether a validate() error is about a mapping of a file given by size that was not laid out because its
    /// section does not fit its device (an error of its own).
    bool maps_a_file_not_laid_out(const world_location& at) const {
        if (not_laid_out_.empty() || at.what != world_location::object::vma || at.index >= w_.tasks.size()) return false;
        const auto& vmas = w_.tasks[at.index].vmas;
        return at.sub < vmas.size() && not_laid_out_.count(vmas[at.sub].ino);
    }

    /// A streamed array beyond its limit: its elements' own errors give way to that one.
    void over_limit(const char* what, std::size_t count, std::size_t max, phase_id p) {
        limit_errors_.push_back({p, {what, std::to_string(count) + " " + what + "; the limit is " + std::to_string(max)}});
    }

    /// The errors in phase order (each phase's in the order found); with an error in the document's top level or
    /// its devices, only those (nothing after the devices was read in a way that can be trusted).
    void order_errors() {
        std::vector<std::pair<int, validation_error>> tagged;
        std::size_t seg = 0;
        for (std::size_t i = 0; i < r_.errors.size(); ++i) {
            while (seg + 1 < phases_.size() && phases_[seg + 1].first <= i) ++seg;
            const int p = phases_.empty() ? phase_top : phases_[seg].second;
            bool replaced = false;
            for (const auto& l : limit_errors_) replaced = replaced || l.first == p;
            if (!replaced) tagged.push_back({p, std::move(r_.errors[i])});
        }
        for (auto& l : limit_errors_) tagged.push_back(std::move(l));
        std::stable_sort(tagged.begin(), tagged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        bool early = false;
        for (const auto& t : tagged) early = early || t.first <= phase_devices;
        r_.errors.clear();
        for (auto& t : tagged)
            if (!early || t.first <= phase_devices) r_.errors.push_back(std::move(t.second));
    }

    /// The file's errors, one per defect: an error on a field the file does not have names the object that has
    /// it and says what the default was derived from, unless that object already has an error of its own (the
    /// default then only repeats it); identical errors are reported once.
    load_result finish(load_result r) {
        order_errors();
        r.layout = layout_;
        // The defaulted field an error path is in (the path itself or a prefix of it), by prefix lookups.
        auto derived_key = [&](const std::string& path) -> const std::pair<const std::string, std::string>* {
            for (std::size_t end = 1; end <= path.size(); ++end) {
                if (end < path.size() && path[end] != '.' && path[end] != '[') continue;
                if (auto it = derived_.find(path.substr(0, end)); it != derived_.end()) return &*it;
            }
            return nullptr;
        };
        std::set<std::string> plain;  // paths of errors on fields the file has
        for (const auto& e : r_.errors)
            if (!derived_key(e.path)) plain.insert(e.path);
        auto has_plain_under = [&](const std::string& parent) {
            if (plain.count(parent)) return true;
            for (const char* sep : {".", "["}) {
                auto it = plain.lower_bound(parent + sep);
                if (it != plain.end() && it->rfind(parent + sep, 0) == 0) return true;
            }
            return false;
        };
        std::vector<validation_error> out;
        std::set<std::pair<std::string, std::string>> seen;
        std::size_t more = 0;
        for (auto e : r_.errors) {
            if (auto it = renamed_.find(e.path); it != renamed_.end()) e.path = it->second;
            if (const auto* d = derived_key(e.path)) {
                const std::string parent = d->first.substr(0, d->first.rfind('.'));
                if (has_plain_under(parent)) continue;  // the default only repeats that error
                e.reason = d->second + ": " + e.reason;
                e.path = parent;
            }
            if (!seen.insert({e.path, e.reason}).second) continue;
            if (out.size() < max_errors) out.push_back(std::move(e));
            else ++more;
        }
        if (more) out.push_back({"(document)", "and " + std::to_string(more) + " more errors (at most " +
                                                   std::to_string(max_errors) + " are listed)"});
        r.errors = std::move(out);
        return r;
    }

    /// `path` (a field the file leaves out) took a default; `how` says from what.
    void derived(const nlohmann::json& obj, const std::string& path, const std::string& how) {
        const std::string key = path.substr(path.rfind('.') + 1);
        if (!obj.contains(key)) derived_[path] = key + " is not given, so " + how;
    }

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

    std::optional<std::size_t> device_index(const nlohmann::json& obj, const std::string& path, u64 fallback) {
        auto d = r_.number(obj, path, "device", fallback);
        if (!d) return std::nullopt;
        if (*d >= w_.devices.size()) {
            r_.fail(field_reader::at(path, "device"), "no device " + std::to_string(*d) + " (" +
                                                          std::to_string(w_.devices.size()) + " devices)");
            return std::nullopt;
        }
        return static_cast<std::size_t>(*d);
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
        if (fs.contains("log")) {
            const auto& log = fs["log"];
            const std::string lp = p + ".log";
            if (r_.object(log, lp)) {
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
        }
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
        if (data_ok_ && r_.boolean(data, dp, "standard_metadata", true).value_or(true)) {
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
        const auto& meta = r_.limited(r_.array(fs, p, "metadata"), p + ".metadata", max_extents, "metadata records");
        for (std::size_t i = 0; i < meta.size(); ++i) read_metadata(meta[i], i);
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

    bool check_group(bool rt, u64 group, const std::string& path) {
        if (rt && rt_failed_) return false;  // the realtime section's own error says why
        if (rt && !w_.mp.rt) {
            r_.fail(path, "the filesystem has no realtime device");
            return false;
        }
        const xfs_section& sec = rt ? *w_.mp.rt : w_.mp.data;
        if (!rt && !data_ok_) return false;
        if (group >= sec.group_count) {
            r_.fail(path, "no group " + std::to_string(group) + " (" + std::to_string(sec.group_count) + " groups)");
            return false;
        }
        return true;
    }

    void add_record(bool rt, u32 group, const rmap_record& rec, record_origin origin) {
        auto& sec = rt ? *w_.mp.rt : w_.mp.data;
        paths_.record(rt, group, sec.rmap[group].size(), origin);
        sec.rmap[group].push_back(rec);
    }

    void read_inodes() {
        phase(phase_inodes);
        const auto& inodes = r_.limited(r_.array(doc(), "", "inodes"), "inodes", max_inodes, "inodes");
        for (std::size_t i = 0; i < inodes.size(); ++i) read_inode(i, inodes[i]);
        layout();
    }

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

    std::optional<std::pair<bool, bool>> mce_flags(const nlohmann::json& j, const std::string& p) {
        auto k = r_.choice(j, p, "mce_kill", {"default", "early", "late"}, "default");
        if (!k) return std::nullopt;
        return std::pair{*k != "default", *k == "early"};
    }

    void read_tasks() {
        phase(phase_tasks);
        const auto& tasks = r_.limited(r_.array(doc(), "", "tasks"), "tasks", max_tasks, "tasks");
        for (std::size_t i = 0; i < tasks.size(); ++i) read_task(i, tasks[i]);
    }

    /// tasks[i].
    void read_task(std::size_t i, const nlohmann::json& j) {
        const std::string p = field_reader::at("tasks", i);
        if (!r_.object(j, p)) return;
        r_.only_keys(j, p, {"pid", "comm", "kernel_thread", "mm", "mce_kill", "threads", "vmas"},
                     {{"ino", "a mapping: tasks[].vmas[] items name the file they map"},
                      {"present", "a mapping: tasks[].vmas[].present"}});
        task t;
        const auto pid = r_.number(j, p, "pid", std::nullopt, 0x3FFFFFFFu);
        if (!pid) return;
        t.pid = static_cast<u32>(*pid);
        t.comm = r_.string(j, p, "comm", "task" + std::to_string(*pid)).value_or("");
        const bool kthread = r_.boolean(j, p, "kernel_thread", false).value_or(false);
        if (!kthread) t.mm = r_.number(j, p, "mm", *pid).value_or(*pid);
        const auto lead = mce_flags(j, p).value_or(std::pair{false, false});
        t.threads.push_back({t.pid, t.comm, lead.first, lead.second});
        const auto& threads = r_.limited(r_.array(j, p, "threads"), p + ".threads", max_threads, "threads");
        for (std::size_t k = 0; k < threads.size(); ++k) {
            const std::string tp = field_reader::at(p + ".threads", k);
            if (!r_.object(threads[k], tp)) continue;
            r_.only_keys(threads[k], tp, {"tid", "comm", "mce_kill"});
            const auto tid = r_.number(threads[k], tp, "tid", std::nullopt, 0x3FFFFFFFu);
            const auto flags = mce_flags(threads[k], tp);
            if (!tid || !flags) continue;
            t.threads.push_back({static_cast<u32>(*tid), r_.string(threads[k], tp, "comm", t.comm).value_or(""),
                                 flags->first, flags->second});
        }
        const auto& vmas = r_.limited(r_.array(j, p, "vmas"), p + ".vmas", max_vmas, "mappings (vm.max_map_count)");
        const std::string vmas_path = p + ".vmas";
        std::string vp;
        for (std::size_t k = 0; k < vmas.size(); ++k) {
            vp.assign(vmas_path).append("[").append(std::to_string(k)).append("]");
            if (!r_.object(vmas[k], vp)) continue;
            r_.only_keys(vmas[k], vp, {"ino", "pgoff", "pages", "start", "present", "touched", "pmd"},
                        {{"dirty", "the file: inodes[].dirty lists the pages whose DAX entries are dirty"},
                         {"cached", "the file: inodes[].cached lists the pages with DAX entries"},
                         {"mce_kill", "the task (tasks[].mce_kill) or one of its threads"}});
            const auto ino = r_.number(vmas[k], vp, "ino");
            const auto pgoff = r_.number(vmas[k], vp, "pgoff", 0);
            const auto pages = r_.number(vmas[k], vp, "pages");
            const auto start = r_.bytes(vmas[k], vp, "start");
            bool all = false, pmd_all = false;
            // "touched": the pages the task has faulted in, as one {"first", "pages"} run or a page list; the
            // same as present, in the words of someone describing what a program did.
            std::optional<page_set> present;
            if (vmas[k].contains("touched")) {
                renamed_[vp + ".present"] = vp + ".touched";
                if (vmas[k].contains("present")) r_.fail(vp + ".touched", "give present or touched, not both");
                present = r_.page_set(vmas[k], vp, "touched", all, "none");
            } else {
                present = r_.page_set(vmas[k], vp, "present", all, "all");
                derived(vmas[k], vp + ".present", "every page of the mapping is present");
            }
            const auto pmd = r_.page_set(vmas[k], vp, "pmd", pmd_all, "none");
            if (!ino || !pgoff || !pages || !start || !present || !pmd) continue;
            vma v{*ino, *pgoff, *pages, *start, {}};
            if (all && *pages && *pgoff + (*pages - 1) >= *pgoff)
                v.present.assign(*pgoff, *pgoff + *pages - 1, mapping_size::pte);
            for (const auto& r : *present) v.present.assign(r.first, r.last, mapping_size::pte);
            if (pmd_all && *pages && *pgoff + (*pages - 1) >= *pgoff)
                v.present.assign(*pgoff, *pgoff + *pages - 1, mapping_size::pmd);
            for (const auto& r : *pmd) {
                if (!all)
                    present->for_each_in(r.first, r.last, [&](const page_run<present_t>& both) {
                        r_.fail(vp + ".pmd", "page " + std::to_string(both.first) + " is in both present and pmd");
                    });
                v.present.assign(r.first, r.last, mapping_size::pmd);
            }
            // A PMD mapping means a 2 MiB entry in the file's address_space.
            if (auto f = w_.inodes.find(*ino); f != w_.inodes.end())
                for (const auto& r : v.present)
                    if (r.value == mapping_size::pmd)
                        f->second.cache.update(r.first, r.last, [](cache_entry& e) { e.pmd = true; });
            t.vmas.push_back(std::move(v));
        }
        w_.tasks.push_back(std::move(t));
    }

    void read_event() {
        if (!doc().contains("event")) {
            r_.fail("event", "is required");
            return;
        }
        if (auto ev = read_event_at(doc()["event"], "event")) sc_.event = *ev;
    }

    /// An event object at path `p` (the scenario's event, or a notify step's).
    std::optional<event> read_event_at(const nlohmann::json& e, const std::string& p) {
        if (!r_.object(e, p)) return std::nullopt;
        r_.only_keys(e, p, {"kind", "device", "current", "offset", "length", "inode", "page", "pages", "group", "agbno",
                            "blocks", "source", "mf_flags", "vaddr", "delivery", "umount_after"});
        const auto kind = r_.choice(e, p, "kind", {"unbind", "memory_failure"});
        const auto current = r_.number(e, p, "current", std::nullopt, 0xFFFFFFFFu);
        const auto data_dev = data_ok_ ? w_.mp.data.target.device : 0;
        const auto dev = device_index(e, p, data_dev);
        if (!kind || !current || !dev) return std::nullopt;
        event ev;
        ev.device = *dev;
        ev.current_tid = static_cast<u32>(*current);
        ev.umount_after = r_.boolean(e, p, "umount_after", false).value_or(false);
        if (*kind == "unbind") return ev;
        ev.kind = event_kind::memory_failure;
        const bool by_offset = e.contains("offset"), by_inode = e.contains("inode"), by_block = e.contains("group");
        if (int(by_offset) + int(by_inode) + int(by_block) != 1) {
            r_.fail(p, "a memory_failure needs exactly one location: offset (+ length), inode + page (+ pages), "
                       "or group + agbno (+ blocks)");
            return std::nullopt;
        }
        std::optional<u64> vaddr;
        if (by_offset) {
            const auto off = r_.bytes(e, p, "offset");
            const auto len = r_.bytes(e, p, "length", page_size);
            derived(e, p + ".length", "it is 4096 (one page)");
            if (!off || !len) return std::nullopt;
            ev.offset = *off;
            ev.length = *len;
        } else if (by_block) {
            const auto group = r_.number(e, p, "group", std::nullopt, 0xFFFFFFFFu);
            const auto agbno = r_.number(e, p, "agbno", std::nullopt, 0xFFFFFFFFu);
            const auto blocks = r_.number(e, p, "blocks", 1, 0xFFFFFFFFu);
            if (!group || !agbno || !blocks || !check_group(false, *group, p + ".group")) return std::nullopt;
            ev.offset = data_block_offset(w_, static_cast<u32>(*group), static_cast<u32>(*agbno));
            ev.length = *blocks * w_.mp.blocksize;
            ev.device = w_.mp.data.target.device;
        } else {
            const auto ino = r_.number(e, p, "inode");
            const auto page = r_.number(e, p, "page");
            const auto pages = r_.number(e, p, "pages", 1, 1u << 20);
            if (!ino || !page || !pages) return std::nullopt;
            if (*pages == 0) {
                r_.fail(p + ".pages", "must be at least 1");
                return std::nullopt;
            }
            if (auto f = w_.inodes.find(*ino); f != w_.inodes.end()) {
                const u64 file_pages = f->second.size / page_size + (f->second.size % page_size != 0);
                if (*page >= file_pages || *pages > file_pages - *page) {
                    r_.fail(e.contains("pages") ? p + ".pages" : p + ".page",
                            "pages " + std::to_string(*page) + ".." + std::to_string(*page + *pages - 1) +
                                " are beyond end of file (" + std::to_string(file_pages) + " pages)");
                    return std::nullopt;
                }
            }
            const auto located = locate(*ino, *page, p);
            if (!located) return std::nullopt;
            ev.device = located->first;
            ev.offset = located->second;
            ev.length = *pages * page_size;
            // The address of that page in current's mapping, for madvise.
            for (const auto& t : w_.tasks)
                for (const auto& th : t.threads)
                    if (th.tid == ev.current_tid)
                        for (const auto& v : t.vmas)
                            if (v.ino == *ino && *page >= v.pgoff && *page - v.pgoff < v.pages)
                                vaddr = v.start + ((*page - v.pgoff) << page_shift);
        }
        const auto source = r_.choice(e, p, "source", {"madvise", "machine_check", "raw"}, "madvise");
        if (!source) return std::nullopt;
        if (*source == "madvise") {
            ev.mf_flags = mf::count_increased | mf::sw_simulated;
            if (e.contains("vaddr")) vaddr = r_.bytes(e, p, "vaddr");
            if (!vaddr) {
                r_.fail(p + ".vaddr", "madvise needs the page's address in current's mapping (give vaddr, or an "
                                      "inode + page that current maps)");
                return std::nullopt;
            }
            ev.madvise_vaddr = vaddr;
        } else if (*source == "machine_check") {
            ev.mf_flags = mf::action_required;
        } else {
            ev.mf_flags = static_cast<int>(r_.number(e, p, "mf_flags", 0, 0xFF).value_or(0));
        }
        const auto delivery = r_.choice(e, p, "delivery", {"per_page", "range"}, "per_page");
        ev.whole_range_notification = delivery && *delivery == "range";
        return ev;
    }

    /// The concurrent actors (actor.hpp); read once the world and the event are known to be valid.
    void read_actors() {
        const auto& list = r_.array(doc(), "", "actors");
        if (list.size() > max_actors) {
            r_.fail("actors", std::to_string(list.size()) + " actors; at most " + std::to_string(max_actors) + " are explored");
            return;
        }
        std::vector<std::string> names{event_actor_name(sc_.event)};
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string p = field_reader::at("actors", i);
            if (!r_.object(list[i], p)) {
                sc_.actors.emplace_back();  // keeps sc_.actors[i] the i-th entry for the start conditions below
                continue;
            }
            r_.only_keys(list[i], p, {"name", "start", "steps"});
            actor a;
            a.name = r_.string(list[i], p, "name").value_or("");
            if (list[i].contains("name") && a.name.empty()) r_.fail(p + ".name", "must not be empty");
            else if (std::find(names.begin(), names.end(), a.name) != names.end() && !a.name.empty())
                r_.fail(p + ".name", "\"" + a.name + "\" is taken" +
                                         (a.name == names[0] ? " (the scenario's event runs as that actor)" : " by another actor"));
            names.push_back(a.name);
            const auto& steps = r_.array(list[i], p, "steps");
            if (steps.empty()) r_.fail(p + ".steps", "needs at least one step");
            if (steps.size() > max_actor_steps)
                r_.fail(p + ".steps", std::to_string(steps.size()) + " steps; at most " + std::to_string(max_actor_steps));
            for (std::size_t k = 0; k < steps.size() && k < max_actor_steps; ++k)
                if (auto st = read_actor_step(steps[k], field_reader::at(p + ".steps", k))) a.steps.push_back(*st);
            sc_.actors.push_back(std::move(a));
        }
        // Start conditions may name actors declared later.
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string p = field_reader::at("actors", i) + ".start";
            if (!list[i].is_object() || !list[i].contains("start")) continue;
            const auto& st = list[i]["start"];
            if (!r_.object(st, p)) continue;
            r_.only_keys(st, p, {"after", "step"});
            start_condition c;
            c.actor = r_.string(st, p, "after").value_or("");
            c.step = r_.string(st, p, "step", std::string{}).value_or("");
            if (st.contains("after") && std::find(names.begin(), names.end(), c.actor) == names.end())
                r_.fail(p + ".after", "no actor \"" + c.actor + "\" (actors: " + [&] {
                    std::string l;
                    for (const auto& n : names) l += (l.empty() ? "" : ", ") + n;
                    return l;
                }() + ")");
            else if (st.contains("after") && c.actor == sc_.actors[i].name)
                r_.fail(p + ".after", "an actor cannot wait for itself");
            sc_.actors[i].start = c;
        }
    }

    /// The task `pid` (by its pid), or null with an error at `path`.
    const task* actor_task(const nlohmann::json& j, const std::string& p) {
        const auto pid = r_.number(j, p, "pid", std::nullopt, 0xFFFFFFFFu);
        if (!pid) return nullptr;
        for (const auto& t : w_.tasks)
            if (t.pid == *pid) {
                if (!t.mm) {
                    r_.fail(p + ".pid", "task " + std::to_string(*pid) + " (" + t.comm + ") is a kernel thread: it maps nothing");
                    return nullptr;
                }
                return &t;
            }
        r_.fail(p + ".pid", "no task " + std::to_string(*pid));
        return nullptr;
    }

    std::optional<actor_step> read_actor_step(const nlohmann::json& j, const std::string& p) {
        if (!r_.object(j, p)) return std::nullopt;
        const auto op = r_.choice(j, p, "op", {"FIFREEZE", "FITHAW", "freeze", "thaw", "work", "fault", "munmap", "exit",
                                               "madvise_hwpoison", "notify"});
        if (!op) return std::nullopt;
        actor_step st;
        for (auto k : {actor_op::fifreeze, actor_op::fithaw, actor_op::freeze, actor_op::thaw, actor_op::work,
                       actor_op::fault, actor_op::munmap, actor_op::exit, actor_op::madvise_hwpoison, actor_op::notify})
            if (actor_op_name(k) == *op) st.op = k;
        switch (st.op) {
            case actor_op::fifreeze:
            case actor_op::fithaw:
            case actor_op::freeze:
            case actor_op::thaw:
            case actor_op::work: r_.only_keys(j, p, {"op"}); return st;
            case actor_op::exit: {
                r_.only_keys(j, p, {"op", "pid"});
                const task* t = actor_task(j, p);
                if (!t) return std::nullopt;
                st.pid = t->pid;
                return st;
            }
            case actor_op::munmap: {
                r_.only_keys(j, p, {"op", "pid", "inode"});
                const task* t = actor_task(j, p);
                const auto ino = r_.number(j, p, "inode");
                if (!t || !ino) return std::nullopt;
                bool maps = false;
                for (const auto& v : t->vmas) maps = maps || v.ino == *ino;
                if (!maps) {
                    r_.fail(p + ".inode", "task " + std::to_string(t->pid) + " maps no part of inode " + std::to_string(*ino));
                    return std::nullopt;
                }
                st.pid = t->pid;
                st.ino = *ino;
                return st;
            }
            case actor_op::fault:
            case actor_op::madvise_hwpoison: {
                const bool fault = st.op == actor_op::fault;
                if (fault) r_.only_keys(j, p, {"op", "pid", "inode", "page", "pages", "write"});
                else r_.only_keys(j, p, {"op", "pid", "inode", "page"});
                const task* t = actor_task(j, p);
                const auto ino = r_.number(j, p, "inode");
                const auto page = r_.number(j, p, "page");
                const auto pages = fault ? r_.number(j, p, "pages", 1, 1u << 20) : std::optional<u64>(1);
                st.write = fault && r_.boolean(j, p, "write", false).value_or(false);
                if (!t || !ino || !page || !pages) return std::nullopt;
                if (*pages == 0) {
                    r_.fail(p + ".pages", "must be at least 1");
                    return std::nullopt;
                }
                if (!w_.inodes.count(*ino)) {
                    r_.fail(p + ".inode", "no inode " + std::to_string(*ino) + " in the filesystem");
                    return std::nullopt;
                }
                if (!w_.inodes.at(*ino).dax) {
                    r_.fail(p + ".inode", "inode " + std::to_string(*ino) + " is not a DAX file: its faults do not reach the device");
                    return std::nullopt;
                }
                const vma* mapped = nullptr;
                for (const auto& v : t->vmas)
                    if (v.ino == *ino && *page >= v.pgoff && *page - v.pgoff < v.pages &&
                        *pages <= v.pages - (*page - v.pgoff))
                        mapped = &v;
                if (!mapped) {
                    r_.fail(p + ".page", "task " + std::to_string(t->pid) + " maps no range of inode " + std::to_string(*ino) +
                                             " holding pages " + std::to_string(*page) + ".." + std::to_string(*page + *pages - 1));
                    return std::nullopt;
                }
                // Extent by extent, not page by page: a step may cover 2^20 pages.
                for (u64 k = 0; k < *pages;) {
                    u64 run = 1;
                    const auto located = locate(*ino, *page + k, p, &run);
                    if (!located) return std::nullopt;
                    run = std::min(std::max<u64>(run, 1), *pages - k);
                    if (fault && st.write && shared_block(*located, run)) {
                        r_.fail(p + ".write", "page " + std::to_string(*page + k) +
                                                  " is in a shared (reflinked) extent: a write fault copies it, which is not modelled");
                        return std::nullopt;
                    }
                    k += std::max<u64>(run, 1);
                }
                st.pid = t->pid;
                st.ino = *ino;
                st.page = *page;
                st.pages = *pages;
                if (!fault) {
                    const auto located = locate(*ino, *page, p);
                    st.event = event::madvise_hwpoison(located->first, located->second - located->second % page_size,
                                                       page_size, t->threads.front().tid,
                                                       mapped->start + ((*page - mapped->pgoff) << page_shift));
                }
                return st;
            }
            case actor_op::notify: {
                r_.only_keys(j, p, {"op", "event"});
                if (!j.contains("event")) {
                    r_.fail(p + ".event", "is required");
                    return std::nullopt;
                }
                const std::size_t before = r_.errors.size();
                auto ev = read_event_at(j["event"], p + ".event");
                if (!ev || r_.errors.size() != before) return std::nullopt;
                for (auto& e : validate(w_, *ev)) {
                    if (e.where.what != world_location::object::event) continue;
                    auto t = paths_.translate(e);
                    {
                        t.path = p + ".event" + t.path.substr(5);
                        r_.errors.push_back(t);
                    }
                }
                st.event = *ev;
                return st;
            }
        }
        return std::nullopt;
    }

    /// Whether any of the `pages` pages from (device, byte) belongs to more than one file's extents.
    bool shared_block(const std::pair<std::size_t, u64>& at, u64 pages) {
        if (!all_extents_) {
            all_extents_.emplace();
            extents().for_each([&](u64, std::span<const daxfail::detail::file_extent> list) {
                for (const auto& e : list)
                    all_extents_->push_back({e.device, e.device_byte, e.device_byte + e.blocks * w_.mp.blocksize - 1});
            });
            std::sort(all_extents_->begin(), all_extents_->end());
            reach_.resize(all_extents_->size());
            for (std::size_t i = 0; i < reach_.size(); ++i) {
                const auto& [dev, first, last] = (*all_extents_)[i];
                reach_[i] = i > 0 && std::get<0>((*all_extents_)[i - 1]) == dev ? std::max(reach_[i - 1], last) : last;
            }
        }
        const u64 first = at.second, last = at.second + (pages << page_shift) - 1;
        const auto& list = *all_extents_;
        // The first extent on the device whose prefix reaches `first`; from there, those starting by `last`.
        auto lo = std::lower_bound(list.begin(), list.end(), std::tuple<std::size_t, u64, u64>{at.first, 0, 0});
        std::size_t i = static_cast<std::size_t>(lo - list.begin());
        auto hi_dev = std::upper_bound(list.begin(), list.end(), std::tuple<std::size_t, u64, u64>{at.first, u64_max, u64_max});
        const std::size_t end = static_cast<std::size_t>(hi_dev - list.begin());
        // reach_ is non-decreasing within the device: binary search for the first index reaching `first`.
        std::size_t a = i, b = end;
        while (a < b) {
            const std::size_t m = a + (b - a) / 2;
            if (reach_[m] >= first) b = m;
            else a = m + 1;
        }
        std::vector<std::pair<u64, u64>> hits;  // clipped to [first, last]
        for (std::size_t k = a; k < end && std::get<1>(list[k]) <= last; ++k)
            if (std::get<2>(list[k]) >= first)
                hits.push_back({std::max(first, std::get<1>(list[k])), std::min(last, std::get<2>(list[k]))});
        std::sort(hits.begin(), hits.end());
        for (std::size_t k = 1; k < hits.size(); ++k)
            if (hits[k].first <= hits[k - 1].second) return true;
        return false;
    }

    /// Every file's data-fork extents (detail::extent_index), built once: the world no longer changes while
    /// the actors are read.
    const daxfail::detail::extent_index& extents() {
        if (!extents_) extents_ = daxfail::detail::build_extent_index(w_);
        return *extents_;
    }

    /// Device and byte offset of page `page` of inode `ino`, from its extents; `run`, when given, receives how
    /// many pages from there on the same extent holds.
    std::optional<std::pair<std::size_t, u64>> locate(u64 ino, u64 page, const std::string& p, u64* run = nullptr) {
        if (!w_.inodes.count(ino)) {
            r_.fail(p + ".inode", "no inode " + std::to_string(ino) + " in the filesystem");
            return std::nullopt;
        }
        const u64 bs = w_.mp.blocksize;
        if (page > ((u64{1} << 63) >> page_shift)) {
            r_.fail(p + ".page", std::to_string(page) + " is beyond the largest file offset, 2^63 bytes");
            return std::nullopt;
        }
        const u64 byte = page << page_shift;
        const u64 block = byte / bs;
        const auto list = extents().of(ino);
        // The last extent starting at or before `block` (extents of one file do not overlap: validate() said so).
        auto it = std::upper_bound(list.begin(), list.end(), block,
                                   [](u64 b, const daxfail::detail::file_extent& e) { return b < e.file_block; });
        if (it != list.begin() && block - std::prev(it)->file_block < std::prev(it)->blocks) {
            const auto& e = *std::prev(it);
            if (run) *run = (((e.file_block + e.blocks) * bs) >> page_shift) - page;
            return std::pair{e.device, e.device_byte + (block - e.file_block) * bs + byte % bs};
        }
        r_.fail(p + ".page", "inode " + std::to_string(ino) + " has no block at page " + std::to_string(page));
        return std::nullopt;
    }

    const nlohmann::json* doc_;  ///< the document (during a streamed parse, the one being built)
    field_reader r_;
    world w_;
    scenario sc_;
    bool data_ok_ = false;
    bool rt_failed_ = false;
    error_paths paths_;
    std::map<std::string, std::string> derived_;  ///< defaulted field's path -> how its value was derived
    std::map<std::string, std::string> renamed_;  ///< a world field's path -> the file's word for it (touched)
    struct pending_file {
        u64 ino;
        std::size_t index;     ///< in inodes[]
        nlohmann::json element;  ///< inodes[index] (small: no extents), kept for its cached and dirty pages
    };
    std::vector<pending_file> pending_layout_;  ///< files given by size alone, laid out after the others
    std::set<u64> not_laid_out_;  ///< files given by size whose section does not fit its device
    bool begun_ = false, stopped_ = false, streamed_inodes_ = false, streamed_tasks_ = false;
    std::size_t inode_count_ = 0, task_count_ = 0;
    std::vector<std::pair<std::size_t, int>> phases_;  ///< (first error index, phase), in the order phases began
    std::vector<std::pair<int, validation_error>> limit_errors_;  ///< a streamed array over its limit
    std::vector<laid_out_file> layout_;
    std::optional<daxfail::detail::extent_index> extents_;  ///< built once, for locate() and shared_block()
    std::optional<std::vector<std::tuple<std::size_t, u64, u64>>> all_extents_;  ///< (device, first, last byte), sorted
    std::vector<u64> reach_;  ///< reach_[i]: the largest last byte of all_extents_[0..i] on the same device
};

}  // namespace detail

/// Reads a parsed document. Never throws: running out of memory on an absurd document is an error too.
inline load_result scenario_from_json(const nlohmann::json& doc) {
    try {
        return detail::scenario_reader(doc).read();
    } catch (const std::bad_alloc&) {
        load_result r;
        r.errors.push_back({"(document)", "describes more than fits in memory (see the documented limits)"});
        return r;
    } catch (const std::length_error&) {
        load_result r;
        r.errors.push_back({"(document)", "describes more than fits in memory (see the documented limits)"});
        return r;
    }
}

namespace detail {

/// Runs `parse(sink)` (which returns a parse_result) with a reader as the sink, then reads what is left.
template <class Parse>
load_result read_streamed(Parse parse) {
    try {
        static const nlohmann::json nothing_yet;
        scenario_reader reader(nothing_yet);
        auto parsed = parse(static_cast<element_sink*>(&reader));
        if (!parsed.errors.empty()) {
            load_result r;
            r.errors = std::move(parsed.errors);
            return r;
        }
        reader.rebind(parsed.doc);
        return reader.read();
    } catch (const std::bad_alloc&) {
    } catch (const std::length_error&) {
    }
    load_result r;
    r.errors.push_back({"(document)", "describes more than fits in memory (see the documented limits)"});
    return r;
}

}  // namespace detail

/// Parses and reads scenario text; a syntax error is reported with its line, column and field. The elements of
/// inodes[] and tasks[] are read as they are parsed (when devices and filesystem come before them, as in every
/// file daxfail writes), so the document never holds them all at once.
inline load_result scenario_from_text(const std::string& text) {
    return detail::read_streamed([&](element_sink* sink) { return parse_scenario_text(text, sink); });
}

/// Reads a scenario file; errors are prefixed with nothing, the caller names the file. A file
/// without a "name" is named after its stem.
inline load_result load_scenario_file(const std::string& path) {
    auto fail = [&](const std::string& reason) {
        load_result r;
        r.errors.push_back({"", reason});
        return r;
    };
    std::error_code ec;
    const std::filesystem::path fp(path);
    if (!std::filesystem::exists(fp, ec)) return fail("no such file");
    if (std::filesystem::is_directory(fp, ec)) return fail("is a directory");
    if (std::filesystem::is_regular_file(fp, ec)) {
        const auto size = std::filesystem::file_size(fp, ec);
        if (!ec && size > max_file_bytes)
            return fail("is " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(max_file_bytes) +
                        " bytes (1 GiB)");
    }
    if (std::filesystem::is_regular_file(fp, ec)) {  // read as it is parsed
        auto r = detail::read_streamed([&](element_sink* sink) { return parse_scenario_file(path, sink); });
        if (r.value && r.value->name.empty()) r.value->name = fp.stem().string();
        return r;
    }
    std::ifstream in(path, std::ios::binary);  // a pipe or a device: the text, up to the limit
    if (!in) return fail("cannot be opened");
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_file_bytes)
            return fail("is more than the limit of " + std::to_string(max_file_bytes) + " bytes (1 GiB)");
    }
    if (in.bad()) return fail("cannot be read");
    auto r = scenario_from_text(text);
    if (r.value && r.value->name.empty()) r.value->name = fp.stem().string();
    return r;
}

}  // namespace daxfail::json

#endif
