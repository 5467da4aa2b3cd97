// Exploration at scale: work items on several threads give the report one
// thread gives; random and PCT samples are reproducible by seed whatever the
// threads and shards, their counterexamples replay, and a time limit stops a
// run with what it found.
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/merge.hpp>
#include <daxfail/explore/run.hpp>
#include <daxfail/explore/sampling.hpp>
#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant_names.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace daxfail;

namespace {

explore::run_request scale_request(std::vector<std::string> names, explore::options o = {}) {
    explore::run_request q;
    for (const auto& v : preset_specs())
        if (std::find(names.begin(), names.end(), v.name) != names.end()) q.variants.push_back(v);
    q.scenarios = scenarios::concurrent();
    q.files.assign(q.scenarios.size(), "");
    q.bounds = o;
    return q;
}

std::string scale_report(const explore::run_request& q) {
    return explore::to_json(explore::explore_all(q).results, q.bounds, false).dump();
}

/// The shards 1/n..n/n of `q`, merged.
std::string scale_merged(explore::run_request q, std::size_t n) {
    explore::shard_merger m;
    for (std::size_t k = 1; k <= n; ++k) {
        q.shard = explore::shard{k, n};
        m.add(nlohmann::json::parse(explore::shard_to_json(q, explore::explore_all(q), false).dump()));
    }
    const auto joined = m.finish();
    REQUIRE(joined.ok());
    return explore::to_json(joined.results, joined.bounds, false).dump();
}

}  // namespace

TEST_CASE("explore -j N: three threads give the report one thread gives, counts and examples alike") {
    auto q = scale_request({"merged", "v12", "debian_6_1", "v7_2"});
    q.jobs = 1;
    const auto one = scale_report(q);
    q.jobs = 3;
    const auto three = scale_report(q);
    CHECK(one == three);
    CHECK(one.find("\"violated\"") != std::string::npos);  // the report holds findings, not only zeros
}

TEST_CASE("PCT's bound: 1 - (1 - 1/(n k^(d-1)))^runs") {
    CHECK(explore::pct_probability_bound(1, 2, 10, 1) == doctest::Approx(0.5));
    CHECK(explore::pct_probability_bound(1, 2, 10, 2) == doctest::Approx(0.05));
    CHECK(explore::pct_probability_bound(2, 2, 10, 2) == doctest::Approx(1 - 0.95 * 0.95));
    CHECK(explore::pct_probability_bound(1000, 5, 30, 3) == doctest::Approx(1 - std::pow(1 - 1.0 / 4500, 1000)));
    CHECK(explore::pct_probability_bound(0, 5, 30, 3) == 0);
    // A pair's runs go into at most 32 work items, of at least 16 runs each.
    CHECK(explore::runs_per_item(40) == 16);
    CHECK(explore::runs_per_item(1'000'000) * 32 >= 1'000'000);
    CHECK((1'000'000 + explore::runs_per_item(1'000'000) - 1) / explore::runs_per_item(1'000'000) <= 32);
    CHECK(explore::strategy_from_name("pct") == explore::strategy::pct);
    CHECK_FALSE(explore::strategy_from_name("bfs"));
}

TEST_CASE("random and pct samples are the same whatever the threads and shards, and a seed changes them") {
    for (auto st : {explore::strategy::random, explore::strategy::pct}) {
        CAPTURE(explore::strategy_name(st));
        explore::options o;
        o.strategy = st;
        o.runs = 40;  // three items per pair: 16, 16 and 8 runs
        auto q = scale_request({"merged", "debian_6_1"}, o);
        const auto one = scale_report(q);
        q.jobs = 2;
        CHECK(scale_report(q) == one);
        CHECK(scale_merged(q, 3) == one);
        q.bounds.seed = 2;
        CHECK(scale_report(q) != one);
    }
}

TEST_CASE("a sample's first runs are the smaller sample: coverage and findings only grow with --runs") {
    explore::options small;
    small.strategy = explore::strategy::random;
    small.runs = 16;
    explore::options large = small;
    large.runs = 64;
    const auto a = explore::explore_all(scale_request({"debian_6_1"}, small)).results;
    const auto b = explore::explore_all(scale_request({"debian_6_1"}, large)).results;
    REQUIRE(a.size() == b.size());
    for (std::size_t p = 0; p < a.size(); ++p) {
        CAPTURE(a[p].scenario);
        CHECK(a[p].runs == 16);
        CHECK(b[p].runs == 64);
        CHECK(a[p].schedules + a[p].cut == a[p].runs);
        CHECK(std::includes(b[p].covered.begin(), b[p].covered.end(), a[p].covered.begin(), a[p].covered.end()));
        CHECK_FALSE(a[p].covered.empty());
        for (std::size_t i = 0; i < a[p].invariants.size(); ++i) {
            CHECK(a[p].invariants[i].violating <= b[p].invariants[i].violating);
            CHECK(a[p].invariants[i].safe <= b[p].invariants[i].safe);
        }
    }
}

TEST_CASE("PCT finds merged's read-fault race, and its counterexample replays to the same violation") {
    explore::options o;
    o.strategy = explore::strategy::pct;
    o.runs = 500;
    auto q = scale_request({"merged"}, o);
    q.scenarios = {scenarios::read_fault_during_unbind()};
    q.files = {""};
    const auto r = explore::explore_all(q).results.at(0);
    CHECK(r.pct_depth == 3);
    CHECK(r.actors == 2);  // the unbind and the reader
    CHECK(r.pct_steps > 0);
    const auto& inv = r.invariant("no_live_mapping_after_pre_remove");
    REQUIRE(inv.verdict == "violated");
    const auto again = explore::replay(presets::merged::config, q.scenarios[0], inv.counterexample);
    REQUIRE(again.followed);
    bool violated = false;
    for (const auto& v : again.verdicts)
        violated = violated || (v.name == "no_live_mapping_after_pre_remove" && v.result == verdict::fail);
    CHECK(violated);
}

TEST_CASE("a time limit stops the run: what ran is reported, marked stopped") {
    const auto loaded =
        json::load_scenario_file(std::string(DAXFAIL_SOURCE_DIR) + "/examples/scenarios/large/four_actors_10gib.json");
    REQUIRE(loaded.ok());
    const scenario& s = *loaded.value;
    explore::run_request q;
    q.variants = {{"merged", presets::merged::config}};
    q.scenarios = {s};
    q.files = {""};
    q.bounds.max_seconds = 0.2;  // its exhaustive search takes minutes
    const auto r = explore::explore_all(q);
    CHECK(r.timed_out);
    CHECK(r.done < r.mine);
    CHECK_FALSE(r.complete[0]);
    if (r.explored[0]) {
        const auto shown = r.explored_results();
        REQUIRE(shown.size() == 1);
        CHECK(shown[0].stopped);
        CHECK(explore::to_json(shown, q.bounds, false).dump().find("\"stopped\":true") != std::string::npos);
    }
}
