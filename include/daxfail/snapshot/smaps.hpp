// Reads, per VMA, FilePmdMapped (file pages mapped by 2 MiB PMD entries) and the VM_NOHUGEPAGE flag from
// /proc/PID/smaps.
#ifndef DAXFAIL_SNAPSHOT_SMAPS_HPP
#define DAXFAIL_SNAPSHOT_SMAPS_HPP

#include <daxfail/snapshot/proc_maps.hpp>
#include <daxfail/snapshot/root_files.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>

namespace daxfail::snapshot {

struct smaps_entry {
    std::optional<std::uint64_t> file_pmd_bytes;  ///< FilePmdMapped, when the kernel shows it
    bool no_hugepage = false;                      ///< "nh" in VmFlags (madvise MADV_NOHUGEPAGE): never PMD-mapped
    friend bool operator==(const smaps_entry&, const smaps_entry&) = default;
};

/// vm_start -> what smaps says of that VMA (empty when smaps cannot be read).
inline std::map<std::uint64_t, smaps_entry> read_smaps(unsigned pid, const std::string& root = "/") {
    std::map<std::uint64_t, smaps_entry> out;
    const auto text = read_text(under(root, "/proc/" + std::to_string(pid) + "/smaps"));
    if (!text) return out;
    std::istringstream lines(*text);
    smaps_entry* current = nullptr;
    for (std::string line; std::getline(lines, line);) {
        // A key line is "Name:   value kB"; a VMA header starts with the hex range.
        const auto colon = line.find(':'), space = line.find(' ');
        if (colon != std::string::npos && (space == std::string::npos || colon < space)) {
            if (!current) continue;
            std::istringstream v(line.substr(colon + 1));
            if (line.rfind("FilePmdMapped:", 0) == 0) {
                std::uint64_t kib = 0;
                if (v >> kib) current->file_pmd_bytes = kib * 1024;
            } else if (line.rfind("VmFlags:", 0) == 0) {
                for (std::string flag; v >> flag;) current->no_hugepage |= flag == "nh";
            }
            continue;
        }
        if (auto e = parse_maps_line(line)) current = &out[e->start];
    }
    return out;
}

}  // namespace daxfail::snapshot

#endif
