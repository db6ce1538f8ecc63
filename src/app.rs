//! Orchestration: load the calibration and scenario, run the batch, summarise, write.
//! Errors carry context for the user; bad input is marked so `main` exits with code 2.

use crate::batch::Workers;
use crate::calibration::Calibration;
use crate::cli::{Command, DataArg, RunArgs};
use crate::model::Prepared;
use crate::output::csv_out::{write_annual, write_summary, RunsWriter};
use crate::output::{describe_levers, write_manifest, Manifest, OutputDir};
use crate::scenario::{parse_scenario, Scenario, LEVER_KINDS, RULE_KINDS};
use crate::summary::{run_annual_totals, BufferedSummary, Summary, ALPHA};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
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
    let threads = match args.threads {
        Some(0) => return Err(BadInput("--threads must be at least 1".into()).into()),
        Some(t) => t,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
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
    let bar = progress_bar(sc.runs as u64, args.quiet);
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
    // merge into the first partial: no extra copy of the summary
    let mut parts = states.into_iter().map(|(part, _)| part.finish());
    let mut summary = parts.next().unwrap_or(empty);
    for part in parts {
        summary.merge(&part);
    }
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

fn progress_bar(len: u64, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  eta {eta}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
