// What the daxfail command's subcommands share: exit codes, finding and loading
// scenario files, scenarios and variants by name, the options several
// subcommands take.
#ifndef DAXFAIL_CLI_COMMON_HPP
#define DAXFAIL_CLI_COMMON_HPP

#include <daxfail/cli/detail/interrupt.hpp>
#include <daxfail/cli/detail/options.hpp>
#include <daxfail/cli/detail/progress.hpp>
#include <daxfail/detail/did_you_mean.hpp>
#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/variant_names.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::cli {

using namespace daxfail;

/// Exit status: 0 success, 1 an invariant failed (--fail-on-invariant) or a disagreement, 2 bad input.
inline constexpr int exit_ok = 0, exit_invariant = 1, exit_bad_input = 2;

/// Expands directories into their *.json scenario files (sorted; JSON Schema files skipped).
inline std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
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

/// Loads scenario files; prints every error and returns false if any file is bad. `paths`, when given, gets the
/// file each scenario came from.
inline bool load_all(const std::vector<std::string>& files, std::vector<scenario>& out, std::ostream& err,
                     std::vector<std::string>* paths = nullptr) {
    bool ok = true;
    for (const auto& f : files) {
        auto r = json::load_scenario_file(f);
        if (!r.ok()) {
            ok = false;
            for (const auto& e : r.errors) err << f << ": " << e.to_string() << "\n";
            continue;
        }
        out.push_back(*r.value);
        if (paths) paths->push_back(f);
    }
    return ok;
}

/// Runs a parse of `args` against `c`: nullopt with the exit status when the command is done (help, bad input).
inline std::optional<detail::parsed> parse_or_exit(const detail::command& c, const std::vector<std::string>& args,
                                                   int& status) {
    detail::parsed p;
    switch (detail::parse(c, args, p, std::cout, std::cerr)) {
    case detail::parse_status::ok: return p;
    case detail::parse_status::help: status = exit_ok; return std::nullopt;
    case detail::parse_status::error: break;
    }
    status = exit_bad_input;
    return std::nullopt;
}

// Options several subcommands take, each described once.
inline detail::option variants_option(const std::vector<variant_spec>& extras) {
    std::string names = presets::name_list();
    for (const auto& e : extras) names += ", " + e.name;
    std::string parametric;
    for (const auto& f : parametric_families)
        parametric += (parametric.empty() ? "" : ", ") + std::string(f.axis) + "=" + std::string(f.grammar);
    return {.name = "--variants",
            .arg = detail::takes::one,
            .metavar = "LIST|all",
            .help = "presets (" + names + ") and policy combinations, comma-separated; axis=value items form one "
                    "combination on top of merged (or base=PRESET), ';' starts another; repeatable. Values with "
                    "arguments: " + parametric + " (docs/policies.md). 'all': "
                    "rmap_source x freeze x thaw x shutdown x collector over merged (216 variants).",
            .default_text = "the presets" + std::string(extras.empty() ? "" : " and the program's own variants"),
            .completion = detail::completes::variants};
}
inline detail::option progress_option() {
    return {.name = "--progress",
            .help = "progress on stderr (done of total, elapsed, time left) even when stderr is not a terminal; on a "
                    "terminal it is shown for runs longer than a second."};
}
inline detail::option fail_on_invariant_option() {
    return {.name = "--fail-on-invariant", .help = "exit with status 1 when any run fails an invariant."};
}
/// --max-seconds S, saying what the limit does.
inline detail::option time_limit_option(std::string help) {
    return {.name = "--max-seconds",
            .arg = detail::takes::one,
            .metavar = "S",
            .help = std::move(help),
            .default_text = "no limit",
            .check = detail::positive_seconds};
}
inline detail::option max_seconds_option(const char* what) {
    return time_limit_option(std::string("stop ") + what + " after S seconds of wall-clock time; it is reported as "
                             "'limit reached', not as a kernel that does not terminate.");
}
/// --format with `choices`, the first the default; `help` names them in words.
inline detail::option format_option(std::vector<std::string> choices, std::string help) {
    std::string deflt = choices.front();
    return {.name = "--format",
            .arg = detail::takes::one,
            .help = std::move(help),
            .default_text = std::move(deflt),
            .choices = std::move(choices)};
}
/// An option that takes a whole number N, which `check` bounds (detail::whole_number_from).
inline detail::option number_option(std::string name, std::string help, std::string default_text,
                                    std::string (*check)(const std::string&)) {
    return {.name = std::move(name),
            .arg = detail::takes::one,
            .metavar = "N",
            .help = std::move(help),
            .default_text = std::move(default_text),
            .check = check};
}
/// --jobs N (-j N): work items explored at once, each on a thread of its own.
inline detail::option jobs_option() {
    auto o = number_option("--jobs",
                           "work items (variant x scenario x first step) explored at once, each on a thread of its own "
                           "(1 to 1024); the output is the same bytes whatever N is.",
                           "the machine's cores", detail::whole_number_from<1, 1024>);
    o.alias = "-j";
    return o;
}
/// --wide: the table as long as its lines are (the default wraps at 120 columns).
inline detail::option wide_option() {
    return {.name = "--wide", .help = "with the table format: lines as long as they are (the default wraps at 120 columns)."};
}
/// --scenario FILE|DIR...
inline detail::option scenario_option(std::string default_text) {
    return {.name = "--scenario",
            .arg = detail::takes::some,
            .metavar = "FILE|DIR...",
            .help = "scenario files, or directories of *.json files.",
            .default_text = std::move(default_text),
            .completion = detail::completes::files};
}
/// --dot: Graphviz DOT written to `metavar` (a file or a directory, as `completion` says); off by default.
inline detail::option dot_option(std::string metavar, std::string help, detail::completes completion) {
    return {.name = "--dot",
            .arg = detail::takes::one,
            .metavar = std::move(metavar),
            .help = std::move(help),
            .default_text = "no DOT",
            .completion = completion};
}
/// --color: whether to paint stdout.
inline detail::option color_option() {
    return {.name = "--color",
            .arg = detail::takes::one,
            .help = "colours in the table: always, never, or auto (only when standard output is a terminal and "
                    "NO_COLOR is not set).",
            .default_text = "auto",
            .choices = {"auto", "always", "never"}};
}

