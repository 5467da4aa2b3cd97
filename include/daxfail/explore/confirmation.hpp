// A counterexample tried on a real kernel (`daxfail explore --confirm`, oracle/
// confirmation.hpp does the trying): how many runs of the race reproduced the
// violation, next to the model's verdict on the world the guest built.
#ifndef DAXFAIL_EXPLORE_CONFIRMATION_HPP
#define DAXFAIL_EXPLORE_CONFIRMATION_HPP

#include <cstddef>
#include <string>
#include <vector>

namespace daxfail::explore {

/// One invariant of one counterexample tried on one kernel.
struct confirmation {
    std::string invariant;
    std::string kernel;                ///< "6.1", "6.12", "sid"
    std::string preset;                ///< the preset that models it
    std::string model;                 ///< the explorer's verdict on the world the guest built (first run)
    std::size_t runs = 0;              ///< runs that produced a report
    std::size_t reproduced = 0;        ///< runs that show the invariant violated
    std::size_t held = 0;              ///< runs that show it holding
    std::vector<std::string> evidence; ///< per run: its delay and what it showed
    std::string window;                ///< where the schedule put the actors' steps, when no run reproduced it
    std::string widening;              ///< what the plan added to widen the window
    double seconds = 0;                ///< wall time of all the runs
};

/// "reproduced 3 of 4" / "not reproduced in 4 runs" / "held in 4 of 4".
inline std::string rate_text(const confirmation& c) {
    if (c.runs == 0) return "no run";
    if (c.reproduced) return "reproduced " + std::to_string(c.reproduced) + " of " + std::to_string(c.runs);
    return "not reproduced in " + std::to_string(c.runs) + " run" + (c.runs == 1 ? "" : "s") +
           (c.held ? " (held in " + std::to_string(c.held) + ")" : "");
}

}  // namespace daxfail::explore

#endif
