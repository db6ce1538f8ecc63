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
    for entry in ["US–RU total", "US→RU (US exports)", "RU→US (RU exports)", "50% band (p25–p75)", "90% band (p05–p95)", "data 2021", "2022-03", "levers start / end", "world price data end"] {
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
    assert!(tmp.path().join("output/compare_baseline_2021_vs_sanctions_2022_US-RU_all.png").is_file());
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

/// The y of every `<text` element of an SVG (plotters writes `y="..."`).
fn svg_text_ys(svg: &str) -> Vec<f64> {
    svg.split("<text").skip(1).filter_map(|t| {
        let i = t.find(" y=\"")? + 4;
        let j = t[i..].find('"')?;
        t[i..i + j].parse().ok()
    }).collect()
}

fn svg_height(svg: &str) -> f64 {
    let i = svg.find("height=\"").unwrap() + 8;
    let j = svg[i..].find('"').unwrap();
    svg[i..i + j].parse().unwrap()
}

#[test]
fn step_values_never_move_before_their_lever() {
    use tradesim::output::charts::figure::stairs;
    use tradesim::output::reader::{RunData, Table};
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "scenarios/sanctions_2022.toml", "s", &["--no-charts"]);
    let data = RunData::load(&dir).unwrap();
    let first_lever = data.manifest.levers.iter().filter_map(|l| Table::month_x(&l.start)).fold(f64::INFINITY, f64::min);
    // RU→US trade falls by more than a fifth in one step once the 2022 measures start: the
    // drawn path's drop must not come before the first lever's date.
    let s: Vec<(f64, f64)> = data.summary.series("trade", "RU", "US", "all").iter().map(|q| (q.x, q.p50)).collect();
    let path = stairs(&s);
    let drop = path.windows(2).find(|w| w[1].1 < 0.8 * w[0].1).expect("RU→US trade drops");
    assert!(drop[0].0 >= first_lever, "the drawn path drops at {} before the first lever ({first_lever})", drop[0].0);
    // Between step ends the drawn path is flat: it moves only at the x of a step's end.
    for w in path.windows(2).filter(|w| w[0].1 != w[1].1) {
        assert_eq!(w[0].0, w[1].0, "the path changes only at step ends");
    }
    // The share of runs in which the EU aligned moves at or after the first lever too.
    let (_, _, _, share) = data.summary.rule_series().into_iter().find(|r| r.2 == "eu_aligns").unwrap();
    let sp = stairs(&share.iter().map(|q| (q.x, q.p50)).collect::<Vec<_>>());
    let first = sp.iter().find(|p| p.1 > 0.0).expect("eu_aligns fires");
    assert!(first.0 >= first_lever, "eu_aligns' share rises at {} before the first lever ({first_lever})", first.0);
}

#[test]
fn many_levers_keep_the_legend_inside_the_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "scenarios/sanctions_2022.toml", "s", &["--svg"]);
    let svg = std::fs::read_to_string(dir.join("charts/us_ru_trade.svg")).unwrap();
    let h = svg_height(&svg);
    let ys = svg_text_ys(&svg);
    assert!(!ys.is_empty());
    assert!(ys.iter().all(|y| *y < h), "text below the chart's bottom ({h}): {:?}", ys.iter().filter(|y| **y >= h).collect::<Vec<_>>());
    assert!(svg.contains("every lever: the lever table of index.html"), "the legend points to the full list");
    assert!(svg.contains("levers"), "counts per tag");
}

#[test]
fn compare_default_names_differ_by_pair_and_sector() {
    let tmp = tempfile::tempdir().unwrap();
    let a = run(tmp.path(), "scenarios/baseline_2021.toml", "baseline_2021", &["--no-charts"]);
    // run alone (its file names baseline_2021 as its baseline): no paired runs
    let b = run(tmp.path(), "scenarios/sanctions_2022.toml", "sanctions_2022", &["--no-charts", "--no-baseline"]);
    for extra in [&[][..], &["--pair", "RU-CN", "--sector", "oil"][..]] {
        let mut c = Command::cargo_bin("tradesim").unwrap();
        c.current_dir(tmp.path()).args(["compare", "baseline_2021", "sanctions_2022"]).args(extra).assert().success();
    }
    assert!(tmp.path().join("output/compare_baseline_2021_vs_sanctions_2022_US-RU_all.png").is_file());
    assert!(tmp.path().join("output/compare_baseline_2021_vs_sanctions_2022_RU-CN_oil.png").is_file());
    let svg = tmp.path().join("c.svg");
    tradesim().arg("compare").arg(&a).arg(&b).arg("--out").arg(&svg).assert().success();
    let text = std::fs::read_to_string(&svg).unwrap();
    for s in ["Difference from Baseline 2021", "Sanctions 2022 − Baseline", "(medians)", "levers start / end", "no band"] {
        assert!(text.contains(s), "{s:?} missing from the compare chart");
    }
    // run with its baseline: the difference is the paired runs'
    let paired = run(tmp.path(), "scenarios/sanctions_2022.toml", "paired", &["--no-charts"]);
    tradesim().arg("compare").arg(&a).arg(&paired).arg("--out").arg(&svg).assert().success();
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("(paired runs)") && !text.contains("(medians)"), "the paired difference");
}

