// "3,47,90,... (120)": the first few of a list of page numbers, for reports and
// plans that name pages without printing thousands of them.
#ifndef DAXFAIL_DETAIL_NUMBERS_TEXT_HPP
#define DAXFAIL_DETAIL_NUMBERS_TEXT_HPP

#include <daxfail/constants.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace daxfail::detail {

inline std::string numbers_text(const std::vector<u64>& numbers, std::size_t shown) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size() && i < shown; ++i) out += (i ? "," : "") + std::to_string(numbers[i]);
    if (numbers.size() > shown) out += ",... (" + std::to_string(numbers.size()) + ")";
    return out;
}

}  // namespace daxfail::detail

#endif
