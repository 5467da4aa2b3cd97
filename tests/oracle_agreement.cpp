// The oracle's host side on guest reports recorded on the real Debian kernels
// 6.1.192 and 6.12.117 (one on 6.12.118) (tests/oracle/*.json, made by
// `daxfail oracle --cache DIR` and tests/oracle/record.sh): plans, the
// normalizer, the verdict with its nondeterminism check, and the agreement
// table and JSON.
#include "support.hpp"

#include <daxfail/oracle/kernel_preset.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/oracle/report.hpp>

#include <filesystem>
#include <set>
#include <fstream>

using namespace daxfail;
using njson = nlohmann::json;  // not `json`: daxfail::json is a namespace

namespace {
struct recorded {
    njson plan, r1, r2;
};

recorded load(const std::string& scenario, const std::string& kernel) {
    const auto path = std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle" / (scenario + "." + kernel + ".json");
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), path.string());
    const auto j = njson::parse(in);
    return {j.at("plan"), j.at("reports").at(0), j.at("reports").at(1)};
}

const config& preset_of(const std::string& kernel) {
    if (kernel == "sid") return presets::v7_2::config;  // 7.2.13: the preset of its mainline version
    return kernel == "6.1" ? presets::debian_6_1::config : presets::debian_6_12::config;
}

std::string lines(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& l : v) out += (out.empty() ? "" : " | ") + l;
    return out;
}

oracle::agreement_row judge(const std::string& scenario, const std::string& kernel, const config& cfg) {
    const auto r = load(scenario, kernel);
    return oracle::judge(scenario, kernel, "preset", cfg, r.plan, r.r1, r.r2);
}

std::vector<oracle::observation> rows(const std::string& scenario, const std::string& kernel, const config& cfg) {
    const auto r = load(scenario, kernel);
    const auto s = oracle::scenario_from_report(r.plan, r.r1);
    REQUIRE(validate(s.world, s.event).empty());
    return oracle::compare(run(cfg, s.world, s.event), r.r1);
}

const oracle::observation& row(const std::vector<oracle::observation>& rs, const std::string& name) {
    for (const auto& r : rs)
        if (r.observable == name) return r;
    FAIL("no observable " << name);
    return rs.front();
}

const std::vector<std::string> recorded_scenarios{
    "unbind_mapped_files", "poison_one_page",     "metadata_in_range",      "no_rmapbt",
    "non_dax_file",        "frozen_by_userspace", "early_kill_task",        "multi_threaded_task",
    "reflinked_files",     "same_page_mapped_twice", "early_kill_sysctl_on", "empty_filesystem",
    "attr_fork_poison",    "pmd_mapped_file",        "unbind_after_goingdown", "poison_after_shutdown",
    "log_on_separate_device", "inode_not_in_core",   "range_partly_outside_fs", "partitioned_pmem_unbind",
    "fs_smaller_than_device", "umount_after_unbind", "file_in_every_ag",       "realtime_without_rmapbt",
    "reflinked_poison",    "reflinked_poison_no_rmapbt", "unbind_after_goingdown_nologflush",
    "poison_after_goingdown_logflush", "unbind_data_with_external_log",
    "huge_file_all_ags"};  // 16 GiB in 1 TiB, scaled down by 22 (oracle/scale.hpp)

