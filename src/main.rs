//! The `jwtctl` binary: parse arguments, run the subcommand, map the error to an exit code once.
//!
//! The process starts at this file's own C `main`, not at std's: std's start-up asks glibc for the
//! main thread's stack bounds to place its stack-overflow guard, and glibc finds them by reading
//! and `sscanf`-parsing `/proc/self/maps` — a tenth of everything `jwtctl --version` executes, on
//! every run. Depth and size limits bound every recursion here, so the guard's message is not
//! worth that; what else std's start-up did that the CLI relies on, [`start`] does.
// The unit tests keep libtest's own entry point.
#![cfg_attr(not(test), no_main)]

mod cli;

#[cfg(not(test))]
use std::ffi::{c_char, c_int};

/// The process entry point (see the module documentation).
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    start();
    // std::env::args works without std's start-up: glibc hands argv to std's .init_array hook.
    let code = cli::main();
    // `exit` runs std's clean-up, which flushes standard output.
    std::process::exit(i32::from(code))
}

/// What std's start-up did that the CLI relies on: SIGPIPE ignored, so that writing to a closed
/// pipe is an EPIPE error the CLI ends on quietly (`jwtctl ... | head`) rather than a signal;
/// and the three standard descriptors open (on /dev/null when closed), so that a file the CLI
/// opens — a private key it writes — can never become its standard output.
/// The unit tests' build: libtest's entry point runs them; this only keeps the CLI reachable.
#[cfg(test)]
fn main() {
    std::process::exit(i32::from(cli::main()))
}

#[cfg(all(unix, not(test)))]
fn start() {
    // SAFETY: plain libc calls at start-up, before any other thread exists: setting a signal's
    // disposition to SIG_IGN, asking whether a descriptor is open, and opening /dev/null.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        for fd in 0..3 {
            if libc::fcntl(fd, libc::F_GETFD) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
                && libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) != fd
            {
                // Cannot even open /dev/null: std's start-up aborts here too.
                libc::abort();
            }
        }
    }
}

#[cfg(all(not(unix), not(test)))]
fn start() {}
