// `daxfail snapshot`: writes a scenario file of the machine it runs on (the DAX XFS mounted now, the files
// its tasks map, and an unbind by the snapshot process), for "what would happen if I unbound this now?".
#ifndef DAXFAIL_CLI_SNAPSHOT_HPP
#define DAXFAIL_CLI_SNAPSHOT_HPP

#include <daxfail/snapshot/snapshot.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline const char* const usage_snapshot =
    "usage: daxfail snapshot [--mount DIR...] [-o FILE|DIR]\n"
    "\n"
    "Writes a scenario file of this machine: a mounted DAX XFS (geometry from its superblock), the files its\n"
    "tasks map (extents from FIEMAP), the tasks and their live mappings (/proc/PID/maps, pagemap, smaps), the\n"
    "early-kill sysctl, and an unbind of the pmem namespace by this process. Run it as root (pagemap, map_files\n"
    "and the block device need it). Then: daxfail compare --scenario FILE.\n"
    "  --mount DIR   the filesystem mounted on DIR (or holding DIR); repeatable. Default: every XFS mounted with\n"
    "                DAX on a pmem device.\n"
    "  -o FILE|DIR   write to FILE (default: standard output), or one DIR/<device>.json per filesystem when DIR\n"
    "                is an existing directory. Without a directory only the first filesystem is written.\n"
    "  --root DIR    read /proc, /sys and /dev under DIR instead of / (for tests).\n";

/// Exit status: 0 written, 2 bad arguments or nothing to snapshot.
inline int cmd_snapshot(const std::vector<std::string>& args) {
    daxfail::snapshot::options o;
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << usage_snapshot;
            return 0;
        }
        if (a == "--mount" || a == "-o" || a == "--output" || a == "--root") {
            if (i + 1 >= args.size()) {
                std::cerr << "daxfail snapshot: " << a << " needs a value\n" << usage_snapshot;
                return 2;
            }
            const std::string& v = args[++i];
            if (a == "--mount") o.mounts.push_back(v);
            else if (a == "--root") o.root = v;
            else out = v;
            continue;
        }
        // --mount takes several directories: anything that is not an option continues the list.
        if (!a.empty() && a[0] != '-' && i > 0 && !o.mounts.empty() && args[i - 1] != "-o" && args[i - 1] != "--root") {
            o.mounts.push_back(a);
            continue;
        }
        std::cerr << "daxfail snapshot: unknown argument '" << a << "'\n" << usage_snapshot;
        return 2;
    }
    const auto r = daxfail::snapshot::take_snapshots(o);
    for (const auto& w : r.warnings) std::cerr << "daxfail snapshot: warning: " << w << "\n";
    if (!r.errors.empty() || r.scenarios.empty()) {
        for (const auto& e : r.errors) std::cerr << "daxfail snapshot: " << e << "\n";
        if (r.errors.empty()) std::cerr << "daxfail snapshot: nothing to snapshot\n";
        return 2;
    }
    std::error_code ec;
    if (!out.empty() && std::filesystem::is_directory(out, ec)) {
        for (const auto& [name, doc] : r.scenarios) {
            const std::string path = (std::filesystem::path(out) / (name + ".json")).string();
            std::ofstream f(path);
            if (!(f << doc.dump(2) << "\n")) {
                std::cerr << "daxfail snapshot: cannot write " << path << "\n";
                return 2;
            }
            std::cerr << "daxfail snapshot: wrote " << path << "\n";
        }
        return 0;
    }
    for (std::size_t i = 1; i < r.scenarios.size(); ++i)
        std::cerr << "daxfail snapshot: also a DAX XFS on " << r.scenarios[i].first
                  << ", not written (give --mount, or -o DIR for one file each)\n";
    const std::string text = r.scenarios.front().second.dump(2) + "\n";
    if (out.empty() || out == "-") {
        std::cout << text;
        return 0;
    }
    std::ofstream f(out);
    if (!(f << text)) {
        std::cerr << "daxfail snapshot: cannot write " << out << "\n";
        return 2;
    }
    return 0;
}

}  // namespace daxfail::cli

#endif
