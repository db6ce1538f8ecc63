//! Interactive charts for the pages: a chart `Figure` (the same one the PNG/SVG is drawn from)
//! as a Vega-Lite spec (median lines, 50% and 90% band areas, a tooltip with the median and
//! bands at the point nearest the pointer, a legend whose entries toggle their series), the
//! Vega scripts shipped in `assets/js/` (compiled in, written into `js/` beside a page, so it
//! works offline), and the HTML that embeds the specs in a page.

use crate::output::chart_kit::{esc, ChartFile, Quantiles, ALPHA_50, ALPHA_90};
use crate::output::charts::figure::{bar_shifts, Bands, Body, Dash, Figure, Line, Marks, Panel, XAxis, YFormat};
use crate::output::state::write_atomic;
use anyhow::{Context, Result};
use plotters::style::RGBColor;
use serde_json::{json, Map, Value};
use std::path::Path;

/// The folder beside a page that holds the scripts.
pub const JS_DIR: &str = "js";

/// The scripts, in the order a page loads them (vega-lite needs vega, vega-embed both), and
/// their licences; assets/js/README.md says where they come from.
pub const FILES: [(&str, &str); 6] = [
    ("vega.min.js", include_str!("../../assets/js/vega.min.js")),
    ("vega-lite.min.js", include_str!("../../assets/js/vega-lite.min.js")),
    ("vega-embed.min.js", include_str!("../../assets/js/vega-embed.min.js")),
    ("LICENSE-vega", include_str!("../../assets/js/LICENSE-vega")),
    ("LICENSE-vega-lite", include_str!("../../assets/js/LICENSE-vega-lite")),
    ("LICENSE-vega-embed", include_str!("../../assets/js/LICENSE-vega-embed")),
];

/// The files `write_scripts` writes, relative to the page's directory (for a manifest).
pub fn script_files() -> Vec<String> {
    FILES.iter().map(|(f, _)| format!("{JS_DIR}/{f}")).collect()
}

/// Write the scripts and their licences into `<dir>/js/` (each file by rename, so a reader
/// never sees half a script; inside a result's temporary directory they appear with it).
pub fn write_scripts(dir: &Path) -> Result<()> {
    let js = dir.join(JS_DIR);
    std::fs::create_dir_all(&js).with_context(|| format!("cannot create {}", js.display()))?;
    for (name, text) in FILES {
        write_atomic(&js.join(name), text.as_bytes())?;
    }
    Ok(())
}

/// Width and height of one panel's plot in CSS pixels (the legend goes right of it; the
/// pages are at most 1240 px wide).
const WIDTH: u32 = 800;
const HEIGHT: u32 = 300;

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A number for the spec: six significant digits (the spec stays small), null if not finite.
fn num(v: f64) -> Value {
    if !v.is_finite() {
        return Value::Null;
    }
    let r: f64 = format!("{v:.5e}").parse().unwrap_or(v);
    json!(r)
}

/// How the tooltip writes a value of a panel: whole percentages, or decimals by magnitude.
fn value_text(v: f64, format: YFormat, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    match format {
        YFormat::Percent => format!("{:.0}%", v * 100.0 + 0.0),
        YFormat::Number => format!("{:.decimals$}", v + 0.0),
    }
}

/// Decimals that show a panel's values: one for tens and more (USD bn, as on the pages), two
/// for units, three below.
fn decimals(lines: &[Line]) -> usize {
    let m = lines.iter().flat_map(|l| l.points.iter().map(|q| q.p50.abs().max(q.p95.abs()))).filter(|v| v.is_finite()).fold(0.0, f64::max);
    if m >= 10.0 {
        1
    } else if m >= 1.0 {
        2
    } else {
        3
    }
}

