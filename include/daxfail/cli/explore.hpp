// `daxfail explore`: every interleaving of a concurrent scenario's actors with
// its event, under each variant, within bounds; `daxfail merge` joins the JSON
// of shards into the report one run gives.
#ifndef DAXFAIL_CLI_EXPLORE_HPP
#define DAXFAIL_CLI_EXPLORE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/confirm.hpp>
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/replay.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command explore_command(const std::vector<variant_spec>& extras = {}) {
    using detail::completes;
    using detail::takes;
    return {
        .name = "explore",
        .summary = "run concurrent actors against the event in every interleaving and judge each schedule",
        .operands = "[FILE|DIR...]",
        .max_operands = detail::any_number,
        .operand_completion = completes::files,
        .description = "Runs the scenario's event together with its actors (FIFREEZE/FITHAW, a kernel freeze holder, "
                       "faulting, unmapping and exiting tasks, madvise(MADV_HWPOISON), a second notification) in every "
                       "order the bounds allow, and judges the invariants at the end of each schedule. FILE|DIR...: "
                       "concurrent scenario files (or directories of them); default: the catalog's concurrent "
                       "scenarios.",
        .options = {variants_option(extras),
                    {.name = "--depth",
                     .arg = takes::one,
                     .metavar = "N",
                     .help = "steps per schedule before it is cut (1 to 100000).",
                     .default_text = "200",
                     .check = [](const std::string& v) -> std::string {
                         unsigned long n = 0;
                         return detail::whole_number(v, 1, 100000, n) ? "" : "is not a whole number from 1 to 100000";
                     }},
                    {.name = "--preemptions",
                     .arg = takes::one,
                     .metavar = "N",
                     .help = "switches away from an actor that could go on, per schedule (0 to 64).",
                     .default_text = "2",
                     .check = [](const std::string& v) -> std::string {
                         unsigned long n = 0;
                         return detail::whole_number(v, 0, 64, n) ? "" : "is not a whole number from 0 to 64";
                     }},
                    format_option({"table", "md", "json"}, "table, Markdown or JSON."),
                    wide_option(),
                    {.name = "--dot",
                     .arg = takes::one,
                     .metavar = "DIR",
                     .help = "write each counterexample as Graphviz DOT (one lane per actor) into DIR.",
                     .default_text = "no DOT",
                     .completion = completes::dirs},
                    {.name = "--replay",
                     .arg = takes::one,
                     .metavar = "FILE",
                     .help = "run again the schedule(s) of one results[] entry of a JSON report, step by step: its "
                             "\"schedule\", or else the counterexample of each violated invariant. The scenario is "
                             "read from the entry's \"file\", else found by name among the FILEs given, else in "
                             "the catalog; the first line says which.",
                     .default_text = "no replay",
                     .completion = completes::files},
                    fail_on_invariant_option(),
                    {.name = "--shard",
                     .arg = takes::one,
                     .metavar = "K/N",
                     .help = "explore only the K-th of N deterministic slices (variant x scenario x first step) and "
                             "write them as JSON for `daxfail merge`.",
                     .default_text = "1/1, the whole exploration, as a report",
                     .check = [](const std::string& v) -> std::string {
                         const auto slash = v.find('/');
                         unsigned long k = 0, n = 0;
                         const bool ok = slash != std::string::npos &&
                                         detail::whole_number(v.substr(0, slash), 1, 1u << 20, k) &&
                                         detail::whole_number(v.substr(slash + 1), 1, 1u << 20, n) && k <= n;
                         return ok ? "" : "is not K/N with 1 <= K <= N";
                     }},
                    {.name = "--no-timing", .help = "write 0 for seconds (byte-identical reports)."},
                    {.name = "--confirm",
                     .arg = takes::one,
                     .metavar = "KERNEL",
                     .help = "try each counterexample of the preset that models KERNEL (6.1: debian_6_1, 6.12: "
                             "debian_6_12, sid: the unstable suite's kernel's preset; all: the three) on that kernel "
                             "under qemu, --confirm-runs times, and add per invariant the rate the kernel reproduces "
                             "it (needs what `daxfail oracle` needs; about 40 s per two runs).",
                     .default_text = "no kernel",
                     .choices = {"6.1", "6.12", "sid", "all"}},
                    {.name = "--confirm-runs",
                     .arg = takes::one,
                     .metavar = "N",
                     .help = "runs per counterexample with --confirm (1 to 1000; the swept steps start at a different "
                             "delay in each).",
                     .default_text = std::to_string(default_race_runs),
                     .check = [](const std::string& v) -> std::string {
                         unsigned long n = 0;
                         return detail::whole_number(v, 1, 1000, n) ? "" : "is not a whole number from 1 to 1000";
                     }},
                    {.name = "--cache",
                     .arg = takes::one,
                     .metavar = "DIR",
                     .help = "with --confirm: where kernel packages, plans, reports and consoles are kept.",
                     .default_text = "/var/tmp/daxfail-oracle",
                     .completion = completes::dirs},
                    progress_option()},
        .other_forms = {"--replay FILE [--dot DIR]"}};
}

