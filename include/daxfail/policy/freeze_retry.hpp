// freeze=retry(N,T,THEN): the freeze review ideas as numbers rather than code.
// Attempt freeze_super(KERNEL) at most N times, T apart (the path sleeps in
// delay(), where other actors run); when the last attempt fails, THEN: return
// an error from the notification (-EBUSY, whatever freeze_super said), carry
// on unfrozen and say so ("proceed", as v6.8 does after its one attempt), or
// continue as a plain memory failure ("without_pre_remove", as the fallback
// proposed on the list). The built-ins are points of this family or close to
// it: v12 retries every 100 ms without end, its review asked for one attempt
// returning its error, v6.8 is retry(1,0ms,proceed).
//
// In C++: `freeze::retry<3, 10, -err::ebusy>`, `freeze::retry<50, 100, freeze::then_proceed>`; on the command
// line and in reports: `freeze=retry(3,10ms,-EBUSY)`, `freeze=retry(50,100ms,proceed)`. Both give the same table.
#ifndef DAXFAIL_POLICY_FREEZE_RETRY_HPP
#define DAXFAIL_POLICY_FREEZE_RETRY_HPP

#include <daxfail/detail/intern.hpp>
#include <daxfail/detail/parametric_args.hpp>
#include <daxfail/detail/short_text.hpp>
#include <daxfail/policy/freeze.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace daxfail::freeze {

/// retry's THEN, besides a negative error code.
inline constexpr std::int64_t then_proceed = 0;             ///< carry on unfrozen (xfs_emerg "already frozen by kernel")
inline constexpr std::int64_t then_without_pre_remove = 1;  ///< continue without MF_MEM_PRE_REMOVE

/// The rule of every retry value: arguments {attempts, interval_ms, then}.
constexpr freeze_decision retry_decide(const policy_args& a, const freeze_attempt& attempt) {
    if (attempt.rc == 0) return freeze_decision::proceed();
    if (std::int64_t(attempt.attempts) < a[0]) return freeze_decision::retry(std::uint64_t(a[1]));
    if (a[2] == then_proceed) return freeze_decision::proceed(true);
    if (a[2] == then_without_pre_remove) return freeze_decision::proceed_without_pre_remove();
    return freeze_decision::fail_with(int(a[2]));
}
inline constexpr detail::parametric_rule<freeze_decision(const freeze_attempt&)> retry_rule{"retry", &retry_decide};

/// "retry(3,10ms,-EBUSY)": the one spelling of a retry value, for the template and for the parser.
constexpr detail::short_text retry_name(const policy_args& a) {
    detail::short_text t;
    t += "retry(";
    t.append_number(a[0]);
    t += ",";
    detail::append_duration(t, a[1]);
    t += ",";
    if (a[2] == then_proceed)
        t += "proceed";
    else if (a[2] == then_without_pre_remove)
        t += "without_pre_remove";
    else if (const auto s = err::symbol(int(a[2])); !s.empty())
        t += s;
    else
        t.append_number(a[2]);
    t += ")";
    return t;
}

/// Where the family comes from: the freeze choices of v12, of its review and of v6.8 as one family of numbers.
inline constexpr policy_source retry_source{
    "proposed by daxfail", "",
    "freeze_super at most N times, T apart, then an error, proceed, or a plain memory failure: v12's loop, its "
    "review's returned error and v6.8's single attempt as one family",
    detail::known_sources::v12_review, detail::known_sources::v12_review_id};

/// The C++ spelling of a template.
template <unsigned Attempts, std::uint64_t IntervalMs, std::int64_t Then>
struct retry {
    static_assert(Attempts >= 1, "daxfail: freeze::retry needs at least one attempt");
    static_assert(Then <= then_without_pre_remove, "daxfail: freeze::retry's Then is a negative error code, "
                                                   "freeze::then_proceed or freeze::then_without_pre_remove");
    using axis = daxfail::axis::freeze;
    static constexpr policy_args arguments{Attempts, std::int64_t(IntervalMs), Then, 0};
    static constexpr const auto& rule = retry_rule;
    static constexpr std::string_view name = detail::static_text<retry_name(arguments)>;
    static constexpr policy_source source = retry_source;
    static constexpr bool freezes = true;
    static constexpr freeze_decision after_attempt(const freeze_attempt& a) { return retry_decide(arguments, a); }
};

/// The table of "retry(ARGS)" read at run time; nullopt with `error` naming the argument that is wrong.
inline std::optional<freeze_ops> read_retry(std::string_view args, std::string& error) {
    const auto parts = detail::split_arguments(args);
    if (parts.size() != 3) {
        error = "retry takes 3 arguments (attempts, interval, then), e.g. retry(3,10ms,-EBUSY); got " +
                std::to_string(parts.size());
        return std::nullopt;
    }
    const auto attempts = detail::read_whole(parts[0], "retry's attempts", 1, 1'000'000, error);
    if (!attempts) return std::nullopt;
    const auto interval = detail::read_duration_ms(parts[1], "retry's interval", error);
    if (!interval) return std::nullopt;
    std::int64_t then = 0;
    if (parts[2] == "proceed") {
        then = then_proceed;
    } else if (parts[2] == "without_pre_remove") {
        then = then_without_pre_remove;
    } else {
        std::string why;
        const auto rc = detail::read_error(parts[2], "retry's then", why);
        if (!rc) {
            error = why + ", proceed or without_pre_remove";
            return std::nullopt;
        }
        then = *rc;
    }
    const policy_args a{*attempts, *interval, then, 0};
    return freeze_ops{detail::intern(retry_name(a).view()), true, {retry_rule, a}};
}

}  // namespace daxfail::freeze

#endif
