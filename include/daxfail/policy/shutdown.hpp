// How the filesystem is shut down after the scan. Before the patch: as
// corrupt (SHUTDOWN_CORRUPT_ONDISK) when the scan failed or met metadata, and a
// 0 return becomes -EFSCORRUPTED (a failed scan returns its own error). v12-v14: the same, else force-umount on
// pre-remove. v15 / merged (v6.8+): force-umount on every pre-remove and return
// the raw scan error.
//
// The decision: after the scan, given its error, whether it asked for a
// shutdown (metadata hit, inode being reclaimed) and whether this is a
// pre-remove, the policy names the shutdown. A corrupt shutdown also turns a 0
// return into -EFSCORRUPTED (every version); a force-umount keeps the scan's
// error.
//
// What the kernel can see at this point (the end of
// xfs_dax_notify_ddev_failure, xfs_dax_notify_dev_failure in 7.2, after the
// group loop): the loop's error, notify.want_shutdown, mf_flags, whether this
// path froze, and the mount (xfs_is_shutdown(mp), unread: a second shutdown
// returns early anyway). The policy gets error, want_shutdown and pre_remove.
// Not in reach: what want_shutdown stood for (a metadata record and an
// xfs_iget failure set the same bool), how many owners were killed, or whether
// the AGF read, the query or a kill failed (one int).
//
//     struct my_policy {                       // satisfies daxfail::shutdown_policy
//         using axis = daxfail::axis::shutdown;
//         static constexpr std::string_view name = "my_policy";
//         static shutdown_action after_scan(const scan_outcome&);
//     };
#ifndef DAXFAIL_POLICY_SHUTDOWN_HPP
#define DAXFAIL_POLICY_SHUTDOWN_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct shutdown;  // described at the end of this header
}

/// What the rmap scan left for the shutdown decision.
struct scan_outcome {
    int error = 0;               ///< the query's error (0, -EIO on a shut-down mount, -EBUSY from a kill, ...)
    bool want_shutdown = false;  ///< xfs_failure_info.want_shutdown: metadata hit or inode being reclaimed
    bool pre_remove = false;     ///< MF_MEM_PRE_REMOVE is still set
};

/// The xfs_force_shutdown after the scan.
enum class shutdown_action { none, corrupt_ondisk, force_umount };

/// A shutdown policy as the model runs it.
struct shutdown_ops {
    std::string_view name;
    shutdown_action (*after_scan)(const scan_outcome&);
    friend constexpr bool operator==(const shutdown_ops&, const shutdown_ops&) = default;
};

namespace shutdown {
/// CORRUPT_ONDISK if error or metadata hit (v6.1-v6.7, Debian 6.1)
struct corrupt_on_error : detail::policy_tag<axis::shutdown, "corrupt_on_error"> {
    static constexpr policy_source source = detail::known_sources::scan_then_shutdown;
    static constexpr shutdown_action after_scan(const scan_outcome& s) {
        return s.error || s.want_shutdown ? shutdown_action::corrupt_ondisk : shutdown_action::none;
    }
};
/// as corrupt_on_error, else FORCE_UMOUNT on pre-remove (v12-v14)
struct force_umount_unless_error : detail::policy_tag<axis::shutdown, "force_umount_unless_error"> {
    static constexpr policy_source source = detail::known_sources::v12_only;
    static constexpr shutdown_action after_scan(const scan_outcome& s) {
        if (s.error || s.want_shutdown) return shutdown_action::corrupt_ondisk;
        return s.pre_remove ? shutdown_action::force_umount : shutdown_action::none;
    }
};
/// FORCE_UMOUNT on every pre-remove, raw error returned (v15, v6.8+)
struct force_umount_always : detail::policy_tag<axis::shutdown, "force_umount_always"> {
    static constexpr policy_source source{
        "v6.8", "fa422b353d21", detail::known_sources::pre_remove_subject,
        "linux-xfs, 28 Sep 2023, Shiyang Ruan, \"[PATCH v15] mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind\": "
        "force-unmount on every pre-remove",
        "20230928103227.250550-1-ruansy.fnst@fujitsu.com"};
    static constexpr shutdown_action after_scan(const scan_outcome& s) {
        if (s.pre_remove) return shutdown_action::force_umount;
        return s.error || s.want_shutdown ? shutdown_action::corrupt_ondisk : shutdown_action::none;
    }
};
}  // namespace shutdown

namespace detail {
template <class P>
concept shutdown_has_after_scan = requires {
    { &P::after_scan } -> std::convertible_to<decltype(shutdown_ops::after_scan)>;
};
}  // namespace detail

/// A shutdown policy: `static shutdown_action after_scan(const scan_outcome&)`.
template <class P>
concept shutdown_policy = detail::policy_on<P, axis::shutdown> && detail::shutdown_has_after_scan<P>;

namespace axis {
struct shutdown {
    static constexpr std::string_view name = "shutdown";
    using ops = shutdown_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::shutdown::corrupt_on_error;
    using builtins = detail::type_list<daxfail::shutdown::corrupt_on_error, daxfail::shutdown::force_umount_unless_error, daxfail::shutdown::force_umount_always>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::shutdown_has_after_scan<P>, "daxfail: this shutdown policy needs `static shutdown_action after_scan(const scan_outcome&)`");
        if constexpr (!shutdown_policy<P>) return ops{};
        else return {P::name, &P::after_scan};
    }
    struct field;  // config::shutdown: defined below, where make() is complete
};
struct shutdown::field {
    ops shutdown = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
