//! The analysis designs' part of `batch` and `merge` (the batch command's orchestration stays
//! in `batch.rs`): the variants of an attribution (the subsets of its players), of a Sobol'
//! or Morris design (unit-cube points mapped to ranges or priors) and of a table (its CSV, kept
//! in the plan); then, from the finished states, attribution.csv (per-run values read one block
//! of runs at a time, so memory stays bounded), sobol.csv or morris.csv (from each variant's
//! exact indicator means).

use super::BadInput;
use crate::batch::attribution::{self, Accumulator, Plan as Subsets};
use crate::batch::sensitivity::{self, Morris};
use crate::batch::{table, Batch, Design, Variant};
use crate::calibration::Calibration;
use crate::indicators::Indicators;
use crate::model::Prepared;
use crate::output::analysis::{self as files, fmt, read_values_block, ATTRIBUTION_HEADER, MORRIS_HEADER, SOBOL_HEADER};
use crate::output::state::Plan;
use crate::rng::{analysis_rng, design_rng};
use crate::run_values::RunValues;
use crate::scenario::Scenario;
use crate::sketch::SignedSketch;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a design needs after its runs.
pub(super) enum Analysis {
    None,
    Attribution(Subsets),
    Sobol,
    Morris(Morris),
}

impl Analysis {
    /// Variant `id`'s scenario document before the `[[vary]]` values are set: an attribution's
    /// subset, else the scenario as written.
    pub(super) fn doc(&self, doc: &toml::Value, id: usize) -> toml::Value {
        match self {
            Analysis::Attribution(p) => attribution::subset_doc(doc, &p.players, p.subsets[id]),
            _ => doc.clone(),
        }
    }
}

/// The files a batch reads besides its scenarios (a table design's CSV), relative to the
/// batch file's directory.
pub(super) fn read_inputs(batch: &Batch, path: &Path, dir: &Path) -> Result<Vec<(String, String)>> {
    let Design::Table { file } = &batch.design else { return Ok(Vec::new()) };
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).map_err(|e| BadInput(format!("{}: table `{file}`: cannot read {}: {e} (paths are relative to the batch file)", path.display(), p.display())))?;
    Ok(vec![(file.clone(), text)])
}

/// A table design's columns and rows into `batch.vary` (from the copy kept in the plan).
pub(super) fn fill_table(batch: &mut Batch, plan: &Plan) -> Result<(), String> {
    let Design::Table { file } = &batch.design else { return Ok(()) };
    let file = file.clone();
    let text = plan.inputs.iter().find(|(p, _)| *p == file).map(|(_, t)| t.as_str()).ok_or_else(|| format!("{}: the plan lacks the table `{file}`", plan.batch_file))?;
    table::fill(batch, text, &file)
}

/// The variants, the columns of variants.csv after the fixed ones, and what the analysis
/// needs. `base(e)` is entry e's scenario as written (for the priors a design samples).
pub(super) fn variants(batch: &Batch, docs: &[toml::Value], seed: u64, base: impl Fn(usize) -> Result<Scenario, String>) -> Result<(Vec<Variant>, Vec<String>, Analysis), String> {
    let paths: Vec<String> = batch.vary.iter().map(|v| v.path.clone()).collect();
    match &batch.design {
        Design::Attribution { groups, permutations } => {
            let players = attribution::players(groups, &docs[0]).map_err(|e| format!("{}: {e}", batch.entries[0].path))?;
            let plan = attribution::plan(players, *permutations, &mut design_rng(seed));
            let columns = plan.players.iter().map(|p| p.name.clone()).collect();
            let variants = plan
                .subsets
                .iter()
                .enumerate()
                .map(|(id, &m)| Variant { id, entry: 0, values: (0..plan.players.len()).map(|i| toml::Value::Integer((m >> i & 1) as i64)).collect() })
                .collect();
            Ok((variants, columns, Analysis::Attribution(plan)))
        }
        Design::Sobol { .. } | Design::Morris { .. } => {
            let sc = base(0)?;
            let mut priors = Vec::new();
            for v in &batch.vary {
                if !v.prior {
                    priors.push(None);
                    continue;
                }
                let p = sc.priors.iter().find(|p| p.path == v.path).ok_or_else(|| {
                    format!(
                        "`{}` has no prior in {} (its uncertain parameters: {}); give `min` and `max` instead of `prior = true`",
                        v.path,
                        batch.entries[0].path,
                        if sc.priors.is_empty() { "none, or params.priors = false".to_owned() } else { sc.priors.iter().map(|p| p.path.as_str()).collect::<Vec<_>>().join(", ") }
                    )
                })?;
                priors.push(Some((p.dist, p.range)));
            }
            let mut variants = batch.variants();
            for v in &mut variants {
                let unit: Vec<f64> = v.values.iter().map(|x| x.as_float().unwrap_or(0.0)).collect();
                v.values = sensitivity::to_values(&batch.vary, &unit, &priors);
            }
            let analysis = match batch.morris() {
                Some(m) => Analysis::Morris(m),
                None => Analysis::Sobol,
            };
            Ok((variants, paths, analysis))
        }
        _ => Ok((batch.variants(), paths, Analysis::None)),
    }
}

