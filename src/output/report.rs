//! A run's one-page report, index.html: scenario, key numbers, lever timeline, policy rules
//! and every chart, from the result directory read back (`reader::RunData`).

use crate::output::chart_kit::{sum_quantiles, ChartFile, BN, SUM_NOTE};
use crate::output::reader::{RunData, Table};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn bn(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v * BN >= 10.0 {
        format!("{:.1}", v * BN)
    } else {
        format!("{:.2}", v * BN)
    }
}

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
body {{ font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2em auto; max-width: 1240px; color: #222; padding: 0 1em; }}
h1 {{ margin-bottom: 0.2em; }} .meta {{ color: #666; font-size: 0.9em; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.92em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: middle; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.bar {{ position: relative; height: 12px; width: 320px; background: #f2f2f2; }}
.bar span {{ position: absolute; top: 0; height: 12px; background: #666; }}
figure {{ margin: 1.5em 0; }} figure img {{ max-width: 100%; border: 1px solid #eee; }}
figcaption {{ color: #555; font-size: 0.9em; }} .note {{ color: #666; font-size: 0.85em; }}
</style></head><body>
<h1>{name}</h1>
<p>{desc}</p>
<p class="meta">Base year {base}, {start} to {end} in {step} steps; {runs} runs, seed {seed}; tradesim {ver}. Scenario file {file}.</p>
"#,
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
        let _ = writeln!(
            h,
            "<table><tr><th>flow</th><th>{} (data)</th><th>{end_year} median</th><th>{end_year} 90% band</th><th>median vs {}</th></tr>",
            m.base, m.base
        );
        let ab = run.annual.at(&end_year, "trade", "US", "RU", "all");
        let ba = run.annual.at(&end_year, "trade", "RU", "US", "all");
        let total = match (ab, ba) {
            (Some(a), Some(b)) => Some(sum_quantiles(&[a], &[b])[0]),
            _ => None,
        };
        let base_total = run.base_trade("US", "RU", "all").zip(run.base_trade("RU", "US", "all")).map(|(a, b)| a + b);
        for (label, q, base) in [
            ("US–RU total (both directions)*", total, base_total),
            ("US → RU (US exports)", ab, run.base_trade("US", "RU", "all")),
            ("RU → US (RU exports)", ba, run.base_trade("RU", "US", "all")),
        ] {
            let Some(q) = q else { continue };
            let change = base.filter(|b| *b > 0.0).map_or("–".into(), |b| format!("{:+.0}%", (q.p50 / b - 1.0) * 100.0));
            let _ = writeln!(
                h,
                "<tr><td>{label}</td><td class=num>{}</td><td class=num>{}</td><td class=num>{} – {}</td><td class=num>{change}</td></tr>",
                base.map_or("–".into(), bn),
                bn(q.p50),
                bn(q.p05),
                bn(q.p95)
            );
        }
        h.push_str("</table>\n<p class=note>USD bn per calendar year. * The total's median and band add the two directions' quantiles: the outputs hold no joint quantiles, so the band is approximate.</p>\n");
    } else {
        h.push_str("<p>The run covers no full calendar year.</p>\n");
    }

    // Lever timeline.
    h.push_str("<h2>Levers</h2>\n");
    if m.levers.is_empty() {
        h.push_str("<p>No levers: nothing is switched on or off.</p>\n");
    } else {
        let (x0, x1) = run.x_range();
        let pos = |d: &str| Table::month_x(d).map_or(0.0, |x| ((x - x0) / (x1 - x0) * 100.0).clamp(0.0, 100.0));
        let _ = writeln!(h, "<table><tr><th>id</th><th>kind</th><th>by</th><th>on</th><th>sectors</th><th>start</th><th>end</th><th>{} – {}</th></tr>", esc(&m.start), esc(&m.end));
        for l in &m.levers {
            let a = pos(&l.start);
            let b = l.end.as_deref().map_or(100.0, pos);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><div class=bar><span style=\"left:{a:.1}%;width:{:.1}%\"></span></div></td></tr>",
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
        h.push_str("</table>\n");
    }
    if !m.rules.is_empty() {
        let fired: BTreeMap<String, f64> = run.summary.rule_series().into_iter().map(|(_, _, id, p)| (id, p.last().map_or(0.0, |q| q.p50))).collect();
        h.push_str("<h2>Policy rules</h2>\n<table><tr><th>id</th><th>kind</th><th>by</th><th>probability</th><th>share of runs fired by the end</th></tr>\n");
        for r in &m.rules {
            let f = fired.get(&r.id).map_or("–".into(), |v| format!("{:.0}%", v * 100.0));
            let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{f}</td></tr>", esc(&r.id), esc(&r.kind), esc(&r.by), r.probability);
        }
        h.push_str("</table>\n");
    }

    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        let _ = writeln!(h, "<figure><img src=\"{f}\" alt=\"{t}\"><figcaption>{t} (<a href=\"{f}\">{f}</a>)</figcaption></figure>", f = esc(&c.file), t = esc(&c.title));
    }
    let _ = writeln!(
        h,
        "<p class=note>Trajectories are annual rates per step (summary.csv); the key numbers are calendar-year totals (annual.csv). {} Data in manifest.json, summary.csv and annual.csv.</p>\n</body></html>",
        esc(SUM_NOTE)
    );
    let path = dir.join("index.html");
    std::fs::write(&path, h).with_context(|| format!("cannot write {}", path.display()))
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
