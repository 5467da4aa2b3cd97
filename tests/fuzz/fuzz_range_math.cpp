// Fuzz target: the range arithmetic of every range_math policy (v6_0, v6_5,
// v6_6, merged, v6_14, v6_18, v7_0, v7_0_count_fixed) on fuzzer-chosen geometry and byte ranges, through the
// modelled kernel functions: xfs_dax_translate_range (device bytes to daddr and
// bblen on the filesystem's part) and xfs_dax_notify_ddev_failure's group loop
// (per group: startblock, blockcount, and the rmap query's low..high keys).
//
// Three references, all in unsigned __int128 so that only the wraps the
// policies document can happen:
//  1. translate: each version's documented rule (R0, R1, R2: policy/range_math.hpp)
//     with its u64 wraps made explicit.
//  2. the group walk: from daddr/bblen, which groups are visited with which keys
//     and blockcount, using each version's documented end key and blockcount
//     formula (written as the exact count plus the documented deviation), and
//     the documented end of the loop (v6.14 stops at the last group, earlier
//     versions oops on the NULL perag).
//  3. the plain question, where no u64 wraps: which blocks of which group does
//     the byte range cover, starting from the exact intersection of the byte
//     range with the filesystem's part. The implementations must cover exactly
//     that, except for the documented deviations: BTOBB rounds the start up to
//     a basic block, R1 clamps the end against the absolute end of the part
//     (an overshoot of part_off bytes), v6.5's blockcount is one short in the
//     group where the range ends. (R0 / v6_0 is checked by 1 and 2 only.)
// Any difference abort()s with both values; UBSan checks the arithmetic itself.
#include <daxfail/config.hpp>
#include <daxfail/detail/context.hpp>
#include <daxfail/errno.hpp>
#include <daxfail/event.hpp>
#include <daxfail/kernel/xfs_dax_notify_ddev_failure.hpp>
#include <daxfail/kernel/xfs_dax_translate_range.hpp>
#include <daxfail/outcome.hpp>
#include <daxfail/policy/range_math.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant_names.hpp>
#include <daxfail/world.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace {

using u32 = std::uint32_t;
using u64 = std::uint64_t;
using u128 = unsigned __int128;
using daxfail::range_translation;

/// The built-in range_math values this reference knows, by name (the library's policies are types).
enum class range_math_kind { v6_0, v6_5, v6_6, merged, v6_14, v6_18, v7_0, v7_0_count_fixed };
constexpr std::string_view kind_names[] = {"v6_0", "v6_5", "v6_6", "merged", "v6_14", "v6_18", "v7_0", "v7_0_count_fixed"};
std::string_view value_name(range_math_kind k) { return kind_names[static_cast<std::size_t>(k)]; }

constexpr u64 u64_max = ~u64{0};
constexpr u128 two64 = u128{1} << 64;

u64 wrap64(u128 x) { return static_cast<u64>(x); }  // the kernel's u64 store
u32 wrap32(u128 x) { return static_cast<u32>(x); }  // the kernel's u32 store

std::string hex(u128 v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64 "%016" PRIx64, static_cast<u64>(v >> 64), static_cast<u64>(v));
    std::string s(buf);
    const auto nz = s.find_first_not_of('0', 2);
    return nz == std::string::npos ? "0x0" : "0x" + s.substr(nz);
}

struct geometry {
    u32 blocksize = 4096;
    u32 group_count = 1;
    u32 group_blocks = 1;
    u64 blocks = 1;    ///< filesystem blocks; the last group may be short
    u64 part_off = 0;  ///< the filesystem's part of the dax device starts here
    u64 nr_bytes = 0;  ///< and is this long (at least blocks * blocksize)
    u64 offset = 0, length = 0;  ///< the notified byte range on the device
};

struct context_info {
    const geometry* g = nullptr;
    range_math_kind kind{};
};
context_info current;

[[noreturn]] void mismatch(const std::string& what) {
    const geometry& g = *current.g;
    std::fprintf(stderr,
                 "fuzz_range_math: range_math %s: %s\n  blocksize %u group_count %u group_blocks %u blocks %s"
                 " part_off %s nr_bytes %s offset %s length %s\n",
                 std::string(value_name(current.kind)).c_str(), what.c_str(), g.blocksize, g.group_count,
                 g.group_blocks, hex(g.blocks).c_str(), hex(g.part_off).c_str(), hex(g.nr_bytes).c_str(),
                 hex(g.offset).c_str(), hex(g.length).c_str());
    std::abort();
}

