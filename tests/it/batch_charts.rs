//! The charts and the page of `tradesim batch` through the real binary: one chart per headline
//! indicator with the lines' colours in the plot area, an index.html whose every link resolves,
//! the same bytes from `merge`, and a scatter for a design without a grid.

use crate::common::tradesim;
use super::batch::setup;
use std::path::Path;
use tradesim::output::chart_kit::scenario_colour;
use tradesim::output::report::referenced_files;

const GRID: &str = r#"
name = "tiny"
description = "two gammas by two alignment probabilities"
seed = 5
runs = 6
[[scenario]]
path = "short.toml"
counterfactual = true
[[vary]]
path = "params.gamma"
values = [0.2, 3.0]
[[vary]]
path = "rule.eu_aligns.probability"
values = [0.5, 1.0]
"#;

const CHARTS: [&str; 4] = [
    "us_ru_trade_usd_us_ru.png",
    "rule_fired_share_eu_aligns.png",
    "rule_fired_share_us_normalizes.png",
    "ru_gdp_ratio_of_medians_to_counterfactual_ru.png",
];

/// Pixels within 2 of `c` inside the plot area (left of the legend strip, between the title
/// and the x axis labels).
fn count(img: &image::RgbImage, c: plotters::style::RGBColor) -> usize {
    let (w, h) = img.dimensions();
    img.enumerate_pixels()
        .filter(|(x, y, _)| *x > 100 && *x < w - 300 && *y > 90 && *y < h - 90)
        .filter(|(_, _, p)| (p[0] as i32 - c.0 as i32).abs() <= 2 && (p[1] as i32 - c.1 as i32).abs() <= 2 && (p[2] as i32 - c.2 as i32).abs() <= 2)
        .count()
}

/// Every file index.html references exists, and every chart is referenced.
fn check_page(out: &Path) -> String {
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let refs = referenced_files(&html);
    for f in &refs {
        assert!(out.join(f).is_file(), "index.html references {f}, which does not exist");
    }
    for e in std::fs::read_dir(out.join("charts")).unwrap() {
        let name = format!("charts/{}", e.unwrap().file_name().to_string_lossy());
        assert!(refs.contains(&name), "{name} is not on the page");
    }
    html
}

#[test]
fn batch_draws_a_chart_per_headline_indicator_and_a_page() {
    let (dir, b) = setup(GRID);
    let out = dir.path().join("out");
    tradesim().arg("batch").arg(&b).arg("--out").arg(&out).args(["--quiet", "--keep-state"]).assert().success();
    for c in CHARTS {
        assert!(out.join("charts").join(c).is_file(), "{c} missing");
    }
    // One line per alignment probability, each in its colour, inside the plot.
    let img = image::open(out.join("charts/us_ru_trade_usd_us_ru.png")).unwrap().to_rgb8();
    for k in 0..2 {
        let n = count(&img, scenario_colour(k));
        // Lines that coincide hide each other but for the lower one's wider border.
        assert!(n > 150, "line {k} ({:?}): {n} pixels", scenario_colour(k));
    }
    let html = check_page(&out);
    // the interactive charts: one per chart, one line per alignment probability, rendered
    // offline where Chromium is installed
    let specs = crate::interactive::check_interactive_page(&out.join("index.html"));
    assert_eq!(specs.len(), CHARTS.len());
    let trade = specs[0].1.to_string();
    assert!(trade.contains("probability that rule eu_aligns fires = 0.5") && trade.contains("probability that rule eu_aligns fires = 1"), "{trade}");
    // the two lines' 90% bars side by side, 8 px apart as in the PNG (one rule layer each)
    assert!(trade.contains(r#""xOffset":-4.0"#) && trade.contains(r#""xOffset":4.0"#), "{trade}");
    if let Some(browser) = crate::interactive::chromium() {
        crate::interactive::render(&browser, &out.join("index.html"));
    }
    for needle in ["<h1>tiny</h1>", "two gammas by two alignment probabilities", "tension feedback γ", "probability that rule eu_aligns fires", "us normalizes fired", "%</td>"] {
        assert!(html.contains(needle), "{needle} missing from index.html");
    }
    // Known dotted paths are labelled in words: the path itself only in small type (<code>)
    // under its label, never as a heading or a chart label.
    for path in ["params.gamma", "rule.eu_aligns.probability"] {
        assert_eq!(html.matches(path).count(), html.matches(&format!("<code>{path}</code>")).count(), "{path} on the page outside <code>");
    }
    let data = tradesim::output::reader::BatchData::load(&out).unwrap();
    for (ind, subject) in data.headline() {
        let fig = tradesim::output::charts::batch::sweep_figure(&data, &ind, &subject).unwrap();
        let p = &fig.panels[0];
        let tradesim::output::charts::figure::Body::Lines(lines) = &p.body else { panic!() };
        let labels: Vec<String> = lines.iter().map(|l| l.label.clone()).chain([fig.title.clone(), p.title.clone(), format!("{:?}", p.x_axis)]).collect();
        for l in &labels {
            assert!(!l.contains("params.gamma") && !l.contains("rule.eu_aligns.probability"), "{ind}: a dotted path in the chart label {l:?}");
        }
        if ind.contains("ratio") {
            assert_eq!(p.h_lines, vec![1.0], "the GDP ratio chart has a line at 1");
            assert!(lines.iter().all(|l| l.bands != tradesim::output::charts::figure::Bands::None), "the GDP ratio chart has its band");
        }
    }
    for c in CHARTS {
        assert!(html.contains(&format!("charts/{c}")), "{c} not on the page");
    }
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("charts/rule_fired_share_us_normalizes.png") && manifest.contains("index.html"));

    // merge writes the same charts and page, byte for byte
    let merged = dir.path().join("merged");
    tradesim().arg("merge").arg(&out).arg("--out").arg(&merged).assert().success();
    for f in CHARTS.iter().map(|c| format!("charts/{c}")).chain(["index.html".to_owned()]) {
        assert!(std::fs::read(out.join(&f)).unwrap() == std::fs::read(merged.join(&f)).unwrap(), "{f} differs after merge");
    }
}

#[test]
fn a_design_without_a_grid_is_drawn_as_a_scatter() {
    let (dir, b) = setup("design = \"lhs\"\nsamples = 3\nruns = 2\n[[scenario]]\npath = \"short.toml\"\n[[vary]]\npath = \"params.gamma\"\nmin = 0.0\nmax = 2.0\n[[vary]]\npath = \"params.sigma.oil\"\nmin = 5.0\nmax = 12.0\n");
    let out = dir.path().join("lhs");
    tradesim().arg("batch").arg(&b).arg("--out").arg(&out).arg("--quiet").assert().success();
    let img = image::open(out.join("charts/us_ru_trade_usd_us_ru.png")).unwrap().to_rgb8();
    // Three dots of radius 5 (about 80 pixels each), in as many colours, and no lines.
    let n: usize = (0..3).map(|k| count(&img, scenario_colour(k))).sum();
    assert!((150..1000).contains(&n), "dot pixels: {n}");
    check_page(&out);
}
