//! The charts of a batch's analysis designs, drawn from the files read back
//! (`output::analysis::read`): per indicator of an attribution, the groups' mean Shapley
//! values stacked per year (they add up to the mean change) over their medians and 90% bands
//! per run; the Sobol' indices with their intervals; Morris' mu* against sigma.

use crate::output::analysis::{read, Row};
use crate::output::chart_kit::{sector_colour, ChartFile, Format, Quantiles, BN, TOTAL_COLOUR};
use crate::output::charts::batch::sanitise;
use crate::output::charts::figure::{save, Bands, Body, Dash, Figure, Layer, Line, Marks, Panel, XAxis, YFormat};
use anyhow::{Context, Result};
use std::path::Path;

/// Distinct values in first-seen order.
fn distinct<T: PartialEq + Clone>(it: impl Iterator<Item = T>) -> Vec<T> {
    it.fold(Vec::new(), |mut v, x| {
        if !v.contains(&x) {
            v.push(x);
        }
        v
    })
}

fn scale_of(indicator: &str) -> f64 {
    if indicator.ends_with("_usd") {
        BN
    } else {
        1.0
    }
}

fn label_of(indicator: &str, subject: &str) -> String {
    match indicator {
        "us_ru_trade_usd" => "US–Russia trade (both directions)".to_owned(),
        "ru_trade_usd" if subject == "RU+all" => "Russia's trade with the world".to_owned(),
        "ru_trade_usd" => format!("Russia's trade with {}", subject.trim_start_matches("RU+")),
        "ru_gdp_usd" => "Russia's GDP".to_owned(),
        "rule_fired_share" => format!("Share of runs in which rule {subject} has fired"),
        _ => format!("{indicator} {subject}"),
    }
}

/// A padded y range around values of either sign (always including 0).
fn y_range(vals: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = vals.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let pad = ((hi - lo) * 0.08).max(1e-9);
    (lo - if lo < 0.0 { pad } else { 0.0 }, hi + if hi > 0.0 { pad } else { 0.0 })
}

