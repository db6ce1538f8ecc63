//! Charts, one file per family: `run` (a run's trajectories, for `run` and `plot`), `compare`
//! (scenarios overlaid), `batch` (a batch's indicators against the swept parameters), all three
//! drawn with `figure`, and `backtest` (simulated against observed, drawn with plotters
//! directly); plotters and the DejaVu Sans font shipped in assets/. Charts read what `reader`
//! read back from the result files and the vocabulary of `chart_kit`, never the model and never
//! the report pages; the only files they write are images.

pub mod analysis;
pub mod backtest;
pub mod batch;
pub mod compare;
pub mod discover;
pub mod figure;
pub mod run;
