// Judging variants: the weighted ranking (ranking.hpp, explore/ranking.hpp), `daxfail diff` (diff.hpp) and
// `daxfail suggest` (suggest.hpp), called as library functions.
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/diff.hpp>
#include <daxfail/explore/ranking.hpp>
#include <daxfail/explore/run.hpp>
#include <daxfail/ranking.hpp>
#include <daxfail/report/ranking.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/suggest.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

daxfail::variant_spec ranking_variant(const std::string& name) {
    std::string error;
    auto v = daxfail::parse_variant(name, error);
    REQUIRE_MESSAGE(v, error);
    return *v;
}

daxfail::scenario ranking_scenario(const std::string& name) {
    auto all = daxfail::scenarios::catalog();
    for (const auto& s : daxfail::scenarios::concurrent()) all.push_back(s);
    for (const auto& s : all)
        if (s.name == name) return s;
    FAIL("no scenario " << name);
    return {};
}

/// Whether `v` fails any invariant on any of `scens` in a single run.
bool ranking_fails_any(const daxfail::variant_spec& v, const std::vector<daxfail::scenario>& scens) {
    return daxfail::compare({v}, scens).any_invariant_failed();
}

}  // namespace

TEST_CASE("ranking: the severities order the invariants as the issue ranks the harms, and docs/invariants.md gives them") {
    using daxfail::invariant;
    using daxfail::invariant_id;
    CHECK(invariant(invariant_id::terminates).severity > invariant(invariant_id::no_live_mapping_after_pre_remove).severity);
    CHECK(invariant(invariant_id::no_live_mapping_after_pre_remove).severity >
          invariant(invariant_id::mapped_tasks_signaled).severity);
    CHECK(invariant(invariant_id::mapped_tasks_signaled).severity >
          invariant(invariant_id::no_foreign_freeze_dropped).severity);
    std::ifstream in(std::string(DAXFAIL_SOURCE_DIR) + "/docs/invariants.md");
    REQUIRE(in);
    std::map<std::string, int> weights;  // the "| name | weight | why |" rows of the severity table
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| ", 0) != 0) continue;
        const auto bar = line.find(" | ", 2);
        if (bar == std::string::npos) continue;
        const std::string cell = line.substr(bar + 3, line.find(" |", bar + 3) - bar - 3);
        if (!cell.empty() && cell.find_first_not_of("0123456789") == std::string::npos)
            weights[line.substr(2, bar - 2)] = std::stoi(cell);
    }
    for (const auto& i : daxfail::invariant_registry) {
        INFO(i.name);
        CHECK(i.severity > 0);
        CHECK(weights[std::string(i.name)] == i.severity);
    }
}

TEST_CASE("ranking: a score is the sum of severities, and equal scores share a place") {
    using daxfail::invariant;
    using daxfail::invariant_id;
    std::vector<daxfail::variant_breakage> b(4);
    b[0].variant = "hangs";
    b[0].of(invariant_id::terminates).runs = 1;
    b[0].of(invariant_id::no_live_mapping_after_pre_remove).runs_unjudged = 1;
    b[1].variant = "maps";
    b[1].of(invariant_id::no_live_mapping_after_pre_remove).schedules = 2;
    b[2].variant = "clean";
    b[3].variant = "also_clean";
    CHECK(b[0].score() == invariant(invariant_id::terminates).severity +
                              invariant(invariant_id::no_live_mapping_after_pre_remove).severity);
    CHECK(b[1].score() == 2 * invariant(invariant_id::no_live_mapping_after_pre_remove).severity);
    CHECK(b[2].breaks_nothing());
    const auto r = daxfail::rank(b);
    REQUIRE(r.size() == 4);
    CHECK(r[0].index == 2);
    CHECK(r[1].index == 3);
    CHECK(r[0].place == 1);
    CHECK(r[1].place == 1);
    CHECK(r[2].place == 3);
    CHECK(r[2].index == (b[1].score() < b[0].score() ? 1u : 0u));
    const auto j = daxfail::report::ranking_to_json(b, {4, 0});
    CHECK(j["variants"][0]["variant"] == "clean");
    CHECK(j["variants"][3]["score"] == std::max(b[0].score(), b[1].score()));
}

