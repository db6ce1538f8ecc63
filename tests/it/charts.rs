//! Charts and the report page, through the real binary: pixels of median lines and bands in
//! the PNGs, legend text in the SVGs, and an index.html whose every link resolves.

use crate::common::tradesim;
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tradesim::output::chart_kit::{economy_colour, ALPHA_50, ALPHA_90, TOTAL_COLOUR};
use tradesim::output::charts::run::RUN_CHARTS;
use tradesim::output::report::referenced_files;


/// Run a scenario with 20 runs into `<tmp>/<name>`.
fn run(tmp: &Path, scenario: &str, name: &str, extra: &[&str]) -> PathBuf {
    let out = tmp.join(name);
    tradesim().args(["run", scenario, "--runs", "20", "-q", "--out"]).arg(&out).args(extra).assert().success();
    out
}

/// Pixels within `tol` of `c` inside the plot area (left of the legend strip, between the
/// title and the x axis labels).
fn count(img: &image::RgbImage, c: (f64, f64, f64), tol: f64) -> usize {
    let (w, h) = img.dimensions();
    img.enumerate_pixels()
        .filter(|(x, y, _)| *x > 100 && *x < w - 300 && *y > 90 && *y < h - 90)
        .filter(|(_, _, p)| (p[0] as f64 - c.0).abs() <= tol && (p[1] as f64 - c.1).abs() <= tol && (p[2] as f64 - c.2).abs() <= tol)
        .count()
}

fn over_white(c: plotters::style::RGBColor, alpha: f64) -> (f64, f64, f64) {
    let f = |v: u8| 255.0 * (1.0 - alpha) + v as f64 * alpha;
    (f(c.0), f(c.1), f(c.2))
}

#[test]
fn run_draws_every_chart_with_median_lines_and_bands() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "scenarios/sanctions_2022.toml", "sanctions", &[]);
    for c in RUN_CHARTS {
        assert!(dir.join(format!("charts/{c}.png")).is_file(), "{c}.png missing");
    }
    let img = image::open(dir.join("charts/us_ru_trade.png")).unwrap().to_rgb8();
    let black = TOTAL_COLOUR;
    let red = economy_colour("RU");
    assert!(count(&img, (black.0 as f64, black.1 as f64, black.2 as f64), 2.0) > 500, "total median line");
    assert!(count(&img, (red.0 as f64, red.1 as f64, red.2 as f64), 2.0) > 300, "RU→US median line");
    // The total's 90% band alone, and its 50% band on top of it (two layers over white;
    // plotters blends in integer steps, hence the tolerance; grid lines are 235 grey).
    assert!(count(&img, over_white(black, ALPHA_90), 3.0) > 2000, "total 90% band");
    let both = 1.0 - (1.0 - ALPHA_90) * (1.0 - ALPHA_50);
    assert!(count(&img, over_white(black, both), 3.0) > 2000, "total 50% band");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("charts/us_ru_trade.png") && manifest.contains("index.html"));
}

#[test]
fn plot_redraws_as_svg_with_legends_and_a_pair_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "scenarios/sanctions_2022.toml", "s", &["--no-charts"]);
    assert!(!dir.join("charts").exists() && !dir.join("index.html").exists(), "--no-charts draws nothing");
    tradesim().arg("plot").arg(&dir).args(["--svg", "--pair", "RU-CN", "--sector", "oil"]).assert().success();
    let svg = std::fs::read_to_string(dir.join("charts/us_ru_trade.svg")).unwrap();
    for entry in ["US–RU total", "US→RU (US exports)", "RU→US (RU exports)", "50% band (p25–p75)", "90% band (p05–p95)", "data 2021", "2022-03: us_banks"] {
        assert!(svg.contains(entry), "legend entry {entry:?} missing from us_ru_trade.svg");
    }
    let pair = std::fs::read_to_string(dir.join("charts/pair_RU-CN_oil.svg")).unwrap();
    assert!(pair.contains("RU→CN (RU exports)") && pair.contains("CN→RU (CN exports)"));
    let tension = std::fs::read_to_string(dir.join("charts/tension.svg")).unwrap();
    assert!(tension.contains("eu_aligns (EU→US)"), "rule legend");
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("charts/pair_RU-CN_oil.svg"));
}

#[test]
fn index_references_every_chart_and_every_reference_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "scenarios/sanctions_2022.toml", "s", &[]);
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let refs = referenced_files(&html);
    for f in &refs {
        assert!(dir.join(f).is_file(), "index.html references {f}, which does not exist");
    }
    for e in std::fs::read_dir(dir.join("charts")).unwrap() {
        let name = format!("charts/{}", e.unwrap().file_name().to_string_lossy());
        assert!(refs.contains(&name), "index.html does not show {name}");
    }
    for text in ["Sanctions 2022", "us_oil_ban", "2022-03", "Key numbers", "approximate"] {
        assert!(html.contains(text), "{text:?} missing from index.html");
    }
}

#[test]
fn compare_names_each_scenario_and_defaults_its_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(tmp.path(), "scenarios/baseline_2021.toml", "baseline_2021", &["--no-charts"]);
    let b = run(tmp.path(), "scenarios/sanctions_2022.toml", "sanctions_2022", &["--no-charts"]);
    let svg = tmp.path().join("cmp.svg");
    tradesim().arg("compare").arg(&a).arg(&b).args(["--pair", "RU-CN", "--sector", "oil", "--out"]).arg(&svg).assert().success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Baseline 2021") && text.contains("Sanctions 2022"), "scenario names in the legend");
    let mut c = Command::cargo_bin("tradesim").unwrap();
    c.current_dir(tmp.path()).args(["compare", "baseline_2021", "sanctions_2022"]).assert().success();
    assert!(tmp.path().join("output/compare_baseline_2021_vs_sanctions_2022.png").is_file());
}

#[test]
fn missing_directory_csv_or_bad_pair_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    tradesim().arg("plot").arg(tmp.path().join("nope")).assert().code(2).stderr(predicates::str::contains("no such result directory"));
    let dir = run(tmp.path(), "scenarios/sanctions_2022.toml", "s", &["--no-charts"]);
    tradesim().arg("plot").arg(&dir).args(["--pair", "US-XX"]).assert().code(2).stderr(predicates::str::contains("unknown economy \"XX\""));
    tradesim().arg("plot").arg(&dir).args(["--sector", "fish"]).assert().code(2).stderr(predicates::str::contains("allowed: all, oil"));
    std::fs::remove_file(dir.join("summary.csv")).unwrap();
    tradesim().arg("plot").arg(&dir).assert().code(2).stderr(predicates::str::contains("summary.csv is missing"));
}
