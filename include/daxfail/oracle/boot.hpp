// What the oracle (`daxfail oracle`, `daxfail explore --confirm`) needs to boot a kernel:
// where the guest's scripts and program are (next to an installed program,
// <prefix>/share/daxfail/oracle and <prefix>/libexec/daxfail/oracle-guest,
// through /proc/self/exe; else where the build says: DAXFAIL_ORACLE_DIR,
// DAXFAIL_ORACLE_GUEST), the kernels (Debian's packages, fetched into the
// cache), and boots as process groups that Ctrl-C ends with their qemu.
#ifndef DAXFAIL_ORACLE_BOOT_HPP
#define DAXFAIL_ORACLE_BOOT_HPP

#include <daxfail/config.hpp>
#include <daxfail/detail/program_dir.hpp>
#include <daxfail/oracle/kernel_preset.hpp>
#include <daxfail/presets.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

// A program of the user's (cli::main) knows no guest unless its build defines these.
#ifndef DAXFAIL_ORACLE_DIR
#define DAXFAIL_ORACLE_DIR ""
#endif
#ifndef DAXFAIL_ORACLE_GUEST
#define DAXFAIL_ORACLE_GUEST ""
#endif
// Where an installed daxfail keeps the oracle's files, relative to the directory of its program (the install's
// bin/); the build of the daxfail command defines them from CMake's install directories.
#ifndef DAXFAIL_DATA_FROM_BIN
#define DAXFAIL_DATA_FROM_BIN "../share/daxfail"
#endif
#ifndef DAXFAIL_LIBEXEC_FROM_BIN
#define DAXFAIL_LIBEXEC_FROM_BIN "../libexec/daxfail"
#endif

namespace daxfail::oracle {

using daxfail::detail::program_dir;

/// The oracle's scripts (boot.sh, ...): an installed program's share/daxfail/oracle, else DAXFAIL_ORACLE_DIR.
inline std::string oracle_dir() {
    std::error_code ec;
    const auto dir = program_dir();
    const auto installed = (dir / DAXFAIL_DATA_FROM_BIN / "oracle").lexically_normal();
    if (!dir.empty() && std::filesystem::exists(installed / "boot.sh", ec)) return installed.string();
    return DAXFAIL_ORACLE_DIR;
}

/// The guest program: an installed program's libexec/daxfail/oracle-guest, else DAXFAIL_ORACLE_GUEST.
inline std::string oracle_guest() {
    std::error_code ec;
    const auto dir = program_dir();
    const auto installed = (dir / DAXFAIL_LIBEXEC_FROM_BIN / "oracle-guest").lexically_normal();
    if (!dir.empty() && std::filesystem::exists(installed, ec)) return installed.string();
    return DAXFAIL_ORACLE_GUEST;
}

inline std::string oracle_files_text() {
    const std::string dir = oracle_dir(), guest = oracle_guest();
    return (dir.empty() ? std::string("none found") : dir) + " and " + (guest.empty() ? std::string("none found") : guest);
}

/// Runs a shell command, returning its standard output; nullopt when it fails.
inline std::optional<std::string> shell(const std::string& cmd) {
    std::FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
}

namespace detail {

/// Starts `argv` (argv[0] a path) in a process group of its own, standard output and error to `log`, standard
/// input from /dev/null: the terminal's SIGINT does not reach it, and end_group() ends it with every process it
/// started (boot.sh's qemu). -1 when it cannot be started.
inline pid_t start_group(const std::vector<std::string>& argv, const std::string& log) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {  // only async-signal-safe calls from here to exec
        setpgid(0, 0);
        const int in = open("/dev/null", O_RDONLY), out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in >= 0) dup2(in, 0);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        execv(args[0], args.data());
        _exit(127);
    }
    if (pid > 0) setpgid(pid, pid);  // also here: whichever runs first, the group exists before any kill
    return pid;
}

