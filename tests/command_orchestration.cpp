// What the daxfail command does, called as the library functions it is made of rather than through argv: an
// exploration dealt into shards and merged back, a report entry read back for a replay, the parts of an oracle run,
// and the one table of subcommands that dispatch, help, completion and the reference read.
#include <daxfail/cli.hpp>
#include <daxfail/cli/reference.hpp>
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/merge.hpp>
#include <daxfail/explore/replay_entry.hpp>
#include <daxfail/explore/run.hpp>
#include <daxfail/oracle/boot.hpp>
#include <daxfail/oracle/report.hpp>
#include <daxfail/oracle/run.hpp>
#include <daxfail/scenarios.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

daxfail::explore::run_request orchestration_request() {
    std::string error;
    daxfail::explore::run_request q;
    q.variants = {*daxfail::parse_variant("merged", error)};
    q.scenarios = {daxfail::scenarios::userspace_freezer_during_unbind()};
    q.files = {""};
    return q;
}

std::string orchestration_report(const std::vector<daxfail::explore::result>& results, const daxfail::explore::options& o) {
    return daxfail::explore::to_json(results, o, false).dump();
}

}  // namespace

TEST_CASE("explore: the shards of a run merge into the whole run's report, and a shard that does not belong is said") {
    using namespace daxfail;
    auto q = orchestration_request();
    const auto whole = explore::explore_all(q);
    REQUIRE(whole.complete_results().size() == 1);
    CHECK(whole.done == whole.mine);
    explore::shard_merger m;
    std::vector<nlohmann::json> shards;
    for (std::size_t k = 1; k <= 2; ++k) {
        q.shard = explore::shard{k, 2};
        const auto part = explore::explore_all(q);
        CHECK(part.complete_results().empty());  // a shard's parts are kept, not combined
        shards.push_back(nlohmann::json::parse(explore::shard_to_json(q, part, false).dump()));
        m.add(shards.back());
    }
    const auto merged = m.finish();
    REQUIRE(merged.ok());
    CHECK_FALSE(merged.timing);
    CHECK(orchestration_report(merged.results, merged.bounds) == orchestration_report(whole.results, q.bounds));

    explore::shard_merger missing;
    missing.add(shards[0]);
    CHECK(missing.finish().error == "shard 2/2 is missing");
    explore::shard_merger twice;
    twice.add(shards[0]);
    CHECK_THROWS_WITH(twice.add(shards[0]), "shard 1/2 given twice");
}

TEST_CASE("explore: a stopped run reports only the pairs it explored to the end") {
    using namespace daxfail;
    auto q = orchestration_request();
    explore::run_hooks hooks;
    std::size_t asked = 0;
    hooks.stop = [&] { return asked++ == 1; };  // after the first of the two work items
    const auto r = explore::explore_all(q, hooks);
    CHECK(r.done == 1);
    CHECK(r.mine == 2);
    CHECK(r.complete_results().empty());
}

TEST_CASE("explore: a report entry is read back into its variant, its scenario and the schedules to replay") {
    using namespace daxfail;
    const auto q = orchestration_request();
    const auto whole = explore::explore_all(q);
    const auto file = std::filesystem::temp_directory_path() / "daxfail_orchestration_entry.json";
    std::ofstream(file) << explore::to_json(whole.results, q.bounds, false).dump();
    std::string error, source;
    const auto entry = explore::read_report_entry(file.string(), error);
    REQUIRE(entry);
    const auto v = explore::entry_variant(*entry, {}, error);
    REQUIRE(v);
    CHECK(v->name == "merged");
    const auto s = explore::entry_scenario(*entry, {}, true, source, error);
    REQUIRE(s);
    CHECK(source == "scenario userspace_freezer_during_unbind from the catalog");
    const auto jobs = explore::replay_jobs(*entry, error);
    REQUIRE(jobs);
    std::set<std::string> expected;
    for (const auto& i : whole.results[0].invariants)
        if (i.verdict == "violated") expected.insert(i.name);
    std::set<std::string> replayed;
    for (const auto& j : *jobs) replayed.insert(j.expect);
    CHECK(replayed == expected);
    CHECK_FALSE(expected.empty());

    std::ofstream(file) << R"({"variant": "merged", "scenario": 7})";
    CHECK_FALSE(explore::read_report_entry(file.string(), error));
    CHECK(error.rfind("must be one results[] entry", 0) == 0);
    std::filesystem::remove(file);
}

