// Races on real kernels: the concurrent catalog's actors as guest steps, the
// counterexamples made into race plans (where each step goes, how the window
// is widened), what a run's report shows of each invariant, and the runs
// recorded on Debian's kernels (tests/oracle/races/, made by
// `daxfail explore --confirm` and tests/oracle/record_races.sh) replayed: the
// plan each run had is the plan the counterexample still gives, the rate is
// the rate the recording says, and the model on the world each run built
// still finds the violation. And scenarios bigger than the guest, scaled down
// to its 1 GiB namespace (oracle/scale.hpp): what is kept, what the plan says
// it changed, and the reasons given where a scenario cannot be scaled.
#include "support.hpp"
#include "worlds.hpp"

#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/placement.hpp>
#include <daxfail/oracle/confirmation.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/oracle/race_plan.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <filesystem>
#include <fstream>

using namespace daxfail;
using njson = nlohmann::json;  // not `json`: daxfail::json is a namespace

namespace {
nlohmann::ordered_json plan_of(const scenario& s) {
    std::string why;
    const auto plan = oracle::plan_from_scenario(s, why);
    REQUIRE_MESSAGE(plan, why);
    return *plan;
}

const explore::invariant_summary& explored(const config& cfg, const scenario& s, const std::string& invariant) {
    static std::vector<explore::result> kept;  // the summaries outlive the call
    kept.push_back(explore::explore(cfg, "preset", s));
    return kept.back().invariant(invariant);
}

/// The race plan of the counterexample `cfg` gives for `invariant` on `s` (which must be violated).
oracle::race_plan race_of(const config& cfg, const scenario& s, const std::string& invariant) {
    const auto& inv = explored(cfg, s, invariant);
    REQUIRE(inv.verdict == "violated");
    return oracle::design_race(cfg, s, plan_of(s), inv.counterexample, inv.name);
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& l : v) out += l + "\n";
    return out;
}

const oracle::observed& status(const std::vector<oracle::observed>& all, const std::string& name) {
    for (const auto& o : all)
        if (o.invariant == name) return o;
    FAIL("no invariant " << name);
    return all.front();
}
}  // namespace

TEST_CASE("the guest performs each actor step the explorer knows") {
    SUBCASE("a write fault: the task's step, and its VMA mapped writable") {
        const auto plan = plan_of(scenarios::write_fault_during_unbind());
        REQUIRE(plan["actors"].size() == 1);
        const auto& step = plan["actors"][0]["steps"][0];
        CHECK(step["op"] == "fault");
        CHECK(step["write"] == true);
        CHECK(step["file"] == "B");
        CHECK(step["page"] == 5);
        const auto& task = plan["tasks"][step["task"].get<std::size_t>()];
        CHECK(task["comm"] == "writer");
        for (const auto& v : task["vmas"]) CHECK(v.value("write", false) == (v["file"] == "B"));
        // Nobody else's VMA becomes writable.
        for (const auto& t : plan["tasks"])
            if (t["comm"] != "writer")
                for (const auto& v : t["vmas"]) CHECK_FALSE(v.contains("write"));
    }
    SUBCASE("exit and munmap are the tasks' own") {
        const auto plan = plan_of(scenarios::task_exits_during_unbind());
        REQUIRE(plan["actors"].size() == 2);
        CHECK(plan["actors"][0]["steps"][0]["op"] == "exit");
        CHECK(plan["tasks"][plan["actors"][0]["steps"][0]["task"].get<std::size_t>()]["comm"] == "reader");
        CHECK(plan["actors"][1]["steps"][0]["op"] == "munmap");
        CHECK(plan["actors"][1]["steps"][0]["file"] == "B");
    }
    SUBCASE("a machine check consumed by a mapping task is its madvise; a second madvise too") {
        const auto mce = plan_of(scenarios::memory_failure_during_unbind());
        const auto& step = mce["actors"][0]["steps"][0];
        CHECK(step["op"] == "madvise");
        CHECK(mce["tasks"][step["task"].get<std::size_t>()]["comm"] == "reader");
        CHECK(step["file"] == "A");
        CHECK(step["page"] == 2);
        const auto twice = plan_of(scenarios::two_memory_failures());
        CHECK(twice["actors"][0]["steps"][0]["op"] == "madvise");
        CHECK(twice["actors"][0]["steps"][0]["page"] == 2);
    }
    SUBCASE("FIFREEZE and FITHAW") {
        const auto plan = plan_of(scenarios::userspace_freezer_during_unbind());
        CHECK(plan["actors"][0]["steps"][0]["op"] == "FIFREEZE");
        CHECK(plan["actors"][0]["steps"][1]["op"] == "FITHAW");
    }
    SUBCASE("a kernel freeze holder cannot be made, and the reason says why") {
        for (const auto& s : {scenarios::kernel_holder_keeps_freeze(), scenarios::kernel_holder_freezes_and_thaws()}) {
            std::string why;
            CHECK_FALSE(oracle::plan_from_scenario(s, why));
            CHECK(why.find("actor 'xfs_scrub'") != std::string::npos);
            CHECK(why.find("CONFIG_XFS_ONLINE_SCRUB") != std::string::npos);
        }
    }
    SUBCASE("a start condition on another actor's step becomes a wait for it") {
        auto s = scenarios::userspace_freezer_during_unbind();
        s.actors.push_back(make_actor("late_reader", {steps::read_fault(scenarios::reader, scenarios::file_a, 1)},
                                      start_condition{"xfs_freeze", "FITHAW"}));
        const auto plan = plan_of(s);
        const auto& when = plan["actors"][1]["steps"][0]["when"];
        CHECK(when["after"] == "step");
        CHECK(when["actor"] == "xfs_freeze");
        CHECK(when["step"] == 1);
    }
}

