//! Reads result directories back: a run's summary.csv, annual.csv and manifest.json
//! (`RunData`, `Table`) and a batch's variants.csv and indicators.csv (`BatchData`), the data
//! the charts and the report pages are drawn from. Errors name the file and line.

use crate::output::chart_kit::Quantiles;
use crate::output::Manifest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Key = (String, String, String, String);

/// A summary CSV: every series' quantiles on a common list of dates.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Date labels as in the file ("2022-04" or "2022").
    pub dates: Vec<String>,
    /// The dates as fractional years: the end of the step (a step's values are the state
    /// after the step, so they are drawn where the step ends; see `charts::figure::stairs`),
    /// or the middle of a calendar year ("YYYY").
    pub xs: Vec<f64>,
    /// (metric, exporter, importer, sector) → per date index: [mean, p05, p25, p50, p75, p95].
    series: BTreeMap<Key, BTreeMap<usize, [f64; 6]>>,
    /// Keys in the order they first appear in the file.
    order: Vec<Key>,
}

impl Table {
    /// The start of a month "YYYY-MM" as a fractional year.
    pub fn month_x(date: &str) -> Option<f64> {
        let (y, m) = date.split_once('-')?;
        let (y, m): (i32, u32) = (y.trim().parse().ok()?, m.trim().parse().ok()?);
        (1..=12).contains(&m).then(|| y as f64 + (m - 1) as f64 / 12.0)
    }

    /// Parse a summary CSV; `step_months` places a "YYYY-MM" date at the end of its step,
    /// a "YYYY" date is placed mid-year.
    pub fn read(path: &Path, step_months: u32) -> Result<Self, String> {
        Table::read_with(path, step_months, false)
    }

    /// Parse a file of paired differences against a baseline (vs_baseline.csv,
    /// vs_baseline_annual.csv): summary.csv's columns, but values may be negative.
    pub fn read_signed(path: &Path, step_months: u32) -> Result<Self, String> {
        Table::read_with(path, step_months, true)
    }

    fn read_with(path: &Path, step_months: u32, signed: bool) -> Result<Self, String> {
        let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let header = r.headers().map_err(|e| format!("{}: {e}", path.display()))?.clone();
        if header.iter().collect::<Vec<_>>() != crate::output::csv_out::HEADER {
            return Err(format!("{}: not a tradesim summary (header should be {})", path.display(), crate::output::csv_out::HEADER.join(",")));
        }
        let mut t = Table::default();
        let mut date_index: BTreeMap<String, usize> = BTreeMap::new();
        // (date, series) → line, for duplicate rows
        let mut lines: BTreeMap<(usize, String, String, String, String), usize> = BTreeMap::new();
        for (line, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
            let bad = |what: &str| format!("{}: line {}: {what}", path.display(), line + 2);
            let date = &rec[0];
            let di = match date_index.get(date) {
                Some(&i) => i,
                None => {
                    let x = if date.contains('-') {
                        Table::month_x(date).map(|x| x + step_months as f64 / 12.0)
                    } else {
                        date.parse::<i32>().ok().map(|y| y as f64 + 0.5)
                    }
                    .ok_or_else(|| bad(&format!("date {date:?} is neither YYYY-MM nor YYYY")))?;
                    t.dates.push(date.to_owned());
                    t.xs.push(x);
                    date_index.insert(date.to_owned(), t.dates.len() - 1);
                    t.dates.len() - 1
                }
            };
            if rec.len() != crate::output::csv_out::HEADER.len() {
                return Err(bad(&format!("{} columns; a summary row has {}", rec.len(), crate::output::csv_out::HEADER.len())));
            }
            // every value a finite number, at least 0 (no metric tradesim writes is negative),
            // the quantiles in order
            let mut v = [f64::NAN; 6];
            for (k, slot) in v.iter_mut().enumerate() {
                let s = &rec[5 + k];
                let col = crate::output::csv_out::HEADER[5 + k];
                if signed {
                    // Paired differences may be negative; an empty cell (a percentage against a
                    // zero baseline) is not a number.
                    if !s.is_empty() {
                        *slot = s.parse().map_err(|_| bad(&format!("column `{col}`: {s:?} is not a number; allowed: a finite number")))?;
                        if !slot.is_finite() {
                            return Err(bad(&format!("column `{col}`: {s:?} is not allowed; allowed: a finite number")));
                        }
                    }
                    continue;
                }
                *slot = s.parse().map_err(|_| bad(&format!("column `{col}`: {s:?} is not a number; allowed: a finite number, at least 0")))?;
                if !(slot.is_finite() && *slot >= 0.0) {
                    return Err(bad(&format!("column `{col}`: {s:?} is not allowed; allowed: a finite number, at least 0")));
                }
            }
            if v[1..].windows(2).any(|w| w[0] > w[1]) {
                return Err(bad(&format!("the quantiles p05, p25, p50, p75, p95 ({}) are not in increasing order", rec.iter().skip(6).collect::<Vec<_>>().join(", "))));
            }
            let key = (rec[4].to_owned(), rec[1].to_owned(), rec[2].to_owned(), rec[3].to_owned());
            let e = t.series.entry(key.clone()).or_insert_with(|| {
                t.order.push(key);
                BTreeMap::new()
            });
            if let Some(first) = lines.insert((di, rec[4].to_owned(), rec[1].to_owned(), rec[2].to_owned(), rec[3].to_owned()), line + 2) {
                return Err(bad(&format!("the row {date},{},{},{},{} is given twice (also on line {first})", &rec[1], &rec[2], &rec[3], &rec[4])));
            }
            e.insert(di, v);
        }
        Ok(t)
    }

