// `daxfail merge`: the JSON of `daxfail explore --shard K/N` runs joined into
// the report one run gives (explore/merge.hpp does the join).
#ifndef DAXFAIL_CLI_MERGE_HPP
#define DAXFAIL_CLI_MERGE_HPP

#include <daxfail/cli/common.hpp>
#include <daxfail/cli/explore.hpp>
#include <daxfail/explore/merge.hpp>
#include <daxfail/variant_names.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace daxfail::cli {

inline detail::command merge_command() {
    return {.name = "merge",
            .summary = "join the JSON of explore --shard K/N runs into one report",
            .operands = "SHARD.json...",
            .min_operands = 1,
            .max_operands = detail::any_number,
            .operand_completion = detail::completes::files,
            .description = "Joins the outputs of `daxfail explore --shard K/N` (every K of one N) into the report a "
                           "single `daxfail explore` gives: the same bytes with --format json when the shards ran "
                           "with --no-timing.",
            .options = {format_option({"json", "table", "md"}, "JSON, table or Markdown."), wide_option(),
                        fail_on_invariant_option()}};
}

inline int cmd_merge(const std::vector<std::string>& args, const std::vector<variant_spec>& = {}) {
    int status = exit_ok;
    const auto p = parse_or_exit(merge_command(), args, status);
    if (!p) return status;
    const auto m = explore::merge_shard_files(p->operands);
    if (!m.ok()) {
        std::cerr << (m.file.empty() ? std::string("daxfail merge") : m.file) << ": " << m.error << "\n";
        return exit_bad_input;
    }
    return detail::print_exploration(m.results, m.bounds, p->value("--format", "json"), p->has("--wide"), m.timing,
                                     p->has("--fail-on-invariant"));
}

}  // namespace daxfail::cli

#endif
