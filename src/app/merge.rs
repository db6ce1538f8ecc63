//! `tradesim merge`: combine the output directories of a sharded batch into the files an
//! unsharded batch writes, byte for byte: the shards' plans must agree, then the batch is loaded
//! and validated again and its states merged per variant (`batch::write_results`).

use super::batch::{load, write_results};
use super::common::load_calibration;
use super::BadInput;
use crate::cli::{DataArg, MergeArgs};
use crate::output::state::read_plan;
use anyhow::Result;
use std::path::PathBuf;

pub fn merge(args: &MergeArgs) -> Result<()> {
    let mut plans = Vec::new();
    for d in &args.dirs {
        plans.push(read_plan(d).map_err(|e| BadInput(format!("{e:#}")))?);
    }
    let plan = plans[0].clone();
    // the calibration the shards ran on, unless --data says otherwise
    let cal = match (&args.data.data, &plan.data) {
        (None, Some(d)) => load_calibration(&DataArg { data: Some(PathBuf::from(d)) })?,
        _ => load_calibration(&args.data)?,
    };
    for (d, p) in args.dirs.iter().zip(&plans) {
        if p.fingerprint != plan.fingerprint {
            return Err(BadInput(format!("{} holds a different batch than {} (plans differ); merge shards of one batch only", d.display(), args.dirs[0].display())).into());
        }
    }
    for (d, p) in args.dirs.iter().zip(&plans) {
        if p.calibration != cal.sha256 {
            let theirs = p.data.as_deref().map_or("the built-in calibration".to_owned(), |d| format!("--data {d}"));
            let ours = args.data.data.as_ref().map_or("the built-in calibration".to_owned(), |d| format!("--data {}", d.display()));
            return Err(BadInput(format!(
                "{} was run with other calibration data ({theirs}, SHA-256 {}) than this merge has ({ours}, SHA-256 {}); give merge the --data the shards were run with",
                d.display(),
                if p.calibration.is_empty() { "not recorded" } else { &p.calibration[..12] },
                &cal.sha256[..12]
            ))
            .into());
        }
    }
    let l = load(&plan, &cal)?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&plan.stem));
    // merging into one of the shards' own directories keeps that shard's work area
    let same = |d: &PathBuf| d.canonicalize().ok().is_some_and(|d| out.canonicalize().ok() == Some(d));
    let carry = args.dirs.iter().any(same).then_some(out.as_path());
    write_results(&l, &args.dirs, &out, &cal, args.force, carry, super::common::formats(args.format))?;
    println!("{}: merged {} directories -> {}", l.batch.name, args.dirs.len(), out.display());
    Ok(())
}
