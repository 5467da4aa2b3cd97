// SIGINT during a long compare, explore or oracle run: the handler only sets a
// flag; the loops test it between runs, print what they finished, marked as
// partial, and exit with status 130.
#ifndef DAXFAIL_CLI_DETAIL_INTERRUPT_HPP
#define DAXFAIL_CLI_DETAIL_INTERRUPT_HPP

#include <csignal>

#include <signal.h>

namespace daxfail::cli::detail {

/// The exit status of a run stopped by SIGINT (128 + SIGINT, as a shell reports it).
inline constexpr int exit_interrupted = 130;

/// Set by SIGINT while a sigint_scope lives.
inline volatile std::sig_atomic_t interrupted = 0;

extern "C" inline void daxfail_on_sigint(int) { interrupted = 1; }

/// Catches SIGINT while it lives and restores the previous disposition after. A second SIGINT kills the process
/// as usual (SA_RESETHAND); a SIGINT ignored when the program started (`nohup`, `cmd &`) stays ignored.
class sigint_scope {
  public:
    /// Nested scopes share the outermost one's handler and flag: a SIGINT caught while a command was still
    /// getting ready is not forgotten when its main loop opens its own scope.
    sigint_scope() {
        if (depth()++ > 0) return;
        interrupted = 0;
        struct sigaction sa {};
        sa.sa_handler = daxfail_on_sigint;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_RESTART;
        if (sigaction(SIGINT, nullptr, &old_) == 0 && old_.sa_handler != SIG_IGN) installed_ = sigaction(SIGINT, &sa, nullptr) == 0;
    }
    ~sigint_scope() {
        --depth();
        if (installed_) sigaction(SIGINT, &old_, nullptr);
    }
    sigint_scope(const sigint_scope&) = delete;
    sigint_scope& operator=(const sigint_scope&) = delete;

  private:
    static int& depth() {
        static int d = 0;
        return d;
    }
    struct sigaction old_ {};
    bool installed_ = false;
};

}  // namespace daxfail::cli::detail

#endif
