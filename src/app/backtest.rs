//! `tradesim backtest`: check the observed values, run the scenario in-process (as `run`
//! does, without charts) into run/, compare its calendar-year trade with the observed values,
//! and write backtest.csv, backtest_metrics.csv, backtest.png and manifest.json beside it.

use super::common::{command_line, hex, load_scenario_file, open_out, read_input, MAX_CSV_BYTES};
use super::run::{default_out, run};
use super::BadInput;
use crate::cli::{DataArg, RunArgs};
use crate::output::charts;
use crate::output::reader;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Where `backtest` writes by default: output/<scenario-file-stem>_backtest.
pub fn default_backtest_out(scenario: &Path) -> PathBuf {
    let mut name = default_out(scenario).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    name.push_str("_backtest");
    PathBuf::from("output").join(name)
}

/// Run a scenario in-process (via `run`) and compare its annual bilateral totals with observed
/// values (observed rows are checked before the run starts); with several scenarios, a suite:
/// each against the observations in its years and for its economies, and one table.
pub(super) fn backtest(args: &crate::cli::BacktestArgs) -> Result<()> {
    use crate::backtest::parse_observed;
    let file = args.actual.display().to_string();
    let text = read_input(&args.actual, "observed file", MAX_CSV_BYTES)?;
    let observed = parse_observed(&text, &file).map_err(BadInput)?;
    if let [scenario] = args.scenarios.as_slice() {
        let dest = args.out.clone().unwrap_or_else(|| default_backtest_out(scenario));
        let out = open_out(&dest, args.force)?;
        let (r, cal_sha) = one(args, scenario, observed, &file, &out.path(""), false)?;
        let mut files: Vec<String> = ["backtest.csv", "backtest_metrics.csv"].map(String::from).to_vec();
        if out.path("backtest.png").exists() {
            files.push("backtest.png".into());
        }
        files.extend(["run/".into(), "manifest.json".into()]);
        write_backtest_manifest(&out.path("manifest.json"), &file, &text, vec![(scenario.display().to_string(), cal_sha)], files)?;
        let dir = out.commit()?;
        print!("{}", crate::output::backtest_out::format_table(&r.rows, &r.metrics));
        if r.skipped > 0 {
            println!("skipped {} observed rows outside the run's years", r.skipped);
        }
        println!("backtest written to {}", dir.display());
        return Ok(());
    }
    let dest = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join("backtest_suite"));
    let out = open_out(&dest, args.force)?;
    let (mut results, mut shas) = (Vec::new(), Vec::new());
    for scenario in &args.scenarios {
        let stem = scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
        let sub = out.path(&stem);
        std::fs::create_dir_all(&sub).with_context(|| format!("cannot create {}", sub.display()))?;
        let (r, cal_sha) = one(args, scenario, observed.clone(), &file, &sub, true)?;
        shas.push((scenario.display().to_string(), cal_sha));
        results.push((scenario.display().to_string(), r));
    }
    crate::output::backtest_out::write_suite(&out.path("suite.csv"), &results)?;
        let mut files = vec!["suite.csv".to_owned(), "manifest.json".to_owned()];
    files.extend(args.scenarios.iter().map(|s| format!("{}/", s.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into()))));
    write_backtest_manifest(&out.path("manifest.json"), &file, &text, shas, files)?;
    let dir = out.commit()?;
    print!("{}", crate::output::backtest_out::format_suite(&results));
    println!("backtest suite written to {} (suite.csv, and one folder per scenario)", dir.display());
    Ok(())
}

/// The backtest's manifest.json: the command, the build, the observed file and the scenarios
/// with the SHA-256 of the calibration each ran on.
fn write_backtest_manifest(path: &Path, observed_file: &str, observed_text: &str, scenarios: Vec<(String, String)>, files: Vec<String>) -> Result<()> {
    use crate::output::backtest_out::{write_manifest, BacktestManifest, BacktestScenario};
    use sha2::{Digest, Sha256};
    let m = BacktestManifest {
        command_line: command_line(),
        tradesim_version: crate::output::VERSION.to_owned(),
        git_commit: crate::output::GIT_COMMIT.to_owned(),
        observed_file: observed_file.to_owned(),
        observed_sha256: hex(&Sha256::digest(observed_text.as_bytes())),
        scenarios: scenarios.into_iter().map(|(scenario_file, calibration_sha256)| BacktestScenario { scenario_file, calibration_sha256 }).collect(),
        files,
    };
    write_manifest(path, &m)
}