/// The attribution chart of one indicator: stacked mean Shapley values per year, then each
/// group's per-run median and 90% band with the total change's.
pub fn attribution_figure(rows: &[Row], indicator: &str, subject: &str) -> Option<Figure> {
    let mine: Vec<&Row> = rows.iter().filter(|r| r.indicator() == indicator && r.subject() == subject).collect();
    let years: Vec<String> = distinct(mine.iter().map(|r| r.year().to_owned()));
    let players: Vec<String> = distinct(mine.iter().filter(|r| r.kind() == "shapley").map(|r| r.name().to_owned()));
    if years.is_empty() || players.is_empty() {
        return None;
    }
    let k = scale_of(indicator);
    let x = |y: &str| y.parse::<f64>().unwrap_or(0.0) + 0.5;
    let find = |y: &str, kind: &str, p: &str| mine.iter().find(|r| r.year() == y && r.kind() == kind && r.name() == p).copied();
    let layers: Vec<Layer> = players
        .iter()
        .enumerate()
        .map(|(i, p)| Layer { label: p.clone(), colour: sector_colour(i), values: years.iter().map(|y| (x(y), find(y, "shapley", p).map_or(0.0, |r| r.num[0] * k))).collect() })
        .collect();
    let stack = {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for yi in 0..years.len() {
            let (p, n): (f64, f64) = layers.iter().map(|l| l.values[yi].1).fold((0.0, 0.0), |(p, n), v| if v >= 0.0 { (p + v, n) } else { (p, n + v) });
            hi = hi.max(p);
            lo = lo.min(n);
        }
        y_range([lo, hi].into_iter())
    };
    let q = |r: Option<&Row>, xx: f64| r.map_or(Quantiles { x: xx, p05: f64::NAN, p25: f64::NAN, p50: f64::NAN, p75: f64::NAN, p95: f64::NAN }, |r| {
        Quantiles { x: xx, p05: r.num[1], p25: r.num[2], p50: r.num[3], p75: r.num[4], p95: r.num[5] }.scale(k)
    });
    let mut lines: Vec<Line> = players
        .iter()
        .enumerate()
        .map(|(i, p)| Line { label: p.clone(), colour: sector_colour(i), dash: Dash::Solid, bands: Bands::Outer, marks: Marks::None, points: years.iter().map(|y| q(find(y, "shapley", p), x(y))).collect() })
        .collect();
    lines.push(Line { label: "total change".into(), colour: TOTAL_COLOUR, dash: Dash::Dashed, bands: Bands::Outer, marks: Marks::None, points: years.iter().map(|y| q(find(y, "total", ""), x(y))).collect() });
    let bands = y_range(lines.iter().flat_map(|l| l.points.iter().flat_map(|p| [p.p05, p.p95])));
    let (y_label, fmt) = if indicator == "rule_fired_share" { ("change in the share of runs".to_owned(), YFormat::Percent) } else if k == BN { ("USD bn, change from no groups".to_owned(), YFormat::Number) } else { ("change from no groups".to_owned(), YFormat::Number) };
    let x_range = (x(&years[0]) - 0.6, x(years.last()?) + 0.6);
    let sampled = mine.iter().any(|r| r.kind() == "shapley" && r.num.get(7).is_some_and(|v| v.is_finite()));
    Some(Figure {
        title: format!("{}: what each group contributes (Shapley values)", label_of(indicator, subject)),
        panels: vec![
            Panel {
                y_format: fmt,
                y_range: Some(stack),
                ..Panel::new("Mean over runs, stacked: the layers add up to the mean change", y_label.clone(), x_range, Body::Stacked(layers))
            },
            Panel {
                y_format: fmt,
                y_range: Some(bands),
                ..Panel::new("Per run: median and 90% band of each group's value and of the total change", y_label, x_range, Body::Lines(lines))
            },
        ],
        footnote: Some(format!(
            "attribution.csv rows {indicator} / {subject}: every subset of the groups on the same seed{}; values in calendar years.",
            if sampled { ", Shapley values from sampled permutations" } else { ", exact Shapley values" }
        )),
    })
}

/// Sobol' indices of one indicator: S1 and ST per parameter with their 95% intervals as bars.
pub fn sobol_figure(rows: &[Row], indicator: &str, subject: &str) -> Option<Figure> {
    let mine: Vec<&Row> = rows.iter().filter(|r| r.indicator() == indicator && r.subject() == subject).collect();
    if mine.is_empty() || mine.iter().all(|r| !r.num[0].is_finite()) {
        return None;
    }
    let pts = |col: usize, dx: f64| -> Vec<Quantiles> {
        mine.iter().enumerate().map(|(j, r)| Quantiles { x: j as f64 + 1.0 + dx, p05: r.num[col] - r.num[col + 1], p25: r.num[col], p50: r.num[col], p75: r.num[col], p95: r.num[col] + r.num[col + 1] }).collect()
    };
    let lines = vec![
        Line { label: "S1, first order".into(), colour: sector_colour(0), dash: Dash::Solid, bands: Bands::Outer, marks: Marks::DotsOnly, points: pts(0, -0.08) },
        Line { label: "ST, total".into(), colour: sector_colour(1), dash: Dash::Solid, bands: Bands::Outer, marks: Marks::DotsOnly, points: pts(2, 0.08) },
    ];
    let hi = lines.iter().flat_map(|l| l.points.iter().map(|p| p.p95)).filter(|v| v.is_finite()).fold(1.0f64, f64::max);
    let lo = lines.iter().flat_map(|l| l.points.iter().map(|p| p.p05)).filter(|v| v.is_finite()).fold(0.0f64, f64::min);
    let names: Vec<String> = mine.iter().enumerate().map(|(j, r)| format!("{} = {}", j + 1, r.name())).collect();
    Some(Figure {
        title: format!("Sobol' indices of {} ({})", label_of(indicator, subject), mine[0].year()),
        panels: vec![Panel {
            x_axis: XAxis::Categories("parameter".into(), mine.iter().map(|r| r.name().to_owned()).collect()),
            y_range: Some((lo.min(0.0) - 0.02, hi + 0.05)),
            bar_note: Some("bar: 95% bootstrap interval".into()),
            ..Panel::new("Index and its 95% bootstrap interval (bar) per parameter", "share of variance", (0.5, mine.len() as f64 + 0.5), Body::Lines(lines))
        }],
        footnote: Some(format!("Parameters: {}. sobol.csv.", names.join("; "))),
    })
}

