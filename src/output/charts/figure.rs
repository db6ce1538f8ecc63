//! What a chart is and how it is drawn: a `Figure` of `Panel`s holding median `Line`s with
//! their 50% and 90% bands (or stacked `Layer`s), lever `Marker`s and base-year `DataPoint`s,
//! with a legend strip beside each plot; saved to PNG or SVG with plotters and the DejaVu Sans
//! font shipped in assets/. The run, compare and batch charts build figures and call `save`.

use crate::output::chart_kit::{Format, Quantiles, ALPHA_50, ALPHA_90};
use anyhow::{anyhow, Context, Result};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};
use std::path::Path;
use std::sync::Once;

static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static FONT_ONCE: Once = Once::new();
const SANS: &str = "sans-serif";
// Text sizes are even: plotters' ab_glyph backend truncates half the size plus each glyph's
// top, so at odd sizes small glyphs (periods, commas) sit a pixel higher than the letters and a
// period in `params.gamma` reads as a middle dot.

/// Register the shipped font as "sans-serif" (once per process; no system fonts are used).
pub fn init_font() {
    FONT_ONCE.call_once(|| {
        // The font is compiled in, so it parses; a failure here is a broken build.
        register_font(SANS, FontStyle::Normal, FONT).unwrap_or_else(|_| panic!("assets/fonts/DejaVuSans.ttf is not a valid font"));
    });
}

/// Which bands a line is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bands {
    /// The median only (for shares and other non-quantile series).
    None,
    /// The 90% band (p05-p95) only: for overlays, where inner bands would clutter.
    Outer,
    /// The 90% and the 50% (p25-p75) bands.
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// Dots at a line's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    /// A plain line (time series).
    None,
    /// The line with a dot at every point (a sweep over a grid of parameter values).
    Dots,
    /// Dots only, no line, bands as vertical bars (a scatter of designs without a grid).
    DotsOnly,
}

/// A median line with its bands.
#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    pub colour: RGBColor,
    pub dash: Dash,
    pub bands: Bands,
    pub marks: Marks,
    pub points: Vec<Quantiles>,
}

/// A labelled vertical marker (a lever's start or end).
#[derive(Debug, Clone)]
pub struct Marker {
    pub x: f64,
    pub label: String,
}

/// A single observed value (the base-year data), drawn as a ringed dot.
#[derive(Debug, Clone)]
pub struct DataPoint {
    pub x: f64,
    pub y: f64,
    pub colour: RGBColor,
    pub label: String,
}

/// One layer of a stacked chart.
#[derive(Debug, Clone)]
pub struct Layer {
    pub label: String,
    pub colour: RGBColor,
    pub values: Vec<(f64, f64)>,
}

#[derive(Debug, Clone)]
pub enum Body {
    Lines(Vec<Line>),
    Stacked(Vec<Layer>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum YFormat {
    /// Plain numbers with this many decimals (0 = choose from the range).
    Number,
    /// 0..1 shown as 0%..100%.
    Percent,
}

/// What the x axis shows.
#[derive(Debug, Clone, PartialEq)]
pub enum XAxis {
    /// Fractional years, ticked and labelled at whole years.
    Year,
    /// Plain numbers (a swept parameter), with this axis label.
    Number(String),
}

/// One plot with its own axes and legend.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub y_label: String,
    pub y_format: YFormat,
    pub x_axis: XAxis,
    pub x_range: (f64, f64),
    /// Fixed y range; default 0 to 8% above the highest value drawn.
    pub y_range: Option<(f64, f64)>,
    pub body: Body,
    pub markers: Vec<Marker>,
    pub points: Vec<DataPoint>,
    /// Shown in the plot when there is nothing to draw.
    pub empty_note: Option<String>,
}

/// A titled image of one or more panels stacked vertically.
#[derive(Debug, Clone)]
pub struct Figure {
    pub title: String,
    pub panels: Vec<Panel>,
    pub footnote: Option<String>,
}

const WIDTH: u32 = 1200;
const PANEL_HEIGHT: u32 = 560;
const TITLE_HEIGHT: u32 = 44;
const FOOT_HEIGHT: u32 = 26;
const LEGEND_WIDTH: u32 = 270;

fn ctx<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(|e| anyhow!("cannot draw chart: {e}"))
}