/// Kernels a scenario was recorded on: those with a report tests/oracle/NAME.KERNEL.json.
std::vector<std::string> recorded_kernels(const std::string& name) {
    std::vector<std::string> out;
    for (const std::string k : {"6.1", "6.12"})
        if (std::filesystem::exists(std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle" / (name + "." + k + ".json")))
            out.push_back(k);
    return out;
}
}  // namespace

TEST_CASE("oracle: every recorded scenario agrees with debian_6_1 on 6.1.192 and debian_6_12 on 6.12.117") {
    for (const auto& s : recorded_scenarios)
        for (const std::string k : {"6.1", "6.12"}) {
            INFO(s << " on " << k);
            const auto v = judge(s, k, preset_of(k));
            CHECK_FALSE(v.nondeterministic);
            for (const auto& d : v.differences) CHECK_MESSAGE(false, d.observable << " differs");
            CHECK(v.agree);
            CHECK(v.not_visible == std::vector<std::string>{"poisoned"});  // shown, never counted as agreement
        }
}

TEST_CASE("oracle: every recorded scenario agrees with v7_2 on Debian's 7.2.13 (sid)") {
    std::size_t judged = 0, agreed = 0;
    std::vector<std::string> names = recorded_scenarios;
    names.push_back("realtime_device");  // sid's mkfs.xfs makes realtime groups
    for (const auto& s : names) {
        INFO(s << " on sid");
        const auto v = judge(s, "sid", preset_of("sid"));
        ++judged;
        agreed += v.agree;
        CHECK_FALSE(v.nondeterministic);
        for (const auto& d : v.differences)
            CHECK_MESSAGE(false, d.observable << " differs: model " << lines(d.model) << " / kernel " << lines(d.kernel));
        CHECK(v.agree);
    }
    CHECK(judged == 31);
    CHECK(agreed == judged);
}

TEST_CASE("oracle: every scenario file recorded next to its reports agrees with its kernel's preset") {
    // Scenarios not in the catalog, run with `daxfail oracle --scenario tests/oracle/scenarios/NAME.json`
    // (tests/oracle_scenario_files.cpp checks that their plans are the recorded ones).
    std::size_t judged = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle/scenarios")) {
        const std::string s = e.path().stem().string();
        CHECK_MESSAGE(!recorded_kernels(s).empty(), s << ": no report in tests/oracle/");
        for (const auto& k : recorded_kernels(s)) {
            INFO(s << " on " << k);
            const auto v = judge(s, k, preset_of(k));
            CHECK_FALSE(v.nondeterministic);
            for (const auto& d : v.differences) CHECK_MESSAGE(false, d.observable << " differs");
            CHECK(v.agree);
            CHECK(v.not_visible == std::vector<std::string>{"poisoned"});
            ++judged;
        }
    }
    CHECK(judged >= 1);
}

TEST_CASE("oracle: the catalog's plans are the ones the recorded reports ran") {
    for (const auto& s : scenarios::catalog()) {
        std::string why;
        const auto plan = oracle::plan_from_scenario(s, why);
        const bool recorded_one = std::find(recorded_scenarios.begin(), recorded_scenarios.end(), s.name) != recorded_scenarios.end();
        INFO(s.name << ": " << why);
        // A plan that needs a newer mkfs.xfs runs on sid alone (realtime_device): its recording, once there is one.
        const bool newer_mkfs = plan && plan->contains("mkfs");
        CHECK(plan.has_value() == (recorded_one || newer_mkfs));
        const auto sid_file = std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle" / (s.name + ".sid.json");
        if (newer_mkfs) {
            CHECK(s.name == "realtime_device");
            CHECK((*plan)["mkfs"] == "newer");
            if (std::filesystem::exists(sid_file)) CHECK(njson::parse(plan->dump()) == load(s.name, "sid").plan);
        } else if (plan) {
            CHECK(njson::parse(plan->dump()) == load(s.name, "6.1").plan);
        } else {
            CHECK_FALSE(why.empty());
        }
    }
}

TEST_CASE("oracle: what the kernels did, as the normalizer reads it") {
    // Whole-device unbind, a PR_MCE_KILL_EARLY task among default ones.
    const auto old = rows("early_kill_task", "6.1", presets::debian_6_1::config);
    CHECK(row(old, "xfs_log").kernel.front() ==
          "XFS (pmem0): Corruption of on-disk metadata (0x10) detected at xfs_dax_notify_failure.  Shutting down filesystem.");
    CHECK(row(old, "open_after").kernel == std::vector<std::string>{"-EIO"});
    CHECK_FALSE(row(old, "live_mappings_after").kernel.empty());  // 6.1 unmaps only what it signals
    const auto now = rows("early_kill_task", "6.12", presets::debian_6_12::config);
    CHECK(row(now, "xfs_log").kernel.at(0) == "XFS (pmem0): Device is about to be removed!");
    CHECK(row(now, "xfs_log").kernel.at(1) == "XFS (pmem0): User initiated shutdown received.");
    CHECK(row(now, "live_mappings_after").kernel.empty());
    CHECK(row(now, "sigbus_sent").kernel.size() > row(old, "sigbus_sent").kernel.size());
    // A task mapping the poisoned page twice is sent two SIGBUS and receives the first.
    const auto twice = rows("same_page_mapped_twice", "6.12", presets::debian_6_12::config);
    CHECK(row(twice, "sigbus_sent").kernel.size() == 2);
    CHECK(row(twice, "signals_delivered").kernel.size() == 1);
    CHECK(row(twice, "memory_failure_log").kernel.back().find(": recovery action for dax page: Recovered") !=
          std::string::npos);
    CHECK(row(twice, "memory_failure_log").agree);
}

