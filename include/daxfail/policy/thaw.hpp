// Where the kernel freeze is released. v12 froze in
// xfs_dax_notify_failure and thawed, unconditionally, in
// xfs_dax_notify_ddev_failure; review asked to thaw in the function that froze,
// and from v13 on the kernel holder is thawed only if this path froze it.
//
// The decision: where the pre-remove path freezes (which decides where it
// thaws), and whether it thaws the kernel holder given whether this path froze.
//
// What the kernel can see at this point (xfs_dax_notify_failure_thaw(mp,
// kernel_frozen), called at the end of xfs_dax_notify_ddev_failure, or of
// xfs_dax_notify_dev_failure in 7.2, after the force-umount shutdown): the
// superblock and kernel_frozen, whether this path's freeze_super returned 0
// (the policy's `this_path_froze`). Not in reach: whether the KERNEL hold a
// thaw would drop is this path's; from v6.8 it is a bare count (7.2 protects
// only an owned FREEZE_EXCL freeze), so a path that did not freeze would drop
// another kernel user's freeze. Hence the remembered flag.
//
//     struct my_policy {                       // satisfies daxfail::thaw_policy
//         using axis = daxfail::axis::thaw;
//         static constexpr std::string_view name = "my_policy";
//         static constexpr freeze_site freeze_in = freeze_site::ddev_failure;
//         static bool thaw_kernel(bool this_path_froze);
//     };
#ifndef DAXFAIL_POLICY_THAW_HPP
#define DAXFAIL_POLICY_THAW_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct thaw;  // described at the end of this header
}

/// The function that takes the kernel freeze; the thaw is in xfs_dax_notify_ddev_failure either way.
enum class freeze_site {
    notify_failure,  ///< xfs_dax_notify_failure, after the range translation (v12)
    ddev_failure     ///< xfs_dax_notify_ddev_failure, the function that thaws (v13+)
};

/// A thaw policy as the model runs it.
struct thaw_ops {
    std::string_view name;
    freeze_site freeze_in;
    bool (*thaw_kernel)(bool this_path_froze);
    friend constexpr bool operator==(const thaw_ops&, const thaw_ops&) = default;
};

namespace thaw {
/// freeze in xfs_dax_notify_failure, thaw(KERNEL) always in the callee (v12)
struct in_callee : detail::policy_tag<axis::thaw, "in_callee"> {
    static constexpr policy_source source = detail::known_sources::v12_only;
    static constexpr freeze_site freeze_in = freeze_site::notify_failure;
    static constexpr bool thaw_kernel(bool) { return true; }
};
/// freeze and thaw in xfs_dax_notify_ddev_failure, thaw(KERNEL) iff we froze (v13+, v6.8+)
struct where_frozen : detail::policy_tag<axis::thaw, "where_frozen"> {
    static constexpr policy_source source{"v6.8", "fa422b353d21", detail::known_sources::pre_remove_subject,
                                          detail::known_sources::v12_review, detail::known_sources::v12_review_id};
    static constexpr freeze_site freeze_in = freeze_site::ddev_failure;
    static constexpr bool thaw_kernel(bool this_path_froze) { return this_path_froze; }
};
}  // namespace thaw

namespace detail {
template <class P>
concept thaw_has_freeze_in = requires {
    requires detail::constant_of<P, freeze_site, &P::freeze_in>;
};
template <class P>
concept thaw_has_thaw_kernel = requires {
    { &P::thaw_kernel } -> std::convertible_to<decltype(thaw_ops::thaw_kernel)>;
};
}  // namespace detail

/// A thaw policy: `static constexpr freeze_site freeze_in`; `static bool thaw_kernel(bool this_path_froze)`.
template <class P>
concept thaw_policy = detail::policy_on<P, axis::thaw> && detail::thaw_has_freeze_in<P> && detail::thaw_has_thaw_kernel<P>;

namespace axis {
struct thaw {
    static constexpr std::string_view name = "thaw";
    using ops = thaw_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::thaw::where_frozen;
    using builtins = detail::type_list<daxfail::thaw::in_callee, daxfail::thaw::where_frozen>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::thaw_has_freeze_in<P>, "daxfail: this thaw policy needs `static constexpr freeze_site freeze_in`");
        static_assert(detail::thaw_has_thaw_kernel<P>, "daxfail: this thaw policy needs `static bool thaw_kernel(bool this_path_froze)`");
        if constexpr (!thaw_policy<P>) return ops{};
        else return {P::name, P::freeze_in, &P::thaw_kernel};
    }
    struct field;  // config::thaw: defined below, where make() is complete
};
struct thaw::field {
    ops thaw = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