inline detail::command merge_command() {
    return {.name = "merge",
            .summary = "join the JSON of explore --shard K/N runs into one report",
            .operands = "SHARD.json...",
            .min_operands = 1,
            .max_operands = detail::any_number,
            .operand_completion = detail::completes::files,
            .description = "Joins the outputs of `daxfail explore --shard K/N` (every K of one N) into the report a "
                           "single `daxfail explore` gives: the same bytes with --format json when the shards ran "
                           "with --no-timing.",
            .options = {format_option({"json", "table", "md"}, "JSON, table or Markdown."), wide_option(),
                        fail_on_invariant_option()}};
}

namespace detail_explore {

inline std::string file_safe(std::string s) {
    for (char& c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) c = '_';
    return s;
}

/// Writes DOT files of every counterexample of `r` into `dir`.
inline bool write_dots(const std::string& dir, const variant_spec& v, const scenario& s, const explore::result& r) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (const auto& i : r.invariants) {
        if (i.verdict != "violated") continue;
        const auto rep = explore::replay(v.cfg, s, i.counterexample);
        const auto path = std::filesystem::path(dir) / (file_safe(r.variant) + "__" + file_safe(r.scenario) + "__" + i.name + ".dot");
        std::ofstream out(path);
        out << explore::replay_to_dot(r.scenario + " under " + r.variant + ": " + i.name + " violated", rep);
        if (!out) {
            std::cerr << "daxfail explore: cannot write " << path.string() << "\n";
            return false;
        }
    }
    return true;
}

/// Prints the report; `partial` (when not empty) says what an interrupted run left out, and the status is 130.
inline int print(const std::vector<explore::result>& results, const explore::options& o, const std::string& format,
                 bool wide, bool timing, bool fail_on_invariant, const std::string& partial = {}) {
    if (format == "json") {
        auto j = explore::to_json(results, o, timing);
        if (!partial.empty()) j["partial"] = partial;
        std::cout << j.dump(2) << "\n";
    } else {
        if (!partial.empty()) std::cout << partial << "\n";
        std::cout << (format == "md" ? explore::to_markdown(results)
                                      : explore::to_table(results, wide ? 0 : explore::table_width));
    }
    if (!partial.empty()) return detail::exit_interrupted;
    bool violated = false;
    for (const auto& r : results) violated = violated || r.any_violated();
    return fail_on_invariant && violated ? exit_invariant : exit_ok;
}

