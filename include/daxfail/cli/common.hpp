// What the daxfail command's subcommands share: exit codes, finding and loading
// scenario files, --max-seconds.
#ifndef DAXFAIL_CLI_COMMON_HPP
#define DAXFAIL_CLI_COMMON_HPP

#include <daxfail/json/scenario_reader.hpp>
#include <daxfail/scenario.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

using namespace daxfail;

/// Exit status: 0 success, 1 an invariant failed (--fail-on-invariant) or a disagreement, 2 bad input.
inline constexpr int exit_ok = 0, exit_invariant = 1, exit_bad_input = 2;

inline bool is_help(const std::string& a) { return a == "--help" || a == "-h"; }

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

/// Loads scenario files; prints every error and returns false if any file is bad.
inline bool load_all(const std::vector<std::string>& files, std::vector<scenario>& out, std::ostream& err) {
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
inline bool parse_seconds(const std::string& text, double& out, const char* command) {
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

}  // namespace daxfail::cli

#endif
