// Must not compile: a user's collector policy whose pick returns bool instead of task_pick.
#include <daxfail/presets.hpp>
struct my_collector {
    using axis = daxfail::axis::collector;
    static constexpr std::string_view name = "my_collector";
    static constexpr bool pick(const daxfail::collector_input& t) { return t.pre_remove; }
};
using v = daxfail::presets::merged::with<my_collector>;
int main() { return v::config == daxfail::config{} ? 0 : 1; }