    /// Every row of one metric and sector: (date label, exporter, importer,
    /// [mean, p05, p25, p50, p75, p95]), series by series in file order.
    pub fn rows<'a>(&'a self, metric: &'a str, sector: &'a str) -> impl Iterator<Item = (&'a str, &'a str, &'a str, [f64; 6])> + 'a {
        self.order.iter().filter(move |k| k.0 == metric && k.3 == sector).flat_map(move |k| {
            self.series[k].iter().map(move |(&di, &v)| (self.dates[di].as_str(), k.1.as_str(), k.2.as_str(), v))
        })
    }

    /// A series on every date of the table, if the file has it at all. Dates without a row
    /// count as zero (transit rows are written only where nonzero).
    pub fn series_opt(&self, metric: &str, exporter: &str, importer: &str, sector: &str) -> Option<Vec<Quantiles>> {
        let s = self.series.get(&(metric.to_owned(), exporter.to_owned(), importer.to_owned(), sector.to_owned()))?;
        Some(
            self.xs
                .iter()
                .enumerate()
                .map(|(k, &x)| {
                    let v = s.get(&k).copied().unwrap_or([0.0; 6]);
                    Quantiles { x, p05: v[1], p25: v[2], p50: v[3], p75: v[4], p95: v[5] }
                })
                .collect(),
        )
    }

    /// A series on every date (all zero if the file does not have it).
    pub fn series(&self, metric: &str, exporter: &str, importer: &str, sector: &str) -> Vec<Quantiles> {
        self.series_opt(metric, exporter, importer, sector)
            .unwrap_or_else(|| self.xs.iter().map(|&x| Quantiles { x, p05: 0.0, p25: 0.0, p50: 0.0, p75: 0.0, p95: 0.0 }).collect())
    }

    /// Each policy rule's share of runs in which it has fired (the mean), as (by, targets, id,
    /// points with every quantile set to the share), in file order.
    pub fn rule_series(&self) -> Vec<(String, String, String, Vec<Quantiles>)> {
        self.order
            .iter()
            .filter(|k| k.0 == "rule_fired")
            .map(|k| {
                let s = &self.series[k];
                let pts = self
                    .xs
                    .iter()
                    .enumerate()
                    .map(|(d, &x)| {
                        let m = s.get(&d).map_or(0.0, |v| v[0]);
                        Quantiles { x, p05: m, p25: m, p50: m, p75: m, p95: m }
                    })
                    .collect();
                (k.1.clone(), k.2.clone(), k.3.clone(), pts)
            })
            .collect()
    }

    /// (exporter, importer) of every all-sector transit series, in file order.
    pub fn transit_pairs(&self) -> Vec<(String, String)> {
        self.order.iter().filter(|k| k.0 == "transit" && k.3 == "all").map(|k| (k.1.clone(), k.2.clone())).collect()
    }

    /// The value of a series at one date label.
    pub fn at(&self, date: &str, metric: &str, exporter: &str, importer: &str, sector: &str) -> Option<Quantiles> {
        let d = self.dates.iter().position(|x| x == date)?;
        self.series_opt(metric, exporter, importer, sector).map(|s| s[d])
    }
}

