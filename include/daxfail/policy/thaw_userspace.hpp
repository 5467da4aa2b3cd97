// Whether pre-remove also drops a userspace freeze (FIFREEZE, or a block-device
// freeze) "anyway, because the device is about to be removed": v12 and every
// later version do, so that the mount can be unmounted after unbind. From v6.8
// userspace freezes are counted and can stack, so one thaw may leave the
// filesystem frozen; the model keeps at most one userspace hold.
//
// The decision: after the kernel thaw, given who still holds a freeze, the
// policy says whether to call thaw_super(USERSPACE); `may_thaw` says whether it
// ever does (that call needs freeze_api with holders).
//
// What the kernel can see at this point (the thaw_super(sb,
// FREEZE_HOLDER_USERSPACE) that xfs_dax_notify_failure_thaw makes after the
// kernel thaw, whatever is held; its rc is ignored): the superblock, whose
// freeze_ucount and freeze_kcount (from v6.8; 6.12, 7.2) give the policy's
// `userspace` and `kernel_holds`; the kernel reads neither. Not in reach: who
// took the userspace hold (FIFREEZE and block-device freezes, fs_bdev_freeze,
// both count as USERSPACE and may nest, so one call drops one of several) and
// whether that holder will later thaw and be refused.
//
//     struct my_policy {                       // satisfies daxfail::thaw_userspace_policy
//         using axis = daxfail::axis::thaw_userspace;
//         static constexpr std::string_view name = "my_policy";
//         static constexpr bool may_thaw = true;
//         static bool drops_userspace_freeze(const freeze_holders_left&);
//     };
#ifndef DAXFAIL_POLICY_THAW_USERSPACE_HPP
#define DAXFAIL_POLICY_THAW_USERSPACE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <cstddef>
#include <string_view>

namespace daxfail {

namespace axis {
struct thaw_userspace;  // described at the end of this header
}

/// Who holds a freeze when pre-remove decides about the userspace one.
struct freeze_holders_left {
    bool userspace = false;         ///< a FIFREEZE (or kernel-API userspace) freeze is held
    std::size_t kernel_holds = 0;   ///< kernel freezes still held (online repair; this path's if it kept it)
};

/// A thaw_userspace policy as the model runs it.
struct thaw_userspace_ops {
    std::string_view name;
    bool may_thaw;
    bool (*drops_userspace_freeze)(const freeze_holders_left&);
    friend constexpr bool operator==(const thaw_userspace_ops&, const thaw_userspace_ops&) = default;
};

namespace thaw_userspace {
/// thaw_super(USERSPACE) after pre-remove, result ignored (v12+, v6.8+)
struct anyway : detail::policy_tag<axis::thaw_userspace, "anyway"> {
    static constexpr policy_source source{
        "v6.8", "fa422b353d21", detail::known_sources::pre_remove_subject,
        "linux-xfs, 24 Aug 2023, Shiyang Ruan, \"Re: [PATCH v13] mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for "
        "unbind\": a userspace freeze left behind makes umount fail after the removal",
        "999e83ca-df65-4a43-9d32-ff13a252c2d7@fujitsu.com"};
    static constexpr bool may_thaw = true;
    static constexpr bool drops_userspace_freeze(const freeze_holders_left&) { return true; }
};
/// leave a userspace freeze alone (pre-patch)
struct never : detail::policy_tag<axis::thaw_userspace, "never"> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
    static constexpr bool may_thaw = false;
    static constexpr bool drops_userspace_freeze(const freeze_holders_left&) { return false; }
};
}  // namespace thaw_userspace

namespace detail {
template <class P>
concept thaw_userspace_has_may_thaw = requires {
    requires detail::constant_of<P, bool, &P::may_thaw>;
};
template <class P>
concept thaw_userspace_has_drops_userspace_freeze = requires {
    { &P::drops_userspace_freeze } -> std::convertible_to<decltype(thaw_userspace_ops::drops_userspace_freeze)>;
};
}  // namespace detail

/// A thaw_userspace policy: `static constexpr bool may_thaw`; `static bool drops_userspace_freeze(const freeze_holders_left&)`.
template <class P>
concept thaw_userspace_policy = detail::policy_on<P, axis::thaw_userspace> && detail::thaw_userspace_has_may_thaw<P> && detail::thaw_userspace_has_drops_userspace_freeze<P>;

namespace axis {
struct thaw_userspace {
    static constexpr std::string_view name = "thaw_userspace";
    using ops = thaw_userspace_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::thaw_userspace::never;
    using builtins = detail::type_list<daxfail::thaw_userspace::anyway, daxfail::thaw_userspace::never>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::thaw_userspace_has_may_thaw<P>, "daxfail: this thaw_userspace policy needs `static constexpr bool may_thaw`");
        static_assert(detail::thaw_userspace_has_drops_userspace_freeze<P>, "daxfail: this thaw_userspace policy needs `static bool drops_userspace_freeze(const freeze_holders_left&)`");
        if constexpr (!thaw_userspace_policy<P>) return ops{};
        else return {P::name, P::may_thaw, &P::drops_userspace_freeze};
    }
    struct field;  // config::thaw_userspace: defined below, where make() is complete
};
struct thaw_userspace::field {
    ops thaw_userspace = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