/// `--confirm KERNEL`: the counterexamples of the presets that model the kernels, tried on them.
inline int confirm(std::vector<explore::result>& results, const std::vector<scenario>& scens, std::size_t variants,
                   const std::string& kernel_arg, std::size_t runs, const std::string& cache, bool progress) {
    const std::string dir = oracle_dir(), guest = oracle_guest();
    if (dir.empty() || guest.empty()) {
        std::cerr << "daxfail explore: --confirm: the oracle's guest is not installed next to this program and the "
                     "program was built without DAXFAIL_ORACLE_DIR and DAXFAIL_ORACLE_GUEST\n";
        return exit_bad_input;
    }
    if (!oracle_tools_present("daxfail explore --confirm")) return exit_bad_input;
    std::error_code ec;
    std::filesystem::create_directories(cache, ec);
    detail::progress bar("confirm", "runs", progress);
    std::size_t done = 0, total = 0;
    for (const auto& r : results) total += r.any_violated() ? runs : 0;  // an estimate: one race per result
    for (auto k : kernels_named(kernel_arg)) {
        if (detail::interrupted) break;
        std::string error;
        if (!fetch_kernel(k, dir, cache, error)) {
            std::cerr << "daxfail explore: --confirm: " << error << "\n";
            return exit_bad_input;
        }
        bool any = false;
        for (std::size_t i = 0; i < results.size() && !detail::interrupted; ++i) {
            auto& r = results[i];
            if (r.variant != k.preset) continue;
            any = true;
            if (!r.any_violated()) continue;
            std::string why;
            if (!confirm_result(r, scens[i / variants], k, runs, dir, guest, cache, why, &bar, &done, total))
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
        if (!any)
            std::cerr << "daxfail explore: --confirm " << k.label << ": no variant explored is " << k.preset
                      << ", the preset that models " << k.release << "\n";
    }
    bar.finish();
    return exit_ok;
}

/// The scenario a results[] entry names: from the file the entry records, else from the files given on the command
/// line, else from the catalog; says on stdout which it used, or on stderr why none.
inline std::optional<scenario> replay_scenario(const nlohmann::json& entry, const std::string& file,
                                               const std::vector<std::string>& given) {
    const std::string name = entry["scenario"].get<std::string>();
    std::string recorded;
    if (entry.contains("file") && entry["file"].is_string()) recorded = entry["file"].get<std::string>();
    auto named_in = [&](const std::string& path) -> std::optional<scenario> {
        auto r = json::load_scenario_file(path);
        if (r.ok() && r.value->name == name) return r.value;
        return std::nullopt;
    };
    std::error_code ec;
    if (!recorded.empty() && std::filesystem::exists(recorded, ec))
        if (auto s = named_in(recorded)) {
            std::cout << "scenario " << name << " from " << recorded << " (the entry's \"file\")\n";
            return s;
        }
    for (const auto& path : expand_paths(given))
        if (auto s = named_in(path)) {
            std::cout << "scenario " << name << " from " << path << " (given on the command line)\n";
            return s;
        }
    for (const auto& cat : {scenarios::concurrent(), scenarios::catalog()})
        for (const auto& s : cat)
            if (s.name == name) {
                std::cout << "scenario " << name << " from the catalog\n";
                return s;
            }
    std::cerr << file << ": scenario '" << name << "' is "
              << (recorded.empty() ? std::string("not recorded with a file")
                                   : "not in the entry's file " + recorded +
                                         (std::filesystem::exists(recorded, ec) ? "" : " (which does not exist)"))
              << ", in no file given on the command line" << (given.empty() ? " (none given)" : "")
              << " and not in the catalog: give its scenario file as an argument\n";
    return std::nullopt;
}

inline int replay_entry(const std::string& file, const std::string& dot_dir, const std::vector<variant_spec>& extras,
                        const std::vector<std::string>& given) {
    std::ifstream in(file);
    if (!in) {
        std::cerr << file << ": cannot be opened\n";
        return exit_bad_input;
    }
    nlohmann::json entry;
    try {
        entry = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        std::cerr << file << ": not valid JSON: " << e.what() << "\n";
        return exit_bad_input;
    }
    if (entry.is_object() && entry.contains("results") && entry["results"].is_array() && entry["results"].size() == 1)
        entry = entry["results"][0];
    if (!entry.is_object() || !entry.contains("variant") || !entry["variant"].is_string() ||
        !entry.contains("scenario") || !entry["scenario"].is_string()) {
        std::cerr << file << ": must be one results[] entry of `daxfail explore --format json` (with \"variant\" and "
                             "\"scenario\")\n";
        return exit_bad_input;
    }
    std::string error;
    auto parsed = parse_variant_list(entry["variant"].get<std::string>(), error, extras);
    if (!parsed || parsed->size() != 1) {
        std::cerr << file << ": variant: " << (error.empty() ? "must name one variant" : error) << "\n";
        return exit_bad_input;
    }
    const variant_spec v = parsed->front();
    auto s = replay_scenario(entry, file, given);
    if (!s) return exit_bad_input;
    struct job {
        std::string what, expect;
        std::vector<explore::schedule_step> steps;
    };
    std::vector<job> jobs;
    if (entry.contains("schedule")) {
        auto steps = explore::schedule_from_json(entry["schedule"], "schedule", error);
        if (!steps) {
            std::cerr << file << ": " << error << "\n";
            return exit_bad_input;
        }
        jobs.push_back({"schedule", "", *steps});
    } else if (entry.contains("invariants") && entry["invariants"].is_object()) {
        for (const auto& [name, x] : entry["invariants"].items()) {
            if (!x.is_object() || !x.contains("verdict") || !x["verdict"].is_string() ||
                x["verdict"].get<std::string>() != "violated" || !x.contains("counterexample"))
                continue;
            auto steps = explore::schedule_from_json(x["counterexample"], "invariants." + name + ".counterexample", error);
            if (!steps) {
                std::cerr << file << ": " << error << "\n";
                return exit_bad_input;
            }
            jobs.push_back({name + " counterexample", name, *steps});
        }
    }
    if (jobs.empty()) {
        std::cerr << file << ": nothing to replay: no \"schedule\" and no violated invariant with a counterexample\n";
        return exit_bad_input;
    }
    int status = exit_ok;
    for (const auto& j : jobs) {
        const auto r = explore::replay(v.cfg, *s, j.steps);
        std::cout << s->name << " under " << v.name << ": " << j.what << " (" << j.steps.size() << " steps)\n"
                  << explore::replay_to_text(r);
        if (!r.followed) {
            std::cerr << "daxfail explore: " << file << ": the schedule does not replay: " << r.error << "\n";
            status = exit_bad_input;
            continue;
        }
        if (!j.expect.empty()) {
            bool again = false;
            for (const auto& x : r.verdicts) again = again || (x.name == j.expect && x.result == verdict::fail);
            std::cout << (again ? "replayed: " + j.expect + " is violated again\n"
                                : "NOT reproduced: " + j.expect + " holds in this replay\n");
            if (!again) status = exit_bad_input;
        }
        if (!dot_dir.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(dot_dir, ec);
            const auto path = std::filesystem::path(dot_dir) /
                              (file_safe(v.name) + "__" + file_safe(s->name) + "__" + file_safe(j.expect.empty() ? "schedule" : j.expect) + ".dot");
            std::ofstream(path) << explore::replay_to_dot(s->name + " under " + v.name + ": " + j.what, r);
        }
    }
    return status;
}

/// `--replay FILE`: a malformed entry is bad input, never a crash.
inline int replay_file(const std::string& file, const std::string& dot_dir, const std::vector<variant_spec>& extras,
                       const std::vector<std::string>& given) {
    try {
        return replay_entry(file, dot_dir, extras, given);
    } catch (const std::exception& e) {
        std::cerr << file << ": cannot be replayed: " << e.what() << "\n";
        return exit_bad_input;
    }
}

}  // namespace detail_explore