bool is_r0(range_math_kind k) { return k == range_math_kind::v6_0; }
bool is_r2(range_math_kind k) { return k != range_math_kind::v6_0 && k != range_math_kind::v6_5 && k != range_math_kind::v6_6; }
/// v6.14's u32 count (v6_18 and v7_0 keep it; the harness gives them the block device's length as the
/// filesystem's, so their translation is v6.14's too).
bool wraps(range_math_kind k) {
    return k == range_math_kind::v6_14 || k == range_math_kind::v6_18 || k == range_math_kind::v7_0;
}
/// The group loop bounded by the group count (v6.14 on).
bool bounded(range_math_kind k) { return wraps(k) || k == range_math_kind::v7_0_count_fixed; }

u64 btobb(u128 bytes) { return wrap64(bytes + 511) >> 9; }  // BTOBB on a u64 (wraps near U64_MAX)

// --- 1. translate --------------------------------------------------------------------------------------------

/// R0 (v6.0-v6.4), R1 (v6.5+), R2 (R1 plus offset 0 / length U64_MAX meaning the whole part). u64 throughout:
/// every store below is wrapped to 64 bits, every comparison is of u64 values.
range_translation reference_translate(range_math_kind k, const geometry& g) {
    const u128 start = g.part_off;
    const u128 end = start + g.nr_bytes - 1;  // inclusive; < 2^64 by construction
    u128 off = g.offset, len = g.length;
    if (is_r2(k) && off == 0 && len == u64_max) {
        off = start;
        len = g.nr_bytes;
    }
    // R0 compares the exclusive end (offset + len) with the start; R1 the inclusive one.
    const u64 last = is_r0(k) ? wrap64(off + len) : wrap64(off + len + u128{u64_max});  // + (2^64 - 1) == - 1 mod 2^64
    if (last < start) return {range_translation::outcome::ends_before_fs};
    if (off > end) return {range_translation::outcome::starts_after_fs};
    u128 rel = 0;
    if (off > start) {
        rel = off - start;
    } else {
        len = wrap64(len + two64 - (start - off));
    }
    if (is_r0(k)) {
        if (wrap64(rel + len) > end) len = wrap64(len + two64 - (end - rel));  // len -= end - offset
    } else if (wrap64(rel + len + u128{u64_max}) > end) {
        len = end - rel + 1;  // clamped against the absolute end: the relative range may pass the part's end
    }
    return {range_translation::outcome::ok, btobb(rel), btobb(len)};
}

// --- 2. the group walk ---------------------------------------------------------------------------------------

struct group_visit {
    u32 group = 0, startblock = 0, high = 0, blockcount = 0;
    bool operator==(const group_visit&) const = default;
};
struct walk {
    std::vector<group_visit> visits;
    bool oops = false;  ///< xfs_perag_get returned NULL for a group past the last
};

u128 group_length(const geometry& g, u128 group) {
    return std::min<u128>(g.group_blocks, u128{g.blocks} - group * g.group_blocks);
}

walk reference_walk(range_math_kind k, const geometry& g, u64 daddr, u64 bblen) {
    const u128 bb_per_block = g.blocksize / 512;
    // The end key: v6.0-v6.4 use the exclusive end daddr + bblen as if inclusive; later versions the last bb.
    const u64 last_daddr = is_r0(k) ? wrap64(u128{daddr} + bblen) : wrap64(u128{daddr} + bblen + u128{u64_max});
    const u128 first_block = daddr / bb_per_block, last_block = last_daddr / bb_per_block;
    // xfs_daddr_to_agno returns a u32 group number.
    const u32 first_group = wrap32(first_block / g.group_blocks), end_group = wrap32(last_block / g.group_blocks);
    const u32 first_gbno = static_cast<u32>(first_block % g.group_blocks);
    const u32 end_gbno = static_cast<u32>(last_block % g.group_blocks);
    walk w;
    for (u128 group = first_group; group <= end_group; ++group) {
        if (group >= g.group_count) {
            w.oops = !bounded(k);  // v6.14's loop is bounded by the group count
            break;
        }
        const u128 low = group == first_group ? first_gbno : 0;
        const u128 high = group == end_group ? u128{end_gbno} : 0xFFFFFFFFu;
        const u128 length = group_length(g, group);
        // The exact number of notified blocks in this group, low..min(high, length - 1) (negative when the range
        // starts past the group's end: the u32 result wraps).
        const u128 exact = std::min(high + 1, length) - low;  // mod 2^128, wrapped to u32 below
        u128 count = exact;
        switch (k) {
            case range_math_kind::v6_0:
            case range_math_kind::v6_5:
                if (high < length) count = exact - 1;  // min(length, high) - low: one short where the range ends
                break;
            case range_math_kind::v6_6:
            case range_math_kind::merged:
            case range_math_kind::v7_0_count_fixed: break;  // min(length - 1, high) + 1 - low
            case range_math_kind::v6_14:
            case range_math_kind::v6_18:
            case range_math_kind::v7_0:
                if (high == 0xFFFFFFFFu) count = u128{0} - low;  // min(length, u32(high + 1) == 0) - low
                break;
        }
        w.visits.push_back({static_cast<u32>(group), static_cast<u32>(low), static_cast<u32>(high), wrap32(count)});
    }
    return w;
}

