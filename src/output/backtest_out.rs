//! Backtest files: `backtest.csv` (one row per observed pair and year) and
//! `backtest_metrics.csv` (the summary metrics), plus the table printed on the terminal.

use crate::backtest::{Metrics, Row};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

pub const HEADER: [&str; 10] = ["year", "exporter", "importer", "basis", "observed_usd", "sim_p05", "sim_p50", "sim_p95", "inside_band", "ape_pct"];

fn ape(r: &Row) -> String {
    r.ape_pct.map_or_else(|| "n/a".to_owned(), |a| format!("{a:.4}"))
}

/// `backtest.csv`: money as whole US dollars, APE in percent with four decimals.
pub fn write_backtest(path: &Path, rows: &[Row]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))?;
    w.write_record(HEADER).with_context(|| format!("cannot write {}", path.display()))?;
    for r in rows {
        w.write_record([
            r.year.to_string(),
            r.exporter.clone(),
            r.importer.clone(),
            r.basis.name().to_owned(),
            format!("{:.0}", r.observed),
            format!("{:.0}", r.p05),
            format!("{:.0}", r.p50),
            format!("{:.0}", r.p95),
            r.inside.to_string(),
            ape(r),
        ]).with_context(|| format!("cannot write {}", path.display()))?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The metrics as `metric,value` lines; "n/a" where a metric is undefined.
pub fn metric_lines(m: &Metrics) -> Vec<(String, String)> {
    let (right, total) = m.directions;
    vec![
        ("observations".into(), m.observations.to_string()),
        ("mdape_pct".into(), m.mdape_pct.map_or("n/a".into(), |x| format!("{x:.4}"))),
        ("coverage_90".into(), format!("{:.4}", m.coverage)),
        ("directions_right".into(), m.direction_share().map_or("n/a".into(), |x| format!("{x:.4}"))),
        ("directions_compared".into(), if total == 0 { "n/a".into() } else { format!("{right}/{total}") }),
    ]
}

/// `backtest_metrics.csv`.
pub fn write_metrics(path: &Path, m: &Metrics) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))?;
    w.write_record(["metric", "value"]).with_context(|| format!("cannot write {}", path.display()))?;
    for (k, v) in metric_lines(m) {
        w.write_record([k, v]).with_context(|| format!("cannot write {}", path.display()))?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The table and metrics as printed on the terminal (values in USD billions).
pub fn format_table(rows: &[Row], m: &Metrics) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{:<6} {:<9} {:<8} {:>12} {:>12} {:>12} {:>12} {:>7} {:>9}", "year", "pair", "basis", "observed bn", "sim p05", "sim p50", "sim p95", "inside", "APE %");
    for r in rows {
        let _ = writeln!(
            s,
            "{:<6} {:<9} {:<8} {:>12.3} {:>12.3} {:>12.3} {:>12.3} {:>7} {:>9}",
            r.year,
            format!("{}→{}", r.exporter, r.importer),
            if r.basis == crate::backtest::Basis::Importer { "importer" } else { "exporter" },
            r.observed / 1e9,
            r.p05 / 1e9,
            r.p50 / 1e9,
            r.p95 / 1e9,
            r.inside,
            r.ape_pct.map_or("n/a".into(), |a| format!("{a:.2}"))
        );
    }
    let (right, total) = m.directions;
    let _ = writeln!(s, "observations: {}", m.observations);
    let _ = writeln!(s, "MdAPE (median absolute percentage error of the simulated median): {}", m.mdape_pct.map_or("n/a".into(), |x| format!("{x:.2}%")));
    let _ = writeln!(s, "90% band coverage (observations inside p05..p95): {:.1}% ({} of {})", m.coverage * 100.0, (m.coverage * m.observations as f64).round(), m.observations);
    let _ = writeln!(
        s,
        "year-on-year directions right: {}",
        m.direction_share().map_or("n/a (no consecutive observed years of a pair)".into(), |x| format!("{:.1}% ({right} of {total})", x * 100.0))
    );
    s
}

/// `suite.csv` of a backtest suite: one row per scenario (file, its outcome).
pub fn write_suite(path: &Path, results: &[(String, crate::backtest::Outcome)]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))?;
    w.write_record(["scenario_file", "scenario", "base", "observations", "mdape_pct", "coverage_90", "directions_right", "directions_compared", "skipped"])?;
    for (file, o) in results {
        let m = &o.metrics;
        w.write_record([
            file.clone(),
            o.name.clone(),
            o.base.to_string(),
            m.observations.to_string(),
            m.mdape_pct.map_or("n/a".into(), |x| format!("{x:.4}")),
            format!("{:.4}", m.coverage),
            m.directions.0.to_string(),
            m.directions.1.to_string(),
            o.skipped.to_string(),
        ])?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))
}

/// The suite as a table on the terminal.
pub fn format_suite(results: &[(String, crate::backtest::Outcome)]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{:<40} {:>5} {:>6} {:>8} {:>10} {:>12}", "scenario", "base", "obs", "MdAPE %", "coverage", "directions");
    for (file, o) in results {
        let m = &o.metrics;
        let _ = writeln!(
            s,
            "{:<40} {:>5} {:>6} {:>8} {:>10} {:>12}",
            file,
            o.base,
            m.observations,
            m.mdape_pct.map_or("n/a".into(), |x| format!("{x:.2}")),
            if m.observations > 0 { format!("{:.0}%", m.coverage * 100.0) } else { "n/a".into() },
            m.direction_share().map_or("n/a".into(), |x| format!("{:.0}% of {}", x * 100.0, m.directions.1))
        );
    }
    s
}

/// What a backtest's `manifest.json` records (beside `backtest.csv`, or at the top of a suite):
/// the command, the build, the observed file and its SHA-256, the calibration's SHA-256 and
/// the scenarios; each scenario's own run has its run manifest in `run/manifest.json`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct BacktestManifest {
    pub command_line: String,
    pub tradesim_version: String,
    pub git_commit: String,
    pub observed_file: String,
    pub observed_sha256: String,
    /// Per scenario: its file and the SHA-256 of the calibration it ran on.
    pub scenarios: Vec<BacktestScenario>,
    pub files: Vec<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct BacktestScenario {
    pub scenario_file: String,
    pub calibration_sha256: String,
}

pub fn write_manifest(path: &Path, m: &BacktestManifest) -> Result<()> {
    let text = serde_json::to_string_pretty(m)? + "\n";
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
