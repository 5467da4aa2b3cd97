// Policies written outside the library: they run through the same decision
// points as the built-ins, are named in reports, parse by name, and a policy
// that lacks a member is refused by its axis' concept.
#include "support.hpp"

#include <daxfail/cli.hpp>

#include <fstream>
#include <sstream>

using namespace daxfail;
using daxfail::test::logged;

// Not in the anonymous namespace: their members exist only to be checked, and would warn as unused there.
namespace concept_checks {
struct no_name {
    using axis = daxfail::axis::freeze;
    static constexpr bool freezes = true;
    static constexpr freeze_decision after_attempt(const freeze_attempt&) { return {}; }
};
struct no_decision {
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "no_decision";
    static constexpr bool freezes = true;
};
struct function_not_constant {  // a function where the axis wants a constant
    using axis = daxfail::axis::del_gendisk;
    static constexpr std::string_view name = "function_not_constant";
    static bool shuts_down_filesystem() { return false; }
};
struct by_value_pick {  // a parameter type other than the documented one
    using axis = daxfail::axis::collector;
    static constexpr std::string_view name = "by_value_pick";
    static constexpr task_pick pick(collector_input) { return task_pick::none; }
};
struct runtime_constant {  // not usable in a constant expression
    using axis = daxfail::axis::rt_device;
    static constexpr std::string_view name = "runtime_constant";
    static inline bool scans_rtgroups = true;
};
}  // namespace concept_checks

namespace {

/// Retry every 100 ms for at most 5 s, then proceed unfrozen.
struct wait_5s_then_proceed {
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "wait_5s_then_proceed";
    static constexpr bool freezes = true;
    static constexpr freeze_decision after_attempt(const freeze_attempt& a) {
        if (a.rc == 0) return freeze_decision::proceed();
        if (a.waited_ms < 5000) return freeze_decision::retry(100);
        return freeze_decision::proceed(true);
    }
};
struct wait_5s : presets::merged::with<wait_5s_then_proceed> {
    static constexpr std::string_view name = "wait_5s";
};

/// Retries without sleeping, forever.
struct spin_forever {
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "spin_forever";
    static constexpr bool freezes = true;
    static constexpr freeze_decision after_attempt(const freeze_attempt& a) {
        return a.rc == 0 ? freeze_decision::proceed() : freeze_decision::retry(0);
    }
};

/// Three immediate retries, then 100 ms sleeps until frozen.
struct spin_then_sleep {
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "spin_then_sleep";
    static constexpr bool freezes = true;
    static constexpr freeze_decision after_attempt(const freeze_attempt& a) {
        if (a.rc == 0) return freeze_decision::proceed();
        return freeze_decision::retry(a.attempts <= 3 ? 0 : 100);
    }
};

/// Corrupt shutdown only when the scan met metadata; otherwise force-umount on pre-remove.
struct corrupt_only_on_metadata {
    using axis = daxfail::axis::shutdown;
    static constexpr std::string_view name = "corrupt_only_on_metadata";
    static constexpr shutdown_action after_scan(const scan_outcome& s) {
        if (s.want_shutdown) return shutdown_action::corrupt_ondisk;
        return s.pre_remove || s.error ? shutdown_action::force_umount : shutdown_action::none;
    }
};

bool trace_mentions(const outcome& o, const std::string& needle) {
    return std::any_of(o.trace.begin(), o.trace.end(),
                       [&](const trace_step& s) { return (s.function + ": " + s.detail).find(needle) != std::string::npos; });
}

}  // namespace

TEST_CASE("a policy is checked against its axis' concept") {
    static_assert(freeze_policy<wait_5s_then_proceed>);
    static_assert(freeze_policy<freeze::proceed_and_remember>);
    static_assert(shutdown_policy<corrupt_only_on_metadata>);
    static_assert(!freeze_policy<concept_checks::no_name>);
    static_assert(!freeze_policy<concept_checks::no_decision>);
    static_assert(!freeze_policy<corrupt_only_on_metadata>);  // right members, wrong axis
    static_assert(!del_gendisk_policy<concept_checks::function_not_constant>);
    static_assert(!collector_policy<concept_checks::by_value_pick>);
    static_assert(!rt_device_policy<concept_checks::runtime_constant>);
    static_assert(del_gendisk_policy<del_gendisk::no_fs_shutdown> && rt_device_policy<rt_device::rtgroups>);
    static_assert(!variant_type<int&> && !variant_type<int> && variant_type<presets::merged>);
    static_assert(variant_type<wait_5s>);
    CHECK(wait_5s::config.freeze.name == "wait_5s_then_proceed");
    CHECK(wait_5s::config.shutdown == presets::merged::config.shutdown);
    CHECK_FALSE(wait_5s::config == presets::merged::config);
}

