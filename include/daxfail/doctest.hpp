// doctest integration: outcomes print as their observables, and
//     CHECK(daxfail::same(a, b));
// fails with the differing observables only. The presets are a type list for
//     TEST_CASE_TEMPLATE_DEFINE("...", V, id);
//     TEST_CASE_TEMPLATE_APPLY(id, daxfail::testing::presets);
// Include after <doctest/doctest.h>.
#ifndef DAXFAIL_DOCTEST_HPP
#define DAXFAIL_DOCTEST_HPP

#include <daxfail/outcome.hpp>
#include <daxfail/presets.hpp>

#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace daxfail {

/// The result of comparing two outcomes; converts to bool, prints its diff.
struct outcome_comparison {
    bool equal = false;
    std::vector<difference> differences;
    std::string a_label = "a";
    std::string b_label = "b";
    explicit operator bool() const noexcept { return equal; }
};

inline outcome_comparison same(const outcome& a, const outcome& b, std::string a_label = "a",
                               std::string b_label = "b") {
    return {a == b, diff(a, b), std::move(a_label), std::move(b_label)};
}

namespace testing {
/// The presets as a type list for TEST_CASE_TEMPLATE_APPLY (from the registry, presets.hpp).
using presets = daxfail::presets::as_tuple;
}  // namespace testing

}  // namespace daxfail

// Template test cases over the presets are named after the preset, not the policy list.
TYPE_TO_STRING(daxfail::presets::pre_patch);
TYPE_TO_STRING(daxfail::presets::v12);
TYPE_TO_STRING(daxfail::presets::v12_reviewed);
TYPE_TO_STRING(daxfail::presets::merged);
TYPE_TO_STRING(daxfail::presets::v6_14);
TYPE_TO_STRING(daxfail::presets::debian_6_1);
TYPE_TO_STRING(daxfail::presets::debian_6_12);

namespace doctest {

template <>
struct StringMaker<daxfail::outcome> {
    static String convert(const daxfail::outcome& o) { return ("\n" + daxfail::to_string(o)).c_str(); }
};

template <>
struct StringMaker<daxfail::outcome_comparison> {
    static String convert(const daxfail::outcome_comparison& c) {
        return ("\n" + daxfail::to_string(c.differences, c.a_label, c.b_label)).c_str();
    }
};

template <>
struct StringMaker<std::vector<daxfail::difference>> {
    static String convert(const std::vector<daxfail::difference>& d) { return ("\n" + daxfail::to_string(d)).c_str(); }
};

}  // namespace doctest

#endif
