//! `tradesim batch`: load a batch, validate every variant before anything runs, run this
//! shard's units of work variant by variant (per-thread partial summaries merged exactly; the
//! full summary only for the variants whose design keeps one), keep
//! each finished variant's state, and write the result files from the states (`merge` does the
//! same for the states of several shards), so a sharded batch merges into the same bytes as an
//! unsharded one.

use super::analysis::{self, Analysis};
use super::common::{check_size, command_line, data_key, formats, hex, load_calibration, merge_partials, open_out, progress_bar, read_input, run_failed, runs_arg, saturation_warning, threads_arg, MAX_TEXT_BYTES};
use super::{BadInput, Interrupted};
use crate::batch::overrides;
use crate::batch::{in_shard, parse_batch, parse_shard, Batch, Design, Variant};
use crate::calibration::Calibration;
use crate::cli::{BatchArgs, DataArg};
use crate::ensemble::Workers;
use crate::indicators::Indicators;
use crate::model::Prepared;
use crate::output::batch_out::{write_indicator_rows, write_summary_rows, BatchManifest};
use crate::output::parquet_out::{summary_columns, Kind, INDICATOR_COLUMNS};
use crate::output::table::{Formats, TableFile};
use crate::output::batch_report;
use crate::output::chart_kit::Format;
use crate::output::charts;
use crate::output::reader::BatchData;
use crate::output::analysis::{values_path, write_values, ValuesHeader};
use crate::output::check_target;
use crate::output::state::{carry_state, Damaged, clean_partials, list_states, read_plan, read_state, state_dir, state_path, write_atomic, write_plan, write_state, Plan, StateHeader};
use crate::rng::variant_seed;
use crate::run_values::RunValues;
use crate::scenario::{parse_scenario, Scenario};
use crate::summary::{BufferedSummary, Sketch, Summary, ALPHA};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Set by Ctrl-C; polled between rounds of runs.
static STOP: AtomicBool = AtomicBool::new(false);

/// A batch with every variant validated.
pub(super) struct Loaded {
    plan: Plan,
    pub(super) batch: Batch,
    variants: Vec<Variant>,
    /// Per variant, with its seed and runs set.
    scenarios: Vec<Scenario>,
    /// Per variant: the same with all levers and rules removed, if the entry asks for it.
    counterfactuals: Vec<Option<Scenario>>,
    runs: Vec<u32>,
    /// variants.csv's columns after the fixed ones: the varied paths (an attribution's players).
    columns: Vec<String>,
    /// What the analysis designs need after the runs.
    analysis: Analysis,
}

/// Read the batch file and its scenarios into a plan; its `calibration` hash is filled in by
/// the caller, once the calibration the plan names is loaded.
fn make_plan(args: &BatchArgs, shard: (usize, usize)) -> Result<Plan> {
    let path = &args.batch;
    let text = read_input(path, "batch file", MAX_TEXT_BYTES)?;
    let batch = parse_batch(&text, &path.display().to_string()).map_err(BadInput)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut scenarios = Vec::new();
    for e in &batch.entries {
        let p = dir.join(&e.path);
        let t = crate::calibration::read_text(&p, MAX_TEXT_BYTES)
            .map_err(|err| BadInput(format!("{}: scenario `{}`: cannot read {}: {err} (paths are relative to the batch file)", path.display(), e.path, p.display())))?;
        scenarios.push((e.path.clone(), t));
    }
    let inputs = analysis::read_inputs(&batch, path, dir)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "batch".into());
    let stem = stem.strip_suffix(".batch").unwrap_or(&stem).to_owned();
    // `--data`, else the calibration the scenarios name with their `data` key (one for all)
    let data = match &args.data.data {
        Some(d) => Some(d.display().to_string()),
        None => {
            let keys: Vec<Option<String>> = batch
                .entries
                .iter()
                .zip(&scenarios)
                .map(|(e, (_, t))| data_key(t).map(|k| dir.join(&e.path).parent().unwrap_or(Path::new(".")).join(k).display().to_string()))
                .collect();
            if keys.windows(2).any(|w| w[0] != w[1]) {
                return Err(BadInput(format!(
                    "{}: the scenarios of a batch run on one calibration, but their `data` keys differ ({}); give them the same or use --data",
                    path.display(),
                    keys.iter().map(|k| k.as_deref().unwrap_or("built-in")).collect::<Vec<_>>().join(", ")
                ))
                .into());
            }
            keys.into_iter().next().flatten()
        }
    };
    let fingerprint = if inputs.is_empty() {
        hex(&Sha256::digest(serde_json::to_vec(&(&text, &scenarios, args.runs, args.seed, &data))?))
    } else {
        hex(&Sha256::digest(serde_json::to_vec(&(&text, &scenarios, args.runs, args.seed, &data, &inputs))?))
    };
    Ok(Plan {
        format: 1,
        fingerprint,
        batch_file: path.display().to_string(),
        stem,
        batch_text: text,
        scenarios,
        runs_override: args.runs,
        seed_override: args.seed,
        data,
        shard,
        inputs,
        calibration: String::new(),
    })
}