TEST_CASE("oracle: the parts of a run take every expressible scenario once, in catalog order") {
    using namespace daxfail;
    const auto catalog = scenarios::catalog();
    const auto all = oracle::plan_run(catalog);
    CHECK(all.part_text.empty());
    CHECK(all.expressible == all.plans.size());
    CHECK(all.expressible + all.skipped.size() == catalog.size());
    CHECK(all.boots_per_kernel >= 1);
    std::multiset<std::string> names;
    for (std::size_t k = 1; k <= 3; ++k) {
        const auto part = oracle::plan_run(catalog, {k, 3});
        CHECK(part.part_text == "part " + std::to_string(k) + " of 3: " + std::to_string(part.plans.size()) + " of the " +
                                    std::to_string(all.expressible) + " expressible scenarios");
        for (const auto& t : part.plans) names.insert(t.name);
    }
    std::multiset<std::string> whole;
    for (const auto& t : all.plans) whole.insert(t.name);
    CHECK(names == whole);
}

TEST_CASE("cli: one table of subcommands gives dispatch, help, completion and the reference their names") {
    using namespace daxfail;
    const auto table = cli::subcommands();
    std::set<std::string> names;
    for (const auto& c : table) {
        CHECK(static_cast<bool>(c.run));
        CHECK_FALSE(c.spec.summary.empty());
        names.insert(c.spec.name);
        CHECK(cli::usage_main().find("\n  " + c.spec.name + " ") != std::string::npos);
        CHECK(cli::command_reference_markdown().find("## daxfail " + c.spec.name + "\n") != std::string::npos);
    }
    CHECK(names.size() == table.size());
    const auto commands = cli::commands();
    REQUIRE(commands.size() == table.size());
    for (std::size_t i = 0; i < table.size(); ++i) CHECK(commands[i].name == table[i].spec.name);
}

TEST_CASE("oracle: a boot that reports nothing is a boot error for its first plan, and the next boot goes on") {
    using namespace daxfail;
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "daxfail_orchestration_oracle";
    fs::remove_all(dir);
    fs::create_directories(dir / "cache");
    // A boot.sh that boots nothing: no report, as when a guest dies before its first plan.
    std::ofstream(dir / "boot.sh") << "#!/bin/sh\nexit 0\n";
    fs::permissions(dir / "boot.sh", fs::perms::owner_all);
    const auto catalog = scenarios::catalog();
    auto plan = oracle::plan_run(catalog);
    REQUIRE(plan.plans.size() >= 2);
    plan.plans.resize(2);
    auto kernels = oracle::kernels_named("6.1");
    REQUIRE(kernels.size() == 1);
    oracle::agreement result;
    std::vector<int> boots_seen;
    oracle::run_hooks hooks;
    hooks.waiting = [&](std::size_t, int boot) {
        if (boots_seen.empty() || boots_seen.back() != boot) boots_seen.push_back(boot);
    };
    const oracle::boot_paths at{dir.string(), "/bin/true", (dir / "cache").string()};
    CHECK(oracle::run_on_kernel(kernels[0], plan.plans, at, result, hooks) == 2);
    CHECK(boots_seen == std::vector<int>{1, 2});
    REQUIRE(result.results.size() == 2);
    for (const auto& v : result.results) CHECK(v.boot_error.find("no report from the guest") == 0);
    REQUIRE(result.kernels.size() == 1);
    CHECK(result.kernels[0].boots == 2);
    CHECK(result.kernels[0].uname_r == "(not booted)");
    fs::remove_all(dir);
}
