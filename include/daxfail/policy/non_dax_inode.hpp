// What xfs_dax_failure_fn does with an in-core inode whose mapping is not DAX
// (A13). Before the patch it calls mf_dax_kill_procs anyway, which fails with
// -EBUSY and aborts the whole scan; v12 and v6.8+ skip the kill.
#ifndef DAXFAIL_POLICY_NON_DAX_INODE_HPP
#define DAXFAIL_POLICY_NON_DAX_INODE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class non_dax_inode_kind { kill_anyway, skip };

constexpr std::string_view value_name(non_dax_inode_kind v) noexcept {
    switch (v) {
        case non_dax_inode_kind::kill_anyway: return "kill_anyway";
        case non_dax_inode_kind::skip: return "skip";
    }
    return "?";
}

constexpr std::string_view axis_name(non_dax_inode_kind) noexcept { return "non_dax_inode"; }

namespace non_dax_inode {
/// call mf_dax_kill_procs, -EBUSY aborts the query (pre-patch, Debian 6.1)
struct kill_anyway : detail::policy_tag<axis::non_dax_inode, non_dax_inode_kind::kill_anyway> {};
/// only DAX mappings are killed (v12, v6.8+)
struct skip : detail::policy_tag<axis::non_dax_inode, non_dax_inode_kind::skip> {};
}  // namespace non_dax_inode

/// Satisfied by the non_dax_inode:: policies.
template <class P>
concept non_dax_inode_policy = detail::policy_on<P, axis::non_dax_inode>;

}  // namespace daxfail

#endif
