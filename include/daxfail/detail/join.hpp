// One way to print a list: the reports, the errors, the help text and the
// oracle's tables all join their items with this.
#ifndef DAXFAIL_DETAIL_JOIN_HPP
#define DAXFAIL_DETAIL_JOIN_HPP

#include <functional>
#include <string>
#include <string_view>

namespace daxfail::detail {

/// The items' texts (`text(item)`, the item itself by default) with `sep` between them. A separator goes only
/// after text: an empty first item adds nothing, as every list printed so far has done.
template <class Range, class Text = std::identity>
std::string join(const Range& items, std::string_view sep, Text text = {}) {
    std::string out;
    for (const auto& x : items) {
        if (!out.empty()) out += sep;
        out += std::invoke(text, x);
    }
    return out;
}

}  // namespace daxfail::detail

#endif
