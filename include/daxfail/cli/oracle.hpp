// `daxfail oracle`: boot Debian's kernels under qemu, run each scenario a real
// machine can express and compare every observable with the model. The guest's
// sources are found through DAXFAIL_ORACLE_DIR and DAXFAIL_ORACLE_GUEST, which
// the build of the daxfail command defines.
#ifndef DAXFAIL_CLI_ORACLE_HPP
#define DAXFAIL_CLI_ORACLE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/oracle/report.hpp>
#include <daxfail/scenarios.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

// A program of the user's built on cli::main knows no guest unless its build defines these.
#ifndef DAXFAIL_ORACLE_DIR
#define DAXFAIL_ORACLE_DIR ""
#endif
#ifndef DAXFAIL_ORACLE_GUEST
#define DAXFAIL_ORACLE_GUEST ""
#endif

namespace daxfail::cli {

inline const char* const usage_oracle =
    "usage: daxfail oracle [--kernel 6.1|6.12|all] [--scenario FILE|DIR...] [--format table|md|json]\n"
    "                      [--fail-on-disagreement] [--cache DIR] [--dry-run]\n"
    "\n"
    "Boots Debian 12's kernels (linux-image-amd64: 6.1, preset debian_6_1; linux-image-6.12-amd64: 6.12,\n"
    "preset debian_6_12) under qemu with emulated pmem, builds each scenario that a real machine can express\n"
    "(default: the built-in catalog), runs it twice, and compares every observable with the model run on the\n"
    "layout the guest reports. Needs qemu-system-x86, busybox-static, xfsprogs, cpio and xz-utils; kernel\n"
    "packages are downloaded with apt-get into the cache (default /var/tmp/daxfail-oracle), where each\n"
    "scenario's plan, guest reports and serial console stay.\n"
    "  --fail-on-disagreement  exit with status 1 when the model and a kernel disagree, a boot fails,\n"
    "                          two boots differ, or nothing could be compared.\n"
    "  --dry-run  print each scenario's plan, or why a real machine cannot express it, and the estimated\n"
    "             time, without booting (needs none of the tools below).\n"
    "Needs: root (the guest runs as init in qemu; building its initramfs reads the kernel package),\n"
    "qemu-system-x86_64, busybox (busybox-static), mkfs.xfs (xfsprogs), cpio, xz, dpkg-deb and apt-get; about\n"
    "700 MiB of disk in the cache for both kernel packages; about 0.5 GiB of memory per boot (two boots run\n"
    "side by side). Progress goes to stderr.\n";

/// Runs a shell command, returning its standard output; nullopt when it fails.
inline std::optional<std::string> shell(const std::string& cmd) {
    std::FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
}

inline int cmd_oracle(const std::vector<std::string>& args) {
    std::string kernel_arg = "all", format = "table", cache = "/var/tmp/daxfail-oracle";
    std::vector<std::string> scenario_paths;
    bool fail_on_disagreement = false, dry_run = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (is_help(a)) {
            std::cout << usage_oracle;
            return exit_ok;
        } else if (a == "--dry-run") {
            dry_run = true;
        } else if ((a == "--kernel" || a == "--format" || a == "--cache") && i + 1 < args.size()) {
            (a == "--kernel" ? kernel_arg : a == "--format" ? format : cache) = args[++i];
        } else if (a == "--scenario") {
            while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) scenario_paths.push_back(args[++i]);
        } else if (a == "--fail-on-disagreement") {
            fail_on_disagreement = true;
        } else {
            std::cerr << "daxfail oracle: unknown argument '" << a << "'\n" << usage_oracle;
            return exit_bad_input;
        }
    }
    if (kernel_arg != "6.1" && kernel_arg != "6.12" && kernel_arg != "all") {
        std::cerr << "daxfail oracle: --kernel must be 6.1, 6.12 or all\n";
        return exit_bad_input;
    }
    if (format != "table" && format != "md" && format != "json") {
        std::cerr << "daxfail oracle: --format must be table, md or json\n";
        return exit_bad_input;
    }
    std::vector<scenario> scens;
    if (scenario_paths.empty()) scens = scenarios::catalog();
    else if (!load_all(expand_paths(scenario_paths), scens, std::cerr)) return exit_bad_input;

    struct kernel_spec {
        std::string label, metapackage, preset;
        config cfg;
    };
    std::vector<kernel_spec> kernels;
    if (kernel_arg != "6.12") kernels.push_back({"6.1", "linux-image-amd64", "debian_6_1", presets::debian_6_1::config});
    if (kernel_arg != "6.1") kernels.push_back({"6.12", "linux-image-6.12-amd64", "debian_6_12", presets::debian_6_12::config});
    const std::string dir = DAXFAIL_ORACLE_DIR;

    oracle::agreement result;
    struct planned {
        std::string name;
        nlohmann::json plan;
        std::string text;  ///< the plan as written for the guest (keys in plan order)
        std::string file;  ///< per kernel, in the cache
    };
    std::vector<planned> expressible;  // the same plans for every kernel
    const auto oracle_start = std::chrono::steady_clock::now();
    for (const auto& s : scens) {
        std::string why;
        if (const auto plan = oracle::plan_from_scenario(s, why))
            expressible.push_back({s.name, nlohmann::json::parse(plan->dump()), plan->dump(1), ""});
        else
            result.skipped.push_back({s.name, why});
    }
    // Boots per kernel: memory failures and the first unbind share one; every further unbind needs its own.
    std::size_t unbinds = 0;
    for (const auto& t : expressible) unbinds += t.plan["event"]["kind"] == "unbind";
    const std::size_t boots_per_kernel = expressible.empty() ? 0 : std::max<std::size_t>(1, unbinds);
    // Measured here (2 cores, TCG): about 8 s per boot and 4 s per plan, both boots side by side.
    const double estimate_per_kernel = 8.0 * static_cast<double>(boots_per_kernel) + 4.0 * static_cast<double>(expressible.size());
    if (dry_run) {
        for (const auto& t : expressible) std::cout << t.name << ": plan " << t.plan.dump() << "\n";
        for (const auto& [name, why] : result.skipped) std::cout << name << ": not expressible: " << why << "\n";
        std::cout << expressible.size() << " of " << scens.size() << " scenarios expressible; " << kernels.size()
                  << " kernel(s) x " << boots_per_kernel << " boot(s); estimated "
                  << static_cast<long>(estimate_per_kernel * static_cast<double>(kernels.size()) + 0.5)
                  << " s, plus the kernel download on a first run\n";
        return exit_ok;
    }
    if (dir.empty() || std::string(DAXFAIL_ORACLE_GUEST).empty()) {
        std::cerr << "daxfail oracle: this program was built without the oracle's guest (define DAXFAIL_ORACLE_DIR "
                     "and DAXFAIL_ORACLE_GUEST as daxfail's examples/CMakeLists.txt does); --dry-run works without it\n";
        return exit_bad_input;
    }
    std::filesystem::create_directories(cache);
    for (const char* tool : {"qemu-system-x86_64", "busybox", "mkfs.xfs", "cpio", "xz", "dpkg-deb", "apt-get"})
        if (!shell(std::string("command -v ") + tool + " >/dev/null")) {
            std::cerr << "daxfail oracle: " << tool
                      << " is missing; install qemu-system-x86 busybox-static xfsprogs cpio xz-utils (apt-get install)\n";
            return exit_bad_input;
        }
    for (const auto& k : kernels) {
        const auto fetched = shell(quote(dir + "/fetch_kernel.sh") + " " + k.metapackage + " " + quote(cache));
        if (!fetched) {
            std::cerr << "daxfail oracle: could not fetch " << k.metapackage << " (apt-get update? network?)\n";
            return exit_bad_input;
        }
        std::istringstream words(*fetched);
        std::string kdir, release;
        words >> kdir >> release;
        std::vector<planned> todo = expressible;
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
        while (!todo.empty()) {
            const std::string batch = cache + "/" + k.label + "-boot" + std::to_string(++boots);
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - oracle_start).count();
            std::cerr << "daxfail oracle: " << k.label << ": boot " << boots << " of about " << boots_per_kernel << ", "
                      << expressible.size() - todo.size() << " of " << expressible.size() << " plans done, "
                      << static_cast<long>(elapsed) << " s elapsed, about "
                      << static_cast<long>(std::max(0.0, estimate_per_kernel * static_cast<double>(kernels.size()) - elapsed))
                      << " s left\n";
            std::string plans;
            for (const auto& t : todo) plans += " " + quote(t.file);
            auto boot = [&](int n) {
                const std::string n_s = std::to_string(n);
                shell(quote(dir + "/boot.sh") + " " + quote(kdir) + " " + quote(release) + " " + quote(DAXFAIL_ORACLE_GUEST) +
                      " " + quote(batch + ".reports" + n_s + ".jsonl") + " " + quote(batch + ".console" + n_s + ".txt") +
                      plans + " 2>&1");
                std::map<std::string, nlohmann::json> by_name;
                std::ifstream in(batch + ".reports" + n_s + ".jsonl");
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
            const auto start = std::chrono::steady_clock::now();
            auto second = std::async(std::launch::async, boot, 2);
            const auto reports1 = boot(1), reports2 = second.get();
            boot_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::size_t done = 0;
            for (; done < todo.size(); ++done) {
                const auto& t = todo[done];
                const auto r1 = reports1.find(t.name), r2 = reports2.find(t.name);
                if (r1 == reports1.end() || r2 == reports2.end()) break;
                uname_r = r1->second.at("uname_r").get<std::string>();
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
                v.boot_error = "no report from the guest; see " + batch + ".console1.txt and .console2.txt";
                result.results.push_back(v);
                done = 1;
            }
            todo.erase(todo.begin(), todo.begin() + static_cast<std::ptrdiff_t>(done));
        }
        result.kernels.push_back({k.label, uname_r, k.metapackage, boots, boot_seconds});
    }
    // The table in catalog (or command-line) order, kernel by kernel.
    auto rank = [&](const oracle::verdict& v) {
        std::size_t k = 0, i = 0;
        while (k < kernels.size() && kernels[k].label != v.kernel) ++k;
        while (i < scens.size() && scens[i].name != v.scenario) ++i;
        return std::pair{k, i};
    };
    std::stable_sort(result.results.begin(), result.results.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    if (format == "json") std::cout << oracle::to_json(result).dump(2) << "\n";
    else std::cout << oracle::to_text(result, {format == "md", false});
    // Nothing compared is not agreement.
    const bool all_agree = !result.results.empty() && result.all_agree();
    return fail_on_disagreement && !all_agree ? exit_invariant : exit_ok;
}

}  // namespace daxfail::cli

#endif
