//! The scenario library and the `backtest` command, through the real binary.

use crate::common::tradesim;
use std::path::{Path, PathBuf};

const LIBRARY: [&str; 6] = [
    "cold_war_1979",
    "opening_1992",
    "crimea_2014",
    "normalization_2027",
    "escalation_secondary_2026",
    "eu_breaks_ranks_2026",
];

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(format!("{name}.toml"))
}


/// `trade`/`all` rows of an annual.csv: (year, exporter, importer, p50 as written).
fn annual_medians(path: &Path) -> Vec<(String, String, String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap())
        .filter(|x| &x[4] == "trade" && &x[3] == "all")
        .map(|x| (x[0].to_owned(), x[1].to_owned(), x[2].to_owned(), x[8].to_owned()))
        .collect()
}

fn metric(dir: &Path, name: &str) -> String {
    let mut r = csv::Reader::from_path(dir.join("backtest_metrics.csv")).unwrap();
    r.records().map(|x| x.unwrap()).find(|x| &x[0] == name).map(|x| x[1].to_owned()).unwrap()
}

#[test]
fn every_library_scenario_passes_check() {
    let files: Vec<PathBuf> = LIBRARY.iter().map(|s| scenario(s)).collect();
    let out = tradesim().arg("check").args(&files).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(stdout.matches(": ok (").count(), LIBRARY.len(), "{stdout}");
}

#[test]
fn every_library_scenario_runs() {
    let tmp = tempfile::tempdir().unwrap();
    for name in LIBRARY {
        let out = tmp.path().join(name);
        tradesim().args(["run", "--runs", "10", "--quiet", "--out"]).arg(&out).arg(scenario(name)).assert().success();
        let rows = annual_medians(&out.join("annual.csv"));
        assert!(!rows.is_empty(), "{name}: no annual trade rows");
        for (y, e, i, v) in &rows {
            let v: f64 = v.parse().unwrap_or(f64::NAN);
            assert!(v.is_finite() && v >= 0.0, "{name}: {y} {e}->{i} median {v}");
        }
    }
}

