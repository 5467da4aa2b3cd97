// A variant of the kernel path: one policy per axis. Presets are variants;
// review comments are one line of C++:
//     using reviewed = presets::v12::with<freeze::return_ebusy, thaw::where_frozen>;
// Every axis must be given exactly once; combinations the kernel could not
// build are rejected at compile time with a message naming the policy.
#ifndef DAXFAIL_VARIANT_HPP
#define DAXFAIL_VARIANT_HPP

#include <daxfail/config.hpp>

#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <cstddef>
#include <type_traits>

namespace daxfail {

namespace detail {
namespace hana = boost::hana;

template <class P>
struct axis_of {
    using type = void;
};
template <any_policy P>
struct axis_of<P> {
    using type = typename P::axis;
};

template <class P>
struct must_be_policy {
    static_assert(any_policy<P>,
                  "daxfail: this template argument is not a policy; use a tag such as "
                  "daxfail::freeze::proceed_and_remember (see include/daxfail/policy/)");
    static constexpr bool ok = any_policy<P>;
};

template <class Axis, std::size_t Count>
struct axis_given_once {
    static_assert(Count != 0, "daxfail::variant: an axis has no policy (see the instantiation of axis_given_once "
                              "for which one); every axis in daxfail::axis needs exactly one");
    static_assert(Count <= 1, "daxfail::variant: an axis is given more than one policy; keep one per axis "
                              "(to replace a preset's choice use Preset::with<...>)");
    static constexpr bool ok = Count == 1;
};

// A fold, not hana::count_if: every variant counts 18 axes over its 18 policies, and a
// fold costs the compiler a fraction of 256 Hana predicate instantiations.
template <class Axis, class... Ps>
inline constexpr std::size_t count_on_axis = (std::size_t{0} + ... + std::size_t{std::is_same_v<typename axis_of<Ps>::type, Axis>});

template <class... Ps>
constexpr bool every_axis_once() {
    return (axis_given_once<axis::kill_dax_flags, count_on_axis<axis::kill_dax_flags, Ps...>>::ok &
            axis_given_once<axis::rmap_source, count_on_axis<axis::rmap_source, Ps...>>::ok &
            axis_given_once<axis::freeze, count_on_axis<axis::freeze, Ps...>>::ok &
            axis_given_once<axis::thaw, count_on_axis<axis::thaw, Ps...>>::ok &
            axis_given_once<axis::thaw_userspace, count_on_axis<axis::thaw_userspace, Ps...>>::ok &
            axis_given_once<axis::shutdown, count_on_axis<axis::shutdown, Ps...>>::ok &
            axis_given_once<axis::collector, count_on_axis<axis::collector, Ps...>>::ok &
            axis_given_once<axis::pre_remove_poison, count_on_axis<axis::pre_remove_poison, Ps...>>::ok &
            axis_given_once<axis::invalidate, count_on_axis<axis::invalidate, Ps...>>::ok &
            axis_given_once<axis::non_dax_inode, count_on_axis<axis::non_dax_inode, Ps...>>::ok &
            axis_given_once<axis::metadata_record, count_on_axis<axis::metadata_record, Ps...>>::ok &
            axis_given_once<axis::range_math, count_on_axis<axis::range_math, Ps...>>::ok &
            axis_given_once<axis::freeze_api, count_on_axis<axis::freeze_api, Ps...>>::ok &
            axis_given_once<axis::log_device, count_on_axis<axis::log_device, Ps...>>::ok &
            axis_given_once<axis::rt_device, count_on_axis<axis::rt_device, Ps...>>::ok &
            axis_given_once<axis::del_gendisk, count_on_axis<axis::del_gendisk, Ps...>>::ok &
            axis_given_once<axis::dax_shared_page, count_on_axis<axis::dax_shared_page, Ps...>>::ok &
            axis_given_once<axis::shutdown_caller, count_on_axis<axis::shutdown_caller, Ps...>>::ok);
}

// Each policy value has its own enum type, so overloads file it into its field.
constexpr void set(config& c, kill_dax_notify v) { c.kill_dax_flags = v; }
constexpr void set(config& c, rmap_source_kind v) { c.rmap_source = v; }
constexpr void set(config& c, freeze_strategy v) { c.freeze = v; }
constexpr void set(config& c, thaw_placement v) { c.thaw = v; }
constexpr void set(config& c, thaw_userspace_kind v) { c.thaw_userspace = v; }
constexpr void set(config& c, shutdown_mode v) { c.shutdown = v; }
constexpr void set(config& c, collector_kind v) { c.collector = v; }
constexpr void set(config& c, pre_remove_poison_kind v) { c.pre_remove_poison = v; }
constexpr void set(config& c, invalidate_kind v) { c.invalidate = v; }
constexpr void set(config& c, non_dax_inode_kind v) { c.non_dax_inode = v; }
constexpr void set(config& c, metadata_record_kind v) { c.metadata_record = v; }
constexpr void set(config& c, range_math_kind v) { c.range_math = v; }
constexpr void set(config& c, freeze_api_kind v) { c.freeze_api = v; }
constexpr void set(config& c, log_device_kind v) { c.log_device = v; }
constexpr void set(config& c, rt_device_kind v) { c.rt_device = v; }
constexpr void set(config& c, del_gendisk_kind v) { c.del_gendisk = v; }
constexpr void set(config& c, dax_shared_page_kind v) { c.dax_shared_page = v; }
constexpr void set(config& c, shutdown_caller_kind v) { c.shutdown_caller = v; }

/// The first of Ps on Axis, or Otherwise (plain recursion: cheaper to compile than hana::find_if).
template <class Axis, class Otherwise, class... Ps>
struct first_on_axis {
    using type = Otherwise;
};
template <class Axis, class Otherwise, class P, class... Ps>
struct first_on_axis<Axis, Otherwise, P, Ps...>
    : std::conditional_t<std::is_same_v<typename axis_of<P>::type, Axis>, std::type_identity<P>,
                         first_on_axis<Axis, Otherwise, Ps...>> {};

/// P, or the policy among Qs on the same axis.
template <class P, class... Qs>
using override_t = typename first_on_axis<typename P::axis, P, Qs...>::type;

template <class... Qs>
constexpr bool valid_override() {
    return ((must_be_policy<Qs>::ok && ...)) &&
           ((count_on_axis<typename axis_of<Qs>::type, Qs...> == 1) && ...);
}

}  // namespace detail

/// Whether the kernel code of this combination could exist at all.
constexpr bool needs_holder_api(const config& c) {
    return c.freeze != freeze_strategy::none || c.thaw_userspace == thaw_userspace_kind::anyway;
}

template <class... Ps>
struct variant {
    static_assert((detail::must_be_policy<Ps>::ok && ...));
    static_assert(detail::every_axis_once<Ps...>());

