// How the filesystem finds the owners of a failed range. The kernel queries the
// reverse-map btree of each allocation group and refuses (-EOPNOTSUPP,
// "notify_failure() needs rmapbt enabled!") without one. full_inode_scan is what a
// filesystem without rmap would have to do: same answers, cost proportional to
// every extent of every inode. unsupported models a holder that cannot map a range
// to owners at all.
#ifndef DAXFAIL_POLICY_RMAP_SOURCE_HPP
#define DAXFAIL_POLICY_RMAP_SOURCE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class rmap_source_kind { rmapbt_query, full_inode_scan, unsupported };

constexpr std::string_view value_name(rmap_source_kind v) noexcept {
    switch (v) {
        case rmap_source_kind::rmapbt_query: return "rmapbt_query";
        case rmap_source_kind::full_inode_scan: return "full_inode_scan";
        case rmap_source_kind::unsupported: return "unsupported";
    }
    return "?";
}

constexpr std::string_view axis_name(rmap_source_kind) noexcept { return "rmap_source"; }

namespace rmap_source {
/// per-group rmapbt range query; -EOPNOTSUPP without rmapbt (all kernels)
struct rmapbt_query : detail::policy_tag<axis::rmap_source, rmap_source_kind::rmapbt_query> {};
/// walk every inode's extents and the static metadata (hypothetical)
struct full_inode_scan : detail::policy_tag<axis::rmap_source, rmap_source_kind::full_inode_scan> {};
/// always -EOPNOTSUPP (no reverse mapping)
struct unsupported : detail::policy_tag<axis::rmap_source, rmap_source_kind::unsupported> {};
}  // namespace rmap_source

/// Satisfied by the rmap_source:: policies.
template <class P>
concept rmap_source_policy = detail::policy_on<P, axis::rmap_source>;

}  // namespace daxfail

#endif
