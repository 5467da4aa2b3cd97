// The parametric families of policy values: values with numbers in them,
// written on a command line, in a report or in C++ (`freeze=retry(3,10ms,-EBUSY)`
// is `freeze::retry<3, 10, -err::ebusy>`). One row per family: its axis, how it
// is written, what it means, a few values worth trying (what `suggest`
// searches and the help shows), and how it is read.
#ifndef DAXFAIL_PARAMETRIC_HPP
#define DAXFAIL_PARAMETRIC_HPP

#include <daxfail/config.hpp>
#include <daxfail/policy/collector_filter.hpp>
#include <daxfail/policy/freeze_retry.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daxfail {

struct parametric_family {
    std::string_view axis;
    std::string_view name;      ///< what comes before the parenthesis
    std::string_view grammar;   ///< "retry(N,T,THEN)"
    std::string_view meaning;   ///< one line for help texts
    std::array<std::string_view, 4> examples;  ///< representative values, nearest to a built-in first
    /// Reads the arguments (the text between the parentheses) into `c`'s axis; returns an error or "".
    std::string (*read)(std::string_view args, config& c);
    /// The C++ spelling of `c`'s value of this family: "freeze::retry<3, 10, -err::ebusy>".
    std::string (*cpp)(const config& c);
    /// Where the family comes from (every value of it shares it).
    policy_source source;
};

namespace detail {
/// Sets `field` from a family's reader; the error, or "".
template <class Ops>
std::string set_from(const std::optional<Ops>& read, const std::string& error, Ops& field) {
    if (read) field = *read;
    return read ? std::string{} : error;
}

/// "-err::ebusy" for -16, else the number.
inline std::string cpp_error(std::int64_t rc) {
    const std::string_view s = err::symbol(int(rc));
    if (s.size() < 3) return std::to_string(rc);
    std::string out = "-err::e";
    for (char ch : s.substr(2)) out += char(ch - 'A' + 'a');
    return out;
}

inline std::string cpp_retry(const config& c) {
    const auto& a = c.freeze.after_attempt.args();
    const std::string then = a[2] == freeze::then_proceed              ? "freeze::then_proceed"
                             : a[2] == freeze::then_without_pre_remove ? "freeze::then_without_pre_remove"
                                                                       : cpp_error(a[2]);
    return "freeze::retry<" + std::to_string(a[0]) + ", " + std::to_string(a[1]) + ", " + then + ">";
}

inline std::string cpp_filter(const config& c) {
    const auto& a = c.collector.pick.args();
    const std::string n = std::to_string(a[1]);
    switch (collector::filter_kind(a[0])) {
        case collector::filter_kind::dirty: return "collector::filter<collector::dirty>";
        case collector::filter_kind::pages_at_least: return "collector::filter<collector::pages_at_least<" + n + ">>";
        case collector::filter_kind::mapcount_at_least:
            return "collector::filter<collector::mapcount_at_least<" + n + ">>";
        case collector::filter_kind::early_kill: return "collector::filter<collector::early_kill_only>";
    }
    return "collector::filter<?>";
}
}  // namespace detail

inline constexpr std::array<parametric_family, 2> parametric_families{{
    {"freeze", "retry", "retry(N,T,THEN)",
     "freeze_super at most N times, T apart (10ms, 2s); then THEN: an error to return (-EBUSY, ...), proceed "
     "(unfrozen) or without_pre_remove",
     {"retry(3,10ms,-EBUSY)", "retry(50,100ms,-EBUSY)", "retry(50,100ms,proceed)", "retry(3,10ms,without_pre_remove)"},
     [](std::string_view args, config& c) {
         std::string error;
         const auto read = freeze::read_retry(args, error);
         return detail::set_from(read, error, c.freeze);
     },
     &detail::cpp_retry, freeze::retry_source},
    {"collector", "filter", "filter(WHAT)",
     "v6.8's collector keeping, on pre-remove, only the tasks WHAT says: dirty, pages>=N, mapcount>=N, early_kill",
     {"filter(dirty)", "filter(pages>=2)", "filter(mapcount>=2)", "filter(early_kill)"},
     [](std::string_view args, config& c) {
         std::string error;
         const auto read = collector::read_filter(args, error);
         return detail::set_from(read, error, c.collector);
     },
     &detail::cpp_filter, collector::filter_source},
}};

/// The family of `c`'s value on `axis` when it is parametric, else null.
inline const parametric_family* parametric_family_in(const config& c, std::string_view axis) {
    const std::string_view family = axis == "freeze"      ? c.freeze.after_attempt.family()
                                    : axis == "collector" ? c.collector.pick.family()
                                                          : std::string_view{};
    for (const auto& f : parametric_families)
        if (!family.empty() && f.axis == axis && f.name == family) return &f;
    return nullptr;
}

/// The family named by `value` ("retry(...)") on `axis`, or null.
inline const parametric_family* parametric_family_of(std::string_view axis, std::string_view family) {
    for (const auto& f : parametric_families)
        if (f.axis == axis && f.name == family) return &f;
    return nullptr;
}

}  // namespace daxfail

#endif