TEST_CASE("placing a step before or after the event, and the violation it keeps or loses") {
    const auto s = scenarios::userspace_freezer_during_unbind();
    const auto& cfg = presets::debian_6_12::config;
    // The administrator freezes before the unbind and thaws after it: the unbind dropped the freeze (6.12 thaws the
    // userspace holder 'anyway'), so FITHAW fails.
    const auto late = explore::run_placed(cfg, s, {{"xfs_freeze", {0, explore::after_event}}});
    REQUIRE(late.judged);
    CHECK(late.violates("no_foreign_freeze_dropped"));
    CHECK(late.violates("freezer_thaw_succeeds"));
    CHECK(late.steps.front().actor == "xfs_freeze");
    CHECK(late.steps.back().actor == "xfs_freeze");
    // Frozen and thawed before the unbind starts: nothing of it is left to drop.
    const auto early = explore::run_placed(cfg, s, {{"xfs_freeze", {0, 0}}});
    REQUIRE(early.judged);
    CHECK_FALSE(early.violates("no_foreign_freeze_dropped"));
    CHECK_FALSE(early.violates("freezer_thaw_succeeds"));
    // pre_patch never thaws anyone else's freeze.
    CHECK_FALSE(explore::run_placed(presets::pre_patch::config, s, {{"xfs_freeze", {0, explore::after_event}}})
                    .violates("no_foreign_freeze_dropped"));
}

TEST_CASE("madvise(MADV_HWPOISON) of a PTE that outlived its namespace spins in get_user_pages_fast (6.1, 6.12)") {
    // Seen on Debian 6.1.192: the 6.1 race of memory_failure_during_unbind (the machine check made a madvise by
    // `reader`; tests/oracle/races/memory_failure_during_unbind.*.6.1.json) whose madvise came after the unbind
    // returned never came back, its task running in __get_user_pages.
    auto s = scenarios::memory_failure_during_unbind();
    const world w = s.world;
    s.actors = {make_actor("mce", {steps::madvise_hwpoison(w, scenarios::reader, scenarios::file_a, 2)})};
    const explore::placement after{{"mce", {explore::after_event}}};
    const auto old_kernel = explore::run_placed(presets::debian_6_1::config, s, after);
    REQUIRE(old_kernel.judged);
    CHECK(old_kernel.violates("terminates"));
    bool spun = false;
    for (const auto& v : old_kernel.verdicts)
        spun = spun || (v.name == "terminates" && v.reason.find("get_user_pages_fast") != std::string::npos);
    CHECK(spun);
    // Before the unbind ends the pages are there: the madvise takes its page.
    CHECK_FALSE(explore::run_placed(presets::debian_6_1::config, s, {{"mce", {0}}}).violates("terminates"));
    // 6.12 revoked reader's PTEs during the unbind: GUP faults and gets no page; nothing spins.
    CHECK_FALSE(explore::run_placed(presets::debian_6_12::config, s, after).violates("terminates"));
}

