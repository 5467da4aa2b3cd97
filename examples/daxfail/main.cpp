// The daxfail command: compare variants of the fsdax pre-remove path over
// scenarios, explain one run step by step, explore concurrent actors, check
// scenario files, run the oracle on real kernels, snapshot this machine.
//
// The command is the library's, daxfail::cli::main (include/daxfail/cli.hpp), so
// that a program with its own variants is the same command. Its subcommands are
// one table (include/daxfail/cli/subcommands.hpp: name, summary, options,
// handler), from which `daxfail --help`, `daxfail CMD --help`, the bash
// completion and docs/commands.md are generated: they are the usage text.
#include <daxfail/cli.hpp>

int main(int argc, char** argv) { return daxfail::cli::main(argc, argv); }
