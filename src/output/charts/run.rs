//! The charts of a run (`run`, `plot`): a pair's trade with both directions and the total,
//! where Russia's trade goes, the sectors of US–Russia trade, tension with the policy rules
//! fired, and trade rerouted through transit economies; plus any pair and sector on request.
//! Drawn from a result directory read back (`reader::RunData`), with lever markers and the
//! base-year data.

use crate::output::chart_kit::{economy_colour, sector_colour, sum_quantiles, ChartFile, Format, Quantiles, BN, SUM_NOTE, TOTAL_COLOUR, USD_BN};
use crate::output::charts::figure::{line, save, Bands, Body, DataPoint, Dash, Figure, Layer, Line, Marker, Marks, Panel, YFormat, STACK_MIN_SHARE};
use crate::output::reader::{RunData, Table};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

fn bn(v: Vec<Quantiles>) -> Vec<Quantiles> {
    v.into_iter().map(|q| q.scale(BN)).collect()
}

/// A pair's trade in one sector with both directions added, USD bn per year (per quantile,
/// so the band is approximate: see `SUM_NOTE`).
pub(super) fn two_way(run: &RunData, a: &str, b: &str, sector: &str) -> Vec<Quantiles> {
    sum_quantiles(&bn(run.summary.series("trade", a, b, sector)), &bn(run.summary.series("trade", b, a, sector)))
}

/// Markers for the scheduled levers' starts and ends, one per date (levers starting together
/// share one; the figure merges nearby dates when its legend has no room for each).
pub fn lever_markers(run: &RunData) -> Vec<Marker> {
    markers_of(std::slice::from_ref(run))
}

/// The lever markers of several runs (compare): each lever's start and end once.
pub fn markers_of(runs: &[RunData]) -> Vec<Marker> {
    let mut by_date: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for run in runs {
        for l in &run.manifest.levers {
            let mut add = |date: &str, name: String| {
                let v = by_date.entry(date.to_owned()).or_default();
                if !v.contains(&name) {
                    v.push(name);
                }
            };
            add(&l.start, l.id.clone());
            if let Some(e) = &l.end {
                add(e, format!("end {}", l.id));
            }
        }
    }
    by_date
        .into_iter()
        .filter_map(|(date, names)| {
            let x = Table::month_x(&date)?;
            Some(Marker { x, label: date, names })
        })
        .collect()
}

/// Where the world price data end (manifest `world_price_data_end`), for the time charts.
pub fn data_end(run: &RunData) -> Option<(f64, String)> {
    let d = run.manifest.world_price_data_end.as_deref()?;
    let x = Table::month_x(d)?;
    Some((x, format!("world price data end: random price path from {d}")))
}

/// Pair trade (both directions and total) for one sector, in USD bn per year.
fn pair_lines(run: &RunData, a: &str, b: &str, sector: &str) -> Vec<Line> {
    let ab = bn(run.summary.series("trade", a, b, sector));
    let ba = bn(run.summary.series("trade", b, a, sector));
    let total = sum_quantiles(&ab, &ba);
    vec![
        line(format!("{a}–{b} total"), TOTAL_COLOUR, total),
        line(format!("{a}→{b} ({a} exports)"), economy_colour(a), ab),
        line(format!("{b}→{a} ({b} exports)"), economy_colour(b), ba),
    ]
}

fn base_points(run: &RunData, a: &str, b: &str, sector: &str) -> Vec<DataPoint> {
    let label = format!("data {}", run.manifest.base);
    let x = run.manifest.base as f64 + 0.5;
    let (Some(ab), Some(ba)) = (run.base_trade(a, b, sector), run.base_trade(b, a, sector)) else { return Vec::new() };
    vec![
        DataPoint { x, y: (ab + ba) * BN, colour: TOTAL_COLOUR, label: label.clone() },
        DataPoint { x, y: ab * BN, colour: economy_colour(a), label: label.clone() },
        DataPoint { x, y: ba * BN, colour: economy_colour(b), label },
    ]
}

