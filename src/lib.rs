//! tradesim: a trade-policy scenario simulator. Data flows one way:
//! scenario file → validated `Scenario` → `Model` × steps (per run, in parallel) →
//! observations → `Summary` → CSV (see ARCHITECTURE.md).

pub mod app;
pub mod backtest;
pub mod batch;
pub mod calibration;
pub mod cli;
pub mod cpu;
pub mod discover;
pub mod ensemble;
pub mod indicators;
pub mod model;
pub mod output;
pub mod rng;
pub mod run_values;
pub mod scenario;
pub mod sketch;
pub mod summary;
