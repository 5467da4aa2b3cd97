// A named world plus the event to run on it.
#ifndef DAXFAIL_SCENARIO_HPP
#define DAXFAIL_SCENARIO_HPP

#include <daxfail/event.hpp>
#include <daxfail/world.hpp>

#include <string>

namespace daxfail {

struct scenario {
    std::string name;
    std::string description;
    daxfail::world world;
    daxfail::event event;
};

}  // namespace daxfail

#endif