/// A result directory read back: what the charts and the report are drawn from.
#[derive(Debug)]
pub struct RunData {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// summary.csv: per step, annual rates.
    pub summary: Table,
    /// annual.csv: calendar-year totals.
    pub annual: Table,
    /// Base-year data flows (exporter, importer, sector or "all") → USD per year, from the
    /// calibration the caller supplies; empty when it is not known.
    pub base_trade: BTreeMap<(String, String, String), f64>,
    /// Paired differences against the baseline the run names (vs_baseline.csv per step,
    /// vs_baseline_annual.csv per calendar year), when the directory has them.
    pub vs_baseline: Option<VsBaseline>,
}

/// A run's paired differences against its baseline: metrics `<metric>_diff` (scenario minus
/// baseline, run by run with the same seeds, in the metric's unit) and `<metric>_pct`
/// (100·(scenario − baseline)/baseline per run), with their quantiles over the runs.
#[derive(Debug, Clone)]
pub struct VsBaseline {
    /// The baseline scenario's name (manifest.json `baseline.scenario`, else "baseline").
    pub scenario: String,
    pub step: Table,
    pub annual: Table,
}

impl RunData {
    /// Read `dir`'s manifest.json, summary.csv and annual.csv. Every error names the file.
    pub fn load(dir: &Path) -> Result<Self, String> {
        if !dir.is_dir() {
            return Err(format!("{}: no such result directory (run `tradesim run SCENARIO --out {}` first)", dir.display(), dir.display()));
        }
        for f in ["manifest.json", "summary.csv", "annual.csv"] {
            if !dir.join(f).is_file() {
                return Err(format!("{}: {f} is missing; is this a tradesim result directory?", dir.display()));
            }
        }
        let manifest = Manifest::read(&dir.join("manifest.json")).map_err(|e| format!("{e:#}"))?;
        let months = if manifest.step == "month" { 1 } else { 3 };
        // the files are independent: read on the threads of the pool this is called in
        let (step_file, annual_file) = (dir.join("vs_baseline.csv"), dir.join("vs_baseline_annual.csv"));
        let signed = |p: &Path| if p.is_file() { Table::read_signed(p, months) } else { Ok(Table::default()) };
        let ((summary, annual), (step, paired_annual)) = rayon::join(
            || rayon::join(|| Table::read(&dir.join("summary.csv"), months), || Table::read(&dir.join("annual.csv"), months)),
            || rayon::join(|| signed(&step_file), || signed(&annual_file)),
        );
        let (summary, annual) = (summary?, annual?);
        let vs_baseline = if step_file.is_file() || annual_file.is_file() {
            let scenario = manifest.baseline.as_ref().map_or_else(|| "baseline".to_owned(), |b| b.scenario.clone());
            Some(VsBaseline { scenario, step: step?, annual: paired_annual? })
        } else {
            None
        };
        Ok(RunData { dir: dir.to_path_buf(), manifest, summary, annual, base_trade: BTreeMap::new(), vs_baseline })
    }

