// The arithmetic that turns a device byte range into per-group rmap keys, with
// each version's bugs. v6_0: R0 (length clamp `len -= E - offset`),
// exclusive end used as an inclusive key, unbounded group loop (6.0-6.4, Debian
// before 6.1.112). v6_5: R1 clamp, inclusive end, blockcount one short. v6_6: R1
// with the +1 fix (6.6, 6.7, Debian 6.1.112+). merged: R2 = R1 plus the
// whole-device case (offset 0, length U64_MAX) (v12 on 6.6, v6.8-v6.13).
// v6_14: R2 with `min(count, high + 1)` in u32: for a group the range goes on
// past, high + 1 wraps to 0, so the count is 0 - low (2^32 - low in the first
// group, exactly 0 in every later one, whose low is 0); and a group loop
// bounded by the group count.
// v6_18: v6_14's arithmetic on the filesystem's own length on that device
// (bt_nr_sectors, from sb_dblocks / sb_rblocks; 6ef2175fce30) instead of the
// block device's (bdev_nr_bytes): a range past the filesystem but inside the
// device is -ENXIO, and a whole-device unbind of a filesystem smaller than its
// device stops at its end. v7_0: also translated before the rmapbt test
// (e76e0e3fc995, with the health monitor), so such a range is -ENXIO even
// without rmapbt. Optional members `length_is_filesystem` and
// `checked_before_rmapbt`, false when a policy leaves them out.
// v7_0_count_fixed: no kernel's; the fix daxfail proposes for the u32 wrap
// (v7_0 with v6.6's count, min(length - 1, high) + 1 - low), under which a
// whole-device unbind walks each extent once and returns.
// R1's clamp compares the end relative to the partition with the end of the
// whole device, so a range near a partition's end runs past it by part_off
// bytes (v6_5, v6_6, merged, v6_14; tests/range_math.cpp and the fuzz target
// fuzz_range_math check exactly that).
//
// The decision: four pieces of arithmetic. `translate` turns the device byte
// range into a basic-block range on the filesystem's device (or says it lies
// outside); `last_daddr` is the daddr the end key is computed from;
// `blockcount` is the notification's count for a group; `stops_at_last_group`
// bounds the group loop by the group count (else group agcount is looked up).
//
// What the kernel can see at this point (xfs_dax_translate_range, inline in
// 6.1's xfs_dax_notify_failure, and the group loop after it): the byte range
// the driver passed (pmem_pagemap_memory_failure, or kill_dax's 0 and
// U64_MAX), the buftarg's partition offset and length (bdev_nr_bytes; the
// filesystem's own, bt_nr_sectors, in 7.2), the group count and each group's
// length (agf_length in 6.1 and 6.12, xg_block_count in 7.2). The policy gets
// these as numbers: the versions differ in arithmetic, not in the facts they
// had.
//
//     struct my_math {                         // satisfies daxfail::range_math_policy
//         using axis = daxfail::axis::range_math;
//         static constexpr std::string_view name = "my_math";
//         static range_translation translate(std::uint64_t part_off, std::uint64_t nr_bytes,
//                                            std::uint64_t offset, std::uint64_t len);
//         static std::uint64_t last_daddr(std::uint64_t daddr, std::uint64_t bblen);
//         static std::uint32_t blockcount(std::uint32_t group_length, std::uint32_t high, std::uint32_t low);
//         static constexpr bool stops_at_last_group = true;
//         static constexpr bool length_is_filesystem = false;   // optional
//         static constexpr bool checked_before_rmapbt = false;  // optional
//     };
#ifndef DAXFAIL_POLICY_RANGE_MATH_HPP
#define DAXFAIL_POLICY_RANGE_MATH_HPP

#include <daxfail/detail/policy_base.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace daxfail {

namespace axis {
struct range_math;  // described at the end of this header
}

/// A device byte range translated onto one filesystem device.
struct range_translation {
    enum class outcome { ok, ends_before_fs, starts_after_fs };  // the two -ENXIO cases
    outcome result = outcome::ok;
    std::uint64_t daddr = 0, bblen = 0;  ///< 512-byte basic blocks from the start of the filesystem's part
    friend constexpr bool operator==(const range_translation&, const range_translation&) = default;
};

/// A range_math policy as the model runs it.
struct range_math_ops {
    std::string_view name;
    range_translation (*translate)(std::uint64_t part_off, std::uint64_t nr_bytes, std::uint64_t offset,
                                   std::uint64_t len);
    std::uint64_t (*last_daddr)(std::uint64_t daddr, std::uint64_t bblen);
    std::uint32_t (*blockcount)(std::uint32_t group_length, std::uint32_t high, std::uint32_t low);
    bool stops_at_last_group;
    bool length_is_filesystem = false;   ///< optional member; false when a policy leaves it out
    bool checked_before_rmapbt = false;  ///< optional member; false when a policy leaves it out
    friend constexpr bool operator==(const range_math_ops&, const range_math_ops&) = default;
};

