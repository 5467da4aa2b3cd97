// Must not compile: ::with<> given a type that is not a policy. The error says what a policy is.
#include <daxfail/presets.hpp>
struct my_freeze {};
using v = daxfail::presets::merged::with<my_freeze>;
int main() { return v::config == daxfail::config{} ? 0 : 1; }
