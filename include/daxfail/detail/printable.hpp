// Text from an input file made safe to print in one line of an error: control
// and non-ASCII bytes as \xNN, and at most `max` characters.
#ifndef DAXFAIL_DETAIL_PRINTABLE_HPP
#define DAXFAIL_DETAIL_PRINTABLE_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace daxfail::detail {

inline std::string printable(std::string_view text, std::size_t max = 64) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (out.size() >= max) return out + "...";
        const auto u = static_cast<unsigned char>(text[i]);
        if (u >= 0x20 && u < 0x7f) {
            out += text[i];
        } else {
            const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

}  // namespace daxfail::detail

#endif
