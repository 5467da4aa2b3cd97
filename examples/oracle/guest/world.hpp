// The plan's world, first half: the filesystem (partition, mkfs.xfs, mount, geometry) and its files (written,
// synced, their layout read back), and what every later step of the plan shares (plan_run).
#ifndef DAXFAIL_ORACLE_GUEST_WORLD_HPP
#define DAXFAIL_ORACLE_GUEST_WORLD_HPP

#include "system.hpp"

#include <daxfail/snapshot/snapshot.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000  // linux/stat.h, v5.8
#endif

namespace {

/// Writes an MS-DOS partition table on /dev/pmem0 with one Linux partition from `start` (bytes) to the end of the
/// namespace (rounded down to 4 KiB, or DAX is refused), and rescans. 0 or -errno.
int make_partition(std::uint64_t start) {
    const std::uint64_t total = device_bytes("/dev/pmem0");
    const std::uint64_t end = total / page * page;
    const std::uint32_t first = static_cast<std::uint32_t>(start / 512), count = static_cast<std::uint32_t>((end - start) / 512);
    unsigned char mbr[512] = {};
    unsigned char* e = mbr + 446;
    e[1] = 0xfe; e[2] = 0xff; e[3] = 0xff;  // CHS start: use the LBA fields
    e[4] = 0x83;                            // Linux
    e[5] = 0xfe; e[6] = 0xff; e[7] = 0xff;
    for (int i = 0; i < 4; ++i) {
        e[8 + i] = static_cast<unsigned char>(first >> (8 * i));
        e[12 + i] = static_cast<unsigned char>(count >> (8 * i));
    }
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    const int fd = open("/dev/pmem0", O_RDWR);
    if (fd < 0) return -errno;
    int rc = pwrite(fd, mbr, sizeof mbr, 0) == static_cast<ssize_t>(sizeof mbr) ? 0 : -errno;
    fsync(fd);
    if (rc == 0) rc = ioctl(fd, BLKRRPART, 0) == 0 ? 0 : -errno;
    close(fd);
    if (rc == 0 && !wait_for("/dev/pmem0p1")) rc = -ENOENT;
    return rc;
}

/// Removes any partition table a previous plan left on /dev/pmem0.
void clear_partitions() {
    const int fd = open("/dev/pmem0", O_RDWR);
    if (fd < 0) return;
    unsigned char zero[512] = {};
    unsigned char first[512] = {};
    if (pread(fd, first, sizeof first, 0) == static_cast<ssize_t>(sizeof first) && first[510] == 0x55 && first[511] == 0xaa) {
        pwrite(fd, zero, sizeof zero, 0);
        fsync(fd);
        ioctl(fd, BLKRRPART, 0);
    }
    close(fd);
}

/// What the steps of one plan share: the plan, the report each adds to in turn (its keys keep the order in
/// which the steps write them), the filesystem made for the plan and the tasks' parts in the event.
struct plan_run {
    explicit plan_run(const json& p) : plan(p) {}
    const json& plan;
    json report;
    std::string release;                   ///< uname -r
    std::string fs_dev = "/dev/pmem0";     ///< the namespace, or its one partition
    std::uint64_t part_off = 0;            ///< where the filesystem starts in the namespace
    std::string dax_mode;                  ///< the mount's dax= option
    bool newer_mkfs = false;               ///< the newer mkfs.xfs of /newer made the filesystem
    int mnt = -1;                          ///< /mnt, open from before the event to the end of the plan
    std::vector<std::uint64_t> file_pfns;  ///< every mapped DAX pfn, to read HWPoison afterwards
    std::size_t current = 0;               ///< the task that makes the event (madvise); else children.size()
    std::size_t rereader = 0;              ///< the task with a re-read loop (plan "reread"); else children.size()
};

/// The kernel the plan runs on: its release, and whether pagemap may be read over a DAX PMD there.
void name_kernel(plan_run& r) {
    utsname u{};
    uname(&u);
    r.release = u.release;
    r.report["uname_r"] = u.release;
    pagemap_over_pmd_safe = daxfail::snapshot::detail::pagemap_safe_over_dax_pmd(u.release);
    r.report["name"] = r.plan.value("name", std::string());
}

/// The filesystem's device: the namespace, or its one partition (MS-DOS table written here).
void choose_device(plan_run& r) {
    clear_partitions();
    if (r.plan.contains("partition")) {
        r.part_off = number(r.plan["partition"]["start"]);
        r.report["partition"] = make_partition(r.part_off);
        r.fs_dev = "/dev/pmem0p1";
    }
    r.report["part_off"] = r.part_off;
}

/// mkfs.xfs's command line for the plan; `mount_extra` gets the mount options the second namespace needs.
std::vector<std::string> mkfs_command(plan_run& r, std::string& mount_extra) {
    const json& plan = r.plan;
    const bool rmapbt = plan.value("rmapbt", true);
    const bool reflink = plan.value("reflink", false);
    const std::string features = std::string(rmapbt ? "rmapbt=1" : "rmapbt=0") + (reflink ? ",reflink=1" : ",reflink=0");
    bool align_2m = false;
    for (const auto& f : plan["files"]) align_2m |= f.value("align_2m", false);
    // A 2 MiB stripe unit: allocations at the end of a file start 2 MiB aligned on the device. data_bytes: a
    // filesystem smaller than its device (mkfs.xfs -d size=).
    // "agcount": a scaled plan keeps its scenario's AG count (oracle/scale.hpp); otherwise 4.
    const std::string agcount = "agcount=" + std::to_string(plan.value("agcount", 4));
    std::string data_opts = align_2m ? agcount + ",su=2m,sw=1" : agcount;
    if (plan.contains("data_bytes")) data_opts += ",size=" + std::to_string(number(plan["data_bytes"]));
    std::vector<std::string> mkfs = {"/sbin/mkfs.xfs", "-q", "-f", "-m", features, "-d", data_opts};
    // A newer mkfs.xfs than Debian 12's (mkinitramfs.sh: /newer, its own glibc and libraries, run through its
    // dynamic loader), for what the old one refuses: rmapbt with a realtime device (rtgroups and metadir).
    r.newer_mkfs = plan.value("mkfs", std::string()) == "newer";
    if (r.newer_mkfs) {
        r.report["newer_mkfs_present"] = access("/newer/mkfs.xfs", X_OK) == 0;
        mkfs.erase(mkfs.begin());
        mkfs.insert(mkfs.begin(), {"/newer/ld.so", "--library-path", "/newer/lib", "/newer/mkfs.xfs"});
    }
    // The second namespace (/dev/pmem1) as an external log or the realtime device.
    const std::string second = plan.value("second_namespace", std::string());
    if (!second.empty()) {
        r.report["second_namespace_present"] = wait_for("/dev/pmem1");
        std::string rt = "rtdev=/dev/pmem1";
        if (plan.contains("rt_groups")) rt += ",rgcount=" + std::to_string(number(plan["rt_groups"]));
        mkfs.insert(mkfs.end(), {second == "log" ? "-l" : "-r", second == "log" ? "logdev=/dev/pmem1" : rt});
        mount_extra = second == "log" ? ",logdev=/dev/pmem1" : ",rtdev=/dev/pmem1";
        r.report["second_device_bytes"] = device_bytes("/dev/pmem1");
    }
    mkfs.push_back(r.fs_dev);
    return mkfs;
}

/// mkfs.xfs on the plan's device, then the mount on /mnt with the plan's dax= mode.
void make_filesystem(plan_run& r) {
    choose_device(r);
    std::string mount_extra;
    r.report["mkfs"] = run(mkfs_command(r, mount_extra));
    mkdir("/mnt", 0755);
    r.dax_mode = r.plan.value("mount_dax", std::string("always"));
    r.report["mount"] = mount(r.fs_dev.c_str(), "/mnt", "xfs", 0, ("dax=" + r.dax_mode + mount_extra).c_str()) == 0 ? 0 : -errno;
}

/// Geometry from the superblock, the devices' sizes and where the pmem is.
void read_geometry(plan_run& r) {
    unsigned char sb[512];
    const int fd = open(r.fs_dev.c_str(), O_RDONLY);
    if (pread(fd, sb, sizeof sb, 0) == static_cast<ssize_t>(sizeof sb))
        r.report["geometry"] = {{"blocksize", be32(sb + 4)}, {"dblocks", be64(sb + 8)}, {"agblocks", be32(sb + 84)},
                                {"agcount", be32(sb + 88)}, {"rblocks", be64(sb + 16)}};
    // Realtime groups (metadir filesystems, xfsprogs 6.14 on): sb_rgcount, sb_rgextents and sb_rextsize.
    if (r.newer_mkfs && r.report.contains("geometry") && be32(sb + 272) != 0) {
        r.report["geometry"]["rgcount"] = be32(sb + 272);
        r.report["geometry"]["rgblocks"] = std::uint64_t{be32(sb + 276)} * be32(sb + 80);
    }
    close(fd);
    inode_ag_shift = std::min(63u, unsigned{sb[123]} + sb[124]);  // sb_inopblog + sb_agblklog: the AG is above them
    r.report["device_bytes"] = device_bytes("/dev/pmem0");
    r.report["fs_device_bytes"] = device_bytes(r.fs_dev);
    r.report["pmem_bases"] = pmem_bases();
}

/// Files placed in an AG: directories are spread over the AGs (XFS rotates new directories' inodes through
/// them); make them until each AG asked for has one.
void make_ag_directories(plan_run& r) {
    file_paths.clear();
    std::map<unsigned, std::string> dirs;
    for (const auto& f : r.plan["files"]) {
        if (!f.contains("ag")) continue;
        const unsigned want = f["ag"].get<unsigned>();
        for (int i = 0; !dirs.count(want) && i < 256; ++i) {
            const std::string d = "/mnt/.ag" + std::to_string(dirs.size()) + "_" + std::to_string(i);
            struct stat st{};
            if (mkdir(d.c_str(), 0755) != 0 || stat(d.c_str(), &st) != 0) break;
            const unsigned ag = static_cast<unsigned>(st.st_ino >> inode_ag_shift);
            if (!dirs.count(ag)) dirs[ag] = d;
        }
        if (dirs.count(want)) file_paths[f["name"].get<std::string>()] = dirs[want] + "/" + f["name"].get<std::string>();
        else r.report["ag_not_found_" + f["name"].get<std::string>()] = want;
    }
}

/// Sets `flag` (FS_XFLAG_*) on an open file or directory, and with FS_XFLAG_EXTSIZE its extent size hint; 0 or
/// -errno.
int set_xflag(int fd, std::uint32_t flag, std::uint32_t extsize = 0) {
    fsxattr fa{};
    ioctl(fd, FS_IOC_FSGETXATTR, &fa);
    fa.fsx_xflags |= flag;
    if (flag == FS_XFLAG_EXTSIZE) fa.fsx_extsize = extsize;
    return ioctl(fd, FS_IOC_FSSETXATTR, &fa) == 0 ? 0 : -errno;
}

/// Under dax=inode: FS_XFLAG_DAX on /mnt, so that the files created after it inherit it.
void set_dax_flag_on_mnt(plan_run& r) {
    const int dfd = open("/mnt", O_RDONLY | O_DIRECTORY);
    r.report["set_dax_flag"] = set_xflag(dfd, FS_XFLAG_DAX);
    close(dfd);
}

/// A file's data: a reflink copy of its source (shares every block), or its pages written with pwrite (after a
/// 2 MiB extent size hint and one fallocate of the whole file for a 2 MiB aligned one).
void write_file_data(plan_run& r, const json& f, int fd) {
    const std::string name = f["name"].get<std::string>();
    if (f.contains("clone_of")) {
        const int src = open(path_of(f["clone_of"].get<std::string>()).c_str(), O_RDONLY);
        r.report["clone_" + name] = ioctl(fd, FICLONE, src) == 0 ? 0 : -errno;
        close(src);
        return;
    }
    if (f.value("align_2m", false)) {
        r.report["extsize_" + name] = set_xflag(fd, FS_XFLAG_EXTSIZE, 2u << 20);
        r.report["fallocate_" + name] = fallocate(fd, 0, 0, static_cast<off_t>(number(f["pages"]) * page)) == 0 ? 0 : -errno;
    }
    std::vector<char> buf(256 * page, 'a');
    const std::uint64_t pages = number(f["pages"]);
    for (std::uint64_t i = 0; i < pages; i += 256)
        pwrite(fd, buf.data(), std::min<std::uint64_t>(256, pages - i) * page, static_cast<off_t>(i * page));
}

/// A file whose xattr block the event poisons gets an attribute too big for the inode's literal area: the attr
/// fork gets a block of its own.
void give_attr_block(plan_run& r, const json& f, int fd) {
    const auto& event = r.plan["event"];
    bool wants_attr_block = event.value("attr_of", std::string()) == f["name"].get<std::string>();
    for (const auto& pg : event.value("pages", json::array()))
        wants_attr_block |= pg.value("attr_of", std::string()) == f["name"].get<std::string>();
    if (!wants_attr_block) return;
    const std::string value(2048, 'x');
    r.report["setxattr"] = fsetxattr(fd, "user.daxfail", value.data(), value.size(), 0) == 0 ? 0 : -errno;
}

/// Creates one file of the plan, syncs it and returns its layout as the report gives it.
json create_file(plan_run& r, const json& f) {
    const std::string path = path_of(f["name"].get<std::string>());
    const int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
    if (f.value("realtime", false))  // data on the realtime device: the flag is set while the file is empty
        r.report["realtime_" + f["name"].get<std::string>()] = set_xflag(fd, FS_XFLAG_REALTIME);
    write_file_data(r, f, fd);
    give_attr_block(r, f, fd);
    fsync(fd);
    struct stat st{};
    fstat(fd, &st);
    const json extents = fiemap_extents(fd, 0), attr_extents = fiemap_extents(fd, FIEMAP_FLAG_XATTR);
    struct statx stx{};
    statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
    fsxattr xa{};
    ioctl(fd, FS_IOC_FSGETXATTR, &xa);
    close(fd);
    json file = {{"name", f["name"]}, {"ino", st.st_ino}, {"size", st.st_size}, {"extents", extents},
                 {"dax", (stx.stx_attributes & STATX_ATTR_DAX) != 0}, {"attr_extents", attr_extents}};
    if (xa.fsx_xflags & FS_XFLAG_REALTIME) file["realtime"] = true;
    return file;
}

/// Files: written (pwrite), synced, then their layout read back. Under dax=inode the non-DAX files are made
/// first, then FS_XFLAG_DAX is set on /mnt so that the files created after it inherit it.
void create_files(plan_run& r) {
    const json& files_in = r.plan["files"];
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < files_in.size(); ++i)
        if (!files_in[i].value("dax", true)) order.push_back(i);
    const std::size_t non_dax = order.size();
    for (std::size_t i = 0; i < files_in.size(); ++i)
        if (files_in[i].value("dax", true)) order.push_back(i);
    std::vector<json> files(files_in.size());
    for (std::size_t n = 0; n < order.size(); ++n) {
        if (n == non_dax && r.dax_mode == "inode") set_dax_flag_on_mnt(r);
        files[order[n]] = create_file(r, files_in[order[n]]);
    }
    r.report["files"] = files;
}

}  // namespace

#endif
