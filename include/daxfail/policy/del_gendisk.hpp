// What happens to the filesystem when the pmem disk is deleted after kill_dax.
// Debian 6.1's del_gendisk only syncs and invalidates the block device. From the
// block-device holder ops (v6.6) the disk is marked dead and the filesystem's
// ->shutdown runs: XFS shuts down with SHUTDOWN_DEVICE_REMOVED, unless it already
// is shut down. This is the "second notification after it goes away" that review
// of v12 relied on.
#ifndef DAXFAIL_POLICY_DEL_GENDISK_HPP
#define DAXFAIL_POLICY_DEL_GENDISK_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class del_gendisk_kind { no_fs_shutdown, device_removed_shutdown };

constexpr std::string_view value_name(del_gendisk_kind v) noexcept {
    switch (v) {
        case del_gendisk_kind::no_fs_shutdown: return "no_fs_shutdown";
        case del_gendisk_kind::device_removed_shutdown: return "device_removed_shutdown";
    }
    return "?";
}

constexpr std::string_view axis_name(del_gendisk_kind) noexcept { return "del_gendisk"; }

namespace del_gendisk {
/// del_gendisk does not touch the filesystem (Debian 6.1)
struct no_fs_shutdown : detail::policy_tag<axis::del_gendisk, del_gendisk_kind::no_fs_shutdown> {};
/// bdev marked dead, xfs_fs_shutdown(SHUTDOWN_DEVICE_REMOVED) (v6.6+)
struct device_removed_shutdown : detail::policy_tag<axis::del_gendisk, del_gendisk_kind::device_removed_shutdown> {};
}  // namespace del_gendisk

/// Satisfied by the del_gendisk:: policies.
template <class P>
concept del_gendisk_policy = detail::policy_on<P, axis::del_gendisk>;

}  // namespace daxfail

#endif
