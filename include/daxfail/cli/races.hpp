// Races on real kernels from the command (oracle/race_run.hpp runs them):
// `daxfail explore --confirm KERNEL` tries the explored counterexamples of the
// preset that models each kernel; `daxfail oracle` on concurrent scenario files
// explores them under each kernel's preset and races each counterexample.
#ifndef DAXFAIL_CLI_RACES_HPP
#define DAXFAIL_CLI_RACES_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/detail/interrupt.hpp>
#include <daxfail/cli/detail/progress.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/oracle/boot.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/oracle/race_plan.hpp>
#include <daxfail/oracle/race_run.hpp>

#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::cli {

using oracle::default_race_runs;

/// --cache DIR, for `daxfail oracle` and `explore --confirm`; `help` says what it holds.
inline detail::option cache_option(std::string help) {
    return {.name = "--cache",
            .arg = detail::takes::one,
            .metavar = "DIR",
            .help = std::move(help),
            .default_text = "/var/tmp/daxfail-oracle",
            .completion = detail::completes::dirs};
}

/// The runs of each race (`oracle --runs`, `explore --confirm-runs`), 1 to 1000.
inline detail::option race_runs_option(std::string name, std::string help) {
    return number_option(std::move(name), std::move(help), std::to_string(default_race_runs),
                         detail::whole_number_from<1, 1000>);
}

