//! The interactive charts of the pages (Vega-Lite through vega-embed): each page embeds a spec
//! per chart with the expected series, a tooltip and a legend bound to a selection; the
//! scripts are written beside the page, byte for byte those in assets/js/; and, where
//! Chromium is installed, the pages render every chart from file:// with the network off and
//! no console message. `render` is shared with the batch page's test.

use crate::common::tradesim;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tradesim::output::report::referenced_files;
use tradesim::output::vega;

/// The specs a page embeds, by chart id, in page order.
pub fn specs(html: &str) -> Vec<(String, Value)> {
    let open = "<script type=\"application/json\" data-chart=\"";
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let (id, after) = rest.split_once("\">").unwrap();
        let end = after.find("</script>").unwrap();
        out.push((id.to_owned(), serde_json::from_str(&after[..end]).unwrap_or_else(|e| panic!("spec {id}: {e}"))));
        rest = &after[end..];
    }
    out
}

/// Every label of a spec's colour legends (the series a reader can toggle).
fn series(spec: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(d)) = m.get("color").and_then(|c| c.get("scale")).and_then(|s| s.get("domain")) {
                    out.extend(d.iter().filter_map(|s| s.as_str().map(str::to_owned)));
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(spec, &mut out);
    out.dedup();
    out
}

/// A page's references all resolve, none leaves the machine, the scripts are those shipped
/// and are loaded in order; every spec has a tooltip and a legend bound to a selection.
pub fn check_interactive_page(page: &Path) -> Vec<(String, Value)> {
    let html = std::fs::read_to_string(page).unwrap();
    let dir = page.parent().unwrap();
    for f in referenced_files(&html) {
        assert!(dir.join(&f).is_file(), "{} references {f}, which does not exist", page.display());
    }
    assert!(!html.contains("src=\"http") && !html.contains("src=\"//"), "a script or image from the network");
    let mut at = 0;
    for (name, text) in &vega::FILES {
        assert_eq!(std::fs::read_to_string(dir.join("js").join(name)).unwrap(), *text, "js/{name} differs from assets/js/{name}");
        if name.ends_with(".js") {
            let i = html.find(&format!("<script src=\"js/{name}\"></script>")).unwrap_or_else(|| panic!("js/{name} not loaded"));
            assert!(i > at, "js/{name} loaded out of order");
            at = i;
        }
    }
    let specs = specs(&html);
    assert!(!specs.is_empty(), "no interactive chart on {}", page.display());
    for (id, s) in &specs {
        let text = s.to_string();
        if !series(s).is_empty() {
            assert!(text.contains("\"bind\":\"legend\"") && text.contains("\"tooltip\""), "{id}: no legend toggle or tooltip");
        }
        assert!(html.contains(&format!("<div class=vega id=\"{id}\">")), "{id}: no chart box");
    }
    specs
}

/// Where the browser is; None (and the reason printed) when it is not installed.
pub fn chromium() -> Option<PathBuf> {
    let p = PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if p.is_file() {
        Some(p)
    } else {
        eprintln!("skipped: no Chromium at {} (apt-get install chromium, or set CHROMIUM=path)", p.display());
        None
    }
}

/// Load `page` from file:// in headless Chromium with every network request refused, let its
/// scripts run, and return the DOM as rendered; fails on any console message (errors,
/// uncaught exceptions, Vega's warnings) and on a chart box without a rendered chart.
pub fn render(browser: &Path, page: &Path) -> String {
    let dom = render_dom(browser, page);
    let html = std::fs::read_to_string(page).unwrap();
    for (id, _) in specs(&html) {
        let start = dom.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("{id} not in the rendered page"));
        let end = dom[start..].find("</figure>").map_or(dom.len(), |e| start + e);
        let chart = &dom[start..end];
        assert!(chart.contains("<svg") && chart.contains("class=\"marks\""), "{id} was not rendered: {}", &chart[..chart.len().min(400)]);
        assert!(chart.matches("<path").count() > 10, "{id}: hardly anything drawn");
        assert!(!chart.contains("<img"), "{id}: still the image");
    }
    dom
}

/// `page` loaded offline, its DOM after the scripts ran; no console message allowed.
fn render_dom(browser: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        // the network off: no proxy answers and no name resolves
        .args(["--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=20000", "--window-size=1400,1000", "--dump-dom"])
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {err}");
    let console: Vec<&str> = err.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught")).collect();
    assert!(console.is_empty(), "{}: console messages:\n{}", page.display(), console.join("\n"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a reader's pointer does, in the browser: a page beside `page` (so it loads the same
/// `js/`) embeds chart `id`'s spec, moves the pointer over the first panel (700, 250 px into
/// the chart) and clicks the second entry of its legend, then writes what happened: the
/// tooltip's text and the legend selections of the first two panels.
fn interact(browser: &Path, page: &Path, id: &str) -> String {
    let html = std::fs::read_to_string(page).unwrap();
    let spec = specs(&html).into_iter().find(|(i, _)| i == id).unwrap().1;
    let harness = r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="c"></div><pre id="out">not run</pre>
<script src="js/vega.min.js"></script><script src="js/vega-lite.min.js"></script><script src="js/vega-embed.min.js"></script>
<script type="application/json" id="s">SPEC</script>
<script>
var out = document.getElementById('out');
vegaEmbed('#c', JSON.parse(document.getElementById('s').textContent), {renderer: 'svg'}).then(function (res) {
  var log = [];
  var r = document.querySelector('#c svg').getBoundingClientRect();
  var x = r.left + 700, y = r.top + 250;
  document.elementFromPoint(x, y).dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, bubbles: true, pointerType: 'mouse'}));
  setTimeout(function () {
    var t = document.getElementById('vg-tooltip-element');
    log.push('tooltip: ' + (t && t.classList.contains('visible') ? t.innerText.replace(/\s+/g, ' ') : 'none'));
    var b = document.querySelectorAll('#c .role-legend-symbol path')[1].getBoundingClientRect();
    var cx = b.left + b.width / 2, cy = b.top + b.height / 2;
    document.elementFromPoint(cx, cy).dispatchEvent(new MouseEvent('click', {clientX: cx, clientY: cy, bubbles: true}));
    setTimeout(function () {
      log.push('legend 0: ' + JSON.stringify(res.view.data('pick0_store').map(function (t) { return t.values; })));
      try { log.push('legend 1: ' + JSON.stringify(res.view.data('pick1_store').map(function (t) { return t.values; }))); } catch (e) {}
      out.textContent = log.join('\n');
    }, 300);
  }, 300);
}).catch(function (e) { out.textContent = 'error ' + e; });
</script></body></html>"#
        .replace("SPEC", &spec.to_string().replace('<', "\\u003c"));
    let path = page.with_file_name("_interact.html");
    std::fs::write(&path, harness).unwrap();
    let dom = render_dom(browser, &path);
    std::fs::remove_file(&path).unwrap();
    let (_, after) = dom.split_once("<pre id=\"out\">").unwrap();
    after.split_once("</pre>").unwrap().0.replace("&gt;", ">").replace("&amp;", "&")
}

