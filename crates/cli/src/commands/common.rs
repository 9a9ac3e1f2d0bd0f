//! Options and output helpers shared by several subcommands.
