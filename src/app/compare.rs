//! `tradesim compare`: several result directories' trade of one pair and sector in one chart,
//! and a page with the chart interactive (by default, or with an `.html` `--out`).

use super::common::{check_sector, load_result, parse_pair};
use super::BadInput;
use crate::cli::CompareArgs;
use crate::output::chart_kit::Format;
use crate::output::charts;
use crate::output::report;
use anyhow::Result;
use std::path::PathBuf;

/// The default file name of a comparison: `compare_<dir1>_vs_<dir2>_<A>-<B>_<sector>.<ext>`.
pub fn default_name(stems: &[String], a: &str, b: &str, sector: &str, fmt: Format) -> String {
    format!("compare_{}_{a}-{b}_{sector}.{}", stems.join("_vs_"), fmt.ext())
}

/// `tradesim compare`: several scenarios' trade for one pair and sector in one chart.
pub(super) fn compare(args: &CompareArgs) -> Result<()> {
    // the output's name first: a bad one fails before any reading
    if let Some(out) = &args.out {
        let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase());
        match ext.as_deref() {
            Some("png") if args.svg => return Err(BadInput(format!("--out {}: --svg draws SVG; name the file .svg, or leave out --svg for PNG", out.display())).into()),
            Some("png") | Some("svg") | Some("html") => {}
            _ => return Err(BadInput(format!("--out {}: the chart's file name must end in .png or .svg (the format drawn), or .html for a page with the interactive chart and the image beside it; for example --out {}.png", out.display(), out.with_extension("").display())).into()),
        }
    }
    let runs = args.dirs.iter().map(|d| load_result(d, &args.data)).collect::<Result<Vec<_>>>()?;
    let mut pair = None;
    for r in &runs {
        pair = Some(parse_pair(&args.pair, r)?);
        check_sector(&args.sector, r)?;
    }
    let (a, b) = pair.ok_or_else(|| BadInput("compare needs at least two result directories".into()))?;
    let stem = |p: &PathBuf| {
        let p = p.canonicalize().unwrap_or_else(|_| p.clone());
        p.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "run".into())
    };
    let svg_out = args.out.as_ref().and_then(|p| p.extension()).is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let fmt = if args.svg || svg_out { Format::Svg } else { Format::Png };
    let out = args.out.clone().unwrap_or_else(|| {
        let stems: Vec<String> = args.dirs.iter().map(stem).collect();
        // The pair and sector are part of the name: two compares of the same directories
        // (README: the default and `--pair RU-CN --sector oil`) must not overwrite each other.
        PathBuf::from("output").join(default_name(&stems, &a, &b, &args.sector, fmt))
    });
    // A page with the interactive chart: asked for by an .html --out (the image beside it,
    // same name), and written by default beside the default image in output/; an --out
    // image alone is just that file.
    let html = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("html"));
    let page = if html { Some(out.clone()) } else { args.out.is_none().then(|| out.with_extension("html")) };
    let image = if html { out.with_extension(fmt.ext()) } else { out };
    let chart = charts::compare::draw_compare(&runs, &a, &b, &args.sector, &image, fmt)?;
    println!("{}", chart.file);
    if let Some(page) = page {
        report::write_compare_page(&page, &image, &chart, &runs)?;
        println!("{}", page.display());
    }
    Ok(())
}
