// The daxfail command's one argument parser: every subcommand describes its
// options in a table (name, value, default, accepted values, help), and the
// same table parses the arguments, writes the errors, the subcommand's --help
// (every flag with its default) and the bash completion.
//
// Why a table of our own and not CLI11 (Debian's libcli11-dev 2.1.2, also
// header-only): <daxfail/cli.hpp> is a public header of a header-only library,
// so the parser it includes becomes a build dependency of every program built
// on daxfail::cli::main, and some 10,000 lines of templates in the command's
// translation unit, already the slowest to compile. What the command needs
// besides parsing is ours either way: the error convention (`daxfail compare:
// --format: 'x' is not one of table, md, csv, json`, exit status 2, nothing on
// stdout), "did you mean" for flags, help that lists every default in our
// wording, and a bash completion generated from the same table; with CLI11 that
// means replacing its formatter and its error output and walking its App
// objects, about as much code as this file. No templates here: one copy of
// the parser, whatever the subcommand.
#ifndef DAXFAIL_CLI_DETAIL_OPTIONS_HPP
#define DAXFAIL_CLI_DETAIL_OPTIONS_HPP

#include <daxfail/detail/did_you_mean.hpp>
#include <daxfail/detail/join.hpp>
#include <daxfail/detail/whole_number.hpp>
#include <daxfail/detail/wrap.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daxfail::cli::detail {

/// What an option takes: nothing (a flag), one value, or one or more values (up to the next option).
enum class takes { nothing, one, some };

/// What the bash completion offers for a value or an operand.
enum class completes { nothing, files, dirs, choices, variants, scenarios };

/// One option of a subcommand. Every member has a default, so that a table names only what it sets
/// (designated initializers; -Wmissing-field-initializers is quiet about members with a default).
struct option {
    std::string name{};          ///< "--format"
    std::string alias{};         ///< "-o", or empty
    takes arg = takes::nothing;
    std::string metavar{};       ///< "FILE"; empty: the choices joined by '|'
    std::string help{};          ///< what it does; wrapped in --help
    std::string default_text{};  ///< the default, as --help shows it; empty: "off" for a flag
    std::vector<std::string> choices{};  ///< when not empty, the only values accepted
    /// Checks a value: "" when good, else why not ("is not a positive number of seconds").
    std::string (*check)(const std::string& value) = nullptr;
    completes completion = completes::nothing;
};

/// One subcommand: its synopsis, operands and options.
struct command {
    std::string name{};         ///< "compare"
    std::string summary{};      ///< one line for `daxfail --help`
    std::string operands{};     ///< the operands in the synopsis ("FILE|DIR..."); empty: none
    std::size_t min_operands = 0, max_operands = 0;
    completes operand_completion = completes::nothing;
    std::string description{};  ///< paragraphs under the synopsis ('\n\n' between them)
    std::vector<option> options{};
    std::vector<std::string> other_forms{};  ///< further synopsis lines ("--replay FILE [--dot DIR]")
};

/// What the arguments said: every option given, in order, and the operands.
struct parsed {
    std::vector<std::pair<std::string, std::string>> given;  ///< (option name, value; "" for a flag)
    std::vector<std::string> operands;

    bool has(std::string_view name) const {
        for (const auto& g : given)
            if (g.first == name) return true;
        return false;
    }
    /// The last value given for `name`, else `fallback`.
    std::string value(std::string_view name, std::string fallback = {}) const {
        for (const auto& g : given)
            if (g.first == name) fallback = g.second;
        return fallback;
    }
    /// Every value given for `name`, in order.
    std::vector<std::string> values(std::string_view name) const {
        std::vector<std::string> out;
        for (const auto& g : given)
            if (g.first == name) out.push_back(g.second);
        return out;
    }
};

inline constexpr std::size_t any_number = std::numeric_limits<std::size_t>::max();
inline constexpr std::size_t help_width = 110;  ///< --help fits a 120-column terminal with room to spare

using daxfail::detail::join;

inline std::string metavar(const option& o) { return o.metavar.empty() ? join(o.choices, "|") : o.metavar; }

/// "--format table|md" or "--only-differences".
inline std::string spelled(const option& o) {
    return (o.alias.empty() ? "" : o.alias + ", ") + o.name + (o.arg == takes::nothing ? "" : " " + metavar(o));
}

/// A synopsis wrapped between its [...] groups, never inside one.
inline std::string wrap_synopsis(std::string text, std::string_view first, std::string_view rest) {
    constexpr char glue = '\x1f';  // a space that wrap() does not break at
    int depth = 0;
    for (char& ch : text) {
        depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
        if (ch == ' ' && depth > 0) ch = glue;
    }
    std::string out = daxfail::detail::wrap(text, help_width, first, rest);
    for (char& ch : out)
        if (ch == glue) ch = ' ';
    return out;
}

/// The synopsis' words: the operands, then "[--name VALUE]" per option.
inline std::string synopsis_words(const command& c) {
    std::string words = c.operands.empty() ? "" : c.operands + " ";
    for (const auto& o : c.options)
        words += "[" + (o.alias.empty() ? o.name : o.alias) + (o.arg == takes::nothing ? "" : " " + metavar(o)) + "] ";
    return words;
}

