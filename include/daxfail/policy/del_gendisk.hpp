// What happens to the filesystem when the pmem disk is deleted after kill_dax.
// Debian 6.1's del_gendisk syncs a filesystem on the whole disk and drops its
// unused inodes and dentries, but never shuts it down, and never reaches a
// filesystem on a partition or an external log. From the block-device holder
// ops (v6.6) the disk is marked dead and the filesystem's
// ->shutdown runs: XFS shuts down with SHUTDOWN_DEVICE_REMOVED, unless it already
// is shut down. This is the "second notification after it goes away" that review
// of v12 relied on.
//
// The decision: whether del_gendisk marks the disk dead and shuts a filesystem
// on any of its devices down (SHUTDOWN_DEVICE_REMOVED), or only syncs and
// invalidates the data device.
//
// What the kernel can see at this point (del_gendisk(disk), called by
// pmem_release_disk after kill_dax): the disk, its partitions, GD_DEAD (6.12
// and 7.2 report only a disk not yet dead) and each block device's holder,
// which through fs_holder_ops (fs_bdev_mark_dead) leads to the superblock from
// any XFS device. 6.1 has no holder ops: it finds only a superblock on the
// whole disk (get_super in fsync_bdev, __invalidate_device). The policy is a
// constant. Not in reach: whether kill_dax already told the filesystem
// (another channel) or XFS is shut down (xfs_do_force_shutdown checks that
// itself).
//
//     struct my_policy {                       // satisfies daxfail::del_gendisk_policy
//         using axis = daxfail::axis::del_gendisk;
//         static constexpr std::string_view name = "my_policy";
//         static constexpr bool shuts_down_filesystem = true;
//     };
#ifndef DAXFAIL_POLICY_DEL_GENDISK_HPP
#define DAXFAIL_POLICY_DEL_GENDISK_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct del_gendisk;  // described at the end of this header
}

/// A del_gendisk policy as the model runs it.
struct del_gendisk_ops {
    std::string_view name;
    bool shuts_down_filesystem;
    friend constexpr bool operator==(const del_gendisk_ops&, const del_gendisk_ops&) = default;
};

namespace del_gendisk {
/// del_gendisk does not touch the filesystem (Debian 6.1)
struct no_fs_shutdown : detail::policy_tag<axis::del_gendisk, "no_fs_shutdown"> {
    static constexpr policy_source source{
        "before v6.6", "", "del_gendisk syncs and invalidates the block device only (read in Debian 6.1.192)", "", ""};
    static constexpr bool shuts_down_filesystem = false;
};
/// bdev marked dead, xfs_fs_shutdown(SHUTDOWN_DEVICE_REMOVED) (v6.6+)
struct device_removed_shutdown : detail::policy_tag<axis::del_gendisk, "device_removed_shutdown"> {
    static constexpr policy_source source{"v6.6", "", "xfs: wire up sops->shutdown", "", ""};
    static constexpr bool shuts_down_filesystem = true;
};
}  // namespace del_gendisk

namespace detail {
template <class P>
concept del_gendisk_has_shuts_down_filesystem = requires {
    requires detail::constant_of<P, bool, &P::shuts_down_filesystem>;
};
}  // namespace detail

/// A del_gendisk policy: `static constexpr bool shuts_down_filesystem`.
template <class P>
concept del_gendisk_policy = detail::policy_on<P, axis::del_gendisk> && detail::del_gendisk_has_shuts_down_filesystem<P>;

namespace axis {
struct del_gendisk {
    static constexpr std::string_view name = "del_gendisk";
    using ops = del_gendisk_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::del_gendisk::device_removed_shutdown;
    using builtins = detail::type_list<daxfail::del_gendisk::no_fs_shutdown, daxfail::del_gendisk::device_removed_shutdown>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::del_gendisk_has_shuts_down_filesystem<P>, "daxfail: this del_gendisk policy needs `static constexpr bool shuts_down_filesystem`");
        if constexpr (!del_gendisk_policy<P>) return ops{};
        else return {P::name, P::shuts_down_filesystem};
    }
    struct field;  // config::del_gendisk: defined below, where make() is complete
};
struct del_gendisk::field {
    ops del_gendisk = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