/// Write a figure to `path` (format by argument, not by extension).
pub fn save(fig: &Figure, path: &Path, fmt: Format) -> Result<()> {
    init_font();
    let height = TITLE_HEIGHT + PANEL_HEIGHT * fig.panels.len().max(1) as u32 + if fig.footnote.is_some() { FOOT_HEIGHT } else { 0 };
    match fmt {
        Format::Png => {
            let root = BitMapBackend::new(path, (WIDTH, height)).into_drawing_area();
            draw_figure(&root, fig)?;
            ctx(root.present()).with_context(|| format!("cannot write {}", path.display()))
        }
        Format::Svg => {
            let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
            draw_figure(&root, fig)?;
            ctx(root.present()).with_context(|| format!("cannot write {}", path.display()))
        }
    }
}

fn draw_figure<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<()> {
    ctx(root.fill(&WHITE))?;
    let (title, rest) = root.split_vertically(TITLE_HEIGHT);
    ctx(title.draw(&Text::new(fig.title.clone(), (16, 10), (SANS, 24).into_font().color(&BLACK))))?;
    let rest = if let Some(f) = &fig.footnote {
        let h = rest.dim_in_pixel().1;
        let (body, foot) = rest.split_vertically(h - FOOT_HEIGHT);
        ctx(foot.draw(&Text::new(f.clone(), (16, 4), (SANS, 14).into_font().color(&RGBColor(90, 90, 90)))))?;
        body
    } else {
        rest
    };
    let areas = rest.split_evenly((fig.panels.len().max(1), 1));
    for (area, panel) in areas.iter().zip(&fig.panels) {
        draw_panel(area, panel)?;
    }
    Ok(())
}

/// The label of a year tick: "2024", never "2024.0".
pub fn year_label(x: f64) -> String {
    format!("{}", x.round() as i64)
}

/// Integer years inside [x0, x1], thinned to at most 12 labels.
fn year_ticks(x0: f64, x1: f64) -> Vec<f64> {
    let first = x0.ceil() as i64;
    let last = x1.floor() as i64;
    let n = (last - first + 1).max(1);
    let step = ((n + 11) / 12).max(1);
    (first..=last).filter(|y| (y - first) % step == 0).map(|y| y as f64).collect()
}

/// Round ticks (1, 2, 2.5 or 5 times a power of ten) inside [x0, x1], about eight of them, and
/// the decimals their labels need.
pub fn number_ticks(x0: f64, x1: f64) -> (Vec<f64>, usize) {
    let span = x1 - x0;
    if !(span > 0.0) || !span.is_finite() {
        return (vec![x0], 2);
    }
    let raw = span / 8.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|k| k * mag).find(|s| *s >= raw * 0.999).unwrap_or(10.0 * mag);
    let decimals = (0..=6).find(|d| {
        let v = step * 10f64.powi(*d);
        (v - v.round()).abs() < 1e-6
    });
    let first = (x0 / step).ceil() as i64;
    let last = (x1 / step + 1e-9).floor() as i64;
    // `+ 0.0` turns -0 into 0 (no "-0" label).
    let ticks = (first..=last).map(|k| k as f64 * step + 0.0).collect();
    (ticks, decimals.unwrap_or(6) as usize)
}

/// The x axis: ticks only where asked (whole years, or round numbers).
struct YearAxis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ranged for YearAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = if self.hi > self.lo { (v - self.lo) / (self.hi - self.lo) } else { 0.5 };
        limit.0 + ((limit.1 - limit.0) as f64 * t).round() as i32
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for YearAxis {
    fn format(v: &f64) -> String {
        year_label(*v)
    }
}

fn y_labeller(fmt: YFormat, y1: f64) -> Box<dyn Fn(&f64) -> String> {
    match fmt {
        YFormat::Percent => Box::new(|y: &f64| format!("{:.0}%", y * 100.0)),
        YFormat::Number if y1 >= 20.0 => Box::new(|y: &f64| format!("{y:.0}")),
        YFormat::Number if y1 >= 2.0 => Box::new(|y: &f64| format!("{y:.1}")),
        YFormat::Number => Box::new(|y: &f64| format!("{y:.2}")),
    }
}

