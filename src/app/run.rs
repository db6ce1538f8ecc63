//! `tradesim run`: a scenario's Monte-Carlo ensemble on the worker threads, merged into one
//! summary, written as summary.csv, annual.csv (runs.csv with --keep-runs) and manifest.json,
//! then the charts and index.html drawn from those files, all into a directory that appears
//! whole or not at all.

use super::common::{base_trade, hex, load_scenario_file, merge_partials, progress_bar, threads_arg};
use super::BadInput;
use crate::cli::RunArgs;
use crate::ensemble::Workers;
use crate::model::Prepared;
use crate::output::chart_kit::Format;
use crate::output::charts;
use crate::output::csv_out::{write_annual, write_run_params, write_summary, RunsWriter};
use crate::output::reader::RunData;
use crate::output::report;
use crate::output::{describe_levers, describe_priors, write_manifest, Manifest, OutputDir};
use crate::summary::{run_annual_totals, BufferedSummary, Summary, ALPHA};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where `run` writes by default: output/<scenario-file-stem>.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
    PathBuf::from("output").join(stem)
}

/// The first month in which a world price series runs out of data (data/world_prices.csv) and
/// follows its random path, if inside the run: the model takes a step's price from the data
/// while the step's middle is at most the end of the series' last data year.
fn price_data_end(sc: &crate::scenario::Scenario, init: &crate::model::Init) -> Option<String> {
    if sc.shocks.world_prices != crate::scenario::PricePath::Data {
        return None;
    }
    let last = init.world.iter().filter(|w| w.annual.iter().any(|(y, _)| *y == init.base)).filter_map(|w| w.annual.last().map(|(y, _)| *y)).min()?;
    let first_random = (0..sc.steps()).find(|&k| {
        let mid = sc.step_date(k).as_years() + sc.step.dt() / 2.0;
        mid > last as f64 + 1.0
    })?;
    Some(sc.step_date(first_random).to_string())
}

