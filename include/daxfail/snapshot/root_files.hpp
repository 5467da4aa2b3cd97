// Paths under a root directory ("/" on the machine, a fake tree in tests) and small /proc and /sys text files.
#ifndef DAXFAIL_SNAPSHOT_ROOT_FILES_HPP
#define DAXFAIL_SNAPSHOT_ROOT_FILES_HPP

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::snapshot {

/// `path` (absolute, e.g. "/proc/1/maps") under `root`: "/" leaves it as it is.
inline std::string under(const std::string& root, const std::string& path) {
    if (root.empty() || root == "/") return path;
    std::string r = root;
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    return path.empty() || path.front() != '/' ? r + "/" + path : r + path;
}

/// The whole file, or nullopt when it cannot be read.
inline std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return buf.str();
}

/// The first line, without its newline.
inline std::optional<std::string> read_line(const std::string& path) {
    auto text = read_text(path);
    if (!text) return std::nullopt;
    const auto nl = text->find('\n');
    return nl == std::string::npos ? *text : text->substr(0, nl);
}

/// A number written as decimal or "0x" hex (sysfs `size`, `resource`, `start`; procfs sysctls).
inline std::optional<std::uint64_t> read_number(const std::string& path) {
    auto line = read_line(path);
    if (!line) return std::nullopt;
    std::size_t pos = 0;
    while (pos < line->size() && (*line)[pos] == ' ') ++pos;
    if (pos == line->size()) return std::nullopt;
    const bool hex = line->compare(pos, 2, "0x") == 0 || line->compare(pos, 2, "0X") == 0;
    std::uint64_t v = 0;
    std::size_t i = hex ? pos + 2 : pos, digits = 0;
    for (; i < line->size(); ++i, ++digits) {
        const char c = (*line)[i];
        unsigned d;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (hex && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else break;
        v = v * (hex ? 16 : 10) + d;
    }
    if (digits == 0) return std::nullopt;
    return v;
}

/// What `parse` makes of each line of the file at `path` it accepts (none when the file cannot be read).
template <class Parse>
auto parse_lines(const std::string& path, Parse parse) {
    std::vector<typename decltype(parse(std::string{}))::value_type> out;
    const auto text = read_text(path);
    if (!text) return out;
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);)
        if (auto item = parse(line)) out.push_back(std::move(*item));
    return out;
}

}  // namespace daxfail::snapshot

#endif