/// A variant's indicators as (indicator, subject, year, exact mean over runs), named as in
/// indicators.csv: the outputs the Sobol' and Morris analyses explain.
pub(super) fn indicator_means(ind: &Indicators, economies: &[String]) -> Vec<(String, String, String, f64)> {
    let Some((year, _)) = &ind.year else { return Vec::new() };
    let y = year.to_string();
    let mut out = Vec::new();
    if ind.us.is_some() && ind.ru.is_some() {
        out.push(("us_ru_trade_usd".to_owned(), "US+RU".to_owned(), y.clone(), ind.us_ru_trade.mean()));
    }
    if ind.ru.is_some() {
        for (&p, sk) in ind.partners.iter().zip(&ind.ru_trade) {
            out.push(("ru_trade_usd".to_owned(), format!("RU+{}", economies[p]), y.clone(), sk.mean()));
        }
    }
    for (id, sk) in ind.rule_ids.iter().zip(&ind.rule_fired) {
        out.push(("rule_fired_share".to_owned(), id.clone(), y.clone(), sk.mean()));
    }
    if ind.ru.is_some() {
        out.push(("ru_gdp_usd".to_owned(), "RU".to_owned(), y, ind.ru_gdp.mean()));
    }
    out
}

/// Write the analysis files of the design into `out` (from the states in `states`, per
/// variant, and the variants' indicator means); returns the files written and the page's
/// section about them.
#[allow(clippy::too_many_arguments)]
pub(super) fn write(
    analysis: &Analysis,
    batch: &Batch,
    seed: u64,
    runs: &[u32],
    states: &BTreeMap<usize, Vec<PathBuf>>,
    means: &[Vec<(String, String, String, f64)>],
    full: Option<&Scenario>,
    cal: &Calibration,
    out: &Path,
) -> Result<(Vec<String>, String)> {
    let file = match analysis {
        Analysis::None => return Ok((Vec::new(), String::new())),
        Analysis::Attribution(plan) => {
            let sc = full.context("an attribution needs its full set of levers")?;
            write_attribution(plan, batch, runs[0], states, sc, cal, out)?;
            "attribution.csv"
        }
        Analysis::Sobol => {
            let d = batch.vary.len();
            write_indices(batch, means, out, "sobol.csv", &SOBOL_HEADER, |y, rng| {
                sensitivity::sobol_indices(y, d, rng).into_iter().map(|s| vec![s.s1, s.s1_conf, s.st, s.st_conf]).collect()
            }, seed)?;
            "sobol.csv"
        }
        Analysis::Morris(m) => {
            let d = batch.vary.len();
            write_indices(batch, means, out, "morris.csv", &MORRIS_HEADER, |y, rng| {
                sensitivity::morris_indices(y, m, d, rng).into_iter().map(|s| vec![s.mu, s.mu_star, s.mu_star_conf, s.sigma]).collect()
            }, seed)?;
            "morris.csv"
        }
    };
    let html = crate::output::batch_report::analysis_html(out).map_err(|e| anyhow::anyhow!("cannot read back {file}: {e}"))?;
    Ok((vec![file.to_owned()], html))
}

/// Sobol' or Morris indices of every indicator: the outputs are the variants' means, in design
/// order; `index(y, rng)` gives one row of numbers per parameter. Indicators that do not vary
/// get empty cells.
fn write_indices(
    batch: &Batch,
    means: &[Vec<(String, String, String, f64)>],
    out: &Path,
    name: &str,
    header: &[&str],
    index: impl Fn(&[f64], &mut rand_chacha::ChaCha8Rng) -> Vec<Vec<f64>>,
    seed: u64,
) -> Result<()> {
    let mut csv = files::create(out, name, header)?;
    let Some(first) = means.first() else { return csv.finish() };
    let mut rng = analysis_rng(seed);
    for (k, (indicator, subject, year, _)) in first.iter().enumerate() {
        let y: Vec<f64> = means.iter().map(|m| m.get(k).map_or(f64::NAN, |x| x.3)).collect();
        let rows = index(&y, &mut rng);
        for (v, row) in batch.vary.iter().zip(rows) {
            let unit = if indicator.ends_with("_usd") { "x_usd" } else { "x" };
            let mut rec = vec![indicator.clone(), subject.clone(), year.clone(), v.path.clone()];
            // Sobol' indices are fractions; Morris effects are in the indicator's unit
            rec.extend(row.iter().map(|&x| if name == "sobol.csv" { fmt("index", x) } else { fmt(unit, x) }));
            csv.row(rec)?;
        }
    }
    csv.finish()
}