fn run(tmp: &Path, name: &str) -> PathBuf {
    let out = tmp.join(name);
    tradesim().args(["run", "scenarios/sanctions_2022.toml", "--runs", "20", "-q", "--out"]).arg(&out).assert().success();
    out
}

#[test]
fn run_page_embeds_a_spec_per_chart_with_its_series_and_the_scripts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "s");
    let specs = check_interactive_page(&dir.join("index.html"));
    assert_eq!(specs.len(), tradesim::output::charts::run::RUN_CHARTS.len(), "one interactive chart per chart");
    let want: [&[&str]; 5] = [
        &["US–RU total", "US→RU (US exports)", "RU→US (RU exports)"],
        &["RU–US", "RU–EU", "RU–CN", "RU–IN", "RU–ROW"],
        &["oil"],
        &["RU–US", "eu_aligns (EU→US)"],
        &[],
    ];
    for ((id, spec), want) in specs.iter().zip(want) {
        let s = series(spec);
        for w in want {
            assert!(s.iter().any(|x| x.starts_with(w)), "{id}: series {w:?} missing from {s:?}");
        }
    }
    // the trajectory: median, both bands, lever markers and the base-year data in the data
    let t = specs[0].1.to_string();
    for needle in ["\"p05\"", "\"p25\"", "\"p50\"", "\"p75\"", "\"p95\"", "90% band (p05–p95)", "levers start / end", "us_oil_ban", "data 2021", "step-after"] {
        assert!(t.contains(needle), "{needle} missing from the trajectory's spec");
    }
    // images stay, linked; the scripts are in the manifest's files
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("<a href=\"charts/us_ru_trade.png\">"));
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("js/vega.min.js") && manifest.contains("js/LICENSE-vega"));
}

#[test]
fn compare_writes_a_page_by_default_and_for_an_html_out() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(tmp.path(), "a");
    let b = tmp.path().join("b");
    tradesim().args(["run", "scenarios/baseline_2021.toml", "--runs", "20", "-q", "--no-charts", "--out"]).arg(&b).assert().success();
    // --out x.html: the page, the image beside it (same name), js/
    let page = tmp.path().join("cmp/x.html");
    let out = tradesim().arg("compare").arg(&b).arg(&a).arg("--out").arg(&page).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(tmp.path().join("cmp/x.png").is_file());
    let specs = check_interactive_page(&page);
    let s = series(&specs[0].1);
    assert!(s.contains(&"Baseline 2021".to_owned()) && s.contains(&"Sanctions 2022".to_owned()), "{s:?}");
    // an image --out: that file alone
    tradesim().arg("compare").arg(&b).arg(&a).arg("--out").arg(tmp.path().join("only/y.svg")).assert().success();
    let only: Vec<_> = std::fs::read_dir(tmp.path().join("only")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(only, vec![std::ffi::OsString::from("y.svg")]);
    // the default: output/compare_....png and .html
    let mut c = assert_cmd::Command::cargo_bin("tradesim").unwrap();
    c.current_dir(tmp.path()).args(["compare", "b", "a"]).assert().success();
    assert!(tmp.path().join("output/compare_b_vs_a_US-RU_all.png").is_file());
    check_interactive_page(&tmp.path().join("output/compare_b_vs_a_US-RU_all.html"));
    if let Some(browser) = chromium() {
        render(&browser, &page);
    }
}

#[test]
fn run_page_renders_every_chart_offline_in_chromium() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "s");
    let dom = render(&browser, &dir.join("index.html"));
    // the legends name the series (as text in the rendered SVG)
    for label in ["US–RU total", "RU–CN", "eu_aligns (EU→US)"] {
        assert!(dom.contains(label), "{label} not in a rendered legend");
    }
    // hover: the nearest point's median and bands; a legend click selects that series in its
    // own panel only
    let log = interact(&browser, &dir.join("index.html"), "chart0");
    for needle in ["series", "date end of 20", "median", "50% band (p25–p75)", "90% band (p05–p95)", "legend 0: [[\"US→RU (US exports)\"]]", "legend 1: []"] {
        assert!(log.contains(needle), "{needle:?} not in what the pointer did:\n{log}");
    }
}
