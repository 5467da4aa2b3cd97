// The daxfail command's reference as Markdown, generated from the same option
// tables that parse the arguments and write `--help` and the bash completion
// (detail::command / detail::option, listed by cli/subcommands.hpp): every subcommand
// with its summary, its synopsis and a table of its options (name, argument,
// default, help). docs/commands.md carries its output; a test checks that the
// file and this function agree byte for byte.
//
// The subcommands' descriptions are left out: the oracle's names the files the
// running program found, which differ from machine to machine. `daxfail CMD
// --help` prints them.
#ifndef DAXFAIL_CLI_REFERENCE_HPP
#define DAXFAIL_CLI_REFERENCE_HPP

#include <daxfail/cli/detail/options.hpp>
#include <daxfail/cli/subcommands.hpp>
#include <daxfail/variant_names.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail::cli {

namespace detail::reference {

/// Text for a cell of a Markdown table: '|' escaped everywhere (GitHub's tables split on it even inside code
/// spans), '<' and '*' escaped outside code spans, line breaks as spaces.
inline std::string cell(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    bool in_code = false;
    for (const char ch : text) {
        if (ch == '`') in_code = !in_code;
        if (ch == '|') out += "\\|";
        else if (ch == '\n') out += ' ';
        else if (!in_code && ch == '<') out += "&lt;";
        else if (!in_code && ch == '*') out += "\\*";
        else out += ch;
    }
    return out;
}

/// A code span for a table cell ("" when `text` is empty).
inline std::string code_cell(std::string_view text) { return text.empty() ? std::string() : "`" + cell(text) + "`"; }

/// The synopsis `daxfail CMD --help` starts with, wrapped the same way, without "usage: ".
inline std::string synopsis(const command& c) {
    const std::string lead = "daxfail " + c.name + " ", indent(lead.size(), ' ');
    std::string out = wrap_synopsis(synopsis_words(c), lead, indent);
    for (const auto& f : c.other_forms) out += wrap_synopsis(f, lead, indent);
    return out;
}

}  // namespace detail::reference

/// Every subcommand of the daxfail command (with `extras`, a program's own variants, as in its --help) as
/// Markdown: a table of the subcommands, then per subcommand a `## daxfail NAME` section with its summary, its
/// synopsis in a code block and the table of its options.
inline std::string command_reference_markdown(const std::vector<variant_spec>& extras = {}) {
    namespace r = detail::reference;
    const std::vector<detail::command> all = commands(extras);
    std::string out = "| command | what it does |\n|---|---|\n";
    for (const auto& c : all) out += "| [`" + c.name + "`](#daxfail-" + c.name + ") | " + r::cell(c.summary) + " |\n";
    for (const auto& c : all) {
        out += "\n## daxfail " + c.name + "\n\n";
        std::string summary = c.summary;
        if (!summary.empty() && summary[0] >= 'a' && summary[0] <= 'z')
            summary[0] = static_cast<char>(summary[0] - 'a' + 'A');
        out += summary + ".\n\n```\n" + r::synopsis(c) + "```\n\n";
        out += "| option | argument | default | what it does |\n|---|---|---|---|\n";
        for (const auto& o : c.options) {
            std::string name = r::code_cell(o.name);
            if (!o.alias.empty()) name += ", " + r::code_cell(o.alias);
            const std::string arg =
                o.arg == detail::takes::nothing ? std::string() : r::code_cell(detail::metavar(o));
            out += "| " + name + " | " + arg + " | " + r::cell(detail::default_of(o)) + " | " + r::cell(o.help) + " |\n";
        }
        out += "| `--help`, `-h` |  |  | print the synopsis, the description and every option with its default. |\n";
    }
    return out;
}

}  // namespace daxfail::cli

#endif
