// `daxfail oracle`: boot Debian's kernels under qemu, run each scenario a real
// machine can express and compare every observable with the model
// (oracle/run.hpp; races: cli/races.hpp). The guest's scripts and program are
// found next to the running program when it is installed, else where the build
// of the daxfail command says (oracle/boot.hpp).
#ifndef DAXFAIL_CLI_ORACLE_HPP
#define DAXFAIL_CLI_ORACLE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/races.hpp>
#include <daxfail/detail/wrap.hpp>
#include <daxfail/oracle/boot.hpp>
#include <daxfail/oracle/report.hpp>
#include <daxfail/oracle/run.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command oracle_command() {
    using detail::takes;
    return {
        .name = "oracle",
        .summary = "run scenarios on real Debian kernels under qemu and compare them with the model",
        .description =
            "Boots Debian 12's kernels (linux-image-amd64: 6.1, preset debian_6_1; linux-image-6.12-amd64: 6.12, preset "
            "debian_6_12) and the newest kernel of Debian's unstable suite (sid: linux-image-amd64 of sid, judged by the "
            "preset of its mainline version or the nearest older one) under qemu with emulated pmem, builds each "
            "scenario that a real machine can express, runs it twice, and compares every observable with the model run "
            "on the layout the guest reports. Kernel packages are downloaded with apt-get into the cache (sid's through "
            "an apt configuration of the oracle's own in <cache>/apt-sid, never the system's sources), where each "
            "scenario's plan, guest reports, serial console and boot log stay. Ctrl-C stops the boots (their qemu too) "
            "and prints the scenarios compared so far.\n\n"
            "Needs: root (the guest runs as init in qemu; building its initramfs reads the kernel package), "
            "qemu-system-x86_64 (qemu-system-x86), busybox (busybox-static), mkfs.xfs (xfsprogs), cpio, xz (xz-utils), "
            "dpkg-deb and apt-get; about 700 MiB of disk in the cache for the 6.1 and 6.12 kernel packages and 500 MiB "
            "for sid's; about 0.5 GiB of memory "
            "per boot (two boots run side by side). The guest's scripts and program: " +
            oracle::oracle_files_text() + ".",
        .options = {{.name = "--kernel",
                     .arg = takes::one,
                     .help = "the kernels to boot.",
                     .default_text = "all",
                     .choices = {"6.1", "6.12", "sid", "all"}},
                    scenario_option("the built-in catalog"),
                    format_option({"table", "md", "json"}, "table, Markdown or JSON."),
                    wide_option(),
                    {.name = "--fail-on-disagreement",
                     .help = "exit with status 1 when the model and a kernel disagree, a boot fails, two boots differ, "
                             "or nothing could be compared."},
                    cache_option("where kernel packages, plans, reports and consoles are kept."),
                    {.name = "--part",
                     .arg = takes::one,
                     .metavar = "K/N",
                     .help = "run only part K of N of the expressible scenarios: the unbinds (a boot each) dealt in "
                             "turn into N parts in catalog (or command-line) order, then the other plans from where "
                             "they stopped (CI rotates the parts over its runs)."},
                    race_runs_option("--runs",
                                     "runs of each race, for concurrent scenario files (1 to 1000): the preset's "
                                     "counterexamples, each run a boot with two vCPUs, swept steps at a different "
                                     "delay each."),
                    {.name = "--dry-run",
                     .help = "print each scenario's plan, or why a real machine cannot express it, and the estimated "
                             "time, without booting (needs none of the tools)."},
                    progress_option()}};
}

