// A variant as a preset with some axes changed, spelled the two ways a user
// reproduces it: the line of C++ (`presets::merged::with<freeze::return_ebusy,
// thaw::where_frozen>`) and the command-line name
// (`base=merged,freeze=return_ebusy,thaw=where_frozen`, which parse_variant
// reads back to the same config).
#ifndef DAXFAIL_VARIANT_SPELLING_HPP
#define DAXFAIL_VARIANT_SPELLING_HPP

#include <daxfail/parametric.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace daxfail {

/// One axis set to one value, by name.
struct axis_change {
    std::string axis, value;
    friend bool operator==(const axis_change&, const axis_change&) = default;
};

/// How C++ names the policy `value` of `axis`: "freeze::return_ebusy" for a built-in (the policy's struct in
/// the axis' namespace), the family's template for a parametric value ("retry(3,10ms,-EBUSY)":
/// "freeze::retry<3, 10, -err::ebusy>"). The one place that knows it.
inline std::string policy_cpp_spelling(std::string_view axis, std::string_view value) {
    if (const auto open = value.find('('); open != std::string_view::npos && value.back() == ')') {
        config c;
        const parametric_family* f = parametric_family_of(axis, value.substr(0, open));
        if (f && f->read(value.substr(open + 1, value.size() - open - 2), c).empty()) return f->cpp(c);
    }
    return std::string(axis) + "::" + std::string(value);
}

/// "presets::merged::with<freeze::return_ebusy, thaw::where_frozen>"; "presets::merged" with no change.
inline std::string variant_cpp_spelling(std::string_view preset, const std::vector<axis_change>& changes) {
    std::string out = "presets::" + std::string(preset);
    if (changes.empty()) return out;
    out += "::with<";
    for (std::size_t k = 0; k < changes.size(); ++k)
        out += (k ? ", " : "") + policy_cpp_spelling(changes[k].axis, changes[k].value);
    return out + ">";
}

/// "base=merged,freeze=return_ebusy,thaw=where_frozen"; the preset's name with no change.
inline std::string variant_command_line(std::string_view preset, const std::vector<axis_change>& changes) {
    if (changes.empty()) return std::string(preset);
    std::string out = "base=" + std::string(preset);
    for (const auto& c : changes) out += "," + c.axis + "=" + c.value;
    return out;
}

}  // namespace daxfail

#endif