fn max_value(panel: &Panel) -> f64 {
    let mut m: f64 = 0.0;
    match &panel.body {
        Body::Lines(lines) => {
            for l in lines {
                for q in &l.points {
                    let top = if l.bands == Bands::None { q.p50 } else { q.p95.max(q.p50) };
                    if top.is_finite() {
                        m = m.max(top);
                    }
                }
            }
        }
        Body::Stacked(layers) => {
            let n = layers.first().map_or(0, |l| l.values.len());
            for k in 0..n {
                let s: f64 = layers.iter().map(|l| l.values.get(k).map_or(0.0, |v| v.1)).filter(|v| v.is_finite()).sum();
                m = m.max(s);
            }
        }
    }
    for p in &panel.points {
        m = m.max(p.y);
    }
    m
}

fn stroke(c: RGBColor, w: u32) -> ShapeStyle {
    ShapeStyle { color: c.to_rgba(), filled: false, stroke_width: w }
}

/// Draw one panel: the plot on the left, its legend in a strip on the right (never over data).
/// This is the building block of every chart (and of the batch-indicator charts): median lines
/// with their 50% and 90% bands, labelled vertical markers and data points.
pub fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> Result<()> {
    let (w, _) = area.dim_in_pixel();
    let (plot_area, legend_area) = area.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let (x0, x1) = panel.x_range;
    let (y0, y1) = panel.y_range.unwrap_or_else(|| {
        let m = max_value(panel);
        (0.0, if m > 0.0 { m * 1.08 } else { 1.0 })
    });
    let (ticks, x_decimals) = match &panel.x_axis {
        XAxis::Year => (year_ticks(x0, x1), 0),
        XAxis::Number(_) => number_ticks(x0, x1),
    };
    let x_desc = match &panel.x_axis {
        XAxis::Year => "year".to_owned(),
        XAxis::Number(label) => label.clone(),
    };
    let x_label = |x: &f64| match panel.x_axis {
        XAxis::Year => year_label(*x),
        XAxis::Number(_) => format!("{x:.x_decimals$}"),
    };
    let mut chart = ctx(ChartBuilder::on(&plot_area)
        .caption(panel.title.clone(), (SANS, 20))
        .margin_left(12)
        .margin_right(18)
        .margin_top(6)
        .margin_bottom(6)
        .x_label_area_size(44)
        .y_label_area_size(76)
        .build_cartesian_2d(YearAxis { lo: x0, hi: x1, ticks }, y0..y1))?;
    let ylab = y_labeller(panel.y_format, y1.abs().max(y0.abs()));
    ctx(chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(panel.y_label.clone())
        .x_label_formatter(&x_label)
        .y_label_formatter(&|y| ylab(y))
        .y_labels(8)
        .axis_desc_style((SANS, 16))
        .label_style((SANS, 14))
        .bold_line_style(RGBColor(235, 235, 235))
        .light_line_style(TRANSPARENT)
        .draw())?;

    // Lever markers: a dashed line and a letter tag at the top (the legend spells them out);
    // tags closer than 22 px to the previous one drop a row so they never overlap.
    let grey = RGBColor(110, 110, 110);
    // backend_coord is in image pixels; drawing on plot_area is relative to its corner.
    let base = plot_area.get_base_pixel();
    let to_area = |c: (i32, i32)| (c.0 - base.0, c.1 - base.1);
    let mut last_tag: Option<(i32, i32)> = None;
    for (k, m) in panel.markers.iter().enumerate() {
        ctx(chart.draw_series(DashedLineSeries::new(vec![(m.x, y0), (m.x, y1)], 6, 4, stroke(grey, 1))))?;
        let (px, top) = to_area(chart.backend_coord(&(m.x, y1)));
        let row = match last_tag {
            Some((x, r)) if px - x < 22 => r + 1,
            _ => 0,
        };
        last_tag = Some((px, row));
        // Centred on its line, so a neighbouring line never crosses the tag.
        let (tx, ty) = (px - 7, top + 3 + row * 17);
        ctx(plot_area.draw(&Rectangle::new([(tx, ty), (tx + 14, ty + 15)], WHITE.filled())))?;
        ctx(plot_area.draw(&Rectangle::new([(tx, ty), (tx + 14, ty + 15)], stroke(grey, 1))))?;
        ctx(plot_area.draw(&Text::new(marker_tag(k), (tx + 7, ty + 8), (SANS, 12).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center)))))?;
    }

    match &panel.body {
        Body::Lines(lines) => {
            let barred = barred(lines);
            for (l, _) in lines.iter().zip(&barred).filter(|(l, b)| l.bands != Bands::None && !**b && !l.points.is_empty()) {
                for (alpha, inner) in [(ALPHA_90, false), (ALPHA_50, true)] {
                    if inner && l.bands != Bands::Both {
                        continue;
                    }
                    let bounds = |q: &Quantiles| if inner { (q.p25, q.p75) } else { (q.p05, q.p95) };
                    let mut poly: Vec<(f64, f64)> = l.points.iter().map(|q| (q.x, bounds(q).1)).collect();
                    poly.extend(l.points.iter().rev().map(|q| (q.x, bounds(q).0)));
                    ctx(chart.draw_series(std::iter::once(Polygon::new(poly, l.colour.mix(alpha).filled()))))?;
                }
            }
            // Bars: each point's 90% band as a vertical bar with caps, side by side (8 px apart)
            // when several lines share an x, under the lines and dots.
            let nb = barred.iter().filter(|b| **b).count() as i32;
            for (j, l) in lines.iter().zip(&barred).filter(|(_, b)| **b).map(|(l, _)| l).enumerate() {
                let dx = if l.marks == Marks::DotsOnly { 0 } else { (2 * j as i32 - (nb - 1)) * 4 };
                let style = ShapeStyle { color: l.colour.mix(0.55), filled: false, stroke_width: 3 };
                for q in l.points.iter().filter(|q| q.p05.is_finite() && q.p95.is_finite()) {
                    let (px, top) = to_area(chart.backend_coord(&(q.x, q.p95)));
                    let (_, bottom) = to_area(chart.backend_coord(&(q.x, q.p05)));
                    let x = px + dx;
                    ctx(plot_area.draw(&PathElement::new(vec![(x, top), (x, bottom)], style)))?;
                    for y in [top, bottom] {
                        ctx(plot_area.draw(&PathElement::new(vec![(x - 3, y), (x + 3, y)], ShapeStyle { stroke_width: 2, ..style })))?;
                    }
                }
            }
            // Lines without bands (shares of runs) often coincide: earlier ones are drawn wider
            // underneath, so each stays visible.
            let plain = lines.iter().filter(|l| l.bands == Bands::None).count() as u32;
            let mut k = 0;
            for l in lines {
                let w = if l.bands != Bands::None {
                    2
                } else {
                    k += 1;
                    2 + 3 * (plain - k)
                };
                let pts: Vec<(f64, f64)> = l.points.iter().map(|q| (q.x, q.p50)).collect();
                if l.marks == Marks::DotsOnly {
                    ctx(chart.draw_series(pts.iter().map(|&p| Circle::new(p, 5, l.colour.filled()))))?;
                    continue;
                }
                match l.dash {
                    Dash::Solid => ctx(chart.draw_series(LineSeries::new(pts.clone(), stroke(l.colour, w))))?,
                    Dash::Dashed => ctx(chart.draw_series(DashedLineSeries::new(pts.clone(), 10, 6, stroke(l.colour, w))))?,
                    Dash::Dotted => ctx(chart.draw_series(DashedLineSeries::new(pts.clone(), 3, 4, stroke(l.colour, w))))?,
                };
                if l.marks == Marks::Dots {
                    let r = (w / 2 + 3) as i32;
                    ctx(chart.draw_series(pts.iter().map(|&p| Circle::new(p, r, l.colour.filled()))))?;
                }
            }
        }
        Body::Stacked(layers) => {
            // Positive values stack up from 0, negative ones down from 0 (a diverging stack:
            // contributions of either sign), so layers never overlap.
            let n = layers.first().map_or(0, |l| l.values.len());
            let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
            for layer in layers {
                let (mut hi, mut lo) = (Vec::with_capacity(n), Vec::with_capacity(n));
                for (k, v) in layer.values.iter().enumerate() {
                    let x = if v.1.is_finite() { v.1 } else { 0.0 };
                    if x >= 0.0 {
                        lo.push(up[k]);
                        up[k] += x;
                        hi.push(up[k]);
                    } else {
                        hi.push(down[k]);
                        down[k] += x;
                        lo.push(down[k]);
                    }
                }
                let mut poly: Vec<(f64, f64)> = layer.values.iter().zip(&hi).map(|(v, a)| (v.0, *a)).collect();
                poly.extend(layer.values.iter().zip(&lo).rev().map(|(v, b)| (v.0, *b)));
                ctx(chart.draw_series(std::iter::once(Polygon::new(poly, layer.colour.mix(0.85).filled()))))?;
                let top: Vec<(f64, f64)> = layer.values.iter().zip(&hi).map(|(v, a)| (v.0, *a)).collect();
                ctx(chart.draw_series(LineSeries::new(top, stroke(WHITE, 1))))?;
            }
        }
    }

    for p in &panel.points {
        ctx(chart.draw_series(std::iter::once(Circle::new((p.x, p.y), 6, BLACK.filled()))))?;
        ctx(chart.draw_series(std::iter::once(Circle::new((p.x, p.y), 4, p.colour.filled()))))?;
    }
    if let Some(p) = panel.points.iter().max_by(|a, b| a.y.total_cmp(&b.y)) {
        // Labelled once, at the highest point, on a white box so bands do not hide it.
        let (px, py) = to_area(chart.backend_coord(&(p.x, p.y)));
        let font = (SANS, 14).into_font().color(&BLACK);
        let (w, h) = ctx(plot_area.estimate_text_size(&p.label, &font))?;
        let (tx, ty) = (px + 10, py - h as i32 - 12);
        ctx(plot_area.draw(&Rectangle::new([(tx - 3, ty - 2), (tx + w as i32 + 3, ty + h as i32 + 4)], WHITE.mix(0.85).filled())))?;
        ctx(plot_area.draw(&Text::new(p.label.clone(), (tx, ty), font)))?;
    }
    if let Some(note) = &panel.empty_note {
        let (px, py) = to_area(chart.backend_coord(&(x0 + (x1 - x0) * 0.05, y0 + (y1 - y0) * 0.5)));
        ctx(plot_area.draw(&Text::new(note.clone(), (px, py), (SANS, 16).into_font().color(&grey))))?;
    }
    draw_legend(&legend_area, panel)
}

