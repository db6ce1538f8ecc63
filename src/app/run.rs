//! `tradesim run`: a scenario's Monte-Carlo ensemble on the worker threads, merged into one
//! summary, written as summary.csv, annual.csv (runs.csv with --keep-runs) and manifest.json,
//! then the charts and index.html drawn from those files, all into a directory that appears
//! whole or not at all.

use super::common::{base_trade, command_line, formats, hex, load_scenario_file, merge_partials, open_out, progress_bar, run_failed, runs_arg, saturation_warning, string_key, threads_arg};
use super::BadInput;
use crate::cli::RunArgs;
use crate::ensemble::Workers;
use crate::model::{Prepared, Runner};
use crate::output::chart_kit::Format;
use crate::output::charts;
use crate::output::csv_out::{write_annual, write_paired, write_run_params, write_summary, RunsWriter};
use crate::output::reader::RunData;
use crate::output::report;
use crate::output::{describe_levers, describe_priors, write_manifest, Manifest, ManifestBaseline};
use crate::scenario::Scenario;
use crate::summary::{run_annual_totals, BufferedPaired, BufferedSummary, PairedSummary, Summary, ALPHA};
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

/// The baseline a run is compared with: `--baseline FILE`, else the scenario's `baseline` key
/// (relative to the scenario file) unless `--no-baseline`, else none. It runs on the
/// scenario's calibration, seed and runs, and must have the same base year and dates (so the
/// runs pair step by step).
fn load_baseline(args: &RunArgs, text: &str, sc: &Scenario, cal_sha256: &str) -> Result<Option<(PathBuf, Scenario, String)>> {
    let path = match (&args.baseline, string_key(text, "baseline")) {
        (Some(p), _) => p.clone(),
        (None, Some(_)) if args.no_baseline => return Ok(None),
        (None, Some(rel)) => args.scenario.parent().unwrap_or(Path::new(".")).join(rel),
        (None, None) => return Ok(None),
    };
    let (cal, mut base, base_text) = load_scenario_file(&path, &args.data).map_err(|e| BadInput(format!("{}: its baseline: {e:#}", args.scenario.display())))?;
    let what = format!("{}: baseline {}", args.scenario.display(), path.display());
    if cal.sha256 != cal_sha256 {
        return Err(BadInput(format!("{what} runs on other calibration data than the scenario (its `data` key); a paired comparison needs the same")).into());
    }
    let dates = |s: &Scenario| format!("base {}, {} to {}, step {:?}", s.base, s.start, s.end, s.step).to_lowercase();
    if dates(&base) != dates(sc) {
        return Err(BadInput(format!("{what} has {} but the scenario {}; a paired comparison needs the same base year, start, end and step", dates(&base), dates(sc))).into());
    }
    base.runs = sc.runs;
    base.seed = sc.seed;
    Ok(Some((path, base, base_text)))
}

