// Which function the shutdown message names: xfs_do_force_shutdown prints its
// return address ("... detected at %pS"), so the symbol is what the compiler
// made of the source. Debian 6.1's build inlines xfs_dax_notify_ddev_failure
// into xfs_dax_notify_failure, which every notification shutdown then names.
// Debian 6.12's build keeps it out of line, and xfs_fs_shutdown tail-calls,
// so the block-device removal names its caller, fs_bdev_mark_dead. Debian
// 7.2's build inlines xfs_dax_notify_logdev_failure (v6.14+) into
// xfs_dax_notify_failure, which the log's shutdown then names. Mainline
// presets up to v6_14 take the 6.12 build's symbols (the source's functions);
// v7_2 takes Debian 7.2's, the build the oracle judges it by.
//
// The decision: the symbol a shutdown message prints for a function of the
// source (what the build inlined).
//
// What the kernel can see at this point (xfs_do_force_shutdown(mp, flags,
// fname, lnnum), through the xfs_force_shutdown macro): the flags, the
// caller's source file and line (__FILE__, __LINE__) and __return_address, the
// code address the call returns to, printed with %pS. Only a mount's first
// shutdown prints (a later one returns early). Not in reach: the calling
// function as the source writes it; the symbol is the function the compiler
// put the call in (inlining, tail calls), which only the build shows, and
// which the policy encodes.
//
//     struct my_policy {                       // satisfies daxfail::shutdown_caller_policy
//         using axis = daxfail::axis::shutdown_caller;
//         static constexpr std::string_view name = "my_policy";
//         static std::string_view symbol(std::string_view function);
//     };
#ifndef DAXFAIL_POLICY_SHUTDOWN_CALLER_HPP
#define DAXFAIL_POLICY_SHUTDOWN_CALLER_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct shutdown_caller;  // described at the end of this header
}

/// A shutdown_caller policy as the model runs it.
struct shutdown_caller_ops {
    std::string_view name;
    std::string_view (*symbol)(std::string_view function);
    friend constexpr bool operator==(const shutdown_caller_ops&, const shutdown_caller_ops&) = default;
};

namespace shutdown_caller {
/// each function its own symbol; device removal names fs_bdev_mark_dead (Debian 6.12's build, mainline)
struct out_of_line : detail::policy_tag<axis::shutdown_caller, "out_of_line"> {
    static constexpr policy_source source{
        "Debian 6.12.117", "", "the build keeps every function of the source out of line", "", ""};
    static constexpr std::string_view symbol(std::string_view function) { return function; }
};
/// xfs_dax_notify_ddev_failure inlined into xfs_dax_notify_failure (Debian 6.1's build)
struct ddev_failure_inlined : detail::policy_tag<axis::shutdown_caller, "ddev_failure_inlined"> {
    static constexpr policy_source source{
        "Debian 6.1.192", "", "the build inlines xfs_dax_notify_ddev_failure into xfs_dax_notify_failure", "", ""};
    static constexpr std::string_view symbol(std::string_view function) {
        return function == "xfs_dax_notify_ddev_failure" ? "xfs_dax_notify_failure" : function;
    }
};
/// xfs_dax_notify_logdev_failure inlined into xfs_dax_notify_failure (Debian 7.2's build)
struct logdev_failure_inlined
    : detail::policy_tag<axis::shutdown_caller, "logdev_failure_inlined"> {
    static constexpr policy_source source{
        "Debian 7.2.13", "", "the build inlines xfs_dax_notify_logdev_failure into xfs_dax_notify_failure", "", ""};
    static constexpr std::string_view symbol(std::string_view function) {
        return function == "xfs_dax_notify_logdev_failure" ? "xfs_dax_notify_failure" : function;
    }
};
}  // namespace shutdown_caller

namespace detail {
template <class P>
concept shutdown_caller_has_symbol = requires {
    { &P::symbol } -> std::convertible_to<decltype(shutdown_caller_ops::symbol)>;
};
}  // namespace detail

/// A shutdown_caller policy: `static std::string_view symbol(std::string_view function)`.
template <class P>
concept shutdown_caller_policy = detail::policy_on<P, axis::shutdown_caller> && detail::shutdown_caller_has_symbol<P>;

namespace axis {
struct shutdown_caller {
    static constexpr std::string_view name = "shutdown_caller";
    using ops = shutdown_caller_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::shutdown_caller::out_of_line;
    using builtins = detail::type_list<daxfail::shutdown_caller::out_of_line, daxfail::shutdown_caller::ddev_failure_inlined,
                                       daxfail::shutdown_caller::logdev_failure_inlined>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::shutdown_caller_has_symbol<P>, "daxfail: this shutdown_caller policy needs `static std::string_view symbol(std::string_view function)`");
        if constexpr (!shutdown_caller_policy<P>) return ops{};
        else return {P::name, &P::symbol};
    }
    struct field;  // config::shutdown_caller: defined below, where make() is complete
};
struct shutdown_caller::field {
    ops shutdown_caller = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
