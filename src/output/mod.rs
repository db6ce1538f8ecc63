//! Everything that writes files: result directories (written to a temporary sibling and
//! moved into place at the end) and the manifest here; CSV, Parquet, batch, backtest and state
//! files in the writers (`csv_out`, `parquet_out`, `table`, `batch_out`, `backtest_out`, `state`); then, each importing only the
//! ones before it, `chart_kit` (the chart vocabulary), `reader` (result files read back),
//! `charts/` and the report pages (`report`, `batch_report`). See ARCHITECTURE.md, Layers.

pub mod analysis;
pub mod backtest_out;
pub mod batch_out;
pub mod batch_report;
pub mod chart_kit;
pub mod charts;
pub mod csv_out;
pub mod discover_out;
pub mod parquet_out;
pub mod reader;
pub mod report;
pub mod solve_out;
pub mod state;
pub mod table;
pub mod vega;
pub mod watch_page;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The git commit this binary was built from (`build.rs`: `git rev-parse HEAD`, or the
/// TRADESIM_GIT_COMMIT variable at build time; "unknown" without either).
pub const GIT_COMMIT: &str = env!("TRADESIM_GIT_COMMIT");

/// The version of this build (Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// An output path that holds something tradesim did not write (bad input: exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// True if `dir` holds a tradesim result: a run's or batch's `manifest.json`, a batch's or
/// shard's work area (`state/plan.json`), a backtest (`run/manifest.json`), or only the files
/// `solve` writes.
pub fn is_result(dir: &Path) -> bool {
    if ["manifest.json", "state/plan.json", "run/manifest.json"].iter().any(|m| dir.join(m).is_file()) {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    let names: Vec<String> = entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    !names.is_empty() && names.iter().all(|n| n == "economies.csv" || n == "trade.csv")
}

/// Whether tradesim may write its results to `dest`, replacing what is there: yes if it is
/// absent, an empty directory or a tradesim result (`is_result`), or with `force`; otherwise
/// a `Refused` error that says why and how (`--force`).
pub fn check_target(dest: &Path, force: bool) -> Result<()> {
    let meta = match std::fs::symlink_metadata(dest) {
        Ok(m) => m,
        // absent, or unreachable (creating it will say why)
        Err(_) => return Ok(()),
    };
    if force {
        return Ok(());
    }
    let what = if meta.file_type().is_symlink() {
        "is a symbolic link, not a tradesim result directory".to_owned()
    } else if !meta.is_dir() {
        "is a file, not a tradesim result directory".to_owned()
    } else {
        let Ok(mut entries) = std::fs::read_dir(dest) else {
            return Err(anyhow::anyhow!("cannot write the results to {}: cannot read what it holds", dest.display()));
        };
        if entries.next().is_none() || is_result(dest) {
            return Ok(());
        }
        "exists and is not a tradesim result (it has no manifest.json)".to_owned()
    };
    Err(Refused(format!(
        "{} {what}; replacing it would delete what it holds. Choose another output path (--out), or add --force to replace it",
        dest.display()
    ))
    .into())
}

/// The process ids of live processes, as far as this system shows them (`/proc`); where it
/// does not, every process counts as alive, so nothing is cleaned.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Remove a file or a directory tree.
fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Leftovers of killed processes beside `dest`: `.NAME.tmp-PID` (a result being written, or
/// the old result being removed) and `.NAME.old-PID` (an old result moved aside) whose
/// process is gone. A leftover old result comes back to `dest` if `dest` is missing (the
/// process died between moving the old result away and the new one in); the rest are
/// removed. Returns a one-line note of what was done, if anything.
fn clean_stale(parent: &Path, name: &str, dest: &Path) -> Option<String> {
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    let mut found: Vec<(PathBuf, bool)> = Vec::new();
    for e in std::fs::read_dir(parent).ok()?.filter_map(|e| e.ok()) {
        let file = e.file_name().to_string_lossy().into_owned();
        let (is_old, pid) = match (file.strip_prefix(&tmp), file.strip_prefix(&old)) {
            (Some(p), _) => (false, p),
            (_, Some(p)) => (true, p),
            _ => continue,
        };
        match pid.parse::<u32>() {
            Ok(pid) if pid != std::process::id() && !alive(pid) => found.push((e.path(), is_old)),
            _ => {}
        }
    }
    found.sort();
    let (mut removed, mut restored) = (Vec::new(), None);
    for (p, is_old) in found {
        let file = p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        if is_old && restored.is_none() && std::fs::symlink_metadata(dest).is_err() && std::fs::rename(&p, dest).is_ok() {
            restored = Some(file);
        } else if remove_any(&p).is_ok() {
            removed.push(file);
        }
    }
    let mut note = Vec::new();
    if let Some(f) = restored {
        note.push(format!("restored {} from {f}, left by an interrupted tradesim", dest.display()));
    }
    if !removed.is_empty() {
        note.push(format!("removed {} left beside it by interrupted tradesim runs: {}", if removed.len() == 1 { "a folder" } else { "folders" }, removed.join(", ")));
    }
    (!note.is_empty()).then(|| format!("{}: {}", dest.display(), note.join("; ")))
}

/// Swap two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`); `Ok(false)` where the
/// system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let (ca, cb) = (std::ffi::CString::new(a.as_os_str().as_bytes())?, std::ffi::CString::new(b.as_os_str().as_bytes())?);
    // SAFETY: both arguments are valid NUL-terminated paths that outlive the call; the system
    // call only reads them.
    let r = unsafe { libc::syscall(libc::SYS_renameat2, libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::ENOSYS) | Some(libc::EINVAL) | Some(libc::ENOTSUP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// A result directory under construction. Files go into a hidden temporary sibling
/// (`.NAME.tmp-PID`); `commit` puts it in place of the final directory in one step (or, where
/// the system cannot swap two paths, moves the old result aside, the new one in, and only
/// then removes the old). Dropped without `commit`, it removes the temporary directory, so a
/// failed or interrupted run leaves no partial result, and the old one stays.
pub struct OutputDir {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
    note: Option<String>,
}

impl OutputDir {
    /// Check `dest` (`check_target`), clean leftovers of killed runs beside it, and create the
    /// temporary directory now, so a bad output path fails before any work.
    pub fn create(dest: &Path, force: bool) -> Result<Self> {
        check_target(dest, force)?;
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let cannot = |e: &dyn std::fmt::Display| format!("cannot write the results to {}: {e}", dest.display());
        std::fs::create_dir_all(&parent).map_err(|e| anyhow::anyhow!(cannot(&format!("cannot create the folder {}: {e}", parent.display()))))?;
        let name = dest.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let note = clean_stale(&parent, &name, dest);
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        remove_any(&tmp).ok();
        std::fs::create_dir(&tmp).map_err(|e| anyhow::anyhow!(cannot(&format!("cannot create a folder in {}: {e}", parent.display()))))?;
        Ok(OutputDir { tmp, dest: dest.to_path_buf(), committed: false, note })
    }

    /// What `create` cleaned up beside the destination (one line), if anything.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Path of a file inside the directory being written.
    pub fn path(&self, file: &str) -> PathBuf {
        self.tmp.join(file)
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// An error met while writing, told with the path the user gave instead of the
    /// temporary one.
    pub fn user_error(&self, e: anyhow::Error) -> anyhow::Error {
        let (tmp, dest) = (self.tmp.display().to_string(), self.dest.display().to_string());
        let text = format!("{e:#}");
        if text.contains(&tmp) {
            anyhow::anyhow!("{}", text.replace(&tmp, &dest))
        } else {
            e
        }
    }

    /// Put the finished directory in place of the destination, replacing what was there.
    pub fn commit(mut self) -> Result<PathBuf> {
        let dest = self.dest.clone();
        let cannot = |e: std::io::Error| anyhow::anyhow!("cannot move the results to {}: {e}", dest.display());
        match std::fs::symlink_metadata(&dest) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::rename(&self.tmp, &dest).map_err(cannot)?,
            _ => {
                if exchange(&self.tmp, &dest).map_err(cannot)? {
                    // the temporary name now holds the old result
                    remove_any(&self.tmp).ok();
                } else {
                    let old = self.tmp.with_file_name(format!(".{}.old-{}", dest.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(), std::process::id()));
                    remove_any(&old).ok();
                    std::fs::rename(&dest, &old).map_err(cannot)?;
                    if let Err(e) = std::fs::rename(&self.tmp, &dest) {
                        std::fs::rename(&old, &dest).ok();
                        return Err(cannot(e));
                    }
                    remove_any(&old).ok();
                }
            }
        }
        self.committed = true;
        Ok(dest)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            remove_any(&self.tmp).ok();
        }
    }
}

/// A scheduled lever as the manifest records it (for chart markers and reports).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ManifestLever {
    pub id: String,
    pub kind: String,
    pub by: String,
    pub on: Vec<String>,
    pub sectors: Vec<String>,
    pub start: String,
    pub end: Option<String>,
}

/// A policy rule as the manifest records it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ManifestRule {
    pub id: String,
    pub kind: String,
    pub by: String,
    pub probability: f64,
    /// What the rule does when it fires, in words: the levers it creates (retaliate,
    /// escalate, align) or lifts (normalize), on whom, after which lag. Empty in manifests
    /// written before it was recorded.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub effect: String,
}


/// An uncertain parameter as the manifest records it: each run draws its own value.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ManifestPrior {
    pub path: String,
    /// `uniform` (a = low, b = high), `normal` or `lognormal` (a = mean, b = sd of the value).
    pub distribution: String,
    pub a: f64,
    pub b: f64,
    /// Allowed values (draws are clamped to them).
    pub low: f64,
    pub high: f64,
    pub source: String,
}

/// The priors of a scenario, for the manifest.
pub fn describe_priors(sc: &crate::scenario::Scenario) -> Vec<ManifestPrior> {
    sc.priors
        .iter()
        .map(|p| {
            let (distribution, a, b) = p.dist.describe();
            ManifestPrior { path: p.path.clone(), distribution: distribution.into(), a, b, low: p.range.0, high: p.range.1, source: p.source.clone() }
        })
        .collect()
}

/// What `manifest.json` records about a run.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub scenario: String,
    pub description: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    pub base: i32,
    pub start: String,
    pub end: String,
    pub step: String,
    pub steps: usize,
    pub seed: u64,
    pub runs: u64,
    pub threads: usize,
    pub tradesim_version: String,
    /// The commit the binary was built from ("unknown" if built without git).
    #[serde(default)]
    pub git_commit: String,
    /// The command that wrote the result, its arguments shell-quoted.
    #[serde(default)]
    pub command_line: String,
    /// SHA-256 of the calibration data (`Calibration::sha256`).
    #[serde(default)]
    pub calibration_sha256: String,
    pub elapsed_seconds: f64,
    pub quantile_relative_error: f64,
    pub units: String,
    pub economies: Vec<String>,
    pub sectors: Vec<String>,
    pub levers: Vec<ManifestLever>,
    pub rules: Vec<ManifestRule>,
    /// The uncertain parameters each run drew (empty with `params.priors = false`).
    #[serde(default)]
    pub priors: Vec<ManifestPrior>,
    pub files: Vec<String>,
    /// The first month in which a world price follows its random path because its data
    /// (data/world_prices.csv) have ended, if that is inside the run (`world_prices = "data"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub world_price_data_end: Option<String>,
    /// What the reader should know about the numbers (e.g. means estimated, not exact).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The baseline the run was compared with (vs_baseline.csv, vs_baseline_annual.csv).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<ManifestBaseline>,
}