/// Morris screening of one indicator: mu* against sigma, one dot per parameter.
pub fn morris_figure(rows: &[Row], indicator: &str, subject: &str) -> Option<Figure> {
    let mine: Vec<&Row> = rows.iter().filter(|r| r.indicator() == indicator && r.subject() == subject).collect();
    if mine.is_empty() || mine.iter().all(|r| !(r.num[1] > 0.0)) {
        return None;
    }
    let k = scale_of(indicator);
    let lines: Vec<Line> = mine
        .iter()
        .enumerate()
        .map(|(j, r)| {
            let (m, s) = (r.num[1] * k, r.num[3] * k);
            Line { label: r.name().to_owned(), colour: sector_colour(j), dash: Dash::Solid, bands: Bands::None, marks: Marks::DotsOnly, points: vec![Quantiles { x: m, p05: s, p25: s, p50: s, p75: s, p95: s }] }
        })
        .collect();
    let xmax = lines.iter().map(|l| l.points[0].x).filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    let ymax = lines.iter().map(|l| l.points[0].p50).filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    let unit = if k == BN { " (USD bn)" } else { "" };
    Some(Figure {
        title: format!("Morris screening of {} ({})", label_of(indicator, subject), mine[0].year()),
        panels: vec![Panel {
            x_axis: XAxis::Number(format!("mu*, mean absolute elementary effect{unit}")),
            y_range: Some((0.0, if ymax > 0.0 { ymax * 1.1 } else { 1.0 })),
            ..Panel::new("mu*: how much the parameter moves the indicator; sigma: how unevenly", format!("sigma{unit}"), (0.0, if xmax > 0.0 { xmax * 1.1 } else { 1.0 }), Body::Lines(lines))
        }],
        footnote: Some("An elementary effect: the change of the indicator's mean over runs when the parameter moves across its whole range. morris.csv.".into()),
    })
}

/// Draw the analysis charts of a batch directory `out` into `dir` (attribution: the
/// indicators other than Russia's trade with single partners; sobol and morris: every
/// indicator that varies); file names relative to the batch directory.
pub fn draw(out: &Path, dir: &Path, fmt: Format) -> Result<Vec<ChartFile>> {
    let mut files = Vec::new();
    type Draw = fn(&[Row], &str, &str) -> Option<Figure>;
    for (file, texts, prefix, draw) in [
        ("attribution.csv", 5, "attribution", attribution_figure as Draw),
        ("sobol.csv", 4, "sobol", sobol_figure as Draw),
        ("morris.csv", 4, "morris", morris_figure as Draw),
    ] {
        let path = out.join(file);
        if !path.exists() {
            continue;
        }
        let rows = read(&path, texts).map_err(|e| anyhow::anyhow!(e))?;
        let keys = distinct(rows.iter().map(|r| (r.indicator().to_owned(), r.subject().to_owned())));
        for (ind, sub) in keys {
            if prefix == "attribution" && ind == "ru_trade_usd" && sub != "RU+all" {
                continue;
            }
            let Some(fig) = draw(&rows, &ind, &sub) else { continue };
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let name = format!("{prefix}_{}_{}.{}", sanitise(&ind), sanitise(&sub), fmt.ext());
            save(&fig, &dir.join(&name), fmt)?;
            files.push(ChartFile { file: format!("charts/{name}"), title: fig.title.clone(), spec: Some(crate::output::vega::spec_text(&fig)) });
        }
    }
    Ok(files)
}