TEST_CASE("the recorded madvise after a 6.1 unbind spins, in the kernel and in the model") {
    std::ifstream in(std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle/races/timed/madvise_after_unbind.6.1.json");
    REQUIRE(in.good());
    const njson rec = njson::parse(in);
    const auto& plan = rec.at("plan");
    const auto& report = rec.at("report");
    const auto seen = oracle::observe(plan, report);
    CHECK(status(seen, "terminates").status == "violated");
    CHECK(status(seen, "terminates").evidence.find("mce: madvise spinning (R (running)") != std::string::npos);
    CHECK(status(seen, "pre_remove_completes").status == "holds");  // the unbind itself returned
    // The model on the world the guest built, the madvise placed after the unbind as the guest timed it.
    const auto on_guest = oracle::race_scenario_from_report(plan, report);
    const auto placed = explore::run_placed(presets::debian_6_1::config, on_guest, {{"mce", {explore::after_event}}});
    REQUIRE(placed.judged);
    CHECK(placed.violates("terminates"));
}

TEST_CASE("a step started on a kernel log line: 6.12's pre-remove drops a FIFREEZE that came after its first line") {
    std::ifstream in(std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle/races/timed/freezer_on_log_line.6.12.json");
    REQUIRE(in.good());
    const njson rec = njson::parse(in);
    const auto& report = rec.at("report");
    CHECK(rec.at("plan").at("actors")[0].at("steps")[0].at("when").at("after") == "log");
    const auto seen = oracle::observe(rec.at("plan"), report);
    CHECK(status(seen, "freezer_thaw_succeeds").status == "violated");
    CHECK(status(seen, "no_foreign_freeze_dropped").status == "violated");
    // The guest's marks show the order: the kernel's line, then the FIFREEZE, then the shutdown.
    std::vector<std::string> log;
    for (const auto& l : report.at("kernel_log")) log.push_back(l.get<std::string>());
    auto at = [&](const std::string& text) {
        return std::find_if(log.begin(), log.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
    };
    CHECK(at("Device is about to be removed") < at("daxfail: xfs_freeze FIFREEZE starts"));
    CHECK(at("daxfail: xfs_freeze FIFREEZE returns 0") < at("User initiated shutdown received"));
}

TEST_CASE("a counterexample made into a race plan") {
    SUBCASE("6.12's read fault: swept within the walk, widened by a busy file after A") {
        const auto r = race_of(presets::debian_6_12::config, scenarios::read_fault_during_unbind(), "no_live_mapping_after_pre_remove");
        CHECK(r.swept);
        REQUIRE(r.windows.size() == 1);
        INFO(joined(r.windows));
        CHECK(r.windows[0].find("after `invalidate_inode_pages2_range ino 133`") != std::string::npos);
        CHECK(r.windows[0].find("before `xfs_force_shutdown 0x4`") != std::string::npos);
        REQUIRE(r.plan["files"].size() == 3);
        CHECK(r.plan["files"][0]["name"] == "A");
        CHECK(r.plan["files"][1]["name"] == "busy");  // the walk meets it right after revoking A
        CHECK(r.plan["files"][1]["pages"] == 16384);
        CHECK(r.plan["tasks"].back()["comm"] == "busy");
        CHECK(r.plan["tasks"].back()["vmas"][0]["touch"] == "all");
        CHECK(r.plan["actors"][0]["steps"][0]["when"]["after"] == "event_started");
        // Each run its own delay, only on the swept step.
        const auto run = oracle::run_with_delay(r, 1234);
        CHECK(run["actors"][0]["steps"][0]["when"]["delay_us"] == 1234);
        CHECK(oracle::sweep_delay(0, 4, 4000000) == 500000);
        CHECK(oracle::sweep_delay(3, 4, 4000000) == 3500000);
        CHECK(oracle::expected_event_us(r) == 4000000);
    }
    SUBCASE("6.12's userspace freezer: FITHAW after the unbind returns, FIFREEZE swept before the thaw") {
        const auto r = race_of(presets::debian_6_12::config, scenarios::userspace_freezer_during_unbind(), "no_foreign_freeze_dropped");
        INFO(joined(r.windows));
        const auto& steps = r.plan["actors"][0]["steps"];
        CHECK(steps[1]["when"]["after"] == "event_returned");
        CHECK(steps[0]["when"]["after"] == "event_started");
        REQUIRE(r.windows.size() == 2);
        CHECK(r.windows[0].find("before `thaw_super kernel`") != std::string::npos);
        CHECK(r.windows[1].find("after the unbind returns") != std::string::npos);
    }
    SUBCASE("6.1's write fault: swept over the walk, widened by a busy file the walk meets first") {
        // debian_6_1 (pre_patch): a write anywhere in the walk leaves a live mapping; the window is the walk.
        const auto r = race_of(presets::debian_6_1::config, scenarios::write_fault_during_unbind(), "no_live_mapping_after_pre_remove");
        INFO(joined(r.windows));
        CHECK(r.windows[0].find("before `xfs_force_shutdown 0x10`") != std::string::npos);
        CHECK(r.plan["files"][0]["name"] == "busy");  // nothing revoked before the window: the walk meets it first
    }
}

TEST_CASE("what one run shows of each invariant") {
    const njson plan = njson::parse(R"({"event": {"kind": "unbind"}, "tasks": [{"comm": "reader"}, {"comm": "writer"}],
        "actors": [{"name": "xfs_freeze", "steps": [{"op": "FIFREEZE"}, {"op": "FITHAW"}]}]})");
    njson report = njson::parse(R"({"event_end": "returned",
        "tasks": [{"pid": 100, "pfns_before": [[3, 1048579, 139637976739840]], "present_after": [3], "faulting_pages_after": []},
                  {"pid": 101, "pfns_before": [[3, 1048600, 139706696204288]], "present_after": [],
                   "pagemap_not_read_after": [[0, 3]], "faulting_pages_after": [0, 1, 2]}],
        "deliveries": [{"pid": 100, "si_code": 4, "phase": "event"}],
        "actors": [{"name": "xfs_freeze", "steps": [{"op": "FIFREEZE", "end": "returned", "rc": 0},
                                                    {"op": "FITHAW", "end": "returned", "rc": -22}]}]})");
    auto seen = oracle::observe(plan, report);
    CHECK(status(seen, "no_live_mapping_after_pre_remove").status == "violated");
    CHECK(status(seen, "no_live_mapping_after_pre_remove").evidence.find("reader (task 0) file pages 3") != std::string::npos);
    // writer's page 3 did not fault when touched where pagemap could not be read: still mapped, and never signalled
    CHECK(status(seen, "mapped_tasks_signaled").status == "violated");
    CHECK(status(seen, "mapped_tasks_signaled").evidence.find("writer (task 1) file pages 3") != std::string::npos);
    CHECK(status(seen, "mapped_tasks_signaled").evidence.find("reader") == std::string::npos);
    CHECK(status(seen, "no_foreign_freeze_dropped").status == "violated");
    CHECK(status(seen, "freezer_thaw_succeeds").evidence.find("FITHAW returned -22") != std::string::npos);
    CHECK(status(seen, "terminates").status == "holds");
    CHECK(status(seen, "pre_remove_completes").status == "holds");
    CHECK(status(seen, "no_bystander_signaled").status == "not observed");

    // The course of the run, for the evidence: who got which SIGBUS during the event, the guest's marks.
    report["kernel_log"] = njson::array({"<14>[   11.832520] daxfail: unbind starts", "<6>[   11.9] XFS (pmem0): x",
                                        "<14>[   12.000001] daxfail: xfs_freeze FITHAW returns -22"});
    const std::string course = oracle::run_timeline(plan, report);
    CHECK(course.find("reader SIGBUS si_code 4") != std::string::npos);
    CHECK(course.find("writer") == std::string::npos);
    CHECK(course.find("[   11.832520] unbind starts, [   12.000001] xfs_freeze FITHAW returns -22") != std::string::npos);

    report["actors"][0]["steps"][1]["rc"] = 0;
    report["tasks"][1]["faulting_pages_after"] = njson::array({0, 1, 2, 3});
    report["tasks"][0]["present_after"] = njson::array();
    seen = oracle::observe(plan, report);
    CHECK(status(seen, "no_foreign_freeze_dropped").status == "holds");
    CHECK(status(seen, "freezer_thaw_succeeds").status == "holds");
    CHECK(status(seen, "no_live_mapping_after_pre_remove").status == "holds");
    CHECK(status(seen, "mapped_tasks_signaled").status == "holds");

    // A page only an actor faulted in during the unbind is no mapper's left unsignalled: mapped_tasks_signaled
    // asks about the pages mapped before it.
    report["tasks"][0]["present_after"] = njson::array({3});
    report["tasks"][0]["pfns_before"] = njson::array();
    report["tasks"][1]["pfns_before"] = njson::array();
    seen = oracle::observe(plan, report);
    CHECK(status(seen, "no_live_mapping_after_pre_remove").status == "violated");
    CHECK(status(seen, "mapped_tasks_signaled").status == "n/a");

    report["event_end"] = "spinning";
    report["event_task"] = {{"state", "R (running)"}};
    seen = oracle::observe(plan, report);
    CHECK(status(seen, "terminates").status == "violated");
    CHECK(status(seen, "pre_remove_completes").evidence.find("R (running)") != std::string::npos);
    CHECK(status(seen, "no_live_mapping_after_pre_remove").status == "not observed");

    report["event_end"] = "returned";
    report["actors"][0]["steps"][1] = {{"op", "FITHAW"}, {"end", "blocked"}};
    seen = oracle::observe(plan, report);
    CHECK(status(seen, "terminates").status == "violated");
    CHECK(status(seen, "terminates").evidence.find("xfs_freeze: FITHAW blocked") != std::string::npos);
}

TEST_CASE("recorded races on Debian's kernels replay") {
    const auto dir = std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle/races";
    REQUIRE(std::filesystem::is_directory(dir));
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        std::ifstream in(entry.path());
        const njson rec = njson::parse(in);
        CAPTURE(entry.path().filename().string());
        const std::string name = rec.at("scenario"), invariant = rec.at("invariant"), preset = rec.at("preset");
        std::optional<scenario> s;
        for (const auto& c : scenarios::concurrent())
            if (c.name == name) s = c;
        REQUIRE(s);
        std::string error;
        const auto variants = parse_variant_list(preset, error);
        REQUIRE_MESSAGE(variants, error);
        const config& cfg = variants->front().cfg;
        const auto& inv = explored(cfg, *s, invariant);
        REQUIRE(inv.verdict == "violated");
        const auto design = oracle::design_race(cfg, *s, plan_of(*s), inv.counterexample, invariant);
        CHECK(design.windows == rec.at("windows").get<std::vector<std::string>>());
        REQUIRE_FALSE(rec.at("runs").empty());
        std::size_t reproduced = 0;
        for (const auto& run : rec.at("runs")) {
            // The plan the run had is the plan the counterexample gives today, at the run's delay.
            CHECK(njson::parse(oracle::run_with_delay(design, run.at("delay_us").get<long>()).dump()) == run.at("plan"));
            for (const auto& o : oracle::observe(run.at("plan"), run.at("report")))
                reproduced += o.invariant == invariant && o.status == "violated";
        }
        CHECK(reproduced == rec.at("reproduced").get<std::size_t>());
        // The model still finds the violation on the world the first run built (its inodes, pids and layout).
        const auto& first = rec.at("runs").at(0);
        const auto on_guest = oracle::race_scenario_from_report(first.at("plan"), first.at("report"));
        explore::options o;
        o.walk_patience = oracle::guest_run_options(first.at("report")).walk_patience;
        CHECK(explore::explore(cfg, preset, on_guest, o).invariant(invariant).verdict == "violated");
    }
    CHECK(files >= 5);
}