/// A variant document → validated scenario; problems name the variant (line numbers would
/// point into the generated document, so they are left out).
fn to_scenario(doc: &toml::Value, label: &str, uni: &crate::scenario::Universe) -> Result<Scenario, String> {
    let text = toml::to_string(doc).map_err(|e| format!("{label}: {e}"))?;
    parse_scenario(&text, label, uni).map_err(|mut e| {
        for p in &mut e.problems {
            p.line_col = None;
        }
        e.to_string()
    })
}

/// Parse the batch, apply every design point and validate every variant.
pub(super) fn load(plan: &Plan, cal: &Calibration) -> Result<Loaded> {
    let mut batch = parse_batch(&plan.batch_text, &plan.batch_file).map_err(BadInput)?;
    analysis::fill_table(&mut batch, plan).map_err(BadInput)?;
    let uni = cal.universe();
    let seed = plan.seed_override.unwrap_or(batch.seed);
    let paths: Vec<&str> = batch.vary.iter().map(|v| v.path.as_str()).collect();
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for (p, text) in &plan.scenarios {
        let doc: toml::Value = toml::from_str(text).map_err(|e| BadInput(format!("{p}: {}", e.message().trim())))?;
        if let Err(e) = overrides::check_paths(&doc, &uni, &paths, p) {
            problems.push(e);
        }
        docs.push(doc);
    }
    if !problems.is_empty() {
        return Err(BadInput(format!("{}: {}", plan.batch_file, problems.join("\n"))).into());
    }
    let (variants, columns, analysis) = analysis::variants(&batch, &docs, seed, |e| to_scenario(&docs[e], &batch.entries[e].path, &uni))
        .map_err(|e| BadInput(format!("{}: {e}", plan.batch_file)))?;
    let (mut scenarios, mut counterfactuals, mut runs) = (Vec::new(), Vec::new(), Vec::new());
    for v in &variants {
        let entry = &batch.entries[v.entry];
        let mut doc = analysis.doc(&docs[v.entry], v.id);
        for (vary, value) in batch.vary.iter().zip(&v.values) {
            overrides::apply(&mut doc, &vary.path, value).map_err(BadInput)?;
        }
        let assigned: Vec<String> = batch.vary.iter().zip(&v.values).map(|(x, val)| format!("{} = {}", x.path, overrides::show(val))).collect();
        let label = format!("variant {} ({}{}{})", v.id, entry.path, if assigned.is_empty() { "" } else { ": " }, assigned.join(", "));
        let sc = match to_scenario(&doc, &label, &uni) {
            Ok(sc) => sc,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if let Err(e) = check_size(&sc, cal, &label) {
            problems.push(e.to_string());
            continue;
        }
        let n = plan.runs_override.or(batch.runs).unwrap_or(sc.runs);
        // the analysis designs run every variant of an entry on the entry's seed
        let s = variant_seed(seed, if batch.design.common_seed() { v.entry } else { v.id } as u64);
        let with = |mut sc: Scenario| {
            sc.runs = n;
            sc.seed = s;
            sc
        };
        let cf = if entry.counterfactual {
            match to_scenario(&overrides::without_levers(&doc), &format!("{label} counterfactual"), &uni) {
                Ok(c) => Some(with(c)),
                Err(e) => {
                    problems.push(e);
                    None
                }
            }
        } else {
            None
        };
        scenarios.push(with(sc));
        counterfactuals.push(cf);
        runs.push(n);
    }
    if !problems.is_empty() {
        return Err(BadInput(format!("{}: a variant is not a valid scenario; nothing was run\n{}", plan.batch_file, problems.join("\n"))).into());
    }
    let units = batch.unit_count(&runs);
    if units > crate::batch::MAX_UNITS {
        return Err(BadInput(format!(
            "{}: {units} units of work (variants × blocks of `block` = {} runs); allowed: at most {}: raise `block`",
            plan.batch_file,
            batch.block,
            crate::batch::MAX_UNITS
        ))
        .into());
    }
    Ok(Loaded { plan: plan.clone(), batch, variants, scenarios, counterfactuals, runs, columns, analysis })
}

/// `tradesim check` on a batch file: the file, its scenarios and every variant validated as
/// `batch` would before running; a one-line description if all is well.
pub(super) fn check_batch(path: &Path, data: &DataArg) -> Result<String> {
    let args = BatchArgs { batch: path.to_path_buf(), runs: None, seed: None, threads: None, out: None, force: false, shard: None, resume: false, format: crate::cli::TableFormat::Csv, keep_state: false, quiet: true, data: DataArg { data: data.data.clone() } };
    let mut plan = make_plan(&args, (0, 1))?;
    let cal = load_calibration(&DataArg { data: plan.data.as_ref().map(PathBuf::from) })?;
    plan.calibration = cal.sha256.clone();
    let l = load(&plan, &cal)?;
    let runs: u64 = l.runs.iter().map(|&r| r as u64).sum();
    Ok(format!(
        "ok (batch `{}`, {} scenario{}, {} variants, {} runs{})",
        l.batch.name,
        l.batch.entries.len(),
        if l.batch.entries.len() == 1 { "" } else { "s" },
        l.variants.len(),
        runs,
        if l.counterfactuals.iter().any(Option::is_some) { " and their counterfactuals" } else { "" }
    ))
}

fn block_range(block: u32, b: u32, runs: u32) -> std::ops::Range<u64> {
    let start = b as u64 * block as u64;
    start..((b as u64 + 1) * block as u64).min(runs as u64)
}

/// A variant's per-run values (an attribution's), with the runs they belong to.
type RunRows = Vec<(u64, Vec<f64>)>;

/// A finished variant: its state, and its per-run values if the design keeps them.
type Finished = (StateHeader, Vec<u8>, Option<(ValuesHeader, Vec<f64>)>);

/// Whether variant v keeps its full summary (the analysis designs keep few).
fn keeps_summary(l: &Loaded, v: usize) -> bool {
    l.batch.design.keeps_summary(v, l.variants.len())
}

/// How variant v's per-run values are taken, if its design keeps them (an attribution's, with
/// the rules of the full set).
fn run_values(l: &Loaded, v: usize, init: &crate::model::Init, pre: &Prepared) -> Option<RunValues> {
    let rule_ids: Vec<String> = l.scenarios.last()?.rules.iter().map(|r| r.id.clone()).collect();
    matches!(l.analysis, Analysis::Attribution(_)).then(|| RunValues::new(&l.scenarios[v], init, &pre.layout, &rule_ids))
}

/// Run one variant's blocks; None if stopped (nothing of it is kept).
fn run_variant(l: &Loaded, v: usize, blocks: &[u32], workers: &Workers, cal: &Calibration, mut progress: impl FnMut(u64)) -> Result<Option<Finished>> {
    let sc = &l.scenarios[v];
    let init = cal.init(sc.base);
    let pre = Prepared::new(sc, &init);
    let keep = keeps_summary(l, v);
    let values = run_values(l, v, &init, &pre);
    // The full summary only where the design keeps it: the analysis designs' other variants
    // (most of them) need no summary of 39,000 sketches per thread, nor its 20 MB buffer.
    let empty_summary = keep.then(|| Summary::new(sc, &init, &pre.layout));
    let empty_extra = (Indicators::new(sc, &init, &pre.layout), RunRows::new());
    let mut states: Vec<(Option<BufferedSummary>, (Indicators, RunRows))> =
        (0..workers.threads()).map(|_| (empty_summary.clone().map(BufferedSummary::new), empty_extra.clone())).collect();
    let cf = l.counterfactuals[v].as_ref().map(|c| {
        let ci = cal.init(c.base);
        let cp = Prepared::new(c, &ci);
        (c, ci, cp)
    });
    let stop = || STOP.load(Ordering::Relaxed);
    let (mut done, mut cf_runs) = (0u64, 0u64);
    for &b in blocks {
        let range = block_range(l.batch.block, b, sc.runs);
        let want = range.end - range.start;
        let failed = |f| run_failed(sc, &format!("{}, variant {v}", l.plan.batch_file), &f);
        let got = workers.accumulate(
            sc,
            &init,
            &pre,
            sc.seed,
            range.clone(),
            &mut states,
            |(s, (i, rows)), r, obs| {
                if let Some(s) = s {
                    s.add_run(obs);
                }
                i.add_run(obs);
                if let Some(rv) = &values {
                    let mut row = Vec::with_capacity(rv.width());
                    rv.values(obs, &mut row);
                    rows.push((r, row));
                }
            },
            |_, d| progress(done + d),
            stop,
        )
        .map_err(failed)?;
        if got < want {
            return Ok(None);
        }
        done += got;
        if let Some((c, ci, cp)) = &cf {
            let got = workers
                .accumulate(c, ci, cp, c.seed, range, &mut states, |(_, (i, _)), _, obs| i.add_counterfactual_run(obs), |_, d| progress(done + d), stop)
                .map_err(|f| run_failed(c, &format!("{}, variant {v} counterfactual", l.plan.batch_file), &f))?;
            if got < want {
                return Ok(None);
            }
            done += got;
            cf_runs += got;
        }
    }
    let merge_extra = |(a, ra): &mut (Indicators, RunRows), (b, rb): &(Indicators, RunRows)| {
        a.merge(b);
        ra.extend(rb.iter().cloned());
    };
    let (summary, (ind, mut rows)) = match empty_summary {
        Some(empty) => {
            let states = states.into_iter().map(|(s, e)| (s.expect("a kept summary on every thread"), e)).collect();
            let (summary, extra) = merge_partials(workers, states, (empty, empty_extra), merge_extra);
            (Some(summary), extra)
        }
        None => {
            let mut extras = states.into_iter().map(|(_, e)| e);
            let mut all = extras.next().unwrap_or(empty_extra);
            for e in extras {
                merge_extra(&mut all, &e);
            }
            (None, all)
        }
    };
    let mut body = Vec::new();
    let mut count = 0;
    for sk in summary.iter().flat_map(Summary::sketches).chain(ind.sketches()) {
        sk.encode(&mut body);
        count += 1;
    }
    let header = StateHeader {
        fingerprint: l.plan.fingerprint.clone(),
        variant: v,
        blocks: blocks.to_vec(),
        // the runs in the summary (none where the variant keeps no summary)
        runs: summary.as_ref().map_or(0, |s| s.runs),
        counterfactual_runs: cf_runs,
        sketches: count,
    };
    let values = values.map(|rv| {
        rows.sort_by_key(|r| r.0);
        let vh = ValuesHeader {
            fingerprint: l.plan.fingerprint.clone(),
            variant: v,
            blocks: blocks.to_vec(),
            runs: blocks.iter().map(|&b| block_range(l.batch.block, b, sc.runs).count() as u32).collect(),
            width: rv.width(),
        };
        (vh, rows.into_iter().flat_map(|r| r.1).collect())
    });
    Ok(Some((header, body, values)))
}

pub fn batch(args: &BatchArgs) -> Result<()> {
    let started = Instant::now();
    let shard = match &args.shard {
        Some(s) => parse_shard(s).map_err(BadInput)?,
        None => (0, 1),
    };
    runs_arg(args.runs)?;
    let threads = threads_arg(args.threads)?;
    let mut plan = make_plan(args, shard)?;
    let cal = load_calibration(&DataArg { data: plan.data.as_ref().map(PathBuf::from) })?;
    plan.calibration = cal.sha256.clone();
    let l = load(&plan, &cal)?;
    let dest = args.out.clone().unwrap_or_else(|| {
        let base = PathBuf::from("output").join(&plan.stem);
        if shard.1 > 1 {
            base.join(format!("shard-{}-of-{}", shard.0, shard.1))
        } else {
            base
        }
    });

    // What is at the output path must be ours (or --force); the work area goes inside it.
    check_target(&dest, args.force)?;
    // The work area: kept on --resume if it holds the same batch and shard.
    let sdir = state_dir(&dest);
    let cleaned = clean_partials(&dest);
    if cleaned > 0 {
        eprintln!("{}: removed {cleaned} partly written state files left by an interrupted batch", sdir.display());
    }
    if args.resume {
        if let Ok(old) = read_plan(&dest) {
            if old.fingerprint != plan.fingerprint || old.shard != plan.shard || old.calibration != plan.calibration {
                return Err(BadInput(format!(
                    "--resume: {} holds a different batch or shard (the batch file, a scenario, --runs, --seed, --shard or the calibration data changed); run without --resume to start afresh",
                    dest.display()
                ))
                .into());
            }
        }
    } else if sdir.exists() {
        std::fs::remove_dir_all(&sdir).with_context(|| format!("cannot clear {}", sdir.display()))?;
    }
    write_plan(&dest, &plan)?;
    // Ctrl-C: finish nothing half-way, keep what is finished (a second handler in the
    // same process is refused; the first one sets the same flag).
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));

    let mut mine: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (u, &(v, b)) in l.batch.units(&l.runs).iter().enumerate() {
        if in_shard(u, shard.0, shard.1) {
            mine.entry(v).or_default().push(b);
        }
    }
    let weight = |v: usize, blocks: &[u32]| -> u64 {
        let r: u64 = blocks.iter().map(|&b| block_range(l.batch.block, b, l.runs[v]).count() as u64).sum();
        r * if l.counterfactuals[v].is_some() { 2 } else { 1 }
    };
    let total: u64 = mine.iter().map(|(&v, b)| weight(v, b)).sum();
    let workers = Workers::new(threads).context("cannot start worker threads")?;
    let bar = progress_bar(total, args.quiet, "{msg} ");
    let (mut done_runs, mut done_variants, mut resumed, mut resumed_runs) = (0u64, 0usize, 0usize, 0u64);
    let sim_started = Instant::now();
    for (&v, blocks) in &mine {
        if STOP.load(Ordering::Relaxed) {
            break;
        }
        let path = state_path(&dest, v, shard);
        if args.resume {
            let kept = read_state(&path);
            if let Err(e) = &kept {
                if e.downcast_ref::<Damaged>().is_some() {
                    eprintln!("{e}: variant {v} is run again");
                }
            }
            if let Ok((h, _)) = kept {
                if h.fingerprint == plan.fingerprint && h.blocks == *blocks {
                    done_runs += weight(v, blocks);
                    resumed_runs += weight(v, blocks);
                    done_variants += 1;
                    resumed += 1;
                    continue;
                }
            }
        }
        if let Some(b) = &bar {
            b.set_message(format!("variant {}/{}", done_variants + 1, mine.len()));
        }
        let result = run_variant(&l, v, blocks, &workers, &cal, |d| {
            if let Some(b) = &bar {
                b.set_position(done_runs + d);
            }
        })?;
        let Some((header, body, values)) = result else { break };
        // the values first: a state file on disk means its variant is complete
        if let Some((vh, vals)) = values {
            write_values(&values_path(&dest, v, shard), &vh, &vals)?;
        }
        write_state(&path, &header, &body)?;
        done_runs += weight(v, blocks);
        done_variants += 1;
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if done_variants < mine.len() {
        return Err(Interrupted(format!(
            "stopped: {done_variants} of {} variants finished and kept in {}; run the same command with --resume to continue",
            mine.len(),
            sdir.display()
        ))
        .into());
    }
    let sim_seconds = sim_started.elapsed().as_secs_f64();
    let new_runs = done_runs - resumed_runs;
    if shard.1 == 1 {
        // the results replace the directory, work area included (kept with --keep-state)
        write_results(&l, std::slice::from_ref(&dest), &dest, &cal, true, args.keep_state.then_some(dest.as_path()), formats(args.format))?;
    }
    if !args.quiet {
        println!(
            "{}: {} variants{} ({} runs incl. counterfactuals{}) on {} threads in {:.2} s ({:.0} runs/s) -> {}",
            l.batch.name,
            mine.len(),
            if shard.1 > 1 { format!(" of shard {}/{}", shard.0, shard.1) } else { String::new() },
            new_runs,
            if resumed > 0 { format!(", {resumed} variants kept from before") } else { String::new() },
            threads,
            started.elapsed().as_secs_f64(),
            new_runs as f64 / sim_seconds.max(1e-9),
            dest.display()
        );
        if shard.1 > 1 {
            println!("combine all {} shards with: tradesim merge DIR... --out DIR", shard.1);
        }
    }
    Ok(())
}