TEST_CASE("ranking: a run that does not terminate counts as breaking what it could not be judged on") {
    // v12 loops for ever on a filesystem a kernel holder keeps frozen: the unbind never completes.
    const auto s = ranking_scenario("frozen_by_kernel_holder");
    const auto c = daxfail::compare({ranking_variant("v12"), ranking_variant("merged")}, {s});
    const auto& hung = c.at(0, 0);
    REQUIRE(daxfail::result_of(hung.invariants, daxfail::invariant_id::terminates).result == daxfail::verdict::fail);
    REQUIRE(daxfail::result_of(hung.invariants, daxfail::invariant_id::no_live_mapping_after_pre_remove).result ==
            daxfail::verdict::not_applicable);
    const auto b = daxfail::run_breaches(s, hung.out, hung.invariants);
    const auto at = [](daxfail::invariant_id id) { return static_cast<std::size_t>(id); };
    CHECK(b[at(daxfail::invariant_id::terminates)] == daxfail::breach::broken);
    CHECK(b[at(daxfail::invariant_id::no_live_mapping_after_pre_remove)] == daxfail::breach::unjudged);
    // Not an unbind's invariant: a hang leaves nothing unjudged there.
    CHECK(b[at(daxfail::invariant_id::poison_path_unregressed)] == daxfail::breach::none);
    const auto ranked = daxfail::breakage_of(c);
    CHECK(ranked[0].of(daxfail::invariant_id::no_live_mapping_after_pre_remove).runs_unjudged == 1);
    // A run the user's limit stopped is no hang: nothing unjudged, terminates n/a.
    daxfail::run_options limited;
    limited.max_seconds = 1e-9;
    const auto stopped = daxfail::compare({ranking_variant("v12")}, {s}, limited);
    if (stopped.at(0, 0).out.end == daxfail::end_state::limit_reached) {
        const auto sb = daxfail::run_breaches(s, stopped.at(0, 0).out, stopped.at(0, 0).invariants);
        CHECK(sb[at(daxfail::invariant_id::no_live_mapping_after_pre_remove)] == daxfail::breach::none);
    }
}

TEST_CASE("ranking: an explored pair counts once per invariant some schedule violates") {
    daxfail::explore::run_request q;
    q.variants = {ranking_variant("v12"), ranking_variant("merged")};
    q.scenarios = {daxfail::scenarios::kernel_holder_keeps_freeze()};
    q.files = {""};
    const auto r = daxfail::explore::explore_all(q);
    std::vector<daxfail::variant_breakage> b(2);
    daxfail::explore::add_schedules(b, r.results);
    for (std::size_t v = 0; v < 2; ++v)
        for (const auto& inv : daxfail::schedule_invariants) {
            INFO(q.variants[v].name << " " << inv.name);
            const bool violated = r.results[v].invariant(inv.name).overall() == daxfail::verdict::fail;
            CHECK(b[v].of(inv.id).schedules == (violated ? 1u : 0u));
            CHECK(b[v].of(inv.id).runs == 0u);
        }
    // v12's freeze loop never returns when scrub froze first.
    CHECK(b[0].of(daxfail::invariant_id::pre_remove_completes).schedules == 1);
}

TEST_CASE("diff: the policies, outcomes and invariants on which two variants differ") {
    const auto a = ranking_variant("merged"), b = ranking_variant("v12");
    const auto scens = daxfail::scenarios::catalog();
    const auto d = daxfail::diff_variants(a, b, scens);
    // The axes that differ, read from the spelled-out names.
    std::vector<std::string> items_a, items_b, differing;
    std::stringstream sa(daxfail::policy_string(a.cfg)), sb(daxfail::policy_string(b.cfg));
    for (std::string x; std::getline(sa, x, ',');) items_a.push_back(x);
    for (std::string x; std::getline(sb, x, ',');) items_b.push_back(x);
    for (std::size_t k = 0; k < items_a.size(); ++k)
        if (items_a[k] != items_b[k]) differing.push_back(items_a[k].substr(0, items_a[k].find('=')));
    REQUIRE(d.policies.size() == differing.size());
    for (std::size_t k = 0; k < differing.size(); ++k) CHECK(d.policies[k].axis == differing[k]);
    const auto c = daxfail::compare({a, b}, scens);
    std::size_t differ = 0;
    for (std::size_t s = 0; s < scens.size(); ++s) differ += !(c.at(0, s).out == c.at(1, s).out);
    CHECK(d.outcomes.size() == differ);
    CHECK(differ > 0);
    // terminates: v12 hangs where merged does not.
    bool v12_hangs_alone = false;
    for (const auto& i : d.invariants)
        if (i.invariant == "terminates") v12_hangs_alone = !i.only_b.empty();
    CHECK(v12_hangs_alone);
    const auto text = daxfail::diff_to_text(d);
    CHECK(text.find("policies that differ (" + std::to_string(differing.size()) + ")") != std::string::npos);
    const auto same = daxfail::diff_variants(a, a, scens);
    CHECK(same.policies.empty());
    CHECK(same.outcomes.empty());
    CHECK(same.invariants.empty());
}

