//! The real binary: success paths, every kind of bad input (exit code 2, a message naming
//! file, line, key, value and what is allowed, nothing written), and byte-identical output
//! across thread counts.

use crate::common::tradesim;
use std::path::{Path, PathBuf};


fn shipped_scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.to_string_lossy().ends_with(".batch.toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn list_names_economies_sectors_levers_and_rules() {
    let out = tradesim().arg("list").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for word in ["US", "RU", "CN", "EU", "IN", "ROW", "oil", "gas", "defense", "consumer", "tariff", "export_control", "import_ban", "embargo",
        "financial_sanctions", "entity_sanctions", "secondary_sanctions", "trade_agreement", "investment", "treaty", "retaliate", "align",
        "escalate", "normalize"]
    {
        assert!(text.contains(word), "`list` lacks {word}:\n{text}");
    }
}

#[test]
fn list_names_each_economy_as_in_the_base_year_asked_for() {
    let text = |args: &[&str]| String::from_utf8(tradesim().args(args).assert().success().get_output().stdout.clone()).unwrap();
    let latest = text(&["list"]);
    let ru = latest.lines().find(|l| l.trim_start().starts_with("RU ")).unwrap();
    assert!(ru.contains("Russian Federation") && ru.contains("1979: Soviet Union"), "{ru}");
    let cold = text(&["list", "--base", "1979"]);
    let ru = cold.lines().find(|l| l.trim_start().starts_with("RU ")).unwrap();
    assert!(ru.contains("Soviet Union") && !ru.contains("Russian Federation"), "{ru}");
    let out = tradesim().args(["list", "--base", "1800"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("allowed: 1979, 1992, 2013, 2021"));
}

#[test]
fn check_validates_batch_files_as_batches() {
    // the README's `tradesim check scenarios/*.toml` takes the batch file too
    let mut args = vec!["check".to_owned()];
    args.extend(std::fs::read_dir("scenarios").unwrap().map(|e| e.unwrap().path().display().to_string()).filter(|p| p.ends_with(".toml")));
    let out = tradesim().args(&args).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("interdependence.batch.toml: ok (batch `interdependence`, 1 scenario, 18 variants"), "{text}");
    // a batch whose variant is invalid is bad input, named by variant
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy("scenarios/baseline_2021.toml", tmp.path().join("b.toml")).unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "name = \"bad\"\n[[scenario]]\npath = \"b.toml\"\n[[vary]]\npath = \"params.gamma\"\nvalues = [0.5, -3.0]\n").unwrap();
    let out = tradesim().arg("check").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("variant") && err.contains("gamma") && err.contains("-3"), "{err}");
}

