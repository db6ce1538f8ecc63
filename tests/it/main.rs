//! The one integration-test crate (see STYLE.md; matklad, "Delete Cargo integration tests"):
//! modules by topic.

mod analysis;
mod baseline;
mod batch;
mod batch_charts;
mod charts;
mod cli;
mod common;
mod firms;
mod fuzz;
mod hand;
mod interactive;
mod legal;
mod manifest;
mod parquet_files;
mod library;
mod priors;
mod rules;
mod safety;
mod schema;
mod solve;
mod stability;
mod stylised;
mod v1;
mod v2;
mod watch;