/// The label of a point's x: the step's last month for a time axis (the value is the state at
/// the end of the step), the number for a swept parameter.
fn x_text(x: f64, axis: &XAxis) -> String {
    match axis {
        XAxis::Year => {
            let m = (x * 12.0).round() as i64 - 1;
            format!("end of {}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
        }
        XAxis::Number(_) => {
            let s = format!("{x:.6}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
        XAxis::Categories(_, names) => names.get((x.round() as usize).wrapping_sub(1)).cloned().unwrap_or_default(),
    }
}

fn band_kind(b: Bands) -> &'static str {
    match b {
        Bands::None => "n",
        Bands::Outer => "o",
        Bands::Both => "b",
        Bands::Inner => "i",
    }
}

/// Every chart of a figure as one Vega-Lite spec: its panels one above the other, each with
/// its own legend.
pub fn figure_spec(fig: &Figure) -> Value {
    let panels: Vec<Value> = fig.panels.iter().enumerate().map(|(k, p)| panel_spec(p, k)).collect();
    let mut title = json!({"text": fig.title, "anchor": "start", "fontSize": 16});
    if let Some(f) = &fig.footnote {
        title["subtitle"] = json!(wrap(f, 140));
        title["subtitleColor"] = json!("#666");
    }
    json!({
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "config": {
            "font": "DejaVu Sans, Verdana, sans-serif",
            "view": {"stroke": "#ddd"},
            "legend": {"labelLimit": 330, "orient": "right"},
            "axis": {"gridColor": "#ececec"},
        },
        "spacing": 30,
        "vconcat": panels,
        "resolve": {"scale": {"color": "independent", "strokeDash": "independent", "x": "independent", "y": "independent"}},
    })
}

/// Text in lines of at most `width` characters (broken at spaces).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The x encoding every layer of a panel shares (same scale, axis and title).
fn x_enc(p: &Panel) -> Value {
    let (x0, x1) = p.x_range;
    match &p.x_axis {
        XAxis::Year => json!({"field": "x", "type": "quantitative", "title": "year", "scale": {"domain": [num(x0), num(x1)], "nice": false, "zero": false}, "axis": {"format": "d", "tickMinStep": 1, "grid": true}}),
        XAxis::Number(label) => json!({"field": "x", "type": "quantitative", "title": label, "scale": {"domain": [num(x0), num(x1)], "nice": false, "zero": false}}),
        // Ticks at 1, 2, ... labelled with the categories' names.
        XAxis::Categories(label, names) => json!({
            "field": "x", "type": "quantitative", "title": label,
            "scale": {"domain": [num(x0), num(x1)], "nice": false, "zero": false},
            "axis": {"values": (1..=names.len()).collect::<Vec<usize>>(), "labelExpr": format!("{}[round(datum.value) - 1]", Value::from(names.clone())), "grid": false},
        }),
    }
}

/// The y encoding of a field, with the panel's axis (every layer gives the same title, so
/// Vega-Lite merges them into one axis).
fn y_enc(p: &Panel, field: &str) -> Value {
    let mut scale = Map::new();
    if let Some((a, b)) = p.y_range {
        scale.insert("domain".into(), json!([num(a), num(b)]));
        scale.insert("nice".into(), json!(false));
    }
    let mut axis = json!({"titleFontWeight": "normal"});
    if p.y_format == YFormat::Percent {
        axis["format"] = json!(".0%");
    }
    json!({"field": field, "type": "quantitative", "title": p.y_label, "scale": scale, "axis": axis})
}

/// One panel: a layer of band areas (or bars), median lines, hover points, reference lines,
/// lever markers and data points.
fn panel_spec(p: &Panel, k: usize) -> Value {
    let pick = format!("pick{k}");
    let hover = format!("hover{k}");
    let x = x_enc(p);
    let time = p.x_axis == XAxis::Year;
    let x_title = match &p.x_axis {
        XAxis::Year => "date".to_owned(),
        XAxis::Number(l) | XAxis::Categories(l, _) => l.clone(),
    };
    let mut layers: Vec<Value> = Vec::new();
    let faded = |sel: &str| json!({"condition": {"param": sel, "value": 1}, "value": 0.12});
    match &p.body {
        Body::Lines(lines) if !lines.is_empty() && lines.iter().any(|l| !l.points.is_empty()) => {
            let dec = decimals(lines);
            let vt = |v: f64| value_text(v, p.y_format, dec);
            // Bars instead of areas where the PNG draws them, shifted as there (`bar_shifts`).
            let shifts = bar_shifts(lines);
            let mut offsets: Vec<i32> = shifts.iter().flatten().copied().collect();
            offsets.sort_unstable();
            offsets.dedup();
            let plain = lines.iter().filter(|l| l.bands == Bands::None).count();
            let mut rows = Vec::new();
            let mut k_plain = 0;
            for (l, shift) in lines.iter().zip(&shifts) {
                // Lines without bands (shares of runs) often coincide: earlier ones wider.
                let w = if l.bands == Bands::None {
                    k_plain += 1;
                    2 + 3 * (plain - k_plain)
                } else {
                    2
                };
                for q in &l.points {
                    let Quantiles { x, p05, p25, p50, p75, p95 } = *q;
                    let mut r = json!({"s": l.label, "x": num(x), "p50": num(p50), "t": x_text(x, &p.x_axis), "m": vt(p50), "w": w,
                        "b": if shift.is_some() { "r" } else { band_kind(l.bands) }, "d": l.marks != Marks::DotsOnly, "dot": l.marks != Marks::None});
                    if let Some(dx) = shift {
                        r["off"] = json!(f64::from(*dx));
                    }
                    if l.bands != Bands::None {
                        for (f, v) in [("p05", p05), ("p25", p25), ("p75", p75), ("p95", p95)] {
                            r[f] = num(v);
                        }
                        r["i"] = json!(format!("{} – {}", vt(p25), vt(p75)));
                        r["o"] = json!(format!("{} – {}", vt(p05), vt(p95)));
                    }
                    rows.push(r);
                }
            }
            let domain: Vec<&str> = lines.iter().map(|l| l.label.as_str()).collect();
            let colour = json!({"field": "s", "type": "nominal", "title": null, "sort": domain,
                "scale": {"domain": domain, "range": lines.iter().map(|l| hex(l.colour)).collect::<Vec<_>>()},
                "legend": {"symbolType": "stroke", "symbolStrokeWidth": 3, "title": null}});
            // the same legend as the colour's: Vega-Lite merges the two (dashed symbols)
            let dash = json!({"field": "s", "type": "nominal", "legend": colour["legend"],
                "scale": {"domain": domain, "range": lines.iter().map(|l| match l.dash { Dash::Solid => json!([1, 0]), Dash::Dashed => json!([8, 5]), Dash::Dotted => json!([2, 3]) }).collect::<Vec<_>>()}});
            let interp = if time && lines.iter().all(|l| l.marks == Marks::None) { "step-after" } else { "linear" };
            let mut kinds: String = rows.iter().filter_map(|r| r["b"].as_str()).collect();
            if lines.iter().any(|l| l.marks != Marks::DotsOnly) {
                kinds.push('L');
            }
            layers.push(json!({"data": {"values": rows}, "layer": series_layers(&x, p, &colour, &dash, interp, &pick, &hover, &x_title, faded(&pick), &kinds, &offsets)}));
        }
        Body::Stacked(ls) if !ls.is_empty() => {
            let m = ls.iter().map(|l| l.values.iter().map(|v| v.1).filter(|v| v.is_finite()).sum::<f64>()).fold(0.0, f64::max);
            let dec = if m >= 10.0 { 1 } else if m >= 1.0 { 2 } else { 3 };
            let rows: Vec<Value> = ls
                .iter()
                .enumerate()
                .flat_map(|(j, l)| l.values.iter().map(move |&(x, v)| (j, l, x, v)))
                .map(|(j, l, x, v)| json!({"s": l.label, "o": j, "x": num(x), "v": num(v), "t": x_text(x, &p.x_axis), "m": value_text(v, p.y_format, dec)}))
                .collect();
            let domain: Vec<&str> = ls.iter().map(|l| l.label.as_str()).collect();
            let colour = json!({"field": "s", "type": "nominal", "title": null, "sort": domain,
                "scale": {"domain": domain, "range": ls.iter().map(|l| hex(l.colour)).collect::<Vec<_>>()}, "legend": {"title": null}});
            let mut y = y_enc(p, "v");
            y["stack"] = json!("zero");
            let interp = if time { "step-after" } else { "linear" };
            let tip = json!([{"field": "s", "title": "series"}, {"field": "t", "title": x_title}, {"field": "m", "title": "median"}]);
            layers.push(json!({"data": {"values": rows}, "layer": [
                {"mark": {"type": "area", "interpolate": interp, "line": {"strokeWidth": 0.5}}, "encoding": {"x": x, "y": y, "color": colour, "order": {"field": "o"}, "opacity": faded(&pick)},
                 "params": [{"name": pick, "select": {"type": "point", "fields": ["s"]}, "bind": "legend"}]},
                {"mark": {"type": "point", "filled": true, "size": 40}, "encoding": {"x": x, "y": y, "color": colour, "order": {"field": "o"},
                   "opacity": {"condition": {"param": hover, "empty": false, "value": 1}, "value": 0}, "tooltip": tip},
                 "params": [{"name": hover, "select": {"type": "point", "fields": ["s", "x"], "on": "pointerover", "nearest": true, "clear": "pointerout"}}]},
            ]}));
        }
        _ => {
            let note = p.empty_note.clone().unwrap_or_else(|| "nothing to draw".into());
            layers.push(json!({"data": {"values": [{}]}, "mark": {"type": "text", "fontSize": 14, "color": "#777"}, "encoding": {"text": {"value": note}}}));
            return json!({"title": p.title, "width": WIDTH, "height": 80, "layer": layers});
        }
    }
    // Reference lines, lever markers, where the world price data end, base-year data: on
    // top, each with its own tooltip.
    let (y0, y1) = p.y_range.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let h: Vec<Value> = p.h_lines.iter().filter(|&&v| v > y0 && v < y1).map(|&v| json!({"h": num(v)})).collect();
    if !h.is_empty() {
        layers.push(json!({"data": {"values": h}, "mark": {"type": "rule", "color": "#5a5a5a", "strokeWidth": 1}, "encoding": {"y": y_enc(p, "h")}}));
    }
    if !p.markers.is_empty() {
        let rows: Vec<Value> = p.markers.iter().map(|m| json!({"x": num(m.x), "lever": format!("{}: {}", m.label, m.names.join(", "))})).collect();
        layers.push(json!({"data": {"values": rows}, "layer": [
            {"mark": {"type": "rule", "color": "#6e6e6e", "strokeDash": [6, 4], "strokeWidth": 1}, "encoding": {"x": x}},
            // a wide transparent rule, so the tooltip is easy to reach
            {"mark": {"type": "rule", "strokeWidth": 7, "opacity": 0}, "encoding": {"x": x, "tooltip": [{"field": "lever", "title": "levers start / end"}]}},
        ]}));
    }
    if let Some((dx, text)) = &p.data_end {
        if *dx > p.x_range.0 && *dx < p.x_range.1 {
            layers.push(json!({"data": {"values": [{"x": num(*dx), "note": text}]},
                "mark": {"type": "rule", "color": "#1f77b4", "strokeDash": [2, 3], "strokeWidth": 2}, "encoding": {"x": x, "tooltip": [{"field": "note", "title": "data"}]}}));
        }
    }
    if !p.points.is_empty() {
        let rows: Vec<Value> = p.points.iter().map(|d| json!({"x": num(d.x), "v": num(d.y), "c": hex(d.colour), "what": d.label, "m": format!("{:.1}", d.y)})).collect();
        layers.push(json!({"data": {"values": rows}, "mark": {"type": "point", "filled": false, "size": 90, "strokeWidth": 2},
            "encoding": {"x": x, "y": y_enc(p, "v"), "stroke": {"field": "c", "type": "nominal", "scale": null}, "tooltip": [{"field": "what", "title": "data"}, {"field": "m", "title": "value"}]}}));
    }
    let mut spec = json!({"title": {"text": p.title, "fontWeight": "normal", "fontSize": 14}, "width": WIDTH, "height": HEIGHT, "layer": layers});
    rename_series(&mut spec, &format!("s{k}"));
    spec
}

/// Rename the series field `s` to `to` (`s0`, `s1`, ... per panel): Vega-Lite names a legend's
/// marks after the field (`s_legend_symbols`), and a click on one panel's legend would select
/// in every panel whose legend has the same name.
fn rename_series(v: &mut Value, to: &str) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.remove("s") {
                m.insert(to.to_owned(), x);
            }
            for (key, x) in m.iter_mut() {
                match x {
                    Value::String(f) if key == "field" && f == "s" => *f = to.to_owned(),
                    Value::Array(a) if key == "fields" => a.iter_mut().filter(|f| *f == "s").for_each(|f| *f = json!(to)),
                    _ => rename_series(x, to),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename_series(x, to)),
        _ => {}
    }
}

/// The layers of median lines with bands: 90% and 50% band areas (or 90% bars), the median
/// lines, and points that show the tooltip of the point nearest the pointer. The legend is
/// bound to `pick`: clicking an entry shows that series alone, shift-click adds one.
#[allow(clippy::too_many_arguments)]
/// Only the layers that have data (`kinds`: the rows' band kinds): an empty layer makes Vega
/// warn about an infinite extent.
fn series_layers(x: &Value, p: &Panel, colour: &Value, dash: &Value, interp: &str, pick: &str, hover: &str, x_title: &str, opacity: Value, kinds: &str, offsets: &[i32]) -> Vec<Value> {
    let band = |kinds: &str, lo: &str, hi: &str, alpha: f64| {
        json!({"transform": [{"filter": format!("indexof('{kinds}', datum.b) >= 0")}],
            "mark": {"type": "area", "interpolate": interp, "fillOpacity": alpha},
            "encoding": {"x": x, "y": y_enc(p, lo), "y2": {"field": hi}, "color": colour, "opacity": opacity}})
    };
    let tip = json!([{"field": "s", "title": "series"}, {"field": "t", "title": x_title}, {"field": "m", "title": "median"}, {"field": "i", "title": "50% band (p25–p75)"}, {"field": "o", "title": "90% band (p05–p95)"}]);
    let has = |k: &str| kinds.chars().any(|c| k.contains(c));
    let mut layers = Vec::new();
    if has("ob") {
        layers.push(band("ob", "p05", "p95", ALPHA_90));
    }
    if has("ib") {
        layers.push(band("ib", "p25", "p75", ALPHA_50));
    }
    if has("r") {
        // One layer per shift of the bars (`off`, in pixels: Vega-Lite has no per-datum offset
        // on a continuous x).
        for &dx in offsets {
            let off = f64::from(dx);
            let filter = format!("datum.b === 'r' && datum.off === {off}");
            layers.push(json!({"transform": [{"filter": filter}], "mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.55, "xOffset": off},
                "encoding": {"x": x, "y": y_enc(p, "p05"), "y2": {"field": "p95"}, "color": colour, "opacity": opacity}}));
        }
    }
    if has("L") {
        layers.push(json!({"transform": [{"filter": "datum.d"}], "mark": {"type": "line", "interpolate": interp},
            "encoding": {"x": x, "y": y_enc(p, "p50"), "color": colour, "strokeDash": dash, "opacity": opacity,
                "strokeWidth": {"field": "w", "type": "quantitative", "scale": null, "legend": null}}}));
    }
    layers.extend([
        json!({"mark": {"type": "point", "filled": true},
            "params": [
                {"name": hover, "select": {"type": "point", "fields": ["s", "x"], "on": "pointerover", "nearest": true, "clear": "pointerout"}},
            ],
            "encoding": {"x": x, "y": y_enc(p, "p50"), "color": colour,
                "size": {"condition": {"param": hover, "empty": false, "value": 80}, "value": 40},
                "opacity": {"condition": [{"param": hover, "empty": false, "value": 1}, {"test": "datum.dot", "value": 0.9}], "value": 0},
                "tooltip": tip}}),
    ]);
    // The legend's selection on the first layer: Vega-Lite makes the merged legend of a layer
    // interactive only when the first layer defines it.
    let legend = json!({"name": pick, "select": {"type": "point", "fields": ["s"]}, "bind": "legend"});
    match layers[0].get_mut("params").and_then(Value::as_array_mut) {
        Some(params) => params.push(legend),
        None => layers[0]["params"] = json!([legend]),
    }
    layers
}

/// A figure's spec as text for a page: JSON with every `<` escaped, so it cannot end the
/// `<script>` element that holds it.
pub fn spec_text(fig: &Figure) -> String {
    figure_spec(fig).to_string().replace('<', "\\u003c")
}

/// One chart of a page: the interactive chart where the chart has a spec (the PNG/SVG inside
/// its box until the scripts replace it, so the page still shows it without them), with a
/// link to the PNG/SVG; the image alone otherwise. `id` is unique on the page.
pub fn chart_html(id: &str, c: &ChartFile) -> String {
    let (f, t) = (esc(&c.file), esc(&c.title));
    match &c.spec {
        Some(spec) => format!(
            "<figure><div class=vega id=\"{id}\"><img src=\"{f}\" alt=\"{t}\"></div><script type=\"application/json\" data-chart=\"{id}\">{spec}</script><figcaption>{t} (image: <a href=\"{f}\">{f}</a>)</figcaption></figure>\n"
        ),
        None => format!("<figure><img src=\"{f}\" alt=\"{t}\"><figcaption>{t} (<a href=\"{f}\">{f}</a>)</figcaption></figure>\n"),
    }
}

/// The style the interactive charts need on a page.
pub const STYLE: &str = ".vega { overflow-x: auto; } .vega img { max-width: 100%; } .vega-embed summary { opacity: 0.6; }";

/// The end of a page with interactive charts: the scripts from `js/` and the few lines that
/// embed every spec (`chart_html`). If the scripts cannot run the page keeps the images.
pub fn page_scripts() -> String {
    let mut h = String::new();
    for (f, _) in &FILES[..3] {
        h.push_str(&format!("<script src=\"{JS_DIR}/{f}\"></script>\n"));
    }
    h.push_str(
        r#"<script>
(function () {
  var specs = document.querySelectorAll('script[type="application/json"][data-chart]');
  if (typeof vegaEmbed === 'undefined') {
    if (specs.length) console.warn('tradesim: js/ is missing, showing the static charts');
    return;
  }
  specs.forEach(function (s) {
    var el = document.getElementById(s.dataset.chart);
    var image = el.innerHTML;
    el.innerHTML = '';
    vegaEmbed(el, JSON.parse(s.textContent), {renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}})
      .catch(function (e) { console.error('tradesim: chart ' + s.dataset.chart + ': ' + e); el.innerHTML = image; });
  });
})();
</script>
"#,
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::figure::Marker;

    fn fig() -> Figure {
        let q = |x: f64, v: f64| Quantiles { x, p05: v - 2.0, p25: v - 1.0, p50: v, p75: v + 1.0, p95: v + 2.0 };
        let mut p = Panel::new("panel", "USD bn", (2022.0, 2023.0), Body::Lines(vec![Line { label: "A</script>".into(), colour: RGBColor(1, 2, 3), dash: Dash::Solid, bands: Bands::Both, marks: Marks::None, points: vec![q(2022.25, 10.0), q(2022.5, 12.0)] }]));
        p.markers = vec![Marker { x: 2022.1, label: "2022-02".into(), names: vec!["ban".into()] }];
        Figure { title: "t".into(), panels: vec![p], footnote: Some("note".into()) }
    }

    #[test]
    fn a_figure_becomes_a_spec_with_bands_tooltip_and_a_legend_toggle() {
        let s = figure_spec(&fig());
        let text = s.to_string();
        for needle in ["\"bind\":\"legend\"", "\"tooltip\"", "\"p05\"", "\"p95\"", "step-after", "end of 2022-03", "11.0 – 13.0", "2022-02: ban", "#010203", "\"field\":\"s0\""] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
        assert!(!spec_text(&fig()).contains("</script>"));
        assert_eq!(num(1.234567891), json!(1.23457));
        assert_eq!(num(f64::NAN), Value::Null);
        assert_eq!(x_text(2023.0, &XAxis::Year), "end of 2022-12");
    }
}
