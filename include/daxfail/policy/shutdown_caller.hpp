// Which function the shutdown message names: xfs_do_force_shutdown prints its
// return address ("... detected at %pS"), so the symbol is what the compiler
// made of the source. Debian 6.1's build inlines xfs_dax_notify_ddev_failure
// into xfs_dax_notify_failure, which every notification shutdown then names.
// Debian 6.12's build keeps it out of line, and xfs_fs_shutdown tail-calls,
// so the block-device removal names its caller, fs_bdev_mark_dead. Mainline
// presets take the 6.12 build's symbols (the source's functions).
#ifndef DAXFAIL_POLICY_SHUTDOWN_CALLER_HPP
#define DAXFAIL_POLICY_SHUTDOWN_CALLER_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class shutdown_caller_kind { out_of_line, ddev_failure_inlined };

constexpr std::string_view value_name(shutdown_caller_kind v) noexcept {
    switch (v) {
        case shutdown_caller_kind::out_of_line: return "out_of_line";
        case shutdown_caller_kind::ddev_failure_inlined: return "ddev_failure_inlined";
    }
    return "?";
}

constexpr std::string_view axis_name(shutdown_caller_kind) noexcept { return "shutdown_caller"; }

namespace shutdown_caller {
/// each function its own symbol; device removal names fs_bdev_mark_dead (Debian 6.12's build, mainline)
struct out_of_line : detail::policy_tag<axis::shutdown_caller, shutdown_caller_kind::out_of_line> {};
/// xfs_dax_notify_ddev_failure inlined into xfs_dax_notify_failure (Debian 6.1's build)
struct ddev_failure_inlined : detail::policy_tag<axis::shutdown_caller, shutdown_caller_kind::ddev_failure_inlined> {};
}  // namespace shutdown_caller

/// Satisfied by the shutdown_caller:: policies.
template <class P>
concept shutdown_caller_policy = detail::policy_on<P, axis::shutdown_caller>;

}  // namespace daxfail

#endif