#[test]
fn runs_out_of_range_get_one_message_with_the_range() {
    for bad in ["-5", "0", "2.5", "4294967296"] {
        let out = tradesim().args(["run", "scenarios/baseline_2021.toml", "--runs", bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "--runs {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("'{bad}'")) && err.contains("allowed: 1 to 100000000"), "--runs {bad}: {err}");
    }
}

#[test]
fn help_documents_every_run_option() {
    let out = tradesim().args(["run", "--help"]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    for flag in ["--runs", "--seed", "--threads", "--out", "--keep-runs", "--data", "--quiet"] {
        assert!(text.contains(flag), "run --help lacks {flag}");
    }
}

#[test]
fn every_shipped_scenario_checks_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let files = shipped_scenarios();
    assert!(files.len() >= 2);
    tradesim().arg("check").args(&files).assert().success();
    for f in files {
        let out = dir.path().join(f.file_stem().unwrap());
        tradesim().args(["run", "--runs", "4", "-q", "--out"]).arg(&out).arg(&f).assert().success();
        for file in ["summary.csv", "annual.csv", "manifest.json"] {
            assert!(out.join(file).is_file(), "{} lacks {file}", f.display());
        }
    }
}

fn read(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path).unwrap().records().map(|r| r.unwrap()).collect()
}

#[test]
fn run_writes_tidy_summaries_where_all_sectors_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    tradesim().args(["run", "scenarios/sanctions_2022.toml", "--runs", "8", "-q", "--keep-runs", "--out"]).arg(&out).assert().success();
    let header = std::fs::read_to_string(out.join("summary.csv")).unwrap().lines().next().unwrap().to_owned();
    assert_eq!(header, "date,exporter,importer,sector,metric,mean,p05,p25,p50,p75,p95");
    let rows = read(&out.join("annual.csv"));
    let mean = |year: &str, exp: &str, imp: &str, sector: &str| -> f64 {
        rows.iter()
            .find(|r| &r[0] == year && &r[1] == exp && &r[2] == imp && &r[3] == sector && &r[4] == "trade")
            .map(|r| r[5].parse().unwrap())
            .unwrap_or_else(|| panic!("no row {year} {exp} {imp} {sector}"))
    };
    let sectors = ["oil", "gas", "metals", "agriculture", "technology", "aerospace", "machinery", "defense", "consumer"];
    for (e, i) in [("RU", "US"), ("US", "RU"), ("RU", "CN"), ("EU", "RU")] {
        let parts: f64 = sectors.iter().map(|s| mean("2025", e, i, s)).sum();
        let all = mean("2025", e, i, "all");
        assert!((parts - all).abs() <= 8.0, "{e}→{i}: {parts} vs {all}");
    }
    // every run's annual totals are kept, with the run index
    let runs = read(&out.join("runs.csv"));
    let distinct: std::collections::BTreeSet<String> = runs.iter().map(|r| r[0].to_owned()).collect();
    assert_eq!(distinct.len(), 8);
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runs"], 8);
    assert_eq!(manifest["seed"], 20220224);
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn same_seed_gives_byte_identical_output_on_one_two_and_three_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, b3) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("b3"));
    for (out, t) in [(&a, "1"), (&b, "2"), (&b3, "3")] {
        tradesim().args(["run", "scenarios/sanctions_2022.toml", "--runs", "300", "--seed", "5", "-q", "--keep-runs", "--threads", t, "--out"]).arg(out).assert().success();
    }
    // the tables, and the charts and page drawn from them (files written, read back and drawn
    // on the worker threads)
    let charts = std::fs::read_dir(a.join("charts")).unwrap().map(|e| format!("charts/{}", e.unwrap().file_name().to_string_lossy())).collect::<Vec<_>>();
    assert_eq!(charts.len(), 5, "{charts:?}");
    let files = ["summary.csv", "annual.csv", "runs.csv", "vs_baseline.csv", "vs_baseline_annual.csv", "index.html"].map(String::from);
    for f in files.iter().chain(&charts) {
        let x = std::fs::read(a.join(f)).unwrap();
        for (other, t) in [(&b, 2), (&b3, 3)] {
            assert!(x == std::fs::read(other.join(f)).unwrap(), "{f} differs between 1 and {t} threads");
        }
    }
    // and a different seed gives different numbers
    let c = dir.path().join("c");
    tradesim().args(["run", "scenarios/sanctions_2022.toml", "--runs", "300", "--seed", "6", "-q", "--out"]).arg(&c).assert().success();
    assert!(std::fs::read(a.join("annual.csv")).unwrap() != std::fs::read(c.join("annual.csv")).unwrap());
}

/// Run a bad scenario: exit code 2, stderr contains every `expect`ed piece, nothing written.
fn rejects(text: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let assert = tradesim().arg("run").arg(&file).arg("--out").arg(&out).assert().code(2);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("bad.toml"), "message names the file: {err}");
    for e in expect {
        assert!(err.contains(e), "message lacks `{e}`:\n{err}");
    }
    assert!(!out.exists(), "nothing written for a bad scenario");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary directory left: {leftovers:?}");
    // `check` reports the same
    tradesim().arg("check").arg(&file).assert().code(2);
}

const HEAD: &str = "base = \"2021\"\nstart = \"2021-01\"\nend = \"2025-12\"\nruns = 2\n";

#[test]
fn malformed_toml_names_line_and_column() {
    rejects("base = \"2021\"\nstart = \"2021-01\nend = \"2025-12\"\n", &["bad.toml:2:"]);
}

