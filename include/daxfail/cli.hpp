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
// disagreement (--fail-on-disagreement), 2 bad input.
#ifndef DAXFAIL_CLI_HPP
#define DAXFAIL_CLI_HPP

#include <daxfail/cli/check.hpp>
#include <daxfail/cli/common.hpp>
#include <daxfail/cli/compare.hpp>
#include <daxfail/cli/explain.hpp>
#include <daxfail/cli/explore.hpp>
#include <daxfail/cli/oracle.hpp>
#include <daxfail/cli/snapshot.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/variant_names.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace daxfail {
namespace cli {

inline const char* const usage_main =
    "usage: daxfail <command> [options]\n"
    "\n"
    "Model of the Linux fsdax memory-failure / pmem pre-remove path (kill_dax -> xfs_dax_notify_failure ->\n"
    "mf_dax_kill_procs -> shutdown) under variants of the MF_MEM_PRE_REMOVE patch.\n"
    "\n"
    "commands:\n"
    "  compare   run variants over scenarios and compare their outcomes and invariants\n"
    "  explain   show the kernel steps of one run, in words and optionally as Graphviz DOT\n"
    "  explore   run concurrent actors against the event in every interleaving and judge each schedule\n"
    "  merge     join the JSON of explore --shard K/N runs into one report\n"
    "  check     validate scenario files and report every error\n"
    "  oracle    run scenarios on real Debian kernels under qemu and compare them with the model\n"
    "  snapshot  write a scenario file of this machine (what would an unbind do now?)\n"
    "\n"
    "'daxfail <command> --help' describes each command.\n";

/// The daxfail command; `extras` are the user's variants, known by name next to the presets.
inline int main(int argc, char** argv, const std::vector<variant_spec>& extras = {}) {
    if (const auto error = extra_variants_error(extras); !error.empty()) {
        std::cerr << "daxfail: " << error << "\n";
        return exit_bad_input;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return cmd_compare({}, extras);  // the main job: presets over the catalog
    const std::string cmd = args.front();
    args.erase(args.begin());
    if (is_help(cmd)) {
        std::cout << usage_main;
        return exit_ok;
    }
    if (cmd == "compare") return cmd_compare(args, extras);
    if (cmd == "explain") return cmd_explain(args, extras);
    if (cmd == "explore") return cmd_explore(args, extras);
    if (cmd == "merge") return cmd_merge(args);
    if (cmd == "check") return cmd_check(args);
    if (cmd == "oracle") return cmd_oracle(args);
    if (cmd == "snapshot") return cmd_snapshot(args);
    std::cerr << "daxfail: unknown command '" << cmd << "'\n" << usage_main;
    return exit_bad_input;
}

template <variant_type... V>
int main(int argc, char** argv, extra_variants<V...> extras) {
    return main(argc, argv, extras.specs());
}

}  // namespace cli
}  // namespace daxfail

#endif