/// Which lines draw their bands as vertical bars, not as a shaded area: a scatter's, and those
/// of several lines with dots (a sweep), whose shaded bands would overlap into one muddy area.
fn barred(lines: &[Line]) -> Vec<bool> {
    let dotted = lines.iter().filter(|l| l.marks == Marks::Dots && l.bands != Bands::None).count();
    lines.iter().map(|l| l.bands != Bands::None && (l.marks == Marks::DotsOnly || (l.marks == Marks::Dots && dotted > 1))).collect()
}

fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> Result<()> {
    let font = (SANS, 14).into_font().color(&BLACK);
    let mut y = 40;
    let step = 22;
    let x = 8;
    let sample = |y: i32, c: RGBColor, dash: Dash| -> Result<()> {
        let segs: Vec<(i32, i32)> = match dash {
            Dash::Solid => vec![(0, 28)],
            Dash::Dashed => vec![(0, 10), (16, 26)],
            Dash::Dotted => vec![(0, 3), (7, 10), (14, 17), (21, 24)],
        };
        for (a, b) in segs {
            ctx(area.draw(&PathElement::new(vec![(x + a, y), (x + b, y)], stroke(c, 3))))?;
        }
        Ok(())
    };
    let (mut outer, mut inner, mut bars) = (false, false, false);
    match &panel.body {
        Body::Lines(lines) => {
            for (l, barred) in lines.iter().zip(barred(lines)) {
                if l.marks != Marks::DotsOnly {
                    sample(y, l.colour, l.dash)?;
                }
                if l.marks != Marks::None {
                    ctx(area.draw(&Circle::new((x + 14, y), 5, l.colour.filled())))?;
                }
                // Wrapped only if it would overflow the strip.
                let fits = area.estimate_text_size(&l.label, &font).map_or(true, |(w, _)| w as i32 <= LEGEND_WIDTH as i32 - x - 40);
                let texts = if fits { vec![l.label.clone()] } else { wrap(&l.label, 28) };
                for (k, text) in texts.into_iter().enumerate() {
                    if k > 0 {
                        y += 17;
                    }
                    ctx(area.draw(&Text::new(text, (x + 36, y - 8), font.clone())))?;
                }
                y += step;
                outer |= l.bands != Bands::None && !barred;
                inner |= l.bands == Bands::Both && !barred;
                bars |= barred;
            }
        }
        Body::Stacked(layers) => {
            for l in layers.iter().rev() {
                ctx(area.draw(&Rectangle::new([(x, y - 7), (x + 28, y + 7)], l.colour.mix(0.85).filled())))?;
                ctx(area.draw(&Text::new(l.label.clone(), (x + 36, y - 8), font.clone())))?;
                y += step;
            }
        }
    }
    y += 6;
    let note = (SANS, 12).into_font().color(&RGBColor(70, 70, 70));
    let g = RGBColor(90, 90, 90);
    if inner {
        ctx(area.draw(&Rectangle::new([(x, y - 7), (x + 28, y + 7)], g.mix(ALPHA_50).filled())))?;
        ctx(area.draw(&Text::new("50% band (p25–p75)", (x + 36, y - 8), note.clone())))?;
        y += step;
    }
    if outer {
        ctx(area.draw(&Rectangle::new([(x, y - 7), (x + 28, y + 7)], g.mix(ALPHA_90).filled())))?;
        ctx(area.draw(&Text::new("90% band (p05–p95)", (x + 36, y - 8), note.clone())))?;
        y += step;
    }
    if bars {
        ctx(area.draw(&PathElement::new(vec![(x + 14, y - 9), (x + 14, y + 9)], ShapeStyle { color: g.mix(0.55), filled: false, stroke_width: 3 })))?;
        ctx(area.draw(&Text::new("bar: 90% band (p05–p95)", (x + 36, y - 8), note.clone())))?;
        y += step;
    }
    if let Some(p) = panel.points.first() {
        ctx(area.draw(&Circle::new((x + 14, y), 6, BLACK.filled())))?;
        ctx(area.draw(&Circle::new((x + 14, y), 4, WHITE.filled())))?;
        ctx(area.draw(&Text::new(p.label.clone(), (x + 36, y - 8), note.clone())))?;
        y += step;
    }
    if !panel.markers.is_empty() {
        let grey = RGBColor(110, 110, 110);
        ctx(area.draw(&PathElement::new(vec![(x + 14, y - 9), (x + 14, y - 3)], stroke(grey, 1))))?;
        ctx(area.draw(&PathElement::new(vec![(x + 14, y + 2), (x + 14, y + 8)], stroke(grey, 1))))?;
        ctx(area.draw(&Text::new("levers start / end:", (x + 36, y - 8), note.clone())))?;
        y += step;
        for (k, m) in panel.markers.iter().enumerate() {
            ctx(area.draw(&Rectangle::new([(x + 7, y - 8), (x + 21, y + 7)], stroke(grey, 1))))?;
            ctx(area.draw(&Text::new(marker_tag(k), (x + 14, y), (SANS, 12).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center)))))?;
            for line in wrap(&m.label, 30) {
                ctx(area.draw(&Text::new(line, (x + 36, y - 8), note.clone())))?;
                y += 17;
            }
            y += 4;
        }
    }
    Ok(())
}