/// Ends a process group started by start_group: SIGTERM, SIGKILL after two seconds; reaps its leader.
inline void end_group(pid_t pid) {
    kill(-pid, SIGTERM);
    for (int i = 0; i < 20 && waitpid(pid, nullptr, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kill(-pid, SIGKILL);  // the rest of the group (qemu under timeout), whether or not the leader is gone
    waitpid(pid, nullptr, 0);
}

/// Waits for process groups started by start_group (a pid of -1 counts as ended), calling `tick` every 100 ms;
/// when `stop()` says so, ends those still running and returns false.
inline bool wait_for_groups(std::vector<pid_t>& pids, const std::function<bool()>& stop, const std::function<void()>& tick) {
    for (bool running = true; running;) {
        running = false;
        for (auto& pid : pids)
            if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) running = true;
            else pid = -1;
        if (stop()) {
            for (auto pid : pids)
                if (pid > 0) end_group(pid);
            return false;
        }
        tick();
        if (running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
}

}  // namespace detail

/// Where the oracle's files are: its scripts (oracle_dir()), its guest program (oracle_guest()) and the cache.
struct boot_paths {
    std::string dir, guest, cache;
};

/// A kernel the oracle boots: Debian's metapackage (and suite, for sid), the preset that models it, and once
/// fetched where it was extracted and which release it is.
struct kernel_spec {
    std::string label, metapackage, suite;  ///< suite: a Debian suite read through the oracle's own apt configuration
    std::string preset;                     ///< empty until fetched: chosen from the release (oracle/kernel_preset.hpp)
    config cfg;
    std::string kdir, release, preset_note;  ///< filled by fetch_kernel
    std::string package() const { return metapackage + (suite.empty() ? "" : " of " + suite); }
};

/// The kernels `--kernel` names (6.1, 6.12, sid or all).
inline std::vector<kernel_spec> kernels_named(const std::string& arg) {
    std::vector<kernel_spec> kernels;
    const bool all = arg == "all";
    if (all || arg == "6.1") kernels.push_back({"6.1", "linux-image-amd64", "", "debian_6_1", presets::debian_6_1::config, {}, {}, {}});
    if (all || arg == "6.12")
        kernels.push_back({"6.12", "linux-image-6.12-amd64", "", "debian_6_12", presets::debian_6_12::config, {}, {}, {}});
    if (all || arg == "sid") kernels.push_back({"sid", "linux-image-amd64", "sid", "", {}, {}, {}, {}});
    return kernels;
}

/// Downloads and extracts the kernel into the cache (fetch_kernel.sh) and, for a moving suite, chooses its preset;
/// false with `error` when it cannot.
inline bool fetch_kernel(kernel_spec& k, const std::string& dir, const std::string& cache, std::string& error) {
    const auto fetched = shell(quote(dir + "/fetch_kernel.sh") + " " + k.metapackage + " " + quote(cache) +
                               (k.suite.empty() ? std::string() : " " + quote(k.suite)));
    if (!fetched) {
        error = "could not fetch " + k.package() + " (apt-get update? network?)";
        return false;
    }
    std::istringstream words(*fetched);
    words >> k.kdir >> k.release;
    if (k.preset.empty()) {  // a moving suite's kernel: its mainline version's preset, or the nearest older one
        const auto chosen = preset_for_release(k.release);
        if (!chosen) {
            error = "no preset models " + k.release + " or an older mainline version";
            return false;
        }
        k.preset = chosen->name;
        k.cfg = chosen->cfg;
        k.preset_note = chosen->note;
    }
    return true;
}

/// The first of the oracle's tools that is not installed; empty when all are.
inline std::string missing_tool() {
    for (const char* tool : {"qemu-system-x86_64", "busybox", "mkfs.xfs", "cpio", "xz", "dpkg-deb", "apt-get"})
        if (!shell(std::string("command -v ") + tool + " >/dev/null")) return tool;
    return "";
}

}  // namespace daxfail::oracle

#endif