/// The model's walk, read back from the steps it records.
walk model_walk(const daxfail::outcome& out, bool oopsed) {
    walk w;
    w.oops = oopsed;
    group_visit v;
    for (const auto& t : out.trace) {
        unsigned g = 0, a = 0, b = 0;
        if (t.function == "xfs_dax_notify_ddev_failure" &&
            std::sscanf(t.detail.c_str(), "group %u startblock %u blockcount %u", &g, &a, &b) == 3) {
            v = {g, a, 0, b};
        } else if (t.function == "xfs_rmap_query_range" &&
                   std::sscanf(t.detail.c_str(), "group %u blocks %u..%u", &g, &a, &b) == 3) {
            if (g != v.group || a != v.startblock) mismatch("the rmap query's group/low differ from the notification's");
            v.high = b;
            w.visits.push_back(v);
        }
    }
    return w;
}

std::string describe(const walk& w) {
    std::string s;
    for (const auto& v : w.visits)
        s += " [group " + std::to_string(v.group) + " low " + std::to_string(v.startblock) + " high " +
             std::to_string(v.high) + " count " + std::to_string(v.blockcount) + "]";
    return s + (w.oops ? " oops" : " returned");
}

// --- 3. which blocks the byte range covers ---------------------------------------------------------------------

struct covered {
    u32 group;
    u128 first, last_excl;  ///< group blocks [first, last_excl)
};

/// What a visit notifies, as a set of existing blocks of its group. v6.14's blockcount of a group the range
/// goes on past is min(length, u32(high + 1) == 0) - low: 2^32 - low where the range starts inside the group,
/// 0 in every later group (reference 2 checks the value). That is no block range (xfs_failure_pgcnt makes it
/// 2^32 - start blocks for a record from start > 0 and none for a record at block 0), so here such a visit
/// counts as the rest of its group: reference 3 checks only that the group is visited from the right block.
std::vector<covered> blocks_of(range_math_kind k, const geometry& g, const walk& w) {
    std::vector<covered> c;
    for (const auto& v : w.visits) {
        const u128 length = group_length(g, v.group);
        const bool rest_of_group = wraps(k) && v.high == 0xFFFFFFFFu;
        const u128 end = rest_of_group ? length : std::min<u128>(u128{v.startblock} + v.blockcount, length);
        if (end > v.startblock) c.push_back({v.group, v.startblock, end});
    }
    return c;
}