/// The tag of the k-th marker: A, B, ..., Z, AA, ...
fn marker_tag(k: usize) -> String {
    let letters = (b'A'..=b'Z').map(|c| c as char).collect::<Vec<_>>();
    if k < 26 {
        letters[k].to_string()
    } else {
        format!("{}{}", letters[(k / 26 - 1) % 26], letters[k % 26])
    }
}

/// Greedy word wrap at `width` characters (splitting after commas and spaces).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_inclusive(' ') {
        if !cur.is_empty() && cur.chars().count() + word.trim_end().chars().count() > width {
            lines.push(cur.trim_end().to_owned());
            cur.clear();
        }
        cur.push_str(word);
    }
    if !cur.trim().is_empty() {
        lines.push(cur.trim_end().to_owned());
    }
    lines
}

/// One chart of median lines with bands, written to `path`: the reusable single-panel form
/// (the batch indicators use it too).
#[allow(clippy::too_many_arguments)]
pub fn line_with_bands(path: &Path, fmt: Format, title: &str, y_label: &str, x_range: (f64, f64), lines: Vec<Line>, markers: Vec<Marker>, points: Vec<DataPoint>) -> Result<()> {
    let fig = Figure {
        title: title.to_owned(),
        panels: vec![Panel {
            title: String::new(),
            y_label: y_label.to_owned(),
            y_format: YFormat::Number,
            x_axis: XAxis::Year,
            x_range,
            y_range: None,
            body: Body::Lines(lines),
            markers,
            points,
            empty_note: None,
        }],
        footnote: None,
    };
    save(&fig, path, fmt)
}

