// A scenario file (nlohmann::ordered_json) from the machine it runs on: the DAX XFS filesystems mounted now,
// their geometry, the files some task maps, those tasks and their live mappings, and an unbind of the
// namespace by the snapshot process itself. Reads /proc, /sys and the superblock only; changes nothing.
#ifndef DAXFAIL_SNAPSHOT_SNAPSHOT_HPP
#define DAXFAIL_SNAPSHOT_SNAPSHOT_HPP

#include <daxfail/event.hpp>
#include <daxfail/json/scenario_writer.hpp>
#include <daxfail/snapshot/fiemap.hpp>
#include <daxfail/snapshot/mounts.hpp>
#include <daxfail/snapshot/page_spans.hpp>
#include <daxfail/snapshot/pagemap.hpp>
#include <daxfail/snapshot/pmem_device.hpp>
#include <daxfail/snapshot/proc_maps.hpp>
#include <daxfail/snapshot/proc_tasks.hpp>
#include <daxfail/snapshot/root_files.hpp>
#include <daxfail/snapshot/smaps.hpp>
#include <daxfail/snapshot/xfs_geometry.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::snapshot {

struct options {
    std::string root = "/";            ///< where /proc, /sys and /dev are (a fake tree in tests)
    std::vector<std::string> mounts;   ///< mount points (or paths inside them) to take; empty: every DAX XFS
    std::optional<unsigned> self_pid;  ///< the unbinder; default: this process
    std::string self_comm;             ///< default: its /proc comm, else "daxfail"
    /// The running kernel's release (uname -r); default: uname(). Decides whether pagemap may be read over
    /// windows that can hold a DAX PMD mapping (see pagemap_safe_over_dax_pmd).
    std::string kernel_release;
    /// Where file extents come from: FIEMAP unless set (tests feed files on filesystems without FIEMAP).
    std::function<std::optional<std::vector<byte_extent>>(int fd)> extents;
};

/// A mounted XFS on a DAX-capable block device.
struct dax_filesystem {
    mount_entry mount;
    block_device device;
    std::string device_path;  ///< the block device node, under the root
};

/// One scenario per filesystem, keyed by the block device's name; `errors` say why nothing was produced.
struct snapshot_result {
    std::vector<std::pair<std::string, nlohmann::ordered_json>> scenarios;
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
};

