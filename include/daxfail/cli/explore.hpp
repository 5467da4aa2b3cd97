// `daxfail explore`: every interleaving of a concurrent scenario's actors with
// its event, under each variant, within bounds (explore/run.hpp), dealt into
// shards for `daxfail merge` with --shard, tried on kernels with --confirm.
#ifndef DAXFAIL_CLI_EXPLORE_HPP
#define DAXFAIL_CLI_EXPLORE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/idea.hpp>
#include <daxfail/cli/races.hpp>
#include <daxfail/cli/replay.hpp>
#include <daxfail/concurrent_scenarios.hpp>
#include <daxfail/explore/explorer.hpp>
#include <daxfail/explore/replay.hpp>
#include <daxfail/explore/report.hpp>
#include <daxfail/explore/run.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
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
                    idea_option(),
                    number_option("--depth", "steps per schedule before it is cut (1 to 100000).", "200",
                                  detail::whole_number_from<1, 100000>),
                    number_option("--preemptions", "switches away from an actor that could go on, per schedule (0 to 64).",
                                  "2", detail::whole_number_from<0, 64>),
                    {.name = "--reduction",
                     .arg = takes::one,
                     .help = "skip schedules that only swap two independent steps of a schedule explored already "
                             "(sleep-sets; docs/explore.md): the verdicts, the sequential results and the "
                             "counterexample lengths stay those of none, the counts of schedules and states shrink.",
                     .default_text = "none",
                     .choices = {"none", "sleep-sets"}},
                    jobs_option(),
                    {.name = "--strategy",
                     .arg = takes::one,
                     .help = "which schedules run: dfs, every one within the bounds; random, --runs schedules each "
                             "taking any actor that can go with equal chances; pct, --runs schedules of "
                             "probabilistic concurrency testing, with the probability bound it reaches for bugs of "
                             "depth --pct-depth. random and pct ignore --preemptions and report the (actor, yield "
                             "point) pairs they covered.",
                     .default_text = "dfs",
                     .choices = {"dfs", "random", "pct"}},
                    number_option("--runs", "with --strategy random or pct: schedules per variant and scenario (1 to "
                                  "999999999).", "1000", detail::whole_number_from<1, 999999999>),
                    number_option("--seed", "with --strategy random or pct: where every run's choices come from (0 to "
                                  "999999999); the same seed gives the same schedules, whatever -j and --shard are.",
                                  "1", detail::whole_number_from<0, 999999999>),
                    number_option("--pct-depth", "with --strategy pct: the bug depth d (ordering constraints) the "
                                  "probability bound is for; each run changes priorities d-1 times (1 to 10).",
                                  "3", detail::whole_number_from<1, 10>),
                    time_limit_option("start no work item or schedule after S seconds of wall-clock time; the "
                                      "report covers every pair with a schedule run, the verdicts found so far, and "
                                      "is marked partial (a pair cut short: \"stopped\" in JSON, (stopped) in the "
                                      "table)."),
                    format_option({"table", "md", "json"}, "table, Markdown or JSON."),
                    wide_option(),
                    dot_option("DIR", "write each counterexample as Graphviz DOT (one lane per actor) into DIR.",
                               completes::dirs),
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
                    race_runs_option("--confirm-runs",
                                     "runs per counterexample with --confirm (1 to 1000; the swept steps start at a "
                                     "different delay in each)."),
                    cache_option("with --confirm: where kernel packages, plans, reports and consoles are kept."),
                    progress_option()},
        .other_forms = {"--replay FILE [--dot DIR]"}};
}

