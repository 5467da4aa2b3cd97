// The policy- and value-independent part of run_map: disjoint inclusive runs
// of u64 keyed by their first page, each with a value packed into a u64.
// run_map<V> is a thin typed wrapper, so the tree, its algorithms and their
// instantiations exist once, whatever the value types. Users never name this.
#ifndef DAXFAIL_DETAIL_RUN_MAP_CORE_HPP
#define DAXFAIL_DETAIL_RUN_MAP_CORE_HPP

#include <daxfail/constants.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <type_traits>

namespace daxfail::detail {

/// A run with its value as bits.
struct raw_run {
    u64 first = 0;
    u64 last = 0;
    u64 bits = 0;
};

/// A non-owning callable reference for the core's callbacks: one compiled
/// erase and one compiled walk for every caller.
class run_callback {
    void* obj_;
    void (*call_)(void*, const raw_run&);

public:
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, run_callback>)
    run_callback(F& f) noexcept  // NOLINT(google-explicit-constructor): a parameter type
        : obj_(&f), call_([](void* o, const raw_run& r) { (*static_cast<F*>(o))(r); }) {}
    void operator()(const raw_run& r) const { call_(obj_, r); }
};

/// The run containing `page`, else the first run after it (end when none), in a const or mutable map of runs
/// keyed by their first page.
template <class Map>
auto first_overlapping(Map& runs, u64 page) {
    auto it = runs.upper_bound(page);
    if (it != runs.begin()) {
        auto prev = it;
        --prev;
        if (prev->second.last >= page) return prev;
    }
    return it;
}

class run_map_core {
public:
    struct tail {
        u64 last;
        u64 bits;
        friend bool operator==(const tail&, const tail&) = default;
    };
    using map_type = std::map<u64, tail>;

    const map_type& runs() const noexcept { return runs_; }
    bool empty() const noexcept { return runs_.empty(); }
    std::size_t size() const noexcept { return runs_.size(); }
    void clear() noexcept { runs_.clear(); }

    /// Pages in all runs, saturating at u64_max.
    u64 pages() const noexcept {
        u64 n = 0;
        for (const auto& [f, t] : runs_) {
            const u64 k = t.last - f == u64_max ? u64_max : t.last - f + 1;
            n = n > u64_max - k ? u64_max : n + k;
        }
        return n;
    }

    raw_run back() const {
        auto it = runs_.end();
        --it;
        return {it->first, it->second.last, it->second.bits};
    }

    std::optional<raw_run> find(u64 page) const {
        const auto it = first_overlapping(runs_, page);
        if (it == runs_.end() || it->first > page) return std::nullopt;
        return raw_run{it->first, it->second.last, it->second.bits};
    }

    u64 next_boundary(u64 page) const {
        const auto it = first_overlapping(runs_, page);
        if (it == runs_.end()) return u64_max;
        if (it->first > page) return it->first;                                // a gap up to the next run
        return it->second.last == u64_max ? u64_max : it->second.last + 1;    // the end of page's run
    }

    /// f(run) for every run overlapping [first, last], clipped to it, ascending.
    void for_each_in(u64 first, u64 last, run_callback f) const {
        for (auto it = first_overlapping(runs_, first); it != runs_.end() && it->first <= last; ++it)
            f({it->first < first ? first : it->first, it->second.last > last ? last : it->second.last, it->second.bits});
    }

    /// Removes [first, last]; on_erased(piece) for each removed piece, ascending.
    void erase(u64 first, u64 last, run_callback on_erased) {
        if (first > last) return;
        auto it = first_overlapping(runs_, first);
        while (it != runs_.end() && it->first <= last) {
            const u64 f = it->first;
            const tail t = it->second;
            if (f < first) {
                // Keep the head in place, move the tail (if any) under a new key: no allocation.
                it->second.last = first - 1;
                ++it;
                if (t.last > last) {
                    runs_.emplace_hint(it, last + 1, tail{t.last, t.bits});
                    on_erased({first, last, t.bits});
                    return;
                }
            } else if (t.last > last) {
                auto node = runs_.extract(it++);
                node.key() = last + 1;
                it = runs_.insert(it, std::move(node));
            } else {
                it = runs_.erase(it);
            }
            on_erased({f < first ? first : f, t.last > last ? last : t.last, t.bits});
        }
    }

    /// Sets [first, last] to `bits`, merging with equal neighbours.
    void assign(u64 first, u64 last, u64 bits) {
        if (first > last) return;
        auto ignore = [](const raw_run&) {};
        erase(first, last, ignore);
        u64 f = first, l = last;
        auto next = runs_.upper_bound(first);
        if (next != runs_.begin()) {
            auto prev = next;
            --prev;
            if (prev->second.last != u64_max && prev->second.last + 1 == first && prev->second.bits == bits) {
                f = prev->first;
                runs_.erase(prev);
            }
        }
        next = runs_.upper_bound(first);
        if (next != runs_.end() && last != u64_max && next->first == last + 1 && next->second.bits == bits) {
            l = next->second.last;
            runs_.erase(next);
        }
        runs_.emplace(f, tail{l, bits});
    }

    friend bool operator==(const run_map_core&, const run_map_core&) = default;

private:
    map_type runs_;
};

}  // namespace daxfail::detail

#endif
