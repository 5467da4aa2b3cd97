// `daxfail check`: validate scenario files, print every error and what the
// presets' kernels could not build.
#ifndef DAXFAIL_CLI_CHECK_HPP
#define DAXFAIL_CLI_CHECK_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/setup_warnings.hpp>
#include <daxfail/variant_names.hpp>

#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command check_command() {
    return {.name = "check",
            .summary = "validate scenario files and report every error",
            .operands = "FILE|DIR...",
            .min_operands = 1,
            .max_operands = detail::any_number,
            .operand_completion = detail::completes::files,
            .description = "Validates scenario files (directories: their *.json files). Prints FILE: ok, and as warnings "
                           "the states some presets' kernels cannot build, on stdout; every error as FILE: field.path: "
                           "reason on stderr (exit status 2).",
            .options = {{.name = "--explain-layout",
                         .help = "print the extents chosen for each file given by its size alone (laid out as a "
                                 "fresh XFS would: per group, after the headers, around explicit extents)."}}};
}

/// "FILE: layout: inodes[1] (ino 134): 5120 blocks of 4096 bytes in 4 extent(s)", then a line per extent.
inline void print_layout(const std::string& file, const json::load_result& r, std::ostream& out) {
    const u64 bs = r.value->world.mp.blocksize;
    for (const auto& f : r.layout) {
        u64 blocks = 0;
        for (const auto& e : f.extents) blocks += e.blocks;
        out << file << ": layout: " << f.path << " (ino " << f.ino << "): " << blocks << " blocks of " << bs << " bytes in "
            << f.extents.size() << " extent(s)\n";
        for (const auto& e : f.extents)
            out << file << ": layout:   file blocks " << e.file_block << ".." << e.file_block + e.blocks - 1 << " -> group "
                << e.group << " agbno " << e.agbno << ".." << e.agbno + e.blocks - 1 << "\n";
    }
}

inline int cmd_check(const std::vector<std::string>& args, const std::vector<variant_spec>& = {}) {
    int status = exit_ok;
    const auto p = parse_or_exit(check_command(), args, status);
    if (!p) return status;
    bool ok = true;
    const auto files = expand_paths(p->operands);
    if (files.empty()) {
        std::cerr << "daxfail check: no scenario files found\n";
        return exit_bad_input;
    }
    for (const auto& f : files) {
        auto r = json::load_scenario_file(f);
        if (r.ok()) {
            std::cout << f << ": ok\n";
            if (p->has("--explain-layout")) print_layout(f, r, std::cout);
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
            for (const auto& e : r.errors) std::cerr << f << ": " << e.to_string() << "\n";
        }
    }
    return ok ? exit_ok : exit_bad_input;
}

}  // namespace daxfail::cli

#endif
