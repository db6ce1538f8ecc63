//! CSV files: the tidy summaries (`summary.csv`, `annual.csv`) and the optional per-run
//! annual totals (`runs.csv`). Numbers are formatted the same way on every machine.

use crate::summary::{Metric, PairedSummary, Sketch, Summary};
use anyhow::{Context, Result};
use std::io::Write;
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

fn write_rows(path: &Path, labels: &[String], table: &[Vec<Sketch>], summary: &Summary) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record(HEADER).with_context(|| format!("cannot write {}", path.display()))?;
    for (label, row) in labels.iter().zip(table) {
        for (s, sk) in summary.series.iter().zip(row) {
            if s.metric == Metric::Transit && sk.all_zero() {
                continue;
            }
            let mut rec = vec![label.clone(), s.exporter.clone(), s.importer.clone(), s.sector.clone(), s.metric.name().to_owned()];
            rec.push(fmt_value(s.metric, sk.mean()));
            rec.extend(QUANTILES.iter().map(|&q| fmt_value(s.metric, sk.quantile(q))));
            w.write_record(&rec).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `vs_baseline.csv` (per step) or `vs_baseline_annual.csv` (per calendar year): for each
/// series, the quantiles of the paired differences run by run, as `<metric>_diff` (scenario
/// minus baseline, in the metric's unit) and `<metric>_pct` (100 × difference / baseline)
/// rows with summary.csv's columns.
pub fn write_paired(path: &Path, paired: &PairedSummary, by_year: bool) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record(HEADER).with_context(|| format!("cannot write {}", path.display()))?;
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
                rec.extend(QUANTILES.iter().map(|&q| f(sk.quantile(q))));
                w.write_record(&rec).with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `summary.csv`: one row per step date and series.
pub fn write_summary(path: &Path, summary: &Summary) -> Result<()> {
    write_rows(path, &summary.dates, &summary.by_date, summary)
}

/// `annual.csv`: one row per full calendar year and series.
pub fn write_annual(path: &Path, summary: &Summary) -> Result<()> {
    let labels: Vec<String> = summary.years.iter().map(|(y, _)| y.to_string()).collect();
    write_rows(path, &labels, &summary.by_year, summary)
}

/// Streams `runs.csv` rows as runs finish.
pub struct RunsWriter {
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
    path: std::path::PathBuf,
}

impl RunsWriter {
    pub fn create(path: &Path) -> Result<Self> {
        let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        w.write_record(["run", "year", "exporter", "importer", "value_usd"]).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(RunsWriter { w, path: path.to_path_buf() })
    }

    pub fn write(&mut self, run: u64, rows: &[(i32, usize, usize, f64)], economies: &[String]) -> Result<()> {
        for &(y, i, j, v) in rows {
            self.w.write_record([run.to_string(), y.to_string(), economies[i].clone(), economies[j].clone(), format!("{v:.0}")]).with_context(|| format!("cannot write {}", self.path.display()))?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        let path = self.path.clone();
        self.w.flush().with_context(|| format!("cannot write {}", path.display()))?;
        self.w.into_inner().map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?.flush().with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
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
