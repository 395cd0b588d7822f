//! The `jwtctl` binary: parse arguments, run the subcommand, map the error to an exit code once.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
