// An open-addressing hash map from u64 keys, filled and read by one run. The
// model looks up a file or a log line per rmap record; one probe of one array
// costs one cache miss where a node-based map costs several, and it spares
// every TU that includes the model the <unordered_map> headers. Users never
// name this.
#ifndef DAXFAIL_DETAIL_FLAT_U64_MAP_HPP
#define DAXFAIL_DETAIL_FLAT_U64_MAP_HPP

#include <daxfail/constants.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace daxfail::detail {

/// Starts loading the cache line at `p`. The empty volatile asm keeps g++ from
/// deeming a caller side-effect free (pure) and deleting it with the hint.
inline void prefetch(const void* p) noexcept {
    __builtin_prefetch(p);
    asm volatile("");
}

template <class V>
class flat_u64_map {
    struct entry {
        u64 key = 0;
        bool used = false;
        V value{};
    };
    std::vector<entry> slots_;
    std::size_t size_ = 0;

    std::size_t home(u64 key) const noexcept {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & (slots_.size() - 1);
    }
    void grow(std::size_t n) {
        std::size_t cap = 16;
        while (cap < 2 * n) cap *= 2;
        if (cap <= slots_.size()) return;
        auto old = std::move(slots_);
        slots_.assign(cap, entry{});
        size_ = 0;
        for (auto& e : old)
            if (e.used) try_emplace(e.key, std::move(e.value));
    }

public:
    void reserve(std::size_t n) { grow(n); }
    std::size_t size() const noexcept { return size_; }

    /// The value of `key` and true when it was added with `value`; false: it was there (left alone).
    std::pair<V*, bool> try_emplace(u64 key, V value) {
        if (2 * (size_ + 1) > slots_.size()) grow(size_ + 1);
        for (std::size_t i = home(key);; i = (i + 1) & (slots_.size() - 1)) {
            auto& e = slots_[i];
            if (!e.used) {
                e = {key, true, std::move(value)};
                ++size_;
                return {&e.value, true};
            }
            if (e.key == key) return {&e.value, false};
        }
    }
    /// The value of `key`, default-constructed when missing.
    V& operator[](u64 key) { return *try_emplace(key, V{}).first; }

    const V* find(u64 key) const noexcept {
        if (slots_.empty()) return nullptr;
        for (std::size_t i = home(key);; i = (i + 1) & (slots_.size() - 1)) {
            const auto& e = slots_[i];
            if (!e.used) return nullptr;
            if (e.key == key) return &e.value;
        }
    }
    V* find(u64 key) noexcept { return const_cast<V*>(static_cast<const flat_u64_map&>(*this).find(key)); }
    /// Starts loading the slot `key` would be found in (a hint: it changes nothing).
    void prefetch(u64 key) const noexcept {
        if (!slots_.empty()) detail::prefetch(&slots_[home(key)]);
    }
};

}  // namespace daxfail::detail

#endif
