//! The charts of a batch (`batch`, `merge`): each headline indicator against the swept
//! parameters, one line per value of the second (a scatter when the variants form no grid),
//! drawn from the batch directory read back (`reader::BatchData`).

use crate::output::chart_kit::{param_label, scenario_colour, ChartFile, Format, Quantiles, BN};
use crate::output::charts::figure::{save, Bands, Body, Dash, Figure, Line, Marks, Panel, XAxis, YFormat};
use crate::output::reader::{BatchData, IndicatorRow, Table};
use anyhow::{Context, Result};
use std::path::Path;

/// A varied value as a number on the x axis: a number, or a "YYYY-MM" date as a fractional year.
fn param_x(v: &str) -> Option<f64> {
    v.parse::<f64>().ok().filter(|x| x.is_finite()).or_else(|| Table::month_x(v))
}

/// A file name part: lower case, anything but [a-z0-9_-] becomes `_`.
pub fn sanitise(s: &str) -> String {
    s.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect()
}

/// One headline indicator against the first varied parameter: one line per value of the second
/// (and per scenario, if the batch has several), dots at the variants; a scatter when the
/// variants do not form a grid (Latin hypercube, points, a third parameter). None when nothing
/// varies or the first parameter is not numeric.
pub fn sweep_figure(data: &BatchData, indicator: &str, subject: &str) -> Option<Figure> {
    let p1 = data.params.first()?;
    let p2 = data.params.get(1);
    let share = indicator == "rule_fired_share";
    let ratio = indicator.contains("ratio");
    let scale = if indicator.ends_with("_usd") { BN } else { 1.0 };
    let scenarios: Vec<&str> = data.variants.iter().fold(Vec::new(), |mut v, r| {
        if !v.contains(&r.scenario.as_str()) {
            v.push(r.scenario.as_str());
        }
        v
    });
    let several = scenarios.len() > 1;
    // Per group (scenario, second value): (x, row) in variant order.
    let mut groups: Vec<((String, String), Vec<(f64, &IndicatorRow)>)> = Vec::new();
    let mut xs_all = Vec::new();
    for v in &data.variants {
        let x = param_x(v.values.first()?)?;
        xs_all.push(x);
        let Some(row) = data.row(v.id, indicator, subject) else { continue };
        let key = (v.scenario.clone(), v.values.get(1).cloned().unwrap_or_default());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, pts)) => pts.push((x, row)),
            None => groups.push((key, vec![(x, row)])),
        }
    }
    if groups.is_empty() {
        return None;
    }
    // A grid: per scenario every (x, second value) pair once, and every pair present.
    let grid = scenarios.iter().all(|s| {
        let mut xs: Vec<f64> = Vec::new();
        let mut pairs = 0;
        let mut seconds = 0;
        for ((sc, _), pts) in &groups {
            if sc != s {
                continue;
            }
            seconds += 1;
            pairs += pts.len();
            let mut own: Vec<f64> = pts.iter().map(|p| p.0).collect();
            own.sort_by(f64::total_cmp);
            if own.windows(2).any(|w| w[0] == w[1]) {
                return false;
            }
            for x in own {
                if !xs.contains(&x) {
                    xs.push(x);
                }
            }
        }
        xs.len() >= 2 && pairs == xs.len() * seconds && seconds <= 10
    });
    if !grid && groups.len() > 6 {
        // Too many colours to tell apart: one colour for all.
        let all: Vec<(f64, &IndicatorRow)> = groups.drain(..).flat_map(|(_, p)| p).collect();
        groups.push(((String::new(), String::new()), all));
    }
    let ratio_banded = ratio && groups.iter().flat_map(|(_, p)| p).all(|(_, r)| data.row(r.variant, "ru_gdp_usd", subject).is_some_and(|g| g.p05().is_finite()) && data.row(r.variant, "ru_gdp_counterfactual_usd", subject).is_some());
    let banded = ratio_banded || !share && groups.iter().flat_map(|(_, p)| p).all(|(_, r)| r.p05().is_finite() && r.p95().is_finite()) && groups.iter().flat_map(|(_, p)| p).any(|(_, r)| r.p05() != r.p50() || r.p95() != r.p50());
    let single = groups.len() == 1;
    let lines: Vec<Line> = groups
        .into_iter()
        .enumerate()
        .map(|(k, ((sc, second), mut pts))| {
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let points = pts
                .iter()
                .map(|(x, r)| {
                    if share {
                        let m = r.mean();
                        Quantiles { x: *x, p05: m, p25: m, p50: m, p75: m, p95: m }
                    } else if ratio {
                        // A ratio of medians has no quantiles of its own: the band is the
                        // variant's GDP p05 and p95 over the counterfactual's median (the
                        // variant's spread; the counterfactual's is left out).
                        let cf = data.row(r.variant, "ru_gdp_counterfactual_usd", subject).map_or(f64::NAN, |c| c.p50());
                        let g = data.row(r.variant, "ru_gdp_usd", subject);
                        let (lo, hi) = g.map_or((f64::NAN, f64::NAN), |g| (g.p05() / cf, g.p95() / cf));
                        let m = r.p50();
                        Quantiles { x: *x, p05: lo, p25: m, p50: m, p75: m, p95: hi }
                    } else {
                        Quantiles { x: *x, p05: r.q[1], p25: r.q[2], p50: r.q[3], p75: r.q[4], p95: r.q[5] }.scale(scale)
                    }
                })
                .collect();
            let mut label = match (p2, several) {
                (Some(p), _) if !second.is_empty() => format!("{} = {second}", param_label(p)),
                _ if single => if share { "share of runs".to_owned() } else { "median".to_owned() },
                _ => "variants".to_owned(),
            };
            if several && !sc.is_empty() {
                label = if p2.is_some() && !second.is_empty() { format!("{sc}: {label}") } else { sc };
            }
            Line {
                label,
                colour: scenario_colour(k),
                dash: [Dash::Solid, Dash::Dashed, Dash::Dotted][(k / 6) % 3],
                bands: if banded { Bands::Outer } else { Bands::None },
                marks: if grid { Marks::Dots } else { Marks::DotsOnly },
                points,
            }
        })
        .collect();
    let year = data.year().unwrap_or("the end year");
    let (title, y_label) = match indicator {
        "us_ru_trade_usd" => (format!("US–Russia trade in {year} (both directions) against {}", param_label(p1)), format!("USD bn in {year}")),
        "rule_fired_share" => (format!("Share of runs in which rule {subject} fired by the end of {year}"), "share of runs".to_owned()),
        "ru_gdp_ratio_of_medians_to_counterfactual" => (format!("Russia's {year} GDP over its no-lever counterfactual (ratio of medians)"), "ratio".to_owned()),
        _ if scale == BN => (format!("{indicator} ({subject}) in {year}"), format!("USD bn in {year}")),
        _ => (format!("{indicator} ({subject}) in {year}"), indicator.to_owned()),
    };
    let what = if share {
        "mean over runs (the share)".to_owned()
    } else if ratio && banded {
        "ratio of medians; bars: the variant's p05–p95 over the counterfactual's median".to_owned()
    } else if banded {
        "median and 90% band (p05–p95)".to_owned()
    } else {
        "median".to_owned()
    };
    let per = match (p2, grid) {
        (Some(p), true) => format!("; one line per {}", param_label(p)),
        (_, false) => "; no grid: one dot per variant".to_owned(),
        _ => String::new(),
    };
    let xs = xs_all;
    let (lo, hi) = (xs.iter().copied().fold(f64::INFINITY, f64::min), xs.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let pad = if hi > lo { (hi - lo) * 0.04 } else { 0.5 };
    let y_range = if share {
        Some((0.0, 1.05))
    } else if ratio {
        // Around the values and 1 (no difference), not from 0: the differences are small.
        let vals = lines.iter().flat_map(|l| l.points.iter().flat_map(|q| [q.p05, q.p50, q.p95])).filter(|v| v.is_finite());
        let (a, b) = vals.fold((1.0f64, 1.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let m = ((b - a) * 0.15).max(0.01);
        Some((a - m, b + m))
    } else {
        None
    };
    let runs: Vec<&str> = data.variants.iter().map(|v| v.runs.as_str()).fold(Vec::new(), |mut v, r| {
        if !v.contains(&r) {
            v.push(r);
        }
        v
    });
    Some(Figure {
        title,
        panels: vec![Panel {
            y_format: if share { YFormat::Percent } else { YFormat::Number },
            x_axis: XAxis::Number(param_label(p1)),
            y_range,
            // 1: GDP as without levers.
            h_lines: if ratio { vec![1.0] } else { Vec::new() },
            ..Panel::new(format!("{what} per variant{per}"), y_label, (lo - pad, hi + pad), Body::Lines(lines))
        }],
        footnote: Some(format!("Each dot is one variant ({} runs each); indicators.csv rows {indicator} / {subject}, x from variants.csv.", runs.join(", "))),
    })
}

/// Draw every headline indicator (`reader::HEADLINE`) of a batch against its swept
/// parameters into `dir` as `<indicator>_<subject>.<ext>`; returns what was written, with file
/// names relative to the batch directory (`charts/...`).
pub fn draw_sweep(data: &BatchData, dir: &Path, fmt: Format) -> Result<Vec<ChartFile>> {
    let mut files = Vec::new();
    for (indicator, subject) in data.headline() {
        let Some(fig) = sweep_figure(data, &indicator, &subject) else { continue };
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let file = format!("{}_{}.{}", sanitise(&indicator), sanitise(&subject), fmt.ext());
        save(&fig, &dir.join(&file), fmt)?;
        files.push(ChartFile { file: format!("charts/{file}"), title: fig.title.clone(), spec: Some(crate::output::vega::spec_text(&fig)) });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitised() {
        assert_eq!(sanitise("US+RU"), "us_ru");
        assert_eq!(sanitise("eu_normalizes-2"), "eu_normalizes-2");
    }
}
