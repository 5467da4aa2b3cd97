// Where every built-in policy value and every preset comes from: each has a source, the run-time lookups find
// them by name, source_line says "not established" for what is not known, and `daxfail explain` prints the
// sources of its variant's policies.
#include "support.hpp"

#include <daxfail/cli.hpp>
#include <daxfail/cli/explain.hpp>
#include <daxfail/policy_source.hpp>
#include <daxfail/presets.hpp>
#include <daxfail/sources.hpp>
#include <daxfail/variant_names.hpp>

#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// A user's policy that says where it comes from, and one that does not.
struct sourced_freeze : daxfail::freeze::return_ebusy {
    static constexpr std::string_view name = "sourced_freeze";
    static constexpr daxfail::policy_source source{"proposed by daxfail", "", "a test's own freeze", "", ""};
};
struct unsourced_collector {
    using axis = daxfail::axis::collector;
    static constexpr std::string_view name = "unsourced_collector";
    static constexpr daxfail::task_pick pick(const daxfail::collector_input&) { return daxfail::task_pick::none; }
};

/// How many axes there are.
std::size_t source_test_axes() {
    std::size_t n = 0;
    daxfail::detail::for_each_axis_tag([&]<class A>(A*) { ++n; }, daxfail::detail::all_axes{});
    return n;
}

/// What `daxfail explain ARGS...` prints on standard output.
std::string explain_output(std::vector<std::string> args) {
    std::ostringstream captured;
    auto* out = std::cout.rdbuf(captured.rdbuf());
    const int rc = daxfail::cli::cmd_explain(args);
    std::cout.rdbuf(out);
    CHECK(rc == daxfail::cli::exit_ok);
    return captured.str();
}

}  // namespace

TEST_CASE("sources: every built-in value of every axis and every preset says where it comes from") {
    std::size_t values = 0;
    daxfail::test::for_each_builtin_value([&](std::string_view axis, std::string_view value) {
        ++values;
        INFO(axis << "=" << value);
        const auto s = daxfail::source_of(axis, value);
        REQUIRE(s.has_value());
        CHECK(!s->version.empty());
        CHECK(!s->subject.empty());
        // A commit id is 12 hex digits or absent, and what no kernel has has none.
        CHECK((s->commit.empty() || s->commit.size() == 12));
        CHECK(s->commit.find_first_not_of("0123456789abcdef") == std::string_view::npos);
        if (s->version.rfind("proposed", 0) == 0) CHECK(s->commit.empty());
    });
    CHECK(values > source_test_axes());
    for (std::size_t i = 0; i < daxfail::presets::count; ++i) {
        INFO(daxfail::presets::names[i]);
        CHECK(!daxfail::presets::sources[i].version.empty());
        CHECK(!daxfail::presets::sources[i].subject.empty());
        REQUIRE(daxfail::presets::source_of(daxfail::presets::names[i]).has_value());
        CHECK(*daxfail::presets::source_of(daxfail::presets::names[i]) == daxfail::presets::sources[i]);
    }
}

TEST_CASE("sources: source_of finds a built-in by axis and value, and nothing for unknown names") {
    const auto s = daxfail::source_of("freeze", "return_ebusy");
    REQUIRE(s.has_value());
    CHECK(*s == daxfail::freeze::return_ebusy::source);
    CHECK(s->version == "proposed on the list");
    CHECK(s->message_id == "20230729151506.GI11352@frogsfrogsfrogs");
    // The same value name on two axes is two values.
    CHECK(daxfail::source_of("freeze", "none") == daxfail::freeze::none::source);
    CHECK(daxfail::source_of("invalidate", "none") == daxfail::invalidate::none::source);
    CHECK(daxfail::source_of("range_math", "merged") == daxfail::range_math::merged::source);
    CHECK(daxfail::source_of("range_math", "merged")->commit == "fa422b353d21");
    CHECK_FALSE(daxfail::source_of("freeze", "no_such_value").has_value());
    CHECK_FALSE(daxfail::source_of("no_such_axis", "return_ebusy").has_value());
    CHECK_FALSE(daxfail::source_of("thaw", "return_ebusy").has_value());  // a value of another axis
    CHECK(daxfail::presets::source_of("merged")->commit == "fa422b353d21");
    CHECK_FALSE(daxfail::presets::source_of("v6_99").has_value());
    // A user's policy has a source if it defines one.
    CHECK(daxfail::source_of<sourced_freeze>() == sourced_freeze::source);
    CHECK_FALSE(daxfail::source_of<unsourced_collector>().has_value());
    CHECK(daxfail::source_of<daxfail::thaw::in_callee>() == daxfail::source_of("thaw", "in_callee"));
}

