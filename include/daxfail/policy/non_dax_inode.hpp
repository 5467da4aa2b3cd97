// What xfs_dax_failure_fn does with an in-core inode whose mapping is not
// DAX. Before the patch it calls mf_dax_kill_procs anyway, which fails with
// -EBUSY and aborts the whole scan; v12 and v6.8+ skip the kill.
//
// The decision: xfs_dax_failure_fn asks, given whether the in-core inode's
// mapping is DAX, whether to call mf_dax_kill_procs.
//
// What the kernel can see at this point (xfs_dax_failure_fn, once xfs_iget
// with XFS_IGET_INCORE found the record's owner in memory; uncached owners
// were skipped, -ENODATA): the inode, its mapping, dax_mapping(mapping) (the
// policy's input), the record's file range and mf_flags. A non-DAX inode
// (per-file DAX) keeps the range in ordinary page cache, whose folios and
// dirty marks are in the mapping, in reach but unread. mf_dax_kill_procs only
// walks DAX entries: on another mapping dax_lock_mapping_entry finds none,
// hence its -EBUSY.
//
//     struct my_policy {                       // satisfies daxfail::non_dax_inode_policy
//         using axis = daxfail::axis::non_dax_inode;
//         static constexpr std::string_view name = "my_policy";
//         static bool kill_procs(bool inode_is_dax);
//     };
#ifndef DAXFAIL_POLICY_NON_DAX_INODE_HPP
#define DAXFAIL_POLICY_NON_DAX_INODE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct non_dax_inode;  // described at the end of this header
}

/// A non_dax_inode policy as the model runs it.
struct non_dax_inode_ops {
    std::string_view name;
    bool (*kill_procs)(bool inode_is_dax);
    friend constexpr bool operator==(const non_dax_inode_ops&, const non_dax_inode_ops&) = default;
};

namespace non_dax_inode {
/// call mf_dax_kill_procs, -EBUSY aborts the query (pre-patch, Debian 6.1)
struct kill_anyway : detail::policy_tag<axis::non_dax_inode, "kill_anyway"> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
    static constexpr bool kill_procs(bool) { return true; }
};
/// only DAX mappings are killed (v12, v6.8+)
struct skip : detail::policy_tag<axis::non_dax_inode, "skip"> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
    static constexpr bool kill_procs(bool inode_is_dax) { return inode_is_dax; }
};
}  // namespace non_dax_inode

namespace detail {
template <class P>
concept non_dax_inode_has_kill_procs = requires {
    { &P::kill_procs } -> std::convertible_to<decltype(non_dax_inode_ops::kill_procs)>;
};
}  // namespace detail

/// A non_dax_inode policy: `static bool kill_procs(bool inode_is_dax)`.
template <class P>
concept non_dax_inode_policy = detail::policy_on<P, axis::non_dax_inode> && detail::non_dax_inode_has_kill_procs<P>;

namespace axis {
struct non_dax_inode {
    static constexpr std::string_view name = "non_dax_inode";
    using ops = non_dax_inode_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::non_dax_inode::kill_anyway;
    using builtins = detail::type_list<daxfail::non_dax_inode::kill_anyway, daxfail::non_dax_inode::skip>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::non_dax_inode_has_kill_procs<P>, "daxfail: this non_dax_inode policy needs `static bool kill_procs(bool inode_is_dax)`");
        if constexpr (!non_dax_inode_policy<P>) return ops{};
        else return {P::name, &P::kill_procs};
    }
    struct field;  // config::non_dax_inode: defined below, where make() is complete
};
struct non_dax_inode::field {
    ops non_dax_inode = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
