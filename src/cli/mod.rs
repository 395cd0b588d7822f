//! The binary's edge: argument parsing, dispatch, and the one place where errors become
//! messages and exit codes.

mod args;
mod assign;
mod docs;
mod dpop;
mod exit;
mod input;
mod inspect;
mod jwe;
mod jwks;
mod keygen;
mod keyspec;
mod output;
mod present;
mod remedy;
mod remote;
mod secret;
mod serve;
mod sign;
mod token;
mod verify;

use std::io::Write;

use args::{Cli, Command};
use exit::Exit;
use output::Output;

/// `Cli::try_parse`, without freeing clap's command tree and matches: they are built for this
/// one parse, and freeing their thousands of pieces (every argument of every subcommand) was a
/// tenth of a `--version` run. The process ends soon after; nothing else is left unfreed.
fn parse_args() -> Result<Cli, clap::Error> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let parsed = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| {
            let cli = <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut matches);
            std::mem::forget(matches);
            cli.map_err(|e| e.format(&mut command))
        });
    std::mem::forget(command);
    parsed
}

/// Parses arguments, runs the subcommand and maps the outcome to an exit code: 0 success,
/// 1 token rejected, 2 anything else. A closed stdout (`| head`) ends the run quietly.
pub fn main() -> u8 {
    let cli = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version go to stdout, and writing them can fail (`> /dev/full`).
            return match e.print() {
                Err(w) if w.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(std::io::stderr(), "error: <stdout>: {w}");
                    2
                }
                _ => u8::from(e.use_stderr()) * 2,
            };
        }
    };
    let out = Output::new(cli.color, cli.pretty, cli.compact);
    let result = match &cli.command {
        Command::Sign(a) => sign::run(a, &out),
        Command::Verify(a) => verify::run(a, &out),
        Command::Present(a) => present::run(a, &out),
        Command::Dpop(a) => dpop::run(a, &out),
        Command::Token(a) => token::run(a, &out),
        Command::Inspect(a) => inspect::run(a, &out),
        Command::Encrypt(a) => jwe::encrypt(a, &out),
        Command::Decrypt(a) => jwe::decrypt(a, &out),
        Command::Keygen(a) => keygen::run(a, &out),
        Command::Jwks(a) => jwks::run(a, &out),
        Command::Serve(a) => serve::run(a, &out),
        Command::Completions(a) => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&docs::completions(a.shell))
                .and_then(|()| stdout.flush())
                .map_err(|e| jwtctl::Error::io("<stdout>", e))
        }
        Command::GenerateDocs(a) => docs::write_all(&a.dir),
    };
    match result {
        Ok(()) => 0,
        Err(jwtctl::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            0
        }
        Err(e) => {
            let flags = own_flags(&cli.command);
            out.error_line(&remedy::message_in(&e, &|f| flags.iter().any(|x| x == f)));
            Exit::of(&e).code()
        }
    }
}

/// The long flags (`--name`) of the subcommand that ran, for wording its errors. Built only on
/// the error path: subcommands' arguments are deferred.
fn own_flags(command: &Command) -> Vec<String> {
    use clap::CommandFactory;
    let name = match command {
        Command::Sign(_) => "sign",
        Command::Verify(_) => "verify",
        Command::Present(_) => "present",
        Command::Dpop(_) => "dpop",
        Command::Token(_) => "token",
        Command::Inspect(_) => "inspect",
        Command::Encrypt(_) => "encrypt",
        Command::Decrypt(_) => "decrypt",
        Command::Keygen(_) => "keygen",
        Command::Jwks(_) => "jwks",
        Command::Serve(_) => "serve",
        Command::Completions(_) => "completions",
        Command::GenerateDocs(_) => "generate-docs",
    };
    let mut root = Cli::command();
    root.build();
    root.find_subcommand(name)
        .map(|sub| {
            sub.get_arguments()
                .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                .collect()
        })
        .unwrap_or_default()
}
