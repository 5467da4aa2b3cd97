// Page ranges as runs: a map from disjoint inclusive ranges [first, last] of
// u64 (page indices, pfns) to a value, with adjacent equal runs merged. The
// world and the outcome keep mappings, cache entries and poison this way, so
// they cost what their runs cost, not what their pages cost (a 1 TiB file
// mapped whole is one run).
#ifndef DAXFAIL_RUN_MAP_HPP
#define DAXFAIL_RUN_MAP_HPP

#include <daxfail/constants.hpp>

#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

namespace daxfail {

/// One run of a run_map: pages first..last (inclusive), all with `value`.
template <class V>
struct page_run {
    u64 first = 0;
    u64 last = 0;
    V value{};
    /// Pages in the run; saturates at u64_max for the run of every u64.
    u64 pages() const noexcept { return last - first == u64_max ? u64_max : last - first + 1; }
    friend bool operator==(const page_run&, const page_run&) = default;
};

/// The value of a run_map that only records membership.
struct present_t {
    friend bool operator==(present_t, present_t) = default;
};

template <class V>
class run_map {
    struct tail {
        u64 last;
        V value;
        friend bool operator==(const tail&, const tail&) = default;
    };
    using map_type = std::map<u64, tail>;
    map_type runs_;

public:
    class const_iterator {
        typename map_type::const_iterator it_;

    public:
        using value_type = page_run<V>;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::bidirectional_iterator_tag;
        using pointer = void;
        using reference = value_type;
        const_iterator() = default;
        explicit const_iterator(typename map_type::const_iterator it) : it_(it) {}
        value_type operator*() const { return {it_->first, it_->second.last, it_->second.value}; }
        const_iterator& operator++() { ++it_; return *this; }
        const_iterator operator++(int) { auto c = *this; ++it_; return c; }
        const_iterator& operator--() { --it_; return *this; }
        const_iterator operator--(int) { auto c = *this; --it_; return c; }
        friend bool operator==(const const_iterator&, const const_iterator&) = default;
    };

    const_iterator begin() const { return const_iterator(runs_.begin()); }
    const_iterator end() const { return const_iterator(runs_.end()); }
    bool empty() const noexcept { return runs_.empty(); }
    /// Number of runs (not pages).
    std::size_t runs() const noexcept { return runs_.size(); }
    /// Number of pages in all runs (saturating).
    u64 pages() const noexcept {
        u64 n = 0;
        for (const auto& [f, t] : runs_) {
            const u64 k = t.last - f == u64_max ? u64_max : t.last - f + 1;
            n = n > u64_max - k ? u64_max : n + k;
        }
        return n;
    }
    void clear() noexcept { runs_.clear(); }

    /// The run containing `page`, if any.
    std::optional<page_run<V>> find(u64 page) const {
        auto it = runs_.upper_bound(page);
        if (it == runs_.begin()) return std::nullopt;
        --it;
        if (it->second.last < page) return std::nullopt;
        return page_run<V>{it->first, it->second.last, it->second.value};
    }
    bool contains(u64 page) const { return find(page).has_value(); }

    /// Smallest page > `page` where membership or value may change (u64_max when none follows).
    u64 next_boundary(u64 page) const {
        auto it = runs_.upper_bound(page);
        if (it != runs_.begin()) {
            auto prev = std::prev(it);
            if (prev->second.last >= page) return prev->second.last == u64_max ? u64_max : prev->second.last + 1;
        }
        return it == runs_.end() ? u64_max : it->first;
    }

    /// Calls f(run) for every run overlapping [first, last], clipped to it, ascending.
    template <class F>
    void for_each_in(u64 first, u64 last, F&& f) const {
        auto it = runs_.upper_bound(first);
        if (it != runs_.begin() && std::prev(it)->second.last >= first) --it;
        for (; it != runs_.end() && it->first <= last; ++it) {
            page_run<V> r{it->first < first ? first : it->first, it->second.last > last ? last : it->second.last,
                     it->second.value};
            f(r);
        }
    }

    /// Removes [first, last]; calls on_erased(run) for each removed piece, ascending.
    template <class F>
    void erase(u64 first, u64 last, F&& on_erased) {
        if (first > last) return;
        auto it = runs_.upper_bound(first);
        if (it != runs_.begin() && std::prev(it)->second.last >= first) --it;
        while (it != runs_.end() && it->first <= last) {
            const u64 f = it->first;
            const tail t = it->second;
            if (f < first) {
                // Keep the head in place, move the tail (if any) under a new key: no allocation.
                it->second.last = first - 1;
                ++it;
                if (t.last > last) {
                    runs_.emplace_hint(it, last + 1, tail{t.last, t.value});
                    on_erased(page_run<V>{first, last, t.value});
                    return;
                }
            } else if (t.last > last) {
                auto node = runs_.extract(it++);
                node.key() = last + 1;
                it = runs_.insert(it, std::move(node));
            } else {
                it = runs_.erase(it);
            }
            on_erased(page_run<V>{f < first ? first : f, t.last > last ? last : t.last, t.value});
        }
    }
    void erase(u64 first, u64 last) {
        erase(first, last, [](const page_run<V>&) {});
    }

    /// Sets [first, last] to `value`, merging with equal neighbours.
    void assign(u64 first, u64 last, const V& value) {
        if (first > last) return;
        erase(first, last);
        u64 f = first, l = last;
        auto next = runs_.upper_bound(first);
        if (next != runs_.begin()) {
            auto prev = std::prev(next);
            if (prev->second.last != u64_max && prev->second.last + 1 == first && prev->second.value == value) {
                f = prev->first;
                runs_.erase(prev);
            }
        }
        next = runs_.upper_bound(first);
        if (next != runs_.end() && last != u64_max && next->first == last + 1 && next->second.value == value) {
            l = next->second.last;
            runs_.erase(next);
        }
        runs_.emplace(f, tail{l, value});
    }

    /// Applies `change` to the value of every page in [first, last] that has one.
    template <class F>
    void update(u64 first, u64 last, F&& change) {
        std::vector<page_run<V>> pieces;
        for_each_in(first, last, [&](const page_run<V>& r) { pieces.push_back(r); });
        for (auto& r : pieces) {
            change(r.value);
            assign(r.first, r.last, r.value);
        }
    }

    friend bool operator==(const run_map&, const run_map&) = default;
};

/// A set of pages (or pfns) kept as runs.
class page_set : public run_map<present_t> {
public:
    page_set() = default;
    page_set(std::initializer_list<u64> pages) {
        for (u64 p : pages) insert(p);
    }
    void insert(u64 first, u64 last) { assign(first, last, present_t{}); }
    void insert(u64 page) { insert(page, page); }
    bool count(u64 page) const { return contains(page); }
    friend bool operator==(const page_set&, const page_set&) = default;
};

}  // namespace daxfail

#endif
