//! What more than one command needs: the calibration and a scenario file loaded, `--threads`,
//! the per-thread partial summaries merged, the progress bar, the base-year data flows, and a
//! result directory read back for `plot` and `compare` with its `--pair` and `--sector` checked.

use super::BadInput;
use crate::calibration::Calibration;
use crate::cli::DataArg;
use crate::ensemble::Workers;
use crate::model::{Init, Layout};
use crate::output::reader::RunData;
use crate::scenario::{parse_scenario, Scenario};
use crate::summary::{BufferedSummary, RowMerge, Summary};
use anyhow::Result;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

/// The calibration: the CSV files of `--data DIR` (bad files are bad input), else the copy
/// built into the binary.
pub fn load_calibration(data: &DataArg) -> Result<Calibration> {
    match &data.data {
        Some(dir) => Calibration::from_dir(dir).map_err(|e| BadInput(e).into()),
        None => Calibration::embedded().map_err(|e| anyhow::anyhow!("built-in calibration is broken: {e}")),
    }
}

/// Largest scenario or batch file read (a scenario of the largest allowed size is well below).
pub const MAX_TEXT_BYTES: u64 = 4 << 20;
/// Largest observed-values file read by `backtest`.
pub const MAX_CSV_BYTES: u64 = crate::calibration::MAX_FILE_BYTES;
/// Most levers and rules a scenario may have.
pub const MAX_LEVERS: usize = 5_000;
pub const MAX_RULES: usize = 1_000;
/// Most summary cells (dates and years × series) of one scenario: each worker thread keeps a
/// partial summary of this many sketches (a few hundred bytes each).
pub const MAX_CELLS: usize = 4_000_000;
/// Most runs per scenario or variant (the scenario file's limit, for `--runs` too).
pub const MAX_RUNS: u32 = 100_000_000;
/// `--threads` above this many per core is capped (more threads add memory, not speed).
pub const THREADS_PER_CORE: usize = 4;

/// Read a text input (scenario, batch or data file) of at most `limit` bytes; an error says
/// which file and why (missing, a directory, too large, not UTF-8).
pub(super) fn read_input(path: &Path, what: &str, limit: u64) -> Result<String> {
    crate::calibration::read_text(path, limit).map_err(|e| BadInput(format!("{}: cannot read {what}: {e}", path.display())).into())
}

/// The `data` key of a scenario's text: the calibration directory it runs on, relative to
/// the scenario file (None without the key, or if the text does not parse: validation says why).
pub fn data_key(text: &str) -> Option<String> {
    string_key(text, "data")
}

/// A top-level string key of a scenario's text (None without it or if the text does not
/// parse: validation says why).
pub fn string_key(text: &str, key: &str) -> Option<String> {
    toml::from_str::<toml::Value>(text).ok()?.get(key)?.as_str().map(str::to_owned)
}

/// The calibration a scenario file runs on: `--data DIR` if given, else the directory its
/// `data` key names (relative to the file), else the built-in one.
pub fn scenario_calibration(data: &DataArg, path: &Path, text: &str) -> Result<Calibration> {
    match (&data.data, data_key(text)) {
        (None, Some(dir)) => {
            let d = path.parent().unwrap_or(Path::new(".")).join(&dir);
            Calibration::from_dir(&d).map_err(|e| BadInput(format!("{}: `data = \"{dir}\"`: {e}", path.display())).into())
        }
        _ => load_calibration(data),
    }
}

/// Read a scenario file and validate it against the calibration it runs on, within the
/// limits on its size (`check_size`).
pub fn load_scenario_file(path: &Path, data: &DataArg) -> Result<(Calibration, Scenario, String)> {
    let text = read_input(path, "scenario file", MAX_TEXT_BYTES)?;
    let cal = scenario_calibration(data, path, &text)?;
    let file = path.display().to_string();
    let sc = parse_scenario(&text, &file, &cal.universe()).map_err(|e| BadInput(e.to_string()))?;
    check_size(&sc, &cal, &file)?;
    Ok((cal, sc, text))
}

/// Read and validate a scenario file, within the limits on its size (`check_size`).
pub fn load_scenario(path: &Path, cal: &Calibration) -> Result<(Scenario, String)> {
    let text = read_input(path, "scenario file", MAX_TEXT_BYTES)?;
    let file = path.display().to_string();
    let sc = parse_scenario(&text, &file, &cal.universe()).map_err(|e| BadInput(e.to_string()))?;
    check_size(&sc, cal, &file)?;
    Ok((sc, text))
}