namespace detail {

inline std::string hex_string(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

inline bool is_dax_xfs(const mount_entry& m, const block_device& b) {
    return m.fstype == "xfs" && b.dax && m.option("dax").value_or("") != "never";
}

/// The device node of `b`: /dev/<name> under the root, else the mount source.
inline std::string device_node(const mount_entry& m, const block_device& b, const std::string& root) {
    std::string by_name = under(root, "/dev/" + b.name);
    if (::access(by_name.c_str(), R_OK) == 0) return by_name;
    return under(root, m.source);
}

/// A file seen through one of its mappings.
struct file_info {
    std::uint64_t ino = 0;
    std::string name;
    std::uint64_t size = 0;
    bool dax = true;
    bool realtime = false;
    std::vector<group_extent> extents;
    std::vector<byte_extent> bytes;  ///< as FIEMAP gave them
    page_spans backed;   ///< file pages with a block
    page_spans cached;   ///< union of the pages mapped now (DAX), or resident in the page cache (not DAX)
};

struct vma_info {
    std::uint64_t ino = 0, pgoff = 0, pages = 0, start = 0;
    page_spans present, pmd;  ///< file page indices
};

struct task_info {
    proc_process proc;
    std::vector<vma_info> vmas;
};

/// Pages of the page cache resident for a non-DAX file, via mincore on a private read-only mapping of it.
inline page_spans resident_pages(int fd, std::uint64_t size) {
    page_spans out;
    if (size == 0) return out;
    const std::uint64_t pages = (size + pagemap_page_size - 1) / pagemap_page_size;
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return out;
    std::vector<unsigned char> vec(pages);
    if (::mincore(p, size, vec.data()) == 0)
        for (std::uint64_t i = 0; i < pages; ++i)
            if (vec[i] & 1) out.add(i, 1);
    ::munmap(p, size);
    return out;
}

inline std::optional<file_info> inspect_file(int fd, const std::string& name, bool mount_dax_always,
                                             const xfs_geometry& g, const options& o, std::string& why) {
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        why = "fstat failed";
        return std::nullopt;
    }
    file_info f;
    f.ino = st.st_ino;
    f.name = name;
    f.size = static_cast<std::uint64_t>(st.st_size);
    // dax=always: every file is DAX. Otherwise (dax=inode) statx says which are (Linux 5.8, STATX_ATTR_DAX).
    f.dax = mount_dax_always;
    struct statx stx{};
    constexpr std::uint64_t attr_dax = 0x00200000;
    if (!mount_dax_always && ::statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0 &&
        (stx.stx_attributes_mask & attr_dax))
        f.dax = (stx.stx_attributes & attr_dax) != 0;
    struct fsxattr fa{};
    if (::ioctl(fd, FS_IOC_FSGETXATTR, &fa) == 0) f.realtime = (fa.fsx_xflags & FS_XFLAG_REALTIME) != 0;
    const auto extents = o.extents ? o.extents(fd) : fiemap_extents(fd);
    if (!extents) {
        why = "FIEMAP failed";
        return std::nullopt;
    }
    const std::uint32_t group_blocks =
        f.realtime ? (g.rgcount ? g.rgextents * g.rextsize : static_cast<std::uint32_t>(g.rblocks)) : g.agblocks;
    f.extents = to_group_extents(*extents, g.blocksize, group_blocks);
    f.bytes = *extents;
    for (const auto& e : *extents)
        f.backed.add(e.logical / pagemap_page_size,
                     (e.logical + e.length + pagemap_page_size - 1) / pagemap_page_size - e.logical / pagemap_page_size);
    if (!f.dax) f.cached = resident_pages(fd, f.size);
    return f;
}

inline page_spans intersect(const page_spans& a, const page_spans& b) { return a.minus(a.minus(b)); }

/// Whether reading /proc/PID/pagemap over a DAX PMD mapping is safe on kernel `release`: Debian's 6.1.192
/// oopses in pagemap_pmd_range (seen under the oracle); 6.12.117 reads it. Releases before 6.12 are avoided.
inline bool pagemap_safe_over_dax_pmd(const std::string& release) {
    unsigned major = 0, minor = 0;
    if (std::sscanf(release.c_str(), "%u.%u", &major, &minor) != 2) return false;
    return major > 6 || (major == 6 && minor >= 12);
}

/// Whether reading /proc/PID/pagemap over a DAX mapping is safe on kernel `release` once the namespace behind it
/// was unbound (its struct pages removed) while the mapping stayed. Debian's 7.2.13 oopses in pagemap_pmd_range
/// (seen under the oracle: no_rmapbt, unbind_after_goingdown); 6.1.192 and 6.12.117 read it. From v6.15 ("fs/dax:
/// Fix ZONE_DEVICE page reference counts") a DAX PTE or PMD is no longer special or devmap, so pagemap's
/// vm_normal_page() hands back the removed struct page, which page_folio() reads; 6.15 to 7.1 are taken from that
/// history, not seen.
inline bool pagemap_safe_after_unbind(const std::string& release) {
    unsigned major = 0, minor = 0;
    if (std::sscanf(release.c_str(), "%u.%u", &major, &minor) != 2) return false;
    return major < 6 || (major == 6 && minor < 15);
}

/// The 2 MiB windows of a VMA (relative page indices) that a DAX fault could map with one PMD: aligned
/// address and file page, all 512 pages in one extent whose physical address (device data start `base` +
/// partition offset + offset on the partition) is 2 MiB aligned.
inline page_spans pmd_capable_windows(const file_info& f, std::uint64_t vm_start, std::uint64_t pgoff,
                                     std::uint64_t pages, std::uint64_t base) {
    page_spans out;
    const std::uint64_t start_page = vm_start / pagemap_page_size, pmd_bytes = pages_per_pmd * pagemap_page_size;
    for (std::uint64_t i = (pages_per_pmd - start_page % pages_per_pmd) % pages_per_pmd; i + pages_per_pmd <= pages;
         i += pages_per_pmd) {
        const std::uint64_t page = pgoff + i;
        if (page % pages_per_pmd != 0) continue;
        const std::uint64_t lo = page * pagemap_page_size, hi = lo + pmd_bytes;
        for (const auto& e : f.bytes)
            if (e.logical <= lo && e.logical + e.length >= hi && (base + e.physical + (lo - e.logical)) % pmd_bytes == 0) {
                out.add(i, pages_per_pmd);
                break;
            }
    }
    return out;
}

}  // namespace detail

