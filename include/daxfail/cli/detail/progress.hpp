// Progress of a long run on stderr (compare over many variants, explore,
// oracle): what is done of what, the time elapsed and an estimate of the time
// left. Nothing during the first second; on a terminal one line, rewritten and
// erased at the end; elsewhere only with --progress, a line every few seconds.
#ifndef DAXFAIL_CLI_DETAIL_PROGRESS_HPP
#define DAXFAIL_CLI_DETAIL_PROGRESS_HPP

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <iostream>
#include <string>
#include <utility>

namespace daxfail::cli::detail {

class progress {
  public:
    /// `what` names the command ("compare"), `unit` what is counted ("runs"); `forced` is --progress.
    progress(std::string what, std::string unit, bool forced)
        : what_(std::move(what)), unit_(std::move(unit)), tty_(isatty(STDERR_FILENO) != 0), on_(tty_ || forced) {}
    progress(const progress&) = delete;
    progress& operator=(const progress&) = delete;
    ~progress() { finish(); }

    double elapsed() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

    /// `done` of `total`; `left` is the caller's estimate of the seconds left (< 0: from the rate so far);
    /// `extra` goes at the end of the line (", 120 schedules").
    void update(std::size_t done, std::size_t total, double left = -1, const std::string& extra = {}) {
        if (!on_) return;
        const double now = elapsed();
        if (now < 1.0 || now - last_ < (tty_ ? 0.2 : 5.0)) return;
        last_ = now;
        if (left < 0 && done > 0) left = now * static_cast<double>(total - done) / static_cast<double>(done);
        std::string line = "daxfail " + what_ + ": " + std::to_string(done) + " of " + std::to_string(total) + " " +
                           unit_ + extra + ", " + seconds(now) + " elapsed";
        if (left >= 0) line += ", about " + seconds(left) + " left";
        std::cerr << (tty_ ? "\r" + line + "\x1b[K" : line + "\n") << std::flush;
        shown_ = true;
    }
    /// Erases the line on a terminal.
    void finish() {
        if (shown_ && tty_) std::cerr << "\r\x1b[K" << std::flush;
        shown_ = false;
    }

  private:
    using clock = std::chrono::steady_clock;
    static std::string seconds(double s) {
        const long n = std::lround(s);
        return n < 120 ? std::to_string(n) + " s" : std::to_string(n / 60) + " min " + std::to_string(n % 60) + " s";
    }
    std::string what_, unit_;
    bool tty_, on_, shown_ = false;
    clock::time_point start_ = clock::now();
    double last_ = -10;
};

}  // namespace daxfail::cli::detail

#endif