namespace detail {

/// Whether the oracle's tools are installed; says on stderr what is missing.
inline bool oracle_tools_present(const std::string& who) {
    const std::string tool = oracle::missing_tool();
    if (tool.empty()) return true;
    std::cerr << who << ": " << tool
              << " is missing; install qemu-system-x86 busybox-static xfsprogs cpio xz-utils (apt-get install)\n";
    return false;
}

/// The hooks of races on the command: SIGINT stops them, `bar` shows `done` of `total` runs.
inline oracle::race_hooks race_hooks_on(progress& bar, std::size_t& done, std::size_t total) {
    oracle::race_hooks h;
    h.stop = [] { return interrupted != 0; };
    h.waiting = [&bar, &done, total](const std::string& what) { bar.update(done, total, -1, what); };
    h.ran = [&done](std::size_t runs) { done += runs; };
    return h;
}

/// Marks every violated invariant of `r` as not tried on kernel `k`, and why.
inline void not_tried(explore::result& r, const oracle::kernel_spec& k, const std::string& why) {
    for (auto& inv : r.invariants)
        if (inv.verdict == "violated") {
            explore::confirmation c;
            c.invariant = inv.name;
            c.kernel = k.label;
            c.preset = k.preset;
            c.window = "not tried: the guest cannot build it: " + why;
            inv.confirmations = {c};
        }
}

/// `explore --confirm KERNEL`: the counterexamples of the presets that model the kernels, tried on them.
/// `results` are pair by pair (pair = scenario * variants + variant).
inline int confirm_on_kernels(std::vector<explore::result>& results, const std::vector<scenario>& scens,
                              std::size_t variants, const std::string& kernel_arg, std::size_t runs,
                              const std::string& cache, bool progress_forced) {
    const oracle::boot_paths at{oracle::oracle_dir(), oracle::oracle_guest(), cache};
    if (at.dir.empty() || at.guest.empty()) {
        std::cerr << "daxfail explore: --confirm: the oracle's guest is not installed next to this program and the "
                     "program was built without DAXFAIL_ORACLE_DIR and DAXFAIL_ORACLE_GUEST\n";
        return exit_bad_input;
    }
    if (!oracle_tools_present("daxfail explore --confirm")) return exit_bad_input;
    std::error_code ec;
    std::filesystem::create_directories(cache, ec);
    progress bar("confirm", "runs", progress_forced);
    std::size_t done = 0, total = 0;
    for (const auto& r : results) total += r.any_violated() ? runs : 0;  // an estimate: one race per result
    const auto hooks = race_hooks_on(bar, done, total);
    for (auto k : oracle::kernels_named(kernel_arg)) {
        if (interrupted) break;
        std::string error;
        if (!oracle::fetch_kernel(k, at.dir, cache, error)) {
            std::cerr << "daxfail explore: --confirm: " << error << "\n";
            return exit_bad_input;
        }
        bool any = false;
        for (std::size_t i = 0; i < results.size() && !interrupted; ++i) {
            auto& r = results[i];
            if (r.variant != k.preset) continue;
            any = true;
            if (!r.any_violated()) continue;
            std::string why;
            if (!oracle::confirm_result(r, scens[i / variants], k, runs, at, why, hooks)) not_tried(r, k, why);
        }
        if (!any)
            std::cerr << "daxfail explore: --confirm " << k.label << ": no variant explored is " << k.preset
                      << ", the preset that models " << k.release << "\n";
    }
    bar.finish();
    return exit_ok;
}

/// `oracle --dry-run` on concurrent scenarios: per kernel and scenario, each distinct counterexample's race plan.
inline void print_race_plans(const std::vector<scenario>& races, const std::string& kernel_arg, std::size_t runs) {
    for (auto k : oracle::kernels_named(kernel_arg)) {
        if (k.preset.empty()) {
            std::cout << "on " << k.label << ": its preset is chosen from the release once the kernel is fetched\n";
            continue;
        }
        for (const auto& s : races) {
            std::string why;
            const auto plan = oracle::plan_from_scenario(s, why);
            if (!plan) {
                std::cout << s.name << " on " << k.label << ": not expressible: " << why << "\n";
                continue;
            }
            const auto r = explore::explore(k.cfg, k.preset, s, explore::options{});
            bool any = false;
            std::vector<std::vector<explore::schedule_step>> seen;
            for (const auto& inv : r.invariants) {
                if (inv.verdict != "violated") continue;
                any = true;
                bool again = false;
                for (const auto& c : seen) again = again || c == inv.counterexample;
                if (again) continue;
                seen.push_back(inv.counterexample);
                const auto d = oracle::design_race(k.cfg, s, *plan, inv.counterexample, inv.name);
                std::cout << s.name << " on " << k.label << " (" << k.preset << "), " << inv.name << ": " << runs
                          << " runs of plan " << d.plan.dump() << "\n";
                for (const auto& w : d.windows) std::cout << "  window: " << w << "\n";
                if (!d.widening.empty()) std::cout << "  widened: " << d.widening << "\n";
            }
            if (!any) std::cout << s.name << " on " << k.label << " (" << k.preset << "): no counterexample to try\n";
        }
    }
}

/// What `daxfail oracle` does with concurrent scenarios.
struct race_request {
    std::string kernel_arg, cache, format;
    std::size_t runs = default_race_runs;
    bool dry_run = false, progress = false, fail_on_disagreement = false;
};

/// `daxfail oracle` on concurrent scenarios: each explored under each kernel's preset, each counterexample raced on
/// the kernel; printed as `daxfail explore` prints, with the kernel's rates. --dry-run prints the race plans.
inline int run_races(const std::vector<scenario>& races, const race_request& q) {
    for (const auto& s : races)
        if (auto errors = explore::validate_actors(s); !errors.empty()) {
            for (const auto& e : errors) std::cerr << s.name << ": " << e.to_string() << "\n";
            return exit_bad_input;
        }
    if (q.dry_run) {
        print_race_plans(races, q.kernel_arg, q.runs);
        return exit_ok;
    }
    const oracle::boot_paths at{oracle::oracle_dir(), oracle::oracle_guest(), q.cache};
    if (at.dir.empty() || at.guest.empty()) {
        std::cerr << "daxfail oracle: the oracle's guest is not installed next to this program\n";
        return exit_bad_input;
    }
    if (!oracle_tools_present("daxfail oracle")) return exit_bad_input;
    std::error_code ec;
    std::filesystem::create_directories(q.cache, ec);
    sigint_scope sigint;
    progress bar("oracle", "runs", q.progress);
    std::size_t done = 0;
    const auto hooks = race_hooks_on(bar, done, races.size() * q.runs);
    std::vector<explore::result> results;
    bool disagree = false;
    for (auto k : oracle::kernels_named(q.kernel_arg)) {
        if (interrupted) break;
        std::string error;
        if (!oracle::fetch_kernel(k, at.dir, q.cache, error)) {
            std::cerr << "daxfail oracle: " << error << "\n";
            return exit_bad_input;
        }
        for (const auto& s : races) {
            if (interrupted) break;
            auto r = explore::explore(k.cfg, k.preset, s, explore::options{});
            std::string why;
            if (r.any_violated() && !oracle::confirm_result(r, s, k, q.runs, at, why, hooks))
                std::cerr << "daxfail oracle: " << s.name << " on " << k.label << ": not expressible: " << why << "\n";
            for (const auto& inv : r.invariants)
                for (const auto& c : inv.confirmations)
                    disagree = disagree || (inv.verdict == "violated") != (c.reproduced > 0);
            results.push_back(std::move(r));
        }
    }
    bar.finish();
    const bool partial = interrupted != 0;
    if (q.format == "json") {
        auto j = explore::to_json(results, explore::options{}, true);
        if (partial) j["partial"] = "interrupted";
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << (partial ? "partial: interrupted\n" : "")
                  << (q.format == "md" ? explore::to_markdown(results) : explore::to_table(results));
    }
    if (partial) return exit_interrupted;
    return q.fail_on_disagreement && disagree ? exit_invariant : exit_ok;
}

}  // namespace detail
}  // namespace daxfail::cli

#endif
