//! `tradesim check`: validate scenario and batch files without running them; every problem of
//! every file is reported, and any problem makes the exit code 2. A batch file (one with
//! `[[scenario]]` entries) is checked as `batch` would: its scenarios and every variant.

use super::common::load_scenario_file;
use super::BadInput;
use crate::cli::DataArg;
use anyhow::Result;
use std::path::PathBuf;

/// "1 lever", "3 levers".
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// A batch file: its name ends in `.batch.toml`, or its TOML has top-level `[[scenario]]`
/// entries (which no scenario file has).
fn is_batch_file(p: &std::path::Path) -> bool {
    if p.to_string_lossy().ends_with(".batch.toml") {
        return true;
    }
    let Ok(text) = crate::calibration::read_text(p, super::common::MAX_TEXT_BYTES) else { return false };
    toml::from_str::<toml::Value>(&text).ok().and_then(|v| v.get("scenario").map(|s| s.is_array())).unwrap_or(false)
}

pub(super) fn check(paths: &[PathBuf], data: &DataArg) -> Result<()> {
    let mut bad = Vec::new();
    for p in paths {
        if is_batch_file(p) {
            match super::batch::check_batch(p, data) {
                Ok(line) => println!("{}: {line}", p.display()),
                Err(e) => bad.push(e.to_string()),
            }
            continue;
        }
        // each file against the calibration it runs on (`--data`, or its `data` key)
        match load_scenario_file(p, data) {
            Ok((_, sc, _)) => println!(
                "{}: ok ({}, base {}, {} to {}, {} steps, {}, {})",
                p.display(),
                sc.name,
                sc.base,
                sc.start,
                sc.end,
                sc.steps(),
                count(sc.levers.len(), "lever"),
                count(sc.rules.len(), "rule")
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
