// A scenario file (nlohmann::ordered_json) from the machine it runs on: the DAX XFS filesystems mounted now,
// their geometry, the files some task maps, those tasks and their live mappings, and an unbind of the
// namespace by the snapshot process itself. Reads /proc, /sys and the superblock only; changes nothing.
#ifndef DAXFAIL_SNAPSHOT_SNAPSHOT_HPP
#define DAXFAIL_SNAPSHOT_SNAPSHOT_HPP

#include <daxfail/snapshot/fiemap.hpp>
#include <daxfail/snapshot/mounts.hpp>
#include <daxfail/snapshot/page_runs.hpp>
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
    page_runs backed;   ///< file pages with a block
    page_runs cached;   ///< union of the pages mapped now (DAX), or resident in the page cache (not DAX)
};

struct vma_info {
    std::uint64_t ino = 0, pgoff = 0, pages = 0, start = 0;
    page_runs present, pmd;  ///< file page indices
};

struct task_info {
    proc_process proc;
    std::vector<vma_info> vmas;
};

/// Pages of the page cache resident for a non-DAX file, via mincore on a private read-only mapping of it.
inline page_runs resident_pages(int fd, std::uint64_t size) {
    page_runs out;
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

inline page_runs intersect(const page_runs& a, const page_runs& b) { return a.minus(a.minus(b)); }

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
inline page_runs pmd_capable_windows(const file_info& f, std::uint64_t vm_start, std::uint64_t pgoff,
                                     std::uint64_t pages, std::uint64_t base) {
    page_runs out;
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

/// The scenario of one filesystem: nullopt with `why` if its superblock cannot be read.
inline std::optional<nlohmann::ordered_json> snapshot_filesystem(const dax_filesystem& fs, const options& o,
                                                                  std::string& why,
                                                                  std::vector<std::string>* warnings = nullptr) {
    using json = nlohmann::ordered_json;
    using namespace detail;
    auto warn = [&](const std::string& w) {
        if (warnings) warnings->push_back(w);
    };
    const auto geo = read_xfs_geometry(fs.device_path, why);
    if (!geo) {
        why = fs.device_path + ": " + why;
        return std::nullopt;
    }
    const xfs_geometry& g = *geo;
    const unsigned self = o.self_pid.value_or(static_cast<unsigned>(::getpid()));
    std::string release = o.kernel_release;
    if (release.empty()) {
        struct utsname u{};
        if (::uname(&u) == 0) release = u.release;
    }
    const bool mount_dax_always = fs.mount.option("dax").value_or("") == "always" || fs.mount.option("dax") == "";
    std::vector<std::string> notes;
    // An external log or realtime device is a second DAX holder the scenario does not describe (yet): say so.
    for (const char* key : {"logdev", "rtdev"})
        if (const auto dev = fs.mount.option(key); dev && !dev->empty())
            warn(fs.mount.mount_point + ": the " + (std::string(key) == "logdev" ? "external log" : "realtime device") +
                 " on " + *dev + " is not in the scenario: it describes the unbind of " + fs.device.name + " only");

    // Tasks that map files of this filesystem, and the files.
    std::map<std::uint64_t, file_info> files;
    std::vector<task_info> tasks;
    bool self_seen = false;
    for (unsigned pid : list_pids(o.root)) {
        std::vector<maps_entry> ours;
        for (auto& e : read_maps(pid, o.root))
            if (e.inode != 0 && e.dev_major == fs.mount.dev_major && e.dev_minor == fs.mount.dev_minor)
                ours.push_back(std::move(e));
        if (ours.empty() && pid != self) continue;
        auto proc = read_process(pid, o.root);
        if (!proc) continue;  // exited meanwhile
        if (pid == self) {
            self_seen = true;
            if (!o.self_comm.empty()) proc->comm = o.self_comm;
            else if (proc->comm.empty()) proc->comm = "daxfail";
        }
        task_info t{*proc, {}};
        const auto smaps = ours.empty() ? std::map<std::uint64_t, smaps_entry>{} : read_smaps(pid, o.root);
        for (const auto& e : ours) {
            if (!files.count(e.inode)) {
                // map_files opens the very file mapped, even if deleted or in another mount namespace.
                const std::string via = under(o.root, "/proc/" + std::to_string(pid) + "/map_files/" +
                                                          hex_string(e.start).substr(2) + "-" + hex_string(e.end).substr(2));
                int fd = ::open(via.c_str(), O_RDONLY | O_CLOEXEC);
                if (fd < 0) fd = ::open(under(o.root, e.path).c_str(), O_RDONLY | O_CLOEXEC);
                struct stat st{};
                if (fd >= 0 && (::fstat(fd, &st) != 0 || st.st_ino != e.inode)) {
                    ::close(fd);
                    fd = -1;
                }
                if (fd < 0) {
                    notes.push_back("Left out " + e.path + " (inode " + std::to_string(e.inode) + ", mapped by pid " +
                                    std::to_string(pid) + "): it could not be opened.");
                    files[e.inode].ino = 0;  // remembered as unusable
                    continue;
                }
                std::string fwhy;
                auto f = inspect_file(fd, e.path, mount_dax_always, g, o, fwhy);
                ::close(fd);
                if (!f) {
                    notes.push_back("Left out " + e.path + ": " + fwhy + ".");
                    files[e.inode].ino = 0;
                    continue;
                }
                files[e.inode] = std::move(*f);
            }
            file_info& f = files[e.inode];
            if (f.ino == 0) continue;
            vma_info v;
            v.ino = f.ino;
            v.start = e.start;
            v.pgoff = e.offset / pagemap_page_size;
            const std::uint64_t file_pages = (f.size + pagemap_page_size - 1) / pagemap_page_size;
            if (v.pgoff >= file_pages) {
                notes.push_back("Left out pid " + std::to_string(pid) + "'s mapping at " + hex_string(e.start) +
                                ": it lies wholly beyond the end of " + f.name + ".");
                continue;
            }
            v.pages = std::min(e.pages(), file_pages - v.pgoff);
            if (v.pages < e.pages())
                notes.push_back("pid " + std::to_string(pid) + "'s mapping at " + hex_string(e.start) +
                                " reaches beyond the end of " + f.name + ": only its first " + std::to_string(v.pages) +
                                " pages are kept.");
            const auto sm = smaps.find(e.start);
            const bool no_huge = sm != smaps.end() && sm->second.no_hugepage;
            // Windows that may hold a DAX PMD are not read on kernels whose pagemap oopses there; they are
            // taken as PMD-mapped (a fault there maps a PMD; whether one happened is unknown).
            page_runs unread;
            if (f.dax && !no_huge && !pagemap_safe_over_dax_pmd(release))
                unread = pmd_capable_windows(f, e.start, v.pgoff, v.pages,
                                             fs.device.data_start.value_or(0) + fs.device.part_off);
            std::vector<mapped_run> runs;
            {
                std::uint64_t at = 0;
                auto read_gap = [&](std::uint64_t from, std::uint64_t to) {
                    if (from >= to) return;
                    for (auto r : read_pagemap(pid, e.start + from * pagemap_page_size, e.start + to * pagemap_page_size,
                                               o.root)) {
                        r.first += from;
                        runs.push_back(r);
                    }
                };
                for (const auto& w : unread.runs()) {
                    read_gap(at, w.first);
                    at = w.end();
                }
                read_gap(at, v.pages);
            }
            if (!unread.empty())
                notes.push_back("pid " + std::to_string(pid) + "'s mapping at " + hex_string(e.start) + ": " +
                                std::to_string(unread.count() / pages_per_pmd) +
                                " 2 MiB windows that can hold a DAX PMD were not read (pagemap oopses Linux " +
                                release + " there; seen on Debian's 6.1.192) and are taken as PMD-mapped.");
            // PMD mappings: smaps' FilePmdMapped when it counts some; else (it may not count DAX PMDs, whose pages
            // are ZONE_DEVICE) every window that can be a PMD mapping, unless the VMA is MADV_NOHUGEPAGE.
            page_runs pmd = unread;
            if (!no_huge) {
                std::optional<std::uint64_t> counted;
                if (sm != smaps.end() && sm->second.file_pmd_bytes.value_or(0) > 0) counted = sm->second.file_pmd_bytes;
                if (counted && *counted >= unread.count() * pagemap_page_size) *counted -= unread.count() * pagemap_page_size;
                const auto guess = infer_pmd_pages(runs, e.start, v.pgoff, counted);
                pmd.add(guess.pmd);
                if (!guess.exact)
                    notes.push_back("pid " + std::to_string(pid) + "'s mapping at " + hex_string(e.start) + ": " +
                                    std::to_string(pmd.count() / pages_per_pmd) +
                                    " 2 MiB windows taken as PMD mappings from their alignment (pagemap does not "
                                    "tell PMDs from PTEs).");
            }
            page_runs present = present_pages(runs).minus(pmd).shifted(v.pgoff);
            pmd = pmd.shifted(v.pgoff);
            if (f.dax) {
                // A DAX fault on a hole maps the zero page: no block, nothing of the device.
                const auto holes = present.minus(f.backed);
                if (!holes.empty())
                    notes.push_back("pid " + std::to_string(pid) + " maps " + std::to_string(holes.count()) +
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
            t.vmas.push_back(std::move(v));
        }
        if (!t.vmas.empty() || pid == self) tasks.push_back(std::move(t));
    }
    if (!self_seen) {  // the root is a fake tree without this process, or /proc hides it
        proc_process me;
        me.pid = self;
        me.comm = o.self_comm.empty() ? "daxfail" : o.self_comm;
        me.start_time = ~std::uint64_t{0};
        tasks.push_back({me, {}});
    }
    std::vector<proc_process> order;
    order.reserve(tasks.size());
    for (const auto& t : tasks) order.push_back(t.proc);
    sort_by_creation(order);
    std::vector<task_info> sorted;
    for (const auto& p : order)
        for (auto& t : tasks)
            if (t.proc.pid == p.pid) sorted.push_back(std::move(t));

    json doc;
    doc["name"] = "snapshot_" + fs.device.name;
    const std::size_t mapped_files = [&] {
        std::size_t n = 0;
        for (const auto& [ino, f] : files) n += f.ino != 0;
        return n;
    }();
    std::string description =
        "Snapshot of the DAX XFS mounted on " + fs.mount.mount_point + " (" + fs.device.name +
        (fs.device.parent_device.empty() ? "" : " on " + fs.device.parent_device) + "), taken by `daxfail snapshot`: " +
        std::to_string(mapped_files) + " files mapped by " + std::to_string(sorted.size() - 1) +
        " tasks, and an unbind of the namespace by the snapshot process. PR_MCE_KILL policies come from the task "
        "flags in /proc/PID/task/TID/stat. Not visible from outside, so left at the defaults: freezes held on the "
        "filesystem (none), its shutdown state (none), pages already HWPoison (none), dirty DAX entries (none), "
        "and DAX entries left by earlier faults whose mappings are gone (cached = the pages some task maps now). "
        "Files nobody maps are left out. Metadata is the AG headers and the internal log only (not btree blocks "
        "or inode chunks).";
    for (const auto& n : notes) description += " " + n;
    doc["description"] = description;

    // Devices: the data device, then an external log or realtime device when it is a DAX device too.
    json devices = json::array();
    auto device_json = [&](const block_device& b) {
        json d = {{"name", b.disk}, {"size", b.disk_bytes}};
        if (auto pfn = b.first_pfn()) d["first_pfn"] = hex_string(*pfn);
        else warn(b.disk + ": no " + b.disk + "/device/resource in sysfs; first_pfn left at the default");
        return d;
    };
    devices.push_back(device_json(fs.device));
    json filesystem;
    filesystem["fsname"] = fs.device.name;
    filesystem["blocksize"] = g.blocksize;
    filesystem["reflink"] = g.reflink;
    filesystem["data"] = {{"device", 0},
                          {"part_off", fs.device.part_off},
                          {"nr_bytes", fs.device.nr_bytes},
                          {"ag_count", g.agcount},
                          {"ag_blocks", g.agblocks},
                          {"blocks", g.dblocks},
                          {"rmapbt", g.rmapbt},
                          {"standard_metadata", false}};
    auto other_device = [&](const std::string& option) -> std::optional<block_device> {
        const auto path = fs.mount.option(option);
        struct stat st{};
        if (!path || path->empty() || ::stat(under(o.root, *path).c_str(), &st) != 0 || !S_ISBLK(st.st_mode))
            return std::nullopt;
        std::string ignored;
        auto b = find_block_device(major(st.st_rdev), minor(st.st_rdev), o.root, ignored);
        if (!b || !b->dax) return std::nullopt;
        return b;
    };
    if (!g.internal_log()) {
        if (auto b = other_device("logdev")) {
            devices.push_back(device_json(*b));
            filesystem["log"] = {{"device", devices.size() - 1}, {"part_off", b->part_off}, {"nr_bytes", b->nr_bytes}};
        } else {
            warn("the external log is not on a DAX device (or logdev= is not visible): left out");
        }
    }
    if (g.rblocks > 0) {
        if (auto b = other_device("rtdev")) {
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
            warn("the realtime device is not a DAX device (or rtdev= is not visible): realtime files left out");
            for (auto& [ino, f] : files)
                if (f.realtime) f.ino = 0;
        }
    }
    json metadata = json::array();
    for (std::uint32_t ag = 0; ag < g.agcount; ++ag)
        metadata.push_back({{"group", ag}, {"agbno", 0}, {"blocks", g.ag_header_blocks()}, {"owner", "fs"}});
    if (g.internal_log())
        metadata.push_back({{"group", g.log_group()}, {"agbno", g.log_agbno()}, {"blocks", g.logblocks}, {"owner", "log"}});
    filesystem["metadata"] = metadata;
    doc["devices"] = devices;
    doc["filesystem"] = filesystem;

    json inodes = json::array();
    for (const auto& [ino, f] : files) {
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
    doc["inodes"] = inodes;

    json task_list = json::array();
    for (const auto& t : sorted) {
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
            if (files[v.ino].ino == 0) continue;
            json vj = {{"ino", v.ino}, {"pgoff", v.pgoff}, {"pages", v.pages}, {"start", hex_string(v.start)},
                       {"present", page_set_json(v.present)}};
            if (!v.pmd.empty()) vj["pmd"] = page_set_json(v.pmd);
            vmas.push_back(vj);
        }
        if (!vmas.empty()) tj["vmas"] = vmas;
        task_list.push_back(tj);
    }
    doc["tasks"] = task_list;
    doc["early_kill_sysctl"] = read_number(under(o.root, "/proc/sys/vm/memory_failure_early_kill")).value_or(0) == 1;
    doc["event"] = {{"kind", "unbind"}, {"device", 0}, {"current", self}};
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