/// The DAX XFS filesystems selected by `o.mounts` (default: all of them, in mount order; a filesystem
/// mounted twice counts once). Errors name each selected path that is not one.
inline std::vector<dax_filesystem> find_dax_filesystems(const options& o, std::vector<std::string>& errors) {
    std::vector<dax_filesystem> out;
    const auto mounts = read_mounts(o.root);
    auto add = [&](const mount_entry& m, const block_device& b) {
        for (const auto& f : out)
            if (f.mount.dev_major == m.dev_major && f.mount.dev_minor == m.dev_minor) return;
        out.push_back({m, b, detail::device_node(m, b, o.root)});
    };
    if (o.mounts.empty()) {
        for (const auto& m : mounts) {
            if (m.fstype != "xfs") continue;
            std::string why;
            if (auto b = find_block_device(m.dev_major, m.dev_minor, o.root, why); b && detail::is_dax_xfs(m, *b))
                add(m, *b);
        }
        if (out.empty()) errors.push_back("no XFS is mounted with DAX on a pmem device");
        return out;
    }
    for (std::string dir : o.mounts) {
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        const mount_entry* found = nullptr;
        for (const auto& m : mounts)
            if (m.mount_point == dir) found = &m;  // the last mount on a directory is the visible one
        if (!found) {
            struct stat st{};
            if (::stat(under(o.root, dir).c_str(), &st) != 0) {
                errors.push_back(dir + ": no such file or directory");
                continue;
            }
            for (const auto& m : mounts)
                if (m.dev_major == major(st.st_dev) && m.dev_minor == minor(st.st_dev)) found = &m;
        }
        if (!found) {
            errors.push_back(dir + ": not on a mounted filesystem");
            continue;
        }
        if (found->fstype != "xfs") {
            errors.push_back(dir + ": " + found->fstype + " filesystem, not XFS");
            continue;
        }
        std::string why;
        const auto b = find_block_device(found->dev_major, found->dev_minor, o.root, why);
        if (!b) {
            errors.push_back(dir + ": " + why);
            continue;
        }
        if (!detail::is_dax_xfs(*found, *b)) {
            errors.push_back(dir + ": XFS on " + b->name + " is not DAX (" +
                             (b->dax ? "mounted dax=never" : "the device does not support DAX") + ")");
            continue;
        }
        add(*found, *b);
    }
    return out;
}