/// An option's default as --help and the reference show it.
inline std::string default_of(const option& o) {
    if (!o.default_text.empty()) return o.default_text;
    return o.arg == takes::nothing ? "off" : "none";
}

/// `daxfail CMD --help`: synopsis, description, every option with its default.
inline std::string help(const command& c) {
    const std::string lead = "usage: daxfail " + c.name + " ", indent(lead.size(), ' ');
    std::string out = wrap_synopsis(synopsis_words(c), lead, indent);
    for (const auto& f : c.other_forms) out += wrap_synopsis(f, "       daxfail " + c.name + " ", indent);
    if (!c.description.empty()) {
        std::string_view d = c.description;
        while (!d.empty()) {
            const std::size_t end = std::min(d.find("\n\n"), d.size());
            out += "\n" + daxfail::detail::wrap(d.substr(0, end), help_width, "", "");
            d.remove_prefix(std::min(end + 2, d.size()));
        }
    }
    out += "\noptions:\n";
    std::size_t column = 0;
    for (const auto& o : c.options) column = std::max(column, spelled(o).size());
    column = std::min<std::size_t>(column, 28) + 4;
    for (const auto& o : c.options) {
        std::string head = "  " + spelled(o);
        std::string text = o.help + " Default: " + default_of(o) + ".";
        if (head.size() + 2 > column) {
            out += head + "\n";
            head.clear();
        }
        head.resize(column, ' ');
        out += daxfail::detail::wrap(text, help_width, head, std::string(column, ' '));
    }
    std::string head = "  --help, -h";
    head.resize(std::max(column, head.size() + 2), ' ');
    out += head + "this text.\n";
    return out;
}

/// How parse() ended: go on, the help was printed (exit 0), or an error was printed (exit 2).
enum class parse_status { ok, help, error };

namespace parsing {

/// One parse: the command, what was found so far, and where the errors go.
struct state {
    const command& c;
    parsed& p;
    std::ostream& err;
    std::string who() const { return "daxfail " + c.name + ": "; }
    std::string see() const { return " (see 'daxfail " + c.name + " --help')\n"; }
    const option* find(std::string_view word) const {
        for (const auto& o : c.options)
            if (o.name == word || (!o.alias.empty() && o.alias == word)) return &o;
        return nullptr;
    }
};

/// Keeps value `v` of `o`, or says why it is not one (false).
inline bool accept(state& s, const option& o, const std::string& v) {
    if (!o.choices.empty() && std::find(o.choices.begin(), o.choices.end(), v) == o.choices.end()) {
        s.err << s.who() << o.name << ": '" << v << "' is not one of " << join(o.choices, ", ")
              << daxfail::detail::did_you_mean_suffix(v, o.choices) << "\n";
        return false;
    }
    if (o.check) {
        if (const auto why = o.check(v); !why.empty()) {
            s.err << s.who() << o.name << ": '" << v << "' " << why << "\n";
            return false;
        }
    }
    s.p.given.emplace_back(o.name, v);
    return true;
}

/// The option `args[i]` ("--name", "--name=value", "-o"), with its values; `i` moves past what it took.
inline parse_status option_at(state& s, const std::vector<std::string>& args, std::size_t& i) {
    const std::string& a = args[i];
    const std::size_t eq = a.rfind("--", 0) == 0 ? a.find('=') : std::string::npos;
    const std::string word = a.substr(0, eq);
    const option* o = s.find(word);
    if (!o && eq == std::string::npos && a.size() > 2 && a[1] != '-')  // "-j2": an alias with its value attached
        if (const option* x = s.find(a.substr(0, 2)); x && x->arg == takes::one) {
            if (!accept(s, *x, a.substr(2))) return parse_status::error;
            return parse_status::ok;
        }
    if (!o) {
        std::vector<std::string> names{"--help"};
        for (const auto& x : s.c.options) names.push_back(x.name);
        s.err << s.who() << "unknown argument '" << word << "'" << daxfail::detail::did_you_mean_suffix(word, names) << s.see();
        return parse_status::error;
    }
    if (o->arg == takes::nothing) {
        if (eq != std::string::npos) {
            s.err << s.who() << word << " takes no value" << s.see();
            return parse_status::error;
        }
        s.p.given.emplace_back(o->name, "");
        return parse_status::ok;
    }
    std::size_t taken = 0;
    if (eq != std::string::npos) {
        if (!accept(s, *o, a.substr(eq + 1))) return parse_status::error;
        ++taken;
    } else if (o->arg == takes::one && i + 1 < args.size()) {
        if (!accept(s, *o, args[++i])) return parse_status::error;
        ++taken;
    }
    if (o->arg == takes::some)
        while (i + 1 < args.size() && !(args[i + 1].size() > 1 && args[i + 1][0] == '-')) {
            if (!accept(s, *o, args[++i])) return parse_status::error;
            ++taken;
        }
    if (taken == 0) {
        s.err << s.who() << word << " needs " << (o->arg == takes::some ? "at least one value" : "a value") << " ("
              << metavar(*o) << ")" << s.see();
        return parse_status::error;
    }
    return parse_status::ok;
}

}  // namespace parsing