fn panel(title: impl Into<String>, y_label: &str, run: &RunData, body: Body) -> Panel {
    let mut p = Panel::new(title, y_label, run.x_range(), body);
    p.markers = lever_markers(run);
    p.data_end = data_end(run);
    p
}

/// A difference panel: the paired differences against the baseline, a zero line.
fn diff_panel(title: impl Into<String>, y_label: &str, run: &RunData, lines: Vec<Line>) -> Panel {
    let mut p = panel(title, y_label, run, Body::Lines(lines));
    p.h_lines = vec![0.0];
    p
}

/// A series of the per-step paired differences (`<metric>_diff`), if the run has them.
fn diff_series(run: &RunData, metric: &str, a: &str, b: &str, sector: &str) -> Option<Vec<Quantiles>> {
    run.vs_baseline.as_ref()?.step.series_opt(&format!("{metric}_diff"), a, b, sector)
}

fn baseline_name(run: &RunData) -> String {
    run.vs_baseline.as_ref().map_or_else(|| "baseline".to_owned(), |v| v.scenario.clone())
}

/// A pair's trade (both directions and total) in one sector: `us_ru_trade` and `pair_*`.
pub fn pair_figure(run: &RunData, a: &str, b: &str, sector: &str) -> Figure {
    let what = if sector == "all" { "all sectors".to_owned() } else { format!("sector {sector}") };
    let mut p = panel(format!("{a}–{b} trade, {what}: median with 50% and 90% bands"), USD_BN, run, Body::Lines(pair_lines(run, a, b, sector)));
    p.points = base_points(run, a, b, sector);
    let mut panels = vec![p];
    let mut footnote = SUM_NOTE.to_owned();
    if let (Some(ab), Some(ba)) = (diff_series(run, "trade", a, b, sector), diff_series(run, "trade", b, a, sector)) {
        let lines = vec![line(format!("{a}→{b}"), economy_colour(a), bn(ab)), line(format!("{b}→{a}"), economy_colour(b), bn(ba))];
        panels.push(diff_panel(format!("Difference from {}: paired by run (same seeds), median with 50% and 90% bands", baseline_name(run)), "USD bn per year, scenario − baseline", run, lines));
        footnote = format!("{SUM_NOTE} Differences: each run minus the baseline run with the same seed (vs_baseline.csv).");
    }
    Figure { title: format!("{}: {a}–{b} trade ({what})", run.manifest.scenario), panels, footnote: Some(footnote) }
}

/// Russia's total trade (exports + imports) with each partner.
pub fn partners_figure(run: &RunData, focus: &str) -> Figure {
    let lines: Vec<Line> = run
        .manifest
        .economies
        .iter()
        .filter(|e| e.as_str() != focus)
        .map(|p| {
            // 50% bands only: six overlapping 90% bands turn into one muddy area.
            Line { bands: Bands::Inner, ..line(format!("{focus}–{p}"), economy_colour(p), two_way(run, focus, p, "all")) }
        })
        .collect();
    let p = panel(format!("{focus}'s trade (exports + imports) with each partner: median and 50% band"), USD_BN, run, Body::Lines(lines));
    let mut panels = vec![p];
    let diffs: Vec<Line> = run
        .manifest
        .economies
        .iter()
        .filter(|e| e.as_str() != focus)
        .filter_map(|p| {
            let (x, y) = (diff_series(run, "trade", focus, p, "all")?, diff_series(run, "trade", p, focus, "all")?);
            Some(Line { bands: Bands::Inner, ..line(format!("{focus}–{p}"), economy_colour(p), sum_quantiles(&bn(x), &bn(y))) })
        })
        .collect();
    if !diffs.is_empty() {
        panels.push(diff_panel(format!("Difference from {}: paired by run, median and 50% band", baseline_name(run)), "USD bn per year, scenario − baseline", run, diffs));
    }
    let note = format!("{SUM_NOTE} Only the 50% band (p25–p75) is drawn per partner; every quantile is in summary.csv.");
    Figure { title: format!("{}: where {focus}'s trade goes", run.manifest.scenario), panels, footnote: Some(note) }
}