namespace detail {

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

/// Prints the report; `partial` (when not empty) says what an interrupted or time-limited run left out, and the
/// status is `partial_status` (130 for an interruption).
inline int print_exploration(const std::vector<explore::result>& results, const explore::options& o,
                             const std::string& format, bool wide, bool timing, bool fail_on_invariant,
                             const std::string& partial = {}, int partial_status = exit_interrupted) {
    if (format == "json") {
        auto j = explore::to_json(results, o, timing);
        if (!partial.empty()) j["partial"] = partial;
        std::cout << j.dump(2) << "\n";
    } else {
        if (!partial.empty()) std::cout << partial << "\n";
        std::cout << (format == "md" ? explore::to_markdown(results)
                                      : explore::to_table(results, wide ? 0 : explore::table_width));
    }
    if (!partial.empty() && partial_status != exit_ok) return partial_status;
    bool violated = false;
    for (const auto& r : results) violated = violated || r.any_violated();
    return fail_on_invariant && violated ? exit_invariant : exit_ok;
}

/// The exploration the options and operands ask for (the variants, the scenario files given or the concurrent
/// catalog); nullopt, said on stderr, when they are bad.
inline std::optional<explore::run_request> exploration(const parsed& p, const std::vector<variant_spec>& extras) {
    explore::run_request q;
    if (p.has("--depth")) q.bounds.depth = static_cast<u32>(std::stoul(p.value("--depth")));
    if (p.has("--preemptions")) q.bounds.preemptions = static_cast<u32>(std::stoul(p.value("--preemptions")));
    if (p.has("--reduction")) q.bounds.reduction = *explore::reduction_from_name(p.value("--reduction"));
    if (p.has("--shard")) {
        const std::string shard = p.value("--shard");
        q.shard = explore::shard{std::stoul(shard.substr(0, shard.find('/'))), std::stoul(shard.substr(shard.find('/') + 1))};
    }
    if (p.has("--strategy")) q.bounds.strategy = *explore::strategy_from_name(p.value("--strategy"));
    for (const char* flag : {"--runs", "--seed", "--pct-depth"})
        if (p.has(flag) && q.bounds.strategy == explore::strategy::dfs) {
            std::cerr << "daxfail explore: " << flag << " goes with --strategy random or pct\n";
            return std::nullopt;
        }
    if (p.has("--reduction") && q.bounds.strategy != explore::strategy::dfs) {
        std::cerr << "daxfail explore: --reduction goes with --strategy dfs (random and pct run each sample as drawn)\n";
        return std::nullopt;
    }
    if (p.has("--pct-depth") && q.bounds.strategy != explore::strategy::pct) {
        std::cerr << "daxfail explore: --pct-depth goes with --strategy pct\n";
        return std::nullopt;
    }
    if (p.has("--runs")) q.bounds.runs = std::stoull(p.value("--runs"));
    if (p.has("--seed")) q.bounds.seed = std::stoull(p.value("--seed"));
    if (p.has("--pct-depth")) q.bounds.pct_depth = static_cast<u32>(std::stoul(p.value("--pct-depth")));
    if (p.has("--max-seconds")) q.bounds.max_seconds = std::stod(p.value("--max-seconds"));
    q.jobs = p.has("--jobs") ? static_cast<unsigned>(std::stoul(p.value("--jobs"))) : explore::detail::default_jobs();
    auto given = variants_given(p, extras, "explore");
    if (!given) return std::nullopt;
    q.variants = std::move(*given);
    if (p.operands.empty()) q.scenarios = scenarios::concurrent(), q.files.assign(q.scenarios.size(), "");
    else if (!load_all(expand_paths(p.operands), q.scenarios, std::cerr, &q.files)) return std::nullopt;
    if (q.scenarios.empty()) {
        std::cerr << "daxfail explore: no scenario files found\n";
        return std::nullopt;
    }
    for (const auto& sc : q.scenarios)
        if (auto errors = explore::validate_actors(sc); !errors.empty()) {
            for (const auto& e : errors) std::cerr << sc.name << ": " << e.to_string() << "\n";
            return std::nullopt;
        }
    return q;
}

/// After the whole exploration: --confirm, then --dot, then the report.
inline int finish_exploration(const parsed& p, const explore::run_request& q, std::vector<explore::result>& results) {
    const std::string format = p.value("--format", "table"), dot_dir = p.value("--dot");
    const bool timing = !p.has("--no-timing");
    if (p.has("--confirm")) {
        const std::size_t runs = p.has("--confirm-runs") ? std::stoul(p.value("--confirm-runs")) : default_race_runs;
        if (int st = confirm_on_kernels(results, q.scenarios, q.variants.size(), p.value("--confirm"), runs,
                                        p.value("--cache", "/var/tmp/daxfail-oracle"), p.has("--progress"));
            st != exit_ok)
            return st;
        if (interrupted)
            return print_exploration(results, q.bounds, format, p.has("--wide"), timing, false,
                                     "partial: interrupted while confirming on a kernel");
    }
    const std::size_t nv = q.variants.size();
    if (!dot_dir.empty())
        for (std::size_t pair = 0; pair < results.size(); ++pair)
            if (!write_dots(dot_dir, q.variants[pair % nv], q.scenarios[pair / nv], results[pair])) return exit_bad_input;
    return print_exploration(results, q.bounds, format, p.has("--wide"), timing, p.has("--fail-on-invariant"));
}

}  // namespace detail

