// A variant of the kernel path: one policy per axis. Presets are variants;
// review comments are one line of C++:
//     using reviewed = presets::v12::with<freeze::return_ebusy, thaw::where_frozen>;
// A variant names only the axes it chooses, in any order; every other axis
// takes its default (the v6.6 tree's value, see each axis' default_policy), so
// variant<> is presets::pre_patch. An axis named twice, a template argument
// that is not a policy, and a combination the kernel could not build are
// rejected at compile time with a message naming the problem.
#ifndef DAXFAIL_VARIANT_HPP
#define DAXFAIL_VARIANT_HPP

#include <daxfail/config.hpp>

#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <cstddef>
#include <type_traits>

namespace daxfail {

template <class... Ps>
struct variant;

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
                  "daxfail::freeze::proceed_and_remember, or write a struct with `using axis = daxfail::axis::<axis>;`, "
                  "`static constexpr std::string_view name` and the axis' members (see include/daxfail/policy/)");
    static constexpr bool ok = any_policy<P>;
};

template <class Axis, std::size_t Count>
struct axis_given_once {
    static_assert(Count <= 1, "daxfail::variant: an axis is given more than one policy (see the instantiation of "
                              "axis_given_once for which one); keep one per axis (to replace a preset's choice use "
                              "Preset::with<...>)");
    static constexpr bool ok = Count <= 1;
};

// A fold, not hana::count_if: every variant counts every axis over its policies, and a
// fold costs the compiler a fraction of the Hana predicate instantiations.
template <class Axis, class... Ps>
inline constexpr std::size_t count_on_axis = (std::size_t{0} + ... + std::size_t{std::is_same_v<typename axis_of<Ps>::type, Axis>});

template <class... Ps>
constexpr bool no_axis_twice() {
    return (axis_given_once<typename axis_of<Ps>::type, count_on_axis<typename axis_of<Ps>::type, Ps...>>::ok && ...);
}

/// Checks P against its axis' interface (the axis' static_asserts say what is missing) and builds its table.
template <class P>
constexpr void set(config& c) {
    field_of<typename P::axis>(c) = ops_of<P>;
}

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

/// V with those of Qs appended whose axis V leaves out.
template <class V, class... Qs>
struct append_new_axes {
    using type = V;
};
template <class... Ps, class Q, class... Qs>
struct append_new_axes<variant<Ps...>, Q, Qs...>
    : append_new_axes<std::conditional_t<count_on_axis<typename Q::axis, Ps...> == 0, variant<Ps..., Q>,
                                         variant<Ps...>>,
                      Qs...> {};

/// Builds P's table (its axis' static_asserts name what P lacks) before config does, so that a diagnostic about P
/// names the variant once, not once per step of config's initializer.
template <class P>
constexpr bool table_builds() {
    if constexpr (any_policy<P>) static_cast<void>(ops_of<P>);
    return true;
}

template <class... Qs>
constexpr bool valid_override() {
    return ((must_be_policy<Qs>::ok && ...)) &&
           ((count_on_axis<typename axis_of<Qs>::type, Qs...> == 1) && ...);
}

}  // namespace detail

template <class... Ps>
struct variant {
    static_assert((detail::must_be_policy<Ps>::ok && ...));
    static_assert(detail::no_axis_twice<Ps...>());
    static_assert((detail::table_builds<Ps>() && ...));

    /// The policies as a Hana type list.
    static constexpr auto policies = boost::hana::tuple_t<Ps...>;

    /// This variant with some axes replaced: `presets::v12::with<freeze::return_ebusy>`.
    template <class... Qs>
        requires(detail::valid_override<Qs...>())
    using with = typename detail::append_new_axes<variant<detail::override_t<Ps, Qs...>...>, Qs...>::type;

    /// The policy chosen on Axis (e.g. `policy<axis::freeze>`), its default if the variant leaves it out.
    template <class Axis>
    using policy = typename detail::first_on_axis<Axis, typename Axis::default_policy, Ps...>::type;

    static constexpr daxfail::config config = [] {
        daxfail::config c;
        (detail::set<Ps>(c), ...);
        return c;
    }();

    static_assert(!(needs_holder_api(config) && !config.freeze_api.per_holder),
                  "daxfail::variant: a freeze strategy other than freeze::none, or thaw_userspace::anyway, calls "
                  "freeze_super/thaw_super with a holder (FREEZE_HOLDER_KERNEL/USERSPACE), which needs "
                  "freeze_api::holder_bitmask (v6.6) or freeze_api::holder_counts (v6.8); freeze_api::no_holders "
                  "(<= v6.5) has no holder argument");
};

namespace detail {
template <class... Ps>
std::true_type is_variant_test(const variant<Ps...>*);
std::false_type is_variant_test(const void*);
}  // namespace detail

/// daxfail::variant<...>, or a class derived from one (a named variant, see variant_name).
template <class T>
struct is_variant : std::false_type {};
template <class T>
    requires std::is_class_v<T>
struct is_variant<T> : decltype(detail::is_variant_test(static_cast<const T*>(nullptr))) {};

/// Satisfied by daxfail::variant<...>, every preset, and a named variant:
///     struct wait_5s : daxfail::presets::merged::with<my_freeze> {
///         static constexpr std::string_view name = "wait_5s";
///     };
template <class V>
concept variant_type = is_variant<V>::value;

}  // namespace daxfail

#endif
