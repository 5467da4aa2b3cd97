// `daxfail snapshot`: writes a scenario file of the machine it runs on (the DAX XFS mounted now, the files
// its tasks map, and an unbind by the snapshot process), for "what would happen if I unbound this now?".
#ifndef DAXFAIL_CLI_SNAPSHOT_HPP
#define DAXFAIL_CLI_SNAPSHOT_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/snapshot/snapshot.hpp>
#include <daxfail/variant_names.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command snapshot_command() {
    using detail::completes;
    using detail::takes;
    return {.name = "snapshot",
            .summary = "write a scenario file of this machine (what would an unbind do now?)",
            .description =
                "Writes a scenario file of this machine: a mounted DAX XFS (geometry from its superblock), the files "
                "its tasks map (extents from FIEMAP), the tasks and their live mappings (/proc/PID/maps, pagemap, "
                "smaps), the early-kill sysctl, and an unbind of the pmem namespace by this process. Run it as root "
                "(pagemap, map_files and the block device need it). Then: daxfail compare --scenario FILE.",
            .options = {{.name = "--mount",
                         .arg = takes::some,
                         .metavar = "DIR...",
                         .help = "the filesystem mounted on DIR (or holding DIR); repeatable.",
                         .default_text = "every XFS mounted with DAX on a pmem device",
                         .completion = completes::dirs},
                        {.name = "--output",
                         .alias = "-o",
                         .arg = takes::one,
                         .metavar = "FILE|DIR",
                         .help = "write to FILE ('-': standard output), or one DIR/<device>.json per filesystem when "
                                 "DIR is an existing directory. Without a directory only the first filesystem is "
                                 "written.",
                         .default_text = "standard output",
                         .completion = completes::files},
                        {.name = "--root",
                         .arg = takes::one,
                         .metavar = "DIR",
                         .help = "read /proc, /sys and /dev under DIR instead of / (for tests).",
                         .default_text = "/",
                         .completion = completes::dirs}}};
}

/// Exit status: 0 written, 2 bad arguments or nothing to snapshot.
inline int cmd_snapshot(const std::vector<std::string>& args, const std::vector<variant_spec>& = {}) {
    int status = 0;
    const auto p = parse_or_exit(snapshot_command(), args, status);
    if (!p) return status;
    daxfail::snapshot::options o;
    o.mounts = p->values("--mount");
    if (p->has("--root")) o.root = p->value("--root");
    const std::string out = p->value("--output");
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
