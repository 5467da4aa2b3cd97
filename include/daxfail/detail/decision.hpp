// A decision of a policy table that may carry numbers. A table built from a
// policy type holds a plain function (`&P::after_attempt`); a parametric value
// named at run time ("retry(3,10ms,-EBUSY)") has no function of its own, so
// its table holds its family's rule and the numbers it was given. The kernel
// path calls either the same way: `cfg.freeze.after_attempt(attempt)`.
#ifndef DAXFAIL_DETAIL_DECISION_HPP
#define DAXFAIL_DETAIL_DECISION_HPP

#include <array>
#include <cstdint>
#include <string_view>

namespace daxfail {

/// The numbers a parametric policy value was given ("retry(3,10ms,-EBUSY)": 3, 10, -16); unused ones are 0.
using policy_args = std::array<std::int64_t, 4>;

namespace detail {

/// A family's rule, shared by the family's C++ template and by the values parsed at run time, so that both give
/// the same table: two parametric decisions are the same when they name the same family with the same numbers.
template <class Signature>
struct parametric_rule;
template <class R, class... A>
struct parametric_rule<R(A...)> {
    std::string_view family;  ///< "retry", "filter": names the rule across shared objects, where addresses differ
    R (*decide)(const policy_args&, A...);
};

template <class Signature>
class decision;

template <class R, class... A>
class decision<R(A...)> {
public:
    using plain_function = R (*)(A...);
    using rule = parametric_rule<R(A...)>;

    constexpr decision() = default;
    /// From a policy's own static member function: implicit, as tables are written `{P::name, &P::decide}`.
    constexpr decision(plain_function f) : plain_(f) {}  // NOLINT(google-explicit-constructor)
    constexpr decision(const rule& r, const policy_args& args) : rule_(&r), args_(args) {}

    constexpr R operator()(A... a) const { return rule_ ? rule_->decide(args_, a...) : plain_(a...); }

    /// The numbers of a parametric decision (all 0 for a plain one).
    constexpr const policy_args& args() const { return args_; }
    /// The family of a parametric decision, "" for a plain one.
    constexpr std::string_view family() const { return rule_ ? rule_->family : std::string_view{}; }

    friend constexpr bool operator==(const decision& a, const decision& b) {
        if ((a.rule_ == nullptr) != (b.rule_ == nullptr)) return false;
        if (!a.rule_) return a.plain_ == b.plain_;
        return a.rule_->family == b.rule_->family && a.args_ == b.args_;
    }

private:
    plain_function plain_ = nullptr;
    const rule* rule_ = nullptr;
    policy_args args_{};
};

/// The decision of policy P whose member is `f`: its family's rule and numbers when P is a parametric family's
/// template (it has `rule` and `arguments`), so that it equals the same value parsed at run time; else `f`.
template <class Decision, class P, class F>
constexpr Decision decision_of(F f) {
    if constexpr (requires { P::rule; P::arguments; })
        return Decision{P::rule, P::arguments};
    else
        return Decision{f};
}

}  // namespace detail
}  // namespace daxfail

#endif
