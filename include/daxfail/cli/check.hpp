// `daxfail check`: validate scenario files, print every error and what the
// presets' kernels could not build.
#ifndef DAXFAIL_CLI_CHECK_HPP
#define DAXFAIL_CLI_CHECK_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/setup_warnings.hpp>

#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace daxfail::cli {

inline const char* const usage_check =
    "usage: daxfail check FILE|DIR...\n"
    "\n"
    "Validates scenario files and prints every error as FILE: field.path: reason.\n";

inline int cmd_check(const std::vector<std::string>& args) {
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

}  // namespace daxfail::cli

#endif