/// The bounds on what one scenario may ask for: levers, rules, and summary cells (horizon ×
/// step × series, what each worker thread's memory grows with). Exceeded: bad input naming the
/// file, the number, the limit and what to change.
pub(super) fn check_size(sc: &Scenario, cal: &Calibration, file: &str) -> Result<()> {
    let mut problems = Vec::new();
    if sc.levers.len() > MAX_LEVERS {
        problems.push(format!("{file}: {} levers; allowed: at most {MAX_LEVERS}", sc.levers.len()));
    }
    if sc.rules.len() > MAX_RULES {
        problems.push(format!("{file}: {} rules; allowed: at most {MAX_RULES}", sc.rules.len()));
    }
    if problems.is_empty() && cal.bases.contains_key(&sc.base) {
        let init = cal.init(sc.base);
        let layout = Layout::new(init.economies.len(), init.sectors.len(), sc.rules.len());
        let series = crate::summary::series(sc, &init, &layout).len();
        let rows = sc.steps() + crate::summary::full_years(sc).len();
        let cells = rows.saturating_mul(series);
        if cells > MAX_CELLS {
            problems.push(format!(
                "{file}: the summary would hold {cells} cells ({} dates and years × {series} series); allowed: at most {MAX_CELLS} (each worker thread keeps one, a few hundred bytes a cell): shorten the horizon (start to end), use step = \"quarter\", or fewer rules",
                rows
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(BadInput(problems.join("\n")).into())
    }
}

/// `--runs`: 1 to `MAX_RUNS`, as in scenario and batch files.
pub(super) fn runs_arg(r: Option<u32>) -> Result<Option<u32>> {
    match r {
        Some(r) if !(1..=MAX_RUNS).contains(&r) => Err(BadInput(format!("--runs {r} is out of range; allowed: 1 to {MAX_RUNS}")).into()),
        r => Ok(r),
    }
}

/// `--threads`: at least 1; by default all cores; at most `THREADS_PER_CORE` × the cores
/// (capped, with a message: each thread keeps a partial summary, so more threads only add
/// memory).
pub(super) fn threads_arg(t: Option<usize>) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match t {
        Some(0) => Err(BadInput("--threads must be at least 1".into()).into()),
        Some(t) if t > THREADS_PER_CORE * cores => {
            let cap = THREADS_PER_CORE * cores;
            eprintln!("--threads {t}: using {cap} ({THREADS_PER_CORE} × the {cores} cores); more threads add memory (a partial summary each), not speed");
            Ok(cap)
        }
        Some(t) => Ok(t),
        None => Ok(cores),
    }
}

/// Finish the per-thread partial summaries on the worker threads (each flushes its buffered
/// runs), then merge them into the first (row by row, on the worker threads), with whatever else each thread carried (`extra`,
/// merged by `merge_extra`). The merge is exact, so the result does not depend on the
/// number of threads; `empty` is the result when there are no partials.
pub(super) fn merge_partials<E: Send>(workers: &Workers, states: Vec<(BufferedSummary, E)>, empty: (Summary, E), merge_extra: impl Fn(&mut E, &E)) -> (Summary, E) {
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
pub(super) fn progress_bar(len: u64, quiet: bool, prefix: &str) -> Option<indicatif::ProgressBar> {
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

/// A result directory for `dest` (see `OutputDir::create`), saying on stderr what was
/// cleaned up beside it (leftovers of killed runs), if anything.
pub(super) fn open_out(dest: &Path, force: bool) -> Result<crate::output::OutputDir> {
    let out = crate::output::OutputDir::create(dest, force)?;
    if let Some(note) = out.note() {
        eprintln!("{note}");
    }
    Ok(out)
}

/// A run stopped by the model's state check, told with the scenario (its name and file),
/// the run, the step and its date, and the economy and sector (exit code 1).
pub(super) fn run_failed(sc: &Scenario, file: &str, f: &crate::ensemble::RunFailure) -> anyhow::Error {
    anyhow::anyhow!(
        "scenario `{}` ({file}): run {} stopped at step {} ({}): {}. The model state is no longer meaningful, so nothing was written; look for a lever or parameter of extreme size",
        sc.name,
        f.run,
        f.anomaly.step + 1,
        sc.step_date(f.anomaly.step),
        f.anomaly
    )
}

/// Sketches whose sums passed the exact range: a warning (printed, and kept for the
/// manifest), or None.
pub(super) fn saturation_warning(saturated: usize) -> Option<String> {
    (saturated > 0).then(|| {
        let w = format!(
            "{saturated} summary cells add up beyond the exact range of the sums (about 4e28): their means are estimated from the quantile buckets (relative error at most {:.2}%), not exact",
            crate::summary::ALPHA * 100.0
        );
        eprintln!("warning: {w}");
        w
    })
}

/// The command line of this process as one string, each argument shell-quoted where needed
/// (single quotes), for manifest.json.
pub(super) fn command_line() -> String {
    std::env::args_os().map(|a| shell_quote(&a.to_string_lossy())).collect::<Vec<_>>().join(" ")
}

/// `s` as a POSIX shell word: unchanged if it is made only of safe characters, else in single
/// quotes (a quote inside written `'\''`).
pub fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `--format`: which files the result tables are written as.
pub(super) fn formats(f: crate::cli::TableFormat) -> crate::output::table::Formats {
    use crate::cli::TableFormat as F;
    crate::output::table::Formats { csv: f != F::Parquet, parquet: f != F::Csv }
}

/// Lower-case hexadecimal of a digest.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Base-year data flows by (exporter, importer, sector or "all"), USD per year.
pub(super) fn base_trade(init: &Init) -> BTreeMap<(String, String, String), f64> {
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
pub(super) fn load_result(dir: &Path, data: &DataArg) -> Result<RunData> {
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
pub(super) fn parse_pair(pair: &str, run: &RunData) -> Result<(String, String)> {
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

/// Check `--sector` (a sector code or `all`) against a run's sectors.
pub(super) fn check_sector(sector: &str, run: &RunData) -> Result<()> {
    if sector == "all" || run.manifest.sectors.iter().any(|s| s == sector) {
        Ok(())
    } else {
        Err(BadInput(format!("--sector {sector:?}: not a sector of {}; allowed: all, {}", run.dir.display(), run.manifest.sectors.join(", "))).into())
    }
}
