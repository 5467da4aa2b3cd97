// How two outcomes differ, observable by observable, and an outcome as text.
#ifndef DAXFAIL_OUTCOME_DIFF_HPP
#define DAXFAIL_OUTCOME_DIFF_HPP

#include <daxfail/detail/flat_u64_map.hpp>
#include <daxfail/outcome/observables.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace daxfail {

/// How one observable differs between two outcomes.
struct difference {
    std::string observable;
    std::vector<std::string> only_in_a;
    std::vector<std::string> only_in_b;
};

namespace detail {
/// Counts of strings that stay alive elsewhere (diff's items), by hash with exact comparison.
class string_multiset {
    flat_u64_map<std::vector<std::size_t>> by_hash_;           ///< hash -> indices into counts_
    std::vector<std::pair<const std::string*, std::size_t>> counts_;  ///< distinct strings and their counts
    static u64 hash(const std::string& s) { return static_cast<u64>(std::hash<std::string_view>{}(s)); }

public:
    void add(const std::string& s) {
        auto& same_hash = by_hash_[hash(s)];
        for (std::size_t i : same_hash)
            if (*counts_[i].first == s) {
                ++counts_[i].second;
                return;
            }
        same_hash.push_back(counts_.size());
        counts_.push_back({&s, 1});
    }
    /// Removes one `s`; false when there is none left.
    bool take(const std::string& s) {
        const auto* same_hash = by_hash_.find(hash(s));
        if (!same_hash) return false;
        for (std::size_t i : *same_hash)
            if (*counts_[i].first == s && counts_[i].second > 0) {
                --counts_[i].second;
                return true;
            }
        return false;
    }
};
}  // namespace detail

/// The observables that differ; empty exactly when a == b. Linear in the
/// outcomes' size: a multiset difference by hashing.
inline std::vector<difference> diff(const outcome& a, const outcome& b) {
    auto oa = observables(a);
    auto ob = observables(b);
    std::vector<difference> out;
    for (std::size_t i = 0; i < oa.size(); ++i) {
        if (oa[i].items == ob[i].items) continue;
        difference d{oa[i].name, {}, {}};
        // Multiset difference keeps order and shows repeated items (two signal runs alike).
        detail::string_multiset in_b, in_a;
        for (const auto& x : ob[i].items) in_b.add(x);
        for (const auto& x : oa[i].items) {
            if (in_b.take(x)) in_a.add(x);
            else d.only_in_a.push_back(x);
        }
        for (const auto& x : ob[i].items)
            if (!in_a.take(x)) d.only_in_b.push_back(x);
        if (d.only_in_a.empty() && d.only_in_b.empty()) d.only_in_a.push_back("(same items, different order)");
        out.push_back(std::move(d));
    }
    return out;
}

/// Human-readable rendering of a diff; labels name the two sides. At most
/// `per_side` items are listed per side and observable, then a count.
inline std::string to_string(const std::vector<difference>& ds, const std::string& a = "a", const std::string& b = "b",
                             std::size_t per_side = 10) {
    if (ds.empty()) return "no observable differs\n";
    std::string s;
    auto side = [&](const std::vector<std::string>& items, const std::string& label) {
        for (std::size_t i = 0; i < items.size() && i < per_side; ++i) s += "  " + label + " only: " + items[i] + "\n";
        if (items.size() > per_side)
            s += "  " + label + " only: ... and " + std::to_string(items.size() - per_side) + " more\n";
    };
    for (const auto& d : ds) {
        s += d.observable + ":\n";
        side(d.only_in_a, a);
        side(d.only_in_b, b);
    }
    return s;
}

/// All observables, one per line group; at most `per_observable` items each.
inline std::string to_string(const outcome& o, std::size_t per_observable = 50) {
    std::string s;
    for (const auto& ob : observables(o)) {
        s += ob.name + ":";
        if (ob.items.empty()) s += " (none)";
        if (ob.items.size() == 1) s += " " + ob.items[0];
        else {
            for (std::size_t i = 0; i < ob.items.size() && i < per_observable; ++i) s += "\n  " + ob.items[i];
            if (ob.items.size() > per_observable)
                s += "\n  ... and " + std::to_string(ob.items.size() - per_observable) + " more";
        }
        s += "\n";
    }
    return s;
}

}  // namespace daxfail

#endif
