// Generated worlds at real machine sizes, for the scale tests and the
// benchmarks: one large DAX file mapped by one task, and a filesystem with
// many extents, files, tasks and mappings.
#ifndef DAXFAIL_TESTS_WORLDS_HPP
#define DAXFAIL_TESTS_WORLDS_HPP

#include <daxfail/builder.hpp>
#include <daxfail/event.hpp>
#include <daxfail/scenario.hpp>

#include <string>
#include <vector>

namespace daxfail::test {

inline constexpr u32 unbinder_pid = 900;
inline constexpr u64 map_base = 0x7f0000000000;  // 2 MiB aligned

/// Extents of `blocks` blocks laid out group by group from agbno 512 (2 MiB aligned, past the AG headers),
/// each at most `max_extent` blocks.
inline std::vector<extent> lay_out(u64 blocks, u32 group_blocks, u32 first_group, u64 max_extent) {
    std::vector<extent> out;
    u64 file_block = 0;
    for (u32 g = first_group; file_block < blocks; ++g) {
        u32 agbno = 512;
        while (file_block < blocks && agbno < group_blocks) {
            const u64 n = std::min<u64>({blocks - file_block, u64{group_blocks} - agbno, max_extent});
            out.push_back({g, agbno, static_cast<u32>(n), file_block});
            file_block += n;
            agbno += static_cast<u32>(n);
        }
    }
    return out;
}

/// One DAX file of `pages` pages (ino 133, "db"), mapped whole by postgres (pid 1001) with PTEs, or with
/// 2 MiB PMDs when `huge`; `sh` (pid 900) unbinds the namespace.
inline scenario one_file(u64 pages, bool huge = false) {
    const u32 group_blocks = 1u << 20;  // 4 GiB allocation groups
    const u32 groups = static_cast<u32>(pages / (group_blocks - 512) + 1);
    world_builder b;
    b.geometry(groups, group_blocks).standard_metadata();
    b.file(133, "db", lay_out(pages, group_blocks, 0, u64{1} << 21));
    b.process(unbinder_pid, "sh").process(1001, "postgres");
    if (huge) b.map_huge(1001, 133, 0, pages, map_base);
    else b.map(1001, 133, 0, pages, map_base);
    return {"one_file_" + std::to_string(pages) + "_pages", "generated", b.build(), event::unbind(0, unbinder_pid)};
}

/// A whole-device unbind of a filesystem with `extents` extents spread over files of ten extents each, `tasks`
/// processes and `vmas` mappings (mapping i maps file i % files whole, in task i % tasks). The device has
/// `device_bytes` bytes; the contents do not depend on it.
inline scenario many(u64 extents, u32 tasks, u64 vmas, u64 device_bytes, u64 extent_blocks = 16) {
    const u32 groups = 16;
    const u32 group_blocks = static_cast<u32>(std::min<u64>(device_bytes / 4096 / groups, 0xFFFFFFFFu));
    const u64 files = std::max<u64>(1, extents / 10);
    world_builder b;
    b.geometry(groups, group_blocks).standard_metadata();
    world& w = b.edit();
    const u64 per_group = (extents + groups - 1) / groups;
    // Files' extents interleave in the rmap (file k's j-th extent follows file k-1's), as after concurrent appends.
    u64 placed = 0;
    for (u32 g = 0; g < groups && placed < extents; ++g) {
        u32 agbno = 512;
        for (u64 i = 0; i < per_group && placed < extents; ++i, ++placed) {
            const u64 ino = 1000 + placed % files;
            const u64 nth = placed / files;
            w.mp.data.rmap[g].push_back({agbno, static_cast<u32>(extent_blocks), ino, nth * extent_blocks, false, false});
            auto& ip = w.inodes[ino];
            ip.name = "f" + std::to_string(ino);
            ip.cache.assign(nth * extent_blocks, (nth + 1) * extent_blocks - 1, {});
            ip.size = std::max(ip.size, (nth + 1) * extent_blocks * 4096);
            agbno += static_cast<u32>(extent_blocks);
        }
    }
    b.process(unbinder_pid, "sh");
    for (u32 t = 0; t < tasks; ++t) b.process(2000 + t, "worker" + std::to_string(t));
    for (u64 i = 0; i < vmas; ++i) {
        const u64 ino = 1000 + i % files;
        const u64 pages = w.inodes.at(ino).size / 4096;
        auto& t = w.tasks[1 + i % tasks];
        vma v{ino, 0, pages, map_base + (u64{t.vmas.size()} << 32), {}};
        v.present.assign(0, pages - 1, mapping_size::pte);
        t.vmas.push_back(std::move(v));
    }
    w.devices[0].size = device_bytes;
    return {"many", "generated", b.build(), event::unbind(0, unbinder_pid)};
}

}  // namespace daxfail::test

#endif
