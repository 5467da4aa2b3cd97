// Whether xfs_dax_failure_fn drops the file's cached entries in the failed range
// with invalidate_inode_pages2_range on pre-remove (v12, v6.8+). Dirty entries
// stay (the -EBUSY that says so is ignored), and 6.12 and 7.2 call it even when
// mf_dax_kill_procs failed or the mapping is not DAX.
//
// The decision: xfs_dax_failure_fn asks, given whether this is a pre-remove,
// whether to drop the file's DAX entries in the failed range.
//
// What the kernel can see at this point (xfs_dax_failure_fn, for one rmap
// record, after its mf_dax_kill_procs call): mf_flags, the in-core inode and
// its mapping, the record's file range, whether the mapping is DAX and the
// kill's error. The policy gets only pre_remove; 6.12 and 7.2 invalidate even
// when the kill failed or the mapping is not DAX. Each entry's dirty mark is
// in reach: invalidate_inode_pages2_range keeps dirty DAX entries
// (__dax_invalidate_entry), and its -EBUSY is ignored. Other files sharing the
// blocks (reflink) are not in reach; the walk meets them in their own records.
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

namespace axis {
struct invalidate;  // described at the end of this header
}

/// A invalidate policy as the model runs it.
struct invalidate_ops {
    std::string_view name;
    bool (*invalidates)(bool pre_remove);
    friend constexpr bool operator==(const invalidate_ops&, const invalidate_ops&) = default;
};

namespace invalidate {
/// no cache drop (pre-patch)
struct none : detail::policy_tag<axis::invalidate, "none"> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
    static constexpr bool invalidates(bool) { return false; }
};
/// invalidate_inode_pages2_range(pgoff, pgoff + pgcnt - 1), result ignored (v12, v6.8+)
struct on_pre_remove : detail::policy_tag<axis::invalidate, "on_pre_remove"> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
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
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::invalidate::none;
    using builtins = detail::type_list<daxfail::invalidate::none, daxfail::invalidate::on_pre_remove>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::invalidate_has_invalidates<P>, "daxfail: this invalidate policy needs `static bool invalidates(bool pre_remove)`");
        if constexpr (!invalidate_policy<P>) return ops{};
        else return {P::name, &P::invalidates};
    }
    struct field;  // config::invalidate: defined below, where make() is complete
};
struct invalidate::field {
    ops invalidate = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
