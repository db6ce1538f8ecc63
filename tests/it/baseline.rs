//! A run against its baseline (`--baseline` or the scenario's `baseline` key): both with the
//! same seeds per run, paired differences run by run in vs_baseline*.csv, checked against
//! the runs' own values and against the difference of independent runs.

use crate::common::tradesim;
use std::collections::BTreeMap;
use std::path::Path;

const HEAD: &str = "base = 2021\nstart = \"2021-01\"\nend = \"2023-12\"\nruns = 300\nseed = 7\n";

/// runs.csv → (run, year, exporter, importer) → value.
fn runs(dir: &Path) -> BTreeMap<(u64, String, String, String), f64> {
    let mut rdr = csv::Reader::from_path(dir.join("runs.csv")).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            ((r[0].parse().unwrap(), r[1].to_owned(), r[2].to_owned(), r[3].to_owned()), r[4].parse().unwrap())
        })
        .collect()
}

/// A row of a result CSV: (mean, p05, p25, p50, p75, p95).
fn row(file: &Path, key: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(file).unwrap();
    let line = text.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("{}: no row {key}", file.display()));
    line.split(',').skip(5).map(|x| x.parse().unwrap()).collect()
}

fn quantile(mut xs: Vec<f64>, q: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() - 1) as f64 * q).round() as usize]
}

#[test]
fn paired_differences_are_the_runs_differences_and_far_tighter_than_independent_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base.toml");
    std::fs::write(&base, format!("name = \"no levers\"\n{HEAD}")).unwrap();
    let sc = tmp.path().join("embargo.toml");
    let lever = "[[lever]]\nkind = \"embargo\"\nby = \"US\"\non = \"RU\"\nsectors = [\"machinery\"]\nstart = \"2022-03\"\n";
    std::fs::write(&sc, format!("name = \"embargo\"\nbaseline = \"base.toml\"\n{HEAD}\n{lever}")).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    tradesim().arg("run").arg(&sc).args(["-q", "--no-charts", "--keep-runs", "--out"]).arg(&a).assert().success();
    tradesim().arg("run").arg(&base).args(["-q", "--no-charts", "--keep-runs", "--out"]).arg(&b).assert().success();
    let manifest = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"baseline\"") && manifest.contains("base.toml") && manifest.contains("vs_baseline_annual.csv"), "{manifest}");
    let (ra, rb) = (runs(&a), runs(&b));
    let year = |r: &BTreeMap<(u64, String, String, String), f64>, run: u64| r[&(run, "2023".to_owned(), "US".to_owned(), "RU".to_owned())];
    let n = 300u64;
    let paired: Vec<f64> = (0..n).map(|k| year(&ra, k) - year(&rb, k)).collect();
    // the same runs' values, but run k against the baseline's run k+1: independent draws
    let independent: Vec<f64> = (0..n).map(|k| year(&ra, k) - year(&rb, (k + 1) % n)).collect();
    let file = a.join("vs_baseline_annual.csv");
    let got = row(&file, "2023,US,RU,all,trade_diff,");
    // quantiles of the paired differences within the sketch's error (and a dollar of rounding)
    for (k, q) in [(1, 0.05), (3, 0.5), (5, 0.95)] {
        let want = quantile(paired.clone(), q);
        assert!((got[k] - want).abs() <= 0.02 * want.abs() + 1e6, "q{q}: {} vs {want}", got[k]);
    }
    let width = |xs: &[f64]| quantile(xs.to_vec(), 0.95) - quantile(xs.to_vec(), 0.05);
    let (wp, wi) = (width(&paired), width(&independent));
    assert!(got[3] < 0.0, "the embargo lowers US→RU trade: {got:?}");
    assert!(wp < 0.5 * wi, "paired 90% band {wp:.3e} is not far tighter than the independent one {wi:.3e}");
    // before the lever the pairs are the same runs: every difference is zero
    assert_eq!(row(&file, "2021,US,RU,all,trade_diff,"), vec![0.0; 6]);
    let pct = row(&file, "2023,US,RU,all,trade_pct,");
    let base_median = row(&b.join("annual.csv"), "2023,US,RU,all,trade,")[3];
    assert!((pct[3] - 100.0 * got[3] / base_median).abs() < 2.0, "{pct:?} vs {got:?} / {base_median}");
    // per step: the dated series, zero before March 2022
    assert_eq!(row(&a.join("vs_baseline.csv"), "2021-10,US,RU,all,trade_diff,"), vec![0.0; 6]);
    assert!(row(&a.join("vs_baseline.csv"), "2022-07,US,RU,all,trade_diff,")[3] < 0.0);
}

#[test]
fn a_baseline_with_other_dates_is_bad_input_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base.toml");
    std::fs::write(&base, format!("name = \"other\"\n{}", HEAD.replace("2023-12", "2024-12"))).unwrap();
    let sc = tmp.path().join("s.toml");
    std::fs::write(&sc, format!("name = \"s\"\n{HEAD}")).unwrap();
    let out_dir = tmp.path().join("out");
    let out = tradesim().arg("run").arg(&sc).arg("--baseline").arg(&base).arg("--out").arg(&out_dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("base.toml") && err.contains("2024-12") && err.contains("same base year, start, end and step"), "{err}");
    assert!(!out_dir.exists());
    // and a missing baseline file is named
    let out = tradesim().arg("run").arg(&sc).args(["--baseline", "nope.toml", "--out"]).arg(&out_dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}
