// `daxfail explore`: every interleaving of a concurrent scenario's actors with
// its event, under each variant, within bounds; `daxfail merge` joins the JSON
// of shards into the report one run gives.
#ifndef DAXFAIL_CLI_EXPLORE_HPP
#define DAXFAIL_CLI_EXPLORE_HPP

#include <daxfail/cli/common.hpp>
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

inline std::string usage_explore() {
    return std::string(
        "usage: daxfail explore [FILE|DIR...] [--variants LIST|all] [--depth N] [--preemptions N]\n"
        "                       [--format table|md|json] [--dot DIR] [--fail-on-invariant] [--shard K/N]\n"
        "                       [--no-timing]\n"
        "       daxfail explore --replay FILE [--dot DIR]\n"
        "\n"
        "Runs the scenario's event together with its actors (FIFREEZE/FITHAW, a kernel freeze holder, faulting,\n"
        "unmapping and exiting tasks, madvise(MADV_HWPOISON), a second notification) in every order the bounds\n"
        "allow, and judges the invariants at the end of each schedule.\n"
        "\n"
        "  FILE|DIR...       concurrent scenario files (or directories of them). Default: the catalog's\n"
        "                    concurrent scenarios.\n"
        "  --variants LIST   as for compare (presets: ") + presets::name_list() + ").\n"
        "                    Default: the presets.\n"
        "  --depth N         steps per schedule before it is cut (default 200).\n"
        "  --preemptions N   switches away from an actor that could go on, per schedule (default 2).\n"
        "  --format F        table (default), md or json.\n"
        "  --dot DIR         write each counterexample as Graphviz DOT (one lane per actor) into DIR.\n"
        "  --replay FILE     run again the schedule(s) of one results[] entry of a JSON report, step by step:\n"
        "                    its \"schedule\", or else the counterexample of each violated invariant. The\n"
        "                    scenario is looked up by name in the catalog, else read as a path.\n"
        "  --fail-on-invariant  exit with status 1 when any invariant is violated.\n"
        "  --shard K/N       explore only the K-th of N deterministic slices (variant x scenario x first step)\n"
        "                    and write them as JSON for `daxfail merge`.\n"
        "  --no-timing       write 0 for seconds (byte-identical reports).\n";
}

inline const char* const usage_merge =
    "usage: daxfail merge SHARD.json... [--format table|md|json] [--fail-on-invariant]\n"
    "\n"
    "Joins the outputs of `daxfail explore --shard K/N` (every K of one N) into the report a single\n"
    "`daxfail explore` gives: the same bytes with --format json when the shards ran with --no-timing.\n";

namespace detail_explore {

/// A scenario named in the catalog (concurrent first), else a file.
inline std::optional<scenario> find_scenario(const std::string& name_or_path, std::ostream& err) {
    for (auto& s : scenarios::concurrent())
        if (s.name == name_or_path) return s;
    for (auto& s : scenarios::catalog())
        if (s.name == name_or_path) return s;
    auto r = json::load_scenario_file(name_or_path);
    if (!r.ok()) {
        err << "daxfail explore: scenario '" << name_or_path << "' is not in the catalog";
        if (std::filesystem::exists(name_or_path))
            for (const auto& e : r.errors) err << "\n" << name_or_path << ": " << e.to_string();
        else err << " and there is no such file";
        err << "\n";
        return std::nullopt;
    }
    return *r.value;
}

inline bool parse_count(const std::string& text, u32& out, u32 max) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    const unsigned long v = std::strtoul(text.c_str(), nullptr, 10);
    if (v > max) return false;
    out = static_cast<u32>(v);
    return true;
}

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

inline int print(const std::vector<explore::result>& results, const explore::options& o, const std::string& format,
                 bool timing, bool fail_on_invariant) {
    if (format == "json") std::cout << explore::to_json(results, o, timing).dump(2) << "\n";
    else if (format == "md") std::cout << explore::to_markdown(results);
    else std::cout << explore::to_table(results);
    bool violated = false;
    for (const auto& r : results) violated = violated || r.any_violated();
    return fail_on_invariant && violated ? exit_invariant : exit_ok;
}