TEST_CASE("oracle: what the patch changed, seen on the real kernels") {
    // An administrator's freeze survives 6.1's unbind, and is dropped by 6.12's kernel thaw.
    CHECK(row(rows("frozen_by_userspace", "6.1", presets::debian_6_1::config), "userspace_freeze_after").kernel ==
          std::vector<std::string>{"held"});
    CHECK(row(rows("frozen_by_userspace", "6.12", presets::debian_6_12::config), "userspace_freeze_after").kernel ==
          std::vector<std::string>{"not held"});
    // Mainline v6.8-v6.12.110 (`merged`) logs "still frozen after notify failure" here, because the kernel
    // thaw that leaves another holder returns -EINVAL; Debian's 6.12.117 carries the stable fix (returns 0).
    const auto mainline = judge("frozen_by_userspace", "6.12", presets::merged::config);
    REQUIRE(mainline.differences.size() == 1);
    CHECK(mainline.differences[0].observable == "xfs_log");
    // Only the thread that asked for early kill is signalled on 6.1; the thread-group leader on 6.12.
    const auto mt_old = row(rows("multi_threaded_task", "6.1", presets::debian_6_1::config), "signals_delivered").kernel;
    const auto mt_new = row(rows("multi_threaded_task", "6.12", presets::debian_6_12::config), "signals_delivered").kernel;
    const auto mt = load("multi_threaded_task", "6.1").r1.at("tasks").at(2);
    REQUIRE(mt_old.size() == 1);
    CHECK(mt_old[0].rfind(std::to_string(mt.at("tids").at(0).get<int>()) + " BUS_MCEERR_AO", 0) == 0);
    CHECK(mt_new.size() == 3);
    // A poisoned AG header: the write to hard_offline_page fails with EFSCORRUPTED on both kernels.
    for (const std::string k : {"6.1", "6.12"})
        CHECK(row(rows("metadata_in_range", k, preset_of(k)), "entry_return").kernel == std::vector<std::string>{"-EFSCORRUPTED"});
    // Both readers of a reflinked extent are signalled on 6.12; the xattr block poisons like metadata.
    CHECK(row(rows("reflinked_files", "6.12", presets::debian_6_12::config), "signals_delivered").kernel.size() == 2);
    CHECK(row(rows("attr_fork_poison", "6.1", presets::debian_6_1::config), "entry_return").kernel ==
          std::vector<std::string>{"-EFSCORRUPTED"});
    // Without rmapbt 6.1 leaves the filesystem running; 6.12's block-device holder shuts it down.
    CHECK(row(rows("no_rmapbt", "6.1", presets::debian_6_1::config), "open_after").kernel == std::vector<std::string>{"0"});
    CHECK(row(rows("no_rmapbt", "6.12", presets::debian_6_12::config), "open_after").kernel == std::vector<std::string>{"-EIO"});
}

