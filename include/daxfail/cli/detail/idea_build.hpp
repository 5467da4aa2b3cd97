// --idea FILE.cpp, the build half: compile an idea file into a shared object with the C++ compiler and the
// headers the command was built with, once per content (a cache keyed by the file, the compiler, the flags and
// the headers), and when it does not compile say why in a few lines, the policy and its missing member first.
#ifndef DAXFAIL_CLI_DETAIL_IDEA_BUILD_HPP
#define DAXFAIL_CLI_DETAIL_IDEA_BUILD_HPP

#include <daxfail/detail/program_dir.hpp>
#include <daxfail/idea.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

// The daxfail command's build defines these (examples/daxfail/CMakeLists.txt): the compiler it was built with,
// its include directory in the source tree, Boost's when it is not a default one (':' between directories), and
// where an installed daxfail finds the installed headers, relative to its bin/.
#ifndef DAXFAIL_IDEA_CXX
#define DAXFAIL_IDEA_CXX "c++"
#endif
#ifndef DAXFAIL_IDEA_INCLUDE
#define DAXFAIL_IDEA_INCLUDE ""
#endif
#ifndef DAXFAIL_IDEA_SYSTEM_INCLUDES
#define DAXFAIL_IDEA_SYSTEM_INCLUDES ""
#endif
#ifndef DAXFAIL_INCLUDE_FROM_BIN
#define DAXFAIL_INCLUDE_FROM_BIN "../include"
#endif

