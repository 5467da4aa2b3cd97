// What a notification for the realtime device does. Up to v6.13:
// -EOPNOTSUPP ("notify_failure() not supported on realtime device!", a debug
// message that production kernels do not print). v6.14 (799e7e6566df) walks the
// rtgroups' rmap btrees like the data device's allocation groups.
//
// The decision: whether a notification for the realtime device walks the
// rtgroups' rmap btrees (else -EOPNOTSUPP).
//
// What the kernel can see at this point (xfs_dax_notify_failure's comparison
// of the dax_device with m_rtdev_targp->bt_daxdev): the mount, the range and
// mf_flags. Up to 6.13 no index leads from realtime blocks to files: 6.12 will
// not mount rmapbt with a realtime section ("reverse mapping btree not
// compatible with realtime device!", xfs_fs_fill_super), so only a walk of
// every realtime inode's extents could find owners. 7.2 has rtgroups with
// their own rmap btrees and walks them in the data device's loop
// (xfs_dax_notify_dev_failure, XG_TYPE_RTG). The policy is a constant.
//
//     struct my_policy {                       // satisfies daxfail::rt_device_policy
//         using axis = daxfail::axis::rt_device;
//         static constexpr std::string_view name = "my_policy";
//         static constexpr bool scans_rtgroups = true;
//     };
#ifndef DAXFAIL_POLICY_RT_DEVICE_HPP
#define DAXFAIL_POLICY_RT_DEVICE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct rt_device;  // described at the end of this header
}

/// A rt_device policy as the model runs it.
struct rt_device_ops {
    std::string_view name;
    bool scans_rtgroups;
    friend constexpr bool operator==(const rt_device_ops&, const rt_device_ops&) = default;
};

namespace rt_device {
/// -EOPNOTSUPP (<= v6.13, Debian 6.1)
struct unsupported : detail::policy_tag<axis::rt_device, "unsupported"> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
    static constexpr bool scans_rtgroups = false;
};
/// scan rtgroup rmap btrees (v6.14+)
struct rtgroups : detail::policy_tag<axis::rt_device, "rtgroups"> {
    static constexpr policy_source source = detail::known_sources::rtgroups;
    static constexpr bool scans_rtgroups = true;
};
}  // namespace rt_device

namespace detail {
template <class P>
concept rt_device_has_scans_rtgroups = requires {
    requires detail::constant_of<P, bool, &P::scans_rtgroups>;
};
}  // namespace detail

/// A rt_device policy: `static constexpr bool scans_rtgroups`.
template <class P>
concept rt_device_policy = detail::policy_on<P, axis::rt_device> && detail::rt_device_has_scans_rtgroups<P>;

namespace axis {
struct rt_device {
    static constexpr std::string_view name = "rt_device";
    using ops = rt_device_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::rt_device::unsupported;
    using builtins = detail::type_list<daxfail::rt_device::unsupported, daxfail::rt_device::rtgroups>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::rt_device_has_scans_rtgroups<P>, "daxfail: this rt_device policy needs `static constexpr bool scans_rtgroups`");
        if constexpr (!rt_device_policy<P>) return ops{};
        else return {P::name, P::scans_rtgroups};
    }
    struct field;  // config::rt_device: defined below, where make() is complete
};
struct rt_device::field {
    ops rt_device = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
