// A whole number read from text as a person writes it on a command line or in
// a shard's "K/N": digits only, no sign, no spaces, at most nine of them.
#ifndef DAXFAIL_DETAIL_WHOLE_NUMBER_HPP
#define DAXFAIL_DETAIL_WHOLE_NUMBER_HPP

#include <string>

namespace daxfail::detail {

/// A whole number in [lo, hi]; false for anything else (signs, spaces, overflow).
inline bool whole_number(const std::string& text, unsigned long lo, unsigned long hi, unsigned long& out) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoul(text);
    return out >= lo && out <= hi;
}

}  // namespace daxfail::detail

#endif
