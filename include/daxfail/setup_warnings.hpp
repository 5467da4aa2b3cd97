// States a scenario describes that a variant's kernel cannot build, found
// without running it. Validation (validate.hpp) refuses what no kernel can
// build; these are possible on some kernels and not on others, so they are
// warnings naming the variant's policy: the run is still made, on the state
// as written.
#ifndef DAXFAIL_SETUP_WARNINGS_HPP
#define DAXFAIL_SETUP_WARNINGS_HPP

#include <daxfail/config.hpp>
#include <daxfail/constants.hpp>
#include <daxfail/world.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace daxfail {

/// One warning per reflinked file page that several mappings of its file have present: under
/// dax_shared_page=shared_marker (v6.2+) each read fault of a shared page first unmaps the file's other PTEs of
/// it, so only the last fault's PTE can be present.
inline std::vector<std::string> setup_warnings(const world& w, const config& c) {
    std::vector<std::string> out;
    if (!c.dax_shared_page.marks_shared || !w.mp.reflink) return out;
    // Data blocks per group owned by more than one file: the reflinked ones.
    auto shared_block = [&](const xfs_section& s, std::size_t g, u64 gbno) {
        u32 owners = 0;
        for (const auto& r : s.rmap[g])
            if (!r.attr_fork && !r.bmbt_block && !rmap_owner::is_non_inode(r.owner) && gbno >= r.startblock && gbno - r.startblock < r.blockcount)
                ++owners;
        return owners > 1;
    };
    for (const auto& [ino, ip] : w.inodes) {
        const xfs_section& s = ip.realtime && w.mp.rt ? *w.mp.rt : w.mp.data;
        // (file page) -> where it is present
        std::map<u64, std::vector<std::string>> present;
        for (const auto& t : w.tasks)
            for (std::size_t v = 0; v < t.vmas.size(); ++v) {
                const auto& m = t.vmas[v];
                if (m.ino != ino) continue;
                for (const auto& r : m.present)
                    for (u64 pg = r.first; pg <= r.last && pg < r.first + 4096; ++pg)
                        present[pg].push_back("task " + std::to_string(t.pid) + " vma " + std::to_string(v));
            }
        for (const auto& [pg, where] : present) {
            if (where.size() < 2) continue;
            const u64 block = (pg << page_shift) / w.mp.blocksize;
            bool shared = false;
            for (std::size_t g = 0; g < s.rmap.size() && !shared; ++g)
                for (const auto& r : s.rmap[g])
                    if (r.owner == ino && !r.attr_fork && !r.bmbt_block && block >= r.offset && block - r.offset < r.blockcount &&
                        shared_block(s, g, r.startblock + (block - r.offset)))
                        shared = true;
            if (!shared) continue;
            std::string list;
            for (const auto& x : where) list += (list.empty() ? "" : ", ") + x;
            out.push_back("inode " + std::to_string(ino) + " page " + std::to_string(pg) +
                          " is reflinked and present in " + std::to_string(where.size()) + " mappings (" + list +
                          "): under dax_shared_page=shared_marker a read fault of a shared page unmaps the file's "
                          "other PTEs of it, so only one can be present");
        }
    }
    return out;
}

}  // namespace daxfail

#endif