TEST_CASE("oracle: a file mapped by 2 MiB PMDs, on both kernels") {
    // The guest allocated P 2 MiB aligned and contiguous, and reading the first page of each 2 MiB mapped all
    // 1024 pages: PMDs (a DAX fault maps no neighbours with PTEs).
    for (const std::string k : {"6.1", "6.12"}) {
        const auto r = load("pmd_mapped_file", k);
        CHECK(r.plan.at("tasks").at(1).at("vmas").at(0).at("pmd") == true);
        CHECK(r.plan.at("tasks").at(1).at("vmas").at(0).at("touch") == njson::array({0, 512}));
        const auto& p = r.r1.at("files").at(1);
        REQUIRE(p.at("extents").size() == 1);
        CHECK(p.at("extents").at(0).at("physical").get<u64>() % (2u << 20) == 0);
        CHECK(p.at("extents").at(0).at("length").get<u64>() == 4u << 20);
        const auto s = oracle::scenario_from_report(r.plan, r.r1);
        REQUIRE(validate(s.world, s.event).empty());
        bool huge = false;
        for (const auto& t : s.world.tasks)
            for (const auto& v : t.vmas)
                for (const auto& run : v.present) huge |= run.value == mapping_size::pmd && run.last - run.first + 1 == 1024;
        CHECK(huge);
    }
    // 6.12 reads pagemap over the PMDs: all 1024 pages present before the event, none after.
    const auto now = load("pmd_mapped_file", "6.12");
    CHECK(now.r1.at("tasks").at(1).at("pfns_before").size() == 1024);
    CHECK_FALSE(now.r1.at("tasks").at(1).contains("pagemap_not_read"));
    // One BUS_MCEERR_AO per task: db's first is at the start of its first PMD with si_addr_lsb 21; the kernel
    // logged one line per 2 MiB entry, at its head pfn.
    const auto rows12 = rows("pmd_mapped_file", "6.12", presets::debian_6_12::config);
    const auto db = std::to_string(now.r1.at("tasks").at(1).at("pid").get<int>());
    CHECK(row(rows12, "signals_delivered").kernel.at(1) == db + " BUS_MCEERR_AO 0x7f7000000000 lsb 21");
    std::size_t db_lines = 0;
    for (const auto& l : row(rows12, "sigbus_sent").kernel) db_lines += l.find("to db:") != std::string::npos;
    CHECK(db_lines == 2);
    CHECK(row(rows12, "live_mappings_after").kernel.empty());
    // 6.1's pagemap oopses over a DAX PMD: the guest never reads it there, and tells what is still mapped after
    // the unbind by touching (the shut-down filesystem cannot map a page again): both PMDs stayed.
    const auto old = load("pmd_mapped_file", "6.1");
    CHECK(old.r1.at("tasks").at(1).at("pagemap_not_read") == njson::array({njson::array({0, 1023})}));
    CHECK(old.r1.at("tasks").at(1).at("pfns_before").empty());
    const auto rows61 = rows("pmd_mapped_file", "6.1", presets::debian_6_1::config);
    const auto db61 = std::to_string(old.r1.at("tasks").at(1).at("pid").get<int>());
    const auto& live = row(rows61, "live_mappings_after");
    CHECK(std::find(live.kernel.begin(), live.kernel.end(), db61 + " page 0..1023 (by touch)") != live.kernel.end());
    CHECK(live.agree);
    CHECK(row(rows61, "signals_delivered").kernel.empty());
    // The same report under the merged preset: the model would have zapped the PMDs and signalled db.
    CHECK_FALSE(judge("pmd_mapped_file", "6.1", presets::merged::config).agree);
}

TEST_CASE("oracle: the comparison is not vacuous - the wrong preset disagrees") {
    const auto swapped = judge("early_kill_task", "6.12", presets::debian_6_1::config);
    CHECK_FALSE(swapped.agree);
    std::vector<std::string> names;
    for (const auto& d : swapped.differences) names.push_back(d.observable);
    for (const char* o : {"sigbus_sent", "xfs_log", "live_mappings_after", "signals_delivered"})
        CHECK_MESSAGE(std::find(names.begin(), names.end(), o) != names.end(), o);
    CHECK_FALSE(judge("unbind_mapped_files", "6.1", presets::merged::config).agree);
    CHECK_FALSE(judge("early_kill_sysctl_on", "6.12", presets::pre_patch::config).agree);
}

