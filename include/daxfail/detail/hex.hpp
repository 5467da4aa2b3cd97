// printf's "%#llx" without printf: a whole-device walk formats millions of pfns.
#ifndef DAXFAIL_DETAIL_HEX_HPP
#define DAXFAIL_DETAIL_HEX_HPP

#include <daxfail/constants.hpp>

#include <string>

namespace daxfail::detail {

/// "0x1067" (0 stays "0", as with %#llx).
inline std::string hex(u64 v) {
    if (v == 0) return "0";
    char buf[18];
    char* p = buf + sizeof buf;
    for (; v; v >>= 4) *--p = "0123456789abcdef"[v & 15];
    *--p = 'x';
    *--p = '0';
    return std::string(p, buf + sizeof buf);
}

}  // namespace daxfail::detail

#endif
