// Parses scenario text into a JSON document without ever throwing: syntax
// errors come back with their line, column and the field being read; a number
// beyond a double's range names its field; duplicate keys (which nlohmann would
// silently resolve to the last) are errors; nesting deeper than max_depth stops
// the parse before it costs memory. The limits are documented in the README.
#ifndef DAXFAIL_JSON_PARSE_HPP
#define DAXFAIL_JSON_PARSE_HPP

#include <daxfail/detail/printable.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::json {

/// Documented limits of a scenario document.
inline constexpr std::size_t max_file_bytes = std::size_t{64} << 20;
inline constexpr std::size_t max_depth = 32;
inline constexpr std::size_t max_values = 4'000'000;  ///< numbers, strings, arrays, ... in one document

struct parse_result {
    nlohmann::json doc;
    std::vector<validation_error> errors;  ///< empty when doc is usable
};

namespace detail {

/// Line and column (both from 1) of byte `pos` of `text`.
inline std::pair<std::size_t, std::size_t> line_column(const std::string& text, std::size_t pos) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return {line, col};
}

/// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix.
inline std::string bare_message(const std::string& what) {
    std::string m = what;
    if (m.rfind("[json.exception.", 0) == 0)
        if (auto close = m.find("] "); close != std::string::npos) m = m.substr(close + 2);
    if (m.rfind("parse error", 0) == 0)
        if (auto colon = m.find(": "); colon != std::string::npos) m = m.substr(colon + 2);
    // The token nlohmann quotes may be any bytes of the input, of any length: never echo them raw.
    return daxfail::detail::printable(m, 300);
}

/// Builds the DOM from SAX events, knowing at each event the path of the field being read.
class dom_builder {
public:
    using json = nlohmann::json;

    explicit dom_builder(const std::string& text) : text_(text) {}

    bool null() { return value(json(nullptr)); }
    bool boolean(bool v) { return value(json(v)); }
    bool number_integer(json::number_integer_t v) { return value(json(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return value(json(v)); }
    bool number_float(json::number_float_t v, const json::string_t&) { return value(json(v)); }
    bool string(json::string_t& v) { return value(json(std::move(v))); }
    bool binary(json::binary_t& v) { return value(json::binary(std::move(v))); }

    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(json::string_t& k) {
        auto& top = stack_.back();
        if (top.node->contains(k) && !duplicate_) {
            duplicate_ = true;
            errors.push_back({path_with(k), "appears twice in the same object"});
        }
        top.key = k;
        return true;
    }

    bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& ex) {
        // `position` counts the characters read, the look-ahead one included.
        auto where = [&](std::size_t at) {
            const auto [line, col] = line_column(text_, at);
            return "line " + std::to_string(line) + ", column " + std::to_string(col);
        };
        if (ex.id == 406)  // out_of_range: a number no double holds; point at its first digit
            errors.push_back({value_path().empty() ? "(document)" : value_path(),
                              daxfail::detail::printable(token) + " is out of range (beyond a double) at " +
                                                where(position >= token.size() ? position - token.size() : 0)});
        else  // inside which object or array: the key just read may be the one the error follows
            errors.push_back({stack_.empty() ? "(document)" : container_or_document(),
                              "not valid JSON at " + where(position > 0 ? position - 1 : 0) + ": " + bare_message(ex.what())});
        return false;
    }

    json root;
    std::vector<validation_error> errors;

private:
    struct frame {
        json* node;
        std::string key;    ///< object: the key being read
        std::size_t index;  ///< array: the index of the next element
    };

    /// The path of the container on top of the stack, then `k` (an object's key).
    std::string path_with(const std::string& k) const {
        return container_path(stack_.size()) + (stack_.size() > 1 ? "." : "") + daxfail::detail::printable(k);
    }

    std::string container_path(std::size_t depth) const {
        std::string p;
        for (std::size_t i = 0; i + 1 < depth; ++i) {
            const auto& f = stack_[i];
            if (f.node->is_object()) p += (p.empty() ? "" : ".") + daxfail::detail::printable(f.key);
            else p += "[" + std::to_string(f.index - 1) + "]";
        }
        return p;
    }

    std::string container_or_document() const {
        const std::string p = container_path(stack_.size());
        return p.empty() ? "(document)" : p;
    }

    /// The path of the value now being read.
    std::string value_path() const {
        if (stack_.empty()) return {};
        const auto& top = stack_.back();
        if (top.node->is_object()) return path_with(top.key);
        return container_path(stack_.size()) + "[" + std::to_string(top.index) + "]";
    }

    json* put(json&& v) {
        ++values_;
        if (stack_.empty()) {
            root = std::move(v);
            return &root;
        }
        auto& top = stack_.back();
        if (top.node->is_array()) {
            ++top.index;
            top.node->push_back(std::move(v));
            return &top.node->back();
        }
        auto& slot = (*top.node)[top.key];
        slot = std::move(v);
        return &slot;
    }

    bool value(json&& v) {
        if (!room()) return false;
        put(std::move(v));
        return true;
    }

    /// Whether another value stays within max_values (else an error, and the parse stops).
    bool room() {
        if (values_ < max_values) return true;
        errors.push_back({"(document)", "has more than " + std::to_string(max_values) + " values (the limit)"});
        return false;
    }

    bool open(json&& container) {
        if (!room()) return false;
        if (stack_.size() >= max_depth) {
            errors.push_back({value_path().empty() ? "(document)" : value_path(),
                              "nested deeper than " + std::to_string(max_depth) + " levels (the limit)"});
            return false;
        }
        json* node = put(std::move(container));
        stack_.push_back({node, {}, 0});
        return true;
    }

    bool close() {
        stack_.pop_back();
        return true;
    }

    const std::string& text_;
    std::vector<frame> stack_;
    std::size_t values_ = 0;
    bool duplicate_ = false;  ///< one error for the first duplicate key: the others are the same defect
};

}  // namespace detail

/// Parses `text`; any problem is an error naming where it is, never an exception.
inline parse_result parse_scenario_text(const std::string& text) {
    parse_result r;
    if (text.size() > max_file_bytes) {
        r.errors.push_back({"(document)", "is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                                              std::to_string(max_file_bytes) + " bytes (64 MiB)"});
        return r;
    }
    try {
        detail::dom_builder b(text);
        const bool ok = nlohmann::json::sax_parse(text, &b, nlohmann::json::input_format_t::json, true);
        if (!ok || !b.errors.empty()) {
            r.errors = std::move(b.errors);
            if (r.errors.empty()) r.errors.push_back({"(document)", "not valid JSON"});
            return r;
        }
        r.doc = std::move(b.root);
    } catch (const std::bad_alloc&) {
        r.errors.push_back({"(document)", "does not fit in memory"});
    } catch (const nlohmann::json::exception& e) {
        r.errors.push_back({"(document)", "not valid JSON: " + detail::bare_message(e.what())});
    }
    return r;
}

}  // namespace daxfail::json

#endif