TEST_CASE("oracle: two boots that differ are nondeterministic, pids alone are not a difference") {
    auto r = load("unbind_mapped_files", "6.12");
    // Another boot where kernel threads took one more pid: every planned task is renumbered.
    njson renumbered = r.r2;
    std::string text = renumbered.dump();
    auto replace_all = [&](const std::string& from, const std::string& to) {
        for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
    };
    // The unbinder (a child of the guest, started last) first, then the tasks, highest first: no collisions.
    const int unbinder = renumbered["unbinder_pid"].get<int>();
    replace_all("\"unbinder_pid\":" + std::to_string(unbinder), "\"unbinder_pid\":" + std::to_string(unbinder + 1));
    for (auto it = renumbered["tasks"].rbegin(); it != renumbered["tasks"].rend(); ++it) {
        const int pid = (*it)["pid"].get<int>();
        replace_all("\"pid\":" + std::to_string(pid) + ",", "\"pid\":" + std::to_string(pid + 1) + ",");
        replace_all(":" + std::to_string(pid) + " due", ":" + std::to_string(pid + 1) + " due");
    }
    renumbered = njson::parse(text);
    REQUIRE(renumbered["tasks"][0]["pid"] != r.r2["tasks"][0]["pid"]);
    auto v = oracle::judge("unbind_mapped_files", "6.12", "debian_6_12", presets::debian_6_12::config, r.plan, r.r1, renumbered);
    CHECK_FALSE(v.nondeterministic);
    CHECK(v.agree);

    // A boot where one task did not receive its signal.
    njson lost = r.r2;
    auto& d = lost["deliveries"];
    const auto first_event = std::find_if(d.begin(), d.end(), [](const njson& x) { return x["phase"] == "event"; });
    REQUIRE(first_event != d.end());
    d.erase(first_event);
    v = oracle::judge("unbind_mapped_files", "6.12", "debian_6_12", presets::debian_6_12::config, r.plan, r.r1, lost);
    CHECK(v.nondeterministic);
    CHECK(v.unrepeatable == std::vector<std::string>{"signals_delivered"});
    CHECK_FALSE(v.agree);
}

TEST_CASE("oracle: the agreement table and its JSON") {
    oracle::agreement a;
    a.kernels = {{"6.1", "6.1.0-56-amd64", "linux-image-amd64"}, {"6.12", "6.12.117+deb12-amd64", "linux-image-6.12-amd64"}};
    a.results.push_back(judge("poison_one_page", "6.1", presets::debian_6_1::config));
    a.results.back().preset = "debian_6_1";
    a.results.back().seconds = 5.25;
    a.results.push_back(judge("unbind_mapped_files", "6.12", presets::debian_6_1::config));  // wrong preset
    a.results.back().preset = "debian_6_1";
    a.skipped.push_back({"no_rmapbt", "a filesystem without rmapbt"});
    CHECK_FALSE(a.all_agree());

    const auto j = njson::parse(oracle::to_json(a).dump());
    REQUIRE(j["results"].size() == 2);
    CHECK(j["kernels"][1]["uname_r"] == "6.12.117+deb12-amd64");
    const auto& ok = j["results"][0];
    CHECK(ok["scenario"] == "poison_one_page");
    CHECK(ok["kernel"] == "6.1");
    CHECK(ok["preset"] == "debian_6_1");
    CHECK(ok["agree"] == true);
    CHECK(ok["differences"].empty());
    CHECK(ok["nondeterministic"] == false);
    CHECK(ok["seconds"] == 5.25);
    CHECK(ok["not_visible"] == njson::array({"poisoned"}));
    const auto& bad = j["results"][1];
    CHECK(bad["agree"] == false);
    REQUIRE_FALSE(bad["differences"].empty());
    const auto& d = bad["differences"][0];
    CHECK(d.contains("observable"));
    CHECK(d["model"] != d["kernel"]);
    CHECK(j["not_expressible"][0]["scenario"] == "no_rmapbt");

    const auto md = oracle::to_text(a, {true, false});
    CHECK(md.find("| poison_one_page | 6.1 | debian_6_1 | yes | - | 5.2 |") != std::string::npos);
    CHECK(md.find("| unbind_mapped_files | 6.12 | debian_6_1 | no | sigbus_sent") != std::string::npos);
    CHECK(md.find("unbind_mapped_files on 6.12, sigbus_sent:\n  model:  ") != std::string::npos);
    CHECK(md.find("- no_rmapbt: a filesystem without rmapbt") != std::string::npos);
    CHECK(md.find("not visible in the guest (shown, never counted as agreement): poisoned") != std::string::npos);
}