inline int cmd_explore(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    detail::sigint_scope sigint;  // from the start: a SIGINT while getting ready still ends with the partial report
    int status = exit_ok;
    const auto p = parse_or_exit(explore_command(extras), args, status);
    if (!p) return status;
    const std::string format = p->value("--format", "table"), dot_dir = p->value("--dot");
    const bool fail_on_invariant = p->has("--fail-on-invariant"), timing = !p->has("--no-timing"),
               sharded = p->has("--shard");
    explore::options o;
    if (p->has("--depth")) o.depth = static_cast<u32>(std::stoul(p->value("--depth")));
    if (p->has("--preemptions")) o.preemptions = static_cast<u32>(std::stoul(p->value("--preemptions")));
    std::size_t shard_k = 1, shard_n = 1;
    if (sharded) {
        const std::string shard = p->value("--shard");
        shard_k = std::stoul(shard.substr(0, shard.find('/')));
        shard_n = std::stoul(shard.substr(shard.find('/') + 1));
    }
    if (p->has("--replay")) return detail_explore::replay_file(p->value("--replay"), dot_dir, extras, p->operands);
    if (sharded && p->has("--confirm")) {
        std::cerr << "daxfail explore: --confirm runs after the whole exploration; it does not go with --shard\n";
        return exit_bad_input;
    }
    const auto given = variants_given(*p, extras, "explore");
    if (!given) return exit_bad_input;
    const std::vector<variant_spec>& variants = *given;
    const std::vector<std::string>& paths = p->operands;
    std::vector<scenario> scens;
    std::vector<std::string> files;  // per scenario, the file it came from (none for the catalog)
    if (paths.empty()) scens = scenarios::concurrent(), files.assign(scens.size(), "");
    else if (!load_all(expand_paths(paths), scens, std::cerr, &files)) return exit_bad_input;
    if (scens.empty()) {
        std::cerr << "daxfail explore: no scenario files found\n";
        return exit_bad_input;
    }

    // The work: every (variant, scenario) pair, split by the first step's choice; a shard takes every N-th item.
    struct item {
        std::size_t pair, first, items;
    };
    for (const auto& sc : scens)
        if (auto errors = explore::validate_actors(sc); !errors.empty()) {
            for (const auto& e : errors) std::cerr << sc.name << ": " << e.to_string() << "\n";
            return exit_bad_input;
        }
    std::vector<item> work;
    // Pairs scenario by scenario, so that the table groups the variants of one scenario.
    for (std::size_t s = 0; s < scens.size(); ++s)
        for (std::size_t v = 0; v < variants.size(); ++v) {
            const std::size_t n = explore::first_choices(variants[v].cfg, scens[s]);
            for (std::size_t k = 0; k < n; ++k) work.push_back({s * variants.size() + v, k, n});
        }
    // What every shard of one run shares: the variants and scenarios, in order (merge checks it).
    std::string names;
    for (const auto& v : variants) names += v.name + ";";
    names += "|";
    for (const auto& sc : scens) names += sc.name + ";";
    detail::progress bar("explore", "parts", p->has("--progress"));
    std::size_t mine = 0, done = 0;  // work items of this shard, and how many are explored
    for (std::size_t w = 0; w < work.size(); ++w) mine += w % shard_n == shard_k - 1;
    std::vector<std::size_t> combined(variants.size() * scens.size(), 0);
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    std::vector<explore::result> results;
    for (std::size_t p = 0; p < variants.size() * scens.size(); ++p) {
        results.push_back(explore::detail::empty_result(variants[p % variants.size()].name, scens[p / variants.size()], o));
        results.back().file = files[p / variants.size()];
    }
    u64 schedules = 0;
    for (std::size_t w = 0; w < work.size() && !detail::interrupted; ++w) {
        if (w % shard_n != shard_k - 1) continue;
        const auto& it = work[w];
        const auto& v = variants[it.pair % variants.size()];
        const auto& s = scens[it.pair / variants.size()];
        auto part = explore::explore_item(v.cfg, v.name, s, it.first, o, it.first);
        part.file = files[it.pair / variants.size()];
        schedules += part.schedules;
        if (sharded) parts.push_back(explore::part_to_json(part, it.pair, it.first, it.items));
        else explore::combine(results[it.pair], part);
        ++combined[it.pair];
        bar.update(++done, mine, -1, ", " + std::to_string(schedules) + " schedules");
    }
    bar.finish();
    const std::string mark = "partial: interrupted after " + std::to_string(done) + " of " + std::to_string(mine) + " parts";
    if (detail::interrupted && sharded) {  // a shard missing parts cannot be merged: nothing on stdout
        std::cerr << "daxfail explore: " << mark << "; no shard written\n";
        return detail::exit_interrupted;
    }
    if (detail::interrupted) {  // the pairs explored to the end, in order
        std::vector<explore::result> finished;
        for (std::size_t pair = 0; pair < results.size(); ++pair) {
            std::size_t items = 0;
            for (const auto& it : work) items += it.pair == pair;
            if (combined[pair] == items) finished.push_back(results[pair]);
        }
        results = std::move(finished);
    }
    if (sharded) {
        nlohmann::ordered_json j = {{"shard", std::to_string(shard_k) + "/" + std::to_string(shard_n)},
                                    {"depth", o.depth},
                                    {"preemptions", o.preemptions},
                                    {"pairs", variants.size() * scens.size()},
                                    {"names", names},
                                    {"timing", timing},
                                    {"parts", parts}};
        std::cout << j.dump(2) << "\n";
        return exit_ok;
    }
    if (detail::interrupted) return detail_explore::print(results, o, format, p->has("--wide"), timing, false, mark);
    if (p->has("--confirm")) {
        const std::size_t runs = p->has("--confirm-runs") ? std::stoul(p->value("--confirm-runs")) : default_race_runs;
        if (int st = detail_explore::confirm(results, scens, variants.size(), p->value("--confirm"), runs,
                                              p->value("--cache", "/var/tmp/daxfail-oracle"), p->has("--progress"));
            st != exit_ok)
            return st;
        if (detail::interrupted)
            return detail_explore::print(results, o, format, p->has("--wide"), timing, false, "partial: interrupted while confirming on a kernel");
    }
    if (!dot_dir.empty())
        for (std::size_t pair = 0; pair < results.size(); ++pair)
            if (!detail_explore::write_dots(dot_dir, variants[pair % variants.size()], scens[pair / variants.size()],
                                            results[pair]))
                return exit_bad_input;
    return detail_explore::print(results, o, format, p->has("--wide"), timing, fail_on_invariant);
}

