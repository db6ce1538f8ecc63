//! A batch's result files: `variants.csv`, `summary.csv` and `annual.csv` (the run schema
//! with a leading `variant` column), `indicators.csv` and `manifest.json`. Rows are streamed
//! one variant at a time; each file is written under a temporary name and renamed at the end.

use crate::indicators::Indicators;
use crate::output::csv_out::{fmt_value, HEADER, QUANTILES};
use crate::output::table::TableFile;
use crate::summary::{Metric, Sketch, Summary};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

type Writer = csv::Writer<BufWriter<File>>;

/// A CSV file written under `<name>.partial` and renamed by `finish`.
pub struct CsvFile {
    w: Writer,
    tmp: PathBuf,
    dest: PathBuf,
}

impl CsvFile {
    pub fn create(dest: &Path, header: &[&str]) -> Result<Self> {
        let tmp = dest.with_extension("csv.partial");
        let file = File::create(&tmp).with_context(|| format!("cannot create {}", dest.display()))?;
        let mut w = csv::Writer::from_writer(BufWriter::new(file));
        w.write_record(header).with_context(|| format!("cannot write {}", dest.display()))?;
        Ok(CsvFile { w, tmp, dest: dest.to_path_buf() })
    }

    pub fn row<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(&mut self, rec: I) -> Result<()> {
        self.w.write_record(rec).with_context(|| format!("cannot write {}", self.dest.display()))
    }

    pub fn finish(self) -> Result<()> {
        let mut inner = self.w.into_inner().map_err(|e| anyhow::anyhow!("cannot write {}: {e}", self.dest.display()))?;
        std::io::Write::flush(&mut inner).with_context(|| format!("cannot write {}", self.dest.display()))?;
        drop(inner);
        std::fs::rename(&self.tmp, &self.dest).with_context(|| format!("cannot move {} into place", self.dest.display()))
    }
}

/// Header of `summary.csv` and `annual.csv` in a batch.
pub fn summary_header() -> Vec<&'static str> {
    std::iter::once("variant").chain(HEADER).collect()
}

pub const INDICATOR_HEADER: [&str; 10] = ["variant", "indicator", "year", "subject", "mean", "p05", "p25", "p50", "p75", "p95"];

fn bands(metric: Metric, sk: &Sketch) -> impl Iterator<Item = String> + '_ {
    std::iter::once(fmt_value(metric, sk.mean())).chain(sk.quantiles(QUANTILES).map(move |v| fmt_value(metric, v)))
}

/// One variant's rows of `summary.csv` (by date) and `annual.csv` (by year), exactly as
/// `tradesim run` writes them, behind a `variant` column.
pub fn write_summary_rows(summary_csv: &mut TableFile, annual_csv: &mut TableFile, variant: usize, summary: &Summary) -> Result<()> {
    let years: Vec<String> = summary.years.iter().map(|(y, _)| y.to_string()).collect();
    for (file, labels, table) in [(summary_csv, &summary.dates, &summary.by_date), (annual_csv, &years, &summary.by_year)] {
        for (label, row) in labels.iter().zip(table) {
            for (s, sk) in summary.series.iter().zip(row) {
                if s.metric == Metric::Transit && sk.all_zero() {
                    continue;
                }
                let head = [variant.to_string(), label.clone(), s.exporter.clone(), s.importer.clone(), s.sector.clone(), s.metric.name().to_owned()];
                file.row(head.into_iter().chain(bands(s.metric, sk)))?;
            }
        }
    }
    Ok(())
}

/// One variant's rows of `indicators.csv`.
pub fn write_indicator_rows(file: &mut TableFile, variant: usize, ind: &Indicators, economies: &[String], counterfactual: bool) -> Result<()> {
    let Some((year, _)) = &ind.year else { return Ok(()) };
    let head = |name: &str, subject: &str| [variant.to_string(), name.to_owned(), year.to_string(), subject.to_owned()];
    if ind.us.is_some() && ind.ru.is_some() {
        file.row(head("us_ru_trade_usd", "US+RU").into_iter().chain(bands(Metric::Trade, &ind.us_ru_trade)))?;
    }
    if ind.ru.is_some() {
        for (&p, sk) in ind.partners.iter().zip(&ind.ru_trade) {
            file.row(head("ru_trade_usd", &format!("RU+{}", economies[p])).into_iter().chain(bands(Metric::Trade, sk)))?;
        }
    }
    for (id, sk) in ind.rule_ids.iter().zip(&ind.rule_fired) {
        file.row(head("rule_fired_share", id).into_iter().chain(bands(Metric::RuleFired, sk)))?;
    }
    if ind.ru.is_some() {
        file.row(head("ru_gdp_usd", "RU").into_iter().chain(bands(Metric::Gdp, &ind.ru_gdp)))?;
        if counterfactual {
            file.row(head("ru_gdp_counterfactual_usd", "RU").into_iter().chain(bands(Metric::Gdp, &ind.ru_gdp_counterfactual)))?;
            // A ratio of medians (not the median of per-run ratios): only p50 is filled.
            let ratio = ind.ru_gdp.quantile(0.5) / ind.ru_gdp_counterfactual.quantile(0.5);
            let mut rec: Vec<String> = head("ru_gdp_ratio_of_medians_to_counterfactual", "RU").into();
            rec.extend([String::new(), String::new(), String::new(), fmt_value(Metric::ExportPrice, ratio), String::new(), String::new()]);
            file.row(rec)?;
        }
    }
    Ok(())
}

/// What `manifest.json` of a batch records (deterministic: no timings, no thread count; the
/// one exception is `command_line`, the command that wrote it, which names `--threads` or
/// `merge`: it is serialised on one line, so comparisons can leave that line out).
#[derive(Debug, serde::Serialize)]
pub struct BatchManifest {
    /// The command that wrote these files (`batch ...` or `merge ...`), shell-quoted.
    pub command_line: String,
    pub batch: String,
    pub description: String,
    pub batch_file: String,
    pub fingerprint: String,
    pub seed: u64,
    pub design: String,
    pub variants: usize,
    pub runs_per_variant: Vec<u32>,
    pub block: u32,
    pub quantile_relative_error: f64,
    pub seeds: String,
    pub indicators: String,
    pub tradesim_version: String,
    /// The commit the binary was built from ("unknown" if built without git).
    pub git_commit: String,
    /// SHA-256 of the calibration data (`Calibration::sha256`).
    pub calibration_sha256: String,
    pub files: Vec<String>,
    /// What the reader should know about the numbers (e.g. means estimated, not exact).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}
