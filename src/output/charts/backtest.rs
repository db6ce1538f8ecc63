//! The chart of `backtest`, `backtest.png`: one panel per observed pair with the simulated
//! median, its 90% fan (p05..p95) over the run's calendar years, and the observed values as
//! points.

use crate::backtest::{Row, Simulated};
use crate::output::charts::figure::{init_font, number_ticks, year_label};
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;

const SANS: &str = "sans-serif";

/// Colours, public so tests can look for them in the pixels: the simulated median and its
/// band in the house's near-black total colour, the observed points in the RU red.
pub const MEDIAN: RGBColor = RGBColor(40, 40, 40);
/// The 90% fan: the median's colour at the 90% band's alpha over white (`ALPHA_90`), opaque.
pub const FAN: RGBColor = RGBColor(223, 223, 223);
pub const OBSERVED: RGBColor = RGBColor(214, 39, 40);
/// At most this many panels (pairs) are drawn; the CSV has them all.
pub const MAX_PANELS: usize = 36;

fn err<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> anyhow::Error + '_ {
    move |e| anyhow!("cannot draw {}: {e}", path.display())
}

/// A y tick label: the decimals the round ticks need (the same rule as the sweep axes).
fn y_tick(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

/// Draw the chart. `sim` holds the simulated distribution of every pair and full year of the
/// run; `rows` the backtest table (observed points). The house style of the other charts:
/// the shipped DejaVu Sans at even sizes, a legend strip, a light grid, whole-year x ticks
/// and round y ticks.
pub fn write_chart(path: &Path, title: &str, rows: &[Row], sim: &[Simulated]) -> Result<()> {
    init_font();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for r in rows {
        let p = (r.exporter.clone(), r.importer.clone());
        if !pairs.contains(&p) {
            pairs.push(p);
        }
    }
    let shown = pairs.len().min(MAX_PANELS);
    let cols = (shown as f64).sqrt().ceil().clamp(1.0, 4.0) as usize;
    let nrows = shown.div_ceil(cols).max(1);
    let (pw, ph) = (420u32, 320u32);
    let head = 84u32;
    let root = BitMapBackend::new(path, (pw * cols as u32, ph * nrows as u32 + head)).into_drawing_area();
    root.fill(&WHITE).map_err(err(path))?;
    let (top, body) = root.split_vertically(head);
    let mut caption = format!("{title}: simulated against observed trade, USD bn per calendar year");
    if pairs.len() > shown {
        caption.push_str(&format!(" (first {shown} of {} pairs)", pairs.len()));
    }
    top.draw(&Text::new(caption, (16, 10), (SANS, 20).into_font().color(&BLACK))).map_err(err(path))?;
    // The legend, in a strip under the title (never over data).
    let note = (SANS, 14).into_font().color(&RGBColor(60, 60, 60));
    let y = 56;
    top.draw(&Rectangle::new([(16, y - 7), (44, y + 7)], FAN.filled())).map_err(err(path))?;
    top.draw(&PathElement::new(vec![(16, y), (44, y)], MEDIAN.stroke_width(2))).map_err(err(path))?;
    top.draw(&Text::new("simulated median and 90% band (p05–p95)", (52, y - 8), note.clone())).map_err(err(path))?;
    top.draw(&Circle::new((372, y), 5, OBSERVED.filled())).map_err(err(path))?;
    top.draw(&Text::new("observed (the file given with --actual)", (384, y - 8), note)).map_err(err(path))?;
    let panels = body.split_evenly((nrows, cols));
    for ((e, i), area) in pairs.iter().take(shown).zip(panels.iter()) {
        let mut fan: Vec<&Simulated> = sim.iter().filter(|s| &s.exporter == e && &s.importer == i).collect();
        fan.sort_by_key(|s| s.year);
        let points: Vec<(i32, f64)> = rows.iter().filter(|r| &r.exporter == e && &r.importer == i).map(|r| (r.year, r.observed / 1e9)).collect();
        let years = fan.iter().map(|s| s.year).chain(points.iter().map(|p| p.0));
        let (y0, y1) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
        let (x0, x1) = (y0 as f64 - 0.5, y1 as f64 + 0.5);
        let vmax = fan.iter().map(|s| s.p95 / 1e9).chain(points.iter().map(|p| p.1)).fold(0.0, f64::max);
        let vmax = if vmax > 0.0 { vmax * 1.1 } else { 1.0 };
        let (_, decimals) = number_ticks(0.0, vmax);
        let every = ((y1 - y0).max(0) / 6 + 1).max(1);
        let n_labels = ((y1 - y0).max(0) / every + 2) as usize;
        let mut chart = ChartBuilder::on(area)
            .caption(format!("{e} → {i}"), (SANS, 16))
            .margin(8)
            .x_label_area_size(26)
            .y_label_area_size(52)
            .build_cartesian_2d(x0..x1, 0.0..vmax)
            .map_err(err(path))?;
        chart
            .configure_mesh()
            .x_labels(n_labels)
            .y_labels(6)
            // Whole years only, labelled "2014" (never "2014.5"): other key points stay blank.
            .x_label_formatter(&|x| if (x - x.round()).abs() < 1e-9 { year_label(*x) } else { String::new() })
            .y_label_formatter(&|v| y_tick(*v, decimals))
            .label_style((SANS, 14))
            .bold_line_style(RGBColor(235, 235, 235))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(err(path))?;
        if !fan.is_empty() {
            let mut band: Vec<(f64, f64)> = fan.iter().map(|s| (s.year as f64, s.p95 / 1e9)).collect();
            band.extend(fan.iter().rev().map(|s| (s.year as f64, s.p05 / 1e9)));
            chart.draw_series(std::iter::once(Polygon::new(band, FAN.filled()))).map_err(err(path))?;
            chart.draw_series(LineSeries::new(fan.iter().map(|s| (s.year as f64, s.p50 / 1e9)), MEDIAN.stroke_width(2))).map_err(err(path))?;
        }
        chart.draw_series(points.iter().map(|&(y, v)| Circle::new((y as f64, v), 5, OBSERVED.filled()))).map_err(err(path))?;
    }
    root.present().map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}
