//! Batch experiments: the batch file (a raw serde mirror, then a validated `Batch`), its
//! designs (grid, explicit points, Latin hypercube) and the dotted-path overrides that turn a
//! scenario's parsed TOML document into one variant. Pure: no IO, no threads.

use crate::rng::design_rng;
use crate::scenario::raw::LEVER_KEYS;
use crate::scenario::Universe;
use rand::seq::SliceRandom;
use rand::Rng;
use serde::Deserialize;

/// Runs per unit of work (variant, block of runs) unless the batch file sets `block`.
pub const DEFAULT_BLOCK: u32 = 1000;

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
    /// The design points, each a value per `vary` (in `vary` order). A batch that varies
    /// nothing has one point (the scenarios as written).
    pub fn points(&self) -> Vec<Vec<toml::Value>> {
        match &self.design {
            Design::Grid => {
                let mut pts: Vec<Vec<toml::Value>> = vec![Vec::new()];
                for v in &self.vary {
                    pts = pts.into_iter().flat_map(|p| v.values.iter().map(move |x| [p.clone(), vec![x.clone()]].concat())).collect();
                }
                pts
            }
            Design::Points => {
                let n = self.vary.first().map_or(1, |v| v.values.len());
                (0..n).map(|k| self.vary.iter().map(|v| v.values[k].clone()).collect()).collect()
            }
            Design::Lhs { samples } => {
                let n = *samples;
                let mut rng = design_rng(self.seed);
                let mut pts = vec![Vec::new(); n];
                for v in &self.vary {
                    let (lo, hi) = v.range.unwrap_or((0.0, 0.0));
                    let mut strata: Vec<usize> = (0..n).collect();
                    strata.shuffle(&mut rng);
                    for (p, &k) in pts.iter_mut().zip(&strata) {
                        let u: f64 = rng.random();
                        p.push(toml::Value::Float(lo + (hi - lo) * (k as f64 + u) / n as f64));
                    }
                }
                pts
            }
        }
    }

    /// Every variant, in id order.
    pub fn variants(&self) -> Vec<Variant> {
        let points = self.points();
        let mut out = Vec::new();
        for e in 0..self.entries.len() {
            for p in &points {
                out.push(Variant { id: out.len(), entry: e, values: p.clone() });
            }
        }
        out
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

/// Numeric lever fields a batch may vary, and the date fields.
const LEVER_NUMERIC: &[&str] = &[
    "tension", "rate", "coverage", "leakage", "enforcement", "cost", "rerouting_cost", "listed", "cost_per_1000",
    "leakage_cut", "tariff_cut", "capacity_gain", "friction_cut", "phase_in",
];
const LEVER_DATES: &[&str] = &["start", "end"];
const RULE_FIELDS: &[&str] = &["probability", "lag", "threshold", "steps", "from"];
const PARAM_FIELDS: &[&str] = &["phi", "gamma", "gamma_ref", "tension_reversion", "gdp_pass_through", "rerouting_cost"];
const SHOCK_FIELDS: &[&str] = &[
    "gdp_volatility_scale", "energy_price_volatility", "energy_price_reversion", "energy_price_mean", "event_rate",
    "event_size", "trade_noise",
];
/// Keys whose TOML type is an integer: an integral number is written as one.
const INTEGER_KEYS: &[&str] = &["phase_in", "lag", "steps", "duration"];

/// Id of the k-th `[[lever]]` or `[[rule]]` table (the default id when none is written).
fn table_id(t: &toml::Value, prefix: &str, k: usize) -> String {
    t.get("id").and_then(|v| v.as_str()).map_or_else(|| format!("{prefix}{}", k + 1), str::to_owned)
}

/// Every dotted path a batch may vary in this scenario document: `start`, `end`,
/// `params.*` (with `params.sigma.<sector>`, `.lambda.`, `.eta.`), `shocks.*`,
/// `lever.<id>.<field>` and `rule.<id>.<field>` (with `rule.<id>.response.<field>`).
pub fn valid_paths(doc: &toml::Value, uni: &Universe) -> Vec<String> {
    let mut out: Vec<String> = vec!["start".into(), "end".into()];
    out.extend(PARAM_FIELDS.iter().map(|f| format!("params.{f}")));
    for map in ["sigma", "lambda", "eta"] {
        out.extend(uni.sectors.iter().map(|s| format!("params.{map}.{s}")));
    }
    out.extend(SHOCK_FIELDS.iter().map(|f| format!("shocks.{f}")));
    if let Some(levers) = doc.get("lever").and_then(|v| v.as_array()) {
        for (k, l) in levers.iter().enumerate() {
            let id = table_id(l, "lever", k);
            out.extend(LEVER_NUMERIC.iter().chain(LEVER_DATES).map(|f| format!("lever.{id}.{f}")));
        }
    }
    if let Some(rules) = doc.get("rule").and_then(|v| v.as_array()) {
        for (k, r) in rules.iter().enumerate() {
            let id = table_id(r, "rule", k);
            out.extend(RULE_FIELDS.iter().map(|f| format!("rule.{id}.{f}")));
            if r.get("response").is_some() {
                out.extend(LEVER_NUMERIC.iter().chain(&["duration"]).map(|f| format!("rule.{id}.response.{f}")));
            }
        }
    }
    debug_assert!(LEVER_NUMERIC.iter().all(|k| LEVER_KEYS.contains(k)));
    out
}

/// The valid paths nearest to `given` (at most `k`, closest first).
pub fn nearest_paths(given: &str, valid: &[String], k: usize) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = valid.iter().map(|v| (strsim::damerau_levenshtein(given, v), v)).collect();
    scored.sort();
    scored.into_iter().take(k).map(|(_, v)| v.clone()).collect()
}

