// What validate() reports: the place in the world a problem is at, as a value
// (which device, section, rmap record, inode, task, thread, mapping or event
// field), the reason, and the place printed as a world path
//   tasks[2].vmas[0].ino: no inode 133 in the filesystem
// A scenario file's reader maps the place, not the printed path, to the field
// of the file it came from.
#ifndef DAXFAIL_VALIDATION_ERROR_HPP
#define DAXFAIL_VALIDATION_ERROR_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/join.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace daxfail {

/// A place in a world (world.hpp), down to a field.
struct world_location {
    enum class object : unsigned char {
        none,      ///< not in a world (an error of a file the world is read from)
        devices,   ///< the device list itself
        device,    ///< devices[index]
        mount,     ///< mp (blocksize)
        section,   ///< mp.data, or mp.rt when `rt`
        target,    ///< the section's buftarg: mp.data.target / mp.rt.target
        log,       ///< the external log's buftarg: mp.log
        record,    ///< rmap record `sub` of group `index` of the section
        inode,     ///< inodes[index]: index is the inode number
        task,      ///< tasks[index]
        thread,    ///< tasks[index].threads[sub]
        vma,       ///< tasks[index].vmas[sub]
        event,     ///< the event
    };
    object what = object::none;
    bool rt = false;
    u64 index = 0;
    u64 sub = 0;
    const char* field = nullptr;  ///< the field's name in the world (world.hpp); null: the object itself

    /// The same place, at `f`.
    world_location at(const char* f) const {
        world_location l = *this;
        l.field = f;
        return l;
    }

    /// The world path: "devices[1].size", "mp.data.rmap[0][3].startblock", "inodes[133].cache", ...
    std::string path() const {
        const std::string sec = rt ? "mp.rt" : "mp.data";
        std::string p;
        switch (what) {
        case object::none: return {};
        case object::devices: p = "devices"; break;
        case object::device: p = "devices[" + std::to_string(index) + "]"; break;
        case object::mount: p = "mp"; break;
        case object::section: p = sec; break;
        case object::target: p = sec + ".target"; break;
        case object::log: p = "mp.log"; break;
        case object::record: p = sec + ".rmap[" + std::to_string(index) + "][" + std::to_string(sub) + "]"; break;
        case object::inode: p = "inodes[" + std::to_string(index) + "]"; break;
        case object::task: p = "tasks[" + std::to_string(index) + "]"; break;
        case object::thread: p = "tasks[" + std::to_string(index) + "].threads[" + std::to_string(sub) + "]"; break;
        case object::vma: p = "tasks[" + std::to_string(index) + "].vmas[" + std::to_string(sub) + "]"; break;
        case object::event: p = "event"; break;
        }
        return field ? p + "." + field : p;
    }
};

struct validation_error {
    std::string path;
    std::string reason;
    world_location where{};  ///< the place `path` prints, for a validate() error
    /// A second place the reason names (a record another overlaps), printed at reason[other_at].
    std::optional<world_location> other{};
    std::size_t other_at = 0;

    /// "path: reason"; a problem of the whole file (it cannot be read) has no path.
    std::string to_string() const { return path.empty() ? reason : path + ": " + reason; }
    /// Equal when they read the same: the places are how they were found.
    friend bool operator==(const validation_error& a, const validation_error& b) {
        return a.path == b.path && a.reason == b.reason;
    }

    /// An error at `where` in a world.
    static validation_error in_world(const world_location& where, std::string reason) {
        return {where.path(), std::move(reason), where};
    }
    /// An error at `where` whose reason is `before`, the place `other`, then `after`.
    static validation_error in_world(const world_location& where, const std::string& before,
                                     const world_location& other, const std::string& after) {
        return {where.path(), before + other.path() + after, where, other, before.size()};
    }
};

/// Thrown by run() on a world or event that fails validation; what() lists every error.
class invalid_scenario : public std::invalid_argument {
public:
    explicit invalid_scenario(std::vector<validation_error> errors)
        : std::invalid_argument(join(errors)), errors_(std::move(errors)) {}
    const std::vector<validation_error>& errors() const noexcept { return errors_; }

private:
    static std::string join(const std::vector<validation_error>& errors) {
        return detail::join(errors, "\n", [](const validation_error& e) { return e.to_string(); });
    }
    std::vector<validation_error> errors_;
};

}  // namespace daxfail

#endif