/// A damaged state file's error, with what to do about it.
fn damaged_hint(e: anyhow::Error, dir: &Path) -> anyhow::Error {
    if e.downcast_ref::<Damaged>().is_some() {
        anyhow::anyhow!("{e}; it is not used. Run the batch (or this shard) again into {} with --resume: it recomputes damaged variants", dir.display())
    } else {
        e
    }
}

/// Merge every state in `dirs` per variant (checking that each variant's blocks are all
/// there, once) and write the result files, one variant at a time, into a temporary sibling
/// of `dest` that then replaces it in one step (`OutputDir`), with the work area of
/// `carry` (its plan and state files) inside if given.
/// The result tables are written in `formats`.
pub(super) fn write_results(l: &Loaded, dirs: &[PathBuf], dest: &Path, cal: &Calibration, force: bool, carry: Option<&Path>, formats: Formats) -> Result<()> {
    let mut by_variant: BTreeMap<usize, Vec<(PathBuf, Vec<u32>)>> = BTreeMap::new();
    for d in dirs {
        for p in list_states(d)? {
            let (h, _) = read_state(&p).map_err(|e| damaged_hint(e, d))?;
            if h.fingerprint != l.plan.fingerprint {
                return Err(BadInput(format!("{} belongs to a different batch", p.display())).into());
            }
            by_variant.entry(h.variant).or_default().push((p, h.blocks));
        }
    }
    let mut missing = Vec::new();
    for v in &l.variants {
        let mut got: Vec<u32> = by_variant.get(&v.id).map(|s| s.iter().flat_map(|(_, b)| b.clone()).collect()).unwrap_or_default();
        got.sort_unstable();
        let want: Vec<u32> = (0..l.runs[v.id].div_ceil(l.batch.block)).collect();
        if got != want {
            missing.push(format!("variant {}: blocks {:?} present, {:?} expected", v.id, got, want));
        }
    }
    if !missing.is_empty() {
        return Err(BadInput(format!(
            "cannot merge: some work is missing or present twice (give every shard's directory once; finish interrupted shards with --resume)\n{}",
            missing.join("\n")
        ))
        .into());
    }
    let dir = open_out(dest, force)?;
    write_files(l, &by_variant, &dir.path(""), cal, formats)
        .and_then(|()| carry.map_or(Ok(()), |from| carry_state(from, &dir.path(""))))
        .map_err(|e| dir.user_error(e))?;
    dir.commit()?;
    Ok(())
}

