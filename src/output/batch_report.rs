//! A batch's one-page report, index.html: the variants, the headline indicators per variant
//! and every batch chart, from the batch directory read back (`reader::BatchData`).

use crate::output::chart_kit::{fmt_bn, fmt_pct, param_label, ChartFile, PAGE_STYLE};
use crate::output::reader::{BatchData, IndicatorRow, VariantRow};
use crate::output::report::esc;
use crate::output::state::write_atomic;
use crate::output::vega;
use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;

/// A short column heading for an indicator and subject.
pub fn heading(indicator: &str, subject: &str) -> String {
    match indicator {
        "us_ru_trade_usd" => "US–RU trade, USD bn".to_owned(),
        "rule_fired_share" => format!("{} fired", subject.replace('_', " ")),
        "ru_gdp_ratio_of_medians_to_counterfactual" => "RU GDP / no-lever GDP".to_owned(),
        _ => format!("{indicator} {subject}"),
    }
}

/// A number of an indicator: USD in bn with one decimal (`fmt_bn`, as on the run page), a
/// ratio with three decimals (GDP ratios differ in the second or third).
fn num(v: f64, usd: bool) -> String {
    if usd {
        fmt_bn(v)
    } else if v.is_finite() {
        format!("{v:.3}")
    } else {
        "–".into()
    }
}

/// One table cell: a share as a whole percentage (`fmt_pct`); else the median and, on a line
/// of its own, its 90% band (if it has one), so the columns stay narrow.
fn cell(r: Option<&IndicatorRow>) -> String {
    let Some(r) = r else { return "–".into() };
    if r.indicator == "rule_fired_share" {
        return fmt_pct(r.mean(), false);
    }
    let usd = r.indicator.ends_with("_usd");
    if r.p05().is_finite() && r.p95().is_finite() {
        format!("{}<br><span class=band>{} – {}</span>", num(r.p50(), usd), num(r.p05(), usd), num(r.p95(), usd))
    } else {
        num(r.p50(), usd)
    }
}

/// Write `<dir>/index.html`: the batch's name, description and `meta` line, the variants, the
/// headline indicators per variant and every chart. Image paths are relative, so the page
/// opens from disk and moves with the directory.
pub fn write_index(dir: &Path, name: &str, description: &str, meta: &str, data: &BatchData, charts: &[ChartFile]) -> Result<()> {
    write_index_with(dir, name, description, meta, data, charts, "")
}

