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
};

namespace detail {
/// Sets `field` from a family's reader; the error, or "".
template <class Ops>
std::string set_from(const std::optional<Ops>& read, const std::string& error, Ops& field) {
    if (read) field = *read;
    return read ? std::string{} : error;
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
     }},
    {"collector", "filter", "filter(WHAT)",
     "v6.8's collector keeping, on pre-remove, only the tasks WHAT says: dirty, pages>=N, mapcount>=N, early_kill",
     {"filter(dirty)", "filter(pages>=2)", "filter(mapcount>=2)", "filter(early_kill)"},
     [](std::string_view args, config& c) {
         std::string error;
         const auto read = collector::read_filter(args, error);
         return detail::set_from(read, error, c.collector);
     }},
}};

/// The family named by `value` ("retry(...)") on `axis`, or null.
inline const parametric_family* parametric_family_of(std::string_view axis, std::string_view family) {
    for (const auto& f : parametric_families)
        if (f.axis == axis && f.name == family) return &f;
    return nullptr;
}

}  // namespace daxfail

#endif
