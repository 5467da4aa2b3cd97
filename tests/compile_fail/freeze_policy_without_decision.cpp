// Must not compile: a user's freeze policy without after_attempt. The error names the axis and the member.
#include <daxfail/presets.hpp>
struct my_freeze {
    using axis = daxfail::axis::freeze;
    static constexpr std::string_view name = "my_freeze";
    static constexpr bool freezes = true;
};
using v = daxfail::presets::merged::with<my_freeze>;
int main() { return v::config == daxfail::config{} ? 0 : 1; }