namespace range_math {
using u64 = std::uint64_t;
using u32 = std::uint32_t;

/// BTOBB: bytes to 512-byte basic blocks, rounding up (wraps near U64_MAX like the macro).
constexpr u64 btobb(u64 bytes) noexcept { return (bytes + 511) >> 9; }

/// The inline translation of v6.0-v6.4 (R0, `exclusive` = true: its off-by-one clamp and bounds) and of v6.5+
/// (R1); `whole_device` adds R2's case: offset 0 and length U64_MAX mean the filesystem's part of the device.
constexpr range_translation translate_inline(u64 part_off, u64 nr_bytes, u64 offset, u64 len, bool exclusive,
                                             bool whole_device) {
    const u64 start = part_off;
    const u64 end = start + nr_bytes - 1;
    if (whole_device && offset == 0 && len == ~u64{0}) {
        offset = start;
        len = nr_bytes;
    }
    if (exclusive ? offset + len < start : offset + len - 1 < start) return {range_translation::outcome::ends_before_fs};
    if (offset > end) return {range_translation::outcome::starts_after_fs};
    if (offset > start) {
        offset -= start;
    } else {
        len -= start - offset;
        offset = 0;
    }
    if (exclusive) {
        if (offset + len > end) len -= end - offset;  // R0's clamp: should have been end - offset + 1
    } else if (offset + len - 1 > end) {
        len = end - offset + 1;
    }
    return {range_translation::outcome::ok, btobb(offset), btobb(len)};
}

/// The group's count of v6.0-v6.13 up to v6.5: min(length, high) - low, one short when the range ends in the group.
constexpr u32 count_one_short(u32 length, u32 high, u32 low) { return std::min(length, high) - low; }
/// The count of v6.6-v6.13: min(length - 1, high) + 1 - low, which cannot wrap.
constexpr u32 count_inclusive(u32 length, u32 high, u32 low) { return std::min(length - 1, high) + 1 - low; }
/// The count of v6.14+: min(length, high + 1) - low in u32. high + 1 wraps to 0 in every group the range goes on
/// past, so the count is 0 - low.
constexpr u32 count_u32_wrap(u32 length, u32 high, u32 low) { return std::min(length, u32(high + 1)) - low; }
}  // namespace range_math

namespace detail {
/// One kernel's arithmetic, put together from the pieces that change between versions: R0's or R1's translation
/// (R0 also keys the rmap query on the exclusive end), R2's whole-device case, the group's count, whether the
/// group loop stops at the group count, and the two 7.x members.
template <bool R0, bool WholeDevice, std::uint32_t (*Count)(std::uint32_t, std::uint32_t, std::uint32_t),
          bool StopsAtLastGroup, bool FilesystemLength = false, bool BeforeRmapbt = false>
struct range_math_generation {
    static constexpr range_translation translate(std::uint64_t part_off, std::uint64_t nr_bytes, std::uint64_t offset,
                                                 std::uint64_t len) {
        return range_math::translate_inline(part_off, nr_bytes, offset, len, R0, WholeDevice);
    }
    static constexpr std::uint64_t last_daddr(std::uint64_t daddr, std::uint64_t bblen) {
        return R0 ? daddr + bblen : daddr + bblen - 1;
    }
    static constexpr std::uint32_t blockcount(std::uint32_t length, std::uint32_t high, std::uint32_t low) {
        return Count(length, high, low);
    }
    static constexpr bool stops_at_last_group = StopsAtLastGroup;  // v6.14+: xfs_group_next_range
    static constexpr bool length_is_filesystem = FilesystemLength;
    static constexpr bool checked_before_rmapbt = BeforeRmapbt;
};
}  // namespace detail

namespace range_math {
using detail::range_math_generation;
/// R0, exclusive end, blockcount min(len, high) - low, unbounded loop
struct v6_0 : detail::policy_tag<axis::range_math, "v6_0">, range_math_generation<true, false, count_one_short, false> {
    static constexpr policy_source source = detail::known_sources::xfs_notify_failure;
};
/// R1, inclusive end, blockcount one short
struct v6_5 : detail::policy_tag<axis::range_math, "v6_5">,
              range_math_generation<false, false, count_one_short, false> {
    static constexpr policy_source source{
        "v6.5", "5cf32f63b0f4", "xfs: fix the calculation for \"end\" and \"length\"", "", ""};
};
/// R1, inclusive end, blockcount min(len - 1, high) + 1 - low
struct v6_6 : detail::policy_tag<axis::range_math, "v6_6">,
              range_math_generation<false, false, count_inclusive, false> {
    static constexpr policy_source source{
        "v6.6", "3c90c01e4934", "xfs: correct calculation for agend and blockcount", "", ""};
};
/// R2 (whole-device case), blockcount as v6_6
struct merged : detail::policy_tag<axis::range_math, "merged">,
                range_math_generation<false, true, count_inclusive, false> {
    static constexpr policy_source source = detail::known_sources::pre_remove_patch;
};
/// R2, blockcount min(count, high + 1) - low in u32, bounded group loop
struct v6_14 : detail::policy_tag<axis::range_math, "v6_14">,
               range_math_generation<false, true, count_u32_wrap, true> {
    static constexpr policy_source source = detail::known_sources::rtgroups;
};
/// v6_14 on the filesystem's own length (bt_nr_sectors)
struct v6_18 : detail::policy_tag<axis::range_math, "v6_18">,
               range_math_generation<false, true, count_u32_wrap, true, true> {
    static constexpr policy_source source{
        "v6.18", "6ef2175fce30", "xfs: use bt_nr_sectors in xfs_dax_translate_range", "", ""};
};
/// v6_18, translated before the rmapbt test
struct v7_0 : detail::policy_tag<axis::range_math, "v7_0">,
              range_math_generation<false, true, count_u32_wrap, true, true, true> {
    static constexpr policy_source source{
        "v7.0", "e76e0e3fc995", "xfs: convey externally discovered fsdax media errors to the health monitor", "", ""};
};
/// A proposed fix of v7_0 (not in any kernel): the group's count as v6.6-v6.13 computed it, min(length - 1,
/// high) + 1 - low, which cannot wrap
struct v7_0_count_fixed : detail::policy_tag<axis::range_math, "v7_0_count_fixed">,
                          range_math_generation<false, true, count_inclusive, true, true, true> {
    static constexpr policy_source source{
        "proposed by daxfail", "",
        "v7_0 with the group count of v6.6-v6.13, min(length - 1, high) + 1 - low, which cannot wrap", "", ""};
};
}  // namespace range_math

