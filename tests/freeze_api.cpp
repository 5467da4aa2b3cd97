// fs/super.c freeze/thaw semantics per generation: the interaction tables of
// the reference (§4.5), driven through the modelled freeze_super/thaw_super.
#include "support.hpp"

using namespace daxfail;
using daxfail::test::harness;

namespace {

config with_api(const freeze_api_ops& api) {
    config c = presets::merged::config;
    c.freeze_api = api;
    return c;
}

world holding(std::vector<freeze_hold> holds) {
    auto w = scenarios::base().build();
    w.mp.sb.holds = std::move(holds);
    return w;
}

const freeze_hold admin{freeze_holder::userspace, "xfs_freeze"};
const freeze_hold scrub{freeze_holder::kernel, "xfs_scrub"};

}  // namespace

TEST_CASE("freeze_api::holder_bitmask (v6.6-v6.7) follows the holder bitmask table") {
    const auto api = with_api(ops_of<freeze_api::holder_bitmask>);
    SUBCASE("unfrozen: freeze(K) takes it, thaw of a holder that is not frozen is -EINVAL") {
        harness h(holding({}), api);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::kernel, "t") == -err::einval);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::kernel, "t") == 0);
        CHECK(h.w.mp.sb.holds.size() == 1);
    }
    SUBCASE("K held: freeze(K) is -EBUSY, freeze(U) joins, thaw(U) is -EINVAL") {
        harness h(holding({scrub}), api);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::kernel, "t") == -err::ebusy);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::userspace, "t") == -err::einval);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::userspace, "t") == 0);
        CHECK(h.w.mp.sb.holds.size() == 2);
    }
    SUBCASE("K+U: thaw(K) returns 0 and leaves U frozen") {
        harness h(holding({scrub, admin}), api);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::kernel, "t") == 0);
        REQUIRE(h.w.mp.sb.holds.size() == 1);
        CHECK(h.w.mp.sb.holds[0] == admin);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::userspace, "t") == 0);
        CHECK_FALSE(h.w.mp.sb.frozen());
    }
    SUBCASE("a freeze in progress makes a second freezer wait, which nothing ends here") {
        auto w = holding({});
        w.mp.sb.freeze_in_progress = true;
        harness h(w, api);
        CHECK_THROWS_AS(kernel::freeze_super(h.ctx, freeze_holder::kernel, "t"), detail::stop_run);
    }
    SUBCASE("freezing a shut-down filesystem fails in sync_filesystem with -EIO") {
        auto w = holding({});
        w.mp.shutdown_flags = shutdown_flag::corrupt_ondisk;
        harness h(w, api);
        h.w.inodes.at(scenarios::file_a).cache.update(0, 0, [](cache_entry& e) { e.dirty = true; });
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::kernel, "t") == -err::eio);
        CHECK_FALSE(h.w.mp.sb.frozen());
        CHECK_FALSE(h.w.inodes.at(scenarios::file_a).cache.find(0)->value.dirty);  // writeback ran before the log force
    }
}

TEST_CASE("freeze_api::holder_counts (v6.8+) returns -EINVAL from a thaw that leaves another holder") {
    const auto api = with_api(ops_of<freeze_api::holder_counts>);
    SUBCASE("(1,1): thaw(K) drops the kernel count but returns -EINVAL") {
        harness h(holding({scrub, admin}), api);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::kernel, "t") == -err::einval);
        REQUIRE(h.w.mp.sb.holds.size() == 1);
        CHECK(h.w.mp.sb.holds[0] == admin);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::userspace, "t") == 0);
        CHECK_FALSE(h.w.mp.sb.frozen());
    }
    SUBCASE("(0,1): freeze(K) joins, freeze(U) is -EBUSY, thaw(K) of an unheld holder is -EINVAL") {
        harness h(holding({admin}), api);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::kernel, "t") == -err::einval);
        CHECK(h.w.mp.sb.holds.size() == 1);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::userspace, "t") == -err::ebusy);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::kernel, "t") == 0);
        CHECK(h.w.mp.sb.holds.size() == 2);
    }
    SUBCASE("a successful freeze writes back dirty cached entries") {
        auto w = holding({});
        for (auto& [ino, ip] : w.inodes)
            ip.cache.update(0, u64_max, [](cache_entry& e) { e.dirty = true; });
        harness h(w, api);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::kernel, "t") == 0);
        for (const auto& [ino, ip] : h.w.inodes)
            for (const auto& r : ip.cache) CHECK_FALSE(r.value.dirty);
    }
}

TEST_CASE("freeze_api::no_holders (<= v6.5, Debian 6.1): any second freeze is -EBUSY, not SB_BORN fakes success") {
    const auto api = with_api(ops_of<freeze_api::no_holders>);
    SUBCASE("frozen by anyone: -EBUSY whoever asks") {
        harness h(holding({admin}), api);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::kernel, "t") == -err::ebusy);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::kernel, "t") == 0);  // one anonymous freeze
        CHECK_FALSE(h.w.mp.sb.frozen());
    }
    SUBCASE("a freeze in progress is -EBUSY, no waiting") {
        auto w = holding({});
        w.mp.sb.freeze_in_progress = true;
        harness h(w, api);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::userspace, "t") == -err::ebusy);
    }
    SUBCASE("not SB_BORN: returns 0 without freezing") {
        auto w = holding({});
        w.mp.sb.born = false;
        harness h(w, api);
        CHECK(kernel::freeze_super(h.ctx, freeze_holder::userspace, "t") == 0);
        CHECK_FALSE(h.w.mp.sb.frozen());
    }
}

TEST_CASE("freeze_api::holder_counts_nested_thaw_ok (6.12.111+): a thaw that leaves a holder returns 0") {
    const auto api = with_api(ops_of<freeze_api::holder_counts_nested_thaw_ok>);
    SUBCASE("(1,1): thaw(K) returns 0 and leaves U") {
        harness h(holding({scrub, admin}), api);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::kernel, "t") == 0);
        REQUIRE(h.w.mp.sb.holds.size() == 1);
        CHECK(h.w.mp.sb.holds[0] == admin);
    }
    SUBCASE("(1,0): thaw(U) by a holder with no count returns 0 and changes nothing") {
        harness h(holding({scrub}), api);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::userspace, "t") == 0);
        CHECK(h.w.mp.sb.holds.size() == 1);
    }
    SUBCASE("unfrozen: -EINVAL as before") {
        harness h(holding({}), api);
        CHECK(kernel::thaw_super(h.ctx, freeze_holder::kernel, "t") == -err::einval);
    }
}
