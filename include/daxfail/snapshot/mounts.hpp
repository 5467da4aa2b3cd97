// Parses /proc/self/mountinfo: which filesystems are mounted where, from which device, with which options.
#ifndef DAXFAIL_SNAPSHOT_MOUNTS_HPP
#define DAXFAIL_SNAPSHOT_MOUNTS_HPP

#include <daxfail/snapshot/root_files.hpp>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace daxfail::snapshot {

struct mount_entry {
    unsigned dev_major = 0, dev_minor = 0;
    std::string root;          ///< the directory of the filesystem mounted here (bind mounts)
    std::string mount_point;
    std::string fstype;
    std::string source;        ///< e.g. /dev/pmem0
    std::string super_options; ///< e.g. rw,attr2,dax=always,inode64,logbufs=8,...
    /// The value of option `key` in the superblock options ("" for a flag), nullopt if absent.
    std::optional<std::string> option(const std::string& key) const {
        std::istringstream in(super_options);
        for (std::string o; std::getline(in, o, ',');) {
            if (o == key) return std::string();
            if (o.rfind(key + "=", 0) == 0) return o.substr(key.size() + 1);
        }
        return std::nullopt;
    }
};

namespace detail {
/// mountinfo escapes space, tab, newline and backslash as \ooo.
inline std::string unescape_mount_field(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
            s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}
}  // namespace detail

/// One line of mountinfo: "id parent major:minor root mountpoint options [optional...] - fstype source superopts".
inline std::optional<mount_entry> parse_mountinfo_line(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    std::size_t sep = 6;
    while (sep < f.size() && f[sep] != "-") ++sep;
    if (f.size() < 6 || sep + 3 > f.size()) return std::nullopt;
    mount_entry m;
    const auto colon = f[2].find(':');
    if (colon == std::string::npos) return std::nullopt;
    try {
        m.dev_major = static_cast<unsigned>(std::stoul(f[2].substr(0, colon)));
        m.dev_minor = static_cast<unsigned>(std::stoul(f[2].substr(colon + 1)));
    } catch (...) {
        return std::nullopt;
    }
    m.root = detail::unescape_mount_field(f[3]);
    m.mount_point = detail::unescape_mount_field(f[4]);
    m.fstype = f[sep + 1];
    m.source = detail::unescape_mount_field(f[sep + 2]);
    if (sep + 3 < f.size()) m.super_options = f[sep + 3];
    return m;
}

/// Every mount seen by this process under `root`, in mount order.
inline std::vector<mount_entry> read_mounts(const std::string& root = "/") {
    return parse_lines(under(root, "/proc/self/mountinfo"), parse_mountinfo_line);
}

}  // namespace daxfail::snapshot

#endif