/// `write_index` with a section of HTML (an analysis design's tables, `analysis_html`) before
/// the variants (folded when there are more than 20).
pub fn write_index_with(dir: &Path, name: &str, description: &str, meta: &str, data: &BatchData, charts: &[ChartFile], extra: &str) -> Result<()> {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{name} — tradesim batch</title>
<style>
{page_style}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }}
th {{ font-weight: 600; font-size: 0.92em; vertical-align: bottom; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.band {{ color: #777; font-size: 0.85em; white-space: nowrap; }} .wide {{ overflow-x: auto; }}
code {{ font-size: 0.85em; color: #555; }}
{vega_style}
</style></head><body>
<h1>{name}</h1>
<p>{desc}</p>
<p class="meta">{meta}</p>
"#,
        page_style = PAGE_STYLE,
        vega_style = vega::STYLE,
        name = esc(name),
        desc = esc(description),
        meta = esc(meta),
    );

    // The variants (variants.csv), then the headline indicators per variant (with the varied
    // values again, so each table reads on its own); wide tables scroll, the page does not.
    let headline = data.headline();
    let year = data.year().unwrap_or("the end year");
    // Human labels for the varied paths, the dotted path below in small type.
    let params_th: String = data
        .params
        .iter()
        .map(|p| {
            let l = param_label(p);
            if l == *p {
                format!("<th><code>{}</code></th>", esc(p))
            } else {
                format!("<th>{}<br><code>{}</code></th>", esc(&l), esc(p))
            }
        })
        .collect();
    let params_td = |v: &VariantRow| -> String { v.values.iter().map(|x| format!("<td class=num>{}</td>", esc(x))).collect() };
    // an analysis design's section first: with many variants (an attribution's 2^k subsets, a
    // Sobol' design's hundreds of points) the tables of variants are long and come folded
    h.push_str(extra);
    let many = data.variants.len() > 20;
    let (open, close) = if many { (format!("<details><summary>{} variants</summary>\n", data.variants.len()), "</details>\n") } else { (String::new(), "") };
    let _ = writeln!(h, "<h2>Variants</h2>\n{open}<div class=wide><table><tr><th>variant</th><th>scenario</th><th>runs</th>{params_th}</tr>");
    for v in &data.variants {
        let _ = writeln!(h, "<tr><td class=num>{}</td><td>{}</td><td class=num>{}</td>{}</tr>", v.id, esc(&v.scenario), esc(&v.runs), params_td(v));
    }
    h.push_str("</table></div>\n");
    h.push_str(close);
    let _ = writeln!(h, "<h2>Headline indicators ({})</h2>\n{open}<div class=wide><table><tr><th>variant</th>{params_th}", esc(year));
    for (i, s) in &headline {
        let _ = write!(h, "<th>{}</th>", esc(&heading(i, s)));
    }
    h.push_str("</tr>\n");
    for v in &data.variants {
        let _ = write!(h, "<tr><td class=num>{}</td>{}", v.id, params_td(v));
        for (i, s) in &headline {
            let mut r = data.row(v.id, i, s).cloned();
            if let Some(r) = r.as_mut().filter(|r| r.indicator == "ru_gdp_ratio_of_medians_to_counterfactual") {
                // The variant's GDP p05 and p95 over the counterfactual's median (as the chart).
                if let (Some(g), Some(c)) = (data.row(v.id, "ru_gdp_usd", s), data.row(v.id, "ru_gdp_counterfactual_usd", s)) {
                    r.q[1] = g.p05() / c.p50();
                    r.q[5] = g.p95() / c.p50();
                }
            }
            let _ = write!(h, "<td class=num>{}</td>", cell(r.as_ref()));
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</table></div>\n<p class=note>Trade: US→RU plus RU→US recorded trade in the year, median and, below it, the 90% band (p05 – p95) over the variant's runs, USD bn. \
         <i>fired</i>: share of runs in which the policy rule fired by the end. RU GDP / counterfactual: median of Russia's GDP over the median of the same \
         variant with all levers and rules removed (a ratio of medians; below it the variant's p05 – p95 over the counterfactual's median, where indicators.csv has them). Every indicator, with all quantiles: indicators.csv; the variants: variants.csv.</p>\n",
    );
    h.push_str(close);
    h.push_str("<h2>Charts</h2>\n");
    if charts.is_empty() {
        h.push_str("<p>No charts: the batch varies no numeric parameter.</p>\n");
    }
    let interactive = charts.iter().any(|c| c.spec.is_some());
    if interactive {
        h.push_str("<p class=note>Interactive charts: hover for a variant's median and band; click a legend entry to show that line alone (shift-click for several, click an empty spot of the chart to show all again); the ⋯ menu saves the chart. Each links its image.</p>\n");
    }
    for (k, c) in charts.iter().enumerate() {
        h.push_str(&vega::chart_html(&format!("chart{k}"), c));
    }
    h.push_str("<p class=note>Data: <a href=\"variants.csv\">variants.csv</a>, <a href=\"indicators.csv\">indicators.csv</a>, <a href=\"summary.csv\">summary.csv</a>, <a href=\"annual.csv\">annual.csv</a>, <a href=\"manifest.json\">manifest.json</a>.</p>\n");
    vega::write_scripts(dir)?;
    h.push_str(&vega::page_scripts());
    h.push_str("</body></html>\n");
    write_atomic(&dir.join("index.html"), h.as_bytes())
}

/// A value of an analysis file as a page shows it: money in USD bn, shares of runs and
/// fractions as they are.
fn value(indicator: &str, v: f64) -> String {
    num(v, indicator.ends_with("_usd"))
}

/// The page's section about a batch's analysis files in `dir` (attribution.csv, sobol.csv,
/// morris.csv, read back), empty if there are none.
pub fn analysis_html(dir: &Path) -> Result<String, String> {
    use crate::output::analysis::{read, Row};
    let mut h = String::new();
    let group = |rows: &[Row]| -> Vec<(String, String, String)> {
        let mut keys: Vec<(String, String, String)> = Vec::new();
        for r in rows {
            let k = (r.indicator().to_owned(), r.subject().to_owned(), r.year().to_owned());
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys
    };
    let path = dir.join("attribution.csv");
    if path.exists() {
        let rows = read(&path, 5)?;
        let year = rows.iter().map(|r| r.year().to_owned()).max().unwrap_or_default();
        let last: Vec<&Row> = rows.iter().filter(|r| r.year() == year).collect();
        let players: Vec<String> = last.iter().filter(|r| r.kind() == "shapley").map(|r| r.name().to_owned()).fold(Vec::new(), |mut v, p| {
            if !v.contains(&p) {
                v.push(p);
            }
            v
        });
        let sampled = last.iter().any(|r| r.kind() == "shapley" && r.num.get(7).is_some_and(|x| x.is_finite()));
        let _ = writeln!(h, "<h2>Attribution ({})</h2>", esc(&year));
        let _ = writeln!(
            h,
            "<p class=note>Each group's Shapley value: its average contribution to the change from the run with none of the groups to the run with all of them, over every order in which the groups could be added{}. Mean over runs and [90% band over runs]; the share of the mean change in parentheses. Every subset runs on the same seed (common random numbers). One-at-a-time effects and every year: attribution.csv.</p>",
            if sampled { " (sampled permutations: the standard error of each mean is in attribution.csv, column sampling_se)" } else { "" }
        );
        let _ = write!(h, "<div class=wide><table><tr><th>indicator</th><th>none of the groups</th><th>all groups</th><th>change</th>");
        for p in &players {
            let _ = write!(h, "<th>{}</th>", esc(p));
        }
        h.push_str("<th>interaction (change − one-at-a-time effects)</th></tr>\n");
        let cell = |r: Option<&&Row>, share: bool| -> String {
            let Some(r) = r else { return "–".into() };
            let i = r.indicator();
            let mut c = format!("{} <span class=band>[{} – {}]</span>", value(i, r.num[0]), value(i, r.num[1]), value(i, r.num[5]));
            if share && r.num[6].is_finite() {
                let _ = write!(c, " ({:.0}%)", r.num[6] * 100.0);
            }
            c
        };
        let keys: Vec<(String, String)> = last.iter().map(|r| (r.indicator().to_owned(), r.subject().to_owned())).fold(Vec::new(), |mut v, k| {
            if !v.contains(&k) {
                v.push(k);
            }
            v
        });
        for (ind, sub) in &keys {
            let find = |kind: &str, player: &str| last.iter().find(|r| r.indicator() == ind && r.subject() == sub && r.kind() == kind && r.name() == player);
            let _ = write!(h, "<tr><td>{}</td>", esc(&heading(ind, sub)));
            for kind in ["none", "all", "total"] {
                let _ = write!(h, "<td class=num>{}</td>", cell(find(kind, ""), false));
            }
            for p in &players {
                let _ = write!(h, "<td class=num>{}</td>", cell(find("shapley", p), true));
            }
            let _ = writeln!(h, "<td class=num>{}</td></tr>", cell(find("interaction", ""), true));
        }
        h.push_str("</table></div>\n<p class=note>Trade and GDP in USD bn; <i>fired</i>: share of runs in which the rule had fired by the end of the year (its Shapley values are changes in that share).</p>\n");
    }
    for (file, title, note) in [
        ("sobol.csv", "Sobol' indices", "First-order index S1 (the share of the output's variance that the parameter explains alone) and total index ST (alone and with the others), each ± the half-width of its 95% bootstrap interval, of the mean over runs of each indicator across the design. ST much above S1: the parameter acts through interactions."),
        ("morris.csv", "Morris elementary effects", "mu* (mean absolute elementary effect: the change of the indicator's mean over runs when the parameter moves across its whole range, one at a time) ± the half-width of its 95% bootstrap interval, and sigma (their spread: non-linearity or interactions) in parentheses."),
    ] {
        let path = dir.join(file);
        if !path.exists() {
            continue;
        }
        let rows = read(&path, 4)?;
        let params: Vec<String> = rows.iter().map(|r| r.name().to_owned()).fold(Vec::new(), |mut v, p| {
            if !v.contains(&p) {
                v.push(p);
            }
            v
        });
        let _ = writeln!(h, "<h2>{title}</h2>\n<p class=note>{note} Every variant runs on the same seed. All numbers: {file}.</p>");
        let _ = write!(h, "<div class=wide><table><tr><th>indicator</th><th>year</th>");
        for p in &params {
            let _ = write!(h, "<th>{}</th>", esc(p));
        }
        h.push_str("</tr>\n");
        for (ind, sub, year) in group(&rows) {
            let _ = write!(h, "<tr><td>{}</td><td>{}</td>", esc(&heading(&ind, &sub)), esc(&year));
            for p in &params {
                let r = rows.iter().find(|r| r.indicator() == ind && r.subject() == sub && r.year() == year && r.name() == p);
                let c = match r {
                    None => "–".to_owned(),
                    Some(r) if r.num.iter().all(|x| !x.is_finite()) => "–".to_owned(),
                    Some(r) if file == "sobol.csv" => format!("{:.2} ± {:.2} <span class=band>[ST {:.2} ± {:.2}]</span>", r.num[0], r.num[1], r.num[2], r.num[3]),
                    Some(r) => format!("{} ± {} <span class=band>({})</span>", value(&ind, r.num[1]), value(&ind, r.num[2]), value(&ind, r.num[3])),
                };
                let _ = write!(h, "<td class=num>{c}</td>");
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table></div>\n");
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_hand_made_batch_and_formats_cells() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("variants.csv"), "variant,scenario,seed,runs,counterfactual,params.gamma\n0,a.toml,5,10,true,0.5\n1,a.toml,6,10,true,1\n").unwrap();
        std::fs::write(
            dir.path().join("indicators.csv"),
            "variant,indicator,year,subject,mean,p05,p25,p50,p75,p95\n\
             0,us_ru_trade_usd,2030,US+RU,2e9,1e9,1.5e9,2e9,2.5e9,3e9\n\
             0,rule_fired_share,2030,r1,0.25,0,0,0,1,1\n\
             0,ru_gdp_ratio_of_medians_to_counterfactual,2030,RU,,,,0.98,,\n",
        )
        .unwrap();
        let d = BatchData::load(dir.path()).unwrap();
        assert_eq!(d.params, vec!["params.gamma"]);
        assert_eq!(d.variants[1].values, vec!["1"]);
        assert_eq!(d.headline().len(), 3);
        assert_eq!(cell(d.row(0, "rule_fired_share", "r1")), "25%");
        assert_eq!(cell(d.row(0, "us_ru_trade_usd", "US+RU")), "2.0<br><span class=band>1.0 – 3.0</span>");
        assert_eq!(cell(d.row(0, "ru_gdp_ratio_of_medians_to_counterfactual", "RU")), "0.980");
        assert_eq!(cell(d.row(1, "rule_fired_share", "r1")), "–");
    }
}
