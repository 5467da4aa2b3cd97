// Parses scenario text into a JSON document without ever throwing: syntax
// errors come back with their line, column and the field being read; a number
// beyond a double's range names its field; duplicate keys (which nlohmann would
// silently resolve to the last) are errors; nesting deeper than max_depth stops
// the parse before it costs memory. The limits are documented in docs/scenario-format.md.
#ifndef DAXFAIL_JSON_PARSE_HPP
#define DAXFAIL_JSON_PARSE_HPP

#include <daxfail/detail/printable.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <fstream>
#include <functional>
#include <iterator>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::json {

/// Documented limits of a scenario document.
inline constexpr std::size_t max_file_bytes = std::size_t{1} << 30;  ///< inodes[] and tasks[] stream: see docs
inline constexpr std::size_t max_depth = 32;
inline constexpr std::size_t max_values = 4'000'000;  ///< numbers, strings, arrays, ... in one document
/// In one streamed inode or task (element_sink): room for an inode at its own limits (10^6 extents of five values
/// and a page list of 10^6 runs), which is read and dropped before the next.
inline constexpr std::size_t max_element_values = 12'000'000;

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

}  // namespace detail

/// Takes the elements of a top-level array one by one as they are parsed, so that a file of a million extents
/// never becomes a DOM of a million extents (the scenario reader reads inodes[] and tasks[] this way).
class element_sink {
public:
    virtual ~element_sink() = default;
    /// Whether the elements of the top-level array `key`, now starting, go to element() instead of the document
    /// (`root` holds every top-level field read so far).
    virtual bool streams(const std::string& key, const nlohmann::json& root) = 0;
    /// Element `index` of the streamed array `key`, complete.
    virtual void element(const std::string& key, std::size_t index, const nlohmann::json& value) = 0;
    /// The streamed array `key` ended after `count` elements.
    virtual void array_end(const std::string& key, std::size_t count) = 0;
};

namespace detail {

/// Builds the DOM from SAX events, knowing at each event the path of the field being read.
class dom_builder {
public:
    using json = nlohmann::json;

    /// `where(pos)`: the line and column of byte `pos` of the input (for error messages only).
    using locator = std::function<std::pair<std::size_t, std::size_t>(std::size_t)>;

    explicit dom_builder(locator where, element_sink* sink = nullptr) : where_(std::move(where)), sink_(sink) {
        stack_.reserve(max_depth + 1);  // frames never move: a streamed element is read in place inside one
    }

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
            const auto [line, col] = where_(at);
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
        bool streamed = false;      ///< a top-level array whose elements go to the sink
        json element = nullptr;     ///< streamed: the element being read
        std::size_t values_before = 0;  ///< streamed: the value count before the element
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
        if (top.streamed) {  // counted as one value once handed over
            top.values_before = values_ - 1;
            ++top.index;
            top.element = std::move(v);
            return &top.element;
        }
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
        if (!stack_.empty() && stack_.back().streamed) hand_over();
        return true;
    }

    /// Gives the streamed array's complete element to the sink and forgets it.
    void hand_over() {
        auto& top = stack_.back();
        sink_->element(stack_.front().key, top.index - 1, top.element);
        top.element = nullptr;
        values_ = top.values_before + 1;
    }

    /// Whether another value stays within max_values (else an error, and the parse stops).
    bool room() {
        // Inside a streamed element (frames: root, the streamed array, the element...), the element's own limit.
        if (stack_.size() >= 2 && stack_[1].streamed) {
            if (stack_.size() == 2 || values_ - stack_[1].values_before < max_element_values) return true;
            errors.push_back({container_or_document(), "has more than " + std::to_string(max_element_values) +
                                                           " values (the limit for one inode or task)"});
            return false;
        }
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
        const bool array = container.is_array();
        json* node = put(std::move(container));
        stack_.push_back({node, {}, 0});
        // A top-level array the sink takes element by element (the root object is the only frame below it).
        if (array && sink_ && stack_.size() == 2 && stack_.front().node->is_object())
            stack_.back().streamed = sink_->streams(stack_.front().key, root);
        return true;
    }

    bool close() {
        const bool streamed = stack_.back().streamed;
        const std::size_t count = stack_.back().index;
        stack_.pop_back();
        if (streamed) sink_->array_end(stack_.front().key, count);
        else if (!stack_.empty() && stack_.back().streamed) hand_over();
        return true;
    }

