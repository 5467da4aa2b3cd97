// The daxfail command's subcommands, one row each: its description (name,
// one-line summary, operands, option table; cli/detail/options.hpp) and the
// function that runs it. Dispatch (cli.hpp), `daxfail --help`, the bash
// completion and the reference in docs/commands.md (cli/reference.hpp) all read
// this table, so a new subcommand is its header and its row here.
#ifndef DAXFAIL_CLI_SUBCOMMANDS_HPP
#define DAXFAIL_CLI_SUBCOMMANDS_HPP

#include <daxfail/cli/check.hpp>
#include <daxfail/cli/compare.hpp>
#include <daxfail/cli/completion.hpp>
#include <daxfail/cli/detail/options.hpp>
#include <daxfail/cli/diff.hpp>
#include <daxfail/cli/explain.hpp>
#include <daxfail/cli/explore.hpp>
#include <daxfail/cli/merge.hpp>
#include <daxfail/cli/oracle.hpp>
#include <daxfail/cli/snapshot.hpp>
#include <daxfail/cli/suggest.hpp>
#include <daxfail/variant_names.hpp>

#include <string>
#include <vector>

namespace daxfail::cli {

/// Runs a subcommand on the words after its name; returns the exit status.
using subcommand_handler = int (*)(const std::vector<std::string>& args, const std::vector<variant_spec>& extras);

/// One row of the table.
struct subcommand {
    detail::command spec;  ///< name, summary, operands, options
    subcommand_handler run;
};

inline std::vector<detail::command> commands(const std::vector<variant_spec>& extras = {});

/// Every subcommand, in the order `daxfail --help` lists them; `extras` are a program's own variants (their names
/// appear in --variants' help).
inline std::vector<subcommand> subcommands(const std::vector<variant_spec>& extras = {}) {
    // The completion script covers every row, this one too.
    const subcommand_handler completion = [](const std::vector<std::string>& args, const std::vector<variant_spec>& e) {
        return cmd_completion(args, commands(e), e);
    };
    return {{compare_command(extras), cmd_compare}, {diff_command(), cmd_diff},
            {suggest_command(), cmd_suggest},       {explain_command(), cmd_explain},
            {explore_command(extras), cmd_explore}, {merge_command(), cmd_merge},
            {check_command(), cmd_check},           {oracle_command(), cmd_oracle},
            {snapshot_command(), cmd_snapshot},     {completion_command(), completion}};
}

/// Every subcommand's description (name, summary, options), in the table's order.
inline std::vector<detail::command> commands(const std::vector<variant_spec>& extras) {
    std::vector<detail::command> out;
    for (auto& s : subcommands(extras)) out.push_back(std::move(s.spec));
    return out;
}

}  // namespace daxfail::cli

#endif
