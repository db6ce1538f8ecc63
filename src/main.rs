//! The `tradesim` command: parse the command line, call the app, print the error, set the
//! exit code (0 success, 2 bad input, 130 stopped, 1 any other failure).

use clap::Parser;
use std::process::ExitCode;
use tradesim::app::{self, BadInput};
use tradesim::cli::Cli;

/// Signals as a command-line tool wants them: a closed pipe (`tradesim list | head`) ends the
/// process quietly, as it does Unix tools, instead of a panic on the next print; a file-size
/// limit (`ulimit -f`) makes a write fail with an error that is reported (the signal would
/// kill the process without a word).
fn set_signals() {
    #[cfg(unix)]
    // SAFETY: `signal` with the default or ignore disposition installs no handler code; it is
    // called once, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

fn main() -> ExitCode {
    set_signals();
    let cli = Cli::parse();
    match app::main(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.downcast_ref::<app::Interrupted>().is_some() {
                eprintln!("{e}");
                ExitCode::from(130)
            } else if e.downcast_ref::<BadInput>().is_some() {
                eprintln!("error: {e}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}
