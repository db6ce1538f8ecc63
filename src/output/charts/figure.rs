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
    /// The 50% band only: for several series in one panel, where overlapping 90% bands turn
    /// into one muddy area.
    Inner,
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

/// A vertical marker at a date (levers starting or ending then): `label` is the date as
/// written ("2022-03"), `names` what happens then. Markers are tagged A, B, ... in the plot and
/// keyed in the legend; when the legend has no room for one row per date, neighbouring dates
/// share a tag (see `group_markers`).
#[derive(Debug, Clone)]
pub struct Marker {
    pub x: f64,
    pub label: String,
    pub names: Vec<String>,
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
    /// Named categories at x = 1, 2, ..., with this axis label: parameters, dimensions.
    Categories(String, Vec<String>),
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
    /// Horizontal reference lines (0 in a difference panel, 1 for a ratio).
    pub h_lines: Vec<f64>,
    /// Where the world price data end and the random price path begins (x, and the legend
    /// text), if inside the plot.
    pub data_end: Option<(f64, String)>,
    /// What a vertical bar stands for, in the legend, when it is not a 90% band (a bootstrap
    /// interval, a box's range).
    pub bar_note: Option<String>,
}

impl Panel {
    /// A time panel (x in years) of median lines, with nothing else.
    pub fn new(title: impl Into<String>, y_label: impl Into<String>, x_range: (f64, f64), body: Body) -> Panel {
        Panel {
            title: title.into(),
            y_label: y_label.into(),
            y_format: YFormat::Number,
            x_axis: XAxis::Year,
            x_range,
            y_range: None,
            body,
            markers: Vec::new(),
            points: Vec::new(),
            empty_note: None,
            h_lines: Vec::new(),
            data_end: None,
            bar_note: None,
        }
    }
}

