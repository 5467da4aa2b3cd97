// Cross products of policy values as Hana type lists, for running many
// variants at once:
//     auto vs = daxfail::all_combinations<presets::merged>(
//         hana::tuple_t<freeze::return_ebusy, freeze::proceed_and_remember>,
//         hana::tuple_t<thaw::in_callee, thaw::where_frozen>);   // 4 variants
// Every combination is Base::with<one value per list>.
#ifndef DAXFAIL_COMBINATIONS_HPP
#define DAXFAIL_COMBINATIONS_HPP

#include <daxfail/variant.hpp>

#include <boost/hana/cartesian_product.hpp>
#include <boost/hana/transform.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

namespace daxfail {

namespace detail {
template <class Base>
struct apply_combination {
    template <class... T>
    constexpr auto operator()(T...) const {
        return boost::hana::type_c<typename Base::template with<typename T::type...>>;
    }
};
template <class Base>
struct combination_to_variant {
    template <class Combo>
    constexpr auto operator()(Combo combo) const {
        return boost::hana::unpack(combo, apply_combination<Base>{});
    }
};
}  // namespace detail

/// hana::tuple of hana::type<Base::with<...>>, one per element of the cross product of `lists`.
template <variant_type Base, class... Lists>
constexpr auto all_combinations(Lists... lists) {
    return boost::hana::transform(boost::hana::cartesian_product(boost::hana::make_tuple(lists...)),
                                  detail::combination_to_variant<Base>{});
}

namespace detail {
template <class... P>
constexpr auto builtin_types(type_list<P...>) {
    return boost::hana::tuple_t<P...>;
}
template <class... A>
constexpr auto builtin_lists(type_list<A...>) {
    return boost::hana::make_tuple(builtin_types(typename A::builtins{})...);
}
}  // namespace detail

/// The built-in policies of Axis as a Hana type list.
template <class Axis>
inline constexpr auto builtins = detail::builtin_types(typename Axis::builtins{});

/// The main axes of the design: rmap source x freeze strategy x thaw placement x shutdown mode x collector.
inline constexpr auto main_axes = detail::builtin_lists(detail::main_axes{});

/// Every combination of the main axes on top of Base (216 variants), as types; all_combination_specs
/// (variant_names.hpp) gives the same configs in the same order without instantiating them.
template <variant_type Base>
constexpr auto main_axis_combinations() {
    return boost::hana::unpack(main_axes, [](auto... lists) { return all_combinations<Base>(lists...); });
}

}  // namespace daxfail

#endif
