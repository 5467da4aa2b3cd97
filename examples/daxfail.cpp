// The daxfail command: compare variants of the fsdax pre-remove path over
// scenarios, explain one run step by step, check scenario files.
//   daxfail compare [--variants LIST|all] [--scenario FILE|DIR...] [--format table|md|csv|json]
//                   [--only-differences] [--fail-on-invariant]
//   daxfail explain FILE|NAME --variant NAME [--dot OUT]
//   daxfail check FILE|DIR...
//   daxfail oracle [--kernel 6.1|6.12|all] [--scenario FILE|DIR...] [--format table|md|json] [--fail-on-disagreement] [--dry-run]
//   daxfail snapshot [--mount DIR...] [-o FILE|DIR]
// Exit status: 0 success, 1 an invariant failed and --fail-on-invariant was given, 2 bad input.
#include <daxfail/compare.hpp>
#include <daxfail/daxfail.hpp>
#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/oracle/plan.hpp>
#include <daxfail/oracle/report.hpp>
#include <daxfail/report/csv.hpp>
#include <daxfail/report/dot.hpp>
#include <daxfail/report/json.hpp>
#include <daxfail/report/text.hpp>

#include "snapshot_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace daxfail;
constexpr int exit_ok = 0, exit_invariant = 1, exit_bad_input = 2;

const char* const usage_main =
    "usage: daxfail <command> [options]\n"
    "\n"
    "Model of the Linux fsdax memory-failure / pmem pre-remove path (kill_dax -> xfs_dax_notify_failure ->\n"
    "mf_dax_kill_procs -> shutdown) under variants of the MF_MEM_PRE_REMOVE patch.\n"
    "\n"
    "commands:\n"
    "  compare   run variants over scenarios and compare their outcomes and invariants\n"
    "  explain   show the kernel steps of one run, in words and optionally as Graphviz DOT\n"
    "  check     validate scenario files and report every error\n"
    "  oracle    run scenarios on real Debian kernels under qemu and compare them with the model\n"
    "  snapshot  write a scenario file of this machine (what would an unbind do now?)\n"
    "\n"
    "'daxfail <command> --help' describes each command.\n";

/// The compare command's usage; the preset list comes from the registry.
const std::string usage_compare = std::string(
    "usage: daxfail compare [--variants LIST|all] [--scenario FILE|DIR...] [--format table|md|csv|json]\n"
    "                       [--only-differences] [--fail-on-invariant] [--max-seconds S]\n"
    "\n"
    "  --variants LIST   presets (") + presets::name_list() + ") and\n"
    "                    policy combinations, comma-separated; axis=value items form one combination on top\n"
    "                    of merged (or base=PRESET), ';' starts another. Default: the presets.\n"
    "                    'all': rmap_source x freeze x thaw x shutdown x collector over merged (216 variants).\n"
    "  --scenario F...   scenario files, or directories of *.json files. Default: the built-in catalog.\n"
    "  --format F        table (default; coloured on a terminal), md, csv or json.\n"
    "  --only-differences  only scenarios on which the variants differ.\n"
    "  --fail-on-invariant exit with status 1 when any run fails an invariant.\n"
    "  --max-seconds S   stop any one run after S seconds of wall-clock time; it is reported as\n"
    "                    'limit reached', not as a kernel that does not terminate. Default: no limit.\n";

const char* const usage_explain =
    "usage: daxfail explain FILE|NAME --variant NAME [--dot OUT] [--max-seconds S]\n"
    "\n"
    "  FILE|NAME      a scenario file, or the name of a built-in catalog scenario\n"
    "  --variant NAME a preset or policy combination (see 'daxfail compare --help')\n"
    "  --dot OUT      also write the step trace as Graphviz DOT to OUT ('-' for stdout)\n"
    "  --max-seconds S  stop the run after S seconds (reported as 'limit reached')\n";

const char* const usage_check =
    "usage: daxfail check FILE|DIR...\n"
    "\n"
    "Validates scenario files and prints every error as FILE: field.path: reason.\n";

const char* const usage_oracle =
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

bool is_help(const std::string& a) { return a == "--help" || a == "-h"; }

/// Expands directories into their *.json scenario files (sorted; JSON Schema files skipped).
std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            std::vector<std::string> files;
            for (const auto& e : std::filesystem::directory_iterator(p, ec)) {
                const std::string name = e.path().filename().string();
                if (e.path().extension() == ".json" && name.find(".schema.") == std::string::npos)
                    files.push_back(e.path().string());
            }
            std::sort(files.begin(), files.end());
            out.insert(out.end(), files.begin(), files.end());
        } else {
            out.push_back(p);
        }
    }
    return out;
}

