//! The chart of `compare`: several scenarios' trade of one pair and sector overlaid, each a
//! median line with its 90% band in its own colour, the levers of every scenario, and below a
//! difference view: each later scenario minus the first.

use crate::output::chart_kit::{scenario_colour, ChartFile, Format, Quantiles, BN, SUM_NOTE, USD_BN};
use crate::output::charts::figure::{line, save, Bands, Body, Figure, Line, Panel};
use crate::output::charts::run::{data_end, markers_of, two_way};
use crate::output::reader::RunData;
use anyhow::{Context, Result};
use std::path::Path;

/// How a later scenario's difference from the first is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// From the later run's vs_baseline.csv, whose baseline is the first scenario: each run
    /// minus the baseline run with the same seed; the band is the band of those differences.
    Paired,
    /// The difference of the two medians: the runs are not paired, so no band.
    Medians,
}

/// The difference of `later` from `first` in a pair's two-way trade (USD bn per year) and how
/// it was computed; None when the two runs do not share their dates.
pub fn difference(first: &RunData, later: &RunData, a: &str, b: &str, sector: &str) -> Option<(Vec<Quantiles>, DiffKind)> {
    if let Some(vs) = &later.vs_baseline {
        if vs.scenario == first.manifest.scenario {
            if let (Some(ab), Some(ba)) = (vs.step.series_opt("trade_diff", a, b, sector), vs.step.series_opt("trade_diff", b, a, sector)) {
                let sum = crate::output::chart_kit::sum_quantiles(&ab, &ba);
                return Some((sum.into_iter().map(|q| q.scale(BN)).collect(), DiffKind::Paired));
            }
        }
    }
    if first.summary.xs != later.summary.xs {
        return None;
    }
    let (f, l) = (two_way(first, a, b, sector), two_way(later, a, b, sector));
    Some((
        f.iter()
            .zip(&l)
            .map(|(p, q)| {
                let d = q.p50 - p.p50;
                Quantiles { x: q.x, p05: d, p25: d, p50: d, p75: d, p95: d }
            })
            .collect(),
        DiffKind::Medians,
    ))
}

/// Several scenarios' trade of one pair and sector overlaid: each a median with its 90% band;
/// below, each later scenario minus the first. Returns the chart as written (`file` is `path`)
/// with its interactive spec.
pub fn draw_compare(runs: &[RunData], a: &str, b: &str, sector: &str, path: &Path, fmt: Format) -> Result<ChartFile> {
    let x0 = runs.iter().map(|r| r.x_range().0).fold(f64::INFINITY, f64::min);
    let x1 = runs.iter().map(|r| r.x_range().1).fold(f64::NEG_INFINITY, f64::max);
    let lines: Vec<Line> = runs
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let t = two_way(r, a, b, sector);
            // 90% band only: inner bands of several scenarios would clutter the overlay.
            Line { bands: Bands::Outer, ..line(r.manifest.scenario.clone(), scenario_colour(k), t) }
        })
        .collect();
    let what = if sector == "all" { "all sectors".to_owned() } else { format!("sector {sector}") };
    let markers = markers_of(runs);
    let data_end = runs.iter().find_map(data_end);
    let mut top = Panel::new("median and 90% band (p05–p95) per scenario; dashed lines: the scenarios' levers", USD_BN, (x0, x1), Body::Lines(lines));
    top.markers = markers.clone();
    top.data_end = data_end.clone();
    let mut panels = vec![top];
    let mut notes = vec![SUM_NOTE.to_owned()];
    if let Some(first) = runs.first() {
        let mut diffs = Vec::new();
        let mut kinds = Vec::new();
        for (k, r) in runs.iter().enumerate().skip(1) {
            let Some((d, kind)) = difference(first, r, a, b, sector) else { continue };
            let label = match kind {
                DiffKind::Paired => format!("{} − {} (paired runs)", r.manifest.scenario, first.manifest.scenario),
                DiffKind::Medians => format!("{} − {} (medians)", r.manifest.scenario, first.manifest.scenario),
            };
            let bands = if kind == DiffKind::Paired { Bands::Both } else { Bands::None };
            diffs.push(Line { bands, ..line(label, scenario_colour(k), d) });
            kinds.push(kind);
        }
        if !diffs.is_empty() {
            let mut p = Panel::new(format!("Difference from {}", first.manifest.scenario), "USD bn per year, difference", (x0, x1), Body::Lines(diffs));
            p.markers = markers;
            p.data_end = data_end;
            p.h_lines = vec![0.0];
            panels.push(p);
            if kinds.contains(&DiffKind::Paired) {
                notes.push("Paired: each run minus the first scenario's run with the same seed (vs_baseline.csv); the bands are those differences' 50% and 90% bands.".into());
            }
            if kinds.contains(&DiffKind::Medians) {
                notes.push("Medians: the difference of the two medians; no band, since without paired runs (run with a baseline) the spread of a difference is unknown.".into());
            }
        }
    }
    let fig = Figure { title: format!("{a}–{b} trade ({what}), both directions: scenarios compared"), panels, footnote: Some(notes.join(" ")) };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    save(&fig, path, fmt)?;
    Ok(ChartFile { file: path.display().to_string(), spec: Some(crate::output::vega::spec_text(&fig)), title: fig.title })
}