// Scenarios bigger than the guest.

namespace {
std::string lines(const nlohmann::ordered_json& plan) {
    std::string out;
    for (const auto& l : plan.value("scaled", nlohmann::ordered_json::array())) out += l.get<std::string>() + "\n";
    return out;
}
}  // namespace

TEST_CASE("a 16 GiB file in a 1 TiB filesystem is scaled down by 22, its touched pages with it") {
    std::string why;
    const auto plan = oracle::plan_from_scenario(test::named("huge_file_all_ags"), why);
    REQUIRE_MESSAGE(plan, why);
    INFO(lines(*plan));
    REQUIRE((*plan)["files"].size() == 1);
    CHECK((*plan)["files"][0]["pages"] == 190651);  // ceil(4194304 / 22)
    CHECK((*plan)["files"][0]["ag"] == 0);
    CHECK_FALSE(plan->contains("agcount"));  // 4 AGs, as the guest makes by default
    const auto& vma = (*plan)["tasks"][0]["vmas"][0];
    CHECK(vma["pgoff"] == 0);
    CHECK(vma["pages"] == 190651);
    CHECK(vma["touch"] == nlohmann::ordered_json::array({0, 47662, 95325, 142987}));
    REQUIRE((*plan)["scaled"].size() == 3);
    CHECK(lines(*plan).find("files scaled down by 22 (16 GiB of file data") != std::string::npos);
    CHECK(lines(*plan).find("touched 0,1048576,2097152,3145728 -> 0,47662,95325,142987") != std::string::npos);
    u64 total = 0;
    for (const auto& f : (*plan)["files"]) total += f["pages"].get<u64>();
    CHECK(total <= oracle::scaled_file_pages);
}

