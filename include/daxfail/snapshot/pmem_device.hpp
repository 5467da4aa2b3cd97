// The pmem block device behind a dev_t, from sysfs: disk and partition, sizes, DAX support, and the pfn of
// byte 0 of the disk's data (the `resource` of the namespace or fsdax pfn device the disk sits on).
#ifndef DAXFAIL_SNAPSHOT_PMEM_DEVICE_HPP
#define DAXFAIL_SNAPSHOT_PMEM_DEVICE_HPP

#include <daxfail/snapshot/root_files.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace daxfail::snapshot {

struct block_device {
    std::string name;            ///< the device the filesystem is on: pmem0, or a partition such as pmem0p1
    std::string disk;            ///< the whole disk: pmem0
    std::string parent_device;   ///< the nvdimm device the disk sits on: namespace0.0 (raw/legacy), pfn0.0 (fsdax)
    std::uint64_t disk_bytes = 0;
    std::uint64_t part_off = 0;  ///< bytes from the start of the disk to the partition (0: whole disk)
    std::uint64_t nr_bytes = 0;  ///< bytes of `name`
    bool dax = false;            ///< queue/dax: the disk supports DAX
    std::optional<std::uint64_t> data_start;  ///< physical address of byte 0 of the disk's data
    std::optional<std::uint64_t> first_pfn() const {
        if (!data_start) return std::nullopt;
        return *data_start >> 12;
    }
};

/// Looks up block device major:minor in `root`/sys; nullopt with `why` if sysfs does not know it.
inline std::optional<block_device> find_block_device(unsigned major, unsigned minor, const std::string& root,
                                                     std::string& why) {
    namespace fs = std::filesystem;
    const std::string id = std::to_string(major) + ":" + std::to_string(minor);
    std::error_code ec;
    const fs::path dev = fs::canonical(under(root, "/sys/dev/block/" + id), ec);
    if (ec) {
        why = "block device " + id + " is not in " + under(root, "/sys/dev/block");
        return std::nullopt;
    }
    block_device b;
    b.name = dev.filename().string();
    fs::path disk = dev;
    if (fs::exists(dev / "partition", ec)) {
        disk = dev.parent_path();
        b.part_off = read_number((dev / "start").string()).value_or(0) * 512;
    }
    b.disk = disk.filename().string();
    b.disk_bytes = read_number((disk / "size").string()).value_or(0) * 512;
    b.nr_bytes = read_number((dev / "size").string()).value_or(0) * 512;
    b.dax = read_number((disk / "queue" / "dax").string()).value_or(0) == 1;
    // A raw/legacy namespace's `resource` is where its data starts; an fsdax pfn device's `resource` already
    // skips its info block and memmap reservation (the data offset).
    b.data_start = read_number((disk / "device" / "resource").string());
    const fs::path parent = fs::canonical(disk / "device", ec);
    if (!ec) b.parent_device = parent.filename().string();
    return b;
}

}  // namespace daxfail::snapshot

#endif
