// How the filesystem is shut down after the scan (A22/A23). Before the patch: as
// corrupt (SHUTDOWN_CORRUPT_ONDISK) when the scan failed or met metadata, and the
// return value becomes -EFSCORRUPTED. v12-v14: the same, else force-umount on
// pre-remove. v15 / merged (v6.8+): force-umount on every pre-remove and return
// the raw scan error.
#ifndef DAXFAIL_POLICY_SHUTDOWN_HPP
#define DAXFAIL_POLICY_SHUTDOWN_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class shutdown_mode { corrupt_on_error, force_umount_unless_error, force_umount_always };

constexpr std::string_view value_name(shutdown_mode v) noexcept {
    switch (v) {
        case shutdown_mode::corrupt_on_error: return "corrupt_on_error";
        case shutdown_mode::force_umount_unless_error: return "force_umount_unless_error";
        case shutdown_mode::force_umount_always: return "force_umount_always";
    }
    return "?";
}

constexpr std::string_view axis_name(shutdown_mode) noexcept { return "shutdown"; }

namespace shutdown {
/// CORRUPT_ONDISK if error or metadata hit (v6.1-v6.7, Debian 6.1)
struct corrupt_on_error : detail::policy_tag<axis::shutdown, shutdown_mode::corrupt_on_error> {};
/// as corrupt_on_error, else FORCE_UMOUNT on pre-remove (v12-v14)
struct force_umount_unless_error : detail::policy_tag<axis::shutdown, shutdown_mode::force_umount_unless_error> {};
/// FORCE_UMOUNT on every pre-remove, raw error returned (v15, v6.8+)
struct force_umount_always : detail::policy_tag<axis::shutdown, shutdown_mode::force_umount_always> {};
}  // namespace shutdown

/// Satisfied by the shutdown:: policies.
template <class P>
concept shutdown_policy = detail::policy_on<P, axis::shutdown>;

}  // namespace daxfail

#endif
