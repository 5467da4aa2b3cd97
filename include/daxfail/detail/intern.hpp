// Names made at run time (a parametric value read from a command line) live
// as long as the program, like a built-in's name, so a policy table can hold
// them as string_view. Users never name this.
#ifndef DAXFAIL_DETAIL_INTERN_HPP
#define DAXFAIL_DETAIL_INTERN_HPP

#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace daxfail::detail {

/// The one stored copy of `text` (the same view for the same text, from any thread).
inline std::string_view intern(std::string_view text) {
    static std::mutex lock;
    static std::set<std::string, std::less<>> texts;  // nodes never move: views stay valid
    const std::lock_guard<std::mutex> held(lock);
    auto it = texts.find(text);
    if (it == texts.end()) it = texts.emplace(text).first;
    return *it;
}

}  // namespace daxfail::detail

#endif