/// Loads scenario files; prints every error and returns false if any file is bad.
bool load_all(const std::vector<std::string>& files, std::vector<scenario>& out, std::ostream& err) {
    bool ok = true;
    for (const auto& f : files) {
        auto r = json::load_scenario_file(f);
        if (!r.ok()) {
            ok = false;
            for (const auto& e : r.errors) err << f << ": " << e.to_string() << "\n";
            continue;
        }
        out.push_back(*r.value);
    }
    return ok;
}

/// A positive number of seconds for --max-seconds.
bool parse_seconds(const std::string& text, double& out, const char* command) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || !(v > 0) || v > 1e9) {
        std::cerr << "daxfail " << command << ": --max-seconds: '" << text << "' is not a positive number of seconds\n";
        return false;
    }
    out = v;
    return true;
}

int cmd_compare(const std::vector<std::string>& args) {
    std::string variants_arg, format = "table";
    std::vector<std::string> scenario_paths;
    bool only_differences = false, fail_on_invariant = false;
    run_options opts;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                std::cerr << "daxfail compare: " << flag << " needs a value\n";
                return std::nullopt;
            }
            return args[++i];
        };
        if (is_help(a)) {
            std::cout << usage_compare;
            return exit_ok;
        } else if (a == "--variants") {
            auto v = value("--variants");
            if (!v) return exit_bad_input;
            variants_arg += (variants_arg.empty() ? "" : ";") + *v;
        } else if (a == "--format") {
            auto v = value("--format");
            if (!v) return exit_bad_input;
            format = *v;
        } else if (a == "--scenario") {
            bool any = false;
            while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
                scenario_paths.push_back(args[++i]);
                any = true;
            }
            if (!any) {
                std::cerr << "daxfail compare: --scenario needs at least one file\n";
                return exit_bad_input;
            }
        } else if (a == "--only-differences") {
            only_differences = true;
        } else if (a == "--fail-on-invariant") {
            fail_on_invariant = true;
        } else if (a == "--max-seconds") {
            auto v = value("--max-seconds");
            if (!v || !parse_seconds(*v, opts.max_seconds, "compare")) return exit_bad_input;
        } else {
            std::cerr << "daxfail compare: unknown argument '" << a << "'\n" << usage_compare;
            return exit_bad_input;
        }
    }
    if (format != "table" && format != "md" && format != "csv" && format != "json") {
        std::cerr << "daxfail compare: --format must be table, md, csv or json, not '" << format << "'\n";
        return exit_bad_input;
    }
    std::vector<variant_spec> variants;
    if (variants_arg.empty()) {
        variants = preset_specs();
    } else if (variants_arg == "all") {
        variants = all_combination_specs();
    } else {
        std::string error;
        auto parsed = parse_variant_list(variants_arg, error);
        if (!parsed) {
            std::cerr << "daxfail compare: --variants: " << error << "\n";
            return exit_bad_input;
        }
        variants = *parsed;
    }
    std::vector<scenario> scens;
    if (scenario_paths.empty()) scens = scenarios::catalog();
    else if (!load_all(expand_paths(scenario_paths), scens, std::cerr)) return exit_bad_input;
    if (scens.empty()) {
        std::cerr << "daxfail compare: no scenario files found\n";
        return exit_bad_input;
    }
    const auto c = compare(std::move(variants), std::move(scens), opts);
    if (format == "json") std::cout << report::to_json(c, only_differences).dump(2) << "\n";
    else if (format == "csv") std::cout << report::to_csv(c, only_differences);
    else if (format == "md") std::cout << report::to_markdown(c, only_differences);
    else std::cout << report::to_table(c, only_differences, isatty(STDOUT_FILENO) != 0);
    return fail_on_invariant && c.any_invariant_failed() ? exit_invariant : exit_ok;
}

