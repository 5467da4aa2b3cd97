// Word wrapping for terminal text (the compare overview, the command's --help):
// lines of at most `width` columns, broken at spaces, and inside a word longer
// than a line (a variant named by every axis) after its commas.
#ifndef DAXFAIL_DETAIL_WRAP_HPP
#define DAXFAIL_DETAIL_WRAP_HPP

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace daxfail::detail {

/// `text` wrapped to `width` columns, each line ending in '\n': the first line starts with `first`, the others
/// with `rest` (both count towards the width). Runs of spaces in `text` are kept inside a line.
inline std::string wrap(std::string_view text, std::size_t width, std::string_view first, std::string_view rest) {
    std::string out, line(first);
    std::size_t indent = first.size();  // where the line's text starts
    auto fits = [&](std::size_t more) { return line.size() + more <= width; };
    auto new_line = [&] {
        while (line.size() > indent && line.back() == ' ') line.pop_back();
        out += line + "\n";
        line = std::string(rest);
        indent = rest.size();
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t end = std::min(text.find(' ', i), text.size());
        std::string_view word = text.substr(i, end - i);
        std::size_t next = end;
        while (next < text.size() && text[next] == ' ') ++next;
        const std::string_view spaces = text.substr(end, next - end);
        if (line.size() > indent && !fits(word.size())) new_line();
        // A word longer than a line: as much as fits, cut after a comma if there is one.
        while (!fits(word.size()) && width > line.size()) {
            const std::size_t room = width - line.size();
            std::size_t cut = word.substr(0, room).rfind(',');
            cut = cut == std::string_view::npos || cut == 0 ? room : cut + 1;
            line += word.substr(0, cut);
            word.remove_prefix(cut);
            new_line();
        }
        line += word;
        line += spaces;
        i = next;
    }
    if (line.size() > indent || out.empty()) new_line();
    return out;
}

/// Every line of `text` longer than `width` wrapped by wrap(), its continuation lines indented 4 more than it.
inline std::string wrap_lines(std::string_view text, std::size_t width) {
    std::string out;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        const std::string_view line = text.substr(0, end);
        if (line.size() <= width) {
            out += line;
            out += '\n';
        } else {
            const std::size_t indent = std::min(line.find_first_not_of(' '), width / 2);
            const std::string lead(indent, ' ');
            out += wrap(line.substr(indent), width, lead, lead + "    ");
        }
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return out;
}

}  // namespace daxfail::detail

#endif
