// `daxfail oracle`: boot Debian's kernels under qemu, run each scenario a real
// machine can express and compare every observable with the model. The guest's
// scripts and program are found next to the running program when it is
// installed (<prefix>/share/daxfail/oracle, <prefix>/libexec/daxfail/oracle-guest,
// through /proc/self/exe), else where the build of the daxfail command says
// (DAXFAIL_ORACLE_DIR, DAXFAIL_ORACLE_GUEST: the source and build trees).
#ifndef DAXFAIL_CLI_ORACLE_HPP
#define DAXFAIL_CLI_ORACLE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/confirm.hpp>
#include <daxfail/detail/wrap.hpp>
#include <daxfail/oracle/kernel_preset.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/oracle/report.hpp>
#include <daxfail/scenarios.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace daxfail::cli {

inline detail::command oracle_command() {
    using detail::completes;
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
            oracle_files_text() + ".",
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
                    {.name = "--cache",
                     .arg = takes::one,
                     .metavar = "DIR",
                     .help = "where kernel packages, plans, reports and consoles are kept.",
                     .default_text = "/var/tmp/daxfail-oracle",
                     .completion = completes::dirs},
                    {.name = "--part",
                     .arg = takes::one,
                     .metavar = "K/N",
                     .help = "run only part K of N of the expressible scenarios: the unbinds (a boot each) dealt in "
                             "turn into N parts in catalog (or command-line) order, then the other plans from where "
                             "they stopped (CI rotates the parts over its runs)."},
                    {.name = "--runs",
                     .arg = takes::one,
                     .metavar = "N",
                     .help = "runs of each race, for concurrent scenario files (1 to 1000): the preset's "
                             "counterexamples, each run a boot with two vCPUs, swept steps at a different delay each.",
                     .default_text = std::to_string(default_race_runs),
                     .check = [](const std::string& v) -> std::string {
                         unsigned long n = 0;
                         return detail::whole_number(v, 1, 1000, n) ? "" : "is not a whole number from 1 to 1000";
                     }},
                    {.name = "--dry-run",
                     .help = "print each scenario's plan, or why a real machine cannot express it, and the estimated "
                             "time, without booting (needs none of the tools)."},
                    progress_option()}};
}

