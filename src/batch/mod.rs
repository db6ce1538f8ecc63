//! Batch files: the file as written (a raw serde mirror), then a validated `Batch` with its
//! scenarios, varied paths and design; the units of work (variant, block of runs) and how
//! shards split them. The design points and variants are in `design`, the dotted-path
//! overrides that make a variant's scenario document in `overrides`. Pure: no IO, no threads.

pub mod design;
pub mod overrides;

use serde::Deserialize;

/// Runs per unit of work (variant, block of runs) unless the batch file sets `block`.
pub const DEFAULT_BLOCK: u32 = 1000;
/// Most units of work a batch may have (`Batch::unit_count`): the list of units, and a
/// shard's share of it, is held in memory.
pub const MAX_UNITS: u64 = 10_000_000;
/// Most variants a batch may have (design points × scenarios).
pub const MAX_VARIANTS: u64 = 1_000_000;

/// The batch file as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: Option<i64>,
    pub runs: Option<i64>,
    pub block: Option<i64>,
    pub design: Option<String>,
    pub samples: Option<i64>,
    #[serde(default)]
    pub scenario: Vec<RawEntry>,
    #[serde(default)]
    pub vary: Vec<RawVary>,
}

/// One `[[scenario]]` table.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawEntry {
    pub path: Option<String>,
    #[serde(default)]
    pub counterfactual: bool,
}

/// One `[[vary]]` table.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawVary {
    pub path: Option<String>,
    pub values: Option<Vec<toml::Value>>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// How the parameter values are combined into design points.
#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    /// Full factorial: every combination, the last `[[vary]]` changing fastest.
    Grid,
    /// Explicit points: the k-th value of every `[[vary]]` makes point k.
    Points,
    /// Latin hypercube: `samples` points, each parameter's [min, max] cut into `samples`
    /// equal strata, one point per stratum, strata paired at random (seeded).
    Lhs { samples: usize },
}

/// A scenario the batch varies.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// As written in the batch file (relative to the batch file's directory).
    pub path: String,
    /// Also run each variant with all levers and rules removed (same seed).
    pub counterfactual: bool,
}

/// A parameter the batch varies.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub path: String,
    pub values: Vec<toml::Value>,
    pub range: Option<(f64, f64)>,
}

/// A validated batch file.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// Runs per variant (None: each scenario's own `runs`).
    pub runs: Option<u32>,
    pub block: u32,
    pub design: Design,
    pub entries: Vec<Entry>,
    pub vary: Vec<Vary>,
}

/// One variant: a scenario entry with one design point applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// 0-based, in order: scenario entries in file order, design points in design order.
    pub id: usize,
    pub entry: usize,
    pub values: Vec<toml::Value>,
}