/// Parses `args` (the words after the subcommand) against `c`. Errors go to `err` as
/// `daxfail CMD: ...`, the help to `out`.
inline parse_status parse(const command& c, const std::vector<std::string>& args, parsed& p, std::ostream& out,
                          std::ostream& err) {
    parsing::state s{c, p, err};
    bool options_end = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool looks_like_option = !options_end && a.size() > 1 && a[0] == '-';
        if (!looks_like_option) {
            if (p.operands.size() >= c.max_operands) {
                err << s.who() << "unexpected argument '" << a << "'" << s.see();
                return parse_status::error;
            }
            p.operands.push_back(a);
        } else if (a == "--") {
            options_end = true;
        } else if (a == "--help" || a == "-h") {
            out << help(c);
            return parse_status::help;
        } else if (const auto st = parsing::option_at(s, args, i); st != parse_status::ok) {
            return st;
        }
    }
    if (p.operands.size() < c.min_operands) {
        err << s.who() << "missing " << c.operands << s.see();
        return parse_status::error;
    }
    return parse_status::ok;
}

// ---------------------------------------------------------------------------
// Checks of option values
// ---------------------------------------------------------------------------

using daxfail::detail::whole_number;

/// A check of a whole number from lo to hi (an option's `check`).
template <unsigned long lo, unsigned long hi>
std::string whole_number_from(const std::string& text) {
    unsigned long n = 0;
    return whole_number(text, lo, hi, n) ? "" : "is not a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
}

inline std::string positive_seconds(const std::string& text) {
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::out_of_range&) {  // beyond a double: huge, or a tiny fraction
        v = text.find_first_of("-") == std::string::npos && text.find("e-") == std::string::npos ? 2e9 : 0;
        used = text.size();
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || !(v > 0)) return "is not a positive number of seconds";
    // Beyond 10^9 s (31 years) a limit means nothing, and a double of seconds stops being a usable duration.
    if (v > 1e9) return "is more than 1000000000 seconds (about 31 years), the largest limit; leave it out for none";
    return "";
}

// ---------------------------------------------------------------------------
// Bash completion
// ---------------------------------------------------------------------------

/// Words the completion offers that only the running program knows (presets, the user's variants, the catalog).
struct completion_words {
    std::vector<std::string> variants, scenarios;
};

inline std::string bash_words(completes what, const std::vector<std::string>& choices, const completion_words& w) {
    switch (what) {
    case completes::files: return "COMPREPLY=($(compgen -f -- \"$cur\"))";
    case completes::dirs: return "COMPREPLY=($(compgen -d -- \"$cur\"))";
    case completes::choices: return "COMPREPLY=($(compgen -W '" + join(choices, " ") + "' -- \"$cur\"))";
    case completes::variants: return "COMPREPLY=($(compgen -W '" + join(w.variants, " ") + "' -- \"$cur\"))";
    case completes::scenarios:
        return "COMPREPLY=($(compgen -W '" + join(w.scenarios, " ") + "' -- \"$cur\") $(compgen -f -- \"$cur\"))";
    case completes::nothing: break;
    }
    return "COMPREPLY=()";
}

/// A bash completion script for the subcommands (`daxfail completion bash`).
inline std::string bash_completion(const std::vector<command>& commands, const std::vector<std::string>& top_options,
                                   const completion_words& w) {
    std::vector<std::string> names;
    names.reserve(commands.size());
    for (const auto& c : commands) names.push_back(c.name);
    std::string s =
        "# bash completion for daxfail; generated by `daxfail completion bash` from the command's option tables.\n"
        "_daxfail() {\n"
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
        "    if [[ $COMP_CWORD -eq 1 ]]; then\n"
        "        COMPREPLY=($(compgen -W '" + join(names, " ") + " " + join(top_options, " ") + "' -- \"$cur\"))\n"
        "        return\n"
        "    fi\n"
        "    case ${COMP_WORDS[1]} in\n";
    for (const auto& c : commands) {
        std::vector<std::string> flags{"--help"};
        s += "    " + c.name + ")\n        case $prev in\n";
        for (const auto& o : c.options) {
            flags.push_back(o.name);
            if (o.arg == takes::nothing) continue;
            const completes what = o.choices.empty() ? o.completion : completes::choices;
            s += "        " + o.name + (o.alias.empty() ? "" : "|" + o.alias) + ") " + bash_words(what, o.choices, w) +
                 "; return;;\n";
        }
        s += "        esac\n"
             "        if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '" + join(flags, " ") + "' -- \"$cur\")); return; fi\n";
        s += "        " + bash_words(c.operand_completion, {}, w) + ";;\n";
    }
    s += "    esac\n"
         "}\n"
         "complete -o filenames -F _daxfail daxfail\n";
    return s;
}

}  // namespace daxfail::cli::detail

#endif