TEST_CASE("a plan that fits is not touched") {
    std::string why;
    const auto plan = oracle::plan_from_scenario(test::named("unbind_mapped_files"), why);
    REQUIRE_MESSAGE(plan, why);
    CHECK_FALSE(plan->contains("scaled"));
    for (const auto& f : (*plan)["files"]) CHECK_FALSE(f.contains("ag"));
}

TEST_CASE("scaling keeps a file's AG relative to the AG count, and the scenario's AG count up to 16") {
    auto s = test::one_file(u64{3} << 20);  // 12 GiB over 4 groups of 4 GiB
    std::string why;
    const auto plan = oracle::plan_from_scenario(s, why);
    REQUIRE_MESSAGE(plan, why);
    INFO(lines(*plan));
    CHECK((*plan)["files"][0]["pages"] == (u64{3} << 20) / 16);  // k = ceil(3 * 2^20 / 196608) = 16
    CHECK((*plan)["files"][0]["ag"] == 0);
    CHECK_FALSE(plan->contains("agcount"));
    CHECK(lines(*plan).find("first extent in AG 0 of 4 -> AG 0 of 4") != std::string::npos);
}

TEST_CASE("what cannot be scaled says why") {
    std::string why;
    SUBCASE("a PMD mapping that would not stay whole 2 MiB pages") {
        CHECK(oracle::plan_from_scenario(test::one_file(u64{3} << 20, true), why));  // k = 16 keeps whole 2 MiB pages
        why.clear();
        CHECK_FALSE(oracle::plan_from_scenario(test::one_file((u64{3} << 20) + 512 * 3, true), why));
        CHECK(why.find("PMD mapping of db cannot be divided by") != std::string::npos);
    }
    SUBCASE("a memory failure in an AG header of a world scaled down") {
        auto s = test::named("huge_file_all_ags");
        s.event = event::machine_check(0, 0, page_size, 900);  // the sh task maps nothing: hard_offline_page
        CHECK_FALSE(oracle::plan_from_scenario(s, why));
        CHECK(why.find("AG header") != std::string::npos);
    }
}