    /// Step length in years.
    pub fn step_years(&self) -> f64 {
        if self.manifest.step == "month" {
            1.0 / 12.0
        } else {
            0.25
        }
    }

    /// The simulated time span in fractional years: start of the first step to end of the last.
    pub fn x_range(&self) -> (f64, f64) {
        let x0 = Table::month_x(&self.manifest.start).unwrap_or_else(|| self.summary.xs.first().copied().unwrap_or(0.0));
        // The end of the last step (`end` is a month inside it).
        let x1 = if self.manifest.steps > 0 { x0 + self.manifest.steps as f64 * self.step_years() } else { Table::month_x(&self.manifest.end).map(|x| x + self.step_years()).unwrap_or(x0 + 1.0) };
        (x0, x1.max(x0 + 1.0 / 12.0))
    }

    /// Base-year trade exporter → importer in a sector (or "all"), USD per year: the data if the
    /// caller supplied it, else the run's own median for the base year (annual.csv) if it covers it.
    pub fn base_trade(&self, exporter: &str, importer: &str, sector: &str) -> Option<f64> {
        if let Some(v) = self.base_trade.get(&(exporter.to_owned(), importer.to_owned(), sector.to_owned())) {
            return Some(*v);
        }
        if !self.base_trade.is_empty() {
            return Some(0.0);
        }
        self.annual.at(&self.manifest.base.to_string(), "trade", exporter, importer, sector).map(|q| q.p50)
    }
}

// ---- a batch directory ---------------------------------------------------------------------

/// The indicators drawn against the swept parameters and shown in the page's table, in this
/// order (each with every subject it has).
pub const HEADLINE: [&str; 3] = ["us_ru_trade_usd", "rule_fired_share", "ru_gdp_ratio_of_medians_to_counterfactual"];

/// One row of variants.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantRow {
    pub id: usize,
    pub scenario: String,
    pub runs: String,
    /// The varied values as written, one per varied path.
    pub values: Vec<String>,
}

/// One row of indicators.csv: mean, p05, p25, p50, p75, p95 (NaN where empty).
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    pub variant: usize,
    pub indicator: String,
    pub year: String,
    pub subject: String,
    pub q: [f64; 6],
}

impl IndicatorRow {
    pub fn mean(&self) -> f64 {
        self.q[0]
    }
    pub fn p05(&self) -> f64 {
        self.q[1]
    }
    pub fn p50(&self) -> f64 {
        self.q[3]
    }
    pub fn p95(&self) -> f64 {
        self.q[5]
    }
}

/// variants.csv and indicators.csv of a batch directory.
#[derive(Debug, Clone, Default)]
pub struct BatchData {
    /// The varied dotted paths, in `[[vary]]` order.
    pub params: Vec<String>,
    pub variants: Vec<VariantRow>,
    pub rows: Vec<IndicatorRow>,
}