namespace detail {

/// The scenarios of --scenario (else the catalog), without those with actors, which go into `races`.
inline std::optional<std::vector<scenario>> oracle_scenarios(const parsed& p, std::vector<scenario>& races) {
    std::vector<scenario> scens;
    if (!p.has("--scenario")) scens = scenarios::catalog();
    else if (!load_all(expand_paths(p.values("--scenario")), scens, std::cerr)) return std::nullopt;
    // Concurrent scenarios (with actors) are races: their counterexamples under each kernel's preset, tried N times.
    for (auto it = scens.begin(); it != scens.end();)
        if (!it->actors.empty()) {
            races.push_back(std::move(*it));
            it = scens.erase(it);
        } else {
            ++it;
        }
    return scens;
}

/// --part K/N (1/1 when not given); nullopt, said on stderr, when it is not K/N.
inline std::optional<oracle::part> oracle_part(const parsed& p) {
    if (!p.has("--part")) return oracle::part{};
    const std::string v = p.value("--part", "");
    unsigned k = 0, n = 0;
    char rest = 0;
    if (std::sscanf(v.c_str(), "%u/%u%c", &k, &n, &rest) != 2 || k < 1 || k > n) {
        std::cerr << "daxfail oracle: --part: '" << v << "' is not K/N with 1 <= K <= N\n";
        return std::nullopt;
    }
    return oracle::part{k, n};
}

/// --dry-run: each plan, what is not expressible and the estimated time.
inline void print_oracle_plans(const oracle::run_plan& plan, std::size_t scenarios, std::size_t kernels) {
    for (const auto& t : plan.plans) {
        std::cout << t.name << ": plan " << t.plan.dump() << "\n";
        for (const auto& line : t.plan.value("scaled", nlohmann::json::array()))
            std::cout << "  scaled: " << line.get<std::string>() << "\n";
    }
    for (const auto& [name, why] : plan.skipped) std::cout << name << ": not expressible: " << why << "\n";
    if (!plan.part_text.empty()) std::cout << plan.part_text << "\n";
    std::cout << plan.expressible << " of " << scenarios << " scenarios expressible; " << kernels << " kernel(s) x "
              << plan.boots_per_kernel << " boot(s); estimated " << std::lround(plan.estimated_seconds(kernels))
              << " s, plus the kernel download on a first run\n";
}

/// Whether the guest is installed and the cache and the tools are there; says on stderr what is not.
inline bool oracle_ready(const oracle::boot_paths& at) {
    if (at.dir.empty() || at.guest.empty()) {
        std::cerr << "daxfail oracle: the oracle's guest is not installed next to this program (" DAXFAIL_DATA_FROM_BIN
                     "/oracle and " DAXFAIL_LIBEXEC_FROM_BIN "/oracle-guest) and the program was built without "
                     "DAXFAIL_ORACLE_DIR and DAXFAIL_ORACLE_GUEST (as daxfail's examples/daxfail/CMakeLists.txt defines "
                     "them); --dry-run works without it\n";
        return false;
    }
    std::error_code ec;
    std::filesystem::create_directories(at.cache, ec);
    if (ec || !std::filesystem::is_directory(at.cache, ec)) {
        std::cerr << "daxfail oracle: --cache: cannot create directory '" << at.cache << "'"
                  << (ec ? " (" + ec.message() + ")" : std::string()) << "\n";
        return false;
    }
    return oracle_tools_present("daxfail oracle");
}

/// Boots every kernel in turn for the plans; false (said on stderr) when a kernel cannot be fetched. `plans_done`
/// counts the plans judged, for the partial mark.
inline bool run_oracle(std::vector<oracle::kernel_spec>& kernels, const oracle::run_plan& plan, const oracle::boot_paths& at,
                       bool progress_forced, oracle::agreement& result, std::size_t& plans_done) {
    progress bar("oracle", "plans", progress_forced);
    const std::size_t total = plan.plans.size() * kernels.size();
    const double estimate = plan.estimated_seconds(kernels.size());
    for (auto k : kernels) {
        if (interrupted) break;
        std::string fetch_error;
        const bool fetched = oracle::fetch_kernel(k, at.dir, at.cache, fetch_error);
        if (interrupted) break;
        if (!fetched) {
            std::cerr << "daxfail oracle: " << fetch_error << "\n";
            return false;
        }
        oracle::run_hooks hooks;
        hooks.stop = [] { return interrupted != 0; };
        // The estimate of what is left, corrected by the time this boot has taken so far.
        hooks.waiting = [&, before = plans_done](std::size_t done, int boot) {
            bar.update(before + done, total, std::max(0.0, estimate - bar.elapsed()),
                       ", " + k.label + " boot " + std::to_string(boot) + " of about " +
                           std::to_string(plan.boots_per_kernel));
        };
        plans_done += oracle::run_on_kernel(k, plan.plans, at, result, hooks);
    }
    bar.finish();
    return true;
}

/// The agreement table in the format asked for, marked when interrupted; the exit status.
inline int print_agreement(const parsed& p, const oracle::agreement& result, const std::string& part_text,
                           std::size_t plans_done, std::size_t total) {
    const std::string format = p.value("--format", "table");
    const bool partial = interrupted != 0;
    const std::string mark = "partial: interrupted after " + std::to_string(plans_done) + " of " + std::to_string(total) +
                             " plans; the scenarios compared until then are shown";
    if (format == "json") {
        auto j = oracle::to_json(result);
        if (!part_text.empty()) j["part"] = part_text;
        if (partial) j["partial"] = mark;
        std::cout << j.dump(2) << "\n";
    } else {
        const std::string text = (partial ? mark + "\n" : "") + (part_text.empty() ? "" : part_text + "\n") +
                                 oracle::to_text(result, {format == "md", false});
        std::cout << (format == "md" || p.has("--wide") ? text : daxfail::detail::wrap_lines(text, 120));
    }
    if (partial) return exit_interrupted;
    // Nothing compared is not agreement.
    const bool all_agree = !result.results.empty() && result.all_agree();
    return p.has("--fail-on-disagreement") && !all_agree ? exit_invariant : exit_ok;
}

}  // namespace detail