/// Check that every varied path exists in the document; the error lists the nearest ones.
pub fn check_paths(doc: &toml::Value, uni: &Universe, paths: &[&str], scenario: &str) -> Result<(), String> {
    let valid = valid_paths(doc, uni);
    let mut problems = Vec::new();
    for p in paths {
        if !valid.iter().any(|v| v == p) {
            problems.push(format!(
                "unknown parameter path `{p}` for scenario {scenario}; nearest valid paths: {}",
                nearest_paths(p, &valid, 5).join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Set the value at a dotted path (checked with `check_paths`) in a scenario document.
pub fn apply(doc: &mut toml::Value, path: &str, value: &toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let last = *parts.last().unwrap_or(&"");
    let value = match value {
        toml::Value::Float(f) if INTEGER_KEYS.contains(&last) && f.fract() == 0.0 && f.abs() < 1e15 => toml::Value::Integer(*f as i64),
        v => v.clone(),
    };
    let not_found = || format!("`{path}` does not name a key of this scenario");
    let root = doc.as_table_mut().ok_or_else(not_found)?;
    let table: &mut toml::Table = match parts.as_slice() {
        [_] => root,
        ["params" | "shocks", _] => table_in(root, parts[0]),
        ["params", map, _] => table_in(table_in(root, "params"), map),
        [kind @ ("lever" | "rule"), id, rest @ ..] if !rest.is_empty() => {
            let arr = root.get_mut(*kind).and_then(|v| v.as_array_mut()).ok_or_else(not_found)?;
            let k = (0..arr.len()).find(|&k| table_id(&arr[k], kind, k) == *id).ok_or_else(not_found)?;
            let t = arr[k].as_table_mut().ok_or_else(not_found)?;
            match rest {
                [_] => t,
                ["response", _] => t.get_mut("response").and_then(|v| v.as_table_mut()).ok_or_else(not_found)?,
                _ => return Err(not_found()),
            }
        }
        _ => return Err(not_found()),
    };
    table.insert(last.to_owned(), value);
    Ok(())
}

fn table_in<'a>(t: &'a mut toml::Table, key: &str) -> &'a mut toml::Table {
    let entry = t.entry(key.to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if !entry.is_table() {
        *entry = toml::Value::Table(toml::Table::new());
    }
    entry.as_table_mut().expect("just made a table")
}

/// The counterfactual of a variant: the same document with every lever and rule removed.
pub fn without_levers(doc: &toml::Value) -> toml::Value {
    let mut d = doc.clone();
    if let Some(t) = d.as_table_mut() {
        t.remove("lever");
        t.remove("rule");
    }
    d
}

/// A value as variants.csv and messages show it.
pub fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(f) => format!("{f}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uni() -> Universe {
        Universe {
            economies: vec!["US".into(), "RU".into(), "ROW".into()],
            sectors: vec!["energy".into(), "other".into()],
            bases: vec![2021],
            sigma: vec![5.0, 5.0],
            esubd: vec![2.5, 2.5],
            lambda: vec![1.0, 1.0],
            eta: vec![0.5, 0.5],
        }
    }

    const DOC: &str = r#"
start = "2021-01"
[params]
gamma = 0.2
[[lever]]
id = "ban"
kind = "import_ban"
coverage = 1.0
[[rule]]
id = "eu_aligns"
kind = "align"
probability = 0.9
"#;

    #[test]
    fn grid_is_full_factorial_last_fastest() {
        let b = parse_batch(
            "[[scenario]]\npath='a.toml'\n[[vary]]\npath='params.gamma'\nvalues=[0.1,0.2,0.3]\n[[vary]]\npath='rule.eu_aligns.probability'\nvalues=[0.5,1.0]\n",
            "x.batch.toml",
        )
        .unwrap();
        let pts = b.points();
        assert_eq!(pts.len(), 6);
        assert_eq!(pts[1], vec![toml::Value::Float(0.1), toml::Value::Float(1.0)]);
        assert_eq!(b.name, "x");
        assert_eq!(b.variants().len(), 6);
    }

    #[test]
    fn points_zip_and_must_have_equal_lengths() {
        let ok = parse_batch("design='points'\n[[scenario]]\npath='a'\n[[vary]]\npath='a.b'\nvalues=[1,2]\n[[vary]]\npath='c'\nvalues=['x','y']\n", "b").unwrap();
        assert_eq!(ok.points(), vec![vec![toml::Value::Integer(1), "x".into()], vec![toml::Value::Integer(2), "y".into()]]);
        let bad = parse_batch("design='points'\n[[scenario]]\npath='a'\n[[vary]]\npath='a.b'\nvalues=[1,2]\n[[vary]]\npath='c'\nvalues=[3]\n", "b");
        assert!(bad.unwrap_err().contains("one value per point"));
    }

    #[test]
    fn lhs_has_one_point_per_stratum_and_is_seeded() {
        let text = "seed=5\ndesign='lhs'\nsamples=10\n[[scenario]]\npath='a'\n[[vary]]\npath='params.gamma'\nmin=0.0\nmax=1.0\n[[vary]]\npath='params.phi'\nmin=2.0\nmax=4.0\n";
        let b = parse_batch(text, "b").unwrap();
        let pts = b.points();
        assert_eq!(pts, parse_batch(text, "b").unwrap().points());
        for (d, (lo, hi)) in [(0, (0.0, 1.0)), (1, (2.0, 4.0))] {
            let mut strata: Vec<usize> = pts.iter().map(|p| ((p[d].as_float().unwrap() - lo) / (hi - lo) * 10.0).floor() as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn apply_sets_params_levers_and_rules_by_id() {
        let mut doc: toml::Value = toml::from_str(DOC).unwrap();
        let u = uni();
        check_paths(&doc, &u, &["params.gamma", "lever.ban.coverage", "rule.eu_aligns.probability", "params.sigma.energy"], "s").unwrap();
        apply(&mut doc, "params.gamma", &toml::Value::Float(0.7)).unwrap();
        apply(&mut doc, "lever.ban.coverage", &toml::Value::Float(0.5)).unwrap();
        apply(&mut doc, "rule.eu_aligns.lag", &toml::Value::Float(3.0)).unwrap();
        apply(&mut doc, "params.sigma.energy", &toml::Value::Float(9.0)).unwrap();
        apply(&mut doc, "shocks.event_rate", &toml::Value::Float(1.0)).unwrap();
        assert_eq!(doc["params"]["gamma"].as_float(), Some(0.7));
        assert_eq!(doc["lever"][0]["coverage"].as_float(), Some(0.5));
        assert_eq!(doc["rule"][0]["lag"].as_integer(), Some(3));
        assert_eq!(doc["params"]["sigma"]["energy"].as_float(), Some(9.0));
        assert_eq!(doc["shocks"]["event_rate"].as_float(), Some(1.0));
        let cf = without_levers(&doc);
        assert!(cf.get("lever").is_none() && cf.get("rule").is_none());
    }

    #[test]
    fn unknown_path_lists_nearest() {
        let doc: toml::Value = toml::from_str(DOC).unwrap();
        let e = check_paths(&doc, &uni(), &["params.gama", "lever.ban.coverge"], "s.toml").unwrap_err();
        assert!(e.contains("unknown parameter path `params.gama`"), "{e}");
        assert!(e.contains("nearest valid paths: params.gamma"), "{e}");
        assert!(e.contains("lever.ban.coverage"), "{e}");
    }

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
