//! `tradesim list`: the economies, sectors, lever kinds and rule kinds, one line of
//! documentation each.

use super::common::load_calibration;
use crate::cli::DataArg;
use crate::scenario::{LEVER_KINDS, RULE_KINDS};
use anyhow::Result;

pub(super) fn list(base: Option<i32>, data: &DataArg) -> Result<()> {
    let cal = load_calibration(data)?;
    let years: Vec<i32> = cal.bases.keys().copied().collect();
    let shown = match base {
        Some(y) if !cal.bases.contains_key(&y) => {
            let all: Vec<String> = years.iter().map(|y| y.to_string()).collect();
            return Err(super::BadInput(format!("--base {y}: not a base year of the calibration; allowed: {}", all.join(", "))).into());
        }
        Some(y) => y,
        None => *years.last().unwrap_or(&0),
    };
    println!("Economies (base years: {}; names as in {shown}):", years.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(", "));
    for (i, c) in cal.economies.iter().enumerate() {
        let name_in = |y: &i32| cal.bases.get(y).map(|b| b.names[i].clone()).unwrap_or_default();
        let name = name_in(&shown);
        let mut other: Vec<String> = Vec::new();
        if base.is_none() {
            for y in &years {
                let n = name_in(y);
                if !n.is_empty() && n != name && !other.iter().any(|o| o.ends_with(&n)) {
                    other.push(format!("{y}: {n}"));
                }
            }
        }
        if other.is_empty() {
            println!("  {c:<6} {name}");
        } else {
            println!("  {c:<6} {name} ({})", other.join("; "));
        }
    }
    for (year, missing) in &cal.incomplete {
        println!("  (base {year} is not usable: economies.csv has no row for {})", missing.join(", "));
    }
    println!("Sectors (σ = CES elasticity, λ = adjustment speed per year, η = price elasticity of demand):");
    for s in &cal.sectors {
        println!("  {:<12} σ={:<6} λ={:<5} η={:<4} {}", s.code, s.sigma, s.lambda, s.eta, s.name);
    }
    println!("Lever kinds:");
    for (k, d) in LEVER_KINDS {
        println!("  {k:<20} {d}");
    }
    println!("Policy-rule kinds:");
    for (k, d) in RULE_KINDS {
        println!("  {k:<10} {d}");
    }
    Ok(())
}