inline int cmd_oracle(const std::vector<std::string>& args, const std::vector<variant_spec>& = {}) {
    detail::sigint_scope sigint;  // from the start: a SIGINT while getting ready still ends with the partial report
    int status = exit_ok;
    const auto p = parse_or_exit(oracle_command(), args, status);
    if (!p) return status;
    const std::string kernel_arg = p->value("--kernel", "all"), cache = p->value("--cache", "/var/tmp/daxfail-oracle");
    std::vector<scenario> races;
    const auto scens = detail::oracle_scenarios(*p, races);
    if (!scens) return exit_bad_input;
    if (!races.empty()) {
        detail::race_request q{kernel_arg, cache, p->value("--format", "table")};
        if (p->has("--runs")) q.runs = std::stoul(p->value("--runs"));
        q.dry_run = p->has("--dry-run");
        q.progress = p->has("--progress");
        q.fail_on_disagreement = p->has("--fail-on-disagreement");
        if (const int st = detail::run_races(races, q); st != exit_ok || scens->empty()) return st;
    }
    const auto part = detail::oracle_part(*p);
    if (!part) return exit_bad_input;
    std::vector<oracle::kernel_spec> kernels = oracle::kernels_named(kernel_arg);
    const oracle::boot_paths at{oracle::oracle_dir(), oracle::oracle_guest(), cache};
    const oracle::run_plan plan = oracle::plan_run(*scens, *part);
    if (p->has("--dry-run")) {
        detail::print_oracle_plans(plan, scens->size(), kernels.size());
        return exit_ok;
    }
    if (!detail::oracle_ready(at)) return exit_bad_input;
    oracle::agreement result;
    result.skipped = plan.skipped;
    std::size_t plans_done = 0;
    if (!detail::run_oracle(kernels, plan, at, p->has("--progress"), result, plans_done)) return exit_bad_input;
    oracle::sort_verdicts(result, kernels, *scens);
    return detail::print_agreement(*p, result, plan.part_text, plans_done, plan.plans.size() * kernels.size());
}

}  // namespace daxfail::cli

#endif