const VARIANT_COLUMNS: [&str; 5] = ["variant", "scenario", "seed", "runs", "counterfactual"];

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, String> {
    csv::Reader::from_path(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

impl BatchData {
    /// Read `dir`'s variants.csv and indicators.csv. Every error names the file and line.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let mut d = BatchData::default();
        let path = dir.join("variants.csv");
        let mut r = reader(&path)?;
        let header: Vec<String> = r.headers().map_err(|e| format!("{}: {e}", path.display()))?.iter().map(str::to_owned).collect();
        if header.len() < VARIANT_COLUMNS.len() || header[..VARIANT_COLUMNS.len()] != VARIANT_COLUMNS {
            return Err(format!("{}: not a tradesim batch variants file (header should start with {})", path.display(), VARIANT_COLUMNS.join(",")));
        }
        d.params = header[VARIANT_COLUMNS.len()..].to_vec();
        for (line, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
            let id = rec[0].parse().map_err(|_| format!("{}: line {}: variant {:?} is not a number", path.display(), line + 2, &rec[0]))?;
            d.variants.push(VariantRow { id, scenario: rec[1].to_owned(), runs: rec[3].to_owned(), values: rec.iter().skip(VARIANT_COLUMNS.len()).map(str::to_owned).collect() });
        }
        let path = dir.join("indicators.csv");
        let mut r = reader(&path)?;
        let header = r.headers().map_err(|e| format!("{}: {e}", path.display()))?.clone();
        if header.iter().collect::<Vec<_>>() != crate::output::batch_out::INDICATOR_HEADER {
            return Err(format!("{}: not a tradesim indicators file (header should be {})", path.display(), crate::output::batch_out::INDICATOR_HEADER.join(",")));
        }
        for (line, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
            let bad = |what: &str| format!("{}: line {}: {what}", path.display(), line + 2);
            let variant = rec[0].parse().map_err(|_| bad(&format!("variant {:?} is not a number", &rec[0])))?;
            let mut q = [f64::NAN; 6];
            for (k, slot) in q.iter_mut().enumerate() {
                let s = &rec[4 + k];
                if !s.is_empty() {
                    *slot = s.parse().map_err(|_| bad(&format!("{} is not a number: {s:?}", crate::output::batch_out::INDICATOR_HEADER[4 + k])))?;
                }
            }
            d.rows.push(IndicatorRow { variant, indicator: rec[1].to_owned(), year: rec[2].to_owned(), subject: rec[3].to_owned(), q });
        }
        Ok(d)
    }

    /// The (indicator, subject) pairs of the headline indicators present, in `HEADLINE` order
    /// and then file order.
    pub fn headline(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for ind in HEADLINE {
            for r in self.rows.iter().filter(|r| r.indicator == ind) {
                if !out.iter().any(|(i, s)| *i == r.indicator && *s == r.subject) {
                    out.push((r.indicator.clone(), r.subject.clone()));
                }
            }
        }
        out
    }

    pub fn row(&self, variant: usize, indicator: &str, subject: &str) -> Option<&IndicatorRow> {
        self.rows.iter().find(|r| r.variant == variant && r.indicator == indicator && r.subject == subject)
    }

    /// The indicators' year (the last full calendar year), if any row has one.
    pub fn year(&self) -> Option<&str> {
        self.rows.first().map(|r| r.year.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::chart_kit::sum_quantiles;

    #[test]
    fn dates_become_fractional_years() {
        assert_eq!(Table::month_x("2022-01"), Some(2022.0));
        assert_eq!(Table::month_x("2022-04"), Some(2022.25));
        assert_eq!(Table::month_x("2022-13"), None);
        assert_eq!(Table::month_x("2022"), None);
    }

    #[test]
    fn reads_a_hand_made_summary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv");
        std::fs::write(
            &p,
            "date,exporter,importer,sector,metric,mean,p05,p25,p50,p75,p95\n\
             2021-01,US,RU,all,trade,10,1,2,3,4,5\n\
             2021-04,US,RU,all,trade,10,2,3,4,5,6\n\
             2021-04,RU,US,all,transit,1,1,1,1,1,1\n",
        )
        .unwrap();
        let t = Table::read(&p, 3).unwrap();
        assert_eq!(t.xs, vec![2021.25, 2021.5], "a step's value sits at the step's end");
        let s = t.series("trade", "US", "RU", "all");
        assert_eq!(s[1].p50, 4.0);
        let tr = t.series("transit", "RU", "US", "all");
        assert_eq!((tr[0].p50, tr[1].p50), (0.0, 1.0), "a missing transit row is zero");
        assert_eq!(t.transit_pairs(), vec![("RU".to_owned(), "US".to_owned())]);
        let sum = sum_quantiles(&s, &s);
        assert_eq!((sum[0].p05, sum[0].p95), (2.0, 10.0));
    }

    #[test]
    fn bad_header_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv");
        std::fs::write(&p, "a,b\n1,2\n").unwrap();
        assert!(Table::read(&p, 3).unwrap_err().contains("not a tradesim summary"));
    }
}
