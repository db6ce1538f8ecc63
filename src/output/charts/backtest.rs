//! The chart of `backtest`, `backtest.png`: one panel per observed pair with the simulated
//! median, its 90% fan (p05..p95) over the run's calendar years, and the observed values as
//! points.

use crate::backtest::{Row, Simulated};
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

static FONT: Once = Once::new();
const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Register the shipped DejaVu Sans as "sans-serif" (once per process).
fn register_font() {
    FONT.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT_BYTES);
    });
}

/// Colours, public so tests can look for them in the pixels.
pub const FAN: RGBColor = RGBColor(158, 202, 225);
pub const MEDIAN: RGBColor = RGBColor(33, 113, 181);
pub const OBSERVED: RGBColor = RGBColor(215, 48, 31);
/// At most this many panels (pairs) are drawn; the CSV has them all.
pub const MAX_PANELS: usize = 36;

/// Draw the chart. `sim` holds the simulated distribution of every pair and full year of the
/// run; `rows` the backtest table (observed points).
pub fn write_chart(path: &Path, title: &str, rows: &[Row], sim: &[Simulated]) -> Result<()> {
    register_font();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for r in rows {
        let p = (r.exporter.clone(), r.importer.clone());
        if !pairs.contains(&p) {
            pairs.push(p);
        }
    }
    let shown = pairs.len().min(MAX_PANELS);
    let cols = (shown as f64).sqrt().ceil().max(1.0) as usize;
    let nrows = shown.div_ceil(cols).max(1);
    let (pw, ph) = (360u32, 260u32);
    let root = BitMapBackend::new(path, (pw * cols as u32, ph * nrows as u32 + 40)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))?;
    let mut caption = format!("{title}: simulated median and 90% band (blue) vs observed (red), USD bn");
    if pairs.len() > shown {
        caption.push_str(&format!("; first {shown} of {} pairs", pairs.len()));
    }
    let (top, body) = root.split_vertically(40);
    top.titled(&caption, ("sans-serif", 18)).map_err(|e| anyhow!("cannot draw {}: {e}", path.display()))?;
    let panels = body.split_evenly((nrows, cols));
    for ((e, i), area) in pairs.iter().take(shown).zip(panels.iter()) {
        let mut fan: Vec<&Simulated> = sim.iter().filter(|s| &s.exporter == e && &s.importer == i).collect();
        fan.sort_by_key(|s| s.year);
        let points: Vec<(i32, f64)> = rows.iter().filter(|r| &r.exporter == e && &r.importer == i).map(|r| (r.year, r.observed / 1e9)).collect();
        let years = fan.iter().map(|s| s.year).chain(points.iter().map(|p| p.0));
        let (y0, y1) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
        let (x0, x1) = if y0 == y1 { (y0 as f64 - 0.5, y1 as f64 + 0.5) } else { (y0 as f64, y1 as f64) };
        let vmax = fan.iter().map(|s| s.p95 / 1e9).chain(points.iter().map(|p| p.1)).fold(0.0, f64::max);
        let vmax = if vmax > 0.0 { vmax * 1.1 } else { 1.0 };
        let mut chart = ChartBuilder::on(area)
            .caption(format!("{e}→{i}"), ("sans-serif", 15))
            .margin(6)
            .x_label_area_size(22)
            .y_label_area_size(46)
            .build_cartesian_2d(x0..x1, 0.0..vmax)
            .map_err(|e| anyhow!("cannot draw chart: {e}"))?;
        chart
            .configure_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| {
                if vmax >= 100.0 {
                    format!("{y:.0}")
                } else if vmax >= 1.0 {
                    format!("{y:.1}")
                } else {
                    format!("{y:.3}")
                }
            })
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(|e| anyhow!("cannot draw chart: {e}"))?;
        if !fan.is_empty() {
            let mut band: Vec<(f64, f64)> = fan.iter().map(|s| (s.year as f64, s.p95 / 1e9)).collect();
            band.extend(fan.iter().rev().map(|s| (s.year as f64, s.p05 / 1e9)));
            chart.draw_series(std::iter::once(Polygon::new(band, FAN.filled()))).map_err(|e| anyhow!("cannot draw chart: {e}"))?;
            chart
                .draw_series(LineSeries::new(fan.iter().map(|s| (s.year as f64, s.p50 / 1e9)), MEDIAN.stroke_width(2)))
                .map_err(|e| anyhow!("cannot draw chart: {e}"))?;
        }
        chart
            .draw_series(points.iter().map(|&(y, v)| Circle::new((y as f64, v), 4, OBSERVED.filled())))
            .map_err(|e| anyhow!("cannot draw chart: {e}"))?;
    }
    root.present().map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}
