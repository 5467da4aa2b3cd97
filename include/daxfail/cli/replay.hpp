// `daxfail explore --replay FILE`: the schedules of one results[] entry of an
// explore JSON report run again step by step (explore/replay_entry.hpp reads
// the entry), each said as it runs and, with --dot, drawn.
#ifndef DAXFAIL_CLI_REPLAY_HPP
#define DAXFAIL_CLI_REPLAY_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/explore/replay.hpp>
#include <daxfail/explore/replay_entry.hpp>
#include <daxfail/variant_names.hpp>

#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli::detail {

/// A name fit for a file name: what is not a letter, a digit, '_', '-' or '.' becomes '_'.
inline std::string file_safe(std::string s) {
    for (char& c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) c = '_';
    return s;
}

/// Replays one job, prints it, and writes its DOT into `dot_dir` (when given); the exit status it deserves.
inline int replay_job(const std::string& file, const std::string& dot_dir, const variant_spec& v, const scenario& s,
                      const explore::replay_job& j) {
    const auto r = explore::replay(v.cfg, s, j.steps);
    std::cout << s.name << " under " << v.name << ": " << j.what << " (" << j.steps.size() << " steps)\n"
              << explore::replay_to_text(r);
    if (!r.followed) {
        std::cerr << "daxfail explore: " << file << ": the schedule does not replay: " << r.error << "\n";
        return exit_bad_input;
    }
    int status = exit_ok;
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
        const auto path = std::filesystem::path(dot_dir) / (file_safe(v.name) + "__" + file_safe(s.name) + "__" +
                                                            file_safe(j.expect.empty() ? "schedule" : j.expect) + ".dot");
        std::ofstream(path) << explore::replay_to_dot(s.name + " under " + v.name + ": " + j.what, r);
    }
    return status;
}

inline int replay_entry(const std::string& file, const std::string& dot_dir, const std::vector<variant_spec>& extras,
                        const std::vector<std::string>& given) {
    std::string error, source;
    const auto bad = [&] {
        std::cerr << file << ": " << error << "\n";
        return exit_bad_input;
    };
    const auto entry = explore::read_report_entry(file, error);
    if (!entry) return bad();
    const auto v = explore::entry_variant(*entry, extras, error);
    if (!v) return bad();
    const auto s = explore::entry_scenario(*entry, expand_paths(given), given.empty(), source, error);
    if (!s) return bad();
    std::cout << source << "\n";
    const auto jobs = explore::replay_jobs(*entry, error);
    if (!jobs) return bad();
    int status = exit_ok;
    for (const auto& j : *jobs)
        if (const int st = replay_job(file, dot_dir, *v, *s, j); st != exit_ok) status = st;
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

}  // namespace daxfail::cli::detail

#endif
