// A short text built by constexpr code: the name of a parametric policy
// ("retry(3,10ms,-EBUSY)"), written by one function for the C++ template
// (at compile time) and for a value parsed from the command line (at run
// time), so that both spell it the same. Users never name this.
#ifndef DAXFAIL_DETAIL_SHORT_TEXT_HPP
#define DAXFAIL_DETAIL_SHORT_TEXT_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace daxfail::detail {

struct short_text {
    static constexpr std::size_t capacity = 64;
    char chars[capacity]{};
    std::size_t size = 0;

    /// Appends `s`; past the capacity a constant evaluation fails to compile and a run-time one is cut short.
    constexpr short_text& operator+=(std::string_view s) {
        for (char c : s) {
            if (size == capacity) {
                if (std::is_constant_evaluated()) throw "daxfail: a parametric policy name longer than 64 characters";
                return *this;
            }
            chars[size++] = c;
        }
        return *this;
    }
    constexpr short_text& append_number(std::int64_t n) {
        char digits[20]{};
        std::size_t count = 0;
        const bool negative = n < 0;
        // Work with the magnitude as unsigned: -INT64_MIN does not fit in int64_t.
        std::uint64_t m = negative ? std::uint64_t(0) - std::uint64_t(n) : std::uint64_t(n);
        do {
            digits[count++] = char('0' + m % 10);
            m /= 10;
        } while (m != 0);
        if (negative) *this += "-";
        while (count > 0) *this += std::string_view(&digits[--count], 1);
        return *this;
    }
    constexpr std::string_view view() const { return {chars, size}; }
};

/// The characters of a text built at compile time, with static storage (the template parameter object).
template <short_text Text>
inline constexpr std::string_view static_text = Text.view();

}  // namespace daxfail::detail

#endif