inline int replay_entry(const std::string& file, const std::string& dot_dir, const std::vector<variant_spec>& extras) {
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
    auto s = find_scenario(entry["scenario"].get<std::string>(), std::cerr);
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
inline int replay_file(const std::string& file, const std::string& dot_dir, const std::vector<variant_spec>& extras) {
    try {
        return replay_entry(file, dot_dir, extras);
    } catch (const std::exception& e) {
        std::cerr << file << ": cannot be replayed: " << e.what() << "\n";
        return exit_bad_input;
    }
}

/// Progress on stderr once a run takes longer than a second (a rewritten line on a terminal).
struct progress {
    double start = explore::detail::wall_seconds(), last = start;
    bool tty = isatty(STDERR_FILENO) != 0;
    bool shown = false;
    void update(std::size_t done, std::size_t total, u64 schedules) {
        const double now = explore::detail::wall_seconds();
        if (now - start < 1.0 || now - last < (tty ? 0.2 : 5.0)) return;
        last = now;
        shown = true;
        std::cerr << (tty ? "\r" : "") << "daxfail explore: " << done << "/" << total << " parts, " << schedules
                  << " schedules, " << static_cast<long long>(now - start) << " s" << (tty ? "" : "\n") << std::flush;
    }
    void finish() {
        if (shown && tty) std::cerr << "\n";
    }
};

}  // namespace detail_explore

