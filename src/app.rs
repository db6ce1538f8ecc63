//! Orchestration: load the calibration and scenario, run the batch, summarise, write.
//! Errors carry context for the user; bad input is marked so `main` exits with code 2.

use crate::ensemble::Workers;
use crate::calibration::Calibration;
use crate::cli::{Command, CompareArgs, DataArg, PlotArgs, RunArgs};
use crate::model::{Init, Layout, Prepared};
use crate::output::chart_kit::Format;
use crate::output::charts;
use crate::output::reader::{self, RunData};
use crate::output::report;
use crate::output::csv_out::{write_annual, write_summary, RunsWriter};
use crate::output::{describe_levers, write_manifest, Manifest, OutputDir};
use crate::scenario::{parse_scenario, Scenario, LEVER_KINDS, RULE_KINDS};
use crate::summary::{run_annual_totals, BufferedSummary, RowMerge, Summary, ALPHA};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod batch_cmd;

/// Bad input from the user (exit code 2): a scenario, a data file or an argument.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The user stopped the work (Ctrl-C); finished work was kept (exit code 130).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Interrupted(pub String);

pub fn main(cmd: Command) -> Result<()> {
    match cmd {
        Command::Run(args) => run(&args).map(|_| ()),
        Command::Check { scenarios, data } => check(&scenarios, &data),
        Command::List { data } => list(&data),
        Command::Backtest(args) => backtest(&args),
        Command::Plot(args) => plot(&args),
        Command::Compare(args) => compare(&args),
        Command::Batch(args) => batch_cmd::batch(&args),
        Command::Merge(args) => batch_cmd::merge(&args),
    }
}

pub fn load_calibration(data: &DataArg) -> Result<Calibration> {
    match &data.data {
        Some(dir) => Calibration::from_dir(dir).map_err(|e| BadInput(e).into()),
        None => Calibration::embedded().map_err(|e| anyhow::anyhow!("built-in calibration is broken: {e}")),
    }
}

/// Read and validate a scenario file.
pub fn load_scenario(path: &Path, cal: &Calibration) -> Result<(Scenario, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| BadInput(format!("{}: cannot read scenario file: {e}", path.display())))?;
    let sc = parse_scenario(&text, &path.display().to_string(), &cal.universe()).map_err(|e| BadInput(e.to_string()))?;
    Ok((sc, text))
}