/// The value of --max-seconds (checked by the parser).
inline double seconds_value(const detail::parsed& p, double fallback) {
    return p.has("--max-seconds") ? std::stod(p.value("--max-seconds")) : fallback;
}

/// The variants of every --variants given (joined as by ';'); the presets and `extras` when none is given.
inline std::optional<std::vector<variant_spec>> variants_given(const detail::parsed& p, const std::vector<variant_spec>& extras,
                                                               const std::string& command) {
    const auto lists = p.values("--variants");
    if (lists.empty()) {
        auto out = preset_specs();
        out.insert(out.end(), extras.begin(), extras.end());
        return out;
    }
    // 'all' may be given more than once, or next to other lists: the 216 combinations, then the others not among them.
    bool all = false;
    std::string joined, error;
    for (const auto& l : lists) {
        if (l == "all") all = true;
        else joined += (joined.empty() ? "" : ";") + l;
    }
    std::vector<variant_spec> out = all ? all_combination_specs() : std::vector<variant_spec>{};
    if (joined.empty()) return out;
    auto parsed = parse_variant_list(joined, error, extras);
    if (!parsed) {
        std::cerr << "daxfail " << command << ": --variants: " << error << "\n";
        return parsed;
    }
    for (auto& v : *parsed)
        if (std::none_of(out.begin(), out.end(), [&](const variant_spec& o) { return o.name == v.name; }))
            out.push_back(std::move(v));
    return out;
}

/// A scenario named in one of `catalogs` (in order), else read from a file; on failure says why on stderr,
/// with the nearest catalog name when the word is no file.
inline std::optional<scenario> scenario_named(const std::string& name_or_path,
                                              const std::vector<std::vector<scenario>>& catalogs,
                                              const std::string& command) {
    std::vector<std::string> names;
    for (const auto& cat : catalogs)
        for (const auto& s : cat) {
            if (s.name == name_or_path) return s;
            names.push_back(s.name);
        }
    std::error_code ec;
    if (!std::filesystem::exists(name_or_path, ec)) {
        const std::string stem = std::filesystem::path(name_or_path).stem().string();
        std::cerr << "daxfail " << command << ": '" << name_or_path << "' is neither a catalog scenario nor a file"
                  << daxfail::detail::did_you_mean_suffix(stem.empty() ? name_or_path : stem, names) << "\n";
        return std::nullopt;
    }
    std::vector<scenario> loaded;
    if (!load_all({name_or_path}, loaded, std::cerr)) return std::nullopt;
    return loaded.front();
}

/// --scenario NAME|FILE|DIR... for the commands that take catalog scenarios by name too.
inline detail::option scenario_names_option(std::string default_text) {
    return {.name = "--scenario",
            .arg = detail::takes::some,
            .metavar = "NAME|FILE|DIR...",
            .help = "catalog scenarios by name (the concurrent ones too), scenario files, or directories of *.json "
                    "files.",
            .default_text = std::move(default_text),
            .completion = detail::completes::scenarios};
}

/// The scenarios of --scenario (scenario_names_option): each word a directory of files, else as scenario_named
/// finds it; nullopt, said on stderr, when one is bad.
inline std::optional<std::vector<scenario>> scenarios_named(const std::vector<std::string>& words,
                                                            const std::vector<std::vector<scenario>>& catalogs,
                                                            const std::string& command) {
    std::vector<scenario> out;
    for (const auto& w : words) {
        std::error_code ec;
        if (std::filesystem::is_directory(w, ec)) {
            if (!load_all(expand_paths({w}), out, std::cerr)) return std::nullopt;
            continue;
        }
        auto s = scenario_named(w, catalogs, command);
        if (!s) return std::nullopt;
        out.push_back(std::move(*s));
    }
    return out;
}

inline bool use_color(const detail::parsed& p) {
    const std::string when = p.value("--color", "auto");
    if (when != "auto") return when == "always";
    const char* no_color = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) != 0 && !(no_color && *no_color);
}

}  // namespace daxfail::cli

#endif