TEST_CASE("sources: source_line prints every field, and says what is not established") {
    const daxfail::policy_source full{"v6.8", "fa422b353d21", "subject", "linux-xfs, 1 Jan 2024, A. Author", "id@host"};
    CHECK(daxfail::source_line(full) ==
          "v6.8, commit fa422b353d21 \"subject\"; argued in: linux-xfs, 1 Jan 2024, A. Author, message-id id@host");
    const daxfail::policy_source no_commit{"v6.0", "", "subject", "", ""};
    CHECK(daxfail::source_line(no_commit) ==
          "v6.0, commit not established, \"subject\"; argued in: not established");
    const daxfail::policy_source no_id{"proposed on the list", "", "subject", "linux-xfs, review", ""};
    CHECK(daxfail::source_line(no_id) ==
          "proposed on the list, no commit, \"subject\"; argued in: linux-xfs, review, message-id not established");
    const daxfail::policy_source ours{"proposed by daxfail", "", "subject", "", ""};
    CHECK(daxfail::source_line(ours) == "proposed by daxfail, no commit, \"subject\"; argued in: no posting");
    CHECK(daxfail::source_line({}).rfind("version not established, commit not established", 0) == 0);
}

TEST_CASE("sources: explain prints where the variant and each of its policies come from") {
    const std::string merged = explain_output({"unbind_mapped_files", "--variant", "merged"});
    const auto line_of = [](const std::string& text, const std::string& start) {
        const auto at = text.find("\n" + start);
        if (at == std::string::npos) return std::string();
        return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    };
    CHECK(line_of(merged, "source:   ") == "source:   " + daxfail::source_line(daxfail::presets::sources[3]));
    CHECK(line_of(merged, "  freeze=proceed_and_remember: ") ==
          "  freeze=proceed_and_remember: " + daxfail::source_line(daxfail::freeze::proceed_and_remember::source));
    // One line per axis, in report order, between the variant and the kernel steps; the old lines stay.
    const auto from = merged.find("policies and where they come from:\n");
    const auto to = merged.find("\n\nkernel steps:\n");
    REQUIRE(from != std::string::npos);
    REQUIRE(to != std::string::npos);
    CHECK(merged.find("variant:  merged\n") < from);
    std::istringstream block(merged.substr(from, to - from));
    std::vector<std::string> lines;
    for (std::string l; std::getline(block, l);) lines.push_back(l);
    REQUIRE(lines.size() == source_test_axes() + 1);
    std::size_t a = 1;
    daxfail::for_each_axis(daxfail::presets::merged::config, [&](std::string_view axis, std::string_view value) {
        CHECK(lines[a++] == "  " + std::string(axis) + "=" + std::string(value) + ": " +
                                daxfail::source_line(*daxfail::source_of(axis, value)));
    });
    // A combination that is no preset has no preset source line, and its proposed value says so.
    const std::string proposed = explain_output({"unbind_mapped_files", "--variant", "range_math=v7_0_count_fixed"});
    CHECK(proposed.find("\nsource:   ") == std::string::npos);
    CHECK(line_of(proposed, "  range_math=v7_0_count_fixed: ") ==
          "  range_math=v7_0_count_fixed: proposed by daxfail, no commit, \"" +
              std::string(daxfail::range_math::v7_0_count_fixed::source.subject) + "\"; argued in: no posting");
}
