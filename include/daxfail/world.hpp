// The machine a run starts from: devices, the mounted XFS, its inodes and
// their cached DAX entries, the tasks and their mappings, and page state.
// Plain values with no policy in them; a run copies the world and mutates the
// copy. The world costs what it contains: extents, cached entries and live
// PTEs, never one object per page of the device.
#ifndef DAXFAIL_WORLD_HPP
#define DAXFAIL_WORLD_HPP

#include <daxfail/constants.hpp>
#include <daxfail/run_map.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace daxfail {

/// A pmem namespace in fsdax mode with its dax_device.
struct dax_device {
    std::string name = "pmem0";
    u64 size = 0;               ///< bytes of the block device (the whole disk)
    u64 first_pfn = 0x100000;   ///< pfn of byte 0 of the data area (memmap=1G!4G gives 0x100000)
    bool alive = true;          ///< DAXDEV_ALIVE
    bool has_holder = true;     ///< holder_data != NULL (a mounted filesystem)
    bool holder_ops = true;     ///< holder registered with ->notify_failure
    bool memmap = true;         ///< its struct pages exist (memremap_pages), until the unbind's memunmap_pages
    friend bool operator==(const dax_device&, const dax_device&) = default;
};

/// One xfs_buftarg on a dax device: where the filesystem's part starts.
struct buftarg {
    std::size_t device = 0;     ///< index into world::devices
    u64 part_off = 0;           ///< bt_dax_part_off: partition start on the dax device, bytes
    u64 nr_bytes = 0;           ///< bdev_nr_bytes: size of the (partition) block device
    friend bool operator==(const buftarg&, const buftarg&) = default;
};

/// A reverse-mapping record (struct xfs_rmap_irec) inside one group.
struct rmap_record {
    u32 startblock = 0;         ///< group block number
    u32 blockcount = 0;
    u64 owner = 0;              ///< inode number, or an rmap_owner:: constant
    u64 offset = 0;             ///< file block offset (data/attr fork records)
    bool attr_fork = false;     ///< XFS_RMAP_ATTR_FORK
    bool bmbt_block = false;    ///< XFS_RMAP_BMBT_BLOCK
    friend bool operator==(const rmap_record&, const rmap_record&) = default;
};

/// The data section (allocation groups) or the realtime section (rtgroups).
struct xfs_section {
    buftarg target;
    u32 group_count = 0;        ///< agcount / rgcount
    u32 group_blocks = 0;       ///< agblocks / rgblocks; the last group may be shorter
    u64 blocks = 0;             ///< dblocks / rblocks
    bool has_rmapbt = true;     ///< rmapbt (data) / rtrmapbt (realtime)
    std::vector<std::vector<rmap_record>> rmap;  ///< one sorted list per group
    friend bool operator==(const xfs_section&, const xfs_section&) = default;
};

enum class freeze_holder { kernel, userspace };

inline std::string holder_name(freeze_holder h) { return h == freeze_holder::kernel ? "kernel" : "userspace"; }

/// One freeze reference held on the superblock, and who took it.
struct freeze_hold {
    freeze_holder holder = freeze_holder::userspace;
    std::string owner;          ///< e.g. "xfs_freeze", "xfs_scrub", "xfs_dax_notify_failure"
    friend bool operator==(const freeze_hold&, const freeze_hold&) = default;
};

/// Another freezer that lets go of its freeze after some time (e.g. scrub).
struct scheduled_thaw {
    freeze_holder holder = freeze_holder::kernel;
    std::string owner;
    u64 at_ms = 0;              ///< model time; only waits (v12's 100 ms delays) advance it
    friend bool operator==(const scheduled_thaw&, const scheduled_thaw&) = default;
};

/// The VFS superblock's freeze state (sb->s_writers).
struct super_block {
    bool born = true;                   ///< SB_BORN in s_flags
    bool freeze_in_progress = false;    ///< a freeze stopped between SB_FREEZE_WRITE and COMPLETE
    std::vector<freeze_hold> holds;     ///< non-empty means SB_FREEZE_COMPLETE
    bool frozen() const noexcept { return !holds.empty(); }
    friend bool operator==(const super_block&, const super_block&) = default;
};

struct xfs_mount {
    std::string fsname = "pmem0";       ///< the id in "XFS (pmem0): ..."
    u32 blocksize = 4096;
    bool reflink = false;
    xfs_section data;
    std::optional<buftarg> log;         ///< an external log device; nullopt = internal log
    std::optional<xfs_section> rt;      ///< a realtime device
    u32 shutdown_flags = 0;             ///< flags of the first xfs_force_shutdown, 0 = not shut down
    super_block sb;
    friend bool operator==(const xfs_mount&, const xfs_mount&) = default;
};

/// A cached entry of a file's address_space (a DAX entry, or a page-cache folio).
struct cache_entry {
    bool dirty = false;
    bool pmd = false;                   ///< part of a 2 MiB DAX entry (DAX_PMD); its page is the entry's first pfn
    friend bool operator==(const cache_entry&, const cache_entry&) = default;
};

/// How a present page is mapped: a 4 KiB PTE or a 2 MiB PMD (DAX huge mapping).
enum class mapping_size : unsigned char { pte, pmd };

/// si_addr_lsb / size_shift of a mapping (dev_pagemap_mapping_shift).
constexpr int mapping_shift(mapping_size m) noexcept { return m == mapping_size::pmd ? pmd_shift : int(page_shift); }

struct inode {
    std::string name;                   ///< for reports only
    bool in_core = true;                ///< found by xfs_iget(XFS_IGET_INCORE)
    bool reclaiming = false;            ///< iget returns -EAGAIN
    bool dax = true;                    ///< S_DAX / dax_mapping()
    bool realtime = false;              ///< data on the realtime device
    u64 size = 0;                       ///< i_size, bytes
    run_map<cache_entry> cache;         ///< address_space entries by page index, as runs
    friend bool operator==(const inode&, const inode&) = default;
};

struct thread {
    u32 tid = 0;
    std::string comm;
    bool mce_process = false;           ///< PF_MCE_PROCESS: prctl(PR_MCE_KILL, PR_MCE_KILL_SET, ...)
    bool mce_early = false;             ///< PF_MCE_EARLY: ... with PR_MCE_KILL_EARLY
    friend bool operator==(const thread&, const thread&) = default;
};

/// A shared file mapping; `present` holds the file page offsets with a live
/// PTE or PMD (PMD runs are 512-page aligned in the file and in the address).
struct vma {
    u64 ino = 0;
    u64 pgoff = 0;                      ///< vm_pgoff: first file page mapped
    u64 pages = 0;
    u64 start = 0;                      ///< vm_start
    run_map<mapping_size> present;
    friend bool operator==(const vma&, const vma&) = default;
};

/// A process (thread group). threads[0] is the leader (tid == pid).
struct task {
    u32 pid = 0;
    std::string comm;
    std::optional<u64> mm;              ///< mm identity; nullopt = kernel thread
    std::vector<thread> threads;
    std::vector<vma> vmas;
    friend bool operator==(const task&, const task&) = default;
};

struct world {
    std::vector<dax_device> devices;
    xfs_mount mp;
    std::map<u64, inode> inodes;
    std::vector<task> tasks;            ///< in creation order (the order of for_each_process)
    bool early_kill_sysctl = false;     ///< vm.memory_failure_early_kill
    page_set hwpoison;                  ///< pfns with PageHWPoison
    std::vector<scheduled_thaw> scheduled_thaws;
    friend bool operator==(const world&, const world&) = default;
};

}  // namespace daxfail

#endif
