// Whether xfs_dax_failure_fn drops the file's cached entries in the failed range
// with invalidate_inode_pages2_range on pre-remove (A16; v12, v6.8+).
#ifndef DAXFAIL_POLICY_INVALIDATE_HPP
#define DAXFAIL_POLICY_INVALIDATE_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class invalidate_kind { none, on_pre_remove };

constexpr std::string_view value_name(invalidate_kind v) noexcept {
    switch (v) {
        case invalidate_kind::none: return "none";
        case invalidate_kind::on_pre_remove: return "on_pre_remove";
    }
    return "?";
}

constexpr std::string_view axis_name(invalidate_kind) noexcept { return "invalidate"; }

namespace invalidate {
/// no cache drop (pre-patch)
struct none : detail::policy_tag<axis::invalidate, invalidate_kind::none> {};
/// invalidate_inode_pages2_range(pgoff, pgoff + pgcnt - 1), result ignored (v12, v6.8+)
struct on_pre_remove : detail::policy_tag<axis::invalidate, invalidate_kind::on_pre_remove> {};
}  // namespace invalidate

/// Satisfied by the invalidate:: policies.
template <class P>
concept invalidate_policy = detail::policy_on<P, axis::invalidate>;

}  // namespace daxfail

#endif
