//! The chart of `tradesim discover` (prim.png): the peeling trajectory's coverage against
//! density with the chosen box marked, and the chosen box's limits in each dimension it
//! restricts (as a share of the data's range).

use crate::discover::{Data, Prim};
use crate::output::chart_kit::{sector_colour, Quantiles, TOTAL_COLOUR};
use crate::output::charts::figure::{save, Bands, Body, Dash, Figure, Line, Marks, Panel, XAxis, YFormat};
use crate::output::chart_kit::Format;
use anyhow::Result;
use std::path::Path;

fn at(x: f64, y: f64) -> Quantiles {
    Quantiles { x, p05: y, p25: y, p50: y, p75: y, p95: y }
}

pub fn draw(path: &Path, d: &Data, r: &Prim, outcome: &str) -> Result<()> {
    let trade = vec![
        Line { label: "peeling trajectory".into(), colour: TOTAL_COLOUR, dash: Dash::Solid, bands: Bands::None, marks: Marks::Dots, points: r.trajectory.iter().map(|b| at(b.coverage, b.density)).collect() },
        Line { label: format!("chosen box (step {})", r.chosen), colour: sector_colour(1), dash: Dash::Solid, bands: Bands::None, marks: Marks::DotsOnly, points: vec![at(r.trajectory[r.chosen].coverage, r.trajectory[r.chosen].density)] },
        Line { label: "after pasting".into(), colour: sector_colour(0), dash: Dash::Solid, bands: Bands::None, marks: Marks::DotsOnly, points: vec![at(r.pasted.coverage, r.pasted.density)] },
    ];
    let b = &r.pasted;
    let restricted = b.restricted(&r.data_lo, &r.data_hi);
    let limits: Vec<Line> = restricted
        .iter()
        .enumerate()
        .map(|(k, &j)| {
            let span = (r.data_hi[j] - r.data_lo[j]).max(1e-300);
            let (lo, hi) = ((b.lo[j] - r.data_lo[j]) / span, (b.hi[j] - r.data_lo[j]) / span);
            Line {
                label: format!("{}: {:.3} to {:.3}", d.names[j], b.lo[j], b.hi[j]),
                colour: sector_colour(k + 2),
                dash: Dash::Solid,
                bands: Bands::Outer,
                marks: Marks::DotsOnly,
                points: vec![Quantiles { x: k as f64 + 1.0, p05: lo, p25: lo, p50: 0.5 * (lo + hi), p75: hi, p95: hi }],
            }
        })
        .collect();
    let fig = Figure {
        title: format!("PRIM: where {outcome}"),
        panels: vec![
            Panel {
                y_format: YFormat::Percent,
                x_axis: XAxis::Number("coverage".into()),
                y_range: Some((0.0, 1.05)),
                ..Panel::new("Coverage (share of the cases inside the box) against density (share of the box that are cases)", "density", (0.0, 1.05), Body::Lines(trade))
            },
            Panel {
                y_format: YFormat::Percent,
                x_axis: XAxis::Categories("restricted dimension".into(), restricted.iter().map(|&j| d.names[j].clone()).collect()),
                bar_note: Some("bar: the box's range in the dimension".into()),
                y_range: Some((0.0, 1.0)),
                empty_note: if restricted.is_empty() { Some("the box restricts no dimension".into()) } else { None },
                ..Panel::new("The chosen box in each dimension it restricts (bar: its range, 0 to 1 = the data's range)", "position in the data's range", (0.5, restricted.len().max(1) as f64 + 0.5), Body::Lines(limits))
            },
        ],
        footnote: Some(format!(
            "Chosen box: coverage {:.2}, density {:.2}, {} of {} variants; prim_trajectory.csv, prim_box.csv.",
            b.coverage,
            b.density,
            b.points,
            d.x.len()
        )),
    };
    save(&fig, path, Format::Png)
}