/// The result files of a batch from its states (`by_variant`), written into `out`: the tables in
/// `formats`; the charts and the page (drawn from the CSV files) only with CSV.
fn write_files(l: &Loaded, by_variant: &BTreeMap<usize, Vec<(PathBuf, Vec<u32>)>>, out: &Path, cal: &Calibration, formats: Formats) -> Result<()> {
    let vary: Vec<&str> = l.columns.iter().map(String::as_str).collect();
    // a varied path's column is a number column if every value is a number, else text
    let mut variant_columns = vec![("variant", Kind::Int), ("scenario", Kind::Key), ("seed", Kind::U64), ("runs", Kind::Int), ("counterfactual", Kind::Bool)];
    for (k, path) in vary.iter().enumerate() {
        let numeric = l.variants.iter().all(|v| matches!(v.values.get(k), Some(toml::Value::Integer(_) | toml::Value::Float(_))));
        variant_columns.push((*path, if numeric { Kind::Num } else { Kind::Text }));
    }
    let mut variants_csv = TableFile::create(out, "variants", &variant_columns, formats)?;
    let mut summary_csv = TableFile::create(out, "summary", &summary_columns(true), formats)?;
    let mut annual_csv = TableFile::create(out, "annual", &summary_columns(true), formats)?;
    let mut indicators_csv = TableFile::create(out, "indicators", &INDICATOR_COLUMNS, formats)?;
    let mut means = Vec::new();
    let mut saturated = 0;
    for v in &l.variants {
        let keep = keeps_summary(l, v.id);
        let sc = &l.scenarios[v.id];
        let init = cal.init(sc.base);
        let pre = Prepared::new(sc, &init);
        // (the full summary only where the design keeps it, as `run_variant` wrote it)
        let new_summary = || keep.then(|| Summary::new(sc, &init, &pre.layout));
        let (mut summary, mut ind) = (new_summary(), Indicators::new(sc, &init, &pre.layout));
        for (p, _) in &by_variant[&v.id] {
            let (h, body) = read_state(p).map_err(|e| damaged_hint(e, p.parent().and_then(Path::parent).unwrap_or(Path::new("."))))?;
            let (mut s, mut i) = (new_summary(), Indicators::new(sc, &init, &pre.layout));
            let mut input = body.as_slice();
            let mut count = 0;
            for sk in s.iter_mut().flat_map(Summary::sketches_mut).chain(i.sketches_mut()) {
                *sk = Sketch::decode(&mut input).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                count += 1;
            }
            if count != h.sketches || !input.is_empty() {
                anyhow::bail!("{}: holds {} sketches, the variant needs {count}", p.display(), h.sketches);
            }
            if let (Some(summary), Some(s)) = (summary.as_mut(), s.as_mut()) {
                s.runs = h.runs;
                summary.merge(s);
            }
            ind.merge(&i);
        }
        let cf = l.counterfactuals[v.id].is_some();
        let mut rec = vec![v.id.to_string(), l.batch.entries[v.entry].path.clone(), sc.seed.to_string(), sc.runs.to_string(), cf.to_string()];
        rec.extend(v.values.iter().map(overrides::show));
        variants_csv.row(rec)?;
        if let Some(summary) = &summary {
            write_summary_rows(&mut summary_csv, &mut annual_csv, v.id, summary)?;
        }
        write_indicator_rows(&mut indicators_csv, v.id, &ind, &init.economies, cf)?;
        if !matches!(l.analysis, Analysis::None) {
            means.push(analysis::indicator_means(&ind, &init.economies));
        }
        saturated += summary.as_ref().map_or(0, Summary::saturated) + ind.sketches().filter(|s| s.saturated()).count();
    }
    for f in [variants_csv, summary_csv, annual_csv, indicators_csv] {
        f.finish()?;
    }

    // Charts and the page, drawn from the files just written (as `run` does).
    let seed = l.plan.seed_override.unwrap_or(l.batch.seed);
    let design = match &l.batch.design {
        Design::Grid | Design::Points | Design::Lhs { .. } => format!("{:?}", l.batch.design).to_lowercase(),
        d => d.name().to_owned(),
    };
    let state_files: BTreeMap<usize, Vec<PathBuf>> = by_variant.iter().map(|(v, s)| (*v, s.iter().map(|(p, _)| p.clone()).collect())).collect();
    let (analysis_files, analysis_html) = analysis::write(&l.analysis, &l.batch, seed, &l.runs, &state_files, &means, l.scenarios.last(), cal, out)?;
    let mut files: Vec<String> = ["variants", "summary", "annual", "indicators"].iter().flat_map(|s| formats.files(s)).collect();
    files.push("manifest.json".into());
    files.extend(analysis_files);
    // none with Parquet alone
    if formats.csv {
        let data = BatchData::load(out).map_err(|e| anyhow::anyhow!("cannot read back the results: {e}"))?;
        // the result directory is a fresh temporary one (`open_out`): draw straight into it
        let charts_dir = out.join("charts");
        let mut drawn = if matches!(l.analysis, Analysis::Attribution(_)) { Vec::new() } else { charts::batch::draw_sweep(&data, &charts_dir, Format::Png)? };
        drawn.extend(charts::analysis::draw(out, &charts_dir, Format::Png)?);
        let runs: std::collections::BTreeSet<u32> = l.runs.iter().copied().collect();
        let runs: Vec<String> = runs.iter().map(u32::to_string).collect();
        let meta = format!(
            "{design} design, {} variants, {} runs per variant{}, seed {seed}; tradesim {}. Batch file {}.",
            l.variants.len(),
            runs.join(" or "),
            if l.counterfactuals.iter().any(Option::is_some) { " (plus as many counterfactual runs)" } else { "" },
            env!("CARGO_PKG_VERSION"),
            l.plan.batch_file
        );
        batch_report::write_index_with(out, &l.batch.name, &l.batch.description, &meta, &data, &drawn, &analysis_html)?;
        files.extend(drawn.into_iter().map(|c| c.file));
        files.push("index.html".into());
        files.extend(crate::output::vega::script_files());
    }
    let manifest = BatchManifest {
        command_line: command_line(),
        batch: l.batch.name.clone(),
        description: l.batch.description.clone(),
        batch_file: l.plan.batch_file.clone(),
        fingerprint: l.plan.fingerprint.clone(),
        seed,
        design,
        variants: l.variants.len(),
        runs_per_variant: l.runs.clone(),
        block: l.batch.block,
        quantile_relative_error: ALPHA,
        seeds: if l.batch.design.common_seed() {
            "common random numbers: every variant of scenario entry e uses the seed rng::variant_seed(batch seed, e) (SplitMix64); run r of a variant uses rng::run_rng(that seed, r)".into()
        } else {
            "variant seed = rng::variant_seed(batch seed, variant) (SplitMix64); run r of a variant uses rng::run_rng(variant seed, r)".into()
        },
        indicators: "end year = the last full calendar year; trade = recorded customs flows (direct plus transit legs), both directions, USD; rule_fired_share: mean = share of runs in which the rule fired by the end; ru_gdp_ratio_of_medians_to_counterfactual: median of Russia's end-year GDP over the median of the same variant with all levers and rules removed (same seed), a ratio of medians, in p50 only".into(),
        tradesim_version: crate::output::VERSION.to_owned(),
        git_commit: crate::output::GIT_COMMIT.to_owned(),
        calibration_sha256: cal.sha256.clone(),
        files,
        warnings: saturation_warning(saturated).into_iter().collect(),
    };
    write_atomic(&out.join("manifest.json"), (serde_json::to_string_pretty(&manifest)? + "\n").as_bytes())?;
    Ok(())
}