/// A pair's trade by sector, stacked medians (both directions added).
pub fn sectors_figure(run: &RunData, a: &str, b: &str) -> Figure {
    let layers: Vec<Layer> = run
        .manifest
        .sectors
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let values: Vec<(f64, f64)> = two_way(run, a, b, s).iter().map(|q| (q.x, q.p50)).collect();
            // The last value in the label: a thin layer is still named with its size.
            let last = values.last().map_or(f64::NAN, |v| v.1);
            let label = match last {
                v if !v.is_finite() => s.clone(),
                v if v < 0.1 => format!("{s} ({v:.2} bn at the end)"),
                v => format!("{s} ({v:.1} bn at the end)"),
            };
            Layer { label, colour: sector_colour(k), values }
        })
        .collect();
    let p = panel(format!("{a}–{b} trade by sector (both directions), stacked medians"), USD_BN, run, Body::Stacked(layers));
    Figure {
        title: format!("{}: which sectors carry the change in {a}–{b} trade", run.manifest.scenario),
        panels: vec![p],
        footnote: Some(format!(
            "Each layer is the sector's median (sum of both directions' medians); the stack's top is not the median of the total. Layers with trade are drawn at least {:.1}% of the axis high (about 2 px), so small sectors stay visible.",
            STACK_MIN_SHARE * 100.0
        )),
    }
}

