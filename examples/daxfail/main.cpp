// The daxfail command: compare variants of the fsdax pre-remove path over
// scenarios, explain one run step by step, explore concurrent actors, check
// scenario files, run the oracle on real kernels, snapshot this machine.
//   daxfail compare [--variants LIST|all] [--scenario FILE|DIR...] [--format table|md|csv|json] [--wide]
//                   [--color auto|always|never] [--only-differences] [--fail-on-invariant] [--max-seconds S]
//                   [--progress]
//   daxfail explain FILE|NAME --variant NAME [--dot OUT] [--max-seconds S]
//   daxfail explore [FILE|DIR...] [--variants LIST|all] [--depth N] [--preemptions N] [--format table|md|json]
//                   [--dot DIR] [--fail-on-invariant] [--shard K/N] [--no-timing]
//                   [--confirm 6.1|6.12|sid|all] [--confirm-runs N] [--cache DIR] [--progress]
//   daxfail explore --replay FILE [--dot DIR]
//   daxfail merge SHARD.json... [--format table|md|json] [--fail-on-invariant]
//   daxfail check FILE|DIR...
//   daxfail oracle [--kernel 6.1|6.12|sid|all] [--scenario FILE|DIR...] [--format table|md|json]
//                  [--fail-on-disagreement] [--cache DIR] [--part K/N] [--runs N] [--dry-run] [--progress]
//   daxfail snapshot [--mount DIR...] [-o FILE|DIR] [--root DIR]
//   daxfail completion bash
//   daxfail --version
// `daxfail <command> --help` lists every option with its default.
// Exit status: 0 success, 1 an invariant failed (--fail-on-invariant) or the oracle disagrees
// (--fail-on-disagreement), 2 bad input, 130 interrupted (the partial result is printed).
// The command is the library's: daxfail::cli::main (include/daxfail/cli.hpp, one header per subcommand in
// include/daxfail/cli/), so that a program with its own variants is the same command.
#include <daxfail/cli.hpp>

int main(int argc, char** argv) { return daxfail::cli::main(argc, argv); }