#[test]
fn unknown_key_suggests_the_nearest() {
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"export_control\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\ncovrage = 0.5\n"),
        &["lever[0].covrage", "did you mean `coverage`", "bad.toml:10:"],
    );
    rejects(&format!("{HEAD}sead = 3\n"), &["sead", "did you mean `seed`"]);
}

#[test]
fn unknown_lever_kind_suggests_the_nearest() {
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"export_controls\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\n"),
        &["lever[0].kind", "export_controls", "did you mean `export_control`"],
    );
    rejects(&format!("{HEAD}[[rule]]\nkind = \"retaliation\"\nby = \"RU\"\n"), &["rule[0].kind", "did you mean `retaliate`"]);
}

#[test]
fn coverage_outside_zero_one_is_rejected() {
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\ncoverage = 1.5\n"),
        &["lever[0].coverage", "1.5", "from 0 to 1", "bad.toml:10:"],
    );
}

#[test]
fn unknown_economy_or_sector_is_rejected() {
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = \"RUS\"\nstart = \"2022-03\"\n"),
        &["lever[0].on", "RUS", "did you mean `RU`"],
    );
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = \"RU\"\nsectors = [\"gaz\"]\nstart = \"2022-03\"\n"),
        &["lever[0].sectors", "gaz", "did you mean `gas`"],
    );
}

#[test]
fn dates_outside_the_scenario_are_rejected() {
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"import_ban\"\nby = \"US\"\non = \"RU\"\nstart = \"2035-01\"\n"),
        &["lever[0].start", "2035-01", "outside the scenario", "2021-01 to 2025-12"],
    );
    rejects("base = \"2021\"\nstart = \"2025-01\"\nend = \"2021-12\"\n", &["`end`", "before start"]);
    rejects(&format!("{HEAD}[[lever]]\nkind = \"treaty\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-3\"\n"), &["lever[0].start", "YYYY-MM"]);
}

#[test]
fn negative_rates_are_rejected() {
    rejects(&format!("{HEAD}[shocks]\nevent_rate = -1\n"), &["shocks.event_rate", "-1", "from 0"]);
    rejects(&format!("{HEAD}[[lever]]\nkind = \"tariff\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\nrate = -0.2\n"), &["lever[0].rate", "-0.2"]);
}

#[test]
fn fields_of_another_kind_are_rejected() {
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"tariff\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\nrate = 0.1\ncoverage = 0.5\n"),
        &["lever[0].coverage", "does not apply to kind `tariff`", "rate"],
    );
}

#[test]
fn capital_account_levers_are_validated() {
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"capital_controls\"\nby = \"RU\"\nstart = \"2022-03\"\n"),
        &["lever[0].share", "missing", "share of the economy's GDP"],
    );
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"capital_controls\"\nby = \"RU\"\non = \"US\"\nstart = \"2022-03\"\nshare = 0.05\n"),
        &["lever[0].on", "remove `on`"],
    );
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"reserve_freeze\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\nshare = 0.7\n"),
        &["lever[0].share", "0.7", "from 0 to 0.5"],
    );
    rejects(
        &format!("{HEAD}[[lever]]\nkind = \"reserve_freeze\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\nshare = 0.02\ncoverage = 1\n"),
        &["lever[0].coverage", "does not apply to kind `reserve_freeze`", "share"],
    );
    rejects(&format!("{HEAD}[params]\nbudget = false\n"), &["params.budget", "currency = false"]);
    rejects(&format!("{HEAD}[params]\nesubd = {{ oil = 0 }}\n"), &["params.esubd.oil", "0.05"]);
}

#[test]
fn missing_scenario_file_is_bad_input() {
    tradesim().args(["run", "no/such/file.toml"]).assert().code(2).stderr(predicates::str::contains("no/such/file.toml"));
}

#[test]
fn unwritable_output_is_a_clear_failure_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let assert = tradesim().args(["run", "scenarios/baseline_2021.toml", "--runs", "2", "--out"]).arg(blocker.join("out")).assert().code(1);
    let err = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(err.contains("cannot create"), "{err}");
}