    /// The policies as a Hana type list.
    static constexpr auto policies = boost::hana::tuple_t<Ps...>;

    /// This variant with some axes replaced: `presets::v12::with<freeze::return_ebusy>`.
    template <class... Qs>
        requires(detail::valid_override<Qs...>())
    using with = variant<detail::override_t<Ps, Qs...>...>;

    /// The policy chosen on Axis (e.g. `policy<axis::freeze>`).
    template <class Axis>
    using policy = typename detail::first_on_axis<Axis, void, Ps...>::type;

    static constexpr daxfail::config config = [] {
        daxfail::config c;
        (detail::set(c, Ps::value), ...);
        return c;
    }();

    static_assert(!(needs_holder_api(config) && config.freeze_api == freeze_api_kind::no_holders),
                  "daxfail::variant: a freeze strategy other than freeze::none, or thaw_userspace::anyway, calls "
                  "freeze_super/thaw_super with a holder (FREEZE_HOLDER_KERNEL/USERSPACE), which needs "
                  "freeze_api::holder_bitmask (v6.6) or freeze_api::holder_counts (v6.8); freeze_api::no_holders "
                  "(<= v6.5) has no holder argument");
};

template <class T>
struct is_variant : std::false_type {};
template <class... Ps>
struct is_variant<variant<Ps...>> : std::true_type {};

/// Satisfied by daxfail::variant<...> and every preset.
template <class V>
concept variant_type = is_variant<V>::value;

}  // namespace daxfail

#endif
