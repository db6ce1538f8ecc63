//! A run's tables: the tidy summaries (`summary.csv`, `annual.csv`) and the optional per-run
//! annual totals (`runs.csv`), as CSV and/or Parquet (`table`). Numbers are formatted the same
//! way on every machine.

use crate::output::parquet_out::{summary_columns, RUNS_COLUMNS};
use crate::output::table::{Formats, TableFile};
use crate::summary::{Metric, PairedSummary, Sketch, Summary};
use anyhow::{Context, Result};
use std::path::Path;

pub const HEADER: [&str; 11] = ["date", "exporter", "importer", "sector", "metric", "mean", "p05", "p25", "p50", "p75", "p95"];
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Whole dollars for money, six decimals for indices and shares.
pub fn fmt_value(metric: Metric, x: f64) -> String {
    fmt_number(x, metric.is_money())
}

/// Whole dollars for money, six decimals otherwise; empty if not finite.
fn fmt_number(x: f64, money: bool) -> String {
    if !x.is_finite() {
        String::new()
    } else if money {
        format!("{x:.0}")
    } else {
        format!("{x:.6}")
    }
}

fn write_rows(file: &mut TableFile, labels: &[String], table: &[Vec<Sketch>], summary: &Summary) -> Result<()> {
    for (label, row) in labels.iter().zip(table) {
        for (s, sk) in summary.series.iter().zip(row) {
            if s.metric == Metric::Transit && sk.all_zero() {
                continue;
            }
            let mut rec = vec![label.clone(), s.exporter.clone(), s.importer.clone(), s.sector.clone(), s.metric.name().to_owned()];
            rec.push(fmt_value(s.metric, sk.mean()));
            rec.extend(sk.quantiles(QUANTILES).map(|v| fmt_value(s.metric, v)));
            file.row(&rec)?;
        }
    }
    Ok(())
}

/// `vs_baseline.csv` (per step) or `vs_baseline_annual.csv` (per calendar year): for each
/// series, the quantiles of the paired differences run by run, as `<metric>_diff` (scenario
/// minus baseline, in the metric's unit) and `<metric>_pct` (100 × difference / baseline)
/// rows with summary.csv's columns (and/or `.parquet`, in `dir`).
pub fn write_paired(dir: &Path, paired: &PairedSummary, by_year: bool, formats: Formats) -> Result<()> {
    let stem = if by_year { "vs_baseline_annual" } else { "vs_baseline" };
    let mut file = TableFile::create(dir, stem, &summary_columns(false), formats)?;
    let (labels, abs, pct, series): (Vec<String>, _, _, Vec<usize>) = if by_year {
        (paired.years.iter().map(|(y, _)| y.to_string()).collect(), &paired.abs_by_year, &paired.pct_by_year, (0..paired.series.len()).collect())
    } else {
        (paired.dates.clone(), &paired.abs_by_date, &paired.pct_by_date, paired.dated.clone())
    };
    for ((label, abs), pct) in labels.iter().zip(abs).zip(pct) {
        for (k, &s) in series.iter().enumerate() {
            let sr = &paired.series[s];
            for (suffix, sk, money) in [("diff", &abs[k], sr.metric.is_money()), ("pct", &pct[k], false)] {
                let f = |x: f64| fmt_number(x, money);
                let mut rec = vec![label.clone(), sr.exporter.clone(), sr.importer.clone(), sr.sector.clone(), format!("{}_{suffix}", sr.metric.name())];
                rec.push(f(sk.mean()));
                rec.extend(sk.quantiles(QUANTILES).map(f));
                file.row(&rec)?;
            }
        }
    }
    file.finish()
}

/// `summary.csv` (and/or `.parquet`) in `dir`: one row per step date and series.
pub fn write_summary(dir: &Path, summary: &Summary, formats: Formats) -> Result<()> {
    let mut f = TableFile::create(dir, "summary", &summary_columns(false), formats)?;
    write_rows(&mut f, &summary.dates, &summary.by_date, summary)?;
    f.finish()
}

/// `annual.csv` (and/or `.parquet`) in `dir`: one row per full calendar year and series.
pub fn write_annual(dir: &Path, summary: &Summary, formats: Formats) -> Result<()> {
    let labels: Vec<String> = summary.years.iter().map(|(y, _)| y.to_string()).collect();
    let mut f = TableFile::create(dir, "annual", &summary_columns(false), formats)?;
    write_rows(&mut f, &labels, &summary.by_year, summary)?;
    f.finish()
}

/// Streams `runs.csv` (and/or `.parquet`) rows as runs finish.
pub struct RunsWriter {
    f: TableFile,
}

impl RunsWriter {
    pub fn create(dir: &Path, formats: Formats) -> Result<Self> {
        Ok(RunsWriter { f: TableFile::create(dir, "runs", &RUNS_COLUMNS, formats)? })
    }

    pub fn write(&mut self, run: u64, rows: &[(i32, usize, usize, f64)], economies: &[String]) -> Result<()> {
        for &(y, i, j, v) in rows {
            self.f.row([run.to_string(), y.to_string(), economies[i].clone(), economies[j].clone(), format!("{v:.0}")])?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<()> {
        self.f.finish()
    }
}


/// `run_params.csv` (with `--keep-runs` and priors): each run's drawn parameters, one column
/// per prior (named by its dotted path), rows in run order.
pub fn write_run_params(path: &Path, names: &[String], rows: impl Iterator<Item = (u64, Vec<f64>)>) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record(std::iter::once("run").chain(names.iter().map(String::as_str)))?;
    for (run, values) in rows {
        w.write_record(std::iter::once(run.to_string()).chain(values.iter().map(|v| format!("{v}"))))?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
