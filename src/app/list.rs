//! `tradesim list`: the economies, sectors, lever kinds and rule kinds, one line of
//! documentation each.

use super::common::load_calibration;
use crate::cli::DataArg;
use crate::scenario::{LEVER_KINDS, RULE_KINDS};
use anyhow::Result;

pub(super) fn list(data: &DataArg) -> Result<()> {
    let cal = load_calibration(data)?;
    println!("Economies (base years: {}):", cal.bases.keys().map(|b| b.to_string()).collect::<Vec<_>>().join(", "));
    for (c, n) in cal.economies.iter().zip(&cal.economy_names) {
        println!("  {c:<6} {n}");
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