/// Parse and check a batch file's text (`file` names it in messages).
pub fn parse_batch(text: &str, file: &str) -> Result<Batch, String> {
    let raw: RawBatch = toml::from_str(text).map_err(|e| format!("{file}: {}", e.message().trim()))?;
    let mut problems = Vec::new();
    let seed = match raw.seed {
        None => 1,
        Some(s) if s >= 0 => s as u64,
        Some(s) => {
            problems.push(format!("`seed`: {s} is negative; allowed: a whole number of at least 0"));
            1
        }
    };
    let runs = match raw.runs {
        None => None,
        Some(r) if (1..=100_000_000).contains(&r) => Some(r as u32),
        Some(r) => {
            problems.push(format!("`runs`: {r} is out of range; allowed: 1 to 100000000 runs per variant"));
            None
        }
    };
    let block = match raw.block {
        None => DEFAULT_BLOCK,
        Some(b) if (1..=100_000_000).contains(&b) => b as u32,
        Some(b) => {
            problems.push(format!("`block`: {b} is out of range; allowed: 1 to 100000000 runs per unit of work"));
            DEFAULT_BLOCK
        }
    };
    if raw.scenario.is_empty() {
        problems.push("no `[[scenario]]`; add at least one, e.g. [[scenario]] path = \"sanctions_2022.toml\"".into());
    }
    let mut entries = Vec::new();
    for (i, e) in raw.scenario.iter().enumerate() {
        match &e.path {
            Some(p) => entries.push(Entry { path: p.clone(), counterfactual: e.counterfactual }),
            None => problems.push(format!("`scenario[{i}].path`: missing; the scenario file, relative to the batch file")),
        }
    }
    let design = match raw.design.as_deref() {
        None | Some("grid") => Design::Grid,
        Some("points") => Design::Points,
        Some("lhs") => match raw.samples {
            Some(n) if (1..=1_000_000).contains(&n) => Design::Lhs { samples: n as usize },
            Some(n) => {
                problems.push(format!("`samples`: {n} is out of range; allowed: 1 to 1000000"));
                Design::Lhs { samples: 1 }
            }
            None => {
                problems.push("`samples`: missing; a Latin hypercube needs the number of points".into());
                Design::Lhs { samples: 1 }
            }
        },
        Some(o) => {
            problems.push(format!("`design`: unknown design `{o}`; allowed: grid, points, lhs"));
            Design::Grid
        }
    };
    if raw.samples.is_some() && !matches!(design, Design::Lhs { .. }) {
        problems.push("`samples`: only the `lhs` design takes `samples`".into());
    }
    let mut vary: Vec<Vary> = Vec::new();
    for (i, v) in raw.vary.iter().enumerate() {
        let Some(path) = v.path.clone() else {
            problems.push(format!("`vary[{i}].path`: missing; a dotted scenario key, e.g. \"params.gamma\""));
            continue;
        };
        if vary.iter().any(|x| x.path == path) {
            problems.push(format!("`vary[{i}].path`: `{path}` is varied twice"));
        }
        match (&design, &v.values, v.min, v.max) {
            (Design::Lhs { .. }, None, Some(lo), Some(hi)) => {
                if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                    problems.push(format!("`vary[{i}]` ({path}): min {lo} and max {hi} must be finite with min <= max"));
                }
                vary.push(Vary { path, values: Vec::new(), range: Some((lo, hi)) });
            }
            (Design::Lhs { .. }, _, _, _) => {
                problems.push(format!("`vary[{i}]` ({path}): the lhs design takes `min` and `max` (and no `values`)"))
            }
            (_, Some(values), None, None) if !values.is_empty() => {
                for x in values {
                    if !matches!(x, toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::String(_)) {
                        problems.push(format!("`vary[{i}]` ({path}): value `{x}` is not a number or a string"));
                    }
                }
                vary.push(Vary { path, values: values.clone(), range: None });
            }
            _ => problems.push(format!("`vary[{i}]` ({path}): the {} design takes a non-empty list `values` (and no min/max)", if design == Design::Grid { "grid" } else { "points" })),
        }
    }
    if design == Design::Points {
        if let Some(first) = vary.first() {
            let n = first.values.len();
            for v in &vary {
                if v.values.len() != n {
                    problems.push(format!("points design: `{}` has {} values but `{}` has {n}; every list gives one value per point", v.path, v.values.len(), first.path));
                }
            }
        }
    }
    let points: u64 = match design {
        Design::Grid => vary.iter().try_fold(1u64, |a, v| a.checked_mul(v.values.len() as u64)).unwrap_or(u64::MAX),
        Design::Points => vary.first().map_or(1, |v| v.values.len() as u64),
        Design::Lhs { samples } => samples as u64,
    };
    let variants = points.saturating_mul(entries.len().max(1) as u64);
    if variants > MAX_VARIANTS {
        problems.push(format!("the design makes {variants} variants ({points} points × {} scenarios); allowed: at most {MAX_VARIANTS}", entries.len()));
    }
    if !problems.is_empty() {
        return Err(problems.iter().map(|p| format!("{file}: {p}")).collect::<Vec<_>>().join("\n"));
    }
    let name = raw.name.unwrap_or_else(|| {
        let stem = std::path::Path::new(file).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        stem.trim_end_matches(".toml").trim_end_matches(".batch").to_owned()
    });
    Ok(Batch { name, description: raw.description.unwrap_or_default(), seed, runs, block, design, entries, vary })
}

impl Batch {
    /// How many units of work `units` makes (without making them).
    pub fn unit_count(&self, runs_per_variant: &[u32]) -> u64 {
        runs_per_variant.iter().map(|&r| r.div_ceil(self.block) as u64).sum()
    }

    /// Units of work: (variant, block) in order, block b covering runs
    /// [b·block, min((b+1)·block, runs)).
    pub fn units(&self, runs_per_variant: &[u32]) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        for (v, &r) in runs_per_variant.iter().enumerate() {
            for b in 0..r.div_ceil(self.block) {
                out.push((v, b));
            }
        }
        out
    }
}

/// Shard `k` (0-based) of `n` takes every unit whose position in `Batch::units` is k mod n.
pub fn in_shard(unit_index: usize, k: usize, n: usize) -> bool {
    unit_index % n == k
}

/// Parse `K/N` (0-based K < N).
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard `{s}`: expected K/N with 0 <= K < N, e.g. 0/4 (shards are numbered from 0)");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_units() {
        assert_eq!(parse_shard("1/3"), Ok((1, 3)));
        assert!(parse_shard("3/3").is_err() && parse_shard("x").is_err());
        let b = parse_batch("block=2\n[[scenario]]\npath='a'\n", "b").unwrap();
        let units = b.units(&[5, 2]);
        assert_eq!(units, vec![(0, 0), (0, 1), (0, 2), (1, 0)]);
        let mut seen = vec![0; units.len()];
        for k in 0..3 {
            for (u, s) in seen.iter_mut().enumerate() {
                if in_shard(u, k, 3) {
                    *s += 1;
                }
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }
}
