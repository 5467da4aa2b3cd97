// `daxfail completion bash`: the bash completion script, generated from every
// subcommand's option table (so it cannot drift from the options); the build
// installs its output as share/bash-completion/completions/daxfail.
#ifndef DAXFAIL_CLI_COMPLETION_HPP
#define DAXFAIL_CLI_COMPLETION_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/detail/options.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/scenarios.hpp>
#include <daxfail/variant_names.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command completion_command() {
    return {.name = "completion",
            .summary = "print the bash completion script (installed as share/bash-completion/completions/daxfail)",
            .operands = "bash",
            .min_operands = 1,
            .max_operands = 1,
            .description = "Prints a bash completion script for daxfail, generated from the options of every "
                           "subcommand: eval \"$(daxfail completion bash)\" in a shell, or install it as "
                           "/usr/share/bash-completion/completions/daxfail."};
}

/// `daxfail completion bash`: the script for the subcommands `all` (cli/subcommands.hpp lists them).
inline int cmd_completion(const std::vector<std::string>& args, const std::vector<detail::command>& all,
                          const std::vector<variant_spec>& extras = {}) {
    int status = exit_ok;
    const auto p = parse_or_exit(completion_command(), args, status);
    if (!p) return status;
    if (p->operands.front() != "bash") {
        std::cerr << "daxfail completion: '" << p->operands.front() << "' is not one of bash\n";
        return exit_bad_input;
    }
    detail::completion_words words;
    words.variants = {"all"};
    for (auto n : presets::names) words.variants.emplace_back(n);
    for (const auto& e : extras) words.variants.push_back(e.name);
    for (const auto& s : scenarios::catalog()) words.scenarios.push_back(s.name);
    std::cout << detail::bash_completion(all, {"--help", "--version"}, words);
    return exit_ok;
}

}  // namespace daxfail::cli

#endif
