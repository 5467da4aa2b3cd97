// The daxfail command: compare variants of the fsdax pre-remove path over
// scenarios, explain one run step by step, check scenario files.
//   daxfail compare [--variants LIST|all] [--scenario FILE|DIR...] [--format table|md|csv|json]
//                   [--only-differences] [--fail-on-invariant]
//   daxfail explain FILE|NAME --variant NAME [--dot OUT]
//   daxfail check FILE|DIR...
//   daxfail oracle [--kernel 6.1|6.12|all] [--scenario FILE|DIR...] [--format table|md|json] [--fail-on-disagreement] [--dry-run]
//   daxfail snapshot [--mount DIR...] [-o FILE|DIR]
// Exit status: 0 success, 1 an invariant failed and --fail-on-invariant was given, 2 bad input.
// The command is the library's: daxfail::cli::main (include/daxfail/cli.hpp).
#include <daxfail/cli.hpp>

int main(int argc, char** argv) { return daxfail::cli::main(argc, argv); }