fn check(paths: &[PathBuf], data: &DataArg) -> Result<()> {
    let cal = load_calibration(data)?;
    let mut bad = Vec::new();
    for p in paths {
        match load_scenario(p, &cal) {
            Ok((sc, _)) => println!(
                "{}: ok ({}, base {}, {} to {}, {} steps, {} levers, {} rules)",
                p.display(),
                sc.name,
                sc.base,
                sc.start,
                sc.end,
                sc.steps(),
                sc.levers.len(),
                sc.rules.len()
            ),
            Err(e) => bad.push(e.to_string()),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(BadInput(bad.join("\n")).into())
    }
}

fn list(data: &DataArg) -> Result<()> {
    let cal = load_calibration(data)?;
    println!("Economies (base years: {}):", cal.bases.keys().map(|b| b.to_string()).collect::<Vec<_>>().join(", "));
    for (c, n) in cal.economies.iter().zip(&cal.economy_names) {
        println!("  {c:<6} {n}");
    }
    for (year, missing) in &cal.incomplete {
        println!("  (base {year} is not usable: economies.csv has no row for {})", missing.join(", "));
    }
    println!("Sectors (σ = CES elasticity, λ = adjustment speed per year, η = price elasticity of demand):");
    for s in &cal.sectors {
        println!("  {:<12} σ={:<6} λ={:<5} η={:<4} {}", s.code, s.sigma, s.lambda, s.eta, s.name);
    }
    println!("Lever kinds:");
    for (k, d) in LEVER_KINDS {
        println!("  {k:<20} {d}");
    }
    println!("Policy-rule kinds:");
    for (k, d) in RULE_KINDS {
        println!("  {k:<10} {d}");
    }
    Ok(())
}

/// `--threads`: at least 1; by default all cores.
fn threads_arg(t: Option<usize>) -> Result<usize> {
    match t {
        Some(0) => Err(BadInput("--threads must be at least 1".into()).into()),
        Some(t) => Ok(t),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

/// Where `run` writes by default: output/<scenario-file-stem>.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
    PathBuf::from("output").join(stem)
}

/// Run a scenario and write its results. Returns the result directory.
pub fn run(args: &RunArgs) -> Result<PathBuf> {
    let started = Instant::now();
    let cal = load_calibration(&args.data)?;
    let (mut sc, text) = load_scenario(&args.scenario, &cal)?;
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
    let mut files = vec!["summary.csv".to_owned(), "annual.csv".to_owned(), "manifest.json".to_owned()];
    if let Some(w) = runs_writer {
        w.finish()?;
        files.push("runs.csv".into());
    }
    let fmt = if args.svg { Format::Svg } else { Format::Png };
    if !args.no_charts {
        files.extend(charts::run::RUN_CHARTS.iter().map(|c| format!("charts/{c}.{}", fmt.ext())));
        files.push("index.html".into());
    }
    write_summary(&out.path("summary.csv"), &summary)?;
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
        units: "trade, transit, gdp: current US dollars at customs value; summary.csv at annual rates per step, annual.csv calendar-year totals; tension in [0,1]; export_price relative to base (energy: relative to the world price); energy_price USD per barrel".into(),
        economies: init.economies.clone(),
        sectors: init.sectors.clone(),
        levers,
        rules,
        files,
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

/// Finish the per-thread partial summaries on the worker threads (each flushes its buffered
/// runs), then merge them into the first (row by row, on the worker threads), with whatever else each thread carried (`extra`,
/// merged by `merge_extra`). The merge is exact, so the result does not depend on the
/// number of threads; `empty` is the result when there are no partials.
pub(crate) fn merge_partials<E: Send>(workers: &Workers, states: Vec<(BufferedSummary, E)>, empty: (Summary, E), merge_extra: impl Fn(&mut E, &E)) -> (Summary, E) {
    let mut parts = workers.map(states, |(s, e)| (s.finish(), e)).into_iter();
    let (mut summary, mut extra) = parts.next().unwrap_or(empty);
    for (s, e) in parts {
        summary.merge_rows_with(&s, |rows| {
            workers.map(rows, RowMerge::run);
        });
        merge_extra(&mut extra, &e);
    }
    (summary, extra)
}

/// A progress bar on a terminal (none when quiet or when stderr is not a terminal).
/// `prefix` goes before the bar (e.g. "{msg} " for a message the caller sets).
fn progress_bar(len: u64, quiet: bool, prefix: &str) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(&format!("{prefix}{{bar:40}} {{pos}}/{{len}} runs  {{rate}}  eta {{eta}}"))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} runs/s", s.per_sec());
        });
    bar.set_style(style);
    Some(bar)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where `backtest` writes by default: output/<scenario-file-stem>_backtest.
pub fn default_backtest_out(scenario: &Path) -> PathBuf {
    let mut name = default_out(scenario).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    name.push_str("_backtest");
    PathBuf::from("output").join(name)
}

