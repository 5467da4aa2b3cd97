// The generation of fs/super.c freeze_super/thaw_super (A25/A26). Up to v6.5:
// one anonymous freeze, a second freeze gets -EBUSY. v6.6-v6.7: one bit per
// holder (KERNEL, USERSPACE), each holder owns a reference, a thaw that leaves
// another holder returns 0. v6.8+: per-holder counts sharing one reference, and
// without FREEZE_MAY_NEST a second freeze by the same holder gets -EBUSY; a
// thaw that leaves another holder drops its count but returns -EINVAL. The
// stable fix "fs: don't return -EINVAL for successful nested thaw" (in Debian's
// 6.12.111 and later; mainline release not verified) makes every thaw that
// leaves a holder return 0, even one by a holder that held nothing.
#ifndef DAXFAIL_POLICY_FREEZE_API_HPP
#define DAXFAIL_POLICY_FREEZE_API_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class freeze_api_kind { no_holders, holder_bitmask, holder_counts, holder_counts_nested_thaw_ok };

constexpr std::string_view value_name(freeze_api_kind v) noexcept {
    switch (v) {
        case freeze_api_kind::no_holders: return "no_holders";
        case freeze_api_kind::holder_bitmask: return "holder_bitmask";
        case freeze_api_kind::holder_counts: return "holder_counts";
        case freeze_api_kind::holder_counts_nested_thaw_ok: return "holder_counts_nested_thaw_ok";
    }
    return "?";
}

constexpr std::string_view axis_name(freeze_api_kind) noexcept { return "freeze_api"; }

namespace freeze_api {
/// freeze_super(sb)/thaw_super(sb) (<= v6.5, Debian 6.1)
struct no_holders : detail::policy_tag<axis::freeze_api, freeze_api_kind::no_holders> {};
/// freeze_holders bitmask (v6.6-v6.7)
struct holder_bitmask : detail::policy_tag<axis::freeze_api, freeze_api_kind::holder_bitmask> {};
/// freeze_kcount/freeze_ucount (v6.8+)
struct holder_counts : detail::policy_tag<axis::freeze_api, freeze_api_kind::holder_counts> {};
/// counts, and a thaw that leaves another holder returns 0 (6.12.111+ stable)
struct holder_counts_nested_thaw_ok
    : detail::policy_tag<axis::freeze_api, freeze_api_kind::holder_counts_nested_thaw_ok> {};
}  // namespace freeze_api

/// Satisfied by the freeze_api:: policies.
template <class P>
concept freeze_api_policy = detail::policy_on<P, axis::freeze_api>;

}  // namespace daxfail

#endif
