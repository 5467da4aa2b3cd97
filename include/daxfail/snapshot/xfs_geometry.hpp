// XFS geometry from the primary superblock (sector 0 of the data device, big-endian), read read-only.
#ifndef DAXFAIL_SNAPSHOT_XFS_GEOMETRY_HPP
#define DAXFAIL_SNAPSHOT_XFS_GEOMETRY_HPP

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace daxfail::snapshot {

/// What the model needs from the superblock.
struct xfs_geometry {
    std::uint32_t blocksize = 0;
    std::uint32_t sectsize = 0;
    std::uint64_t dblocks = 0;    ///< data blocks
    std::uint32_t agcount = 0;
    std::uint32_t agblocks = 0;
    std::uint8_t agblklog = 0;    ///< log2 of agblocks rounded up: filesystem block numbers are (agno << agblklog) | agbno
    std::uint64_t logstart = 0;   ///< filesystem block number of an internal log; 0: the log is on its own device
    std::uint32_t logblocks = 0;
    std::uint64_t rblocks = 0;    ///< realtime blocks; 0: no realtime device
    std::uint32_t rextsize = 0;   ///< blocks per realtime extent
    std::uint32_t rgcount = 0;    ///< realtime groups (metadir filesystems, v6.13+); 0: not grouped
    std::uint32_t rgextents = 0;  ///< realtime extents per group
    unsigned version = 0;         ///< 4 or 5
    bool rmapbt = false;
    bool reflink = false;
    bool metadir = false;

    bool internal_log() const noexcept { return logstart != 0; }
    std::uint32_t log_group() const noexcept { return static_cast<std::uint32_t>(logstart >> agblklog); }
    std::uint32_t log_agbno() const noexcept {
        return static_cast<std::uint32_t>(logstart & ((std::uint64_t{1} << agblklog) - 1));
    }
    /// Blocks at the start of every AG holding the superblock copy, AGF, AGI and AGFL (one sector each).
    std::uint32_t ag_header_blocks() const noexcept { return blocksize ? 3 * sectsize / blocksize + 1 : 0; }
};

namespace detail {
/// On-disk superblock fields used here: byte offset of each (see the XFS on-disk format documentation).
namespace sb {
inline constexpr std::size_t magicnum = 0, blocksize = 4, dblocks = 8, rblocks = 16, logstart = 48, rextsize = 80,
                             agblocks = 84, agcount = 88, logblocks = 96, versionnum = 100, sectsize = 102,
                             agblklog = 124, features_ro_compat = 212, features_incompat = 216, rgcount = 272,
                             rgextents = 276, size_read = 512;
inline constexpr std::uint32_t magic = 0x58465342;  // "XFSB"
inline constexpr std::uint32_t ro_compat_rmapbt = 1u << 1, ro_compat_reflink = 1u << 2, incompat_metadir = 1u << 8;
}  // namespace sb
inline std::uint16_t get_be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t get_be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline std::uint64_t get_be64(const unsigned char* p) { return (std::uint64_t{get_be32(p)} << 32) | get_be32(p + 4); }
}  // namespace detail

/// Decodes the first 512 bytes of an XFS data device; nullopt with `why` if they are not a sane superblock.
inline std::optional<xfs_geometry> parse_xfs_superblock(const unsigned char* sbuf, std::size_t size, std::string& why) {
    namespace sb = detail::sb;
    if (size < sb::size_read) {
        why = "short read of the superblock";
        return std::nullopt;
    }
    if (detail::get_be32(sbuf + sb::magicnum) != sb::magic) {
        why = "no XFS superblock (bad magic)";
        return std::nullopt;
    }
    xfs_geometry g;
    g.blocksize = detail::get_be32(sbuf + sb::blocksize);
    g.dblocks = detail::get_be64(sbuf + sb::dblocks);
    g.rblocks = detail::get_be64(sbuf + sb::rblocks);
    g.logstart = detail::get_be64(sbuf + sb::logstart);
    g.rextsize = detail::get_be32(sbuf + sb::rextsize);
    g.agblocks = detail::get_be32(sbuf + sb::agblocks);
    g.agcount = detail::get_be32(sbuf + sb::agcount);
    g.logblocks = detail::get_be32(sbuf + sb::logblocks);
    g.version = detail::get_be16(sbuf + sb::versionnum) & 0xf;
    g.sectsize = detail::get_be16(sbuf + sb::sectsize);
    g.agblklog = sbuf[sb::agblklog];
    if (g.version == 5) {
        const std::uint32_t ro = detail::get_be32(sbuf + sb::features_ro_compat);
        const std::uint32_t incompat = detail::get_be32(sbuf + sb::features_incompat);
        g.rmapbt = ro & sb::ro_compat_rmapbt;
        g.reflink = ro & sb::ro_compat_reflink;
        g.metadir = incompat & sb::incompat_metadir;
        if (g.metadir) {
            g.rgcount = detail::get_be32(sbuf + sb::rgcount);
            g.rgextents = detail::get_be32(sbuf + sb::rgextents);
        }
    }
    const bool pow2 = g.blocksize >= 512 && g.blocksize <= 65536 && (g.blocksize & (g.blocksize - 1)) == 0;
    if (!pow2 || g.agblocks == 0 || g.agcount == 0 || g.sectsize < 512 || g.agblklog > 31 ||
        (std::uint64_t{1} << g.agblklog) < g.agblocks || g.dblocks > std::uint64_t{g.agcount} * g.agblocks) {
        why = "XFS superblock with an inconsistent geometry";
        return std::nullopt;
    }
    return g;
}

/// Reads the superblock of the block device (or image) at `device_path`, read-only.
inline std::optional<xfs_geometry> read_xfs_geometry(const std::string& device_path, std::string& why) {
    const int fd = ::open(device_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        why = "cannot open " + device_path + " read-only";
        return std::nullopt;
    }
    std::array<unsigned char, detail::sb::size_read> buf{};
    const ssize_t got = ::pread(fd, buf.data(), buf.size(), 0);
    ::close(fd);
    return parse_xfs_superblock(buf.data(), got < 0 ? 0 : static_cast<std::size_t>(got), why);
}

}  // namespace daxfail::snapshot

#endif