#[test]
fn run_page_links_its_files_shows_the_scenario_and_rule_levers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), "scenarios/sanctions_2022.toml", "s", &[]);
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let refs = referenced_files(&html);
    for f in ["summary.csv", "annual.csv", "manifest.json", "scenario.toml"] {
        assert!(refs.iter().any(|r| r == f), "index.html does not link {f}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("scenario.toml")).unwrap(), std::fs::read_to_string("scenarios/sanctions_2022.toml").unwrap());
    assert!(html.contains("<details>") && html.contains("[[rule]]"), "the scenario file in a collapsible block");
    assert!(html.contains("created by rule eu_aligns when it fires"), "the levers the rule creates");
    assert!(html.contains("class=axis") && html.contains(">2025</span>"), "year ticks on the timeline");
    // One format for money: USD bn with one decimal, no two-decimal figures in the key numbers.
    let key = &html[html.find("Key numbers").unwrap()..html.find("<h2>Levers").unwrap()];
    for cell in key.split("<td class=num>").skip(1) {
        let v = &cell[..cell.find('<').unwrap()];
        if let Some((_, dec)) = v.split(" – ").next().unwrap().split_once('.') {
            assert_eq!(dec.trim_end_matches('%').len(), 1, "{v:?} is not rounded to one decimal");
        }
    }
}

/// The hand-written result directory with paired differences against a baseline, copied.
fn vs_baseline_fixture(tmp: &Path, with_diffs: bool) -> PathBuf {
    let src = Path::new("tests/it/fixtures/vs_baseline");
    let dir = tmp.join(if with_diffs { "with" } else { "without" });
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["manifest.json", "summary.csv", "annual.csv", "vs_baseline.csv", "vs_baseline_annual.csv"] {
        if with_diffs || !f.starts_with("vs_") {
            std::fs::copy(src.join(f), dir.join(f)).unwrap();
        }
    }
    dir
}

#[test]
fn difference_panels_appear_with_vs_baseline_files_only() {
    let tmp = tempfile::tempdir().unwrap();
    let with = vs_baseline_fixture(tmp.path(), true);
    tradesim().arg("plot").arg(&with).arg("--svg").assert().success();
    let trade = std::fs::read_to_string(with.join("charts/us_ru_trade.svg")).unwrap();
    assert!(trade.contains("Difference from Tiny baseline"), "difference panel under the pair chart");
    assert!(trade.contains("scenario − baseline"), "the difference panel's axis");
    let tension = std::fs::read_to_string(with.join("charts/tension.svg")).unwrap();
    assert!(tension.contains("difference from Tiny baseline"), "difference panel in the tension chart");
    let html = std::fs::read_to_string(with.join("index.html")).unwrap();
    assert!(html.contains("vs Tiny baseline (median % difference, paired)"), "vs baseline columns");
    assert!(html.contains("<td class=num>-48%</td><td class=num>-52% to -43%</td>"), "RU→US paired % difference and band");
    assert!(html.contains("href=\"vs_baseline.csv\"") && html.contains("href=\"vs_baseline_annual.csv\""));
    assert!(html.contains("created by rule ru_hits_back when it fires"));

    let without = vs_baseline_fixture(tmp.path(), false);
    tradesim().arg("plot").arg(&without).arg("--svg").assert().success();
    let trade = std::fs::read_to_string(without.join("charts/us_ru_trade.svg")).unwrap();
    assert!(!trade.contains("Difference from"), "no difference panel without vs_baseline files");
    let html = std::fs::read_to_string(without.join("index.html")).unwrap();
    assert!(!html.contains("vs Tiny baseline") && !html.contains("vs_baseline.csv"));
}
