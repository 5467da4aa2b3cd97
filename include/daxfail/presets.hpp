// The real versions of the path, each a one-line policy combination.
// Any other combination is spelled the same way, or derived from a preset
// with ::with<...>.
#ifndef DAXFAIL_PRESETS_HPP
#define DAXFAIL_PRESETS_HPP

#include <daxfail/config.hpp>
#include <daxfail/variant.hpp>

#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace daxfail::presets {

/// v6.6-v6.7, the tree the patch applies to: unbind is a whole-device memory failure (flags 0).
using pre_patch =
    variant<kill_dax_flags::none, rmap_source::rmapbt_query, freeze::none, thaw::where_frozen, thaw_userspace::never,
            shutdown::corrupt_on_error, collector::early_kill, pre_remove_poison::set_hwpoison, invalidate::none,
            non_dax_inode::kill_anyway, metadata_record::want_shutdown, range_math::v6_6, freeze_api::holder_bitmask,
            log_device::corrupt_always, rt_device::unsupported, del_gendisk::device_removed_shutdown,
            dax_shared_page::shared_marker, shutdown_caller::out_of_line>;

/// "[PATCH v12 2/2] mm, pmem, xfs: Introduce MF_MEM_REMOVE for unbind", 29 Jun 2023, on the v6.6 freeze API
/// and range arithmetic (as posted it sat on v6.5's one-short blockcount: v12::with<range_math::v6_5>).
using v12 =
    variant<kill_dax_flags::pre_remove, rmap_source::rmapbt_query, freeze::loop_until_frozen, thaw::in_callee,
            thaw_userspace::anyway, shutdown::force_umount_unless_error, collector::all_mapping_tasks,
            pre_remove_poison::leave_clean, invalidate::on_pre_remove, non_dax_inode::skip,
            metadata_record::skip_on_pre_remove, range_math::merged, freeze_api::holder_bitmask,
            log_device::ignore_pre_remove, rt_device::unsupported, del_gendisk::device_removed_shutdown,
            dax_shared_page::shared_marker, shutdown_caller::out_of_line>;

/// v12 with both review points of Darrick Wong applied: return the freeze error instead of looping, and thaw
/// in the function that froze.
using v12_reviewed = v12::with<freeze::return_ebusy, thaw::where_frozen>;

/// Commit fa422b353d21 (v15.1), first released in v6.8, unchanged through v6.13.
using merged =
    variant<kill_dax_flags::pre_remove, rmap_source::rmapbt_query, freeze::proceed_and_remember, thaw::where_frozen,
            thaw_userspace::anyway, shutdown::force_umount_always, collector::all_mapping_tasks,
            pre_remove_poison::leave_clean, invalidate::on_pre_remove, non_dax_inode::skip,
            metadata_record::skip_on_pre_remove, range_math::merged, freeze_api::holder_counts,
            log_device::ignore_pre_remove, rt_device::unsupported, del_gendisk::device_removed_shutdown,
            dax_shared_page::shared_marker, shutdown_caller::out_of_line>;

/// v6.14: rtgroups (799e7e6566df), log range check (f4ed93037966), and the group loop's u32 blockcount.
using v6_14 = merged::with<range_math::v6_14, log_device::range_checked, rt_device::rtgroups>;

/// Debian 12's kernel 6.1.192: unbind is a whole-device memory failure, no freeze holders, the 6.1.112
/// range fixes, and del_gendisk leaves the filesystem alone.
using debian_6_1 =
    variant<kill_dax_flags::none, rmap_source::rmapbt_query, freeze::none, thaw::where_frozen, thaw_userspace::never,
            shutdown::corrupt_on_error, collector::early_kill, pre_remove_poison::set_hwpoison, invalidate::none,
            non_dax_inode::kill_anyway, metadata_record::want_shutdown, range_math::v6_6, freeze_api::no_holders,
            log_device::corrupt_always, rt_device::unsupported, del_gendisk::no_fs_shutdown,
            dax_shared_page::last_faulter, shutdown_caller::ddev_failure_inlined>;

/// Debian 12's kernel 6.12.117 (linux-image-6.12-amd64), read from linux-source-6.12: the merged behaviour plus
/// two stable backports, the log range check of f4ed93037966 and "fs: don't return -EINVAL for successful
/// nested thaw" (6.12.111), which makes a thaw that leaves another holder return 0.
using debian_6_12 = merged::with<freeze_api::holder_counts_nested_thaw_ok, log_device::range_checked>;

/// Every preset, as a Hana type list, in release order of what they model.
inline constexpr auto all =
    boost::hana::tuple_t<pre_patch, v12, v12_reviewed, merged, v6_14, debian_6_1, debian_6_12>;

/// Names, in the order of `all`.
inline constexpr std::array<std::string_view, 7> names = {"pre_patch", "v12",        "v12_reviewed", "merged",
                                                          "v6_14",     "debian_6_1", "debian_6_12"};

/// Configs, in the order of `all`.
inline constexpr std::array<config, 7> configs = {pre_patch::config, v12::config,        v12_reviewed::config,
                                                  merged::config,    v6_14::config,      debian_6_1::config,
                                                  debian_6_12::config};

}  // namespace daxfail::presets

namespace daxfail {

/// Calls f(boost::hana::type_c<P>) for every preset P, in the order of presets::all.
template <class F>
void for_each_preset(F&& f) {
    boost::hana::for_each(presets::all, std::forward<F>(f));
}

/// The preset's name if `c` is one, else every axis spelled out ("kill_dax_flags=pre_remove,...").
inline std::string variant_name(const config& c) {
    for (std::size_t i = 0; i < presets::configs.size(); ++i)
        if (presets::configs[i] == c) return std::string(presets::names[i]);
    return policy_string(c);
}

template <variant_type V>
std::string variant_name() {
    return variant_name(V::config);
}

}  // namespace daxfail

#endif