namespace detail_oracle {
/// `daxfail oracle` on concurrent scenarios: each explored under each kernel's preset, each counterexample raced on
/// the kernel; printed as `daxfail explore` prints, with the kernel's rates. --dry-run prints the race plans.
inline int run_races(const std::vector<scenario>& races, const std::string& kernel_arg, std::size_t runs,
                     const std::string& cache, const std::string& format, bool dry_run, bool progress,
                     bool fail_on_disagreement) {
    explore::options o;
    for (const auto& s : races)
        if (auto errors = explore::validate_actors(s); !errors.empty()) {
            for (const auto& e : errors) std::cerr << s.name << ": " << e.to_string() << "\n";
            return exit_bad_input;
        }
    if (dry_run) {
        for (auto k : kernels_named(kernel_arg)) {
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
                const auto r = explore::explore(k.cfg, k.preset, s, o);
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
        return exit_ok;
    }
    const std::string dir = oracle_dir(), guest = oracle_guest();
    if (dir.empty() || guest.empty()) {
        std::cerr << "daxfail oracle: the oracle's guest is not installed next to this program\n";
        return exit_bad_input;
    }
    if (!oracle_tools_present("daxfail oracle")) return exit_bad_input;
    std::error_code ec;
    std::filesystem::create_directories(cache, ec);
    detail::sigint_scope sigint;
    detail::progress bar("oracle", "runs", progress);
    std::size_t done = 0;
    std::vector<explore::result> results;
    bool disagree = false;
    for (auto k : kernels_named(kernel_arg)) {
        if (detail::interrupted) break;
        std::string error;
        if (!fetch_kernel(k, dir, cache, error)) {
            std::cerr << "daxfail oracle: " << error << "\n";
            return exit_bad_input;
        }
        for (const auto& s : races) {
            if (detail::interrupted) break;
            auto r = explore::explore(k.cfg, k.preset, s, o);
            std::string why;
            if (r.any_violated() && !confirm_result(r, s, k, runs, dir, guest, cache, why, &bar, &done, races.size() * runs))
                std::cerr << "daxfail oracle: " << s.name << " on " << k.label << ": not expressible: " << why << "\n";
            for (const auto& inv : r.invariants)
                for (const auto& c : inv.confirmations)
                    disagree = disagree || (inv.verdict == "violated") != (c.reproduced > 0);
            results.push_back(std::move(r));
        }
    }
    bar.finish();
    const bool partial = detail::interrupted != 0;
    if (format == "json") {
        auto j = explore::to_json(results, o, true);
        if (partial) j["partial"] = "interrupted";
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << (partial ? "partial: interrupted\n" : "") << (format == "md" ? explore::to_markdown(results) : explore::to_table(results));
    }
    if (partial) return detail::exit_interrupted;
    return fail_on_disagreement && disagree ? exit_invariant : exit_ok;
}
}  // namespace detail_oracle

inline int cmd_oracle(const std::vector<std::string>& args) {
    detail::sigint_scope sigint;  // from the start: a SIGINT while getting ready still ends with the partial report
    int status = exit_ok;
    const auto p = parse_or_exit(oracle_command(), args, status);
    if (!p) return status;
    const std::string kernel_arg = p->value("--kernel", "all"), format = p->value("--format", "table"),
                      cache = p->value("--cache", "/var/tmp/daxfail-oracle");
    std::vector<scenario> scens;
    if (!p->has("--scenario")) scens = scenarios::catalog();
    else if (!load_all(expand_paths(p->values("--scenario")), scens, std::cerr)) return exit_bad_input;
    // Concurrent scenarios (with actors) are races: their counterexamples under each kernel's preset, tried N times.
    std::vector<scenario> races;
    for (auto it = scens.begin(); it != scens.end();)
        if (!it->actors.empty()) {
            races.push_back(std::move(*it));
            it = scens.erase(it);
        } else {
            ++it;
        }
    if (!races.empty()) {
        const std::size_t runs = p->has("--runs") ? std::stoul(p->value("--runs")) : default_race_runs;
        if (const int st = detail_oracle::run_races(races, kernel_arg, runs, cache, format, p->has("--dry-run"),
                                                    p->has("--progress"), p->has("--fail-on-disagreement"));
            st != exit_ok || scens.empty())
            return st;
    }

    // --part K/N: every Nth expressible scenario from the Kth.
    std::size_t part_k = 1, part_n = 1;
    if (p->has("--part")) {
        const std::string v = p->value("--part", "");
        unsigned k = 0, n = 0;
        char rest = 0;
        if (std::sscanf(v.c_str(), "%u/%u%c", &k, &n, &rest) != 2 || k < 1 || k > n) {
            std::cerr << "daxfail oracle: --part: '" << v << "' is not K/N with 1 <= K <= N\n";
            return exit_bad_input;
        }
        part_k = k;
        part_n = n;
    }

    std::vector<kernel_spec> kernels = kernels_named(kernel_arg);
    const std::string dir = oracle_dir(), guest = oracle_guest();

    oracle::agreement result;
    struct planned {
        std::string name;
        nlohmann::json plan;
        std::string text;  ///< the plan as written for the guest (keys in plan order)
        std::string file;  ///< per kernel, in the cache
    };
    std::vector<planned> expressible;  // the same plans for every kernel
    // --part: the unbinds (a boot each) are dealt round-robin in catalog order, then the other plans (which share
    // one boot) from where the unbinds stopped, so that the parts take about as many boots.
    std::size_t expressible_seen = 0, unbinds_seen = 0;
    std::vector<std::pair<std::size_t, planned>> others;  // (index among them, plan)
    for (const auto& s : scens) {
        std::string why;
        if (const auto plan = oracle::plan_from_scenario(s, why)) {
            ++expressible_seen;
            planned t{s.name, nlohmann::json::parse(plan->dump()), plan->dump(1), ""};
            if (t.plan["event"]["kind"] == "unbind") {
                if (unbinds_seen++ % part_n == part_k - 1) expressible.push_back(std::move(t));
            } else {
                others.emplace_back(others.size(), std::move(t));
            }
        } else {
            result.skipped.push_back({s.name, why});
        }
    }
    for (auto& [i, t] : others)
        if ((unbinds_seen + i) % part_n == part_k - 1) expressible.push_back(std::move(t));
    // Back to catalog (or command-line) order.
    auto order = [&](const std::string& name) {
        std::size_t i = 0;
        while (i < scens.size() && scens[i].name != name) ++i;
        return i;
    };
    std::stable_sort(expressible.begin(), expressible.end(),
                     [&](const planned& a, const planned& b) { return order(a.name) < order(b.name); });
    const std::string part_text = part_n == 1 ? std::string()
                                              : "part " + std::to_string(part_k) + " of " + std::to_string(part_n) + ": " +
                                                    std::to_string(expressible.size()) + " of the " +
                                                    std::to_string(expressible_seen) + " expressible scenarios";
    // Boots per kernel: memory failures and the first unbind share one; every further unbind needs its own.
    std::size_t unbinds = 0;
    for (const auto& t : expressible) unbinds += t.plan["event"]["kind"] == "unbind";
    const std::size_t boots_per_kernel = expressible.empty() ? 0 : std::max<std::size_t>(1, unbinds);
    // Measured here (2 cores, TCG): about 8 s per boot and 4 s per plan, both boots side by side.
    const double estimate = (8.0 * static_cast<double>(boots_per_kernel) + 4.0 * static_cast<double>(expressible.size())) *
                            static_cast<double>(kernels.size());
    if (p->has("--dry-run")) {
        for (const auto& t : expressible) {
            std::cout << t.name << ": plan " << t.plan.dump() << "\n";
            for (const auto& line : t.plan.value("scaled", nlohmann::json::array()))
                std::cout << "  scaled: " << line.get<std::string>() << "\n";
        }
        for (const auto& [name, why] : result.skipped) std::cout << name << ": not expressible: " << why << "\n";
        if (!part_text.empty()) std::cout << part_text << "\n";
        std::cout << expressible_seen << " of " << scens.size() << " scenarios expressible; " << kernels.size()
                  << " kernel(s) x " << boots_per_kernel << " boot(s); estimated " << std::lround(estimate)
                  << " s, plus the kernel download on a first run\n";
        return exit_ok;
    }
    if (dir.empty() || guest.empty()) {
        std::cerr << "daxfail oracle: the oracle's guest is not installed next to this program (" DAXFAIL_DATA_FROM_BIN
                     "/oracle and " DAXFAIL_LIBEXEC_FROM_BIN "/oracle-guest) and the program was built without "
                     "DAXFAIL_ORACLE_DIR and DAXFAIL_ORACLE_GUEST (as daxfail's examples/daxfail/CMakeLists.txt defines "
                     "them); --dry-run works without it\n";
        return exit_bad_input;
    }
    {
        std::error_code ec;
        std::filesystem::create_directories(cache, ec);
        if (ec || !std::filesystem::is_directory(cache, ec)) {
            std::cerr << "daxfail oracle: --cache: cannot create directory '" << cache << "'"
                      << (ec ? " (" + ec.message() + ")" : std::string()) << "\n";
            return exit_bad_input;
        }
    }
    if (!oracle_tools_present("daxfail oracle")) return exit_bad_input;
    detail::progress bar("oracle", "plans", p->has("--progress"));
    const std::size_t total = expressible.size() * kernels.size();
    std::size_t plans_done = 0;
    for (auto k : kernels) {
        if (detail::interrupted) break;
        std::string fetch_error;
        const bool fetched = fetch_kernel(k, dir, cache, fetch_error);
        if (detail::interrupted) break;
        if (!fetched) {
            std::cerr << "daxfail oracle: " << fetch_error << "\n";
            return exit_bad_input;
        }
        const std::string package = k.package(), kdir = k.kdir, release = k.release, preset_note = k.preset_note;
        // A plan that needs a newer mkfs.xfs than Debian 12's (realtime groups) runs where the guest has one: with
        // a kernel of a newer suite, whose xfsprogs fetch_kernel.sh brought.
        std::vector<planned> todo;
        for (const auto& t : expressible) {
            if (!t.plan.contains("mkfs") || !k.suite.empty()) todo.push_back(t);
            else
                result.skipped.push_back({t.name, "on " + k.label + ": needs a newer mkfs.xfs than Debian 12's (realtime "
                                                  "groups: xfsprogs 6.14), which the guest has only with the sid kernel"});
        }
        for (auto& t : todo) {
            t.file = cache + "/" + k.label + "-" + t.name + ".plan.json";
            std::ofstream(t.file) << t.text;
        }
        // Memory failures first: they leave the kernel reusable; an unbind ends its boot (see guest.cpp).
        std::stable_partition(todo.begin(), todo.end(), [](const planned& t) { return t.plan["event"]["kind"] != "unbind"; });
        // One boot runs the remaining plans in turn; two boots run side by side, and a difference between them
        // is nondeterminism. A plan that leaves the kernel unusable ends a boot: boot again for the rest.
        std::string uname_r = "(not booted)";
        double boot_seconds = 0;
        int boots = 0;
        while (!todo.empty() && !detail::interrupted) {
            const std::string batch = cache + "/" + k.label + "-boot" + std::to_string(++boots);
            // Both boots side by side, each in a process group of its own; SIGINT ends both groups.
            pid_t pids[2] = {-1, -1};
            for (int n = 1; n <= 2; ++n) {
                const std::string n_s = std::to_string(n);
                std::vector<std::string> argv{dir + "/boot.sh", kdir, release, guest, batch + ".reports" + n_s + ".jsonl",
                                              batch + ".console" + n_s + ".txt"};
                for (const auto& t : todo) argv.push_back(t.file);
                pids[n - 1] = detail::start_group(argv, batch + ".boot" + n_s + ".log");
            }
            const auto start = std::chrono::steady_clock::now();
            for (int running = 2; running > 0;) {
                running = 0;
                for (auto& pid : pids)
                    if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) ++running;
                    else pid = -1;
                if (detail::interrupted) {
                    for (auto pid : pids)
                        if (pid > 0) detail::end_group(pid);
                    break;
                }
                // The estimate of what is left, corrected by the time this boot has taken so far.
                bar.update(plans_done, total, std::max(0.0, estimate - bar.elapsed()),
                           ", " + k.label + " boot " + std::to_string(boots) + " of about " + std::to_string(boots_per_kernel));
                if (running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            boot_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (detail::interrupted) break;
            auto reports = [&](int n) {
                std::map<std::string, nlohmann::json> by_name;
                std::ifstream in(batch + ".reports" + std::to_string(n) + ".jsonl");
                for (std::string line; std::getline(in, line);) {
                    try {
                        auto r = nlohmann::json::parse(line);
                        const std::string name = r.value("name", std::string());
                        by_name.emplace(name, std::move(r));
                    } catch (const std::exception&) {  // a line cut short by a dying guest: no report
                    }
                }
                return by_name;
            };
            const auto reports1 = reports(1), reports2 = reports(2);
            std::size_t done = 0;
            for (; done < todo.size(); ++done) {
                const auto& t = todo[done];
                const auto r1 = reports1.find(t.name), r2 = reports2.find(t.name);
                if (r1 == reports1.end() || r2 == reports2.end()) break;
                uname_r = r1->second.value("uname_r", std::string("(unknown)"));
                std::ofstream(cache + "/" + k.label + "-" + t.name + ".report1.json") << r1->second.dump();
                std::ofstream(cache + "/" + k.label + "-" + t.name + ".report2.json") << r2->second.dump();
                try {
                    auto v = oracle::judge(t.name, k.label, k.preset, k.cfg, t.plan, r1->second, r2->second);
                    v.seconds = (r1->second.value("seconds", 0.0) + r2->second.value("seconds", 0.0)) / 2;
                    result.results.push_back(v);
                } catch (const std::exception& e) {
                    oracle::verdict v(t.name, k.label, k.preset);
                    v.boot_error = std::string("unreadable guest report (") + e.what() + ")";
                    result.results.push_back(v);
                }
            }
            if (done == 0) {  // the first plan itself got no report from one of the boots
                oracle::verdict v(todo[0].name, k.label, k.preset);
                v.boot_error = "no report from the guest; see " + batch + ".console1.txt, .console2.txt and .boot1.log";
                result.results.push_back(v);
                done = 1;
            }
            todo.erase(todo.begin(), todo.begin() + static_cast<std::ptrdiff_t>(done));
            plans_done += done;
        }
        result.kernels.push_back({k.label, uname_r, package, boots, boot_seconds, k.preset, preset_note});
    }
    bar.finish();
    // The table in catalog (or command-line) order, kernel by kernel.
    auto rank = [&](const oracle::verdict& v) {
        std::size_t k = 0, i = 0;
        while (k < kernels.size() && kernels[k].label != v.kernel) ++k;
        while (i < scens.size() && scens[i].name != v.scenario) ++i;
        return std::pair{k, i};
    };
    std::stable_sort(result.results.begin(), result.results.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    const bool partial = detail::interrupted != 0;
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
        std::cout << (format == "md" || p->has("--wide") ? text : daxfail::detail::wrap_lines(text, 120));
    }
    if (partial) return detail::exit_interrupted;
    // Nothing compared is not agreement.
    const bool all_agree = !result.results.empty() && result.all_agree();
    return p->has("--fail-on-disagreement") && !all_agree ? exit_invariant : exit_ok;
}

}  // namespace daxfail::cli

#endif
