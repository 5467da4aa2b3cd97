// What a notification for an external log device does (A5). Up to v6.7 and in
// Debian 6.1: "ondisk log corrupt, shutting down fs!", CORRUPT_ONDISK,
// -EFSCORRUPTED. v12 and v6.8+: a pre-remove returns 0 and does nothing. v6.14
// (f4ed93037966): the range is checked against the log first (-ENXIO beyond it).
#ifndef DAXFAIL_POLICY_LOG_DEVICE_HPP
#define DAXFAIL_POLICY_LOG_DEVICE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class log_device_kind { corrupt_always, ignore_pre_remove, range_checked };

constexpr std::string_view value_name(log_device_kind v) noexcept {
    switch (v) {
        case log_device_kind::corrupt_always: return "corrupt_always";
        case log_device_kind::ignore_pre_remove: return "ignore_pre_remove";
        case log_device_kind::range_checked: return "range_checked";
    }
    return "?";
}

constexpr std::string_view axis_name(log_device_kind) noexcept { return "log_device"; }

namespace log_device {
/// always a corrupt shutdown (<= v6.7, Debian 6.1)
struct corrupt_always : detail::policy_tag<axis::log_device, log_device_kind::corrupt_always> {};
/// pre-remove returns 0, else corrupt shutdown (v12, v6.8-v6.13)
struct ignore_pre_remove : detail::policy_tag<axis::log_device, log_device_kind::ignore_pre_remove> {};
/// -ENXIO outside the log, then as ignore_pre_remove (v6.14+)
struct range_checked : detail::policy_tag<axis::log_device, log_device_kind::range_checked> {};
}  // namespace log_device

/// Satisfied by the log_device:: policies.
template <class P>
concept log_device_policy = detail::policy_on<P, axis::log_device>;

}  // namespace daxfail

#endif
