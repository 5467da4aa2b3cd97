// Extents of a file via FS_IOC_FIEMAP (read in batches, no sync), converted from device bytes to
// allocation group / block in the group / file block.
#ifndef DAXFAIL_SNAPSHOT_FIEMAP_HPP
#define DAXFAIL_SNAPSHOT_FIEMAP_HPP

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

namespace daxfail::snapshot {

/// One mapped extent in bytes, as FIEMAP reports it.
struct byte_extent {
    std::uint64_t logical = 0, physical = 0, length = 0;
    std::uint32_t flags = 0;  ///< FIEMAP_EXTENT_*
    friend bool operator==(const byte_extent&, const byte_extent&) = default;
};

/// The data-fork extents with a physical location (delayed-allocation and unknown extents have none and are
/// left out; unwritten extents are kept: their blocks are allocated). nullopt with errno if FIEMAP fails.
inline std::optional<std::vector<byte_extent>> fiemap_extents(int fd, std::uint32_t batch = 256) {
    std::vector<byte_extent> out;
    std::vector<unsigned char> buf(sizeof(struct fiemap) + batch * sizeof(struct fiemap_extent));
    std::uint64_t start = 0;
    for (;;) {
        std::memset(buf.data(), 0, buf.size());
        auto* m = reinterpret_cast<struct fiemap*>(buf.data());
        m->fm_start = start;
        m->fm_length = ~std::uint64_t{0} - start;
        m->fm_extent_count = batch;
        if (::ioctl(fd, FS_IOC_FIEMAP, m) != 0) return std::nullopt;
        if (m->fm_mapped_extents == 0) break;
        bool last = false;
        for (std::uint32_t i = 0; i < m->fm_mapped_extents; ++i) {
            const auto& e = m->fm_extents[i];
            last |= (e.fe_flags & FIEMAP_EXTENT_LAST) != 0;
            start = e.fe_logical + e.fe_length;
            if (e.fe_flags & (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | FIEMAP_EXTENT_DATA_INLINE)) continue;
            out.push_back({e.fe_logical, e.fe_physical, e.fe_length, e.fe_flags});
        }
        if (last || m->fm_mapped_extents < batch) break;
    }
    return out;
}

/// An extent in the scenario's terms.
struct group_extent {
    std::uint32_t group = 0;
    std::uint32_t agbno = 0;
    std::uint32_t blocks = 0;
    std::uint64_t file_block = 0;
    friend bool operator==(const group_extent&, const group_extent&) = default;
};

/// Converts byte extents on a device laid out as groups of `group_blocks` blocks of `blocksize` bytes
/// (FIEMAP's physical is linear on the device) into per-group extents, split where they cross a group.
/// Lengths are rounded up to whole blocks.
inline std::vector<group_extent> to_group_extents(const std::vector<byte_extent>& extents, std::uint32_t blocksize,
                                                  std::uint32_t group_blocks) {
    std::vector<group_extent> out;
    if (blocksize == 0 || group_blocks == 0) return out;
    for (const auto& e : extents) {
        std::uint64_t block = e.physical / blocksize, file_block = e.logical / blocksize;
        std::uint64_t left = (e.length + blocksize - 1) / blocksize;
        while (left > 0) {
            const std::uint64_t agbno = block % group_blocks;
            const std::uint64_t n = std::min<std::uint64_t>(left, group_blocks - agbno);
            out.push_back({static_cast<std::uint32_t>(block / group_blocks), static_cast<std::uint32_t>(agbno),
                           static_cast<std::uint32_t>(n), file_block});
            block += n;
            file_block += n;
            left -= n;
        }
    }
    return out;
}

}  // namespace daxfail::snapshot

#endif
