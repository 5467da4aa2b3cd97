// The arithmetic that turns a device byte range into per-group rmap keys, with
// each version's bugs (A7-A10). v6_0: R0 (length clamp `len -= E - offset`),
// exclusive end used as an inclusive key, unbounded group loop (6.0-6.4, Debian
// before 6.1.112). v6_5: R1 clamp, inclusive end, blockcount one short. v6_6: R1
// with the +1 fix (6.6, 6.7, Debian 6.1.112+). merged: R2 = R1 plus the
// whole-device case (offset 0, length U64_MAX) (v12 on 6.6, v6.8-v6.13).
// v6_14: R2 with `min(count, high + 1)` in u32, which wraps for every non-end
// group, and a group loop bounded by the group count.
#ifndef DAXFAIL_POLICY_RANGE_MATH_HPP
#define DAXFAIL_POLICY_RANGE_MATH_HPP

#include <daxfail/detail/policy_base.hpp>

#include <string_view>

namespace daxfail {

enum class range_math_kind { v6_0, v6_5, v6_6, merged, v6_14 };

constexpr std::string_view value_name(range_math_kind v) noexcept {
    switch (v) {
        case range_math_kind::v6_0: return "v6_0";
        case range_math_kind::v6_5: return "v6_5";
        case range_math_kind::v6_6: return "v6_6";
        case range_math_kind::merged: return "merged";
        case range_math_kind::v6_14: return "v6_14";
    }
    return "?";
}

constexpr std::string_view axis_name(range_math_kind) noexcept { return "range_math"; }

namespace range_math {
/// R0, exclusive end, blockcount min(len, high) - low, unbounded loop
struct v6_0 : detail::policy_tag<axis::range_math, range_math_kind::v6_0> {};
/// R1, inclusive end, blockcount one short
struct v6_5 : detail::policy_tag<axis::range_math, range_math_kind::v6_5> {};
/// R1, inclusive end, blockcount min(len - 1, high) + 1 - low
struct v6_6 : detail::policy_tag<axis::range_math, range_math_kind::v6_6> {};
/// R2 (whole-device case), blockcount as v6_6
struct merged : detail::policy_tag<axis::range_math, range_math_kind::merged> {};
/// R2, blockcount min(count, high + 1) - low in u32, bounded group loop
struct v6_14 : detail::policy_tag<axis::range_math, range_math_kind::v6_14> {};
}  // namespace range_math

/// Satisfied by the range_math:: policies.
template <class P>
concept range_math_policy = detail::policy_on<P, axis::range_math>;

}  // namespace daxfail

#endif
