// Kernel error numbers as the modelled functions return them (negated), and
// their names for reports. Values are those of x86-64 Linux.
#ifndef DAXFAIL_ERRNO_HPP
#define DAXFAIL_ERRNO_HPP

#include <string>

namespace daxfail::err {

inline constexpr int eintr = 4;
inline constexpr int eio = 5;
inline constexpr int enxio = 6;
inline constexpr int eagain = 11;
inline constexpr int ebusy = 16;
inline constexpr int einval = 22;
inline constexpr int enodata = 61;
inline constexpr int eopnotsupp = 95;
inline constexpr int euclean = 117;
/// XFS spells EUCLEAN as EFSCORRUPTED.
inline constexpr int efscorrupted = euclean;

/// "0", "-EBUSY", ... ; unknown codes print as numbers.
inline std::string name(int rc) {
    switch (rc) {
        case 0: return "0";
        case -eintr: return "-EINTR";
        case -eio: return "-EIO";
        case -enxio: return "-ENXIO";
        case -eagain: return "-EAGAIN";
        case -ebusy: return "-EBUSY";
        case -einval: return "-EINVAL";
        case -enodata: return "-ENODATA";
        case -eopnotsupp: return "-EOPNOTSUPP";
        case -efscorrupted: return "-EFSCORRUPTED";
        default: return std::to_string(rc);
    }
}

}  // namespace daxfail::err

#endif
