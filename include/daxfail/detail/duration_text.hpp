// Durations and rates in words for end_state details ("2.0 h", "4e+07 indices/s"):
// three significant digits, the same bytes from every compiler (one snprintf).
#ifndef DAXFAIL_DETAIL_DURATION_TEXT_HPP
#define DAXFAIL_DETAIL_DURATION_TEXT_HPP

#include <cstdio>
#include <string>

namespace daxfail::detail {

inline std::string three_digits(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

/// "45 s", "12.5 min", "2.1 h", "3.4 days".
inline std::string seconds_text(double s) {
    if (s < 120) return three_digits(s) + " s";
    if (s < 2 * 3600) return three_digits(s / 60) + " min";
    if (s < 2 * 86400) return three_digits(s / 3600) + " h";
    return three_digits(s / 86400) + " days";
}

/// "4e+07 indices/s".
inline std::string rate_text(double per_second) { return three_digits(per_second) + " indices/s"; }

}  // namespace daxfail::detail

#endif
