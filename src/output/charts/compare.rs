//! The chart of `compare`: several scenarios' trade of one pair and sector overlaid, each a
//! median line with its 90% band in its own colour.

use crate::output::chart_kit::{scenario_colour, Format, SUM_NOTE, USD_BN};
use crate::output::charts::figure::{line, save, Bands, Body, Figure, Line, Panel, XAxis, YFormat};
use crate::output::charts::run::two_way;
use crate::output::reader::RunData;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Several scenarios' trade of one pair and sector overlaid: each a median with its 90% band.
pub fn draw_compare(runs: &[RunData], a: &str, b: &str, sector: &str, path: &Path, fmt: Format) -> Result<PathBuf> {
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
    let fig = Figure {
        title: format!("{a}–{b} trade ({what}), both directions: scenarios compared"),
        panels: vec![Panel {
            title: "median and 90% band (p05–p95) per scenario".into(),
            y_label: USD_BN.into(),
            y_format: YFormat::Number,
            x_axis: XAxis::Year,
            x_range: (x0, x1),
            y_range: None,
            body: Body::Lines(lines),
            markers: Vec::new(),
            points: Vec::new(),
            empty_note: None,
        }],
        footnote: Some(SUM_NOTE.into()),
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    save(&fig, path, fmt)?;
    Ok(path.to_path_buf())
}
