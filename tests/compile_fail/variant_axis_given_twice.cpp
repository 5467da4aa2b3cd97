// Must not compile: a variant that names the freeze axis twice. The error names the axis and the count.
#include <daxfail/presets.hpp>
using v = daxfail::variant<daxfail::freeze::loop_until_frozen, daxfail::thaw::in_callee, daxfail::freeze::return_ebusy>;
int main() { return v::config == daxfail::config{} ? 0 : 1; }
