// collector=filter(WHAT): v6.8's collector (every process that maps the page,
// through its leader, on pre-remove) narrowed to the processes WHAT says:
//   dirty          the page's DAX entry is dirty: only tasks that may have
//                  written data the removal loses
//   pages>=N       the task maps at least N pages of the walk's range
//   mapcount>=N    at least N processes map the page
//   early_kill     the task has an early-kill thread (PR_MCE_KILL_EARLY or
//                  the sysctl)
// Outside pre-remove the filter does not apply: a poisoned page is lost data
// and v6.8's task_early_kill rule stands. A filtered-out task keeps its
// mapping until unmap_and_kill zaps it, unsignalled (the invariants say what
// that costs).
//
// In C++: `collector::filter<collector::dirty>`, `collector::filter<collector::pages_at_least<4>>`; on the
// command line and in reports: `collector=filter(dirty)`, `collector=filter(pages>=4)`. Both give the same table.
#ifndef DAXFAIL_POLICY_COLLECTOR_FILTER_HPP
#define DAXFAIL_POLICY_COLLECTOR_FILTER_HPP

#include <daxfail/detail/did_you_mean.hpp>
#include <daxfail/detail/intern.hpp>
#include <daxfail/detail/parametric_args.hpp>
#include <daxfail/detail/short_text.hpp>
#include <daxfail/policy/collector.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daxfail::collector {

/// What a filter keeps: arguments {what, n}.
enum class filter_kind : std::int64_t { dirty, pages_at_least, mapcount_at_least, early_kill };

/// Each kind's spelling, and whether it takes a number ("pages>=4").
struct filter_spelling {
    filter_kind kind;
    std::string_view text;
    bool takes_number;
};
inline constexpr std::array<filter_spelling, 4> filter_spellings{{{filter_kind::dirty, "dirty", false},
                                                                  {filter_kind::pages_at_least, "pages>=", true},
                                                                  {filter_kind::mapcount_at_least, "mapcount>=", true},
                                                                  {filter_kind::early_kill, "early_kill", false}}};

constexpr bool filter_keeps(const policy_args& a, const collector_input& t) {
    switch (filter_kind(a[0])) {
        case filter_kind::dirty: return t.page_dirty;
        case filter_kind::pages_at_least: return std::int64_t(t.pages_in_range) >= a[1];
        case filter_kind::mapcount_at_least: return std::int64_t(t.mapcount) >= a[1];
        case filter_kind::early_kill: return t.has_early_kill;
    }
    return false;
}

/// The rule of every filter value.
constexpr task_pick filter_pick(const policy_args& a, const collector_input& t) {
    const task_pick base = all_mapping_tasks::pick(t);
    return t.pre_remove && !filter_keeps(a, t) ? task_pick::none : base;
}
inline constexpr detail::parametric_rule<task_pick(const collector_input&)> filter_rule{"filter", &filter_pick};

/// Whether a filter needs the page inputs (collector_input's page_dirty, mapcount, pages_in_range).
constexpr bool filter_reads_page(const policy_args& a) { return filter_kind(a[0]) != filter_kind::early_kill; }

/// "filter(pages>=4)": the one spelling of a filter value, for the template and for the parser.
constexpr detail::short_text filter_name(const policy_args& a) {
    detail::short_text t;
    t += "filter(";
    for (const auto& s : filter_spellings)
        if (s.kind == filter_kind(a[0])) {
            t += s.text;
            if (s.takes_number) t.append_number(a[1]);
        }
    t += ")";
    return t;
}

/// Where the family comes from.
inline constexpr policy_source filter_source{
    "proposed by daxfail", "",
    "v6.8's collector narrowed on pre-remove to the tasks a reviewer names: dirty entries, pages mapped in the "
    "range, processes mapping the page, early kill",
    "", ""};

/// What to keep, in C++.
struct dirty {
    static constexpr policy_args arguments{std::int64_t(filter_kind::dirty), 0, 0, 0};
};
template <std::uint64_t N>
struct pages_at_least {
    static constexpr policy_args arguments{std::int64_t(filter_kind::pages_at_least), std::int64_t(N), 0, 0};
};
template <std::uint32_t N>
struct mapcount_at_least {
    static constexpr policy_args arguments{std::int64_t(filter_kind::mapcount_at_least), std::int64_t(N), 0, 0};
};
struct early_kill_only {
    static constexpr policy_args arguments{std::int64_t(filter_kind::early_kill), 0, 0, 0};
};

/// v6.8's collector narrowed to what Keep says (collector::dirty, pages_at_least<N>, ...).
template <class Keep>
struct filter {
    using axis = daxfail::axis::collector;
    static constexpr policy_args arguments = Keep::arguments;
    static constexpr const auto& rule = filter_rule;
    static constexpr std::string_view name = detail::static_text<filter_name(arguments)>;
    static constexpr policy_source source = filter_source;
    static constexpr bool reads_page = filter_reads_page(arguments);
    static constexpr task_pick pick(const collector_input& t) { return filter_pick(arguments, t); }
};

/// The table of "filter(ARGS)" read at run time; nullopt with `error` saying what it takes.
inline std::optional<collector_ops> read_filter(std::string_view args, std::string& error) {
    const auto parts = detail::split_arguments(args);
    std::vector<std::string> known;
    for (const auto& s : filter_spellings) known.push_back(std::string(s.text) + (s.takes_number ? "N" : ""));
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    if (parts.size() != 1) {
        error = "filter takes 1 argument (" + list + "), e.g. filter(dirty); got " + std::to_string(parts.size());
        return std::nullopt;
    }
    const std::string_view what = parts[0];
    for (const auto& s : filter_spellings) {
        if (!s.takes_number ? what != s.text : what.substr(0, s.text.size()) != s.text) continue;
        policy_args a{std::int64_t(s.kind), 0, 0, 0};
        if (s.takes_number) {
            const auto n = detail::read_whole(what.substr(s.text.size()), "filter's " + std::string(s.text) + "N",
                                              0, 1'000'000'000'000, error);
            if (!n) return std::nullopt;
            a[1] = *n;
        }
        return collector_ops{detail::intern(filter_name(a).view()), {filter_rule, a}, filter_reads_page(a)};
    }
    error = "filter has no \"" + std::string(what) + "\" (" + list + ")" + detail::did_you_mean_suffix(what, known);
    return std::nullopt;
}

}  // namespace daxfail::collector

#endif
