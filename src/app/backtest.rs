//! `tradesim backtest`: check the observed values, run the scenario in-process (as `run`
//! does, without charts) into run/, compare its calendar-year trade with the observed values,
//! and write backtest.csv, backtest_metrics.csv and backtest.png beside it.

use super::common::{load_calibration, load_scenario, open_out, read_input, MAX_CSV_BYTES};
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
/// values. Observed rows are checked before the run starts.
pub(super) fn backtest(args: &crate::cli::BacktestArgs) -> Result<()> {
    use crate::backtest::{check_observed, compare, parse_observed};
    use crate::output::backtest_out;
    let file = args.actual.display().to_string();
    let text = read_input(&args.actual, "observed file", MAX_CSV_BYTES)?;
    let observed = parse_observed(&text, &file).map_err(BadInput)?;
    let cal = load_calibration(&args.data)?;
    let (sc, _) = load_scenario(&args.scenario, &cal)?;
    let years: Vec<i32> = crate::summary::full_years(&sc).iter().map(|(y, _)| *y).collect();
    let (observed, skipped) = check_observed(observed, &file, &cal.economies, &years, args.skip_other_years).map_err(BadInput)?;

    let dest = args.out.clone().unwrap_or_else(|| default_backtest_out(&args.scenario));
    let out = open_out(&dest, args.force)?;
    let run_args = RunArgs {
        scenario: args.scenario.clone(),
        runs: args.runs,
        seed: args.seed,
        threads: args.threads,
        out: Some(out.path("run")),
        keep_runs: false,
        quiet: args.quiet,
        no_charts: true,
        force: false,
        svg: false,
        data: DataArg { data: args.data.data.clone() },
    };
    let run_dir = run(&run_args).map_err(|e| out.user_error(e))?;
    let sim = read_annual_trade(&run_dir.join("annual.csv")).map_err(|e| out.user_error(e))?;
    let (rows, metrics) = compare(&observed, &sim, &file).map_err(BadInput)?;
    (|| -> Result<()> {
        backtest_out::write_backtest(&out.path("backtest.csv"), &rows)?;
        backtest_out::write_metrics(&out.path("backtest_metrics.csv"), &metrics)?;
        charts::backtest::write_chart(&out.path("backtest.png"), &sc.name, &rows, &sim)
    })()
    .map_err(|e| out.user_error(e))?;
    let dir = out.commit()?;
    print!("{}", backtest_out::format_table(&rows, &metrics));
    if skipped > 0 {
        println!("skipped {skipped} observed rows outside the run's years {}..{}", years.first().unwrap_or(&0), years.last().unwrap_or(&0));
    }
    println!("backtest written to {}", dir.display());
    Ok(())
}

/// The `trade`/`all` rows of an annual.csv as simulated distributions.
fn read_annual_trade(path: &Path) -> Result<Vec<crate::backtest::Simulated>> {
    let table = reader::Table::read(path, 12).map_err(anyhow::Error::msg)?;
    table
        .rows("trade", "all")
        .map(|(year, exporter, importer, v)| {
            Ok(crate::backtest::Simulated {
                year: year.parse().with_context(|| format!("{}: bad year {year:?}", path.display()))?,
                exporter: exporter.to_owned(),
                importer: importer.to_owned(),
                p05: v[1],
                p50: v[3],
                p95: v[5],
            })
        })
        .collect()
}