/// A run's baseline: its scenario name, file and the file's SHA-256.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ManifestBaseline {
    pub scenario: String,
    pub file: String,
    #[serde(default)]
    pub sha256: String,
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&text) {
            if map.contains_key("batch") && !map.contains_key("scenario") {
                anyhow::bail!(
                    "{} is a batch result's manifest, not a run's: `tradesim batch` and `tradesim merge` draw a batch's charts and page; this command reads the directory of one `tradesim run`",
                    path.display()
                );
            }
        }
        serde_json::from_str(&text).with_context(|| format!("{} is not a tradesim manifest", path.display()))
    }
}

/// The manifest's view of a scenario's levers and rules.
pub fn describe_levers(sc: &crate::scenario::Scenario, economies: &[String], sectors: &[String]) -> (Vec<ManifestLever>, Vec<ManifestRule>) {
    let all = sectors.len();
    let levers = sc
        .levers
        .iter()
        .map(|l| ManifestLever {
            id: l.id.clone(),
            kind: l.kind.name().to_owned(),
            by: economies[l.by].clone(),
            on: l.on.iter().map(|&i| economies[i].clone()).collect(),
            sectors: if l.sectors.len() == all { vec!["all".into()] } else { l.sectors.iter().map(|&s| sectors[s].clone()).collect() },
            start: l.start.to_string(),
            end: l.end.map(|e| e.to_string()),
        })
        .collect();
    let rules = sc
        .rules
        .iter()
        .map(|r| ManifestRule { id: r.id.clone(), kind: r.kind.name().to_owned(), by: economies[r.by].clone(), probability: r.probability, effect: rule_effect(r, economies, sectors) })
        .collect();
    (levers, rules)
}

