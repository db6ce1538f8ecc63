//! The `tradesim` command: parse the command line, call the app, print the error, set the
//! exit code (0 success, 2 bad input, 1 any other failure).

use clap::Parser;
use std::process::ExitCode;
use tradesim::app::{self, BadInput};
use tradesim::cli::Cli;

fn main() -> ExitCode {
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