namespace detail {
template <class P>
concept range_math_has_translate = requires {
    { &P::translate } -> std::convertible_to<decltype(range_math_ops::translate)>;
};
template <class P>
concept range_math_has_last_daddr = requires {
    { &P::last_daddr } -> std::convertible_to<decltype(range_math_ops::last_daddr)>;
};
template <class P>
concept range_math_has_blockcount = requires {
    { &P::blockcount } -> std::convertible_to<decltype(range_math_ops::blockcount)>;
};
template <class P>
concept range_math_has_stops_at_last_group = requires {
    requires detail::constant_of<P, bool, &P::stops_at_last_group>;
};
}  // namespace detail

namespace detail {
/// The optional members' values: false when a policy leaves them out (policies written before v7.0 did).
template <class P>
constexpr bool range_math_length_is_filesystem() {
    if constexpr (requires { requires constant_of<P, bool, &P::length_is_filesystem>; })
        return P::length_is_filesystem;
    else
        return false;
}
template <class P>
constexpr bool range_math_checked_before_rmapbt() {
    if constexpr (requires { requires constant_of<P, bool, &P::checked_before_rmapbt>; })
        return P::checked_before_rmapbt;
    else
        return false;
}
}  // namespace detail

/// A range_math policy: `translate`, `last_daddr`, `blockcount` and `stops_at_last_group` (see above), and
/// optionally `length_is_filesystem` and `checked_before_rmapbt` (false when left out).
template <class P>
concept range_math_policy = detail::policy_on<P, axis::range_math> && detail::range_math_has_translate<P> &&
                            detail::range_math_has_last_daddr<P> && detail::range_math_has_blockcount<P> &&
                            detail::range_math_has_stops_at_last_group<P>;

namespace axis {
struct range_math {
    static constexpr std::string_view name = "range_math";
    using ops = range_math_ops;
    /// The value when a variant leaves this axis out: v6.6's, as in presets::pre_patch.
    using default_policy = daxfail::range_math::v6_6;
    using builtins = detail::type_list<daxfail::range_math::v6_0, daxfail::range_math::v6_5, daxfail::range_math::v6_6,
                                       daxfail::range_math::merged, daxfail::range_math::v6_14,
                                       daxfail::range_math::v6_18, daxfail::range_math::v7_0,
                                       daxfail::range_math::v7_0_count_fixed>;
    template <class P>
    static constexpr ops make() {
        static_assert(detail::range_math_has_translate<P>,
                      "daxfail: this range_math policy needs `static range_translation translate(u64 part_off, u64 "
                      "nr_bytes, u64 offset, u64 len)`");
        static_assert(detail::range_math_has_last_daddr<P>,
                      "daxfail: this range_math policy needs `static u64 last_daddr(u64 daddr, u64 bblen)`");
        static_assert(detail::range_math_has_blockcount<P>,
                      "daxfail: this range_math policy needs `static u32 blockcount(u32 group_length, u32 high, u32 "
                      "low)`");
        static_assert(detail::range_math_has_stops_at_last_group<P>,
                      "daxfail: this range_math policy needs `static constexpr bool stops_at_last_group`");
        if constexpr (!range_math_policy<P>) return ops{};
        else return {P::name,
                     &P::translate,
                     &P::last_daddr,
                     &P::blockcount,
                     P::stops_at_last_group,
                     detail::range_math_length_is_filesystem<P>(),
                     detail::range_math_checked_before_rmapbt<P>()};
    }
    struct field;  // config::range_math: defined below, where make() is complete
};
struct range_math::field {
    ops range_math = make<default_policy>();
};
}  // namespace axis

}  // namespace daxfail

#endif
