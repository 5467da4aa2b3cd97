// What kill_dax() passes as mf_flags when it tells the holder that the whole
// device is going away. v6.0-v6.7 and Debian 6.1 pass 0, so the filesystem
// sees the unbind as a memory failure of every byte; v12 and v6.8+
// (fa422b353d21) pass MF_MEM_PRE_REMOVE.
//
// The decision: kill_dax asks the policy for the mf_flags of its whole-device
// notification.
//
// What the kernel can see at this point (kill_dax(dax_dev), called by
// pmem_release_disk on unbind; other drivers' callers not checked): only the
// dax_device: whether it has a holder (holder_data; without one nothing is
// sent), its holder_ops and DAXDEV_ALIVE. The policy takes no input. Not in
// reach: whether the holder understands MF_MEM_PRE_REMOVE (holder_ops has no
// feature bits), which pages are mapped, or how the holder fared: kill_dax
// drops dax_holder_notify_failure's return and removes the device anyway.
//
//     struct my_policy {                       // satisfies daxfail::kill_dax_flags_policy
//         using axis = daxfail::axis::kill_dax_flags;
//         static constexpr std::string_view name = "my_policy";
//         static int notify_flags();
//     };
#ifndef DAXFAIL_POLICY_KILL_DAX_FLAGS_HPP
#define DAXFAIL_POLICY_KILL_DAX_FLAGS_HPP

#include <daxfail/detail/policy_base.hpp>
#include <daxfail/constants.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct kill_dax_flags;  // described at the end of this header
}

/// A kill_dax_flags policy as the model runs it.
struct kill_dax_flags_ops {
    std::string_view name;
    int (*notify_flags)();
    friend constexpr bool operator==(const kill_dax_flags_ops&, const kill_dax_flags_ops&) = default;
};

namespace kill_dax_flags {
/// flags 0: unbind looks like poison of the whole device (v6.0-v6.7, Debian 6.1)
struct none : detail::policy_tag<axis::kill_dax_flags, "none"> {
    static constexpr policy_source source{"v6.0", "", "dax: introduce holder for dax_device", "", ""};
    static constexpr int notify_flags() { return 0; }
};
/// MF_MEM_PRE_REMOVE (v12, v6.8+)
struct pre_remove : detail::policy_tag<axis::kill_dax_flags, "pre_remove"> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
    static constexpr int notify_flags() { return mf::mem_pre_remove; }
};
}  // namespace kill_dax_flags

namespace detail {
template <class P>
concept kill_dax_flags_has_notify_flags = requires {
    { &P::notify_flags } -> std::convertible_to<decltype(kill_dax_flags_ops::notify_flags)>;
};
}  // namespace detail

/// A kill_dax_flags policy: `static int notify_flags()` (the MF_* flags kill_dax passes).
template <class P>
concept kill_dax_flags_policy = detail::policy_on<P, axis::kill_dax_flags> && detail::kill_dax_flags_has_notify_flags<P>;

namespace axis {
struct kill_dax_flags {
    static constexpr std::string_view name = "kill_dax_flags";
    using ops = kill_dax_flags_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::kill_dax_flags::none;
    using builtins = detail::type_list<daxfail::kill_dax_flags::none, daxfail::kill_dax_flags::pre_remove>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::kill_dax_flags_has_notify_flags<P>, "daxfail: this kill_dax_flags policy needs `static int notify_flags()` (the MF_* flags kill_dax passes)");
        if constexpr (!kill_dax_flags_policy<P>) return ops{};
        else return {P::name, &P::notify_flags};
    }
    struct field;  // config::kill_dax_flags: defined below, where make() is complete
};
struct kill_dax_flags::field {
    ops kill_dax_flags = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
