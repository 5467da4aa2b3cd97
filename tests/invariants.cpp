// Each invariant passes on some scenario/variant and fails on another.
#include "support.hpp"

#include <daxfail/invariants.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

using namespace daxfail;
using namespace daxfail::scenarios;

namespace {
template <class V>
invariant_result verdict_of(const scenario& s, std::string_view name) {
    const auto o = run<V>(s.world, s.event);
    const auto ref = run<presets::pre_patch>(s.world, s.event);
    for (const auto& r : check_invariants(s, o, ref))
        if (r.name == name) return r;
    FAIL("no invariant " << name);
    return {};
}
}  // namespace

TEST_CASE("no_live_mapping_after_pre_remove") {
    const auto s = unbind_mapped_files();
    CHECK(verdict_of<presets::merged>(s, "no_live_mapping_after_pre_remove").result == verdict::pass);
    const auto f = verdict_of<presets::debian_6_1>(s, "no_live_mapping_after_pre_remove");
    CHECK(f.result == verdict::fail);
    CHECK(f.reason.rfind("20 live mapping(s) of the removed device: pid 1001 at 0x7f0000000000..0x7f000000f000", 0) == 0);
    CHECK(verdict_of<presets::merged>(poison_one_page(), "no_live_mapping_after_pre_remove").result == verdict::not_applicable);
    CHECK(verdict_of<presets::v12>(frozen_by_kernel_holder(), "no_live_mapping_after_pre_remove").result == verdict::not_applicable);
    CHECK(verdict_of<presets::merged>(realtime_device(), "no_live_mapping_after_pre_remove").result == verdict::fail);
    CHECK(verdict_of<presets::v6_14>(realtime_device(), "no_live_mapping_after_pre_remove").result == verdict::pass);
}

TEST_CASE("mapped_tasks_signaled") {
    CHECK(verdict_of<presets::merged>(unbind_mapped_files(), "mapped_tasks_signaled").result == verdict::pass);
    CHECK(verdict_of<presets::pre_patch>(unbind_mapped_files(), "mapped_tasks_signaled").result == verdict::fail);
    CHECK(verdict_of<presets::pre_patch>(poison_one_page(), "mapped_tasks_signaled").result == verdict::pass);
    // v6.5's one-short blockcount signals nobody for a single poisoned page.
    CHECK(verdict_of<presets::pre_patch::with<range_math::v6_5>>(poison_one_page(), "mapped_tasks_signaled").result ==
          verdict::fail);
    CHECK(verdict_of<presets::merged>(empty_filesystem(), "mapped_tasks_signaled").result == verdict::not_applicable);
}

TEST_CASE("no_bystander_signaled") {
    const auto s = ag_boundary_poison();
    CHECK(verdict_of<presets::merged>(s, "no_bystander_signaled").result == verdict::pass);
    const auto f = verdict_of<presets::v6_14>(s, "no_bystander_signaled");
    CHECK(f.result == verdict::fail);
    CHECK(f.reason.rfind("42 signal(s) for pages outside the failure: SIGBUS BUS_MCEERR_AR to reader:1001 addr 0x7f0000060000", 0) == 0);
    CHECK(verdict_of<presets::pre_patch>(unbind_mapped_files(), "no_bystander_signaled").reason == "nobody was signalled");
}

TEST_CASE("no_foreign_freeze_dropped") {
    CHECK(verdict_of<presets::pre_patch>(frozen_by_userspace(), "no_foreign_freeze_dropped").result == verdict::pass);
    const auto f = verdict_of<presets::merged>(frozen_by_userspace(), "no_foreign_freeze_dropped");
    CHECK(f.result == verdict::fail);
    CHECK(f.reason == "xfs_freeze's freeze, released by xfs_dax_notify_failure");
    CHECK(verdict_of<presets::merged>(frozen_by_kernel_holder(), "no_foreign_freeze_dropped").result == verdict::pass);
    CHECK(verdict_of<presets::merged::with<thaw::in_callee>>(frozen_by_kernel_holder(), "no_foreign_freeze_dropped").result ==
          verdict::fail);
    CHECK(verdict_of<presets::merged>(unbind_mapped_files(), "no_foreign_freeze_dropped").result == verdict::not_applicable);
}

