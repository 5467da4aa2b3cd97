// What a notification for the realtime device does (A4). Up to v6.13:
// -EOPNOTSUPP ("notify_failure() not supported on realtime device!", a debug
// message that production kernels do not print). v6.14 (799e7e6566df) walks the
// rtgroups' rmap btrees like the data device's allocation groups.
#ifndef DAXFAIL_POLICY_RT_DEVICE_HPP
#define DAXFAIL_POLICY_RT_DEVICE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class rt_device_kind { unsupported, rtgroups };

constexpr std::string_view value_name(rt_device_kind v) noexcept {
    switch (v) {
        case rt_device_kind::unsupported: return "unsupported";
        case rt_device_kind::rtgroups: return "rtgroups";
    }
    return "?";
}

constexpr std::string_view axis_name(rt_device_kind) noexcept { return "rt_device"; }

namespace rt_device {
/// -EOPNOTSUPP (<= v6.13, Debian 6.1)
struct unsupported : detail::policy_tag<axis::rt_device, rt_device_kind::unsupported> {};
/// scan rtgroup rmap btrees (v6.14+)
struct rtgroups : detail::policy_tag<axis::rt_device, rt_device_kind::rtgroups> {};
}  // namespace rt_device

/// Satisfied by the rt_device:: policies.
template <class P>
concept rt_device_policy = detail::policy_on<P, axis::rt_device>;

}  // namespace daxfail

#endif