/// Run a scenario and write its results. Returns the result directory.
pub fn run(args: &RunArgs) -> Result<PathBuf> {
    let started = Instant::now();
    let (cal, mut sc, text) = load_scenario_file(&args.scenario, &args.data)?;
    if let Some(r) = runs_arg(args.runs)? {
        sc.runs = r;
    }
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    let threads = threads_arg(args.threads)?;
    let baseline = load_baseline(args, &text, &sc, &cal.sha256)?;
    let dest = args.out.clone().unwrap_or_else(|| default_out(&args.scenario));
    let out = open_out(&dest, args.force)?;

    let init = cal.init(sc.base);
    let pre = Prepared::new(&sc, &init);
    let workers = Workers::new(threads).context("cannot start worker threads")?;
    let empty = Summary::new(&sc, &init, &pre.layout);
    let formats = formats(args.format);
    let mut runs_writer = if args.keep_runs { Some(RunsWriter::create(&out.path(""), formats).map_err(|e| out.user_error(e))?) } else { None };
    let keep = runs_writer.is_some();
    // With a baseline, each thread also runs the baseline's run of the same index (the same
    // seed: common random numbers) and adds the pair to its paired summary.
    let base_pre = baseline.as_ref().map(|(_, b, _)| Prepared::new(b, &init));
    let paired_empty = baseline.as_ref().zip(base_pre.as_ref()).map(|((_, b, _), bp)| PairedSummary::new(&sc, &init, &pre.layout, b, &bp.layout));
    let base_width = base_pre.as_ref().map_or(0, |bp| bp.layout.len() * bp.steps);
    let base_failed: std::sync::Mutex<Option<crate::ensemble::RunFailure>> = std::sync::Mutex::new(None);

    // One partial summary per thread, filled inside the parallel section and merged
    // exactly at the end; only the --keep-runs rows need run order, and they are sorted
    // and written after each round.
    type Rows = Vec<(i32, usize, usize, f64)>;
    type Extra<'a> = (Vec<(u64, Rows)>, Option<(BufferedPaired, Vec<f64>, Runner<'a>)>);
    let base_runner = || baseline.as_ref().zip(base_pre.as_ref()).map(|((_, b, _), bp)| Runner::new(b, &init, bp));
    let extra = || -> Extra { (Vec::new(), paired_empty.clone().zip(base_runner()).map(|(p, r)| (BufferedPaired::new(p), vec![0.0; base_width], r))) };
    let mut states: Vec<(BufferedSummary, Extra)> = (0..workers.threads()).map(|_| (BufferedSummary::new(empty.clone()), extra())).collect();
    let bar = progress_bar(sc.runs as u64, args.quiet, "");
    let mut write_err: Option<anyhow::Error> = None;
    let sim_started = Instant::now();
    let done = workers.accumulate(
        &sc,
        &init,
        &pre,
        sc.seed,
        0..sc.runs as u64,
        &mut states,
        |(summary, (rows, paired)), run, obs| {
            summary.add_run(obs);
            if keep {
                rows.push((run, run_annual_totals(&sc, &pre.layout, obs)));
            }
            if let Some((p, buf, runner)) = paired.as_mut() {
                match runner.run(sc.seed, run, buf) {
                    Ok(()) => p.add_run(summary.values(), buf),
                    Err(anomaly) => crate::ensemble::RunFailure::keep_lowest(&base_failed, run, anomaly),
                }
            }
        },
        |states, done| {
            if let Some(w) = runs_writer.as_mut() {
                let mut rows: Vec<(u64, Rows)> = states.iter_mut().flat_map(|(_, (r, _))| r.drain(..)).collect();
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
    if let Err(f) = done {
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        return Err(run_failed(&sc, &args.scenario.display().to_string(), &f));
    }
    if let (Some(f), Some((path, b, _))) = (base_failed.into_inner().unwrap_or_else(|e| e.into_inner()), baseline.as_ref()) {
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        return Err(run_failed(b, &path.display().to_string(), &f));
    }
    let (summary, (_, paired)) = merge_partials(&workers, states, (empty, extra()), |(_, a), (_, b)| {
        if let (Some((a, _, _)), Some((b, _, _))) = (a.as_mut(), b.as_ref()) {
            a.merge(b);
        }
    });
    let paired = paired.map(|(p, _, _)| p.finish());
    // runs/s counts simulating and summarising only (not loading, preparing or writing)
    let sim_seconds = sim_started.elapsed().as_secs_f64();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = write_err {
        return Err(out.user_error(e));
    }
    let mut files = formats.files("summary");
    files.extend(formats.files("annual"));
    files.extend(["manifest.json".to_owned(), "scenario.toml".to_owned()]);
    if paired.is_some() {
        files.extend(formats.files("vs_baseline"));
        files.extend(formats.files("vs_baseline_annual"));
    }
    if let Some(w) = runs_writer {
        w.finish().map_err(|e| out.user_error(e))?;
        files.extend(formats.files("runs"));
        if !sc.priors.is_empty() {
            // the draws depend only on (seed, parameter, run): recomputed here in run order
            let names: Vec<String> = sc.priors.iter().map(|p| p.path.clone()).collect();
            let rows = (0..summary.runs).map(|run| (run, sc.priors.iter().map(|p| crate::model::priors::draw(p, sc.seed, run)).collect()));
            write_run_params(&out.path("run_params.csv"), &names, rows)?;
            files.push("run_params.csv".into());
        }
    }
    let fmt = if args.svg { Format::Svg } else { Format::Png };
    // the charts and the page are drawn from the CSV files
    let charts = !args.no_charts && formats.csv;
    if charts {
        files.extend(charts::run::RUN_CHARTS.iter().map(|c| format!("charts/{c}.{}", fmt.ext())));
        files.push("index.html".into());
        files.extend(crate::output::vega::script_files());
    }
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
        tradesim_version: crate::output::VERSION.to_owned(),
        git_commit: crate::output::GIT_COMMIT.to_owned(),
        command_line: command_line(),
        calibration_sha256: cal.sha256.clone(),
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
        warnings: saturation_warning(summary.saturated()).into_iter().collect(),
        baseline: baseline.as_ref().map(|(path, b, t)| ManifestBaseline { scenario: b.name.clone(), file: path.display().to_string(), sha256: hex(&Sha256::digest(t.as_bytes())) }),
    };
    // The files are independent: written (and read back for the charts) on the pool's threads.
    workers
        .install(|| -> Result<()> {
            let tables = || -> Result<()> {
                write_annual(&out.path(""), &summary, formats)?;
                // The scenario file as run, next to its results (the page shows and links it).
                std::fs::write(out.path("scenario.toml"), &text).with_context(|| format!("cannot write {}", out.path("scenario.toml").display()))?;
                write_manifest(&out.path("manifest.json"), &manifest)?;
                Ok(())
            };
            let paired_tables = || -> Result<()> {
                if let Some(p) = &paired {
                    let (a, b) = rayon::join(|| write_paired(&out.path(""), p, false, formats), || write_paired(&out.path(""), p, true, formats));
                    a?;
                    b?;
                }
                Ok(())
            };
            let (a, (b, c)) = rayon::join(|| write_summary(&out.path(""), &summary, formats), || rayon::join(tables, paired_tables));
            a?;
            b?;
            c?;
            if charts {
                // Drawn from the files just written (as `plot` does), before the commit, so a
                // failed chart leaves no partial result.
                let mut data = RunData::load(&out.path("")).map_err(|e| anyhow::anyhow!("cannot read back the results: {e}"))?;
                data.base_trade = base_trade(&init);
                let drawn = charts::run::draw_run(&data, &out.path("charts"), fmt)?;
                report::write_index(&out.path(""), &data, &drawn)?;
            }
            Ok(())
        })
        .map_err(|e| out.user_error(e))?;
    let dir = out.commit()?;
    if !args.quiet {
        println!(
            "{}: {} runs of {} steps{} on {} threads in {:.2} s ({:.0} runs/s) -> {}",
            sc.name,
            summary.runs,
            sc.steps(),
            baseline.as_ref().map_or(String::new(), |(_, b, _)| format!(", each paired with a run of {}", b.name)),
            threads,
            started.elapsed().as_secs_f64(),
            summary.runs as f64 / sim_seconds.max(1e-9),
            dir.display()
        );
    }
    Ok(dir)
}