#[test]
fn sanctions_2022_cuts_us_russia_trade_and_raises_china_and_india_energy_imports() {
    let dir = tempfile::tempdir().unwrap();
    let median = |name: &str, exp: &str, imp: &str, sector: &str| -> f64 {
        let rows = read(&dir.path().join(name).join("annual.csv"));
        let r = rows.iter().find(|r| &r[0] == "2023" && &r[1] == exp && &r[2] == imp && &r[3] == sector && &r[4] == "trade").unwrap();
        r[8].parse().unwrap()
    };
    for name in ["baseline_2021", "sanctions_2022"] {
        tradesim().args(["run", &format!("scenarios/{name}.toml"), "--runs", "60", "-q", "--out"]).arg(dir.path().join(name)).assert().success();
    }
    let total = |n: &str| median(n, "US", "RU", "all") + median(n, "RU", "US", "all");
    assert!(total("sanctions_2022") < 0.5 * total("baseline_2021"), "{} vs {}", total("sanctions_2022"), total("baseline_2021"));
    for buyer in ["CN", "IN"] {
        let (b, s) = (median("baseline_2021", "RU", buyer, "oil"), median("sanctions_2022", "RU", buyer, "oil"));
        assert!(s > b, "{buyer}: {s} vs {b}");
    }
}

#[test]
fn a_user_can_add_an_economy_by_editing_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for f in ["economies.csv", "sectors.csv", "flows.csv", "tension.csv", "world_prices.csv", "absorption.csv"] {
        std::fs::copy(Path::new("data").join(f), data.join(f)).unwrap();
    }
    // Kazakhstan split out of ROW (illustrative numbers), base 2021 only.
    let mut e = std::fs::read_to_string(data.join("economies.csv")).unwrap();
    e.push_str("2021,KZ,Kazakhstan,197000000000,0.03,0.05,,test,test\n");
    std::fs::write(data.join("economies.csv"), e).unwrap();
    let mut f = std::fs::read_to_string(data.join("flows.csv")).unwrap();
    f.push_str("2021,RU,KZ,consumer,18000000000,exporter_reported,published,test,test\n2021,KZ,RU,metals,7000000000,importer_reported,published,test,test\n");
    std::fs::write(data.join("flows.csv"), f).unwrap();
    // its producers' domestic sales, one row per sector (illustrative)
    let mut a = std::fs::read_to_string(data.join("absorption.csv")).unwrap();
    for s in ["oil", "gas", "metals", "agriculture", "technology", "aerospace", "machinery", "defense", "consumer"] {
        a.push_str(&format!("2021,KZ,{s},5000000000,0.4,test,test\n"));
    }
    std::fs::write(data.join("absorption.csv"), a).unwrap();
    let out = tradesim().args(["list", "--data"]).arg(&data).assert().success().get_output().stdout.clone();
    assert!(String::from_utf8(out).unwrap().contains("Kazakhstan"));
    let sc = dir.path().join("kz.toml");
    std::fs::write(&sc, "base = \"2021\"\nstart = \"2021-01\"\nend = \"2023-12\"\n[[lever]]\nkind = \"export_control\"\nby = \"EU\"\non = \"RU\"\nstart = \"2022-03\"\nhub = \"KZ\"\n").unwrap();
    tradesim().args(["run", "--runs", "3", "-q", "--data"]).arg(&data).arg("--out").arg(dir.path().join("o")).arg(&sc).assert().success();
    let rows = read(&dir.path().join("o").join("annual.csv"));
    assert!(rows.iter().any(|r| &r[1] == "RU" && &r[2] == "KZ"), "the new economy's flows are in the output");
    // the built-in calibration does not know KZ
    tradesim().args(["check"]).arg(&sc).assert().code(2).stderr(predicates::str::contains("unknown economy `KZ`"));
    // a broken data file is bad input naming the file and line
    std::fs::write(data.join("tension.csv"), "base,a,b,tension,source,note\n2021,US,XX,0.5,x,x\n").unwrap();
    tradesim().args(["list", "--data"]).arg(&data).assert().code(2).stderr(predicates::str::contains("tension.csv:2"));
}