/// A time series of step values as the charts draw it: each value is placed at the end of its
/// step (`reader::Table`) and held until the next step ends, so the path changes only at step
/// ends and nothing moves before the step in which its cause happened ends. Points already
/// sorted by x; the path runs from the first point to the last.
pub fn stairs(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (k, &(x, v)) in points.iter().enumerate() {
        if k > 0 {
            out.push((x, points[k - 1].1));
        }
        out.push((x, v));
    }
    out
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
    let height = TITLE_HEIGHT + PANEL_HEIGHT * fig.panels.len().max(1) as u32 + foot_height(fig);
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

/// Characters per footnote line (14 px DejaVu Sans across the 1200 px image).
const FOOT_CHARS: usize = 150;

/// The footnote's height: one 18 px line per wrapped line, and a margin.
fn foot_height(fig: &Figure) -> u32 {
    fig.footnote.as_ref().map_or(0, |f| FOOT_HEIGHT - 18 + 18 * wrap(f, FOOT_CHARS).len() as u32)
}

fn draw_figure<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<()> {
    ctx(root.fill(&WHITE))?;
    let (title, rest) = root.split_vertically(TITLE_HEIGHT);
    ctx(title.draw(&Text::new(fig.title.clone(), (16, 10), (SANS, 24).into_font().color(&BLACK))))?;
    let rest = if let Some(f) = &fig.footnote {
        let h = rest.dim_in_pixel().1;
        let (body, foot) = rest.split_vertically(h - foot_height(fig));
        for (k, line) in wrap(f, FOOT_CHARS).into_iter().enumerate() {
            ctx(foot.draw(&Text::new(line, (16, 4 + 18 * k as i32), (SANS, 14).into_font().color(&RGBColor(90, 90, 90)))))?;
        }
        body
    } else {
        rest
    };
    let areas = rest.split_evenly((fig.panels.len().max(1), 1));
    let rows = areas.iter().zip(&fig.panels).filter(|(_, p)| !p.markers.is_empty()).map(|(a, p)| marker_rows(p, a.dim_in_pixel().1)).min();
    for (area, panel) in areas.iter().zip(&fig.panels) {
        draw_panel_rows(area, panel, rows)?;
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

/// The name of the category at x (1 = the first), shortened to fit under a tick; past six
/// categories only their numbers fit (the footnote or legend names them).
fn category_label(names: &[String], x: f64) -> String {
    let k = x.round() as usize;
    let Some(name) = names.get(k.wrapping_sub(1)) else { return String::new() };
    if names.len() > 6 {
        k.to_string()
    } else if name.chars().count() <= 22 {
        name.clone()
    } else {
        format!("{}…", name.chars().take(21).collect::<String>())
    }
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

/// Tick labels of the y axis, with the decimals the axis' span `y1` needs.
fn y_labeller(fmt: YFormat, y1: f64) -> Box<dyn Fn(&f64) -> String> {
    match fmt {
        YFormat::Percent => Box::new(|y: &f64| format!("{:.0}%", y * 100.0)),
        YFormat::Number if y1 >= 20.0 => Box::new(|y: &f64| format!("{y:.0}")),
        YFormat::Number if y1 >= 2.0 => Box::new(|y: &f64| format!("{y:.1}")),
        YFormat::Number => Box::new(|y: &f64| format!("{y:.2}")),
    }
}

/// The lowest value drawn (0 or below).
fn min_value(panel: &Panel) -> f64 {
    let mut m: f64 = 0.0;
    if let Body::Lines(lines) = &panel.body {
        for l in lines {
            for q in &l.points {
                let low = match l.bands {
                    Bands::None => q.p50,
                    Bands::Inner => q.p25.min(q.p50),
                    _ => q.p05.min(q.p50),
                };
                if low.is_finite() {
                    m = m.min(low);
                }
            }
        }
    }
    m
}

fn max_value(panel: &Panel) -> f64 {
    let mut m: f64 = 0.0;
    match &panel.body {
        Body::Lines(lines) => {
            for l in lines {
                for q in &l.points {
                    let top = match l.bands {
                        Bands::None => q.p50,
                        Bands::Inner => q.p75.max(q.p50),
                        _ => q.p95.max(q.p50),
                    };
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
    draw_panel_rows(area, panel, None)
}

/// `draw_panel`, with the lever key limited to `rows` legend rows (a figure gives all its
/// panels the same, so a tag means the same dates in every panel).
fn draw_panel_rows<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel, rows: Option<usize>) -> Result<()> {
    let (w, _) = area.dim_in_pixel();
    let (plot_area, legend_area) = area.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let (x0, x1) = panel.x_range;
    let (y0, y1) = panel.y_range.unwrap_or_else(|| {
        let (lo, hi) = (min_value(panel), max_value(panel));
        let pad = (hi - lo).max(0.0) * 0.08;
        let y0 = if lo < 0.0 { lo - pad } else { 0.0 };
        (y0, if hi > 0.0 { hi + pad } else if lo < 0.0 { pad } else { 1.0 })
    });
    let time = panel.x_axis == XAxis::Year;
    // Time series are drawn as stairs (see `stairs`); a sweep's points are joined directly.
    let path = |pts: Vec<(f64, f64)>, marks: Marks| if time && marks == Marks::None { stairs(&pts) } else { pts };
    let (ticks, x_decimals) = match &panel.x_axis {
        XAxis::Year => (year_ticks(x0, x1), 0),
        XAxis::Number(_) => number_ticks(x0, x1),
        XAxis::Categories(_, names) => ((1..=names.len()).map(|k| k as f64).filter(|x| *x >= x0 && *x <= x1).collect(), 0),
    };
    let x_desc = match &panel.x_axis {
        XAxis::Year => "year".to_owned(),
        XAxis::Number(label) | XAxis::Categories(label, _) => label.clone(),
    };
    let x_label = |x: &f64| match &panel.x_axis {
        XAxis::Year => year_label(*x),
        XAxis::Number(_) => format!("{x:.x_decimals$}"),
        XAxis::Categories(_, names) => category_label(names, *x),
    };
    let mut chart = ctx(ChartBuilder::on(&plot_area)
        .margin_left(12)
        .margin_right(18)
        // The title (drawn below), and under it a strip for the lever tags, so they never
        // sit on the data.
        .margin_top(TITLE_STRIP + if panel.markers.is_empty() { 0 } else { TAG_ROWS * 17 + 4 })
        .margin_bottom(6)
        .x_label_area_size(44)
        .y_label_area_size(76)
        .build_cartesian_2d(YearAxis { lo: x0, hi: x1, ticks }, y0..y1))?;
    let ylab = y_labeller(panel.y_format, y1.abs().max(y0.abs()));
    let (pw, _) = plot_area.dim_in_pixel();
    // The title at 20 px, smaller if it would not fit the plot's width.
    let size = [20, 18, 16, 14].into_iter().find(|&s| plot_area.estimate_text_size(&panel.title, &TextStyle::from((SANS, s).into_font())).map_or(true, |(w, _)| w + 16 <= pw)).unwrap_or(14);
    ctx(plot_area.draw(&Text::new(panel.title.clone(), (pw as i32 / 2, 8), (SANS, size).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top)))))?;
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

    let grey = RGBColor(110, 110, 110);
    // backend_coord is in image pixels; drawing on plot_area is relative to its corner.
    let base = plot_area.get_base_pixel();
    let to_area = |c: (i32, i32)| (c.0 - base.0, c.1 - base.1);
    for &h in &panel.h_lines {
        if h > y0 && h < y1 {
            ctx(chart.draw_series(LineSeries::new(vec![(x0, h), (x1, h)], stroke(RGBColor(90, 90, 90), 1))))?;
        }
    }
    let groups = group_markers(&panel.markers, rows.unwrap_or_else(|| marker_rows(panel, legend_area.dim_in_pixel().1)));
    // The lines of the lever markers under the data; their tags after the data (below).
    for g in &groups {
        for &x in &g.xs {
            ctx(chart.draw_series(DashedLineSeries::new(vec![(x, y0), (x, y1)], 6, 4, stroke(grey, 1))))?;
        }
    }
    if let Some((x, _)) = &panel.data_end {
        if *x > x0 && *x < x1 {
            ctx(chart.draw_series(DashedLineSeries::new(vec![(*x, y0), (*x, y1)], 2, 3, stroke(DATA_END, 2))))?;
        }
    }

    match &panel.body {
        Body::Lines(lines) => {
            let barred = barred(lines);
            for (l, _) in lines.iter().zip(&barred).filter(|(l, b)| l.bands != Bands::None && !**b && !l.points.is_empty()) {
                for (alpha, inner) in [(ALPHA_90, false), (ALPHA_50, true)] {
                    let bounds = |q: &Quantiles| if inner { (q.p25, q.p75) } else { (q.p05, q.p95) };
                    if inner && l.bands == Bands::Outer || !inner && l.bands == Bands::Inner {
                        continue;
                    }
                    let mut poly = path(l.points.iter().map(|q| (q.x, bounds(q).1)).collect(), l.marks);
                    poly.extend(path(l.points.iter().map(|q| (q.x, bounds(q).0)).collect(), l.marks).into_iter().rev());
                    ctx(chart.draw_series(std::iter::once(Polygon::new(poly, l.colour.mix(alpha).filled()))))?;
                }
            }
            // Bars: each point's 90% band as a vertical bar with caps, side by side (8 px apart)
            // when several lines share an x, under the lines and dots.
            for (l, dx) in lines.iter().zip(bar_shifts(lines)).filter_map(|(l, dx)| Some((l, dx?))) {
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
                let drawn = path(pts.clone(), l.marks);
                if l.marks == Marks::DotsOnly {
                    ctx(chart.draw_series(pts.iter().map(|&p| Circle::new(p, 5, l.colour.filled()))))?;
                    continue;
                }
                match l.dash {
                    Dash::Solid => ctx(chart.draw_series(LineSeries::new(drawn, stroke(l.colour, w))))?,
                    Dash::Dashed => ctx(chart.draw_series(DashedLineSeries::new(drawn, 10, 6, stroke(l.colour, w))))?,
                    Dash::Dotted => ctx(chart.draw_series(DashedLineSeries::new(drawn, 3, 4, stroke(l.colour, w))))?,
                };
                if time && l.marks == Marks::None {
                    // The last step's value is the stair's last point: a dot shows its level.
                    if let Some(&p) = pts.last() {
                        ctx(chart.draw_series(std::iter::once(Circle::new(p, (w / 2 + 2) as i32, l.colour.filled()))))?;
                    }
                }
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
            // A composition (no negative value): a layer with trade is at least
            // `STACK_MIN_SHARE` of the axis high, so a small sector stays visible (the footnote
            // says so). Signed layers (an attribution's contributions) keep their sizes, the
            // negative ones stacked downwards.
            let composition = layers.iter().all(|l| l.values.iter().all(|v| !(v.1 < 0.0)));
            let min_h = if composition { (y1 - y0) * STACK_MIN_SHARE } else { 0.0 };
            for layer in layers {
                let (mut hi, mut lo) = (Vec::with_capacity(n), Vec::with_capacity(n));
                for (k, v) in layer.values.iter().enumerate() {
                    let x = if !v.1.is_finite() || v.1 == 0.0 { 0.0 } else if v.1 > 0.0 { v.1.max(min_h) } else { v.1 };
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
                let top = path(layer.values.iter().zip(&hi).map(|(v, a)| (v.0, *a)).collect(), Marks::None);
                let mut poly = top.clone();
                poly.extend(path(layer.values.iter().zip(&lo).map(|(v, b)| (v.0, *b)).collect(), Marks::None).into_iter().rev());
                ctx(chart.draw_series(std::iter::once(Polygon::new(poly, layer.colour.mix(0.85).filled()))))?;
                ctx(chart.draw_series(LineSeries::new(top, stroke(WHITE, 1))))?;
            }
        }
    }

    // Tags of the lever markers in the strip above the plot, so no line hides them: the lowest
    // of `TAG_ROWS` rows where the tag clears the previous tag of that row (else the row whose
    // last tag is farthest), with a thin line down to the plot.
    let mut row_end: Vec<i32> = vec![i32::MIN / 2; TAG_ROWS as usize];
    for (k, g) in groups.iter().enumerate() {
        let (px, top) = to_area(chart.backend_coord(&(g.xs[0], y1)));
        let tag = marker_tag(k);
        let tw = 8 + 7 * tag.len() as i32;
        let row = (0..row_end.len()).find(|&r| px - tw / 2 >= row_end[r] + 2).unwrap_or_else(|| (0..row_end.len()).min_by_key(|&r| row_end[r]).unwrap_or(0));
        row_end[row] = px + tw - tw / 2;
        let (tx, ty) = (px - tw / 2, top - 17 * (row as i32 + 1));
        ctx(plot_area.draw(&PathElement::new(vec![(px, ty + 15), (px, top)], stroke(grey, 1))))?;
        ctx(plot_area.draw(&Rectangle::new([(tx, ty), (tx + tw, ty + 15)], WHITE.filled())))?;
        ctx(plot_area.draw(&Rectangle::new([(tx, ty), (tx + tw, ty + 15)], stroke(grey, 1))))?;
        ctx(plot_area.draw(&Text::new(tag, (px, ty + 8), (SANS, 12).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center)))))?;
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
    draw_legend(&legend_area, panel, &groups)
}

/// Height of a panel's title line above its plot.
const TITLE_STRIP: u32 = 36;
/// Rows of lever tags above a plot.
const TAG_ROWS: u32 = 3;

/// Colour of the line where the world price data end.
const DATA_END: RGBColor = RGBColor(70, 90, 150);
/// The least height of a stacked layer with trade, as a share of the y axis (about 2 px).
pub const STACK_MIN_SHARE: f64 = 0.004;

/// Markers sharing one tag: the dates (x), the first and last date label, what happens.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerGroup {
    pub xs: Vec<f64>,
    pub first: String,
    pub last: String,
    pub names: Vec<String>,
}

/// Rows of the legend strip left for the lever key of a panel `height` px high (after its
/// lines, bands, data point and the key's header).
fn marker_rows(panel: &Panel, height: u32) -> usize {
    let entries = match &panel.body {
        Body::Lines(lines) => lines.iter().map(|l| 22 + 17 * (l.label.chars().count() / 29) as i32).sum::<i32>() + 3 * 22,
        Body::Stacked(layers) => 22 * layers.len() as i32,
    };
    let used = 40 + entries + 6 + 22 * (panel.points.len().min(1) as i32 + 1) + 39 * panel.data_end.is_some() as i32 + 20;
    ((height as i32 - used) / 17).max(2) as usize
}

/// The markers in groups that fit `rows` legend rows: one group per date when each can have a
/// row of its own for the date and one for its names; else one row per group, with the
/// closest neighbouring dates merged until the groups fit.
pub fn group_markers(markers: &[Marker], rows: usize) -> Vec<MarkerGroup> {
    let mut groups: Vec<MarkerGroup> = markers.iter().map(|m| MarkerGroup { xs: vec![m.x], first: m.label.clone(), last: m.label.clone(), names: m.names.clone() }).collect();
    while groups.len() > rows.max(1) {
        // Merge the pair of neighbours whose dates are closest (the earlier on ties).
        let k = (0..groups.len() - 1)
            .min_by(|&a, &b| {
                let ga = groups[a + 1].xs[0] - groups[a].xs.last().copied().unwrap_or(0.0);
                let gb = groups[b + 1].xs[0] - groups[b].xs.last().copied().unwrap_or(0.0);
                ga.total_cmp(&gb)
            })
            .unwrap_or(0);
        let next = groups.remove(k + 1);
        let g = &mut groups[k];
        g.xs.extend(next.xs);
        g.last = next.last;
        g.names.extend(next.names);
    }
    groups
}

/// The legend lines of a marker group, at most `lines` of them, each at most `width` chars:
/// the dates and the count, then as many names as fit and "+N more".
pub fn group_text(g: &MarkerGroup, lines: usize, width: usize) -> Vec<String> {
    let dates = if g.first == g.last { g.first.clone() } else { format!("{} – {}", g.first, g.last) };
    let n = g.names.len();
    if n == 1 {
        let one = format!("{dates}: {}", g.names[0]);
        if one.chars().count() <= width || lines == 1 {
            return vec![truncate(&one, width)];
        }
        return vec![format!("{dates}:"), truncate(&g.names[0], width)];
    }
    let head = format!("{dates}: {n} levers");
    let mut names = String::new();
    let mut shown = 0;
    let room = if lines >= 2 { width } else { width.saturating_sub(dates.chars().count() + format!(" ({n}): ").len()) };
    for name in &g.names {
        let more = n - shown - 1;
        let tail = if more > 0 { format!(" +{more} more") } else { String::new() };
        let candidate = if names.is_empty() { name.clone() } else { format!("{names}, {name}") };
        if candidate.chars().count() + tail.chars().count() > room {
            break;
        }
        names = candidate;
        shown += 1;
    }
    let rest = n - shown;
    let names = match (shown, rest) {
        (0, _) => format!("{n} levers"),
        (_, 0) => names,
        _ => format!("{names} +{rest} more"),
    };
    if lines >= 2 {
        vec![head, names]
    } else if shown > 0 {
        vec![truncate(&format!("{dates} ({n}): {names}"), width)]
    } else {
        // Not even one whole name fits: the first, shortened.
        let tail = format!(" +{} more", n - 1);
        let avail = room.saturating_sub(tail.len());
        if avail >= 5 {
            vec![format!("{dates} ({n}): {}{tail}", truncate(&g.names[0], avail))]
        } else {
            vec![truncate(&head, width)]
        }
    }
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Which lines draw their bands as vertical bars, not as a shaded area: a scatter's, and those
/// of several lines with dots (a sweep), whose shaded bands would overlap into one muddy area.
fn barred(lines: &[Line]) -> Vec<bool> {
    let dotted = lines.iter().filter(|l| l.marks == Marks::Dots && l.bands != Bands::None).count();
    lines.iter().map(|l| l.bands != Bands::None && (l.marks == Marks::DotsOnly || (l.marks == Marks::Dots && dotted > 1))).collect()
}

/// For each line, None if its bands are not bars, else its bars' horizontal shift in pixels:
/// side by side, 8 px apart, when several lines with dots share an x; a scatter's (`DotsOnly`)
/// bars stay on their points. The PNG and the interactive chart (`vega`) both draw by it.
pub fn bar_shifts(lines: &[Line]) -> Vec<Option<i32>> {
    let barred = barred(lines);
    let nb = barred.iter().filter(|b| **b).count() as i32;
    let mut j = 0;
    lines
        .iter()
        .zip(barred)
        .map(|(l, b)| {
            b.then(|| {
                let dx = if l.marks == Marks::DotsOnly { 0 } else { (2 * j - (nb - 1)) * 4 };
                j += 1;
                dx
            })
        })
        .collect()
}

fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel, groups: &[MarkerGroup]) -> Result<()> {
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
                outer |= matches!(l.bands, Bands::Outer | Bands::Both) && !barred;
                inner |= matches!(l.bands, Bands::Inner | Bands::Both) && !barred;
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
        let text = panel.bar_note.clone().unwrap_or_else(|| "bar: 90% band (p05–p95)".to_owned());
        ctx(area.draw(&Text::new(text, (x + 36, y - 8), note.clone())))?;
        y += step;
    }
    if let Some(p) = panel.points.first() {
        ctx(area.draw(&Circle::new((x + 14, y), 6, BLACK.filled())))?;
        ctx(area.draw(&Circle::new((x + 14, y), 4, WHITE.filled())))?;
        ctx(area.draw(&Text::new(p.label.clone(), (x + 36, y - 8), note.clone())))?;
        y += step;
    }
    if let Some((_, text)) = &panel.data_end {
        ctx(area.draw(&PathElement::new(vec![(x + 14, y - 9), (x + 14, y + 9)], stroke(DATA_END, 2))))?;
        for line in wrap(text, 34) {
            ctx(area.draw(&Text::new(line, (x + 36, y - 8), note.clone())))?;
            y += 17;
        }
        y += 5;
    }
    if !groups.is_empty() {
        let grey = RGBColor(110, 110, 110);
        ctx(area.draw(&PathElement::new(vec![(x + 14, y - 9), (x + 14, y - 3)], stroke(grey, 1))))?;
        ctx(area.draw(&PathElement::new(vec![(x + 14, y + 2), (x + 14, y + 8)], stroke(grey, 1))))?;
        let merged = groups.len() < panel.markers.len();
        let header = if merged { "levers start / end (dates nearby share a tag):" } else { "levers start / end:" };
        for line in wrap(header, 30) {
            ctx(area.draw(&Text::new(line, (x + 36, y - 8), note.clone())))?;
            y += 17;
        }
        y += 4;
        let (_, height) = area.dim_in_pixel();
        let rows_left = ((height as i32 - y - 20) / 17).max(1) as usize;
        let two = groups.len() * 2 <= rows_left;
        for (k, g) in groups.iter().enumerate() {
            let tag = marker_tag(k);
            let tw = 8 + 7 * tag.len() as i32;
            ctx(area.draw(&Rectangle::new([(x + 14 - tw / 2, y - 8), (x + 14 + tw / 2, y + 7)], stroke(grey, 1))))?;
            ctx(area.draw(&Text::new(tag, (x + 14, y), (SANS, 12).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center)))))?;
            for line in group_text(g, if two { 2 } else { 1 }, 36) {
                ctx(area.draw(&Text::new(line, (x + 36, y - 8), note.clone())))?;
                y += 17;
            }
            if two {
                y += 3;
            }
        }
        if merged || groups.iter().any(|g| g.names.len() > 1) {
            ctx(area.draw(&Text::new("every lever: the lever table of index.html", (x, y - 4), (SANS, 12).into_font().color(&grey))))?;
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
        panels: vec![Panel { markers, points, ..Panel::new(String::new(), y_label, x_range, Body::Lines(lines)) }],
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
    fn many_markers_are_grouped_to_fit_and_keep_every_name() {
        let markers: Vec<Marker> = (0..76)
            .map(|k| Marker { x: 2022.0 + (k / 3) as f64 / 12.0, label: format!("2022-{:02}", k / 3 % 12 + 1), names: vec![format!("a_rather_long_lever_name_{k}")] })
            .collect();
        let groups = group_markers(&markers, 15);
        assert!(groups.len() <= 15);
        assert_eq!(groups.iter().map(|g| g.names.len()).sum::<usize>(), 76, "no lever lost");
        assert!(groups.windows(2).all(|w| w[0].xs.last().unwrap() < &w[1].xs[0]), "groups in date order");
        for g in &groups {
            for lines in [1, 2] {
                let t = group_text(g, lines, 36);
                assert!(t.len() <= lines && t.iter().all(|l| l.chars().count() <= 36), "{t:?}");
                if g.names.len() > 1 {
                    assert!(t.join(" ").contains("more") || t.join(" ").contains(&g.names[g.names.len() - 1]), "{t:?}");
                }
            }
        }
        // The path of step values moves only at step ends.
        assert_eq!(stairs(&[(1.0, 5.0), (2.0, 3.0), (3.0, 4.0)]), vec![(1.0, 5.0), (2.0, 5.0), (2.0, 3.0), (3.0, 3.0), (3.0, 4.0)]);
    }

    #[test]
    fn bars_of_a_sweep_sit_side_by_side_and_a_scatters_on_their_points() {
        let q = vec![Quantiles { x: 1.0, p05: 0.0, p25: 1.0, p50: 2.0, p75: 3.0, p95: 4.0 }];
        let with = |marks: Marks, bands: Bands| Line { marks, bands, ..line("a", BLACK, q.clone()) };
        let sweep = vec![with(Marks::Dots, Bands::Both), with(Marks::None, Bands::None), with(Marks::Dots, Bands::Both), with(Marks::Dots, Bands::Both)];
        assert_eq!(bar_shifts(&sweep), vec![Some(-8), None, Some(0), Some(8)]);
        // one line with dots keeps its shaded band; a scatter's bars are not shifted
        assert_eq!(bar_shifts(&[with(Marks::Dots, Bands::Both)]), vec![None]);
        assert_eq!(bar_shifts(&[with(Marks::DotsOnly, Bands::Outer), with(Marks::DotsOnly, Bands::Outer)]), vec![Some(0), Some(0)]);
    }

    #[test]
    fn categories_are_named_while_they_fit_and_numbered_beyond() {
        let names: Vec<String> = ["params.gamma", "a_rather_long_parameter_name_indeed"].iter().map(|s| s.to_string()).collect();
        assert_eq!(category_label(&names, 1.0), "params.gamma");
        assert_eq!(category_label(&names, 2.0), "a_rather_long_paramet…");
        assert_eq!(category_label(&names, 2.0).chars().count(), 22);
        assert_eq!(category_label(&names, 3.0), "");
        assert_eq!(category_label(&names, 0.0), "");
        let many: Vec<String> = (0..8).map(|k| format!("p{k}")).collect();
        assert_eq!(category_label(&many, 7.0), "7");
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
        line_with_bands(&path, Format::Svg, "t", "USD bn", (2021.0, 2023.0), lines, vec![Marker { x: 2022.0, label: "2022-01".into(), names: vec!["lever x".into()] }], vec![]).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        for s in ["alpha line", "beta line", "lever x", "90% band", "2022"] {
            assert!(svg.contains(s), "{s} missing from SVG");
        }
        assert!(!svg.contains("2022.0"));
    }
}