inline int cmd_explore(const std::vector<std::string>& args, const std::vector<variant_spec>& extras = {}) {
    std::string variants_arg, format = "table", dot_dir, replay;
    std::vector<std::string> paths;
    bool fail_on_invariant = false, timing = true, sharded = false;
    u32 shard_k = 1, shard_n = 1;
    explore::options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                std::cerr << "daxfail explore: " << flag << " needs a value\n";
                return std::nullopt;
            }
            return args[++i];
        };
        if (is_help(a)) {
            std::cout << usage_explore();
            return exit_ok;
        } else if (a == "--variants") {
            auto v = value("--variants");
            if (!v) return exit_bad_input;
            variants_arg += (variants_arg.empty() ? "" : ";") + *v;
        } else if (a == "--format") {
            auto v = value("--format");
            if (!v) return exit_bad_input;
            format = *v;
        } else if (a == "--depth" || a == "--preemptions") {
            auto v = value(a.c_str());
            u32& target = a == "--depth" ? o.depth : o.preemptions;
            const u32 max = a == "--depth" ? 100000 : 64;
            if (!v || !detail_explore::parse_count(*v, target, max) || (a == "--depth" && target == 0)) {
                std::cerr << "daxfail explore: " << a << ": '" << (v ? *v : "") << "' is not a whole number from "
                          << (a == "--depth" ? "1" : "0") << " to " << max << "\n";
                return exit_bad_input;
            }
        } else if (a == "--dot") {
            auto v = value("--dot");
            if (!v) return exit_bad_input;
            dot_dir = *v;
        } else if (a == "--replay") {
            auto v = value("--replay");
            if (!v) return exit_bad_input;
            replay = *v;
        } else if (a == "--fail-on-invariant") {
            fail_on_invariant = true;
        } else if (a == "--no-timing") {
            timing = false;
        } else if (a == "--shard") {
            auto v = value("--shard");
            const auto slash = v ? v->find('/') : std::string::npos;
            if (!v || slash == std::string::npos || !detail_explore::parse_count(v->substr(0, slash), shard_k, 1u << 20) ||
                !detail_explore::parse_count(v->substr(slash + 1), shard_n, 1u << 20) || shard_n == 0 || shard_k == 0 ||
                shard_k > shard_n) {
                std::cerr << "daxfail explore: --shard: '" << (v ? *v : "") << "' is not K/N with 1 <= K <= N\n";
                return exit_bad_input;
            }
            sharded = true;
        } else if (a.rfind("--", 0) == 0) {
            std::cerr << "daxfail explore: unknown argument '" << a << "'\n" << usage_explore();
            return exit_bad_input;
        } else {
            paths.push_back(a);
        }
    }
    if (format != "table" && format != "md" && format != "json") {
        std::cerr << "daxfail explore: --format must be table, md or json, not '" << format << "'\n";
        return exit_bad_input;
    }
    if (!replay.empty()) return detail_explore::replay_file(replay, dot_dir, extras);

    std::vector<variant_spec> variants;
    if (variants_arg.empty()) {
        variants = preset_specs();
        variants.insert(variants.end(), extras.begin(), extras.end());
    } else if (variants_arg == "all") {
        variants = all_combination_specs();
    } else {
        std::string error;
        auto parsed = parse_variant_list(variants_arg, error, extras);
        if (!parsed) {
            std::cerr << "daxfail explore: --variants: " << error << "\n";
            return exit_bad_input;
        }
        variants = *parsed;
    }
    std::vector<scenario> scens;
    if (paths.empty()) scens = scenarios::concurrent();
    else if (!load_all(expand_paths(paths), scens, std::cerr)) return exit_bad_input;
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
    detail_explore::progress prog;
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    std::vector<explore::result> results;
    for (std::size_t p = 0; p < variants.size() * scens.size(); ++p) {
        results.push_back(explore::detail::empty_result(variants[p % variants.size()].name, scens[p / variants.size()], o));
    }
    u64 schedules = 0;
    for (std::size_t w = 0; w < work.size(); ++w) {
        if (w % shard_n != shard_k - 1) continue;
        const auto& it = work[w];
        const auto& v = variants[it.pair % variants.size()];
        const auto& s = scens[it.pair / variants.size()];
        auto part = explore::explore_item(v.cfg, v.name, s, it.first, o, it.first);
        schedules += part.schedules;
        if (sharded) parts.push_back(explore::part_to_json(part, it.pair, it.first, it.items));
        else explore::combine(results[it.pair], part);
        prog.update(w + 1, work.size(), schedules);
    }
    prog.finish();
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
    if (!dot_dir.empty())
        for (std::size_t p = 0; p < results.size(); ++p)
            if (!detail_explore::write_dots(dot_dir, variants[p % variants.size()], scens[p / variants.size()], results[p]))
                return exit_bad_input;
    return detail_explore::print(results, o, format, timing, fail_on_invariant);
}

inline int cmd_merge(const std::vector<std::string>& args) {
    std::string format = "json";
    bool fail_on_invariant = false;
    std::vector<std::string> files;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (is_help(args[i])) {
            std::cout << usage_merge;
            return exit_ok;
        } else if (args[i] == "--format" && i + 1 < args.size()) {
            format = args[++i];
        } else if (args[i] == "--fail-on-invariant") {
            fail_on_invariant = true;
        } else if (args[i].rfind("--", 0) == 0) {
            std::cerr << "daxfail merge: unknown argument '" << args[i] << "'\n" << usage_merge;
            return exit_bad_input;
        } else {
            files.push_back(args[i]);
        }
    }
    if (format != "table" && format != "md" && format != "json") {
        std::cerr << "daxfail merge: --format must be table, md or json, not '" << format << "'\n";
        return exit_bad_input;
    }
    if (files.empty()) {
        std::cerr << "daxfail merge: no shard files\n" << usage_merge;
        return exit_bad_input;
    }
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
            u32 k = 0, n = 0;
            if (slash == std::string::npos || !detail_explore::parse_count(shard.substr(0, slash), k, 1u << 20) ||
                !detail_explore::parse_count(shard.substr(slash + 1), n, 1u << 20))
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
    return detail_explore::print(results, o, format, timing, fail_on_invariant);
}

}  // namespace daxfail::cli

#endif
