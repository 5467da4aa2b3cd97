// How the filesystem finds the owners of a failed range. The kernel queries the
// reverse-map btree of each allocation group and refuses (-EOPNOTSUPP,
// "notify_failure() needs rmapbt enabled!") without one. full_inode_scan is what a
// filesystem without rmap would have to do: same answers, cost proportional to
// every extent of every inode. unsupported models a holder that cannot map a range
// to owners at all.
//
// The decision: given whether the failed section has an rmap btree, the policy
// says how its owners are found.
//
// What the kernel can see at this point (the xfs_has_rmapbt(mp) test in
// xfs_dax_notify_failure; in 7.2 in xfs_dax_notify_dev_failure, after the
// range is translated): the mount's feature bits, the dax_device, the range
// and mf_flags. The policy gets has_rmapbt. Without rmapbt no index leads from
// a block to its owner: only every inode's extent map does, which no version
// walks. A memory failure answered -EOPNOTSUPP falls back to
// mf_generic_kill_procs (page->mapping, see dax_shared_page); kill_dax drops
// the answer, so an unbind then revokes nothing here.
//
//     struct my_policy {                       // satisfies daxfail::rmap_source_policy
//         using axis = daxfail::axis::rmap_source;
//         static constexpr std::string_view name = "my_policy";
//         static rmap_lookup lookup(bool has_rmapbt);
//     };
#ifndef DAXFAIL_POLICY_RMAP_SOURCE_HPP
#define DAXFAIL_POLICY_RMAP_SOURCE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

namespace axis {
struct rmap_source;  // described at the end of this header
}

/// How owners of a failed range are found.
enum class rmap_lookup {
    query_rmapbt,      ///< per-group range query of the rmap btree
    scan_every_owner,  ///< the same answers, at the cost of every extent of every owner
    not_supported      ///< -EOPNOTSUPP
};

/// A rmap_source policy as the model runs it.
struct rmap_source_ops {
    std::string_view name;
    rmap_lookup (*lookup)(bool has_rmapbt);
    friend constexpr bool operator==(const rmap_source_ops&, const rmap_source_ops&) = default;
};

namespace rmap_source {
/// per-group rmapbt range query; -EOPNOTSUPP without rmapbt (all kernels)
struct rmapbt_query : detail::policy_tag<axis::rmap_source, "rmapbt_query"> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
    static constexpr rmap_lookup lookup(bool has_rmapbt) { return has_rmapbt ? rmap_lookup::query_rmapbt : rmap_lookup::not_supported; }
};
/// walk every inode's extents and the static metadata (hypothetical)
struct full_inode_scan : detail::policy_tag<axis::rmap_source, "full_inode_scan"> {
    static constexpr policy_source source{
        "proposed by daxfail", "",
        "find the owners by walking every inode's extents and the static metadata, as a filesystem without a reverse "
        "map would",
        "", ""};
    static constexpr rmap_lookup lookup(bool) { return rmap_lookup::scan_every_owner; }
};
/// always -EOPNOTSUPP (no reverse mapping)
struct unsupported : detail::policy_tag<axis::rmap_source, "unsupported"> {
    static constexpr policy_source source{
        "proposed by daxfail", "", "a holder that cannot map a range to its owners at all", "", ""};
    static constexpr rmap_lookup lookup(bool) { return rmap_lookup::not_supported; }
};
}  // namespace rmap_source

namespace detail {
template <class P>
concept rmap_source_has_lookup = requires {
    { &P::lookup } -> std::convertible_to<decltype(rmap_source_ops::lookup)>;
};
}  // namespace detail

/// A rmap_source policy: `static rmap_lookup lookup(bool has_rmapbt)`.
template <class P>
concept rmap_source_policy = detail::policy_on<P, axis::rmap_source> && detail::rmap_source_has_lookup<P>;

namespace axis {
struct rmap_source {
    static constexpr std::string_view name = "rmap_source";
    using ops = rmap_source_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::rmap_source::rmapbt_query;
    using builtins = detail::type_list<daxfail::rmap_source::rmapbt_query, daxfail::rmap_source::full_inode_scan, daxfail::rmap_source::unsupported>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::rmap_source_has_lookup<P>, "daxfail: this rmap_source policy needs `static rmap_lookup lookup(bool has_rmapbt)`");
        if constexpr (!rmap_source_policy<P>) return ops{};
        else return {P::name, &P::lookup};
    }
    struct field;  // config::rmap_source: defined below, where make() is complete
};
struct rmap_source::field {
    ops rmap_source = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