namespace detail {

/// What a snapshot of one filesystem gathers before it writes the scenario.
struct gathered {
    const dax_filesystem& fs;
    const options& o;
    const xfs_geometry& g;
    unsigned self;                       ///< the unbinder's pid
    std::string release;                 ///< the running kernel's
    bool mount_dax_always;
    std::map<std::uint64_t, file_info> files;  ///< by inode; ino 0: seen but left out
    std::vector<task_info> tasks;
    std::vector<std::string> notes;      ///< for the description
    std::function<void(const std::string&)> warn;
};

/// The file `e` of task `pid` maps, inspected once (through /proc/PID/map_files, which opens the very file
/// mapped, even if deleted or in another mount namespace); null when it is left out.
inline file_info* mapped_file(gathered& s, unsigned pid, const maps_entry& e) {
    if (!s.files.count(e.inode)) {
        const std::string via = under(s.o.root, "/proc/" + std::to_string(pid) + "/map_files/" +
                                                    hex_string(e.start).substr(2) + "-" + hex_string(e.end).substr(2));
        int fd = ::open(via.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) fd = ::open(under(s.o.root, e.path).c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st{};
        if (fd >= 0 && (::fstat(fd, &st) != 0 || st.st_ino != e.inode)) {
            ::close(fd);
            fd = -1;
        }
        if (fd < 0) {
            s.notes.push_back("Left out " + e.path + " (inode " + std::to_string(e.inode) + ", mapped by pid " +
                              std::to_string(pid) + "): it could not be opened.");
            s.files[e.inode].ino = 0;  // remembered as unusable
            return nullptr;
        }
        std::string fwhy;
        auto f = inspect_file(fd, e.path, s.mount_dax_always, s.g, s.o, fwhy);
        ::close(fd);
        if (!f) {
            s.notes.push_back("Left out " + e.path + ": " + fwhy + ".");
            s.files[e.inode].ino = 0;
            return nullptr;
        }
        s.files[e.inode] = std::move(*f);
    }
    file_info& f = s.files[e.inode];
    return f.ino == 0 ? nullptr : &f;
}

/// The pagemap runs of the first `pages` pages of mapping `e`, except the windows in `unread` (relative pages).
inline std::vector<mapped_run> read_mapping_pagemap(const gathered& s, unsigned pid, const maps_entry& e,
                                                    std::uint64_t pages, const page_spans& unread) {
    std::vector<mapped_run> runs;
    std::uint64_t at = 0;
    auto read_gap = [&](std::uint64_t from, std::uint64_t to) {
        if (from >= to) return;
        for (auto r : read_pagemap(pid, e.start + from * pagemap_page_size, e.start + to * pagemap_page_size, s.o.root)) {
            r.first += from;
            runs.push_back(r);
        }
    };
    for (const auto& w : unread.spans()) {
        read_gap(at, w.first);
        at = w.end();
    }
    read_gap(at, pages);
    return runs;
}

/// The PMD-mapped pages (relative) of mapping `e` read as `runs`: smaps' FilePmdMapped when it counts some;
/// else (it may not count DAX PMDs, whose pages are ZONE_DEVICE) every window that can be a PMD mapping,
/// unless the VMA is MADV_NOHUGEPAGE. `unread` windows are PMD-mapped already.
inline page_spans mapping_pmds(gathered& s, unsigned pid, const maps_entry& e, const vma_info& v,
                              const std::vector<mapped_run>& runs, const page_spans& unread,
                              const std::optional<smaps_entry>& sm) {
    page_spans pmd = unread;
    if (sm && sm->no_hugepage) return pmd;
    std::optional<std::uint64_t> counted;
    if (sm && sm->file_pmd_bytes.value_or(0) > 0) counted = sm->file_pmd_bytes;
    if (counted && *counted >= unread.count() * pagemap_page_size) *counted -= unread.count() * pagemap_page_size;
    const auto guess = infer_pmd_pages(runs, e.start, v.pgoff, counted);
    pmd.add(guess.pmd);
    if (!guess.exact)
        s.notes.push_back("pid " + std::to_string(pid) + "'s mapping at " + hex_string(e.start) + ": " +
                          std::to_string(pmd.count() / pages_per_pmd) +
                          " 2 MiB windows taken as PMD mappings from their alignment (pagemap does not "
                          "tell PMDs from PTEs).");
    return pmd;
}

/// Mapping `e` of task `pid` on file `f`: its range within the file, and its present and PMD pages (file page
/// indices); nullopt when it lies beyond the end of the file.
inline std::optional<vma_info> read_mapping(gathered& s, unsigned pid, const maps_entry& e, file_info& f,
                                            const std::optional<smaps_entry>& sm) {
    vma_info v;
    v.ino = f.ino;
    v.start = e.start;
    v.pgoff = e.offset / pagemap_page_size;
    const std::string at = "pid " + std::to_string(pid) + "'s mapping at " + hex_string(e.start);
    const std::uint64_t file_pages = (f.size + pagemap_page_size - 1) / pagemap_page_size;
    if (v.pgoff >= file_pages) {
        s.notes.push_back("Left out " + at + ": it lies wholly beyond the end of " + f.name + ".");
        return std::nullopt;
    }
    v.pages = std::min(e.pages(), file_pages - v.pgoff);
    if (v.pages < e.pages())
        s.notes.push_back(at + " reaches beyond the end of " + f.name + ": only its first " + std::to_string(v.pages) +
                          " pages are kept.");
    // Windows that may hold a DAX PMD are not read on kernels whose pagemap oopses there; they are taken as
    // PMD-mapped (a fault there maps a PMD; whether one happened is unknown).
    page_spans unread;
    if (f.dax && !(sm && sm->no_hugepage) && !pagemap_safe_over_dax_pmd(s.release))
        unread = pmd_capable_windows(f, e.start, v.pgoff, v.pages,
                                     s.fs.device.data_start.value_or(0) + s.fs.device.part_off);
    const auto runs = read_mapping_pagemap(s, pid, e, v.pages, unread);
    if (!unread.empty())
        s.notes.push_back(at + ": " + std::to_string(unread.count() / pages_per_pmd) +
                          " 2 MiB windows that can hold a DAX PMD were not read (pagemap oopses Linux " + s.release +
                          " there; seen on Debian's 6.1.192) and are taken as PMD-mapped.");
    page_spans pmd = mapping_pmds(s, pid, e, v, runs, unread, sm);
    page_spans present = present_pages(runs).minus(pmd).shifted(v.pgoff);
    pmd = pmd.shifted(v.pgoff);
    if (f.dax) {
        // A DAX fault on a hole maps the zero page: no block, nothing of the device.
        const auto holes = present.minus(f.backed);
        if (!holes.empty())
            s.notes.push_back("pid " + std::to_string(pid) + " maps " + std::to_string(holes.count()) +
                              " pages of holes in " + f.name + " (the zero page); left out.");
        present = intersect(present, f.backed);
        pmd = intersect(pmd, f.backed);
        f.cached.add(present);
        f.cached.add(pmd);
    } else {
        present = intersect(present, f.cached);  // a non-DAX mapping maps page-cache pages
    }
    v.present = std::move(present);
    v.pmd = std::move(pmd);
    return v;
}

/// Task `pid`, with its mappings, when it maps files of the filesystem or is the unbinder (`self_seen` then).
inline void read_task(gathered& s, unsigned pid, bool& self_seen) {
    std::vector<maps_entry> ours;
    for (auto& e : read_maps(pid, s.o.root))
        if (e.inode != 0 && e.dev_major == s.fs.mount.dev_major && e.dev_minor == s.fs.mount.dev_minor)
            ours.push_back(std::move(e));
    if (ours.empty() && pid != s.self) return;
    auto proc = read_process(pid, s.o.root);
    if (!proc) return;  // exited meanwhile
    if (pid == s.self) {
        self_seen = true;
        if (!s.o.self_comm.empty()) proc->comm = s.o.self_comm;
        else if (proc->comm.empty()) proc->comm = "daxfail";
    }
    task_info t{*proc, {}};
    const auto smaps = ours.empty() ? std::map<std::uint64_t, smaps_entry>{} : read_smaps(pid, s.o.root);
    for (const auto& e : ours) {
        file_info* f = mapped_file(s, pid, e);
        if (!f) continue;
        const auto sm = smaps.find(e.start);
        const auto entry = sm != smaps.end() ? std::optional<smaps_entry>(sm->second) : std::nullopt;
        if (auto v = read_mapping(s, pid, e, *f, entry)) t.vmas.push_back(std::move(*v));
    }
    if (!t.vmas.empty() || pid == s.self) s.tasks.push_back(std::move(t));
}

/// The tasks that map files of the filesystem, and the unbinder, in creation order.
inline void read_tasks(gathered& s) {
    bool self_seen = false;
    for (unsigned pid : list_pids(s.o.root)) read_task(s, pid, self_seen);
    if (!self_seen) {  // the root is a fake tree without this process, or /proc hides it
        proc_process me;
        me.pid = s.self;
        me.comm = s.o.self_comm.empty() ? "daxfail" : s.o.self_comm;
        me.start_time = ~std::uint64_t{0};
        s.tasks.push_back({me, {}});
    }
    std::vector<proc_process> order;
    order.reserve(s.tasks.size());
    for (const auto& t : s.tasks) order.push_back(t.proc);
    sort_by_creation(order);
    std::vector<task_info> sorted;
    for (const auto& p : order)
        for (auto& t : s.tasks)
            if (t.proc.pid == p.pid) sorted.push_back(std::move(t));
    s.tasks = std::move(sorted);
}

/// The scenario's description: what was taken, what is left at the defaults, and the notes.
inline std::string description(const gathered& s) {
    std::size_t mapped_files = 0;
    for (const auto& [ino, f] : s.files) mapped_files += f.ino != 0;
    const auto& fs = s.fs;
    std::string d =
        "Snapshot of the DAX XFS mounted on " + fs.mount.mount_point + " (" + fs.device.name +
        (fs.device.parent_device.empty() ? "" : " on " + fs.device.parent_device) + "), taken by `daxfail snapshot`: " +
        std::to_string(mapped_files) + " files mapped by " + std::to_string(s.tasks.size() - 1) +
        " tasks, and an unbind of the namespace by the snapshot process. PR_MCE_KILL policies come from the task "
        "flags in /proc/PID/task/TID/stat. Not visible from outside, so left at the defaults: freezes held on the "
        "filesystem (none), its shutdown state (none), pages already HWPoison (none), dirty DAX entries (none), "
        "and DAX entries left by earlier faults whose mappings are gone (cached = the pages some task maps now). "
        "Files nobody maps are left out. Metadata is the AG headers and the internal log only (not btree blocks "
        "or inode chunks).";
    for (const auto& n : s.notes) d += " " + n;
    return d;
}

/// The DAX block device behind mount option `option` (logdev=, rtdev=), if there is one.
inline std::optional<block_device> other_device(const gathered& s, const std::string& option) {
    const auto path = s.fs.mount.option(option);
    struct stat st{};
    if (!path || path->empty() || ::stat(under(s.o.root, *path).c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
        return std::nullopt;
    std::string ignored;
    auto b = find_block_device(major(st.st_rdev), minor(st.st_rdev), s.o.root, ignored);
    if (!b || !b->dax) return std::nullopt;
    return b;
}

/// The external log and the realtime section, when their devices are DAX devices too (added to `devices`).
inline void write_other_sections(gathered& s, nlohmann::ordered_json& devices, nlohmann::ordered_json& filesystem,
                                 const std::function<nlohmann::ordered_json(const block_device&)>& device_json) {
    const auto& g = s.g;
    if (!g.internal_log()) {
        if (auto b = other_device(s, "logdev")) {
            devices.push_back(device_json(*b));
            filesystem["log"] = {{"device", devices.size() - 1}, {"part_off", b->part_off}, {"nr_bytes", b->nr_bytes}};
        } else {
            s.warn("the external log is not on a DAX device (or logdev= is not visible): left out");
        }
    }
    if (g.rblocks == 0) return;
    if (auto b = other_device(s, "rtdev")) {
        devices.push_back(device_json(*b));
        const std::uint64_t rg_blocks = g.rgcount ? std::uint64_t{g.rgextents} * g.rextsize : g.rblocks;
        filesystem["realtime"] = {{"device", devices.size() - 1},
                                  {"part_off", b->part_off},
                                  {"nr_bytes", b->nr_bytes},
                                  {"rg_count", g.rgcount ? g.rgcount : 1},
                                  {"rg_blocks", rg_blocks},
                                  {"blocks", g.rblocks},
                                  {"rtrmapbt", g.rgcount != 0 && g.rmapbt}};
    } else {
        s.warn("the realtime device is not a DAX device (or rtdev= is not visible): realtime files left out");
        for (auto& [ino, f] : s.files)
            if (f.realtime) f.ino = 0;
    }
}

/// devices[] and filesystem{}: the data device, then an external log or realtime device when it is a DAX device
/// too; the geometry from the superblock; metadata the AG headers and the internal log.
inline void write_devices_and_filesystem(gathered& s, nlohmann::ordered_json& doc) {
    using json = nlohmann::ordered_json;
    const auto& g = s.g;
    json devices = json::array();
    auto device_json = [&](const block_device& b) {
        json d = {{"name", b.disk}, {"size", b.disk_bytes}};
        if (auto pfn = b.first_pfn()) d["first_pfn"] = hex_string(*pfn);
        else s.warn(b.disk + ": no " + b.disk + "/device/resource in sysfs; first_pfn left at the default");
        return d;
    };
    devices.push_back(device_json(s.fs.device));
    json filesystem;
    filesystem["fsname"] = s.fs.device.name;
    filesystem["blocksize"] = g.blocksize;
    filesystem["reflink"] = g.reflink;
    filesystem["data"] = {{"device", 0},
                          {"part_off", s.fs.device.part_off},
                          {"nr_bytes", s.fs.device.nr_bytes},
                          {"ag_count", g.agcount},
                          {"ag_blocks", g.agblocks},
                          {"blocks", g.dblocks},
                          {"rmapbt", g.rmapbt},
                          {"standard_metadata", false}};
    write_other_sections(s, devices, filesystem, device_json);
    json metadata = json::array();
    for (std::uint32_t ag = 0; ag < g.agcount; ++ag)
        metadata.push_back({{"group", ag}, {"agbno", 0}, {"blocks", g.ag_header_blocks()}, {"owner", "fs"}});
    if (g.internal_log())
        metadata.push_back({{"group", g.log_group()}, {"agbno", g.log_agbno()}, {"blocks", g.logblocks}, {"owner", "log"}});
    filesystem["metadata"] = metadata;
    doc["devices"] = devices;
    doc["filesystem"] = filesystem;
}

/// inodes[]: every file kept, with its extents and the pages some task maps as its cached ones.
inline nlohmann::ordered_json inodes_json(const gathered& s) {
    using json = nlohmann::ordered_json;
    json inodes = json::array();
    for (const auto& [ino, f] : s.files) {
        if (f.ino == 0) continue;
        json extents = json::array();
        for (const auto& e : f.extents)
            extents.push_back({{"group", e.group}, {"agbno", e.agbno}, {"blocks", e.blocks}, {"file_block", e.file_block}});
        json i = {{"ino", f.ino}, {"name", f.name}, {"dax", f.dax}};
        if (f.realtime) i["realtime"] = true;
        i["size"] = f.size;
        i["extents"] = extents;
        i["cached"] = page_set_json(f.cached);
        inodes.push_back(i);
    }
    return inodes;
}

/// tasks[]: every task with its threads' PR_MCE_KILL policies and its mappings of files kept.
inline nlohmann::ordered_json tasks_json(gathered& s) {
    using json = nlohmann::ordered_json;
    json task_list = json::array();
    for (const auto& t : s.tasks) {
        json tj = {{"pid", t.proc.pid}, {"comm", t.proc.comm}};
        if (t.proc.mce_kill() != mce_kill_policy::default_policy) tj["mce_kill"] = mce_kill_name(t.proc.mce_kill());
        if (!t.proc.threads.empty()) {
            json threads = json::array();
            for (const auto& th : t.proc.threads) {
                json thj = {{"tid", th.tid}, {"comm", th.comm}};
                if (th.mce_kill() != mce_kill_policy::default_policy) thj["mce_kill"] = mce_kill_name(th.mce_kill());
                threads.push_back(thj);
            }
            tj["threads"] = threads;
        }
        json vmas = json::array();
        for (const auto& v : t.vmas) {
            if (s.files[v.ino].ino == 0) continue;
            json vj = {{"ino", v.ino}, {"pgoff", v.pgoff}, {"pages", v.pages}, {"start", hex_string(v.start)},
                       {"present", page_set_json(v.present)}};
            if (!v.pmd.empty()) vj["pmd"] = page_set_json(v.pmd);
            vmas.push_back(vj);
        }
        if (!vmas.empty()) tj["vmas"] = vmas;
        task_list.push_back(tj);
    }
    return task_list;
}

}  // namespace detail

/// The scenario of one filesystem: nullopt with `why` if its superblock cannot be read.
inline std::optional<nlohmann::ordered_json> snapshot_filesystem(const dax_filesystem& fs, const options& o,
                                                                  std::string& why,
                                                                  std::vector<std::string>* warnings = nullptr) {
    using json = nlohmann::ordered_json;
    const auto geo = read_xfs_geometry(fs.device_path, why);
    if (!geo) {
        why = fs.device_path + ": " + why;
        return std::nullopt;
    }
    std::string release = o.kernel_release;
    if (release.empty()) {
        struct utsname u{};
        if (::uname(&u) == 0) release = u.release;
    }
    detail::gathered s{fs, o, *geo, o.self_pid.value_or(static_cast<unsigned>(::getpid())), release,
                       fs.mount.option("dax").value_or("") == "always" || fs.mount.option("dax") == "", {}, {}, {},
                       [&](const std::string& w) {
                           if (warnings) warnings->push_back(w);
                       }};
    // An external log or realtime device is a second DAX holder the scenario does not describe (yet): say so.
    for (const char* key : {"logdev", "rtdev"})
        if (const auto dev = fs.mount.option(key); dev && !dev->empty())
            s.warn(fs.mount.mount_point + ": the " + (std::string(key) == "logdev" ? "external log" : "realtime device") +
                   " on " + *dev + " is not in the scenario: it describes the unbind of " + fs.device.name + " only");
    detail::read_tasks(s);
    json doc;
    doc["name"] = "snapshot_" + fs.device.name;
    doc["description"] = detail::description(s);
    detail::write_devices_and_filesystem(s, doc);
    doc["inodes"] = detail::inodes_json(s);
    doc["tasks"] = detail::tasks_json(s);
    doc["early_kill_sysctl"] = read_number(under(o.root, "/proc/sys/vm/memory_failure_early_kill")).value_or(0) == 1;
    doc["event"] = daxfail::json::detail::event_to_json(event::unbind(0, s.self));  // the scenario writer's event
    return doc;
}

/// Every selected filesystem's scenario.
inline snapshot_result take_snapshots(const options& o) {
    snapshot_result r;
    for (const auto& fs : find_dax_filesystems(o, r.errors)) {
        std::string why;
        if (auto doc = snapshot_filesystem(fs, o, why, &r.warnings)) r.scenarios.emplace_back(fs.device.name, std::move(*doc));
        else r.errors.push_back(why);
    }
    return r;
}

}  // namespace daxfail::snapshot

#endif
