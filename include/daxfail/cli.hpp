// The whole daxfail command as a function, so that a program of the user's is
// the full command with the user's own variants selectable by name:
//
//     struct wait_5s : daxfail::presets::merged::with<my_freeze> {
//         static constexpr std::string_view name = "wait_5s";
//     };
//     int main(int argc, char** argv) {
//         return daxfail::cli::main(argc, argv, daxfail::extra_variants<wait_5s>{});
//     }
//
// `--variants wait_5s`, `explain X --variant wait_5s` and `freeze=my_freeze` then
// work as for the presets, and the default `compare` runs the presets and them.
// Exit status: 0 success, 1 an invariant failed (--fail-on-invariant) or a
// disagreement (--fail-on-disagreement), 2 bad input, 130 interrupted by SIGINT
// (compare, explore and oracle print what they finished, marked as partial).
#ifndef DAXFAIL_CLI_HPP
#define DAXFAIL_CLI_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/subcommands.hpp>
#include <daxfail/detail/did_you_mean.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant_names.hpp>

#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

namespace daxfail {
namespace cli {

/// `daxfail --help`.
inline std::string usage_main(const std::vector<variant_spec>& extras = {}) {
    std::string out =
        "usage: daxfail <command> [options]\n"
        "       daxfail --version\n"
        "\n"
        "Model of the Linux fsdax memory-failure / pmem pre-remove path (kill_dax -> xfs_dax_notify_failure ->\n"
        "mf_dax_kill_procs -> shutdown) under variants of the MF_MEM_PRE_REMOVE patch. Without a command: compare.\n"
        "\n"
        "commands:\n";
    for (const auto& c : commands(extras)) {
        std::string head = "  " + c.name;
        head.resize(14, ' ');
        out += head + c.summary + "\n";
    }
    out += "\n'daxfail <command> --help' lists each command's options and their defaults.\n"
           "Exit status: 0 success; 1 an invariant failed (--fail-on-invariant) or the oracle disagrees\n"
           "(--fail-on-disagreement); 2 bad input; 130 interrupted (the partial result is printed).\n";
    return out;
}

/// The version of daxfail the program was built from (the CMake project's; "unknown" outside daxfail's build).
inline const char* version() {
#ifdef DAXFAIL_VERSION
    return DAXFAIL_VERSION;
#else
    return "unknown (built without DAXFAIL_VERSION)";
#endif
}

namespace detail {
inline int dispatch(int argc, char** argv, const std::vector<variant_spec>& extras);
}

/// The daxfail command; `extras` are the user's variants, known by name next to the presets. No exception
/// leaves it: what a subcommand did not expect is reported as "daxfail: ..." with exit status 2.
inline int main(int argc, char** argv, const std::vector<variant_spec>& extras = {}) {
    try {
        return detail::dispatch(argc, argv, extras);
    } catch (const std::bad_alloc&) {
        std::cerr << "daxfail: out of memory\n";
    } catch (const std::exception& e) {
        std::cerr << "daxfail: " << e.what() << "\n";
    }
    return exit_bad_input;
}

inline int detail::dispatch(int argc, char** argv, const std::vector<variant_spec>& extras) {
    if (const auto error = extra_variants_error(extras); !error.empty()) {
        std::cerr << "daxfail: " << error << "\n";
        return exit_bad_input;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return cmd_compare({}, extras);  // the main job: presets over the catalog
    const std::string cmd = args.front();
    args.erase(args.begin());
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        std::cout << usage_main(extras);
        return exit_ok;
    }
    if (cmd == "--version") {
        std::cout << "daxfail " << version() << "\n";
        return exit_ok;
    }
    const std::vector<subcommand> table = subcommands(extras);
    for (const auto& c : table)
        if (c.spec.name == cmd) return c.run(args, extras);
    std::vector<std::string> names{"--help", "--version"};
    for (const auto& c : table) names.push_back(c.spec.name);
    std::cerr << "daxfail: unknown command '" << cmd << "'" << daxfail::detail::did_you_mean_suffix(cmd, names)
              << " (see 'daxfail --help')\n";
    return exit_bad_input;
}

template <variant_type... V>
int main(int argc, char** argv, extra_variants<V...> extras) {
    return main(argc, argv, extras.specs());
}

}  // namespace cli
}  // namespace daxfail

#endif
