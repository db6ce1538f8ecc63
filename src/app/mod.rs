//! Orchestration, one file per command (`run.rs` for `tradesim run`, ...): load the
//! calibration and the scenario, run the ensemble, summarise, write. Helpers more than one
//! command uses are in `common.rs`. Errors carry context for the user; bad input is marked so
//! `main` exits with code 2.

mod analysis;
mod backtest;
mod batch;
mod check;
mod common;
mod compare;
mod discover;
mod list;
mod merge;
mod plot;
mod run;
mod schema;
mod solve;
mod watch;

pub use backtest::default_backtest_out;
pub use common::{load_calibration, load_scenario};
pub use run::{default_out, run};

use crate::cli::Command;
use anyhow::Result;

/// Bad input from the user (exit code 2): a scenario, a data file or an argument.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The user stopped the work (Ctrl-C); finished work was kept (exit code 130).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);

pub fn main(cmd: Command) -> Result<()> {
    let done = match cmd {
        Command::Run(args) => run(&args).map(|_| ()),
        Command::Check { scenarios, data } => check::check(&scenarios, &data),
        Command::List { base, data } => list::list(base, &data),
        Command::Backtest(args) => backtest::backtest(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Batch(args) => batch::batch(&args),
        Command::Discover(args) => discover::discover(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Solve(args) => solve::run(&args),
        Command::Schema { batch } => schema::print(batch),
        Command::Watch(args) => watch::watch(&args),
    };
    // an output path that holds the user's own files is bad input
    done.map_err(|e| match e.downcast::<crate::output::Refused>() {
        Ok(r) => BadInput(r.0).into(),
        Err(e) => e,
    })
}
