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
    std::vector<daxfail::actor> actors;  ///< explored by daxfail::explore; run() and compare() ignore them
};

}  // namespace daxfail

#endif