int cmd_explain(const std::vector<std::string>& args) {
    std::string target, variant, dot_out;
    run_options opts;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (is_help(args[i])) {
            std::cout << usage_explain;
            return exit_ok;
        } else if (args[i] == "--max-seconds" && i + 1 < args.size()) {
            if (!parse_seconds(args[++i], opts.max_seconds, "explain")) return exit_bad_input;
        } else if (args[i] == "--variant" && i + 1 < args.size()) {
            variant = args[++i];
        } else if (args[i] == "--dot" && i + 1 < args.size()) {
            dot_out = args[++i];
        } else if (args[i].rfind("--", 0) != 0 && target.empty()) {
            target = args[i];
        } else {
            std::cerr << "daxfail explain: unexpected argument '" << args[i] << "'\n" << usage_explain;
            return exit_bad_input;
        }
    }
    if (target.empty() || variant.empty()) {
        std::cerr << usage_explain;
        return exit_bad_input;
    }
    std::optional<scenario> sc;
    for (auto& s : scenarios::catalog())
        if (s.name == target) sc = s;
    if (!sc) {
        std::vector<scenario> loaded;
        if (!load_all({target}, loaded, std::cerr)) return exit_bad_input;
        sc = loaded.front();
    }
    std::string error;
    auto v = parse_variant(variant, error);
    if (!v) {
        std::cerr << "daxfail explain: --variant: " << error << "\n";
        return exit_bad_input;
    }
    const auto c = compare({*v}, {*sc}, opts);
    const auto& r = c.at(0, 0);
    std::cout << "scenario: " << sc->name << "\n";
    if (!sc->description.empty()) std::cout << sc->description << "\n";
    std::cout << "variant:  " << v->name << "\n\nkernel steps:\n";
    for (std::size_t i = 0; i < r.out.trace.size(); ++i)
        std::cout << "  " << i + 1 << ". " << r.out.trace[i].function
                  << (r.out.trace[i].detail.empty() ? "" : ": " + r.out.trace[i].detail) << "\n";
    if (r.out.cost.trace_dropped)
        std::cout << "  ... " << r.out.cost.trace_dropped << " more steps (the trace keeps the first "
                  << opts.trace_limit << ")\n";
    std::cout << "\ncost: " << r.out.cost.steps << " steps, " << r.out.cost.rmap_records_examined
              << " rmap records examined, " << r.out.cost.indices_walked << " indices walked, "
              << r.out.cost.page_task_visits << " (page, task) visits\n";
    std::cout << "\noutcome:\n" << to_string(r.out) << "\ninvariants:\n";
    for (const auto& i : r.invariants) std::cout << "  " << i.name << ": " << verdict_name(i.result) << " (" << i.reason << ")\n";
    if (!dot_out.empty()) {
        const auto dot = report::to_dot(*sc, v->name, r.out);
        if (dot_out == "-") std::cout << "\n" << dot;
        else if (!(std::ofstream(dot_out) << dot)) {
            std::cerr << "daxfail explain: cannot write " << dot_out << "\n";
            return exit_bad_input;
        }
    }
    return exit_ok;
}

int cmd_check(const std::vector<std::string>& args) {
    if (args.empty()) {
        std::cerr << usage_check;
        return exit_bad_input;
    }
    for (const auto& a : args)
        if (is_help(a)) {
            std::cout << usage_check;
            return exit_ok;
        }
    bool ok = true;
    for (const auto& f : expand_paths(args)) {
        auto r = json::load_scenario_file(f);
        if (r.ok()) {
            std::cout << f << ": ok\n";
            // What some presets' kernels cannot build (the run is still made on the state as written).
            std::map<std::string, std::vector<std::string>> by_warning;
            for (std::size_t i = 0; i < presets::configs.size(); ++i)
                for (const auto& w : setup_warnings(r.value->world, presets::configs[i]))
                    by_warning[w].push_back(std::string(presets::names[i]));
            for (const auto& [w, names] : by_warning) {
                std::string list;
                for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
                std::cout << f << ": warning: " << w << " (" << list << ")\n";
            }
        } else {
            ok = false;
            for (const auto& e : r.errors) std::cout << f << ": " << e.to_string() << "\n";
        }
    }
    return ok ? exit_ok : exit_bad_input;
}


/// Runs a shell command, returning its standard output; nullopt when it fails.
std::optional<std::string> shell(const std::string& cmd) {
    std::FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
}

int cmd_oracle(const std::vector<std::string>& args) {
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

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return cmd_compare({});  // the main job: presets over the catalog
    const std::string cmd = args.front();
    args.erase(args.begin());
    if (is_help(cmd)) {
        std::cout << usage_main;
        return exit_ok;
    }
    if (cmd == "compare") return cmd_compare(args);
    if (cmd == "explain") return cmd_explain(args);
    if (cmd == "check") return cmd_check(args);
    if (cmd == "oracle") return cmd_oracle(args);
    if (cmd == "snapshot") return daxfail_cli::cmd_snapshot(args);
    std::cerr << "daxfail: unknown command '" << cmd << "'\n" << usage_main;
    return exit_bad_input;
}
