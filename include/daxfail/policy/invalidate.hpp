// Whether xfs_dax_failure_fn drops the file's cached entries in the failed range
// with invalidate_inode_pages2_range on pre-remove (v12, v6.8+).
//
// The decision: xfs_dax_failure_fn asks, given whether this is a pre-remove,
// whether to drop the file's DAX entries in the failed range.
//
//     struct my_policy {                       // satisfies daxfail::invalidate_policy
//         using axis = daxfail::axis::invalidate;
//         static constexpr std::string_view name = "my_policy";
//         static bool invalidates(bool pre_remove);
//     };
#ifndef DAXFAIL_POLICY_INVALIDATE_HPP
#define DAXFAIL_POLICY_INVALIDATE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

/// Names of the built-in invalidate policies (kept for code written against the enum).
enum class invalidate_kind { none, on_pre_remove };

constexpr std::string_view value_name(invalidate_kind v) noexcept {
    switch (v) {
        case invalidate_kind::none: return "none";
        case invalidate_kind::on_pre_remove: return "on_pre_remove";
    }
    return "?";
}

constexpr std::string_view axis_name(invalidate_kind) noexcept { return "invalidate"; }

/// A invalidate policy as the model runs it.
struct invalidate_ops {
    using axis = daxfail::axis::invalidate;
    std::string_view name;
    bool (*invalidates)(bool pre_remove);
    constexpr invalidate_ops& operator=(invalidate_kind e);
    friend constexpr bool operator==(const invalidate_ops&, const invalidate_ops&) = default;
};

namespace invalidate {
/// no cache drop (pre-patch)
struct none : detail::policy_tag<axis::invalidate, invalidate_kind::none> {
    static constexpr bool invalidates(bool) { return false; }
};
/// invalidate_inode_pages2_range(pgoff, pgoff + pgcnt - 1), result ignored (v12, v6.8+)
struct on_pre_remove : detail::policy_tag<axis::invalidate, invalidate_kind::on_pre_remove> {
    static constexpr bool invalidates(bool pre_remove) { return pre_remove; }
};
}  // namespace invalidate

namespace detail {
template <class P>
concept invalidate_has_invalidates = requires {
    { &P::invalidates } -> std::convertible_to<decltype(invalidate_ops::invalidates)>;
};
}  // namespace detail

/// A invalidate policy: `static bool invalidates(bool pre_remove)`.
template <class P>
concept invalidate_policy = detail::policy_on<P, axis::invalidate> && detail::invalidate_has_invalidates<P>;

namespace axis {
struct invalidate {
    static constexpr std::string_view name = "invalidate";
    using ops = invalidate_ops;
    using legacy = invalidate_kind;
    using builtins = detail::type_list<daxfail::invalidate::none, daxfail::invalidate::on_pre_remove>;
    static constexpr auto& get(auto& c) { return c.invalidate; }
    template <class P>
    static constexpr ops make() {
        static_assert(detail::invalidate_has_invalidates<P>, "daxfail: this invalidate policy needs `static bool invalidates(bool pre_remove)`");
        return {P::name, &P::invalidates};
    }
};
}  // namespace axis

constexpr invalidate_ops& invalidate_ops::operator=(invalidate_kind e) { return *this = detail::builtin_ops<daxfail::axis::invalidate>(e); }


namespace detail {
/// config::invalidate: the first built-in policy unless a variant says otherwise.
template <>
struct axis_field<axis::invalidate> {
    invalidate_ops invalidate = axis::invalidate::make<daxfail::invalidate::none>();
    friend constexpr bool operator==(const axis_field&, const axis_field&) = default;
};
}  // namespace detail
}  // namespace daxfail

#endif
