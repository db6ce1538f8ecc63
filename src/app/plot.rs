//! `tradesim plot`: redraw a result directory's charts and index.html from its files, with an
//! extra pair and sector chart on request.

use super::common::{check_sector, load_result, parse_pair};
use crate::cli::PlotArgs;
use crate::output::chart_kit::Format;
use crate::output::charts;
use crate::output::report;
use anyhow::Result;

/// `tradesim plot`: redraw a result directory's charts and index.html from its files.
pub(super) fn plot(args: &PlotArgs) -> Result<()> {
    let run = load_result(&args.dir, &args.data)?;
    let fmt = if args.svg { Format::Svg } else { Format::Png };
    let extra = if args.pair.is_some() || args.sector.is_some() {
        let (a, b) = parse_pair(args.pair.as_deref().unwrap_or("US-RU"), &run)?;
        let sector = args.sector.clone().unwrap_or_else(|| "all".into());
        check_sector(&sector, &run)?;
        Some((a, b, sector))
    } else {
        None
    };
    let dir = args.dir.join("charts");
    let mut drawn = charts::run::draw_run(&run, &dir, fmt)?;
    if let Some((a, b, sector)) = extra {
        drawn.push(charts::run::draw_pair(&run, &dir, fmt, &a, &b, &sector)?);
    }
    report::write_index(&args.dir, &run, &drawn)?;
    for c in &drawn {
        println!("{}", args.dir.join(&c.file).display());
    }
    println!("{}", args.dir.join("index.html").display());
    Ok(())
}
