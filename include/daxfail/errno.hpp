// Kernel error numbers as the modelled functions return them (negated), and
// their names for reports. Values are those of x86-64 Linux.
#ifndef DAXFAIL_ERRNO_HPP
#define DAXFAIL_ERRNO_HPP

#include <array>
#include <string>
#include <string_view>

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

/// A negated error code and how the kernel spells it.
struct symbol_entry {
    int rc;
    std::string_view text;
};
/// The codes the model returns, by name: for reports, and for reading them back ("-EBUSY").
inline constexpr std::array<symbol_entry, 9> symbols{{{-eintr, "-EINTR"},
                                                     {-eio, "-EIO"},
                                                     {-enxio, "-ENXIO"},
                                                     {-eagain, "-EAGAIN"},
                                                     {-ebusy, "-EBUSY"},
                                                     {-einval, "-EINVAL"},
                                                     {-enodata, "-ENODATA"},
                                                     {-eopnotsupp, "-EOPNOTSUPP"},
                                                     {-efscorrupted, "-EFSCORRUPTED"}}};

/// "-EBUSY" for -16; "" for a code without a name here.
constexpr std::string_view symbol(int rc) {
    for (const auto& e : symbols)
        if (e.rc == rc) return e.text;
    return {};
}

/// "0", "-EBUSY", ... ; unknown codes print as numbers.
inline std::string name(int rc) {
    if (rc == 0) return "0";
    const std::string_view s = symbol(rc);
    return s.empty() ? std::to_string(rc) : std::string(s);
}

}  // namespace daxfail::err

#endif
