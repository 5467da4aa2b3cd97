// Lexicographic "less" over integer keys, for sort comparators. One plain
// function instead of std::tie: each distinct std::tie signature instantiates
// the tuple comparison machinery in every TU that includes the model.
// Users never name this.
#ifndef DAXFAIL_DETAIL_LEX_LESS_HPP
#define DAXFAIL_DETAIL_LEX_LESS_HPP

#include <daxfail/constants.hpp>

#include <initializer_list>
#include <utility>

namespace daxfail::detail {

/// Whether (a1, a2, ...) < (b1, b2, ...), given as the pairs {a1, b1}, {a2, b2}, ...
inline bool lex_less(std::initializer_list<std::pair<u64, u64>> keys) noexcept {
    for (const auto& [a, b] : keys)
        if (a != b) return a < b;
    return false;
}

}  // namespace daxfail::detail

#endif
