//! A run's one-page report, index.html: scenario, key numbers, lever timeline, policy rules
//! and every chart, from the result directory read back (`reader::RunData`).

use crate::output::chart_kit::{fmt_bn, fmt_pct, sum_quantiles, ChartFile, PAGE_STYLE, SUM_NOTE};
use crate::output::reader::{RunData, Table};
use crate::output::vega;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

pub use crate::output::chart_kit::esc;

/// The data files a run page links to, those the directory has, in this order.
pub const DATA_FILES: [&str; 8] = ["summary.csv", "annual.csv", "vs_baseline.csv", "vs_baseline_annual.csv", "runs.csv", "run_params.csv", "manifest.json", "scenario.toml"];

/// Write `<dir>/index.html`: scenario, lever timeline, key numbers and every chart. Image paths
/// are relative, so the page opens from disk and moves with the directory.
pub fn write_index(dir: &Path, run: &RunData, charts: &[ChartFile]) -> Result<()> {
    let m = &run.manifest;
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{name} — tradesim</title>
<style>
{page_style}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: middle; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.bar {{ position: relative; height: 12px; width: 320px; background: #f2f2f2; }}
.bar span {{ position: absolute; top: 0; height: 12px; background: #666; }}
.bar i {{ position: absolute; top: 0; height: 12px; width: 1px; background: #fff; }}
.bar span.rule {{ background: #bbb; }} tr.rule td {{ color: #555; font-style: italic; }}
table.levers td:nth-child(6), table.levers td:nth-child(7) {{ white-space: nowrap; }}
.axis {{ position: relative; height: 14px; width: 320px; font-size: 0.75em; color: #666; font-weight: normal; }}
.axis span {{ position: absolute; transform: translateX(-50%); }}
pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.8em; max-height: 40em; }}
{vega_style}
</style></head><body>
<h1>{name}</h1>
<p>{desc}</p>
<p class="meta">Base year {base}, {start} to {end} in {step} steps; {runs} runs, seed {seed}; tradesim {ver}. Scenario file {file}.</p>
{files}
"#,
        files = files_line(run),
        page_style = PAGE_STYLE,
        vega_style = vega::STYLE,
        name = esc(&m.scenario),
        desc = esc(&m.description),
        base = m.base,
        start = esc(&m.start),
        end = esc(&m.end),
        step = esc(&m.step),
        runs = m.runs,
        seed = m.seed,
        ver = esc(&m.tradesim_version),
        file = esc(&m.scenario_file),
    );

    // Key numbers: the last full calendar year against the base-year data.
    h.push_str("<h2>Key numbers: US–Russia trade</h2>\n");
    if let Some(end_year) = run.annual.dates.last().cloned() {
        let vs = run.vs_baseline.as_ref();
        let vs_head = vs.map_or(String::new(), |v| format!("<th>vs {} (median % difference, paired)</th><th>vs {} 90% band</th>", esc(&v.scenario), esc(&v.scenario)));
        let _ = writeln!(
            h,
            "<table><tr><th>flow</th><th>{} (data)</th><th>{end_year} median</th><th>{end_year} 90% band</th><th>median vs {}</th>{vs_head}</tr>",
            m.base, m.base
        );
        let ab = run.annual.at(&end_year, "trade", "US", "RU", "all");
        let ba = run.annual.at(&end_year, "trade", "RU", "US", "all");
        let total = match (ab, ba) {
            (Some(a), Some(b)) => Some(sum_quantiles(&[a], &[b])[0]),
            _ => None,
        };
        let base_total = run.base_trade("US", "RU", "all").zip(run.base_trade("RU", "US", "all")).map(|(a, b)| a + b);
        for (label, q, base, dir) in [
            ("US–RU total (both directions)*", total, base_total, None),
            ("US → RU (US exports)", ab, run.base_trade("US", "RU", "all"), Some(("US", "RU"))),
            ("RU → US (RU exports)", ba, run.base_trade("RU", "US", "all"), Some(("RU", "US"))),
        ] {
            let Some(q) = q else { continue };
            let change = base.filter(|b| *b > 0.0).map_or("–".into(), |b| fmt_pct(q.p50 / b - 1.0, true));
            let vs_cells = vs.map_or(String::new(), |v| {
                // Percent per run (100·(scenario − baseline)/baseline): median and 90% band.
                match dir.and_then(|(e, i)| v.annual.at(&end_year, "trade_pct", e, i, "all")) {
                    Some(p) => format!("<td class=num>{}</td><td class=num>{} to {}</td>", fmt_pct(p.p50 / 100.0, true), fmt_pct(p.p05 / 100.0, true), fmt_pct(p.p95 / 100.0, true)),
                    None => "<td class=num>–</td><td class=num>–</td>".to_owned(),
                }
            });
            let _ = writeln!(
                h,
                "<tr><td>{label}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{} – {}</td><td class=num>{change}</td>{vs_cells}</tr>",
                base.map_or("–".into(), fmt_bn),
                fmt_bn(q.p50),
                fmt_bn(q.p05),
                fmt_bn(q.p95)
            );
        }
        h.push_str("</table>\n<p class=note>USD bn per calendar year, one decimal; percentages whole. * The total's median and band add the two directions' quantiles: the outputs hold no joint quantiles, so the band is approximate.");
        if let Some(v) = vs {
            let _ = write!(
                h,
                " vs {}: each run against the {} run with the same seed (common random numbers), the per-run percentage difference's median and 90% band (vs_baseline_annual.csv, metric trade_pct); no such figure for the total (per-direction percentages do not add).",
                esc(&v.scenario),
                esc(&v.scenario)
            );
        }
        h.push_str("</p>\n");
    } else {
        h.push_str("<p>The run covers no full calendar year.</p>\n");
    }

    // Lever timeline.
    h.push_str("<h2>Levers</h2>\n");
    let creating: Vec<&crate::output::ManifestRule> = m.rules.iter().filter(|r| r.kind != "normalize").collect();
    if m.levers.is_empty() && creating.is_empty() {
        h.push_str("<p>No levers: nothing is switched on or off.</p>\n");
    } else {
        let (x0, x1) = run.x_range();
        let pct = |x: f64| ((x - x0) / (x1 - x0) * 100.0).clamp(0.0, 100.0);
        let pos = |d: &str| Table::month_x(d).map_or(0.0, pct);
        // Year ticks: on the axis above the bars, and as thin white lines in each bar.
        let years: Vec<i32> = ((x0.ceil() as i32)..=(x1.floor() as i32)).collect();
        let every = years.len().div_ceil(12).max(1);
        let axis: String = years.iter().enumerate().filter(|(k, _)| k % every == 0).map(|(_, y)| format!("<span style=\"left:{:.1}%\">{y}</span>", pct(*y as f64))).collect();
        let ticks: String = years.iter().map(|y| format!("<i style=\"left:{:.1}%\"></i>", pct(*y as f64))).collect();
        let _ = writeln!(h, "<table class=levers><tr><th>id</th><th>kind</th><th>by</th><th>on</th><th>sectors</th><th>start</th><th>end</th><th><div class=axis>{axis}</div></th></tr>");
        for l in &m.levers {
            let a = pos(&l.start);
            let b = l.end.as_deref().map_or(100.0, pos);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><div class=bar><span style=\"left:{a:.1}%;width:{:.1}%\"></span>{ticks}</div></td></tr>",
                esc(&l.id),
                esc(&l.kind),
                esc(&l.by),
                esc(&l.on.join(", ")),
                esc(&l.sectors.join(", ")),
                esc(&l.start),
                esc(l.end.as_deref().unwrap_or("—")),
                (b - a).max(0.5)
            );
        }
        // Levers that rules create when they fire (not scheduled, so in some runs only): the
        // bar runs from the first step in which any run's rule had fired.
        let series: BTreeMap<String, Vec<crate::output::chart_kit::Quantiles>> = run.summary.rule_series().into_iter().map(|(_, _, id, p)| (id, p)).collect();
        for r in &creating {
            let pts = series.get(&r.id);
            let first = pts.and_then(|p| p.iter().position(|q| q.p50 > 0.0).map(|k| if k == 0 { x0 } else { p[k - 1].x }));
            let share = pts.and_then(|p| p.last()).map_or("–".to_owned(), |q| fmt_pct(q.p50, false));
            let what = if r.effect.is_empty() { format!("{} rule of {}", r.kind, r.by) } else { r.effect.clone() };
            let bar = first.map_or(String::new(), |x| format!("<span class=rule style=\"left:{:.1}%;width:{:.1}%\"></span>", pct(x), (100.0 - pct(x)).max(0.5)));
            let _ = writeln!(
                h,
                "<tr class=rule><td>by rule {}</td><td colspan=6>created by rule {} when it fires (in {share} of runs by the end): {}</td><td><div class=bar>{bar}{ticks}</div></td></tr>",
                esc(&r.id),
                esc(&r.id),
                esc(&what)
            );
        }
        h.push_str("</table>\n");
        if !creating.is_empty() {
            h.push_str("<p class=note>Italic rows: levers created by policy rules when they fire, in the runs in which they fire; the bar starts at the first step by whose end any run's rule had fired. The charts' lever markers show the scheduled levers only.</p>\n");
        }
    }
    if !m.rules.is_empty() {
        let fired: BTreeMap<String, f64> = run.summary.rule_series().into_iter().map(|(_, _, id, p)| (id, p.last().map_or(0.0, |q| q.p50))).collect();
        h.push_str("<h2>Policy rules</h2>\n<table><tr><th>id</th><th>kind</th><th>by</th><th>probability</th><th>share of runs fired by the end</th></tr>\n");
        for r in &m.rules {
            let f = fired.get(&r.id).map_or("–".into(), |v| fmt_pct(*v, false));
            let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{f}</td></tr>", esc(&r.id), esc(&r.kind), esc(&r.by), fmt_pct(r.probability, false));
        }
        h.push_str("</table>\n");
    }

    h.push_str("<h2>Charts</h2>\n");
    if run.vs_baseline.is_some() {
        h.push_str("<p class=note>Under each trajectory chart a difference panel: each run minus the baseline run with the same seed, median with its 50% and 90% bands (vs_baseline.csv), and a zero line.</p>\n");
    }
    if charts.iter().any(|c| c.spec.is_some()) {
        h.push_str("<p class=note>Interactive charts: hover for the median and bands at a date; click a legend entry to show that series alone (shift-click for several, click an empty spot of the chart to show all again); the ⋯ menu saves the chart. Each links its image.</p>\n");
    }
    for (k, c) in charts.iter().enumerate() {
        h.push_str(&vega::chart_html(&format!("chart{k}"), c));
    }
    let _ = writeln!(
        h,
        "<p class=note>Trajectories are annual rates per step (summary.csv), drawn as steps: a step's value from the end of that step until the next step ends, so nothing moves before the step in which its cause happened ends; the key numbers are calendar-year totals (annual.csv). {}</p>",
        esc(SUM_NOTE)
    );
    // The scenario file as run.
    if let Ok(text) = std::fs::read_to_string(run.dir.join("scenario.toml")) {
        let _ = writeln!(h, "<h2>Scenario file</h2>\n<details><summary>scenario.toml as run ({} lines; <a href=\"scenario.toml\">scenario.toml</a>)</summary><pre>{}</pre></details>", text.lines().count(), esc(&text));
    }
    vega::write_scripts(dir)?;
    h.push_str(&vega::page_scripts());
    h.push_str("</body></html>\n");
    let path = dir.join("index.html");
    std::fs::write(&path, h).with_context(|| format!("cannot write {}", path.display()))
}

/// Write the page of a comparison (`compare`) to `page`: the scenarios compared and the
/// interactive chart, linking its image `image` (a sibling of the page); the scripts go into
/// `js/` beside the page.
pub fn write_compare_page(page: &Path, image: &Path, chart: &ChartFile, runs: &[RunData]) -> Result<()> {
    let dir = page.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = image.file_name().map_or_else(|| chart.file.clone(), |n| n.to_string_lossy().into_owned());
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{t} — tradesim compare</title>
<style>
{page_style}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }}
{style}
</style></head><body>
<h1>{t}</h1>
<table><tr><th>scenario</th><th>result directory</th><th>runs</th><th>seed</th><th>period</th></tr>
"#,
        t = esc(&chart.title),
        page_style = PAGE_STYLE,
        style = vega::STYLE
    );
    for r in runs {
        let m = &r.manifest;
        let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} to {}</td></tr>", esc(&m.scenario), esc(&r.dir.display().to_string()), m.runs, m.seed, esc(&m.start), esc(&m.end));
    }
    h.push_str("</table>\n<p class=note>Hover for a scenario's median and band at a date; click a legend entry to show that scenario alone (shift-click for several, click an empty spot of the chart to show all again); the ⋯ menu saves the chart.</p>\n");
    h.push_str(&vega::chart_html("chart0", &ChartFile { file: name, ..chart.clone() }));
    h.push_str(&vega::page_scripts());
    h.push_str("</body></html>\n");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    vega::write_scripts(dir)?;
    crate::output::state::write_atomic(page, h.as_bytes())
}

/// The line linking the run's data files (those present).
fn files_line(run: &RunData) -> String {
    let links: Vec<String> = DATA_FILES.iter().filter(|f| run.dir.join(f).is_file()).map(|f| format!("<a href=\"{f}\">{f}</a>")).collect();
    format!("<p class=\"meta\">Data: {}.</p>", links.join(", "))
}

/// The relative paths an HTML page references in `src="..."` and `href="..."` attributes.
pub fn referenced_files(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(j) = rest.find('"') {
                let f = &rest[..j];
                if !f.contains("://") && !f.starts_with('#') && !out.iter().any(|x| x == f) {
                    out.push(f.to_owned());
                }
                rest = &rest[j..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_referenced_files() {
        let h = r#"<img src="charts/a.png"><a href="charts/a.png">x</a><a href="https://x.org">y</a><img src="b.svg">"#;
        assert_eq!(referenced_files(h), vec!["charts/a.png", "b.svg"]);
    }
}
