// The oracle's normalizer and comparison on guest reports recorded on the real
// Debian kernels (tests/oracle/*.json, made with examples/oracle/boot.sh).
#include "support.hpp"

#include <daxfail/oracle/agreement.hpp>

#include <filesystem>
#include <fstream>

using namespace daxfail;

namespace {
nlohmann::json load(const std::string& relative) {
    const auto path = std::filesystem::path(DAXFAIL_SOURCE_DIR) / relative;
    std::ifstream in(path);
    REQUIRE(in.good());
    return nlohmann::json::parse(in);
}

template <class V>
std::vector<oracle::observation> check(const std::string& plan, const std::string& report) {
    const auto p = load("examples/oracle/" + plan);
    const auto r = load("tests/oracle/" + report);
    const auto s = oracle::scenario_from_report(p, r);
    REQUIRE(validate(s.world, s.event).empty());
    return oracle::compare(run<V>(s.world, s.event), r);
}

const oracle::observation& row(const std::vector<oracle::observation>& rows, const std::string& name) {
    for (const auto& r : rows)
        if (r.observable == name) return r;
    FAIL("no observable " << name);
    return rows.front();
}

void all_visible_agree(const std::vector<oracle::observation>& rows) {
    for (const auto& r : rows) {
        INFO(r.observable);
        if (r.visible) CHECK(r.agree);
    }
}
}  // namespace

TEST_CASE("oracle: the real 6.1.192 and 6.12.117 agree with debian_6_1 and debian_6_12 on an unbind") {
    const auto old = check<presets::debian_6_1>("plan-unbind-early-kill.json", "unbind_early_kill.6.1.json");
    all_visible_agree(old);
    CHECK(row(old, "sigbus_sent").kernel.size() == 1);   // only the PR_MCE_KILL_EARLY task
    CHECK(row(old, "xfs_log").kernel.front() ==
          "XFS (pmem0): Corruption of on-disk metadata (0x10) detected at <caller>.  Shutting down filesystem.");
    const auto now = check<presets::debian_6_12>("plan-unbind-early-kill.json", "unbind_early_kill.6.12.json");
    all_visible_agree(now);
    CHECK(row(now, "sigbus_sent").kernel.size() == 21);  // every mapper, every live page
    CHECK(row(now, "live_mappings_after").kernel.empty());
    CHECK_FALSE(row(now, "poisoned").visible);
}

TEST_CASE("oracle: a madvise poison agrees on both kernels") {
    all_visible_agree(check<presets::debian_6_1>("plan-madvise-page3.json", "madvise_page3.6.1.json"));
    const auto now = check<presets::debian_6_12>("plan-madvise-page3.json", "madvise_page3.6.12.json");
    all_visible_agree(now);
    CHECK(row(now, "memory_failure_log").kernel.back() == "Memory failure: 0x10001a: recovery action for dax page: Recovered");
}

TEST_CASE("oracle: the comparison is not vacuous - the wrong preset disagrees") {
    const auto swapped = check<presets::debian_6_1>("plan-unbind-early-kill.json", "unbind_early_kill.6.12.json");
    CHECK_FALSE(row(swapped, "sigbus_sent").agree);
    CHECK_FALSE(row(swapped, "xfs_log").agree);
    CHECK_FALSE(row(swapped, "live_mappings_after").agree);
    const auto merged_on_6_1 = check<presets::merged>("plan-unbind-early-kill.json", "unbind_early_kill.6.1.json");
    CHECK_FALSE(row(merged_on_6_1, "signals_delivered").agree);
}