void check_coverage(range_math_kind k, const geometry& g, const range_translation& t, const walk& model) {
    if (is_r0(k)) return;
    u128 a = g.offset, b = u128{g.offset} + g.length;  // the byte range [a, b) on the device
    const u128 start = g.part_off, part_end = start + g.nr_bytes;
    bool whole = false;
    if (is_r2(k) && g.offset == 0 && g.length == u64_max) {
        a = start;
        b = part_end;
        whole = true;
    }
    if (g.length == 0 || b > two64) return;  // the u64 wraps: references 1 and 2 only
    if (b <= start) {
        if (t.result != range_translation::outcome::ends_before_fs) mismatch("a range before the part was not -ENXIO");
        return;
    }
    if (a >= part_end) {
        if (t.result != range_translation::outcome::starts_after_fs) mismatch("a range after the part was not -ENXIO");
        return;
    }
    if (t.result != range_translation::outcome::ok) mismatch("a range meeting the part was -ENXIO");
    const u128 lo = std::max(a, start) - start;
    // R1's clamp compares the relative end with the absolute end of the part: it passes the part's end by part_off.
    const u128 hi = std::min(b - start, whole ? g.nr_bytes : part_end);
    if (lo > u64_max - 511 || hi - lo > u64_max - 511) return;  // BTOBB wraps: reference 1 only
    const u128 first_bb = (lo + 511) / 512;  // BTOBB rounds the start up
    const u128 bbs = (hi - lo + 511) / 512;
    if (t.daddr != first_bb || t.bblen != bbs)
        mismatch("translated to daddr " + hex(t.daddr) + " bblen " + hex(t.bblen) + ", the byte range is bb " +
                 hex(first_bb) + " + " + hex(bbs));
    const u128 per_block = g.blocksize / 512;
    const u128 first = first_bb / per_block, last = (first_bb + bbs - 1) / per_block;  // filesystem blocks
    const u128 first_group = first / g.group_blocks, last_group = last / g.group_blocks;
    if (last_group > 0xFFFFFFFFu) return;  // the u32 group number wraps: reference 2 only
    std::vector<covered> want;
    bool past_last_group = false;
    for (u128 group = first_group; group <= last_group; ++group) {
        if (group >= g.group_count) {
            past_last_group = true;
            break;
        }
        const u128 base = group * g.group_blocks;
        const u128 length = group_length(g, group);
        const u128 from = std::max(first, base) - base;
        u128 to = std::min(last - base + 1, length);  // exclusive
        if (k == range_math_kind::v6_5 && group == last_group && last - base < length) --to;  // one short
        if (to > from) want.push_back({static_cast<u32>(group), from, to});
    }
    const bool want_oops = past_last_group && !bounded(k);
    const auto got = blocks_of(k, g, model);
    bool same = got.size() == want.size() && model.oops == want_oops;
    for (std::size_t i = 0; same && i < got.size(); ++i)
        same = got[i].group == want[i].group && got[i].first == want[i].first && got[i].last_excl == want[i].last_excl;
    if (!same) {
        std::string s = "covers";
        for (const auto& c : got)
            s += " [group " + std::to_string(c.group) + " " + hex(c.first) + ".." + hex(c.last_excl) + ")";
        s += model.oops ? " and oopses; the byte range covers" : "; the byte range covers";
        for (const auto& c : want)
            s += " [group " + std::to_string(c.group) + " " + hex(c.first) + ".." + hex(c.last_excl) + ")";
        mismatch(s + (want_oops ? " and passes the last group" : ""));
    }
}

// --- the input -------------------------------------------------------------------------------------------------

/// A value near one of `anchors` (most of the time) or any u64.
u64 pick(FuzzedDataProvider& in, std::initializer_list<u64> anchors, u64 scale) {
    const auto how = in.ConsumeIntegral<std::uint8_t>();
    if (how < 24) return in.ConsumeIntegral<u64>();
    const u64 anchor = anchors.begin()[how % anchors.size()];
    const auto delta = in.ConsumeIntegralInRange<std::int32_t>(-4096, 4096);
    const u64 step = (how & 0x80) ? scale : 1;
    return anchor + static_cast<u64>(static_cast<std::int64_t>(delta)) * step;  // wraps like the kernel's values
}

geometry make_geometry(FuzzedDataProvider& in) {
    geometry g;
    g.blocksize = u32{1} << in.ConsumeIntegralInRange<unsigned>(9, 16);
    g.group_count = in.ConsumeIntegralInRange<u32>(1, in.ConsumeBool() ? 300 : 8);  // a walk costs a step per group
    g.group_blocks = in.ConsumeBool() ? in.ConsumeIntegralInRange<u32>(1, 1u << 16)
                                      : in.ConsumeIntegralInRange<u32>(1, 0xFFFFFFFFu);
    g.blocks = u64{g.group_count - 1} * g.group_blocks + in.ConsumeIntegralInRange<u64>(1, g.group_blocks);
    const u64 fs_bytes = g.blocks * g.blocksize;  // < 2^57
    const u64 extra_max = u64_max - fs_bytes;  // nr_bytes <= U64_MAX
    const u64 extra = in.ConsumeBool() ? 0 : std::min(pick(in, {0, 4096, 1u << 20, g.blocksize}, g.blocksize), extra_max);
    g.nr_bytes = fs_bytes + extra;
    const u64 part_max = u64_max - g.nr_bytes + 1;  // part_off + nr_bytes <= 2^64
    g.part_off = std::min(in.ConsumeBool() ? 0 : pick(in, {0, 1u << 20, u64{1} << 30, 4096}, 4096), part_max);
    const u64 s = g.part_off, e = g.part_off + (g.nr_bytes - 1);
    const u64 group_bytes = u64{g.group_blocks} * g.blocksize;
    const u64 some_group = s + in.ConsumeIntegralInRange<u32>(0, g.group_count) * group_bytes;
    if (in.ConsumeIntegral<std::uint8_t>() < 40) {
        g.offset = 0;  // kill_dax's whole-device notification
        g.length = u64_max;
    } else {
        g.offset = pick(in, {0, s, e, e + 1, some_group, s + fs_bytes, u64_max}, g.blocksize);
        g.length = pick(in, {1, 512, 4096, g.blocksize, group_bytes, fs_bytes, g.nr_bytes, u64_max, u64_max - g.offset,
                             0 - g.offset, e + 1 - g.offset},
                        g.blocksize);
    }
    return g;
}

