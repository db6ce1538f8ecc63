//! The files of `tradesim discover`: `prim_trajectory.csv` (each peeling step's coverage,
//! density, mass and box) and `prim_box.csv` (the chosen box after pasting: per dimension its
//! limits, the data's range and whether the box restricts it); written into an `OutputDir`.

use crate::discover::{Data, Prim, PrimBox};
use crate::output::batch_out::CsvFile;
use crate::output::OutputDir;
use anyhow::Result;

fn describe(b: &PrimBox, d: &Data, r: &Prim) -> String {
    b.restricted(&r.data_lo, &r.data_hi).iter().map(|&j| format!("{} in [{}, {}]", d.names[j], b.lo[j], b.hi[j])).collect::<Vec<_>>().join("; ")
}

pub fn write(out: &OutputDir, d: &Data, r: &Prim, outcome: &str) -> Result<()> {
    let mut t = CsvFile::create(&out.path("prim_trajectory.csv"), &["step", "outcome", "points", "mass", "coverage", "density", "restricted_dimensions", "chosen", "box"])?;
    for (k, b) in r.trajectory.iter().enumerate() {
        t.row([
            k.to_string(),
            outcome.to_owned(),
            b.points.to_string(),
            format!("{:.6}", b.mass),
            format!("{:.6}", b.coverage),
            format!("{:.6}", b.density),
            b.restricted(&r.data_lo, &r.data_hi).len().to_string(),
            (k == r.chosen).to_string(),
            describe(b, d, r),
        ])?;
    }
    t.finish()?;
    let b = &r.pasted;
    let mut f = CsvFile::create(&out.path("prim_box.csv"), &["dimension", "lower", "upper", "data_min", "data_max", "restricted", "coverage", "density", "points"])?;
    let restricted = b.restricted(&r.data_lo, &r.data_hi);
    for j in 0..d.names.len() {
        f.row([
            d.names[j].clone(),
            b.lo[j].to_string(),
            b.hi[j].to_string(),
            r.data_lo[j].to_string(),
            r.data_hi[j].to_string(),
            restricted.contains(&j).to_string(),
            format!("{:.6}", b.coverage),
            format!("{:.6}", b.density),
            b.points.to_string(),
        ])?;
    }
    f.finish()
}
