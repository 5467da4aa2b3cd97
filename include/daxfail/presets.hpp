// The real versions of the path, each a one-line policy combination that
// names only what it chooses (an axis left out takes its default, the v6.6
// tree's value: pre_patch names nothing). Any other combination is spelled the
// same way, or derived from a preset with ::with<...>.
#ifndef DAXFAIL_PRESETS_HPP
#define DAXFAIL_PRESETS_HPP

#include <daxfail/config.hpp>
#include <daxfail/detail/known_sources.hpp>
#include <daxfail/policy_source.hpp>
#include <daxfail/variant.hpp>

#include <boost/hana/size.hpp>
#include <boost/hana/unpack.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace daxfail::presets {

/// v6.6-v6.7, the tree the patch applies to: unbind is a whole-device memory failure (flags 0). Every axis at
/// its default: the defaults are this tree's values.
using pre_patch = variant<>;

/// "[PATCH v12 2/2] mm, pmem, xfs: Introduce MF_MEM_REMOVE for unbind", 29 Jun 2023, on the v6.6 freeze API
/// and range arithmetic (as posted it sat on v6.5's one-short blockcount: v12::with<range_math::v6_5>).
using v12 = variant<kill_dax_flags::pre_remove, freeze::loop_until_frozen, thaw::in_callee, thaw_userspace::anyway,
                    shutdown::force_umount_unless_error, collector::all_mapping_tasks, pre_remove_poison::leave_clean,
                    invalidate::on_pre_remove, non_dax_inode::skip, metadata_record::skip_on_pre_remove,
                    range_math::merged, log_device::ignore_pre_remove>;

/// v12 with both review points of Darrick Wong applied: return the freeze error instead of looping, and thaw
/// in the function that froze.
using v12_reviewed = v12::with<freeze::return_ebusy, thaw::where_frozen>;

/// Commit fa422b353d21 (v15.1), first released in v6.8, unchanged through v6.13: v12 after review (freeze once
/// and remember whether it froze, thaw where it froze, always force-umount on pre-remove) on the v6.8 freeze API.
using merged = v12::with<freeze::proceed_and_remember, thaw::where_frozen, shutdown::force_umount_always,
                         freeze_api::holder_counts>;
/// v6.14: rtgroups (799e7e6566df), log range check (f4ed93037966), and the group loop's u32 blockcount.
using v6_14 = merged::with<range_math::v6_14, log_device::range_checked, rt_device::rtgroups>;

/// v6.15: "fs/dax: properly refcount fs dax pages" (38607c62b34b's series): a shared DAX page keeps its first
/// file until a second one maps it, then has no mapping (the generic path fails with -EBUSY instead of oopsing).
using v6_15 = v6_14::with<dax_shared_page::share_count>;
/// v6.18: the range is translated on the filesystem's own length (6ef2175fce30).
using v6_18 = v6_15::with<range_math::v6_18>;
/// v7.2 (read in Debian's 7.2.13, whose build it takes the log shutdown's symbol from): translated before the
/// rmapbt test (v7.0, e76e0e3fc995), thaw refused to a holder that holds nothing (v6.16) while a thaw that leaves
/// another holder returns 0. v6.14's u32 blockcount is still there: a whole-device unbind spins.
using v7_2 = v6_18::with<range_math::v7_0, freeze_api::holder_counts_may_unfreeze,
                         shutdown_caller::logdev_failure_inlined>;

/// Debian 12's kernel 6.1.192: unbind is a whole-device memory failure, no freeze holders, the 6.1.112
/// range fixes, and del_gendisk leaves the filesystem alone.
using debian_6_1 = variant<freeze_api::no_holders, del_gendisk::no_fs_shutdown, dax_shared_page::last_faulter,
                           shutdown_caller::ddev_failure_inlined>;

/// Debian 12's kernel 6.12.117 (linux-image-6.12-amd64), read from linux-source-6.12: the merged behaviour plus
/// two stable backports, the log range check of f4ed93037966 and "fs: don't return -EINVAL for successful
/// nested thaw" (6.12.111), which makes a thaw that leaves another holder return 0.
using debian_6_12 = merged::with<freeze_api::holder_counts_nested_thaw_ok, log_device::range_checked>;

/// One preset of the registry: its variant, its name, what it models (one line: the README's preset table
/// is this text, and a test checks that they agree) and where it comes from (the table's source column).
template <class V>
struct preset {
    using variant = V;
    std::string_view name;
    std::string_view models;
    policy_source source;
};

