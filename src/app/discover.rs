//! `tradesim discover`: scenario discovery on a batch result. The variants' varied parameters
//! (variants.csv) are the points, an indicator (indicators.csv) the outcome; PRIM
//! (`discover::prim`) finds the box, `output::discover_out` writes it and its trajectory,
//! `charts::discover` draws them.

use super::common::open_out;
use super::BadInput;
use crate::cli::DiscoverArgs;
use crate::discover::{prim, Data, Options};
use crate::output::charts::batch::sanitise;
use crate::output::reader::{BatchData, Table};
use crate::output::{charts, discover_out};
use anyhow::Result;

const STATS: [&str; 6] = ["mean", "p05", "p25", "p50", "p75", "p95"];

/// `rule.<id>.fired` or `<indicator>[.<subject>][.<stat>]` → (indicator, subject or None, stat column).
fn parse_outcome(s: &str) -> Result<(String, Option<String>, usize), String> {
    if let Some(id) = s.strip_prefix("rule.").and_then(|r| r.strip_suffix(".fired")) {
        return Ok(("rule_fired_share".into(), Some(id.to_owned()), 0));
    }
    let mut parts: Vec<&str> = s.split('.').collect();
    let stat = match parts.last().and_then(|p| STATS.iter().position(|x| x == p)) {
        Some(k) if parts.len() > 1 => {
            parts.pop();
            k
        }
        _ => 0,
    };
    match parts.as_slice() {
        [ind] => Ok((ind.to_string(), None, stat)),
        [ind, rest @ ..] => Ok((ind.to_string(), Some(rest.join(".")), stat)),
        [] => Err("empty --outcome".into()),
    }
}

pub fn discover(args: &DiscoverArgs) -> Result<()> {
    let data = BatchData::load(&args.dir).map_err(BadInput)?;
    let (indicator, subject, stat) = parse_outcome(&args.outcome).map_err(BadInput)?;
    let subjects: Vec<&str> = data.rows.iter().filter(|r| r.indicator == indicator).map(|r| r.subject.as_str()).fold(Vec::new(), |mut v, s| {
        if !v.contains(&s) {
            v.push(s);
        }
        v
    });
    if subjects.is_empty() {
        let mut names: Vec<String> = data.rows.iter().filter(|r| r.indicator == "rule_fired_share").map(|r| format!("rule.{}.fired", r.subject)).collect();
        names.extend(data.rows.iter().filter(|r| r.indicator != "rule_fired_share").map(|r| format!("{}.{}", r.indicator, r.subject)));
        names.dedup();
        let mut uniq: Vec<String> = Vec::new();
        for n in names {
            if !uniq.contains(&n) {
                uniq.push(n);
            }
        }
        return Err(BadInput(format!("--outcome `{}`: no indicator `{indicator}` in {}; the outcomes there: {}", args.outcome, args.dir.join("indicators.csv").display(), uniq.join(", "))).into());
    }
    let subject = match subject {
        Some(s) if subjects.contains(&s.as_str()) => s,
        None if subjects.len() == 1 => subjects[0].to_owned(),
        other => {
            return Err(BadInput(format!(
                "--outcome `{}`: {} `{indicator}`; its subjects: {} (e.g. --outcome {indicator}.{}.mean)",
                args.outcome,
                if other.is_some() { "no such subject of" } else { "give the subject of" },
                subjects.join(", "),
                subjects[0]
            ))
            .into())
        }
    };
    // the dimensions: the numeric varied columns (dates as fractional years)
    let mut names = Vec::new();
    let mut cols = Vec::new();
    let mut skipped = Vec::new();
    for (j, p) in data.params.iter().enumerate() {
        let col: Option<Vec<f64>> = data.variants.iter().map(|v| v.values.get(j).and_then(|x| x.parse::<f64>().ok().filter(|x| x.is_finite()).or_else(|| Table::month_x(x)))).collect();
        match col {
            Some(c) => {
                names.push(p.clone());
                cols.push(c);
            }
            None => skipped.push(p.clone()),
        }
    }
    if names.is_empty() {
        return Err(BadInput(format!("{}: the batch varies no numeric parameter; nothing to search", args.dir.display())).into());
    }
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (i, v) in data.variants.iter().enumerate() {
        let Some(row) = data.row(v.id, &indicator, &subject) else { continue };
        let value = row.q[stat];
        if !value.is_finite() {
            continue;
        }
        let case = match (args.above, args.below) {
            (Some(t), _) => f64::from(u8::from(value > t)),
            (_, Some(t)) => f64::from(u8::from(value < t)),
            _ if (0.0..=1.0).contains(&value) => value,
            _ => {
                return Err(BadInput(format!(
                    "--outcome `{}`: variant {} has {value}, outside [0, 1]; give --above X or --below X to say which variants are the cases of interest",
                    args.outcome, v.id
                ))
                .into())
            }
        };
        x.push(cols.iter().map(|c| c[i]).collect());
        y.push(case);
    }
    let d = Data { names, x, y };
    let opt = Options { alpha: args.alpha, min_mass: args.min_mass, threshold: args.threshold };
    if !(opt.alpha > 0.0 && opt.alpha < 0.5) || !(0.0..1.0).contains(&opt.min_mass) {
        return Err(BadInput("--alpha must lie in (0, 0.5) and --min-mass in [0, 1)".into()).into());
    }
    let r = prim(&d, &opt).map_err(|e| BadInput(format!("--outcome `{}`: {e}", args.outcome)))?;
    let label = format!(
        "{}{}",
        args.outcome,
        match (args.above, args.below) {
            (Some(t), _) => format!(" > {t}"),
            (_, Some(t)) => format!(" < {t}"),
            _ => String::new(),
        }
    );
    let dest = args.out.clone().unwrap_or_else(|| args.dir.join(format!("discover_{}", sanitise(&args.outcome))));
    let out = open_out(&dest, args.force)?;
    discover_out::write(&out, &d, &r, &label)?;
    charts::discover::draw(&out.path("prim.png"), &d, &r, &label)?;
    let dest = out.commit()?;
    if !args.quiet {
        let b = &r.pasted;
        println!(
            "{}: {} variants, {:.0} cases of interest; chosen box (step {} of {}, pasted): coverage {:.2}, density {:.2}, {} variants{}",
            label,
            d.x.len(),
            d.y.iter().sum::<f64>(),
            r.chosen,
            r.trajectory.len() - 1,
            b.coverage,
            b.density,
            b.points,
            if skipped.is_empty() { String::new() } else { format!(" (non-numeric columns left out: {})", skipped.join(", ")) }
        );
        for j in b.restricted(&r.data_lo, &r.data_hi) {
            println!("  {} in [{}, {}] (data {} to {})", d.names[j], b.lo[j], b.hi[j], r.data_lo[j], r.data_hi[j]);
        }
        println!("-> {}", dest.display());
    }
    Ok(())
}
