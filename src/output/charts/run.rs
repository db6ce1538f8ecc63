//! The charts of a run (`run`, `plot`): a pair's trade with both directions and the total,
//! where Russia's trade goes, the sectors of US–Russia trade, tension with the policy rules
//! fired, and trade rerouted through transit economies; plus any pair and sector on request.
//! Drawn from a result directory read back (`reader::RunData`), with lever markers and the
//! base-year data.

use crate::output::chart_kit::{economy_colour, sector_colour, sum_quantiles, ChartFile, Format, Quantiles, BN, SUM_NOTE, TOTAL_COLOUR, USD_BN};
use crate::output::charts::figure::{line, save, Bands, Body, DataPoint, Dash, Figure, Layer, Line, Marker, Marks, Panel, XAxis, YFormat};
use crate::output::reader::{RunData, Table};
use anyhow::{Context, Result};
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

/// Markers for the levers' starts and ends, one per date (levers starting together share one).
pub fn lever_markers(run: &RunData) -> Vec<Marker> {
    let mut by_date: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in &run.manifest.levers {
        by_date.entry(l.start.clone()).or_default().push(l.id.clone());
        if let Some(e) = &l.end {
            by_date.entry(e.clone()).or_default().push(format!("end {}", l.id));
        }
    }
    by_date
        .into_iter()
        .filter_map(|(date, ids)| {
            let x = Table::month_x(&date)?;
            Some(Marker { x, label: format!("{date}: {}", ids.join(", ")) })
        })
        .collect()
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
    Panel {
        title: title.into(),
        y_label: y_label.to_owned(),
        y_format: YFormat::Number,
        x_axis: XAxis::Year,
        x_range: run.x_range(),
        y_range: None,
        body,
        markers: lever_markers(run),
        points: Vec::new(),
        empty_note: None,
    }
}

/// A pair's trade (both directions and total) in one sector: `us_ru_trade` and `pair_*`.
pub fn pair_figure(run: &RunData, a: &str, b: &str, sector: &str) -> Figure {
    let what = if sector == "all" { "all sectors".to_owned() } else { format!("sector {sector}") };
    let mut p = panel(format!("{a}–{b} trade, {what}: median with 50% and 90% bands"), USD_BN, run, Body::Lines(pair_lines(run, a, b, sector)));
    p.points = base_points(run, a, b, sector);
    Figure { title: format!("{}: {a}–{b} trade ({what})", run.manifest.scenario), panels: vec![p], footnote: Some(SUM_NOTE.into()) }
}

/// Russia's total trade (exports + imports) with each partner.
pub fn partners_figure(run: &RunData, focus: &str) -> Figure {
    let lines: Vec<Line> = run
        .manifest
        .economies
        .iter()
        .filter(|e| e.as_str() != focus)
        .map(|p| {
            line(format!("{focus}–{p}"), economy_colour(p), two_way(run, focus, p, "all"))
        })
        .collect();
    let p = panel(format!("{focus}'s trade (exports + imports) with each partner"), USD_BN, run, Body::Lines(lines));
    Figure { title: format!("{}: where {focus}'s trade goes", run.manifest.scenario), panels: vec![p], footnote: Some(SUM_NOTE.into()) }
}

/// A pair's trade by sector, stacked medians (both directions added).
pub fn sectors_figure(run: &RunData, a: &str, b: &str) -> Figure {
    let layers: Vec<Layer> = run
        .manifest
        .sectors
        .iter()
        .enumerate()
        .map(|(k, s)| {
            Layer { label: s.clone(), colour: sector_colour(k), values: two_way(run, a, b, s).iter().map(|q| (q.x, q.p50)).collect() }
        })
        .collect();
    let p = panel(format!("{a}–{b} trade by sector (both directions), stacked medians"), USD_BN, run, Body::Stacked(layers));
    Figure {
        title: format!("{}: which sectors carry the change in {a}–{b} trade", run.manifest.scenario),
        panels: vec![p],
        footnote: Some("Each layer is the sector's median (sum of both directions' medians); the stack's top is not the median of the total.".into()),
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
                line(format!("{f}–{p}"), economy_colour(p), s)
            })
            .collect();
        let mut pn = panel(format!("Tension between {f} and each partner (0 = none, 1 = maximal)"), "tension index (0-1)", run, Body::Lines(lines));
        pn.y_range = Some((0.0, 1.0));
        panels.push(pn);
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
    let figures = RUN_CHARTS.iter().zip(figures);
    let mut files = Vec::new();
    for (name, fig) in figures {
        let file = format!("{name}.{}", fmt.ext());
        save(&fig, &dir.join(&file), fmt)?;
        files.push(ChartFile { file: format!("charts/{file}"), title: fig.title.clone() });
    }
    Ok(files)
}

/// Draw one pair's trade in one sector as `pair_<A>-<B>_<sector>.<ext>`.
pub fn draw_pair(run: &RunData, dir: &Path, fmt: Format, a: &str, b: &str, sector: &str) -> Result<ChartFile> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let fig = pair_figure(run, a, b, sector);
    let file = format!("pair_{a}-{b}_{sector}.{}", fmt.ext());
    save(&fig, &dir.join(&file), fmt)?;
    Ok(ChartFile { file: format!("charts/{file}"), title: fig.title })
}