/// A solid median line with both bands and no dots (the usual time series).
pub(super) fn line(label: impl Into<String>, colour: RGBColor, points: Vec<Quantiles>) -> Line {
    Line { label: label.into(), colour, dash: Dash::Solid, bands: Bands::Both, marks: Marks::None, points }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::chart_kit::economy_colour;

    #[test]
    fn year_ticks_are_plain_years() {
        assert_eq!(year_label(2024.0), "2024");
        assert_eq!(year_label(2023.9999999), "2024");
        let t = year_ticks(2021.0, 2031.0);
        assert_eq!(t.first(), Some(&2021.0));
        assert!(t.iter().all(|x| x.fract() == 0.0));
        assert!(year_ticks(1990.0, 2050.0).len() <= 12);
    }

    #[test]
    fn number_ticks_are_round_and_labelled_with_the_decimals_they_need() {
        assert_eq!(number_ticks(-0.16, 4.16), (vec![0.0, 1.0, 2.0, 3.0, 4.0], 0));
        assert_eq!(number_ticks(0.0, 2.0), (vec![0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0], 2));
        let (t, d) = number_ticks(0.48, 1.02);
        assert_eq!((t.first().copied(), d), (Some(0.5), 1));
        assert!(t.len() >= 5 && t.len() <= 10, "{t:?}");
        assert_eq!(number_ticks(0.0, 100.0).1, 0);
    }

    fn pixels(path: &Path) -> image::RgbImage {
        image::open(path).unwrap().to_rgb8()
    }

    fn near(p: &image::Rgb<u8>, c: (f64, f64, f64), tol: f64) -> bool {
        (p[0] as f64 - c.0).abs() <= tol && (p[1] as f64 - c.1).abs() <= tol && (p[2] as f64 - c.2).abs() <= tol
    }

    #[test]
    fn png_has_median_and_band_colours_inside_the_plot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.png");
        let c = RGBColor(214, 39, 40);
        let points: Vec<Quantiles> = (0..40).map(|k| {
            let x = 2021.0 + k as f64 * 0.25;
            Quantiles { x, p05: 2.0, p25: 4.0, p50: 5.0, p75: 6.0, p95: 8.0 }
        }).collect();
        line_with_bands(&path, Format::Png, "test", "USD bn", (2021.0, 2031.0), vec![line("RU", c, points)], vec![], vec![]).unwrap();
        let img = pixels(&path);
        // Plot area: left of the legend strip, below the title, above the x labels.
        let (w, h) = img.dimensions();
        let inside = |x: u32, y: u32| x > 100 && x < w - LEGEND_WIDTH - 20 && y > TITLE_HEIGHT + 30 && y < h - 60;
        let blend = |alpha: f64| (255.0 * (1.0 - alpha) + 214.0 * alpha, 255.0 * (1.0 - alpha) + 39.0 * alpha, 255.0 * (1.0 - alpha) + 40.0 * alpha);
        let outer = blend(ALPHA_90);
        // The 50% band lies on the 90% band: two layers over white.
        let a = 1.0 - (1.0 - ALPHA_90) * (1.0 - ALPHA_50);
        let inner = blend(a);
        let (mut median, mut band90, mut band50) = (0, 0, 0);
        for (x, y, p) in img.enumerate_pixels() {
            if !inside(x, y) {
                continue;
            }
            median += near(p, (214.0, 39.0, 40.0), 2.0) as usize;
            band90 += near(p, outer, 3.0) as usize;
            band50 += near(p, inner, 3.0) as usize;
        }
        assert!(median > 500, "median pixels: {median}");
        assert!(band90 > 5000, "90% band pixels: {band90}");
        assert!(band50 > 5000, "50% band pixels: {band50}");
    }

    #[test]
    fn svg_legend_names_every_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.svg");
        let pts = vec![Quantiles { x: 2021.5, p05: 1.0, p25: 2.0, p50: 3.0, p75: 4.0, p95: 5.0 }, Quantiles { x: 2022.5, p05: 1.0, p25: 2.0, p50: 3.0, p75: 4.0, p95: 5.0 }];
        let lines = vec![line("alpha line", economy_colour("US"), pts.clone()), line("beta line", economy_colour("CN"), pts)];
        line_with_bands(&path, Format::Svg, "t", "USD bn", (2021.0, 2023.0), lines, vec![Marker { x: 2022.0, label: "lever x".into() }], vec![]).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        for s in ["alpha line", "beta line", "lever x", "90% band", "2022"] {
            assert!(svg.contains(s), "{s} missing from SVG");
        }
        assert!(!svg.contains("2022.0"));
    }
}