/// Tension of every pair involving each focus economy, and the share of runs in which each
/// policy rule has fired.
pub fn tension_figure(run: &RunData, focus: &[&str]) -> Figure {
    let mut panels = Vec::new();
    for &f in focus {
        let lines: Vec<Line> = run
            .manifest
            .economies
            .iter()
            .filter(|e| e.as_str() != f)
            .map(|p| {
                // Tension rows name each pair once, in economy order.
                let s = run.summary.series_opt("tension", f, p, "").or_else(|| run.summary.series_opt("tension", p, f, "")).unwrap_or_default();
                Line { bands: Bands::Inner, ..line(format!("{f}–{p}"), pair_colour(focus, f, p), s) }
            })
            .collect();
        let mut pn = panel(format!("Tension between {f} and each partner (0 = none, 1 = maximal): median and 50% band"), "tension index (0-1)", run, Body::Lines(lines));
        pn.y_range = Some((0.0, 1.0));
        panels.push(pn);
    }
    if let Some(&f) = focus.first() {
        let diffs: Vec<Line> = run
            .manifest
            .economies
            .iter()
            .filter(|e| e.as_str() != f)
            .filter_map(|p| {
                let s = diff_series(run, "tension", f, p, "").or_else(|| diff_series(run, "tension", p, f, ""))?;
                Some(Line { bands: Bands::Inner, ..line(format!("{f}–{p}"), pair_colour(focus, f, p), s) })
            })
            .collect();
        if !diffs.is_empty() {
            panels.push(diff_panel(format!("Tension of {f}: difference from {}, paired by run, median and 50% band", baseline_name(run)), "tension, scenario − baseline", run, diffs));
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let rules: Vec<Line> = run
        .summary
        .rule_series()
        .into_iter()
        .map(|(by, targets, id, points)| {
            let k = seen.entry(by.clone()).or_insert(0);
            let dash = [Dash::Solid, Dash::Dashed, Dash::Dotted][*k % 3];
            *k += 1;
            Line { label: format!("{id} ({by}→{targets})"), colour: economy_colour(&by), dash, bands: Bands::None, marks: Marks::None, points }
        })
        .collect();
    let empty = rules.is_empty();
    let mut pn = panel("Share of runs in which each policy rule has fired by each date", "share of runs", run, Body::Lines(rules));
    pn.y_range = Some((0.0, 1.05));
    pn.y_format = YFormat::Percent;
    pn.empty_note = empty.then(|| "this scenario has no policy rules".to_owned());
    panels.push(pn);
    Figure { title: format!("{}: tension and government responses", run.manifest.scenario), panels, footnote: None }
}

/// The colour of a pair's line in the tension chart: the partner's, except the pair of two
/// focus economies (RU–US appears in both panels), which is near-black in both.
fn pair_colour(focus: &[&str], f: &str, p: &str) -> plotters::style::RGBColor {
    if focus.contains(&p) && focus.contains(&f) {
        TOTAL_COLOUR
    } else {
        economy_colour(p)
    }
}

/// Trade rerouted through transit economies because of bans, by origin and destination: one
/// panel into `focus`, one out of it, one for the rest (if any). Colour = the partner.
pub fn transit_figure(run: &RunData, focus: &str) -> Figure {
    let all = run.summary.transit_pairs();
    let mut into = Vec::new();
    let mut out = Vec::new();
    let mut other = Vec::new();
    for (e, i) in all {
        let s = bn(run.summary.series("transit", &e, &i, "all"));
        if i == focus {
            into.push(line(format!("{e}→{i} via third countries"), economy_colour(&e), s));
        } else if e == focus {
            out.push(line(format!("{e}→{i} via third countries"), economy_colour(&i), s));
        } else {
            other.push(line(format!("{e}→{i} via third countries"), economy_colour(&e), s));
        }
    }
    let mut panels = Vec::new();
    for (title, lines) in [(format!("Rerouted exports to {focus}, by origin"), into), (format!("Rerouted exports from {focus}, by destination"), out)] {
        let empty = lines.is_empty();
        let mut p = panel(title, USD_BN, run, Body::Lines(lines));
        p.empty_note = empty.then(|| "no trade rerouted in this scenario".to_owned());
        panels.push(p);
    }
    if !other.is_empty() {
        panels.push(panel("Other rerouted trade", USD_BN, run, Body::Lines(other)));
    }
    Figure {
        title: format!("{}: trade routed through transit economies because of bans", run.manifest.scenario),
        panels,
        footnote: Some("Value at the final destination, by origin exporter and final importer (metric `transit`).".into()),
    }
}

/// The charts every run draws, by file stem.
pub const RUN_CHARTS: [&str; 5] = ["us_ru_trade", "russia_partners", "us_ru_sectors", "tension", "transit"];

/// Draw every chart of a run into `dir` (created if needed); returns what was written, with
/// file names relative to the run directory (`charts/<name>.<ext>`).
pub fn draw_run(run: &RunData, dir: &Path, fmt: Format) -> Result<Vec<ChartFile>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let figures = [
        pair_figure(run, "US", "RU", "all"),
        partners_figure(run, "RU"),
        sectors_figure(run, "US", "RU"),
        tension_figure(run, &["RU", "US"]),
        transit_figure(run, "RU"),
    ];
    // each chart on a thread of the pool it is called in (independent files; same bytes)
    let figures: Vec<_> = RUN_CHARTS.iter().zip(figures).collect();
    figures
        .into_par_iter()
        .map(|(name, fig)| {
            let file = format!("{name}.{}", fmt.ext());
            save(&fig, &dir.join(&file), fmt)?;
            Ok(ChartFile { file: format!("charts/{file}"), title: fig.title.clone(), spec: Some(crate::output::vega::spec_text(&fig)) })
        })
        .collect()
}

/// Draw one pair's trade in one sector as `pair_<A>-<B>_<sector>.<ext>`.
pub fn draw_pair(run: &RunData, dir: &Path, fmt: Format, a: &str, b: &str, sector: &str) -> Result<ChartFile> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let fig = pair_figure(run, a, b, sector);
    let file = format!("pair_{a}-{b}_{sector}.{}", fmt.ext());
    save(&fig, &dir.join(&file), fmt)?;
    Ok(ChartFile { file: format!("charts/{file}"), spec: Some(crate::output::vega::spec_text(&fig)), title: fig.title })
}