inline int cmd_explore(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    detail::sigint_scope sigint;  // from the start: a SIGINT while getting ready still ends with the partial report
    int status = exit_ok;
    const auto p = parse_or_exit(explore_command(extras), args, status);
    if (!p) return status;
    const auto known = with_ideas(*p, extras, "explore");
    if (!known) return exit_bad_input;
    const bool sharded = p->has("--shard");
    if (p->has("--replay")) return detail::replay_file(p->value("--replay"), p->value("--dot"), *known, p->operands);
    if (sharded && p->has("--confirm")) {
        std::cerr << "daxfail explore: --confirm runs after the whole exploration; it does not go with --shard\n";
        return exit_bad_input;
    }
    const auto q = detail::exploration(*p, *known);
    if (!q) return exit_bad_input;
    detail::progress bar("explore", "parts", p->has("--progress"));
    explore::run_hooks hooks;
    hooks.stop = [] { return detail::interrupted != 0; };
    hooks.progress = [&](std::size_t done, std::size_t mine, u64 schedules) {
        bar.update(done, mine, -1, ", " + std::to_string(schedules) + " schedules");
    };
    const auto r = explore::explore_all(*q, hooks);
    bar.finish();
    const std::string mark =
        "partial: interrupted after " + std::to_string(r.done) + " of " + std::to_string(r.mine) + " parts";
    if (detail::interrupted && sharded) {  // a shard missing parts cannot be merged: nothing on stdout
        std::cerr << "daxfail explore: " << mark << "; no shard written\n";
        return detail::exit_interrupted;
    }
    if (r.timed_out && sharded) {
        std::cerr << "daxfail explore: stopped at the time limit after " << r.done << " of " << r.mine
                  << " parts; no shard written\n";
        return exit_bad_input;
    }
    if (sharded) {
        std::cout << explore::shard_to_json(*q, r, !p->has("--no-timing")).dump(2) << "\n";
        return exit_ok;
    }
    if (detail::interrupted)  // the pairs explored to the end, in order
        return detail::print_exploration(r.complete_results(), q->bounds, p->value("--format", "table"),
                                         p->has("--wide"), !p->has("--no-timing"), false, mark);
    if (r.timed_out)  // what ran, marked; not an error
        return detail::print_exploration(r.explored_results(), q->bounds, p->value("--format", "table"),
                                         p->has("--wide"), !p->has("--no-timing"), p->has("--fail-on-invariant"),
                                         "partial: stopped at the time limit (--max-seconds " +
                                             p->value("--max-seconds") + ") after " + std::to_string(r.done) + " of " +
                                             std::to_string(r.mine) + " parts",
                                         exit_ok);
    auto results = r.results;
    return detail::finish_exploration(*p, *q, results);
}

}  // namespace daxfail::cli

#endif
