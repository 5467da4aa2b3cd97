// The comparison engine and run-time variant names.
#include "support.hpp"

#include <daxfail/combinations.hpp>
#include <daxfail/compare.hpp>

#include <boost/hana/for_each.hpp>

using namespace daxfail;
using namespace daxfail::scenarios;

TEST_CASE("classes group identical outcomes and name what differs between them") {
    const auto c = compare(preset_specs(), {unbind_mapped_files(), poison_one_page(), frozen_by_userspace()});
    REQUIRE(c.results.size() == 3 * presets::count);
    auto names = [&](std::size_t s, std::size_t k) {
        std::vector<std::string> out;
        for (auto v : c.classes[s].classes[k]) out.push_back(c.variants[v].name);
        return out;
    };
    // unbind: pre_patch / debian_6_1 (the same, but its build names another caller in the shutdown message) /
    // v12 (its message spelling) / every later pre-remove version up to 6.13 / v6.14 on, whose walk spins.
    REQUIRE(c.classes[0].classes.size() == 5);
    CHECK(names(0, 0) == std::vector<std::string>{"pre_patch"});
    CHECK(names(0, 1) == std::vector<std::string>{"v12"});
    CHECK(names(0, 2) == std::vector<std::string>{"v12_reviewed", "merged", "debian_6_12"});
    CHECK(names(0, 3) == std::vector<std::string>{"v6_14", "v6_15", "v6_18", "v7_2"});
    CHECK(names(0, 4) == std::vector<std::string>{"debian_6_1"});
    const auto between = [&](std::size_t a, std::size_t b) -> const auto& {
        for (const auto& d : c.classes[0].differences)
            if (d.a == a && d.b == b) return d.differences;
        FAIL("no difference between classes " << a << " and " << b);
        return c.classes[0].differences[0].differences;
    };
    REQUIRE(between(1, 2).size() == 1);
    CHECK(between(1, 2)[0].observable == "log");
    REQUIRE(between(0, 4).size() == 1);
    CHECK(between(0, 4)[0].observable == "log");
    // the poison path: one class.
    CHECK(c.classes[1].classes.size() == 1);
    CHECK(c.classes[1].differences.empty());
    // a userspace freeze: v6.8's -EINVAL thaw sets merged apart from 6.12.117 (whose backported nested thaw
    // returns 0); the versions that spin are a class of their own.
    std::vector<std::vector<std::string>> frozen;
    for (std::size_t k = 0; k < c.classes[2].classes.size(); ++k) frozen.push_back(names(2, k));
    CHECK(std::find(frozen.begin(), frozen.end(), std::vector<std::string>{"merged"}) != frozen.end());
    CHECK(std::find(frozen.begin(), frozen.end(), std::vector<std::string>{"v6_14", "v6_15", "v6_18", "v7_2"}) !=
          frozen.end());
    // Once their walk is over, v6.14 does what merged does and 7.2 what 6.12.117 does, but for the function's
    // v6.14 name in the shutdown message.
    const auto after_walk = compare(preset_specs(), {frozen_by_userspace()}, test::patient());
    auto result_of = [&](std::string_view name) -> const outcome& {
        for (const auto& r : after_walk.results)
            if (after_walk.variants[r.variant].name == name) return r.out;
        FAIL("no result for " << name);
        return after_walk.results[0].out;
    };
    for (const auto& pair : {std::pair{"merged", "v6_14"}, std::pair{"debian_6_12", "v7_2"}}) {
        CAPTURE(pair.second);
        const auto d = diff(result_of(pair.first), result_of(pair.second));
        REQUIRE(d.size() == 1);
        CHECK(d[0].observable == "log");
    }
    CHECK(c.any_invariant_failed());
}

TEST_CASE("variant names parse: presets, axis=value on merged, base=, aliases, errors") {
    std::string error;
    auto v = parse_variant("v12", error);
    REQUIRE(v);
    CHECK(v->cfg == presets::v12::config);
    v = parse_variant("freeze=return_ebusy", error);
    REQUIRE(v);
    CHECK(v->cfg == presets::merged::with<freeze::return_ebusy>::config);
    v = parse_variant("base=v12,freeze=return_ebusy,thaw=caller", error);
    REQUIRE(v);
    CHECK(v->cfg == presets::v12_reviewed::config);
    CHECK(v->name == "v12_reviewed");  // a preset is named as such however it was spelled
    CHECK_FALSE(parse_variant("freeze=forever", error));
    CHECK(error.rfind("axis freeze has no value \"forever\"", 0) == 0);
    CHECK_FALSE(parse_variant("speed=fast", error));
    CHECK(error == "unknown axis \"speed\"");
    CHECK_FALSE(parse_variant("base=debian_6_1,freeze=loop_until_frozen", error));
    CHECK(error.find("freeze_api=no_holders") != std::string::npos);
    const auto list = parse_variant_list("pre_patch,merged,freeze=none,thaw=in_callee;freeze=loop_until_frozen", error);
    REQUIRE(list);
    REQUIRE(list->size() == 4);
    CHECK((*list)[2].cfg == presets::merged::with<freeze::none, thaw::in_callee>::config);
    CHECK((*list)[3].cfg == presets::merged::with<freeze::loop_until_frozen>::config);
}

TEST_CASE("all: 216 distinct combinations of the main axes, each named so that the name selects it") {
    const auto all = all_combination_specs();
    CHECK(all.size() == 3 * 6 * 2 * 3 * 2);
    std::string error;
    for (std::size_t i = 0; i < all.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) REQUIRE_FALSE(all[i].cfg == all[j].cfg);
        const auto back = parse_variant(all[i].name, error);
        REQUIRE(back);
        CHECK(back->cfg == all[i].cfg);
    }
    // merged itself is one of them, and is named as the preset.
    CHECK(std::count_if(all.begin(), all.end(), [](const variant_spec& v) { return v.name == "merged"; }) == 1);
}

TEST_CASE("all at run time is main_axis_combinations' types, config for config and in the same order") {
    const auto all = all_combination_specs();
    std::size_t i = 0;
    boost::hana::for_each(main_axis_combinations<presets::merged>(), [&](auto t) {
        using V = typename decltype(t)::type;
        REQUIRE(i < all.size());
        CHECK(all[i].cfg == V::config);
        CHECK(all[i].name == variant_name<V>());
        ++i;
    });
    CHECK(i == all.size());
}