void check(range_math_kind k, const geometry& g) {
    current.kind = k;
    daxfail::config cfg = daxfail::presets::merged::config;
    if (!daxfail::set_axis(cfg, "range_math", value_name(k)).empty() || cfg.range_math.name != value_name(k))
        mismatch("the policy is not the one asked for");

    daxfail::world w;
    daxfail::dax_device dev;
    dev.size = g.part_off + (g.nr_bytes - 1);
    w.devices.push_back(dev);
    w.mp.blocksize = g.blocksize;
    w.mp.data.target = {0, g.part_off, g.nr_bytes};
    w.mp.data.group_count = g.group_count;
    w.mp.data.group_blocks = g.group_blocks;
    w.mp.data.blocks = g.blocks;
    w.mp.data.rmap.resize(g.group_count);
    daxfail::outcome out;
    const daxfail::event ev = daxfail::event::unbind(0, 1);
    daxfail::run_options opts;
    opts.trace_limit = 100000;
    daxfail::detail::kernel_context ctx{w, cfg, out, ev, opts};

    u64 daddr = 0, bblen = 0;
    const int rc = daxfail::kernel::xfs_dax_translate_range(ctx, w.mp.data.target, w.mp.data.target.nr_bytes, g.offset,
                                                              g.length, daddr, bblen);
    const range_translation want = reference_translate(k, g);
    range_translation got{range_translation::outcome::ok, daddr, bblen};
    if (rc != 0) {
        if (rc != -daxfail::err::enxio) mismatch("xfs_dax_translate_range returned " + daxfail::err::name(rc));
        if (want.result == range_translation::outcome::ok) mismatch("-ENXIO where the documented rule translates");
        got.result = want.result;  // both -ENXIO cases look alike to the caller
    } else if (got != want) {
        mismatch("translated to daddr " + hex(daddr) + " bblen " + hex(bblen) + ", documented " +
                 (want.result == range_translation::outcome::ok ? "daddr " + hex(want.daddr) + " bblen " + hex(want.bblen)
                                                               : std::string("-ENXIO")));
    }
    if (got.result != range_translation::outcome::ok) {
        check_coverage(k, g, got, {});
        return;
    }

    bool oopsed = false;
    try {
        const int walk_rc = daxfail::kernel::xfs_dax_notify_ddev_failure(ctx, w.mp.data, daddr, bblen, 0, false);
        if (walk_rc != 0) mismatch("the group walk of an empty filesystem returned " + daxfail::err::name(walk_rc));
    } catch (const daxfail::detail::stop_run& stop) {
        if (stop.end != daxfail::end_state::oops) mismatch("the group walk stopped: " + stop.detail);
        oopsed = true;
    }
    const walk model = model_walk(out, oopsed);
    const walk ref = reference_walk(k, g, daddr, bblen);
    if (model.visits != ref.visits || model.oops != ref.oops)
        mismatch("group walk" + describe(model) + "; documented" + describe(ref));
    check_coverage(k, g, got, model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const geometry g = make_geometry(in);
    current.g = &g;
    for (auto k : {range_math_kind::v6_0, range_math_kind::v6_5, range_math_kind::v6_6, range_math_kind::merged,
                   range_math_kind::v6_14, range_math_kind::v6_18, range_math_kind::v7_0,
                   range_math_kind::v7_0_count_fixed})
        check(k, g);
    return 0;
}