/// A rule's effect in words, for the manifest and the run page's lever table.
fn rule_effect(r: &crate::scenario::Rule, economies: &[String], sectors: &[String]) -> String {
    use crate::scenario::RuleKind;
    let names = |v: &[usize]| v.iter().map(|&i| economies[i].clone()).collect::<Vec<_>>().join(", ");
    let secs = |v: &[usize]| if v.len() == sectors.len() { "all sectors".to_owned() } else { v.iter().map(|&s| sectors[s].clone()).collect::<Vec<_>>().join(", ") };
    let lag = if r.lag_months > 0 { format!(", {} month(s) later", r.lag_months) } else { String::new() };
    let dur = |t: &crate::scenario::LeverTemplate| t.duration_months.map_or(String::new(), |d| format!(" for {d} months"));
    match &r.kind {
        RuleKind::Retaliate { against, trigger, response } => format!(
            "{by} answers with {} ({}){}{lag} on whichever of {} imposes {} on {by}",
            response.kind.name(), secs(&response.sectors), dur(response), names(against), trigger.join(" or "), by = economies[r.by]
        ),
        RuleKind::Align { leader, kinds } => format!("{} copies each {} lever {} imposes on a third economy{lag}", economies[r.by], kinds.join(" or "), economies[*leader]),
        RuleKind::Escalate { on, threshold, response } => format!(
            "{} {} on {} ({}){} while tension is above {threshold}",
            economies[r.by], response.kind.name(), economies[*on], secs(&response.sectors), dur(response)
        ),
        RuleKind::Normalize { on, threshold, steps } => format!("{} lifts its sanctions on {} after tension stays below {threshold} for {steps} steps", economies[r.by], names(on)),
    }
}

pub fn write_manifest(path: &Path, m: &Manifest) -> Result<()> {
    let text = serde_json::to_string_pretty(m)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