TEST_CASE("a bounded freeze wait outlasts a kernel freeze that ends, and gives up on one that does not") {
    SUBCASE("xfs_scrub thaws after 300 ms: the wait freezes, and nothing is logged as already frozen") {
        const auto s = scenarios::kernel_holder_thaws_later();
        const auto o = run<wait_5s>(s.world, s.event);
        CHECK(o.terminated());
        CHECK_FALSE(logged(o, "already frozen by kernel"));
        CHECK(trace_mentions(o, "freeze_super: kernel by xfs_dax_notify_failure = 0"));
        CHECK(trace_mentions(o, "thaw_super: kernel by xfs_dax_notify_failure = 0"));
        const auto m = run<presets::merged>(s.world, s.event);
        CHECK(logged(m, "already frozen by kernel, err=-16"));  // merged does not wait
        CHECK_FALSE(o == m);
    }
    SUBCASE("a freeze held forever: 5 s of retries taken as one sleep, then on unfrozen like merged") {
        const auto s = scenarios::frozen_by_kernel_holder();
        const auto o = run<wait_5s>(s.world, s.event);
        CHECK(o.terminated());
        CHECK(logged(o, "already frozen by kernel, err=-16"));
        CHECK(trace_mentions(o, "50 more attempts would each return -EBUSY"));  // at 100, 200, ... 5000 ms
        CHECK(trace_mentions(o, "delay: 5000 ms"));
        // What the kernel sees is merged's, apart from the time spent.
        CHECK(same(o, run<presets::merged>(s.world, s.event)));
    }
}

TEST_CASE("a retry policy that never gives up ends as no progress, not as a hang of the model") {
    const auto s = scenarios::frozen_by_kernel_holder();
    const auto o = run<presets::merged::with<spin_forever>>(s.world, s.event);
    CHECK(o.end == end_state::no_progress);
    CHECK(o.end_detail.find("freeze_super keeps returning -EBUSY every 0 ms") != std::string::npos);
    // v12's loop through the same interface: unchanged.
    const auto v12 = run<presets::v12>(s.world, s.event);
    CHECK(v12.end == end_state::no_progress);
    CHECK(v12.end_detail.find("every 100 ms") != std::string::npos);
}

TEST_CASE("retries without sleeping let no model time pass, and end as no progress even with a thaw scheduled") {
    const auto s = scenarios::kernel_holder_thaws_later();  // xfs_scrub thaws at 300 ms
    const auto spin = run<presets::merged::with<spin_forever>>(s.world, s.event);
    CHECK(spin.end == end_state::no_progress);
    CHECK(spin.end_detail.find("retries without sleeping") != std::string::npos);
    // Spinning first and then sleeping reaches the thaw, and freezes.
    const auto mixed = run<presets::merged::with<spin_then_sleep>>(s.world, s.event);
    CHECK(mixed.terminated());
    CHECK(trace_mentions(mixed, "3 more attempts would each return -EBUSY"));
    CHECK(trace_mentions(mixed, "freeze_super: kernel by xfs_dax_notify_failure = 0"));
}

TEST_CASE("a shutdown policy decides from the scan's outcome") {
    // An unbind's whole-device range always meets the AG headers; with metadata_record::want_shutdown they ask
    // for a shutdown, which merged's shutdown turns into a force-umount and this one into a corrupt shutdown.
    using mine = presets::merged::with<corrupt_only_on_metadata, metadata_record::want_shutdown>;
    using theirs = presets::merged::with<metadata_record::want_shutdown>;
    const auto s = scenarios::unbind_mapped_files();
    CHECK(run<mine>(s.world, s.event).shutdown_flags == shutdown_flag::corrupt_ondisk);
    CHECK(run<theirs>(s.world, s.event).shutdown_flags == shutdown_flag::force_umount);
    CHECK(run<presets::merged::with<corrupt_only_on_metadata>>(s.world, s.event).shutdown_flags ==
          shutdown_flag::force_umount);  // merged skips metadata records on pre-remove
}

