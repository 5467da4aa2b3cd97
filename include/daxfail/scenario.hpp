// A named world plus the event to run on it, and the actors that run
// alongside it (none for a sequential scenario; see actor.hpp).
#ifndef DAXFAIL_SCENARIO_HPP
#define DAXFAIL_SCENARIO_HPP

#include <daxfail/actor.hpp>
#include <daxfail/event.hpp>
#include <daxfail/world.hpp>

#include <string>
#include <vector>

namespace daxfail {

struct scenario {
    std::string name;
    std::string description;
    daxfail::world world;
    daxfail::event event;
    /// Explored by daxfail::explore; run() and compare() ignore them. (The initializer keeps
    /// `scenario{name, description, world, event}` free of -Wmissing-field-initializers.)
    std::vector<daxfail::actor> actors{};
};

}  // namespace daxfail

#endif
