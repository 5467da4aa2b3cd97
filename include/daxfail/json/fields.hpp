// Typed, path-aware access to the fields of a JSON document: every problem
// becomes a validation_error naming the field path ("tasks[2].vmas[0].ino")
// and the reason. Numbers may be JSON integers or "0x..." strings; byte fields
// (sizes, offsets, lengths) also take a binary unit ("64MiB"), counts never do.
#ifndef DAXFAIL_JSON_FIELDS_HPP
#define DAXFAIL_JSON_FIELDS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/detail/did_you_mean.hpp>
#include <daxfail/detail/printable.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::json {

using nlohmann::json;

/// Items of one page list (present, cached, dirty, pmd, hwpoison): a documented limit.
inline constexpr std::size_t max_page_runs = 1'000'000;

/// Collects errors while reading one document.
class field_reader {
public:
    std::vector<validation_error> errors;

    void fail(const std::string& path, const std::string& reason) { errors.push_back({path, reason}); }

    static std::string at(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
    static std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

    /// A field that belongs elsewhere: written at the wrong level, `key` gets `where` as its hint.
    struct misplaced {
        const char* key;
        const char* where;
    };

    /// Reports keys of `obj` not in `known` (typos must not be silently ignored), with the nearest known key, or
    /// where the field belongs when it is one of `elsewhere`.
    void only_keys(const json& obj, const std::string& path, std::initializer_list<const char*> known,
                   std::initializer_list<misplaced> elsewhere = {}) {
        if (!obj.is_object()) return;
        for (const auto& item : obj.items()) {
            bool ok = false;
            for (const char* k : known) ok = ok || item.key() == k;
            if (ok) continue;
            const std::string field = at(path, daxfail::detail::printable(item.key()));
            const misplaced* hint = nullptr;
            for (const auto& m : elsewhere)
                if (item.key() == m.key) hint = &m;
            if (hint) {
                fail(field, std::string("unknown field here: it belongs to ") + hint->where);
                continue;
            }
            const std::vector<std::string> names(known.begin(), known.end());
            fail(field, "unknown field" + daxfail::detail::did_you_mean_suffix(item.key(), names));
        }
    }

    bool object(const json& j, const std::string& path) {
        if (j.is_object()) return true;
        fail(path, "must be an object");
        return false;
    }

    /// An unsigned count; `fallback` when absent (required when nullopt). Units are refused: "1GiB" pages is a mistake.
    std::optional<u64> number(const json& obj, const std::string& path, const char* key,
                              std::optional<u64> fallback = std::nullopt, u64 max = u64_max) {
        return read_number(obj, path, key, fallback, max, false);
    }

    /// A number of bytes (a size, offset or length): also "64MiB".
    std::optional<u64> bytes(const json& obj, const std::string& path, const char* key,
                             std::optional<u64> fallback = std::nullopt, u64 max = u64_max) {
        return read_number(obj, path, key, fallback, max, true);
    }

    std::optional<bool> boolean(const json& obj, const std::string& path, const char* key, bool fallback) {
        const auto it = obj.find(key);
        if (it == obj.end()) return fallback;
        if (!it->is_boolean()) {
            fail(at(path, key), "must be true or false");
            return std::nullopt;
        }
        return it->get<bool>();
    }

    std::optional<std::string> string(const json& obj, const std::string& path, const char* key,
                                      std::optional<std::string> fallback = std::nullopt) {
        if (!obj.contains(key)) {
            if (!fallback) fail(at(path, key), "is required");
            return fallback;
        }
        if (!obj[key].is_string()) {
            fail(at(path, key), "must be a string");
            return std::nullopt;
        }
        return obj[key].get<std::string>();
    }

    /// A string that must be one of `choices`.
    std::optional<std::string> choice(const json& obj, const std::string& path, const char* key,
                                      std::initializer_list<const char*> choices,
                                      std::optional<std::string> fallback = std::nullopt) {
        auto s = string(obj, path, key, std::move(fallback));
        if (!s) return s;
        for (const char* c : choices)
            if (*s == c) return s;
        std::string list;
        for (const char* c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
        const std::vector<std::string> names(choices.begin(), choices.end());
        fail(at(path, key), "\"" + daxfail::detail::printable(*s) + "\" is not one of " + list +
                                daxfail::detail::did_you_mean_suffix(*s, names));
        return std::nullopt;
    }

    /// An array at obj[key] (empty when absent).
    const json& array(const json& obj, const std::string& path, const char* key) {
        static const json empty = json::array();
        if (!obj.contains(key)) return empty;
        if (!obj[key].is_array()) {
            fail(at(path, key), "must be an array");
            return empty;
        }
        return obj[key];
    }

    /// `arr`, or an empty array and an error when it has more than `max` items (a documented limit).
    const json& limited(const json& arr, const std::string& path, std::size_t max, const char* what) {
        static const json empty = json::array();
        if (arr.size() <= max) return arr;
        fail(path, std::to_string(arr.size()) + " " + what + "; the limit is " + std::to_string(max));
        return empty;
    }

    /// "all", "none", one run {"first": N, "pages": M}, or an array whose items are page numbers or runs.
    std::optional<daxfail::page_set> page_set(const json& obj, const std::string& path, const char* key, bool& all,
                                              const char* fallback) {
        all = false;
        const std::string p = at(path, key);
        const json v = obj.contains(key) ? obj[key] : json(fallback);
        if (v.is_string() && v == "all") {
            all = true;
            return daxfail::page_set{};
        }
        if (v.is_string() && v == "none") return daxfail::page_set{};
        daxfail::page_set pages;
        if (v.is_object()) {  // one run on its own
            if (!add_run(v, p, pages)) return std::nullopt;
            return pages;
        }
        if (!v.is_array()) {
            fail(p, "must be \"all\", \"none\", a {\"first\", \"pages\"} run or an array of page numbers and runs");
            return std::nullopt;
        }
        if (v.size() > max_page_runs) {
            fail(p, std::to_string(v.size()) + " items; the limit is " + std::to_string(max_page_runs) + " (use {\"first\", \"pages\"} runs)");
            return std::nullopt;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string ip = at(p, i);
            if (v[i].is_object()) {
                if (!add_run(v[i], ip, pages)) return std::nullopt;
                continue;
            }
            if (!v[i].is_number() && !v[i].is_string()) {
                fail(ip, "must be a page number or {\"first\", \"pages\"}");
                return std::nullopt;
            }
            const auto n = to_number(v[i], false);
            if (!n.value) {
                fail(ip, n.reason);
                return std::nullopt;
            }
            pages.insert(*n.value);
        }
        return pages;
    }

    /// A number, or why the value is not one.
    struct number_or_reason {
        std::optional<u64> value;
        std::string reason;
    };

    /// Accepts 123, 1e6 (whole, up to 2^53), "123" and "0x7b"; with `units`, also "64KiB", "MiB", "GiB", "TiB".
    static number_or_reason to_number(const json& v, bool units) {
        const std::string expected = units ? "must be an unsigned integer, a \"0x...\" string or a size such as \"64MiB\""
                                           : "must be an unsigned integer or a \"0x...\" string";
        if (v.is_number_unsigned()) return {v.get<u64>(), {}};
        if (v.is_number_integer()) {  // a signed integer: what a document built in C++ holds for an int
            const auto i = v.get<long long>();
            if (i >= 0) return {static_cast<u64>(i), {}};
            return {std::nullopt, "must not be negative (" + std::to_string(i) + ")"};
        }
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (d < 0) return {std::nullopt, "must not be negative (" + v.dump() + ")"};
            if (d >= 18446744073709551616.0) return {std::nullopt, "is larger than the largest unsigned 64-bit number (18446744073709551615)"};
            if (d != static_cast<double>(static_cast<u64>(d))) return {std::nullopt, "must be a whole number, not " + v.dump()};
            if (d > 9007199254740992.0) return {std::nullopt, v.dump() + " is beyond 2^53 as a fraction or exponent: write the integer"};
            return {static_cast<u64>(d), {}};
        }
        if (!v.is_string()) return {std::nullopt, expected};
        const std::string s = v.get<std::string>();
        const std::string quoted = "\"" + daxfail::detail::printable(s) + "\"";
        u64 value = 0;
        std::size_t i = 0;
        const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        if (hex) i = 2;
        const u64 base = hex ? 16 : 10;
        std::size_t digits = 0;
        bool overflow = false;
        for (; i < s.size(); ++i, ++digits) {
            const char c = s[i];
            u64 d = 0;
            if (std::isdigit(static_cast<unsigned char>(c))) d = static_cast<u64>(c - '0');
            else if (hex && std::isxdigit(static_cast<unsigned char>(c)))
                d = static_cast<u64>(std::tolower(static_cast<unsigned char>(c)) - 'a') + 10;
            else break;
            if (value > (u64_max - d) / base) overflow = true;
            else value = value * base + d;
        }
        if (digits == 0) return {std::nullopt, expected + ", not " + quoted};
        if (overflow) return {std::nullopt, quoted + " is larger than the largest unsigned 64-bit number (18446744073709551615)"};
        const std::string unit = s.substr(i);
        if (unit.empty()) return {value, {}};
        static const std::vector<std::string> unit_names = {"KiB", "MiB", "GiB", "TiB"};
        u64 scale = 0;
        for (std::size_t k = 0; k < unit_names.size(); ++k)
            if (unit == unit_names[k]) scale = u64{1} << (10 * (k + 1));
        if (hex) return {std::nullopt, quoted + ": a \"0x...\" number takes no unit"};
        if (unit[0] == '.') return {std::nullopt, quoted + ": must be a whole number of " + (units ? "bytes" : "units")};
        if (scale == 0) {
            const auto near = daxfail::detail::did_you_mean(unit, unit_names);
            return {std::nullopt, quoted + ": \"" + daxfail::detail::printable(unit) + "\" is not a unit (KiB, MiB, GiB, TiB)" +
                                      (near ? "; did you mean \"" + s.substr(0, i) + *near + "\"?" : "")};
        }
        if (!units) return {std::nullopt, quoted + " has a unit, but this field counts, it is not a number of bytes"};
        if (value > u64_max / scale) return {std::nullopt, quoted + " is larger than the largest unsigned 64-bit number of bytes"};
        return {value * scale, {}};
    }

private:
    /// A run {"first": N, "pages": M} at `path` into `pages`.
    bool add_run(const json& run, const std::string& path, daxfail::page_set& pages) {
        only_keys(run, path, {"first", "pages"});
        const auto first = number(run, path, "first");
        const auto n = number(run, path, "pages");
        if (!first || !n) return false;
        if (*n == 0) {
            fail(at(path, "pages"), "must be positive");
            return false;
        }
        if (*first + (*n - 1) < *first) {
            fail(at(path, "pages"), "first + pages overflows u64");
            return false;
        }
        pages.insert(*first, *first + *n - 1);
        return true;
    }

    std::optional<u64> read_number(const json& obj, const std::string& path, const char* key, std::optional<u64> fallback,
                                   u64 max, bool units) {
        const auto it = obj.find(key);  // one lookup, and the path only for an error: a million extents come here
        if (it == obj.end()) {
            if (!fallback) fail(at(path, key), "is required");
            return fallback;
        }
        if (it->is_number_unsigned() && it->get<u64>() <= max) return it->get<u64>();
        const auto n = to_number(*it, units);
        if (!n.value) {
            fail(at(path, key), n.reason);
            return std::nullopt;
        }
        if (*n.value > max) {
            fail(at(path, key), std::to_string(*n.value) + " is larger than " + std::to_string(max));
            return std::nullopt;
        }
        return n.value;
    }
};

}  // namespace daxfail::json

#endif
