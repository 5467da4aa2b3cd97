// Kernel constants the model uses, with the values of include/linux/mm.h,
// fs/xfs and the x86-64 signal ABI.
#ifndef DAXFAIL_CONSTANTS_HPP
#define DAXFAIL_CONSTANTS_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace daxfail {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

inline constexpr u64 page_shift = 12;
inline constexpr u64 page_size = u64{1} << page_shift;
inline constexpr u64 u64_max = ~u64{0};
/// A DAX PMD maps 2 MiB: 512 pages.
inline constexpr int pmd_shift = 21;
inline constexpr u64 pmd_pages = u64{1} << (pmd_shift - page_shift);

/// enum mf_flags (include/linux/mm.h). MF_MEM_PRE_REMOVE exists from v12 / v6.8.
namespace mf {
inline constexpr int count_increased = 1 << 0;
inline constexpr int action_required = 1 << 1;
inline constexpr int must_kill = 1 << 2;
inline constexpr int soft_offline = 1 << 3;
inline constexpr int unpoison = 1 << 4;
inline constexpr int sw_simulated = 1 << 5;
inline constexpr int no_retry = 1 << 6;
inline constexpr int mem_pre_remove = 1 << 7;
}  // namespace mf

/// xfs_force_shutdown() flags (fs/xfs/xfs_mount.h).
namespace shutdown_flag {
inline constexpr u32 meta_io_error = 1u << 0;
inline constexpr u32 log_io_error = 1u << 1;
inline constexpr u32 force_umount = 1u << 2;
inline constexpr u32 corrupt_incore = 1u << 3;
inline constexpr u32 corrupt_ondisk = 1u << 4;
inline constexpr u32 device_removed = 1u << 5;
/// Each flag with its name in scenario files and reports, in bit order.
inline constexpr std::pair<u32, std::string_view> names[] = {
    {meta_io_error, "meta_io_error"},   {log_io_error, "log_io_error"},     {force_umount, "force_umount"},
    {corrupt_incore, "corrupt_incore"}, {corrupt_ondisk, "corrupt_ondisk"}, {device_removed, "device_removed"}};
}  // namespace shutdown_flag

/// Special rmap owners (XFS_RMAP_OWN_*): the top bit marks a non-inode owner.
namespace rmap_owner {
inline constexpr u64 null = u64_max;           // -1
inline constexpr u64 unknown = u64_max - 1;    // -2
inline constexpr u64 fs = u64_max - 2;         // -3: superblock, AGF, AGI, AGFL
inline constexpr u64 log = u64_max - 3;        // -4
inline constexpr u64 ag = u64_max - 4;         // -5: free space btrees
inline constexpr u64 inobt = u64_max - 5;      // -6
inline constexpr u64 inodes = u64_max - 6;     // -7
inline constexpr u64 refc = u64_max - 7;       // -8
inline constexpr u64 cow = u64_max - 8;        // -9
constexpr bool is_non_inode(u64 owner) noexcept { return (owner >> 63) != 0; }
inline std::string name(u64 owner) {
    switch (owner) {
        case null: return "XFS_RMAP_OWN_NULL";
        case unknown: return "XFS_RMAP_OWN_UNKNOWN";
        case fs: return "XFS_RMAP_OWN_FS";
        case log: return "XFS_RMAP_OWN_LOG";
        case ag: return "XFS_RMAP_OWN_AG";
        case inobt: return "XFS_RMAP_OWN_INOBT";
        case inodes: return "XFS_RMAP_OWN_INODES";
        case refc: return "XFS_RMAP_OWN_REFC";
        case cow: return "XFS_RMAP_OWN_COW";
        default: return "inode " + std::to_string(owner);
    }
}
}  // namespace rmap_owner

inline constexpr int sigbus = 7;
inline constexpr int sigsegv = 11;  ///< a fault on an address nothing maps (si_code SEGV_MAPERR = 1)
/// si_code values of SIGBUS.
namespace si_code {
inline constexpr int bus_adrerr = 2;
inline constexpr int bus_mceerr_ar = 4;
inline constexpr int bus_mceerr_ao = 5;
inline std::string name(int code) {
    switch (code) {
        case bus_adrerr: return "BUS_ADRERR";
        case bus_mceerr_ar: return "BUS_MCEERR_AR";
        case bus_mceerr_ao: return "BUS_MCEERR_AO";
        default: return std::to_string(code);
    }
}
}  // namespace si_code

/// printk levels.
enum class log_level { emerg = 0, alert = 1, crit = 2, err = 3, warning = 4, notice = 5, info = 6, debug = 7 };

inline std::string level_name(log_level l) {
    static constexpr const char* names[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
    return names[static_cast<int>(l)];
}

}  // namespace daxfail

#endif