TEST_CASE("suggest: the C++ line and the command-line name of a variant reproduce it") {
    using namespace daxfail;
    const std::vector<axis_change> changes{{"freeze", "return_ebusy"}, {"thaw", "where_frozen"}};
    CHECK(policy_cpp_spelling("freeze", "return_ebusy") == "freeze::return_ebusy");
    CHECK(variant_cpp_spelling("merged", changes) == "presets::merged::with<freeze::return_ebusy, thaw::where_frozen>");
    const auto line = variant_command_line("merged", changes);
    CHECK(line == "base=merged,freeze=return_ebusy,thaw=where_frozen");
    CHECK(ranking_variant(line).cfg == presets::merged::with<freeze::return_ebusy, thaw::where_frozen>::config);
    CHECK(variant_command_line("v12", {}) == "v12");
    // A parametric value: its family's template, and the name reads back to the same table.
    const std::vector<axis_change> retry{{"freeze", "retry(3,10ms,-EBUSY)"}, {"collector", "filter(pages>=4)"}};
    CHECK(variant_cpp_spelling("merged", retry) ==
          "presets::merged::with<freeze::retry<3, 10, -err::ebusy>, collector::filter<collector::pages_at_least<4>>>");
    CHECK(ranking_variant(variant_command_line("merged", retry)).cfg ==
          presets::merged::with<freeze::retry<3, 10, -err::ebusy>, collector::filter<collector::pages_at_least<4>>>::config);
}

TEST_CASE("suggest: finds a variant that fixes each kernel bug a policy can fix (docs/kernel-bugs.md)") {
    struct bug {
        const char* base;
        const char* scenario;
        bool explore;
    };
    // The kernel each finding was confirmed on, and its catalog scenario; docs/ranking.md lists what suggest says.
    const bug bugs[] = {
        {"v7_2", "unbind_mapped_files", false},         // the u32 blockcount spin
        {"v7_2", "no_rmapbt", false},                   // live mappings whose pagemap oopses 7.2
        {"v7_2", "realtime_without_rmapbt", false},
        {"debian_6_12", "fs_smaller_than_device", false},
        {"debian_6_1", "fs_smaller_than_device", false},
        {"debian_6_1", "partitioned_pmem_unbind", false},
        {"debian_6_1", "umount_after_unbind", false},
        {"debian_6_12", "userspace_freezer_during_unbind", true},  // one axis is enough: explored, the search stops there
    };
    for (const auto& b : bugs) {
        INFO(b.base << " on " << b.scenario);
        daxfail::suggest_request q;
        q.base = b.base;
        q.scenarios = {ranking_scenario(b.scenario)};
        if (b.explore) q.explored = q.scenarios, q.max_axes = 1;
        REQUIRE(ranking_fails_any(ranking_variant(b.base), q.scenarios) != b.explore);  // the base has the bug
        const auto r = daxfail::suggest(q);
        REQUIRE_FALSE(r.found.empty());
        for (const auto& f : r.found) {
            INFO(f.command_line);
            CHECK(f.changes.size() <= q.max_axes);
            const auto back = ranking_variant(f.command_line);
            CHECK(back.cfg == f.variant.cfg);
            CHECK_FALSE(ranking_fails_any(back, q.scenarios));
            if (b.explore) CHECK_FALSE(daxfail::explore::explore(back.cfg, back.name, q.scenarios[0]).any_violated());
        }
        // Nearest first.
        for (std::size_t i = 1; i < r.found.size(); ++i) CHECK(r.found[i - 1].changes.size() <= r.found[i].changes.size());
    }
}

TEST_CASE("suggest: says when no policy in the space fixes a scenario, and gives the closest") {
    // 6.12 under a shut-down XFS: the AGF read fails before the walk starts, which no axis models; nothing even
    // breaks less.
    daxfail::suggest_request q;
    q.base = "debian_6_12";
    q.scenarios = {ranking_scenario("unbind_after_goingdown")};
    const auto r = daxfail::suggest(q);
    CHECK(r.found.empty());
    CHECK_FALSE(r.stopped);
    CHECK(r.closest.empty());
    // 6.12's reflinked poison without rmapbt: the oops goes, a task of the shared page stays unsignalled.
    q.scenarios = {ranking_scenario("reflinked_poison_no_rmapbt")};
    const auto near = daxfail::suggest(q);
    CHECK(near.found.empty());
    REQUIRE_FALSE(near.closest.empty());
    for (std::size_t i = 0; i < near.closest.size(); ++i) {
        CHECK(near.closest[i].breakage.score() < near.base.breakage.score());
        if (i > 0) CHECK(near.closest[i - 1].breakage.score() <= near.closest[i].breakage.score());
    }
    daxfail::suggest_request bad;
    bad.base = "no_such_preset";
    CHECK_THROWS_AS(daxfail::suggest(bad), std::invalid_argument);
}

TEST_CASE("suggest: the search stops when told and says so") {
    daxfail::suggest_request q;
    q.base = "merged";
    q.scenarios = daxfail::scenarios::catalog();
    daxfail::suggest_hooks hooks;
    std::size_t seen = 0;
    hooks.progress = [&](std::size_t, std::size_t, std::size_t, std::size_t) { ++seen; };
    hooks.stop = [&] { return seen >= 5; };
    const auto r = daxfail::suggest(q, hooks);
    CHECK(r.stopped);
    CHECK(r.tried.front() == 5);
}