TEST_CASE("every oracle row names the model observable it checks, from the one list of observables") {
    // observables() lists exactly the named observables, in order.
    const auto listed = observables(outcome{});
    REQUIRE(listed.size() == all_observable_names.size());
    for (std::size_t i = 0; i < listed.size(); ++i) CHECK(listed[i].name == all_observable_names[i]);
    std::set<std::string> seen;
    for (const auto& s : recorded_scenarios)
        for (const auto& kernel : {"6.1", "6.12"})
            for (const auto& r : rows(s, kernel, preset_of(kernel))) {
                INFO(s << " on " << kernel << ": " << r.observable);
                const auto o = oracle::observable_of_row(r.observable);
                CHECK_FALSE(o.empty());
                CHECK(std::find(all_observable_names.begin(), all_observable_names.end(), o) != all_observable_names.end());
                seen.insert(r.observable);
            }
    // Every listed row but live_pmd_mappings_after (a PMD mapping of a filesystem left running) occurs here.
    CHECK(seen.size() + 1 == oracle::row_observables.size());
    CHECK(seen.count("live_pmd_mappings_after") == 0);
}

TEST_CASE("oracle: a task whose PTEs were all gone before the event is judged on none (reflinked_poison_pte_gone, 6.12)") {
    // c is a FICLONE of a. p1 (early kill), then p2 read-map all of c; p3 maps a and poisons its page 1 with
    // MADV_HWPOISON. On 6.12 a DAX fault of a shared extent first unmaps the page from every mapping of the file
    // (dax_insert_entry), so p2's read faults took all of p1's PTEs before the event.
    const auto r = load("reflinked_poison_pte_gone", "6.12");
    for (const auto* rep : {&r.r1, &r.r2}) {
        const auto& t = rep->at("tasks");
        CHECK(t.at(0).at("pfns_before").empty());
        CHECK(t.at(1).at("pfns_before").size() == 16);
        CHECK(t.at(2).at("pfns_before").size() == 16);
        // The kernel signalled p3 (current, BUS_MCEERR_AR) alone and left p2's page 1 mapped: p1, collected for
        // c as an early-kill task, had no PTE there, so nothing collected for c had one and c was not unmapped.
        REQUIRE(rep->at("deliveries").size() == 1);
        CHECK(rep->at("deliveries")[0].at("pid") == t.at(2).at("pid"));
        CHECK(rep->at("deliveries")[0].at("si_code") == si_code::bus_mceerr_ar);
        CHECK(t.at(0).at("present_after").empty());
        CHECK(t.at(1).at("present_after").size() == 16);
        CHECK(t.at(2).at("present_after") == njson::array({0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
    }
    // The report carries addresses, so p1's empty list says that no PTE was present: a setup difference, named.
    CHECK(oracle::detail::records_addresses(r.r1));
    const auto v = judge("reflinked_poison_pte_gone", "6.12", presets::debian_6_12::config);
    CHECK(v.setup_differences == std::vector<std::string>{
                                     "task 0 (p1) file c at 0x7f1000000000: planned present pages 0..15, present "
                                     "before the event none"});
    CHECK_FALSE(v.nondeterministic);
    for (const auto& d : v.differences) CHECK_MESSAGE(false, d.observable << " differs");
    CHECK(v.agree);
    // The model ran on what was built: p1 maps c without a PTE. It signals p3 alone and leaves p2's page 1.
    const auto s = oracle::scenario_from_report(r.plan, r.r1);
    const u32 p1 = r.r1.at("tasks").at(0).at("pid").get<u32>();
    const std::string p2 = std::to_string(r.r1.at("tasks").at(1).at("pid").get<u32>()),
                      p3 = std::to_string(r.r1.at("tasks").at(2).at("pid").get<u32>());
    bool seen = false;
    for (const auto& t : s.world.tasks)
        if (t.pid == p1) {
            REQUIRE(t.vmas.size() == 1);
            CHECK(t.vmas[0].pages == 16);
            CHECK(t.vmas[0].present.empty());
            seen = true;
        }
    CHECK(seen);
    const auto rs = rows("reflinked_poison_pte_gone", "6.12", presets::debian_6_12::config);
    CHECK(row(rs, "signals_delivered").model == std::vector<std::string>{p3 + " BUS_MCEERR_AR 0x7f3000001000 lsb 12"});
    CHECK(row(rs, "signals_delivered").agree);
    CHECK(row(rs, "sigbus_sent").model.size() == 1);
    CHECK(row(rs, "sigbus_sent").agree);
    CHECK(row(rs, "live_mappings_after").model ==
          std::vector<std::string>{p2 + " page 0..15", p3 + " page 0", p3 + " page 2..15"});
    CHECK(row(rs, "live_mappings_after").agree);
}

TEST_CASE("oracle: whether PTE entries carry addresses is the report's, not one task's list") {
    const auto r = load("reflinked_poison_pte_gone", "6.12");
    // A report from before addresses: no pmem_bases and [file page, pfn] entries. An empty list can say nothing
    // there, so the task is not judged and the model keeps the plan's PTEs, as it always did for such reports.
    njson old = r.r1;
    old.erase("pmem_bases");
    for (auto& t : old.at("tasks"))
        for (auto& e : t.at("pfns_before")) e.erase(2);
    CHECK_FALSE(oracle::detail::records_addresses(old));
    CHECK(oracle::setup_differences(r.plan, old).empty());
    const auto s = oracle::scenario_from_report(r.plan, old);
    for (const auto& t : s.world.tasks)
        if (t.pid == old.at("tasks").at(0).at("pid").get<u32>()) {
            REQUIRE(t.vmas.size() == 1);
            CHECK(t.vmas[0].present.runs() == 1);  // pages 0..15, one run
            for (u64 pg = 0; pg < 16; ++pg) CHECK(t.vmas[0].present.contains(pg));
        }
    // Another task's [file page, pfn, address] entry says so too, even without pmem_bases.
    njson addressed = r.r1;
    addressed.erase("pmem_bases");
    CHECK(oracle::detail::records_addresses(addressed));
    CHECK(oracle::setup_differences(r.plan, addressed).size() == 1);
    // Every recorded report carries addresses.
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(DAXFAIL_SOURCE_DIR) / "tests/oracle")) {
        if (e.path().extension() != ".json") continue;
        std::ifstream in(e.path());
        const auto j = njson::parse(in);
        for (const auto& rep : j.at("reports")) CHECK_MESSAGE(oracle::detail::records_addresses(rep), e.path().string());
    }
}

TEST_CASE("oracle: a moving suite's kernel is judged by its mainline version's preset, or the nearest older one") {
    const auto own = oracle::preset_for_release("6.14.3-amd64");
    REQUIRE(own);
    CHECK(own->name == "v6_14");
    CHECK(own->cfg == presets::v6_14::config);
    CHECK(own->note == "6.14.3-amd64: judged by v6_14 (the preset of its mainline version)");
    const auto older = oracle::preset_for_release("6.10.0");
    REQUIRE(older);
    CHECK(older->name == "merged");
    CHECK(older->note == "6.10.0: judged by merged, the nearest older preset (mainline 6.10 has none)");
    CHECK(oracle::preset_for_release("6.7.1")->name == "pre_patch");
    CHECK(oracle::preset_for_release("6.16.2")->name == "v6_15");
    CHECK(oracle::preset_for_release("7.1.0")->name == "v6_18");
    const auto sid = oracle::preset_for_release("7.2.13+deb14-amd64");
    REQUIRE(sid);
    CHECK(sid->name == "v7_2");
    CHECK(sid->cfg == presets::v7_2::config);
    CHECK(sid->note == "7.2.13+deb14-amd64: judged by v7_2 (the preset of its mainline version)");
    CHECK_FALSE(oracle::preset_for_release("5.10.0"));
    CHECK_FALSE(oracle::preset_for_release("garbage"));
    // Every preset the table names that the registry has is a registry preset, in version order.
    for (std::size_t i = 1; i < oracle::mainline_presets.size(); ++i) {
        const auto& a = oracle::mainline_presets[i - 1];
        const auto& b = oracle::mainline_presets[i];
        CHECK((a.major < b.major || (a.major == b.major && a.minor < b.minor)));
    }
    CHECK(oracle::preset_config("debian_6_12") == presets::debian_6_12::config);
}

TEST_CASE("oracle: an event that did not return, as the guest names it, against the model's end") {
    auto r = load("unbind_mapped_files", "6.12");
    njson report = r.r1;
    report["event_end"] = "spinning";
    report["event_task"] = {{"state", "R (running)"}, {"wchan", "0"}, {"stack", {"mf_dax_kill_procs", "kill_dax"}}};
    CHECK(oracle::detail::kernel_end(report) == "spins");
    report["event_end"] = "blocked";
    CHECK(oracle::detail::kernel_end(report) == "blocked forever");
    report["event_end"] = "hung";  // recorded before the guest read the task's state
    CHECK(oracle::detail::kernel_end(report) == "did not terminate");
    CHECK(oracle::detail::kernel_end(r.r1) == "returned");
    // No entry return from a task that never came back.
    report["event_end"] = "spinning";
    CHECK(row(oracle::compare(run(presets::debian_6_12::config, oracle::scenario_from_report(r.plan, report).world,
                                  oracle::scenario_from_report(r.plan, report).event),
                              report),
              "entry_return")
              .kernel == std::vector<std::string>{"none"});
}

TEST_CASE("oracle: after an unbind where pagemap oopses, what stays mapped is told by touch") {
    // 6.12's no_rmapbt as a kernel from 6.15 on reports it: no pagemap after the unbind, every page of each VMA
    // touched; the shut-down filesystem maps no page again, so the touch tells the same as pagemap did.
    const auto r = load("no_rmapbt", "6.12");
    REQUIRE(r.r1.at("open_after") != 0);
    njson report = r.r1;
    for (std::size_t i = 0; i < report["tasks"].size(); ++i) {
        auto& t = report["tasks"][i];
        t["present_after"] = njson::array();
        t["pagemap_not_read_after"] = njson::array();
        for (const auto& v : r.plan["tasks"][i]["vmas"])
            t["pagemap_not_read_after"].push_back({v["pgoff"], v["pgoff"].get<u64>() + v["pages"].get<u64>() - 1});
    }
    const auto s = oracle::scenario_from_report(r.plan, report);
    const auto rows_touch = oracle::compare(run(presets::debian_6_12::config, s.world, s.event), report);
    const auto& live = row(rows_touch, "live_mappings_after");
    CHECK(live.agree);
    REQUIRE_FALSE(live.kernel.empty());
    for (const auto& l : live.kernel) CHECK(l.find(" (by touch)") != std::string::npos);
    // The runs are those pagemap showed.
    const auto by_pagemap = row(rows("no_rmapbt", "6.12", presets::debian_6_12::config), "live_mappings_after").kernel;
    REQUIRE(by_pagemap.size() == live.kernel.size());
    for (std::size_t i = 0; i < live.kernel.size(); ++i) CHECK(live.kernel[i] == by_pagemap[i] + " (by touch)");
}

TEST_CASE("oracle: the report names each kernel's release and the preset that judged it") {
    oracle::agreement a;
    a.kernels = {{"6.12", "6.12.117+deb12-amd64", "linux-image-6.12-amd64", 1, 2.0, "debian_6_12", ""},
                 {"sid", "7.2.13+deb14-amd64", "linux-image-amd64 of sid", 1, 2.0, "v6_14",
                  "7.2.13+deb14-amd64: judged by v6_14, the nearest older preset (mainline 7.2 has none)"}};
    const auto j = njson::parse(oracle::to_json(a).dump());
    CHECK(j["kernels"][0]["preset"] == "debian_6_12");
    CHECK_FALSE(j["kernels"][0].contains("preset_note"));
    CHECK(j["kernels"][1]["uname_r"] == "7.2.13+deb14-amd64");
    CHECK(j["kernels"][1]["preset"] == "v6_14");
    CHECK(j["kernels"][1]["preset_note"] == a.kernels[1].preset_note);
    const auto text = oracle::to_text(a, {false, false});
    CHECK(text.find("  sid: 7.2.13+deb14-amd64 (linux-image-amd64 of sid), 1 boot(s) x 2 side by side, 2.0 s, judged by "
                    "v6_14\n    7.2.13+deb14-amd64: judged by v6_14, the nearest older preset") != std::string::npos);
}