/// Per run, read every subset's values one block of runs at a time, attribute the change from
/// the empty set, and summarise per value (indicator and year): levels without and with every
/// player, the total change, each player's Shapley value and one-at-a-time effect, and the
/// interaction remainder (total minus the one-at-a-time effects).
fn write_attribution(plan: &Subsets, batch: &Batch, runs: u32, states: &BTreeMap<usize, Vec<PathBuf>>, full: &Scenario, cal: &Calibration, out: &Path) -> Result<()> {
    let init = cal.init(full.base);
    let pre = Prepared::new(full, &init);
    let rule_ids: Vec<String> = full.rules.iter().map(|r| r.id.clone()).collect();
    let rv = RunValues::new(full, &init, &pre.layout, &rule_ids);
    let (names, years) = (rv.names(), rv.years());
    let width = rv.width();
    let (k, nsub) = (plan.players.len(), plan.subsets.len());
    // the values file of (subset, block): beside the state file that holds the block
    let mut where_: BTreeMap<(usize, u32), PathBuf> = BTreeMap::new();
    for (&v, paths) in states {
        for p in paths {
            let vp = p.with_extension("values");
            let (h, _) = files::read_values_header(&vp)?;
            for b in h.blocks {
                where_.insert((v, b), vp.clone());
            }
        }
    }
    let (mut none, mut all, mut total, mut inter) = (vec![SignedSketch::default(); width], vec![SignedSketch::default(); width], vec![SignedSketch::default(); width], vec![SignedSketch::default(); width]);
    let (mut shapley, mut main) = (vec![vec![SignedSketch::default(); width]; k], vec![vec![SignedSketch::default(); width]; k]);
    let mut sums = vec![vec![0.0f64; width]; nsub];
    for b in 0..runs.div_ceil(batch.block) {
        let n = ((b as u64 + 1) * batch.block as u64).min(runs as u64) as usize - b as usize * batch.block as usize;
        let mut acc = Accumulator::new(plan, n, width);
        for (s, sum) in sums.iter_mut().enumerate() {
            let path = where_.get(&(s, b)).with_context(|| format!("no values of variant {s}, block {b}: run the batch again (or with --resume)"))?;
            let vals = read_values_block(path, b)?;
            anyhow::ensure!(vals.len() == n * width, "{}: block {b} holds {} values, {} expected", path.display(), vals.len(), n * width);
            for r in 0..n {
                for (x, v) in sum.iter_mut().zip(&vals[r * width..(r + 1) * width]) {
                    *x += v;
                }
                if s == nsub - 1 {
                    for (sk, v) in all.iter_mut().zip(&vals[r * width..(r + 1) * width]) {
                        sk.add(*v);
                    }
                }
            }
            acc.add(s, &vals);
        }
        for r in 0..n {
            for x in 0..width {
                none[x].add(acc.none(r)[x]);
                total[x].add(acc.total(r)[x]);
                let mut mains = 0.0;
                for i in 0..k {
                    shapley[i][x].add(acc.shapley(r, i)[x]);
                    main[i][x].add(acc.main(r, i)[x]);
                    mains += acc.main(r, i)[x];
                }
                inter[x].add(acc.total(r)[x] - mains);
            }
        }
    }
    // sampled permutations: the standard error of each mean Shapley value from the spread of
    // the permutations' mean marginal contributions
    let marginals = plan.marginals();
    let se = |i: usize, x: usize| -> f64 {
        if marginals.is_empty() {
            return f64::NAN;
        }
        let m: Vec<f64> = marginals.iter().map(|p| (sums[p[i].0][x] - sums[p[i].1][x]) / runs as f64).collect();
        let mean = m.iter().sum::<f64>() / m.len() as f64;
        (m.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (m.len() as f64 - 1.0) / m.len() as f64).sqrt()
    };
    let mut csv = files::create(out, "attribution.csv", &ATTRIBUTION_HEADER)?;
    for (yi, year) in years.iter().enumerate() {
        for (ni, (indicator, subject)) in names.iter().enumerate() {
            let x = yi * names.len() + ni;
            let t = total[x].mean();
            let mut row = |player: &str, kind: &str, sk: &SignedSketch, share: f64, se: f64| {
                let mut rec = vec![indicator.clone(), subject.clone(), year.to_string(), player.to_owned(), kind.to_owned(), fmt(indicator, sk.mean())];
                rec.extend(sk.quantiles([0.05, 0.25, 0.5, 0.75, 0.95]).map(|v| fmt(indicator, v)));
                rec.push(fmt("share", share));
                rec.push(fmt(indicator, se));
                csv.row(rec)
            };
            row("", "none", &none[x], f64::NAN, f64::NAN)?;
            row("", "all", &all[x], f64::NAN, f64::NAN)?;
            row("", "total", &total[x], 1.0, f64::NAN)?;
            for (i, p) in plan.players.iter().enumerate() {
                row(&p.name, "shapley", &shapley[i][x], shapley[i][x].mean() / t, se(i, x))?;
            }
            for (i, p) in plan.players.iter().enumerate() {
                row(&p.name, "main", &main[i][x], main[i][x].mean() / t, f64::NAN)?;
            }
            row("", "interaction", &inter[x], inter[x].mean() / t, f64::NAN)?;
        }
    }
    csv.finish()
}
