// Parses /proc/PID/maps: one line per VMA, "start-end perms offset major:minor inode path".
#ifndef DAXFAIL_SNAPSHOT_PROC_MAPS_HPP
#define DAXFAIL_SNAPSHOT_PROC_MAPS_HPP

#include <daxfail/snapshot/root_files.hpp>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace daxfail::snapshot {

/// One VMA as /proc/PID/maps shows it.
struct maps_entry {
    std::uint64_t start = 0, end = 0;  ///< [start, end) user addresses
    std::string perms;                 ///< "rw-s": 's' shared, 'p' private
    std::uint64_t offset = 0;          ///< file offset of `start` in bytes (vm_pgoff * page size)
    unsigned dev_major = 0, dev_minor = 0;  ///< st_dev of the mapped file's filesystem
    std::uint64_t inode = 0;           ///< 0 for anonymous mappings
    std::string path;                  ///< may end in " (deleted)"; empty when anonymous
    bool shared() const noexcept { return perms.size() == 4 && perms[3] == 's'; }
    std::uint64_t pages(std::uint64_t page_size = 4096) const noexcept { return (end - start) / page_size; }
    friend bool operator==(const maps_entry&, const maps_entry&) = default;
};

namespace detail {
inline std::optional<std::uint64_t> parse_hex(const std::string& s) {
    if (s.empty() || s.size() > 16) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        unsigned d;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else return std::nullopt;
        v = v * 16 + d;
    }
    return v;
}
inline std::optional<std::uint64_t> parse_dec(const std::string& s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}
}  // namespace detail

/// One line of /proc/PID/maps (also the VMA header lines of smaps); nullopt if it is not one.
inline std::optional<maps_entry> parse_maps_line(const std::string& line) {
    std::istringstream in(line);
    std::string range, perms, offset, dev, inode;
    if (!(in >> range >> perms >> offset >> dev >> inode)) return std::nullopt;
    const auto dash = range.find('-'), colon = dev.find(':');
    if (dash == std::string::npos || colon == std::string::npos || perms.size() != 4) return std::nullopt;
    maps_entry e;
    const auto start = detail::parse_hex(range.substr(0, dash)), end = detail::parse_hex(range.substr(dash + 1));
    const auto off = detail::parse_hex(offset), major = detail::parse_hex(dev.substr(0, colon)),
               minor = detail::parse_hex(dev.substr(colon + 1));
    const auto ino = detail::parse_dec(inode);
    if (!start || !end || !off || !major || !minor || !ino || *end < *start) return std::nullopt;
    e.start = *start;
    e.end = *end;
    e.perms = perms;
    e.offset = *off;
    e.dev_major = static_cast<unsigned>(*major);
    e.dev_minor = static_cast<unsigned>(*minor);
    e.inode = *ino;
    // The path is the rest of the line after the padding; it may contain spaces.
    std::string rest;
    std::getline(in, rest);
    const auto first = rest.find_first_not_of(' ');
    if (first != std::string::npos) e.path = rest.substr(first);
    return e;
}

/// Every VMA of process `pid` under `root` (empty if the process is gone or has no mm).
inline std::vector<maps_entry> read_maps(unsigned pid, const std::string& root = "/") {
    return parse_lines(under(root, "/proc/" + std::to_string(pid) + "/maps"), parse_maps_line);
}

}  // namespace daxfail::snapshot

#endif