namespace daxfail::cli::detail {

namespace fs = std::filesystem;

/// How idea files are compiled.
struct idea_toolchain {
    std::string cxx;                   ///< $DAXFAIL_CXX, else the command's compiler
    std::string include;               ///< $DAXFAIL_INCLUDE, else the installed headers, else the source tree's
    std::vector<std::string> options;  ///< everything but the input and the output
};

inline std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

/// The toolchain; `error` says why there is none (no headers found).
inline std::optional<idea_toolchain> idea_toolchain_here(std::string& error) {
    idea_toolchain t;
    t.cxx = env_or("DAXFAIL_CXX", DAXFAIL_IDEA_CXX);
    t.include = env_or("DAXFAIL_INCLUDE", "");
    std::error_code ec;
    if (t.include.empty()) {
        const auto dir = daxfail::detail::program_dir();
        const auto installed = (dir / DAXFAIL_INCLUDE_FROM_BIN).lexically_normal();
        if (!dir.empty() && fs::exists(installed / "daxfail" / "idea.hpp", ec)) t.include = installed.string();
        else t.include = DAXFAIL_IDEA_INCLUDE;
    }
    if (t.include.empty() || !fs::exists(fs::path(t.include) / "daxfail" / "idea.hpp", ec)) {
        error = "no daxfail headers found" + (t.include.empty() ? std::string() : " in " + t.include) +
                "; set DAXFAIL_INCLUDE to the directory that holds daxfail/idea.hpp";
        return std::nullopt;
    }
    t.options = {"-std=c++20", "-fPIC", "-shared", "-O1", "-I" + t.include};
    std::stringstream system_includes(DAXFAIL_IDEA_SYSTEM_INCLUDES);
    for (std::string dir; std::getline(system_includes, dir, ':');)
        if (!dir.empty()) t.options.insert(t.options.end(), {"-isystem", dir});
    return t;
}

/// $XDG_CACHE_HOME/daxfail/ideas, else ~/.cache/daxfail/ideas, else under the temporary directory.
inline fs::path idea_cache_dir() {
    const std::string xdg = env_or("XDG_CACHE_HOME", ""), home = env_or("HOME", "");
    if (!xdg.empty()) return fs::path(xdg) / "daxfail" / "ideas";
    if (!home.empty()) return fs::path(home) / ".cache" / "daxfail" / "ideas";
    return fs::temp_directory_path() / ("daxfail-" + std::to_string(getuid())) / "ideas";
}

/// The newest modification time among the headers: an edited header is a new build of every idea.
inline std::string headers_stamp(const std::string& include) {
    std::error_code ec;
    fs::file_time_type newest{};
    for (fs::recursive_directory_iterator it(fs::path(include) / "daxfail", ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec)) newest = std::max(newest, it->last_write_time(ec));
    return std::to_string(newest.time_since_epoch().count());
}

/// Where the shared object of `source` (whose text is `text`) is cached: <stem>-<hash>.so, the hash of everything
/// that makes the build.
inline fs::path idea_object_path(const fs::path& source, const std::string& text, const idea_toolchain& t) {
    std::uint64_t h = daxfail::detail::fnv1a(14695981039346656037ull, text);
    h = daxfail::detail::fnv1a(h, t.cxx);
    for (const auto& o : t.options) h = daxfail::detail::fnv1a(h, "\n" + o);
    h = daxfail::detail::fnv1a(h, headers_stamp(t.include) + "\n" + std::to_string(idea_abi));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return idea_cache_dir() / (source.stem().string() + "-" + hex + ".so");
}

/// Runs argv with its standard output and error appended to `log`; the exit status, -1 when it did not start
/// (127 from a shell-less spawn of a missing program is reported as such too).
inline int run_to_log(const std::vector<std::string>& argv, const fs::path& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// What the compiler said, in at most ten lines: for a policy that the library rejects, first the policy (where
/// the user's file defines it) and its missing or wrong member, then where it is used and the compiler's reason;
/// for any other error its first error lines. `source` is the file as the compiler was given it, `shown` as the
/// user named it.
inline std::vector<std::string> idea_error_lines(const std::string& log, const std::string& source,
                                                 const std::string& shown) {
    std::vector<std::string> lines, text, out;
    std::istringstream in(log);
    for (std::string l; std::getline(in, l);) {
        for (std::size_t at = 0; (at = l.find(source, at)) != std::string::npos; at += shown.size())
            l.replace(at, source.size(), shown);
        lines.push_back(l);
    }
    std::ifstream src(source);
    for (std::string l; std::getline(src, l);) text.push_back(l);
    const auto cut = [](std::string s) {
        s.erase(0, s.find_first_not_of(" \t"));
        return s.size() > 200 ? s.substr(0, 197) + "..." : s;
    };
    const auto first_error = std::find_if(lines.begin(), lines.end(),
                                          [](const std::string& l) { return l.find("error:") != std::string::npos; });
    // The library's own static_asserts start "daxfail: " (a policy) or "daxfail::variant: " (a combination).
    std::size_t library = std::string::npos, skip = 0;
    for (const std::string_view lead : {"daxfail: ", "daxfail::variant: "})
        if (first_error != lines.end() && library == std::string::npos &&
            (library = first_error->find(lead)) != std::string::npos)
            skip = lead.size();
    if (library == std::string::npos) {  // the user's own C++: the compiler's first errors
        for (const auto& l : lines)
            if (l.find("error:") != std::string::npos && out.size() < 6) out.push_back(cut(l));
        return out;
    }
    std::string message = first_error->substr(library + skip);
    if (!message.empty() && message.back() == '"') message.pop_back();  // clang quotes it
    // The policy: gcc names it in the instantiation before the error ("[with P = x"), clang after ("make<x>").
    const std::regex policy_re(R"((?:\[with P = |::make<|must_be_policy<)([A-Za-z_][A-Za-z_0-9:]*))");
    std::string policy, struct_at = shown;
    const auto scan_end = lines.begin() + std::min<std::ptrdiff_t>(lines.end() - lines.begin(),
                                                                   (first_error - lines.begin()) + 40);
    for (auto it = lines.begin(); it != scan_end && policy.empty(); ++it)
        if (std::smatch m; std::regex_search(*it, m, policy_re)) policy = m[1];
    if (!policy.empty()) {
        const std::string bare = policy.substr(policy.rfind(':') == std::string::npos ? 0 : policy.rfind(':') + 1);
        const std::regex struct_re(R"((^|\s)(struct|class)\s+)" + bare + R"(\b)");
        for (std::size_t i = 0; i < text.size(); ++i)
            if (std::regex_search(text[i], struct_re)) {
                struct_at = shown + ":" + std::to_string(i + 1);
                break;
            }
        out.push_back(struct_at + ": " + policy + ": " + message);
    } else {
        out.push_back(shown + ": " + message);
    }
    // Where: the first place in the user's file the compiler names ("required from here", "requested here").
    const std::regex where_re("^" + std::regex_replace(shown, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                              R"(:([0-9]+):[0-9]+:.*(required (from )?here|requested here|in instantiation))");
    for (const auto& l : lines)
        if (std::smatch m; std::regex_search(l, m, where_re)) {
            const std::size_t n = std::stoul(m[1]);
            out.push_back(shown + ":" + std::to_string(n) + ": used here: " + (n <= text.size() ? cut(text[n - 1]) : ""));
            break;
        }
    // Why, in the compiler's words: its last reason before the next error (clang's last names both types).
    std::string why;
    for (auto it = first_error + 1; it != scan_end && it->find("error:") == std::string::npos; ++it)
        if (it->find("does not satisfy") != std::string::npos || it->find("was not satisfied") != std::string::npos ||
            it->find("evaluated to false") != std::string::npos)
            why = it->substr(it->find("note: ") == std::string::npos ? 0 : it->find("note: ") + 6);
    if (!why.empty()) out.push_back("the compiler: " + cut(why));
    return out;
}

/// The shared object of an idea file: built (or found in the cache). `error` holds at most ~10 lines when it
/// cannot be; `note` says that it was compiled, and how long it took.
inline std::optional<fs::path> build_idea(const std::string& file, std::vector<std::string>& error, std::string& note) {
    std::error_code ec;
    std::ifstream in(file, std::ios::binary);
    if (!fs::is_regular_file(file, ec) || !in) {
        error = {"no such file"};
        return std::nullopt;
    }
    std::string why;
    const auto t = idea_toolchain_here(why);
    if (!t) {
        error = {why};
        return std::nullopt;
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const fs::path source = fs::absolute(file, ec);
    const fs::path so = idea_object_path(source, text, *t);
    if (fs::exists(so, ec)) return so;
    fs::create_directories(so.parent_path(), ec);
    fs::path log = so, partial = so;
    log.replace_extension(".log");
    partial += "." + std::to_string(getpid());
    std::vector<std::string> argv{t->cxx};
    argv.insert(argv.end(), t->options.begin(), t->options.end());
    argv.insert(argv.end(), {"-o", partial.string(), source.string()});
    {
        std::ofstream head(log, std::ios::trunc);
        head << "#";
        for (const auto& a : argv) head << " " << a;
        head << "\n";
        if (!head) {
            error = {"cannot write " + log.string()};
            return std::nullopt;
        }
    }
    const auto start = std::chrono::steady_clock::now();
    const int status = run_to_log(argv, log);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (status == -1 || status == 127) {
        error = {"cannot run the C++ compiler '" + t->cxx + "' (set DAXFAIL_CXX to one)"};
        return std::nullopt;
    }
    if (status != 0 || !fs::exists(partial, ec)) {
        fs::remove(partial, ec);
        std::ifstream l(log);
        const std::string said{std::istreambuf_iterator<char>(l), std::istreambuf_iterator<char>()};
        error = idea_error_lines(said, source.string(), file);
        error.push_back("the compiler's whole output: " + log.string());
        return std::nullopt;
    }
    fs::rename(partial, so, ec);  // atomic: another daxfail building the same idea sees all of it or nothing
    if (ec) {
        error = {"cannot write " + so.string() + ": " + ec.message()};
        return std::nullopt;
    }
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    note = std::string("compiled in ") + took + " s into " + so.string();
    return so;
}

}  // namespace daxfail::cli::detail

#endif