/// Run a scenario in-process (via `run`) and compare its annual bilateral totals with observed
/// values. Observed rows are checked before the run starts.
fn backtest(args: &crate::cli::BacktestArgs) -> Result<()> {
    use crate::backtest::{check_observed, compare, parse_observed};
    use crate::output::backtest_out;
    let file = args.actual.display().to_string();
    let text = std::fs::read_to_string(&args.actual).map_err(|e| BadInput(format!("{file}: cannot read observed file: {e}")))?;
    let observed = parse_observed(&text, &file).map_err(BadInput)?;
    let cal = load_calibration(&args.data)?;
    let (sc, _) = load_scenario(&args.scenario, &cal)?;
    let years: Vec<i32> = crate::summary::full_years(&sc).iter().map(|(y, _)| *y).collect();
    let (observed, skipped) = check_observed(observed, &file, &cal.economies, &years, args.skip_other_years).map_err(BadInput)?;

    let dest = args.out.clone().unwrap_or_else(|| default_backtest_out(&args.scenario));
    let out = OutputDir::create(&dest)?;
    let run_args = RunArgs {
        scenario: args.scenario.clone(),
        runs: args.runs,
        seed: args.seed,
        threads: args.threads,
        out: Some(out.path("run")),
        keep_runs: false,
        quiet: args.quiet,
        no_charts: true,
        svg: false,
        data: DataArg { data: args.data.data.clone() },
    };
    let run_dir = run(&run_args)?;
    let sim = read_annual_trade(&run_dir.join("annual.csv"))?;
    let (rows, metrics) = compare(&observed, &sim, &file).map_err(BadInput)?;
    backtest_out::write_backtest(&out.path("backtest.csv"), &rows)?;
    backtest_out::write_metrics(&out.path("backtest_metrics.csv"), &metrics)?;
    charts::backtest::write_chart(&out.path("backtest.png"), &sc.name, &rows, &sim)?;
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

/// Base-year data flows by (exporter, importer, sector or "all"), USD per year.
fn base_trade(init: &Init) -> BTreeMap<(String, String, String), f64> {
    let layout = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let mut out = BTreeMap::new();
    for (i, e) in init.economies.iter().enumerate() {
        for (j, m) in init.economies.iter().enumerate() {
            let mut all = 0.0;
            for (k, s) in init.sectors.iter().enumerate() {
                let v = init.flows[layout.route(k, i, j)];
                all += v;
                out.insert((e.clone(), m.clone(), s.clone()), v);
            }
            out.insert((e.clone(), m.clone(), "all".to_owned()), all);
        }
    }
    out
}

/// Read a result directory for drawing, with the base-year data from the calibration when it
/// matches the run's economies and sectors (else the charts fall back to the run's base year).
fn load_result(dir: &Path, data: &DataArg) -> Result<RunData> {
    let mut run = RunData::load(dir).map_err(BadInput)?;
    let cal = load_calibration(data)?;
    if cal.bases.contains_key(&run.manifest.base) {
        let init = cal.init(run.manifest.base);
        if init.economies == run.manifest.economies && init.sectors == run.manifest.sectors {
            run.base_trade = base_trade(&init);
        }
    }
    Ok(run)
}

/// Parse "A-B" and check both codes against a run's economies.
fn parse_pair(pair: &str, run: &RunData) -> Result<(String, String)> {
    let allowed = run.manifest.economies.join(", ");
    let (a, b) = pair
        .split_once('-')
        .map(|(a, b)| (a.trim().to_uppercase(), b.trim().to_uppercase()))
        .ok_or_else(|| BadInput(format!("--pair {pair:?}: expected two economy codes joined by '-', like US-RU (economies: {allowed})")))?;
    for c in [&a, &b] {
        if !run.manifest.economies.contains(c) {
            return Err(BadInput(format!("--pair {pair:?}: unknown economy {c:?} in {}; allowed: {allowed}", run.dir.display())).into());
        }
    }
    if a == b {
        return Err(BadInput(format!("--pair {pair:?}: the two economies must differ")).into());
    }
    Ok((a, b))
}

fn check_sector(sector: &str, run: &RunData) -> Result<()> {
    if sector == "all" || run.manifest.sectors.iter().any(|s| s == sector) {
        Ok(())
    } else {
        Err(BadInput(format!("--sector {sector:?}: not a sector of {}; allowed: all, {}", run.dir.display(), run.manifest.sectors.join(", "))).into())
    }
}

/// `tradesim plot`: redraw a result directory's charts and index.html from its files.
fn plot(args: &PlotArgs) -> Result<()> {
    let run = load_result(&args.dir, &args.data)?;
    let fmt = if args.svg { Format::Svg } else { Format::Png };
    let extra = if args.pair.is_some() || args.sector.is_some() {
        let (a, b) = parse_pair(args.pair.as_deref().unwrap_or("US-RU"), &run)?;
        let sector = args.sector.clone().unwrap_or_else(|| "all".into());
        check_sector(&sector, &run)?;
        Some((a, b, sector))
    } else {
        None
    };
    let dir = args.dir.join("charts");
    let mut drawn = charts::run::draw_run(&run, &dir, fmt)?;
    if let Some((a, b, sector)) = extra {
        drawn.push(charts::run::draw_pair(&run, &dir, fmt, &a, &b, &sector)?);
    }
    report::write_index(&args.dir, &run, &drawn)?;
    for c in &drawn {
        println!("{}", args.dir.join(&c.file).display());
    }
    println!("{}", args.dir.join("index.html").display());
    Ok(())
}

/// `tradesim compare`: several scenarios' trade for one pair and sector in one chart.
fn compare(args: &CompareArgs) -> Result<()> {
    let runs = args.dirs.iter().map(|d| load_result(d, &args.data)).collect::<Result<Vec<_>>>()?;
    let mut pair = None;
    for r in &runs {
        pair = Some(parse_pair(&args.pair, r)?);
        check_sector(&args.sector, r)?;
    }
    let (a, b) = pair.ok_or_else(|| BadInput("compare needs at least two result directories".into()))?;
    let stem = |p: &PathBuf| {
        let p = p.canonicalize().unwrap_or_else(|_| p.clone());
        p.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "run".into())
    };
    let svg_out = args.out.as_ref().and_then(|p| p.extension()).is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let fmt = if args.svg || svg_out { Format::Svg } else { Format::Png };
    let out = args.out.clone().unwrap_or_else(|| {
        let stems: Vec<String> = args.dirs.iter().map(stem).collect();
        PathBuf::from("output").join(format!("compare_{}.{}", stems.join("_vs_"), fmt.ext()))
    });
    let path = charts::compare::draw_compare(&runs, &a, &b, &args.sector, &out, fmt)?;
    println!("{}", path.display());
    Ok(())
}
