// What a notification for an external log device does. Up to v6.7 and in
// Debian 6.1: "ondisk log corrupt, shutting down fs!", CORRUPT_ONDISK,
// -EFSCORRUPTED. v12 and v6.8+: a pre-remove returns 0 and does nothing. v6.14
// (f4ed93037966, backported to Debian's 6.12): the range is checked against the
// log first (-ENXIO beyond it).
//
// The decision: `checks_range`: the notification's range is translated against
// the log first (-ENXIO outside it; v6.14's xfs_dax_notify_logdev_failure);
// then, given whether this is a pre-remove, whether the log is declared corrupt
// (CORRUPT_ONDISK, -EFSCORRUPTED) or nothing is done (0).
//
// What the kernel can see at this point (xfs_dax_notify_failure; from
// f4ed93037966 xfs_dax_notify_logdev_failure, which Debian's 6.12 also has):
// mf_flags, the byte range and the log's buftarg (partition offset; length
// from bdev_nr_bytes, or sb_logblocks through bt_nr_sectors in 7.2). The
// policy gets pre_remove; `checks_range` is a constant. The log's state
// (mp->m_log) is in reach but unread. On a pre-remove nothing here shuts down:
// del_gendisk does later, through the log device's holder ops (6.12, 7.2; 6.1
// has none).
//
//     struct my_policy {                       // satisfies daxfail::log_device_policy
//         using axis = daxfail::axis::log_device;
//         static constexpr std::string_view name = "my_policy";
//         static constexpr bool checks_range = false;
//         static bool corrupt(bool pre_remove);
//     };
#ifndef DAXFAIL_POLICY_LOG_DEVICE_HPP
#define DAXFAIL_POLICY_LOG_DEVICE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct log_device;  // described at the end of this header
}

/// A log_device policy as the model runs it.
struct log_device_ops {
    std::string_view name;
    bool checks_range;
    bool (*corrupt)(bool pre_remove);
    friend constexpr bool operator==(const log_device_ops&, const log_device_ops&) = default;
};

namespace log_device {
/// always a corrupt shutdown (<= v6.7, Debian 6.1)
struct corrupt_always : detail::policy_tag<axis::log_device, "corrupt_always"> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
    static constexpr bool checks_range = false;
    static constexpr bool corrupt(bool) { return true; }
};
/// pre-remove returns 0, else corrupt shutdown (v12, v6.8-v6.13)
struct ignore_pre_remove : detail::policy_tag<axis::log_device, "ignore_pre_remove"> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
    static constexpr bool checks_range = false;
    static constexpr bool corrupt(bool pre_remove) { return !pre_remove; }
};
/// -ENXIO outside the log, then as ignore_pre_remove (v6.14+)
struct range_checked : detail::policy_tag<axis::log_device, "range_checked"> {
    static constexpr policy_source source{
        "v6.14", "f4ed93037966", "xfs: don't shut down the filesystem for media failures beyond end of log", "", ""};
    static constexpr bool checks_range = true;
    static constexpr bool corrupt(bool pre_remove) { return !pre_remove; }
};
}  // namespace log_device

namespace detail {
template <class P>
concept log_device_has_checks_range = requires {
    requires detail::constant_of<P, bool, &P::checks_range>;
};
template <class P>
concept log_device_has_corrupt = requires {
    { &P::corrupt } -> std::convertible_to<decltype(log_device_ops::corrupt)>;
};
}  // namespace detail

/// A log_device policy: `static constexpr bool checks_range`; `static bool corrupt(bool pre_remove)`.
template <class P>
concept log_device_policy = detail::policy_on<P, axis::log_device> && detail::log_device_has_checks_range<P> && detail::log_device_has_corrupt<P>;

namespace axis {
struct log_device {
    static constexpr std::string_view name = "log_device";
    using ops = log_device_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::log_device::corrupt_always;
    using builtins = detail::type_list<daxfail::log_device::corrupt_always, daxfail::log_device::ignore_pre_remove, daxfail::log_device::range_checked>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::log_device_has_checks_range<P>, "daxfail: this log_device policy needs `static constexpr bool checks_range`");
        static_assert(detail::log_device_has_corrupt<P>, "daxfail: this log_device policy needs `static bool corrupt(bool pre_remove)`");
        if constexpr (!log_device_policy<P>) return ops{};
        else return {P::name, P::checks_range, &P::corrupt};
    }
    struct field;  // config::log_device: defined below, where make() is complete
};
struct log_device::field {
    ops log_device = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