TEST_CASE("a user's variants are known by name, and their policies as axis values") {
    const auto extras = extra_variants<wait_5s>{}.specs();
    REQUIRE(extras.size() == 1);
    CHECK(extras[0].name == "wait_5s");
    std::string error;
    auto v = parse_variant("wait_5s", error, extras);
    REQUIRE(v);
    CHECK(v->cfg == wait_5s::config);
    v = parse_variant("freeze=wait_5s_then_proceed", error, extras);  // on merged: the named variant again
    REQUIRE(v);
    CHECK(v->name == "wait_5s");
    v = parse_variant("base=v12,freeze=wait_5s_then_proceed", error, extras);
    REQUIRE(v);
    CHECK(v->cfg.freeze.name == "wait_5s_then_proceed");
    CHECK(v->cfg.thaw == ops_of<thaw::in_callee>);
    CHECK(v->name.find("freeze=wait_5s_then_proceed") != std::string::npos);
    CHECK_FALSE(parse_variant("wait_5s", error));  // without the extras it is unknown
    CHECK_FALSE(parse_variant("freeze=wait_5s_then_proceed", error));
    CHECK(error.find("values: none, loop_until_frozen") != std::string::npos);
}

namespace {
struct impostor_none {  // claims the name of freeze::none, but freezes
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "none";
    static constexpr bool freezes = true;
    static constexpr freeze_decision after_attempt(const freeze_attempt&) { return freeze_decision::proceed(); }
};
struct merged_again : presets::v12 {
    static constexpr std::string_view name = "merged";
};
}  // namespace

TEST_CASE("user variants that could not be told apart by name are refused") {
    CHECK(extra_variants_error(extra_variants<wait_5s>{}.specs()).empty());
    CHECK(extra_variants_error(extra_variants<merged_again>{}.specs()) == "variant name \"merged\" is a preset's");
    CHECK(extra_variants_error(extra_variants<wait_5s, wait_5s>{}.specs()) == "variant name \"wait_5s\" is given twice");
    CHECK(extra_variants_error({{"a,b", presets::merged::config}}).find("cannot be given to --variants") != std::string::npos);
    CHECK(extra_variants_error(extra_variants<presets::merged::with<impostor_none>>{}.specs()).find(
              "policy freeze=none of variant") != std::string::npos);
}

TEST_CASE("a user's variant is named in the JSON and CSV reports") {
    auto variants = preset_specs();
    const auto extras = extra_variants<wait_5s>{}.specs();
    variants.insert(variants.end(), extras.begin(), extras.end());
    const auto c = compare(variants, {scenarios::kernel_holder_thaws_later()});
    CHECK(report::to_json(c, false).dump().find("\"wait_5s\"") != std::string::npos);
    CHECK(report::to_csv(c, false).find("wait_5s") != std::string::npos);
}

/// Whether the README shows the source file `path` (under the source tree) as a C++ block, but for its first line.
static bool readme_shows(const std::string& path) {
    std::ifstream readme(std::string(DAXFAIL_SOURCE_DIR) + "/README.md");
    std::ifstream program(std::string(DAXFAIL_SOURCE_DIR) + "/" + path);
    std::stringstream r, p;
    r << readme.rdbuf();
    p << program.rdbuf();
    std::string code = p.str();
    code = code.substr(code.find('\n') + 1);  // its first line says where it comes from
    return !code.empty() && r.str().find("```cpp\n" + code + "```") != std::string::npos;
}

TEST_CASE("the README's own-command program is tests/user_command/main.cpp") {
    CHECK(readme_shows("tests/user_command/main.cpp"));
}

TEST_CASE("the README's idea file is tests/ideas/wait_5s.cpp") { CHECK(readme_shows("tests/ideas/wait_5s.cpp")); }
