// Reading the arguments of a parametric policy value ("3,10ms,-EBUSY"): each
// reader names the argument it could not read and says what it expects.
// Users never name this.
#ifndef DAXFAIL_DETAIL_PARAMETRIC_ARGS_HPP
#define DAXFAIL_DETAIL_PARAMETRIC_ARGS_HPP

#include <daxfail/errno.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daxfail::detail {

/// `text` cut at each `separator` outside parentheses ("freeze=retry(3,10ms,-EBUSY),thaw=where_frozen" at ',').
inline std::vector<std::string_view> split_outside_parentheses(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '(') ++depth;
        else if (text[i] == ')' && depth > 0) --depth;
        else if (text[i] == separator && depth == 0) {
            out.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(text.substr(start));
    return out;
}

/// The comma-separated arguments between a value's parentheses, trimmed of blanks.
inline std::vector<std::string_view> split_arguments(std::string_view args) {
    std::vector<std::string_view> out = split_outside_parentheses(args, ',');
    for (auto& a : out) {
        while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
        while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    }
    return out;
}

/// A whole number in [low, high]; otherwise nullopt and `error` says which argument and what it takes.
inline std::optional<std::int64_t> read_whole(std::string_view text, std::string_view what, std::int64_t low,
                                              std::int64_t high, std::string& error) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size() || v < low || v > high) {
        error = std::string(what) + " \"" + std::string(text) + "\" is not a whole number from " +
                std::to_string(low) + " to " + std::to_string(high);
        return std::nullopt;
    }
    return v;
}

/// A duration in milliseconds: "10ms" or "2s" (the unit is required), at most a day.
inline std::optional<std::int64_t> read_duration_ms(std::string_view text, std::string_view what, std::string& error) {
    constexpr std::int64_t day_ms = 24ll * 3600 * 1000;
    std::int64_t scale = 0;
    std::string_view number = text;
    if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
        scale = 1;
        number.remove_suffix(2);
    } else if (text.size() > 1 && text.back() == 's') {
        scale = 1000;
        number.remove_suffix(1);
    }
    if (scale == 0) {
        error = std::string(what) + " \"" + std::string(text) + "\" needs a unit: ms or s (e.g. 10ms, 2s)";
        return std::nullopt;
    }
    std::string ignored;
    const auto v = read_whole(number, what, 0, day_ms / scale, ignored);
    if (!v) {
        error = std::string(what) + " \"" + std::string(text) + "\" is not a duration from 0ms to 1 day (e.g. 10ms, 2s)";
        return std::nullopt;
    }
    return *v * scale;
}

/// "10ms", or "2s" when whole seconds: the spelling read_duration_ms reads back.
constexpr void append_duration(auto& text, std::int64_t ms) {
    if (ms >= 1000 && ms % 1000 == 0) {
        text.append_number(ms / 1000);
        text += "s";
    } else {
        text.append_number(ms);
        text += "ms";
    }
}

/// A negated error code by its name ("-EBUSY") or number ("-16").
inline std::optional<int> read_error(std::string_view text, std::string_view what, std::string& error) {
    for (const auto& e : err::symbols)
        if (e.text == text) return e.rc;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc{} && end == text.data() + text.size() && v < 0 && v >= -4095) return int(v);
    std::string names;
    for (const auto& e : err::symbols) names += (names.empty() ? "" : ", ") + std::string(e.text);
    error = std::string(what) + " \"" + std::string(text) + "\" is not an error code (" + names + ", or -1 to -4095)";
    return std::nullopt;
}

}  // namespace daxfail::detail

#endif
