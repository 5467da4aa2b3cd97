// The daxfail command's option tables: parsing, errors in the command's form, --help with every default, the bash
// completion, and the word wrapping they share with the compare overview.
#include "support.hpp"

#include <daxfail/cli/detail/options.hpp>
#include <daxfail/detail/wrap.hpp>

#include <sstream>

using namespace daxfail::cli::detail;

namespace {

command sample_command() {
    return {.name = "demo",
            .summary = "a command for the tests",
            .operands = "FILE...",
            .max_operands = 2,
            .operand_completion = completes::files,
            .description = "Does nothing.",
            .options = {{.name = "--format",
                         .arg = takes::one,
                         .help = "the format.",
                         .default_text = "table",
                         .choices = {"table", "json"}},
                        {.name = "--scenario",
                         .arg = takes::some,
                         .metavar = "FILE|DIR...",
                         .help = "scenarios.",
                         .default_text = "the catalog",
                         .completion = completes::files},
                        {.name = "--depth",
                         .arg = takes::one,
                         .metavar = "N",
                         .help = "how deep.",
                         .default_text = "200",
                         .check = [](const std::string& v) -> std::string {
                             unsigned long n = 0;
                             return whole_number(v, 1, 9, n) ? "" : "is not a whole number from 1 to 9";
                         }},
                        {.name = "--output",
                         .alias = "-o",
                         .arg = takes::one,
                         .metavar = "FILE",
                         .help = "where to.",
                         .default_text = "standard output",
                         .completion = completes::files},
                        {.name = "--wide", .help = "wide."}}};
}

struct outcome_of_parse {
    parse_status status;
    parsed p;
    std::string out, err;
};

outcome_of_parse parse_words(const std::vector<std::string>& words) {
    std::ostringstream out, err;
    parsed p;
    const auto status = parse(sample_command(), words, p, out, err);
    return {status, p, out.str(), err.str()};
}

}  // namespace

TEST_CASE("options: values, repeated and multi-valued options, --name=value, aliases, operands, --") {
    const auto r = parse_words({"a.json", "--format", "json", "--scenario", "x", "y", "--wide", "-o", "-", "--depth=3",
                                "--scenario=z", "--", "--b"});
    REQUIRE(r.status == parse_status::ok);
    CHECK(r.p.value("--format") == "json");
    CHECK(r.p.values("--scenario") == std::vector<std::string>{"x", "y", "z"});
    CHECK(r.p.has("--wide"));
    CHECK(r.p.value("--output") == "-");
    CHECK(r.p.value("--depth") == "3");
    CHECK(r.p.value("--nothing", "fallback") == "fallback");
    CHECK(r.p.operands == std::vector<std::string>{"a.json", "--b"});
    CHECK(r.out.empty());
    CHECK(r.err.empty());
}

TEST_CASE("options: every mistake is one line on stderr in the command's form, with the nearest name") {
    auto err = [](std::vector<std::string> words) {
        const auto r = parse_words(std::move(words));
        CHECK(r.status == parse_status::error);
        CHECK(r.out.empty());
        return r.err;
    };
    CHECK(err({"--format", "jsn"}) == "daxfail demo: --format: 'jsn' is not one of table, json; did you mean \"json\"?\n");
    CHECK(err({"--depht", "3"}) ==
          "daxfail demo: unknown argument '--depht'; did you mean \"--depth\"? (see 'daxfail demo --help')\n");
    CHECK(err({"--depth", "0"}) == "daxfail demo: --depth: '0' is not a whole number from 1 to 9\n");
    CHECK(err({"--depth"}) == "daxfail demo: --depth needs a value (N) (see 'daxfail demo --help')\n");
    CHECK(err({"--scenario", "--wide"}) ==
          "daxfail demo: --scenario needs at least one value (FILE|DIR...) (see 'daxfail demo --help')\n");
    CHECK(err({"--wide=yes"}) == "daxfail demo: --wide takes no value (see 'daxfail demo --help')\n");
    CHECK(err({"a", "b", "c"}) == "daxfail demo: unexpected argument 'c' (see 'daxfail demo --help')\n");
    CHECK(err({"--zzzzzzzz"}) == "daxfail demo: unknown argument '--zzzzzzzz' (see 'daxfail demo --help')\n");
}

TEST_CASE("options: --help lists every option with its default, within 110 columns") {
    const auto r = parse_words({"--wide", "--help"});
    CHECK(r.status == parse_status::help);
    CHECK(r.out.rfind("usage: daxfail demo FILE... [--format table|json] [--scenario FILE|DIR...]", 0) == 0);
    for (const auto& o : sample_command().options) CHECK(r.out.find("  " + spelled(o)) != std::string::npos);
    CHECK(r.out.find("the format. Default: table.") != std::string::npos);
    CHECK(r.out.find("wide. Default: off.") != std::string::npos);
    CHECK(r.out.find("-o, --output FILE") != std::string::npos);
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) CHECK(line.size() <= help_width);
}

TEST_CASE("options: the bash completion offers every flag and the values of each") {
    const auto s = bash_completion({sample_command()}, {"--version"}, {{"merged"}, {"poison_one_page"}});
    CHECK(s.find("compgen -W 'demo --version'") != std::string::npos);
    CHECK(s.find("--format) COMPREPLY=($(compgen -W 'table json' -- \"$cur\")); return;;") != std::string::npos);
    CHECK(s.find("--output|-o) COMPREPLY=($(compgen -f -- \"$cur\")); return;;") != std::string::npos);
    CHECK(s.find("compgen -W '--help --format --scenario --depth --output --wide'") != std::string::npos);
    CHECK(s.find("complete -o filenames -F _daxfail daxfail") != std::string::npos);
}

TEST_CASE("wrap: at spaces, a word longer than the line after its commas, never past the width") {
    using daxfail::detail::wrap;
    CHECK(wrap("aa bb cc", 5, "", "") == "aa bb\ncc\n");
    CHECK(wrap("aa bb cc", 8, "> ", "  ") == "> aa bb\n  cc\n");
    CHECK(wrap("x=1,y=2,z=3", 8, "", "") == "x=1,y=2,\nz=3\n");
    CHECK(wrap("abcdefghij", 4, "", "") == "abcd\nefgh\nij\n");
    CHECK(wrap("", 10, "", "") == "\n");
}

TEST_CASE("options: --max-seconds says too large rather than not a number, and still refuses what is no number") {
    CHECK(positive_seconds("2.5").empty());
    CHECK(positive_seconds("1000000000").empty());
    CHECK(positive_seconds("99999999999999999999999") ==
          "is more than 1000000000 seconds (about 31 years), the largest limit; leave it out for none");
    CHECK(positive_seconds("1e400") ==
          "is more than 1000000000 seconds (about 31 years), the largest limit; leave it out for none");
    CHECK(positive_seconds("0") == "is not a positive number of seconds");
    CHECK(positive_seconds("-3") == "is not a positive number of seconds");
    CHECK(positive_seconds("ten") == "is not a positive number of seconds");
}

TEST_CASE("wrap_lines: only the lines past the width, continued 4 columns further in") {
    const std::string text = "short\n  " + std::string(60, 'a') + " " + std::string(60, 'b') + "\n";
    CHECK(daxfail::detail::wrap_lines(text, 120) == "short\n  " + std::string(60, 'a') + "\n      " + std::string(60, 'b') + "\n");
    CHECK(daxfail::detail::wrap_lines("x\n", 120) == "x\n");
}
