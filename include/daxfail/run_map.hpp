// Page ranges as runs: a map from disjoint inclusive ranges [first, last] of
// u64 (page indices, pfns) to a value, with adjacent equal runs merged. The
// world and the outcome keep mappings, cache entries and poison this way, so
// they cost what their runs cost, not what their pages cost (a 1 TiB file
// mapped whole is one run).
#ifndef DAXFAIL_RUN_MAP_HPP
#define DAXFAIL_RUN_MAP_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/run_map_core.hpp>

#include <cstddef>
#include <cstring>
#include <optional>
#include <type_traits>
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

/// How a run_map value is packed into the core's u64: an empty type is nothing, anything else is its
/// bytes. Specialize for a value type that is larger or has padding.
template <class V>
struct run_value_bits {
    static u64 pack(const V& v) noexcept {
        u64 bits = 0;
        if constexpr (!std::is_empty_v<V>) std::memcpy(&bits, &v, sizeof(V));
        return bits;
    }
    static V unpack(u64 bits) noexcept {
        V v{};
        if constexpr (!std::is_empty_v<V>) std::memcpy(static_cast<void*>(&v), &bits, sizeof(V));  // trivially copyable
        return v;
    }
};

template <class V>
class run_map {
    static_assert(std::is_trivially_copyable_v<V> && sizeof(V) <= sizeof(u64) &&
                      (std::is_empty_v<V> || std::has_unique_object_representations_v<V>),
                  "daxfail::run_map: a value must be trivially copyable, at most 8 bytes and without padding "
                  "(runs merge when their bytes are equal); otherwise specialize daxfail::run_value_bits");
    using bits = run_value_bits<V>;
    detail::run_map_core core_;

    static page_run<V> typed(const detail::raw_run& r) { return {r.first, r.last, bits::unpack(r.bits)}; }

public:
    class const_iterator {
        detail::run_map_core::map_type::const_iterator it_;

    public:
        using value_type = page_run<V>;
        using difference_type = std::ptrdiff_t;
        // The tag comes with <map>: <iterator> would add the stream iterators to every TU.
        using iterator_category = std::bidirectional_iterator_tag;
        using pointer = void;
        using reference = value_type;
        const_iterator() = default;
        explicit const_iterator(detail::run_map_core::map_type::const_iterator it) : it_(it) {}
        value_type operator*() const { return {it_->first, it_->second.last, bits::unpack(it_->second.bits)}; }
        const_iterator& operator++() { ++it_; return *this; }
        const_iterator operator++(int) { auto c = *this; ++it_; return c; }
        const_iterator& operator--() { --it_; return *this; }
        const_iterator operator--(int) { auto c = *this; --it_; return c; }
        friend bool operator==(const const_iterator&, const const_iterator&) = default;
    };

    const_iterator begin() const { return const_iterator(core_.runs().begin()); }
    const_iterator end() const { return const_iterator(core_.runs().end()); }
    bool empty() const noexcept { return core_.empty(); }
    /// Number of runs (not pages).
    std::size_t runs() const noexcept { return core_.size(); }
    /// Number of pages in all runs (saturating).
    u64 pages() const noexcept { return core_.pages(); }
    void clear() noexcept { core_.clear(); }

    /// The last run; the map must not be empty.
    page_run<V> back() const { return typed(core_.back()); }
    /// The run containing `page`, if any.
    std::optional<page_run<V>> find(u64 page) const {
        const auto r = core_.find(page);
        return r ? std::optional<page_run<V>>(typed(*r)) : std::nullopt;
    }
    bool contains(u64 page) const { return core_.find(page).has_value(); }

    /// Smallest page > `page` where membership or value may change (u64_max when none follows).
    u64 next_boundary(u64 page) const { return core_.next_boundary(page); }

    /// Calls f(run) for every run overlapping [first, last], clipped to it, ascending.
    template <class F>
    void for_each_in(u64 first, u64 last, F&& f) const {
        auto each = [&](const detail::raw_run& r) { f(typed(r)); };
        core_.for_each_in(first, last, each);
    }

    /// Removes [first, last]; calls on_erased(run) for each removed piece, ascending.
    template <class F>
    void erase(u64 first, u64 last, F&& on_erased) {
        auto each = [&](const detail::raw_run& r) { on_erased(typed(r)); };
        core_.erase(first, last, each);
    }
    void erase(u64 first, u64 last) {
        auto ignore = [](const detail::raw_run&) {};
        core_.erase(first, last, ignore);
    }

    /// Sets [first, last] to `value`, merging with equal neighbours.
    void assign(u64 first, u64 last, const V& value) { core_.assign(first, last, bits::pack(value)); }

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