/// Run a scenario and write its results. Returns the result directory.
pub fn run(args: &RunArgs) -> Result<PathBuf> {
    let started = Instant::now();
    let (cal, mut sc, text) = load_scenario_file(&args.scenario, &args.data)?;
    if let Some(r) = args.runs {
        if r == 0 {
            return Err(BadInput("--runs must be at least 1".into()).into());
        }
        sc.runs = r;
    }
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    let threads = threads_arg(args.threads)?;
    let dest = args.out.clone().unwrap_or_else(|| default_out(&args.scenario));
    let out = OutputDir::create(&dest)?;

    let init = cal.init(sc.base);
    let pre = Prepared::new(&sc, &init);
    let workers = Workers::new(threads).context("cannot start worker threads")?;
    let empty = Summary::new(&sc, &init, &pre.layout);
    let mut runs_writer = if args.keep_runs { Some(RunsWriter::create(&out.path("runs.csv"))?) } else { None };
    let keep = runs_writer.is_some();

    // One partial summary per thread, filled inside the parallel section and merged
    // exactly at the end; only the --keep-runs rows need run order, and they are sorted
    // and written after each round.
    type Rows = Vec<(i32, usize, usize, f64)>;
    let mut states: Vec<(BufferedSummary, Vec<(u64, Rows)>)> = (0..workers.threads()).map(|_| (BufferedSummary::new(empty.clone()), Vec::new())).collect();
    let bar = progress_bar(sc.runs as u64, args.quiet, "");
    let mut write_err: Option<anyhow::Error> = None;
    let sim_started = Instant::now();
    workers.accumulate(
        &sc,
        &init,
        &pre,
        sc.seed,
        0..sc.runs as u64,
        &mut states,
        |(summary, rows), run, obs| {
            summary.add_run(obs);
            if keep {
                rows.push((run, run_annual_totals(&sc, &pre.layout, obs)));
            }
        },
        |states, done| {
            if let Some(w) = runs_writer.as_mut() {
                let mut rows: Vec<(u64, Rows)> = states.iter_mut().flat_map(|(_, r)| r.drain(..)).collect();
                rows.sort_by_key(|(run, _)| *run);
                for (run, r) in &rows {
                    if let Err(e) = w.write(*run, r, &init.economies) {
                        write_err.get_or_insert(e);
                    }
                }
            }
            if let Some(b) = &bar {
                b.set_position(done)
            }
        },
        || false,
    );
    let (summary, _) = merge_partials(&workers, states, (empty, Vec::new()), |_, _| {});
    // runs/s counts simulating and summarising only (not loading, preparing or writing)
    let sim_seconds = sim_started.elapsed().as_secs_f64();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = write_err {
        return Err(e);
    }
    let mut files = vec!["summary.csv".to_owned(), "annual.csv".to_owned(), "manifest.json".to_owned(), "scenario.toml".to_owned()];
    if let Some(w) = runs_writer {
        w.finish()?;
        files.push("runs.csv".into());
        if !sc.priors.is_empty() {
            // the draws depend only on (seed, parameter, run): recomputed here in run order
            let names: Vec<String> = sc.priors.iter().map(|p| p.path.clone()).collect();
            let rows = (0..summary.runs).map(|run| (run, sc.priors.iter().map(|p| crate::model::priors::draw(p, sc.seed, run)).collect()));
            write_run_params(&out.path("run_params.csv"), &names, rows)?;
            files.push("run_params.csv".into());
        }
    }
    let fmt = if args.svg { Format::Svg } else { Format::Png };
    if !args.no_charts {
        files.extend(charts::run::RUN_CHARTS.iter().map(|c| format!("charts/{c}.{}", fmt.ext())));
        files.push("index.html".into());
    }
    write_summary(&out.path("summary.csv"), &summary)?;
    // The scenario file as run, next to its results (the page shows and links it).
    std::fs::write(out.path("scenario.toml"), &text).with_context(|| format!("cannot write {}", dest.join("scenario.toml").display()))?;
    write_annual(&out.path("annual.csv"), &summary)?;
    let (levers, rules) = describe_levers(&sc, &init.economies, &init.sectors);
    let manifest = Manifest {
        scenario: sc.name.clone(),
        description: sc.description.clone(),
        scenario_file: args.scenario.display().to_string(),
        scenario_sha256: hex(&Sha256::digest(text.as_bytes())),
        base: sc.base,
        start: sc.start.to_string(),
        end: sc.end.to_string(),
        step: format!("{:?}", sc.step).to_lowercase(),
        steps: sc.steps(),
        seed: sc.seed,
        runs: summary.runs,
        threads,
        tradesim_version: env!("CARGO_PKG_VERSION").to_owned(),
        elapsed_seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        quantile_relative_error: ALPHA,
        units: "trade, transit, gdp: current US dollars at customs value; summary.csv at annual rates per step, annual.csv calendar-year totals; tension in [0,1]; export_price relative to base (world-priced sectors: relative to the world price); world_price in each series' unit (data/world_prices.csv); domestic: USD per year; currency: USD price level of the economy's output relative to base".into(),
        economies: init.economies.clone(),
        sectors: init.sectors.clone(),
        levers,
        rules,
        priors: describe_priors(&sc),
        files,
        world_price_data_end: price_data_end(&sc, &init),
        baseline: None,
    };
    write_manifest(&out.path("manifest.json"), &manifest)?;
    if !args.no_charts {
        // Drawn from the files just written (as `plot` does), before the commit, so a failed
        // chart leaves no partial result.
        let mut data = RunData::load(&out.path("")).map_err(|e| anyhow::anyhow!("cannot read back the results: {e}"))?;
        data.base_trade = base_trade(&init);
        let drawn = charts::run::draw_run(&data, &out.path("charts"), fmt)?;
        report::write_index(&out.path(""), &data, &drawn)?;
    }
    let dir = out.commit()?;
    if !args.quiet {
        println!(
            "{}: {} runs of {} steps on {} threads in {:.2} s ({:.0} runs/s) -> {}",
            sc.name,
            summary.runs,
            sc.steps(),
            threads,
            started.elapsed().as_secs_f64(),
            summary.runs as f64 / sim_seconds.max(1e-9),
            dir.display()
        );
    }
    Ok(dir)
}