/// One scenario's backtest, written into `dir`, and the SHA-256 of the calibration it ran on.
fn one(args: &crate::cli::BacktestArgs, scenario: &Path, mut observed: Vec<crate::backtest::Observed>, file: &str, dir: &Path, suite: bool) -> Result<(crate::backtest::Outcome, String)> {
    use crate::backtest::{check_observed, compare, Basis, Outcome};
    use crate::output::backtest_out;
    let (cal, sc, _) = load_scenario_file(scenario, &args.data)?;
    let years: Vec<i32> = crate::summary::full_years(&sc).iter().map(|(y, _)| *y).collect();
    let mut skipped = 0;
    if suite {
        // a suite compares each scenario with what it can: its economies, its years
        let before = observed.len();
        observed.retain(|o| cal.economies.contains(&o.exporter) && cal.economies.contains(&o.importer) && years.contains(&o.year));
        skipped = before - observed.len();
        if observed.is_empty() {
            let metrics = crate::backtest::Metrics { observations: 0, mdape_pct: None, coverage: 0.0, directions: (0, 0) };
            return Ok((Outcome { name: sc.name, base: sc.base, rows: Vec::new(), metrics, skipped }, cal.sha256));
        }
    }
    let (observed, skipped_years) = check_observed(observed, file, &cal.economies, &years, args.skip_other_years).map_err(BadInput)?;
    let run_args = RunArgs {
        scenario: scenario.to_path_buf(),
        runs: args.runs,
        seed: args.seed,
        threads: args.threads,
        out: Some(dir.join("run")),
        keep_runs: false,
        baseline: None,
        no_baseline: true,
        format: crate::cli::TableFormat::Csv,
        quiet: args.quiet || suite,
        no_charts: true,
        force: false,
        svg: false,
        data: DataArg { data: args.data.data.clone() },
    };
    let run_dir = run(&run_args)?;
    let sim = read_annual_trade(&run_dir.join("annual.csv"))?;
    let (rows, metrics) = compare(&observed, &sim, file).map_err(BadInput)?;
    backtest_out::write_backtest(&dir.join("backtest.csv"), &rows)?;
    backtest_out::write_metrics(&dir.join("backtest_metrics.csv"), &metrics)?;
    // the chart shows the importer-reported basis (the calibration's)
    let chart_rows: Vec<_> = rows.iter().filter(|r| r.basis == Basis::Importer).cloned().collect();
    let chart_sim: Vec<_> = sim.iter().filter(|s| s.basis == Basis::Importer).cloned().collect();
    if !chart_rows.is_empty() {
        charts::backtest::write_chart(&dir.join("backtest.png"), &sc.name, &chart_rows, &chart_sim)?;
    }
    Ok((Outcome { name: sc.name, base: sc.base, rows, metrics, skipped: skipped + skipped_years }, cal.sha256))
}

/// The sector-`all` trade rows of an annual.csv on both reporting bases (`trade` and
/// `trade_exporter_reported`) as simulated distributions.
fn read_annual_trade(path: &Path) -> Result<Vec<crate::backtest::Simulated>> {
    use crate::backtest::Basis;
    let table = reader::Table::read(path, 12).map_err(anyhow::Error::msg)?;
    let mut out = Vec::new();
    for basis in [Basis::Importer, Basis::Exporter] {
        for (year, exporter, importer, v) in table.rows(basis.metric(), "all") {
            out.push(crate::backtest::Simulated {
                year: year.parse().with_context(|| format!("{}: bad year {year:?}", path.display()))?,
                exporter: exporter.to_owned(),
                importer: importer.to_owned(),
                basis,
                p05: v[1],
                p50: v[3],
                p95: v[5],
            });
        }
    }
    Ok(out)
}
