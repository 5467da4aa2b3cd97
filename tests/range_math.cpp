// The range arithmetic of each version against the worked numbers of the
// reference (§3.2-§3.4): u64 byte ranges, BTOBB rounding, u32 group blocks.
#include "support.hpp"

using namespace daxfail;
using daxfail::test::harness;

namespace {
config math(const range_math_ops& m) {
    config c = presets::merged::config;
    c.range_math = m;
    return c;
}
constexpr u64 gib16 = 16ull << 30;
constexpr u64 mib1 = 1ull << 20;

struct translated {
    int rc;
    u64 daddr, bblen;
};
translated translate(const range_math_ops& m, buftarg bt, u64 offset, u64 len) {
    harness h(scenarios::base().build(), math(m));
    translated t{0, 0, 0};
    t.rc = kernel::xfs_dax_translate_range(h.ctx, bt, bt.nr_bytes, offset, len, t.daddr, t.bblen);
    return t;
}
}  // namespace

TEST_CASE("kill_dax's whole-device range on an unpartitioned 16 GiB device") {
    const buftarg bt{0, 0, gib16};
    const auto r0 = translate(ops_of<range_math::v6_0>, bt, 0, u64_max);
    CHECK(r0.rc == 0);
    CHECK(r0.bblen == 0x7ffffffe000000ull);  // len -= E - offset leaves ~2^64
    for (auto m : {ops_of<range_math::v6_5>, ops_of<range_math::v6_6>, ops_of<range_math::merged>, ops_of<range_math::v6_14>}) {
        const auto t = translate(m, bt, 0, u64_max);
        CHECK(t.daddr == 0);
        CHECK(t.bblen == 0x2000000ull);
    }
}

TEST_CASE("kill_dax's whole-device range on a partition starting at 1 MiB") {
    const buftarg bt{0, mib1, gib16};
    CHECK(translate(ops_of<range_math::v6_0>, bt, 0, u64_max).bblen == kernel::btobb(0xfffffffbffe00000ull));
    const auto r1 = translate(ops_of<range_math::v6_6>, bt, 0, u64_max);
    CHECK(r1.daddr == 0);
    CHECK(r1.bblen == 0x2000800ull);  // overshoots the partition end by S bytes
    const auto r2 = translate(ops_of<range_math::merged>, bt, 0, u64_max);
    CHECK(r2.daddr == 0);
    CHECK(r2.bblen == 0x2000000ull);
}

TEST_CASE("ranges outside the filesystem are -ENXIO; a page inside translates the same in every version") {
    const buftarg bt{0, mib1, gib16};
    for (auto m : {ops_of<range_math::v6_0>, ops_of<range_math::v6_6>, ops_of<range_math::merged>}) {
        CHECK(translate(m, bt, 0, 4096).rc == -err::enxio);                 // before the partition
        CHECK(translate(m, bt, mib1 + gib16, 4096).rc == -err::enxio);      // after it
        const auto t = translate(m, bt, mib1 + 8192, 4096);
        CHECK(t.rc == 0);
        CHECK(t.daddr == 16);
        CHECK(t.bblen == 8);
    }
}

TEST_CASE("xfs_failure_pgoff/pgcnt: single-block poison at agbno 7 under each blockcount formula") {
    const rmap_record rec{0, 16, 133, 0, false, false};
    kernel::xfs_failure_info six_four{7, 1, 0, false};  // v6.0-v6.4: min(len, 8) - 7
    kernel::xfs_failure_info six_five{7, 0, 0, false};  // v6.5: min(len, 7) - 7
    kernel::xfs_failure_info six_six{7, 1, 0, false};   // v6.6+: min(len - 1, 7) + 1 - 7
    CHECK(kernel::xfs_failure_pgoff(4096, rec, six_four) == 7);
    CHECK(kernel::xfs_failure_pgcnt(4096, rec, six_four) == 1);
    CHECK(kernel::xfs_failure_pgcnt(4096, rec, six_five) == 0);
    CHECK(kernel::xfs_failure_pgcnt(4096, rec, six_six) == 1);
    // A record starting at the exclusive end (block 8) is visited by v6.0-v6.4 and gets nothing.
    const rmap_record next{8, 4, 134, 0, false, false};
    CHECK(kernel::xfs_failure_pgcnt(4096, next, six_four) == 0);
}

TEST_CASE("v6.14's blockcount wraps in u32 for every non-end group") {
    // notify.blockcount = min(count, high + 1) - low with high = 0xFFFFFFFF and low = 0.
    const u32 high = 0xFFFFFFFFu;
    const u32 count = std::min<u32>(4096, u32(high + 1)) - 0;
    CHECK(count == 0);
    const rmap_record rec{50, 10, 133, 0, false, false};
    kernel::xfs_failure_info notify{0, count, 0, false};
    CHECK(kernel::xfs_failure_pgcnt(4096, rec, notify) == 4294967246ull);  // 2^32 - 50
}