inline int cmd_merge(const std::vector<std::string>& args) {
    int status = exit_ok;
    const auto p = parse_or_exit(merge_command(), args, status);
    if (!p) return status;
    const std::string format = p->value("--format", "json");
    const bool fail_on_invariant = p->has("--fail-on-invariant");
    const std::vector<std::string>& files = p->operands;
    explore::options o;
    std::optional<u64> pairs;
    std::string fingerprint;
    bool timing = true;
    struct part {
        u64 pair, item, items;
        explore::result r;
    };
    std::vector<part> all;
    std::vector<bool> shard_seen;
    for (const auto& f : files) {
        std::ifstream in(f);
        if (!in) {
            std::cerr << f << ": cannot be opened\n";
            return exit_bad_input;
        }
        try {
            const auto j = nlohmann::json::parse(in);
            const std::string shard = j.at("shard").get<std::string>();
            const auto slash = shard.find('/');
            unsigned long k = 0, n = 0;
            if (slash == std::string::npos || !detail::whole_number(shard.substr(0, slash), 0, 1u << 20, k) ||
                !detail::whole_number(shard.substr(slash + 1), 0, 1u << 20, n))
                throw std::invalid_argument("\"shard\" is not K/N");
            if (shard_seen.empty()) shard_seen.assign(n, false);
            if (n != shard_seen.size() || k == 0 || k > n) throw std::invalid_argument("shard " + shard + " does not belong with the others");
            if (shard_seen[k - 1]) throw std::invalid_argument("shard " + shard + " given twice");
            shard_seen[k - 1] = true;
            const u32 depth = j.at("depth").get<u32>(), pre = j.at("preemptions").get<u32>();
            const u64 np = j.at("pairs").get<u64>();
            const std::string names = j.at("names").get<std::string>();
            if (pairs && (*pairs != np || depth != o.depth || pre != o.preemptions || names != fingerprint))
                throw std::invalid_argument("explored with other variants, scenarios or bounds than the first file");
            pairs = np;
            fingerprint = names;
            o.depth = depth;
            o.preemptions = pre;
            timing = timing && j.at("timing").get<bool>();
            for (const auto& p : j.at("parts")) {
                const u64 pair = p.at("pair").get<u64>(), item = p.at("item").get<u64>(), items = p.at("items").get<u64>();
                if (pair >= np || item >= items) throw std::invalid_argument("a part's pair or item is out of range");
                all.push_back({pair, item, items, explore::part_from_json(p)});
            }
        } catch (const std::exception& e) {
            std::cerr << f << ": not a shard of `daxfail explore --shard K/N`: " << e.what() << "\n";
            return exit_bad_input;
        }
    }
    for (std::size_t k = 0; k < shard_seen.size(); ++k)
        if (!shard_seen[k]) {
            std::cerr << "daxfail merge: shard " << k + 1 << "/" << shard_seen.size() << " is missing\n";
            return exit_bad_input;
        }
    std::sort(all.begin(), all.end(), [](const part& a, const part& b) { return std::pair(a.pair, a.item) < std::pair(b.pair, b.item); });
    for (std::size_t k = 1; k < all.size(); ++k)
        if (all[k].pair == all[k - 1].pair &&
            (all[k].item == all[k - 1].item || all[k].items != all[k - 1].items || all[k].r.variant != all[k - 1].r.variant ||
             all[k].r.scenario != all[k - 1].r.scenario)) {
            std::cerr << "daxfail merge: the shards disagree about part " << all[k].item << " of pair " << all[k].pair
                      << " (given twice, or from another run)\n";
            return exit_bad_input;
        }
    std::vector<explore::result> results;
    for (u64 p = 0; p < pairs.value_or(0); ++p) {
        std::optional<explore::result> r;
        u64 count = 0, expected = 0;
        for (const auto& x : all) {
            if (x.pair != p) continue;
            if (!r) {
                r = x.r;
                r->depth = o.depth;
                r->preemptions = o.preemptions;
                for (auto& i : r->invariants) {
                    explore::invariant_summary fresh;
                    fresh.name = i.name;
                    i = fresh;
                }
                r->schedules = r->states = r->cut = r->pruned = 0;
                r->seconds = 0;
                r->sequential_known = false;
            }
            explore::combine(*r, x.r);
            ++count;
            expected = x.items;
        }
        if (!r || count != expected) {
            std::cerr << "daxfail merge: the shards hold " << count << " of the parts of pair " << p << "\n";
            return exit_bad_input;
        }
        results.push_back(*r);
    }
    return detail_explore::print(results, o, format, p->has("--wide"), timing, fail_on_invariant);
}

}  // namespace daxfail::cli

#endif
