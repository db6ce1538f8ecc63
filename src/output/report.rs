//! Reads a result directory back (summary.csv, annual.csv, manifest.json) into tables the
//! charts draw from, and writes its one-page report, index.html.

use crate::output::charts::{sum_quantiles, ChartFile, Quantiles, BN, SUM_NOTE};
use crate::output::Manifest;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

type Key = (String, String, String, String);

/// A summary CSV: every series' quantiles on a common list of dates.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Date labels as in the file ("2022-04" or "2022").
    pub dates: Vec<String>,
    /// The dates as fractional years (the middle of the step or year).
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

    /// Parse a summary CSV; `step_months` places a "YYYY-MM" date at the middle of its step,
    /// a "YYYY" date is placed mid-year.
    pub fn read(path: &Path, step_months: u32) -> Result<Self, String> {
        let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let header = r.headers().map_err(|e| format!("{}: {e}", path.display()))?.clone();
        if header.iter().collect::<Vec<_>>() != crate::output::csv_out::HEADER {
            return Err(format!("{}: not a tradesim summary (header should be {})", path.display(), crate::output::csv_out::HEADER.join(",")));
        }
        let mut t = Table::default();
        let mut date_index: BTreeMap<String, usize> = BTreeMap::new();
        for (line, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
            let bad = |what: &str| format!("{}: line {}: {what}", path.display(), line + 2);
            let date = &rec[0];
            let di = match date_index.get(date) {
                Some(&i) => i,
                None => {
                    let x = if date.contains('-') {
                        Table::month_x(date).map(|x| x + step_months as f64 / 24.0)
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
            let mut v = [f64::NAN; 6];
            for (k, slot) in v.iter_mut().enumerate() {
                let s = &rec[5 + k];
                if !s.is_empty() {
                    *slot = s.parse().map_err(|_| bad(&format!("{} is not a number: {s:?}", crate::output::csv_out::HEADER[5 + k])))?;
                }
            }
            let key = (rec[4].to_owned(), rec[1].to_owned(), rec[2].to_owned(), rec[3].to_owned());
            let e = t.series.entry(key.clone()).or_insert_with(|| {
                t.order.push(key);
                BTreeMap::new()
            });
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
        let summary = Table::read(&dir.join("summary.csv"), months)?;
        let annual = Table::read(&dir.join("annual.csv"), months)?;
        Ok(RunData { dir: dir.to_path_buf(), manifest, summary, annual, base_trade: BTreeMap::new() })
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
        let x1 = Table::month_x(&self.manifest.end).map(|x| x + self.step_years()).unwrap_or(x0 + 1.0);
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

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn bn(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v * BN >= 10.0 {
        format!("{:.1}", v * BN)
    } else {
        format!("{:.2}", v * BN)
    }
}

/// Write `<dir>/index.html`: scenario, lever timeline, key numbers and every chart. Image paths
/// are relative, so the page opens from disk and moves with the directory.
pub fn write_index(dir: &Path, run: &RunData, charts: &[ChartFile]) -> Result<()> {
    let m = &run.manifest;
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{name} — tradesim</title>
<style>
body {{ font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2em auto; max-width: 1240px; color: #222; padding: 0 1em; }}
h1 {{ margin-bottom: 0.2em; }} .meta {{ color: #666; font-size: 0.9em; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.92em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: middle; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.bar {{ position: relative; height: 12px; width: 320px; background: #f2f2f2; }}
.bar span {{ position: absolute; top: 0; height: 12px; background: #666; }}
figure {{ margin: 1.5em 0; }} figure img {{ max-width: 100%; border: 1px solid #eee; }}
figcaption {{ color: #555; font-size: 0.9em; }} .note {{ color: #666; font-size: 0.85em; }}
</style></head><body>
<h1>{name}</h1>
<p>{desc}</p>
<p class="meta">Base year {base}, {start} to {end} in {step} steps; {runs} runs, seed {seed}; tradesim {ver}. Scenario file {file}.</p>
"#,
        name = esc(&m.scenario),
        desc = esc(&m.description),
        base = m.base,
        start = esc(&m.start),
        end = esc(&m.end),
        step = esc(&m.step),
        runs = m.runs,
        seed = m.seed,
        ver = esc(&m.tradesim_version),
        file = esc(&m.scenario_file),
    );

    // Key numbers: the last full calendar year against the base-year data.
    h.push_str("<h2>Key numbers: US–Russia trade</h2>\n");
    if let Some(end_year) = run.annual.dates.last().cloned() {
        let _ = writeln!(
            h,
            "<table><tr><th>flow</th><th>{} (data)</th><th>{end_year} median</th><th>{end_year} 90% band</th><th>median vs {}</th></tr>",
            m.base, m.base
        );
        let ab = run.annual.at(&end_year, "trade", "US", "RU", "all");
        let ba = run.annual.at(&end_year, "trade", "RU", "US", "all");
        let total = match (ab, ba) {
            (Some(a), Some(b)) => Some(sum_quantiles(&[a], &[b])[0]),
            _ => None,
        };
        let base_total = run.base_trade("US", "RU", "all").zip(run.base_trade("RU", "US", "all")).map(|(a, b)| a + b);
        for (label, q, base) in [
            ("US–RU total (both directions)*", total, base_total),
            ("US → RU (US exports)", ab, run.base_trade("US", "RU", "all")),
            ("RU → US (RU exports)", ba, run.base_trade("RU", "US", "all")),
        ] {
            let Some(q) = q else { continue };
            let change = base.filter(|b| *b > 0.0).map_or("–".into(), |b| format!("{:+.0}%", (q.p50 / b - 1.0) * 100.0));
            let _ = writeln!(
                h,
                "<tr><td>{label}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{} – {}</td><td class=num>{change}</td></tr>",
                base.map_or("–".into(), bn),
                bn(q.p50),
                bn(q.p05),
                bn(q.p95)
            );
        }
        h.push_str("</table>\n<p class=note>USD bn per calendar year. * The total's median and band add the two directions' quantiles: the outputs hold no joint quantiles, so the band is approximate.</p>\n");
    } else {
        h.push_str("<p>The run covers no full calendar year.</p>\n");
    }

    // Lever timeline.
    h.push_str("<h2>Levers</h2>\n");
    if m.levers.is_empty() {
        h.push_str("<p>No levers: nothing is switched on or off.</p>\n");
    } else {
        let (x0, x1) = run.x_range();
        let pos = |d: &str| Table::month_x(d).map_or(0.0, |x| ((x - x0) / (x1 - x0) * 100.0).clamp(0.0, 100.0));
        let _ = writeln!(h, "<table><tr><th>id</th><th>kind</th><th>by</th><th>on</th><th>sectors</th><th>start</th><th>end</th><th>{} – {}</th></tr>", esc(&m.start), esc(&m.end));
        for l in &m.levers {
            let a = pos(&l.start);
            let b = l.end.as_deref().map_or(100.0, pos);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><div class=bar><span style=\"left:{a:.1}%;width:{:.1}%\"></span></div></td></tr>",
                esc(&l.id),
                esc(&l.kind),
                esc(&l.by),
                esc(&l.on.join(", ")),
                esc(&l.sectors.join(", ")),
                esc(&l.start),
                esc(l.end.as_deref().unwrap_or("—")),
                (b - a).max(0.5)
            );
        }
        h.push_str("</table>\n");
    }
    if !m.rules.is_empty() {
        let fired: BTreeMap<String, f64> = run.summary.rule_series().into_iter().map(|(_, _, id, p)| (id, p.last().map_or(0.0, |q| q.p50))).collect();
        h.push_str("<h2>Policy rules</h2>\n<table><tr><th>id</th><th>kind</th><th>by</th><th>probability</th><th>share of runs fired by the end</th></tr>\n");
        for r in &m.rules {
            let f = fired.get(&r.id).map_or("–".into(), |v| format!("{:.0}%", v * 100.0));
            let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{f}</td></tr>", esc(&r.id), esc(&r.kind), esc(&r.by), r.probability);
        }
        h.push_str("</table>\n");
    }

    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        let _ = writeln!(h, "<figure><img src=\"{f}\" alt=\"{t}\"><figcaption>{t} (<a href=\"{f}\">{f}</a>)</figcaption></figure>", f = esc(&c.file), t = esc(&c.title));
    }
    let _ = writeln!(
        h,
        "<p class=note>Trajectories are annual rates per step (summary.csv); the key numbers are calendar-year totals (annual.csv). {} Data in manifest.json, summary.csv and annual.csv.</p>\n</body></html>",
        esc(SUM_NOTE)
    );
    let path = dir.join("index.html");
    std::fs::write(&path, h).with_context(|| format!("cannot write {}", path.display()))
}

/// The relative paths an HTML page references in `src="..."` and `href="..."` attributes.
pub fn referenced_files(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(j) = rest.find('"') {
                let f = &rest[..j];
                if !f.contains("://") && !f.starts_with('#') && !out.iter().any(|x| x == f) {
                    out.push(f.to_owned());
                }
                rest = &rest[j..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(t.xs, vec![2021.125, 2021.375]);
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

    #[test]
    fn finds_referenced_files() {
        let h = r#"<img src="charts/a.png"><a href="charts/a.png">x</a><a href="https://x.org">y</a><img src="b.svg">"#;
        assert_eq!(referenced_files(h), vec!["charts/a.png", "b.svg"]);
    }
}
