//! `tradesim check`: validate scenario files without running them; every problem of every
//! file is reported, and any problem makes the exit code 2.

use super::common::load_scenario_file;
use super::BadInput;
use crate::cli::DataArg;
use anyhow::Result;
use std::path::PathBuf;

pub(super) fn check(paths: &[PathBuf], data: &DataArg) -> Result<()> {
    let mut bad = Vec::new();
    for p in paths {
        // each file against the calibration it runs on (`--data`, or its `data` key)
        match load_scenario_file(p, data) {
            Ok((_, sc, _)) => println!(
                "{}: ok ({}, base {}, {} to {}, {} steps, {} levers, {} rules)",
                p.display(),
                sc.name,
                sc.base,
                sc.start,
                sc.end,
                sc.steps(),
                sc.levers.len(),
                sc.rules.len()
            ),
            Err(e) => bad.push(e.to_string()),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(BadInput(bad.join("\n")).into())
    }
}
