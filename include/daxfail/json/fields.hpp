// Typed, path-aware access to the fields of a JSON document: every problem
// becomes a validation_error naming the field path ("tasks[2].vmas[0].ino")
// and the reason. Numbers may be JSON integers, "0x..." strings, or sizes
// with a binary unit ("64MiB").
#ifndef DAXFAIL_JSON_FIELDS_HPP
#define DAXFAIL_JSON_FIELDS_HPP

#include <daxfail/constants.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace daxfail::json {

using nlohmann::json;

/// Collects errors while reading one document.
class field_reader {
public:
    std::vector<validation_error> errors;

    void fail(const std::string& path, const std::string& reason) { errors.push_back({path, reason}); }

    static std::string at(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }
    static std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

    /// Reports keys of `obj` not in `known` (typos must not be silently ignored).
    void only_keys(const json& obj, const std::string& path, std::initializer_list<const char*> known) {
        if (!obj.is_object()) return;
        for (const auto& item : obj.items()) {
            bool ok = false;
            for (const char* k : known) ok = ok || item.key() == k;
            if (!ok) fail(at(path, item.key()), "unknown field");
        }
    }

    bool object(const json& j, const std::string& path) {
        if (j.is_object()) return true;
        fail(path, "must be an object");
        return false;
    }

    /// An unsigned number; `fallback` when absent (required when nullopt).
    std::optional<u64> number(const json& obj, const std::string& path, const char* key,
                              std::optional<u64> fallback = std::nullopt, u64 max = u64_max) {
        const std::string p = at(path, key);
        if (!obj.contains(key)) {
            if (!fallback) fail(p, "is required");
            return fallback;
        }
        auto v = parse_number(obj[key]);
        if (!v) {
            fail(p, "must be an unsigned integer, a \"0x...\" string or a size such as \"64MiB\"");
            return std::nullopt;
        }
        if (*v > max) {
            fail(p, std::to_string(*v) + " is larger than " + std::to_string(max));
            return std::nullopt;
        }
        return v;
    }

    std::optional<bool> boolean(const json& obj, const std::string& path, const char* key, bool fallback) {
        if (!obj.contains(key)) return fallback;
        if (!obj[key].is_boolean()) {
            fail(at(path, key), "must be true or false");
            return std::nullopt;
        }
        return obj[key].get<bool>();
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
        auto s = string(obj, path, key, fallback);
        if (!s) return s;
        for (const char* c : choices)
            if (*s == c) return s;
        std::string list;
        for (const char* c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
        fail(at(path, key), "\"" + *s + "\" is not one of " + list);
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

    /// "all", "none" or an array whose items are page numbers or runs {"first": N, "pages": M}.
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
        if (!v.is_array()) {
            fail(p, "must be \"all\", \"none\" or an array of page numbers and {\"first\", \"pages\"} runs");
            return std::nullopt;
        }
        daxfail::page_set pages;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string ip = at(p, i);
            if (v[i].is_object()) {
                only_keys(v[i], ip, {"first", "pages"});
                const auto first = number(v[i], ip, "first");
                const auto n = number(v[i], ip, "pages");
                if (!first || !n) return std::nullopt;
                if (*n == 0) {
                    fail(at(ip, "pages"), "must be positive");
                    return std::nullopt;
                }
                if (*first + (*n - 1) < *first) {
                    fail(at(ip, "pages"), "first + pages overflows u64");
                    return std::nullopt;
                }
                pages.insert(*first, *first + *n - 1);
                continue;
            }
            auto n = parse_number(v[i]);
            if (!n) {
                fail(ip, "must be a page number or {\"first\", \"pages\"}");
                return std::nullopt;
            }
            pages.insert(*n);
        }
        return pages;
    }

    /// Accepts 123, "123", "0x7b" and "64KiB"/"MiB"/"GiB"/"TiB"; nullopt on anything else or on overflow.
    static std::optional<u64> parse_number(const json& v) {
        if (v.is_number_unsigned()) return v.get<u64>();
        if (v.is_number_integer()) {
            const auto i = v.get<long long>();
            if (i < 0) return std::nullopt;
            return static_cast<u64>(i);
        }
        if (!v.is_string()) return std::nullopt;
        const std::string s = v.get<std::string>();
        if (s.empty()) return std::nullopt;
        u64 value = 0;
        std::size_t i = 0;
        const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        if (hex) i = 2;
        const u64 base = hex ? 16 : 10;
        std::size_t digits = 0;
        for (; i < s.size(); ++i, ++digits) {
            const char c = s[i];
            u64 d = 0;
            if (std::isdigit(static_cast<unsigned char>(c))) d = static_cast<u64>(c - '0');
            else if (hex && std::isxdigit(static_cast<unsigned char>(c))) d = static_cast<u64>(std::tolower(c) - 'a' + 10);
            else break;
            if (value > (u64_max - d) / base) return std::nullopt;
            value = value * base + d;
        }
        if (digits == 0) return std::nullopt;
        const std::string unit = s.substr(i);
        u64 scale = 1;
        if (unit.empty()) scale = 1;
        else if (!hex && unit == "KiB") scale = u64{1} << 10;
        else if (!hex && unit == "MiB") scale = u64{1} << 20;
        else if (!hex && unit == "GiB") scale = u64{1} << 30;
        else if (!hex && unit == "TiB") scale = u64{1} << 40;
        else return std::nullopt;
        if (value > u64_max / scale) return std::nullopt;
        return value * scale;
    }
};

}  // namespace daxfail::json

#endif
