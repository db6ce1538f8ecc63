//! Everything that writes files: result directories (written to a temporary sibling and
//! moved into place at the end) and the manifest here; CSV, batch, backtest and state files in
//! the writers (`csv_out`, `batch_out`, `backtest_out`, `state`); then, each importing only the
//! ones before it, `chart_kit` (the chart vocabulary), `reader` (result files read back),
//! `charts/` and the report pages (`report`, `batch_report`). See ARCHITECTURE.md, Layers.

pub mod backtest_out;
pub mod batch_out;
pub mod batch_report;
pub mod chart_kit;
pub mod charts;
pub mod csv_out;
pub mod reader;
pub mod report;
pub mod solve_out;
pub mod state;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// A result directory under construction. Files go into a hidden temporary sibling; `commit`
/// replaces the final directory with it in one rename. Dropped without `commit`, it removes
/// the temporary directory, so a failed or interrupted run leaves no partial result.
pub struct OutputDir {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Create the temporary directory now, so a bad output path fails before any work.
    pub fn create(dest: &Path) -> Result<Self> {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create output directory {}", parent.display()))?;
        let name = dest.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).ok();
        }
        std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(OutputDir { tmp, dest: dest.to_path_buf(), committed: false })
    }

    /// Path of a file inside the directory being written.
    pub fn path(&self, file: &str) -> PathBuf {
        self.tmp.join(file)
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Move the finished directory into place, replacing what was there.
    pub fn commit(mut self) -> Result<PathBuf> {
        if self.dest.exists() {
            let old = self.tmp.with_extension("old");
            std::fs::rename(&self.dest, &old).with_context(|| format!("cannot replace {}", self.dest.display()))?;
            std::fs::remove_dir_all(&old).ok();
        }
        std::fs::rename(&self.tmp, &self.dest).with_context(|| format!("cannot move results to {}", self.dest.display()))?;
        self.committed = true;
        Ok(self.dest.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            std::fs::remove_dir_all(&self.tmp).ok();
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

/// The baseline a run is compared with (`vs_baseline.csv`, `vs_baseline_annual.csv`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ManifestBaseline {
    pub scenario: String,
    pub file: String,
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
    /// The baseline scenario of a run that names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<ManifestBaseline>,
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
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
