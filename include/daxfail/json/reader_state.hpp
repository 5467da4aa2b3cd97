// What the parts of the scenario reader share (the document, its errors, the
// world being built, where its records came from), what a read returns, and
// the documented limits of a scenario file.
#ifndef DAXFAIL_JSON_READER_STATE_HPP
#define DAXFAIL_JSON_READER_STATE_HPP

#include <daxfail/json/error_paths.hpp>
#include <daxfail/json/fields.hpp>
#include <daxfail/layout.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
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

/// What every part of the reader shares: the document, the errors, the world being built and where its parts
/// came from in the file.
class reader_state {
public:
    explicit reader_state(const nlohmann::json& doc) : doc_(&doc) {}

protected:
    const nlohmann::json& doc() const { return *doc_; }

    /// `path` (a field the file leaves out) took a default; `how` says from what.
    void derived(const nlohmann::json& obj, const std::string& path, const std::string& how) {
        const std::string key = path.substr(path.rfind('.') + 1);
        if (!obj.contains(key)) derived_[path] = key + " is not given, so " + how;
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

    const nlohmann::json* doc_;  ///< the document (during a streamed parse, the one being built)
    field_reader r_;
    world w_;
    scenario sc_;
    bool data_ok_ = false;
    bool rt_failed_ = false;
    error_paths paths_;
    std::map<std::string, std::string> derived_;  ///< defaulted field's path -> how its value was derived
    std::map<std::string, std::string> renamed_;  ///< a world field's path -> the file's word for it (touched)
};

}  // namespace detail

}  // namespace daxfail::json

#endif