TEST_CASE("not_left_frozen") {
    CHECK(verdict_of<presets::merged>(frozen_by_userspace(), "not_left_frozen").result == verdict::pass);
    const auto f = verdict_of<presets::pre_patch>(frozen_by_userspace(), "not_left_frozen");
    CHECK(f.result == verdict::fail);
    CHECK(f.reason == "still frozen by userspace (xfs_freeze)");
    CHECK(verdict_of<presets::merged>(frozen_by_kernel_holder(), "not_left_frozen").result == verdict::fail);
    CHECK(verdict_of<presets::merged>(poison_one_page(), "not_left_frozen").result == verdict::not_applicable);
}

TEST_CASE("terminates") {
    CHECK(verdict_of<presets::merged>(already_shut_down(), "terminates").result == verdict::pass);
    const auto f = verdict_of<presets::v12>(already_shut_down(), "terminates");
    CHECK(f.result == verdict::fail);
    CHECK(f.reason.rfind("did not terminate: freeze_super keeps returning -EIO", 0) == 0);
    CHECK(verdict_of<presets::merged>(fs_smaller_than_device(), "terminates").result == verdict::fail);  // oops
}

TEST_CASE("metadata_failure_shuts_down_corrupt") {
    CHECK(verdict_of<presets::merged>(metadata_in_range(), "metadata_failure_shuts_down_corrupt").result == verdict::pass);
    CHECK(verdict_of<presets::merged::with<rmap_source::unsupported>>(metadata_in_range(),
                                                                      "metadata_failure_shuts_down_corrupt")
              .result == verdict::fail);
    CHECK(verdict_of<presets::merged>(poison_one_page(), "metadata_failure_shuts_down_corrupt").result ==
          verdict::not_applicable);
    CHECK(verdict_of<presets::merged>(unbind_mapped_files(), "metadata_failure_shuts_down_corrupt").result ==
          verdict::not_applicable);
}

TEST_CASE("poison_path_unregressed") {
    CHECK(verdict_of<presets::merged>(poison_one_page(), "poison_path_unregressed").result == verdict::pass);
    const auto f = verdict_of<presets::v6_14>(ag_boundary_poison(), "poison_path_unregressed");
    CHECK(f.result == verdict::fail);
    CHECK(f.reason.rfind("differs from pre_patch in signals; unmapped; poisoned", 0) == 0);
    CHECK(verdict_of<presets::pre_patch::with<range_math::v6_5>>(poison_one_page(), "poison_path_unregressed").result ==
          verdict::fail);
    CHECK(verdict_of<presets::merged>(unbind_mapped_files(), "poison_path_unregressed").result == verdict::not_applicable);
}

TEST_CASE("the registry: one entry per invariant id, in id order, each judged where it says") {
    for (std::size_t k = 0; k < invariant_registry.size(); ++k) {
        INFO(invariant_registry[k].name);
        CHECK(static_cast<std::size_t>(invariant_registry[k].id) == k);
        CHECK(invariant(invariant_registry[k].id).name == invariant_registry[k].name);
        CHECK_FALSE(invariant_registry[k].property.empty());
    }
    // A single run gives one result per run invariant, named as the registry names it, and results are found by id.
    const auto s = unbind_mapped_files();
    const auto o = run<presets::merged>(s.world, s.event);
    const auto results = check_invariants(s, o, run<presets::pre_patch>(s.world, s.event));
    REQUIRE(results.size() == run_invariants.size());
    for (const auto& i : invariant_registry) {
        const bool judged = std::any_of(results.begin(), results.end(), [&](const auto& r) { return r.name == i.name; });
        CHECK(judged == i.judged_on_a_run());
    }
    CHECK(result_of(results, invariant_id::terminates).reason == "returned");
    CHECK_THROWS_AS(result_of(results, invariant_id::pre_remove_completes), std::out_of_range);
}

TEST_CASE("docs/invariants.md states each invariant's property as the registry does") {
    std::ifstream in(std::string(DAXFAIL_SOURCE_DIR) + "/docs/invariants.md");
    REQUIRE(in);
    std::map<std::string, std::string> rows;  // name -> property
    for (std::string l; std::getline(in, l);)
        if (l.rfind("| `", 0) == 0) {
            const auto end = l.find('`', 3);
            rows[l.substr(3, end - 3)] = l.substr(end + 4, l.size() - end - 6);
        }
    for (const auto& i : invariant_registry) {
        INFO(i.name);
        CHECK(rows[std::string(i.name)] == i.property);
    }
}