/// Observed values taken from a known run: the same scenario, seed and runs must reproduce them
/// exactly (MdAPE 0, full coverage); one value ×10 must fall outside the band.
#[test]
fn backtest_of_its_own_medians_has_zero_error_and_flags_an_outlier() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = scenario("crimea_2014");
    let run = tmp.path().join("run");
    tradesim().args(["run", "--runs", "10", "--seed", "7", "--quiet", "--out"]).arg(&run).arg(&sc).assert().success();
    let pairs = [("US", "RU"), ("RU", "US"), ("RU", "EU"), ("CN", "RU")];
    let picked: Vec<_> = annual_medians(&run.join("annual.csv"))
        .into_iter()
        .filter(|(y, e, i, _)| pairs.contains(&(e.as_str(), i.as_str())) && ["2014", "2015", "2016", "2019"].contains(&y.as_str()))
        .collect();
    assert_eq!(picked.len(), 16);
    let write = |path: &Path, rows: &[(String, String, String, String)]| {
        let mut text = String::from("year,exporter,importer,value_usd,source\n");
        for (y, e, i, v) in rows {
            text.push_str(&format!("{y},{e},{i},{v},\"synthetic: run median\"\n"));
        }
        std::fs::write(path, text).unwrap();
    };
    let exact = tmp.path().join("exact.csv");
    write(&exact, &picked);
    let bt = tmp.path().join("bt");
    let out = tradesim()
        .args(["backtest", "--runs", "10", "--seed", "7", "--quiet", "--actual"])
        .arg(&exact)
        .arg("--out")
        .arg(&bt)
        .arg(&sc)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("MdAPE"), "{stdout}");
    assert_eq!(metric(&bt, "mdape_pct").parse::<f64>().unwrap(), 0.0);
    assert_eq!(metric(&bt, "coverage_90"), "1.0000");
    assert_eq!(metric(&bt, "observations"), "16");
    // 2014-2015-2016 are consecutive for each of the 4 pairs: 8 directions, all right.
    assert_eq!(metric(&bt, "directions_compared"), "8/8");
    // the backtest's manifest: the command, the observed file's hash, the calibration's
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(bt.join("manifest.json")).unwrap()).unwrap();
    assert!(m["command_line"].as_str().unwrap().contains(" backtest --runs 10 --seed 7 "), "{m}");
    assert_eq!(m["observed_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(m["scenarios"][0]["calibration_sha256"], tradesim::calibration::Calibration::embedded().unwrap().sha256.as_str());
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(bt.join("run/manifest.json")).unwrap()).unwrap();
    assert_eq!(run["command_line"], m["command_line"]);
    let table = std::fs::read_to_string(bt.join("backtest.csv")).unwrap();
    assert_eq!(table.lines().count(), 17);
    assert!(!table.contains(",false,"), "{table}");
    // The chart has real pixels: the fan, the median line and the observed points.
    let img = image::open(bt.join("backtest.png")).unwrap().to_rgb8();
    let count = |c: [u8; 3]| img.pixels().filter(|p| p.0 == c).count();
    use tradesim::output::charts::backtest::{FAN, MEDIAN, OBSERVED};
    assert!(count([FAN.0, FAN.1, FAN.2]) > 1000, "no 90% fan drawn");
    assert!(count([MEDIAN.0, MEDIAN.1, MEDIAN.2]) > 100, "no median line drawn");
    assert!(count([OBSERVED.0, OBSERVED.1, OBSERVED.2]) > 50, "no observed points drawn");

    let mut outlier = picked.clone();
    let v: f64 = outlier[5].3.parse().unwrap();
    outlier[5].3 = format!("{:.0}", v * 10.0);
    let odd = tmp.path().join("outlier.csv");
    write(&odd, &outlier);
    let bt2 = tmp.path().join("bt2");
    tradesim().args(["backtest", "--runs", "10", "--seed", "7", "--quiet", "--actual"]).arg(&odd).arg("--out").arg(&bt2).arg(&sc).assert().success();
    let mut r = csv::Reader::from_path(bt2.join("backtest.csv")).unwrap();
    let outside: Vec<_> = r.records().map(|x| x.unwrap()).filter(|x| &x[8] == "false").collect();
    assert_eq!(outside.len(), 1);
    let (y, e, i, _) = &outlier[5];
    assert_eq!((&outside[0][0], &outside[0][1], &outside[0][2]), (y.as_str(), e.as_str(), i.as_str()));
    assert_eq!(metric(&bt2, "coverage_90"), format!("{:.4}", 15.0 / 16.0));
}

fn backtest_fails(observed: &str, expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("obs.csv");
    std::fs::write(&f, observed).unwrap();
    let out = tradesim()
        .args(["backtest", "--runs", "2", "--quiet", "--actual"])
        .arg(&f)
        .arg("--out")
        .arg(tmp.path().join("bt"))
        .arg(scenario("crimea_2014"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for e in expect {
        assert!(stderr.contains(e), "expected `{e}` in: {stderr}");
    }
    assert!(!tmp.path().join("bt").exists(), "no result directory on bad input");
}

#[test]
fn malformed_observed_files_exit_2_naming_the_line() {
    let head = "year,exporter,importer,value_usd\n";
    backtest_fails(&format!("{head}2014,US,RU,1e10\n2015,US,RU,lots\n"), &["obs.csv:3:", "value_usd", "`lots`"]);
    backtest_fails(&format!("{head}2014,US,RU,-3\n"), &["obs.csv:2:", "`-3`"]);
    backtest_fails(&format!("{head}2014,US,RUS,5\n"), &["obs.csv:2:", "unknown economy `RUS`", "did you mean `RU`"]);
    backtest_fails(&format!("{head}2014,US,RU,5\n2030,US,RU,5\n"), &["obs.csv:3:", "2030 is not a full calendar year", "2013 to 2021"]);
    backtest_fails(&format!("{head}2014,US,RU\n"), &["obs.csv:2:", "`value_usd`"]);
    backtest_fails("year,exporter,value_usd\n2014,US,5\n", &["obs.csv:1:", "missing column `importer`"]);
}