/// Every preset, once, in release order of what they model. Names, configs, the type lists, the command's usage
/// text and the README's table all come from here: a new preset is one line here (plus its tests).
inline constexpr auto registry = boost::hana::make_tuple(
    preset<pre_patch>{"pre_patch", "v6.6-v6.7, the tree the patch applies to: unbind is a whole-device memory failure (flags 0)",
                      {"v6.6", "", "the tree the patch applies to (v6.6 and v6.7)", "", ""}},
    preset<v12>{"v12", "the patch as posted on 29 Jun 2023 (freeze loop, thaw in the callee), on the v6.6 freeze API",
                detail::known_sources::v12_only},
    preset<v12_reviewed>{"v12_reviewed", "`v12::with<freeze::return_ebusy, thaw::where_frozen>`: both review points applied",
                         detail::known_sources::v12_reviewed},
    preset<merged>{"merged", "commit fa422b353d21, first released in v6.8, unchanged through v6.13",
                   {"v6.8", "fa422b353d21", detail::known_sources::pre_remove_subject,
                    "linux-xfs, 28 Sep 2023, Shiyang Ruan, \"[PATCH v15] mm, pmem, xfs: Introduce "
                    "MF_MEM_PRE_REMOVE for unbind\" (merged as v15.1, the same code rebased on v6.6-rc7)",
                    "20230928103227.250550-1-ruansy.fnst@fujitsu.com"}},
    preset<v6_14>{"v6_14", "v6.14: rtgroups, the log range check and the u32 group blockcount",
                  detail::known_sources::rtgroups},
    preset<v6_15>{"v6_15", "v6.15: `v6_14` with shared DAX pages counted, not marked: no oops on a reflinked poison",
                  {"v6.15", "38607c62b34b", "fs/dax: properly refcount fs dax pages", "", ""}},
    preset<v6_18>{"v6_18", "v6.18: `v6_15` with the range translated on the filesystem's own length",
                  {"v6.18", "6ef2175fce30", "xfs: use bt_nr_sectors in xfs_dax_translate_range", "", ""}},
    preset<v7_2>{"v7_2",
                 "v7.2: `v6_18` translating before the rmapbt test, with 7.2's thaw return codes and Debian's build "
                 "symbols; still the u32 blockcount (the unbind spins)",
                 {"v7.2", "", "Linux 7.2, read in Debian's linux-source-7.2 7.2.13-1", "", ""}},
    preset<debian_6_1>{"debian_6_1",
                       "Debian 12's 6.1.192: no pre-remove flag, no freeze holders, del_gendisk leaves the fs alone, a "
                       "read fault of a reflinked page re-associates it, and its build inlines "
                       "`xfs_dax_notify_ddev_failure`",
                       {"Debian 6.1.192", "", "linux-image-amd64 6.1.192, read in linux-source-6.1", "", ""}},
    preset<debian_6_12>{"debian_6_12",
                        "Debian 12's 6.12.117: `merged` plus two stable backports (the log range check, and a thaw "
                        "that leaves another holder returns 0)",
                        {"Debian 6.12.117", "", "linux-image-6.12-amd64 6.12.117, read in linux-source-6.12", "", ""}});

/// How many presets there are.
inline constexpr std::size_t count = decltype(boost::hana::size(registry))::value;

/// Every preset, as a Hana type list, in registry order.
inline constexpr auto all = boost::hana::unpack(registry, [](auto... p) {
    return boost::hana::tuple_t<typename decltype(p)::variant...>;
});
/// Names, in the order of `all`.
inline constexpr std::array<std::string_view, count> names =
    boost::hana::unpack(registry, [](auto... p) { return std::array<std::string_view, count>{p.name...}; });
/// What each models, in the order of `all`.
inline constexpr std::array<std::string_view, count> models =
    boost::hana::unpack(registry, [](auto... p) { return std::array<std::string_view, count>{p.models...}; });
/// Where each comes from, in the order of `all`.
inline constexpr std::array<policy_source, count> sources =
    boost::hana::unpack(registry, [](auto... p) { return std::array<policy_source, count>{p.source...}; });
/// Configs, in the order of `all`.
inline constexpr std::array<config, count> configs = boost::hana::unpack(registry, [](auto... p) {
    return std::array<config, count>{decltype(p)::variant::config...};
});
/// The presets as a std::tuple of their types (for test frameworks' type lists).
using as_tuple = decltype(boost::hana::unpack(registry, [](auto... p) {
    return std::tuple<typename decltype(p)::variant...>{};
}));
/// Where the preset named `name` comes from; nullopt if no preset has that name.
inline std::optional<policy_source> source_of(std::string_view name) {
    for (std::size_t i = 0; i < count; ++i)
        if (names[i] == name) return sources[i];
    return std::nullopt;
}
/// "pre_patch, v12, ...".
inline std::string name_list() {
    std::string s;
    for (auto n : names) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

}  // namespace daxfail::presets

namespace daxfail {

/// The preset's name if `c` is one, else every axis spelled out ("kill_dax_flags=pre_remove,...").
inline std::string variant_name(const config& c) {
    for (std::size_t i = 0; i < presets::configs.size(); ++i)
        if (presets::configs[i] == c) return std::string(presets::names[i]);
    return policy_string(c);
}

/// A named variant's own name (`static constexpr std::string_view name`), else as above.
template <variant_type V>
std::string variant_name() {
    if constexpr (requires { std::string_view{V::name}; })
        return std::string(V::name);
    else
        return variant_name(V::config);
}

}  // namespace daxfail

#endif