    locator where_;
    element_sink* sink_;
    std::vector<frame> stack_;
    std::size_t values_ = 0;
    bool duplicate_ = false;  ///< one error for the first duplicate key: the others are the same defect
};

}  // namespace detail

namespace detail {

/// Runs `sax_parse(builder)` into `r`: the document, or the errors (never an exception).
template <class SaxParse>
void parse_into(parse_result& r, dom_builder::locator where, element_sink* sink, SaxParse sax_parse) {
    try {
        dom_builder b(std::move(where), sink);
        const bool ok = sax_parse(&b);
        if (!ok || !b.errors.empty()) {
            r.errors = std::move(b.errors);
            if (r.errors.empty()) r.errors.push_back({"(document)", "not valid JSON"});
            return;
        }
        r.doc = std::move(b.root);
    } catch (const std::bad_alloc&) {
        r.errors.push_back({"(document)", "does not fit in memory"});
    } catch (const nlohmann::json::exception& e) {
        r.errors.push_back({"(document)", "not valid JSON: " + bare_message(e.what())});
    }
}

}  // namespace detail

/// Parses `text`; any problem is an error naming where it is, never an exception. With a `sink`, the elements
/// of the top-level arrays it streams go to it and the document keeps those arrays empty.
inline parse_result parse_scenario_text(const std::string& text, element_sink* sink = nullptr) {
    parse_result r;
    if (text.size() > max_file_bytes) {
        r.errors.push_back({"(document)", "is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                                              std::to_string(max_file_bytes) + " bytes (1 GiB)"});
        return r;
    }
    detail::parse_into(r, [&](std::size_t pos) { return detail::line_column(text, pos); }, sink,
                       [&](auto* sax) { return nlohmann::json::sax_parse(text, sax, nlohmann::json::input_format_t::json, true); });
    return r;
}

namespace detail {

/// A file read in 1 MiB chunks, as the characters of an input iterator (nlohmann reads one at a time; a stream
/// iterator costs a virtual call or two per character).
class file_chunks {
public:
    explicit file_chunks(const std::string& path) : in_(path, std::ios::binary), buf_(std::size_t{1} << 20) { fill(); }
    bool opened() const { return static_cast<bool>(in_) || in_.eof(); }
    bool bad() const { return in_.bad(); }

    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = char;
        using difference_type = std::ptrdiff_t;
        using pointer = const char*;
        using reference = const char&;
        iterator() = default;
        explicit iterator(file_chunks* src) : src_(src) {}
        const char& operator*() const { return *src_->at_; }
        iterator& operator++() {
            if (++src_->at_ == src_->end_) src_->fill();
            return *this;
        }
        bool operator==(const iterator& o) const { return done() == o.done(); }
        bool operator!=(const iterator& o) const { return !(*this == o); }

    private:
        bool done() const { return !src_ || src_->at_ == src_->end_; }
        file_chunks* src_ = nullptr;
    };
    iterator begin() { return iterator(this); }
    iterator end() { return {}; }

private:
    void fill() {
        in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        at_ = buf_.data();
        end_ = at_ + in_.gcount();
    }
    std::ifstream in_;
    std::vector<char> buf_;
    const char* at_ = nullptr;
    const char* end_ = nullptr;
};

}  // namespace detail

/// Parses the regular file `path`, read as it is parsed: only the document (without what `sink` streams) and the
/// input buffer are in memory, never the whole text. Errors as parse_scenario_text's.
inline parse_result parse_scenario_file(const std::string& path, element_sink* sink = nullptr) {
    parse_result r;
    detail::file_chunks in(path);
    if (!in.opened()) {
        r.errors.push_back({"(document)", "cannot be opened"});
        return r;
    }
    auto where = [&](std::size_t pos) {  // only for an error: read the file again up to pos
        std::ifstream again(path, std::ios::binary);
        std::size_t line = 1, col = 1;
        char c = 0;
        for (std::size_t i = 0; i < pos && again.get(c); ++i) {
            if (c == '\n') ++line, col = 1;
            else ++col;
        }
        return std::pair{line, col};
    };
    detail::parse_into(r, where, sink, [&](auto* sax) {
        return nlohmann::json::sax_parse(in.begin(), in.end(), sax, nlohmann::json::input_format_t::json, true);
    });
    if (r.errors.empty() && in.bad()) r.errors.push_back({"(document)", "cannot be read"});
    return r;
}

}  // namespace daxfail::json

#endif
