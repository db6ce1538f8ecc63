//! The files of a batch's analysis designs: per-run values of a variant (`<state>/v*.values`,
//! beside its state file, for an attribution), `attribution.csv`, `sobol.csv` and
//! `morris.csv`, each written under a temporary name and renamed, and read back for the
//! charts and the page.
//!
//! Values file format (version 1): the bytes `TRADESIM-VALUES 1\n`, a little-endian u32
//! length, a JSON header of that length (`ValuesHeader`), then per block (header order) per run
//! (run order) `width` little-endian f64s.

use crate::output::batch_out::CsvFile;
use crate::output::state::{state_dir, write_atomic};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"TRADESIM-VALUES 1\n";

/// The header of a values file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValuesHeader {
    pub fingerprint: String,
    pub variant: usize,
    /// Blocks of runs held, and the runs in each.
    pub blocks: Vec<u32>,
    pub runs: Vec<u32>,
    /// Values per run.
    pub width: usize,
}

/// Path of the values file of one variant in one shard (beside its state file).
pub fn values_path(out: &Path, variant: usize, shard: (usize, usize)) -> PathBuf {
    state_dir(out).join(format!("v{variant:06}-shard{}of{}.values", shard.0, shard.1))
}

/// Write a values file: `values` holds the runs of `header.blocks`, in order.
pub fn write_values(path: &Path, header: &ValuesHeader, values: &[f64]) -> Result<()> {
    let json = serde_json::to_vec(header)?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 4 + json.len() + values.len() * 8);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&json);
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    write_atomic(path, &bytes)
}

/// Read a values file's header, and where its values start.
pub fn read_values_header(path: &Path) -> Result<(ValuesHeader, u64)> {
    let mut f = std::fs::File::open(path).with_context(|| format!("cannot read {} (run the batch again, or with --resume)", path.display()))?;
    let mut head = vec![0u8; MAGIC.len() + 4];
    f.read_exact(&mut head).with_context(|| format!("{} is not a tradesim values file", path.display()))?;
    if !head.starts_with(MAGIC) {
        bail!("{} is not a tradesim values file (format {})", path.display(), String::from_utf8_lossy(&MAGIC[..MAGIC.len() - 1]));
    }
    let len = u32::from_le_bytes([head[MAGIC.len()], head[MAGIC.len() + 1], head[MAGIC.len() + 2], head[MAGIC.len() + 3]]) as usize;
    let mut json = vec![0u8; len];
    f.read_exact(&mut json).with_context(|| format!("{} is truncated", path.display()))?;
    let h: ValuesHeader = serde_json::from_slice(&json).with_context(|| format!("{}: bad header", path.display()))?;
    Ok((h, (MAGIC.len() + 4 + len) as u64))
}

/// The values of one block (runs × width) from a values file that holds it.
pub fn read_values_block(path: &Path, block: u32) -> Result<Vec<f64>> {
    let (h, start) = read_values_header(path)?;
    let k = h.blocks.iter().position(|&b| b == block).with_context(|| format!("{} does not hold block {block}", path.display()))?;
    let before: u64 = h.runs[..k].iter().map(|&r| r as u64).sum();
    let n = h.runs[k] as usize * h.width;
    let mut f = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    f.seek(SeekFrom::Start(start + before * h.width as u64 * 8))?;
    let mut bytes = vec![0u8; n * 8];
    f.read_exact(&mut bytes).with_context(|| format!("{} is truncated", path.display()))?;
    Ok(bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect())
}

/// A number as the analysis files write it: money to the dollar, anything else to 6 decimals,
/// nothing for NaN.
pub fn fmt(indicator: &str, x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if indicator.ends_with("_usd") {
        format!("{x:.0}")
    } else {
        format!("{x:.6}")
    }
}

pub const ATTRIBUTION_HEADER: [&str; 13] = ["indicator", "subject", "year", "player", "kind", "mean", "p05", "p25", "p50", "p75", "p95", "share_of_total", "sampling_se"];
pub const SOBOL_HEADER: [&str; 8] = ["indicator", "subject", "year", "parameter", "S1", "S1_conf", "ST", "ST_conf"];
pub const MORRIS_HEADER: [&str; 8] = ["indicator", "subject", "year", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"];

/// One row of an analysis CSV read back: the leading text columns, then the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub text: Vec<String>,
    pub num: Vec<f64>,
}

impl Row {
    pub fn indicator(&self) -> &str {
        &self.text[0]
    }
    pub fn subject(&self) -> &str {
        &self.text[1]
    }
    pub fn year(&self) -> &str {
        &self.text[2]
    }
    /// The player (attribution) or parameter (sobol, morris).
    pub fn name(&self) -> &str {
        &self.text[3]
    }
    /// The attribution row's kind (`none`, `all`, `total`, `shapley`, `main`, `interaction`).
    pub fn kind(&self) -> &str {
        self.text.get(4).map_or("", String::as_str)
    }
}

/// Create one of the analysis CSVs (`attribution.csv`, ...), renamed into place by `finish`.
pub fn create(out: &Path, file: &str, header: &[&str]) -> Result<CsvFile> {
    CsvFile::create(&out.join(file), header)
}

/// Read an analysis CSV back: `texts` leading text columns, the rest numbers (empty: NaN).
pub fn read(path: &Path, texts: usize) -> Result<Vec<Row>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let mut num = Vec::new();
        for s in rec.iter().skip(texts) {
            num.push(if s.is_empty() { f64::NAN } else { s.parse().map_err(|_| format!("{}: line {}: {s:?} is not a number", path.display(), line + 2))? });
        }
        rows.push(Row { text: rec.iter().take(texts).map(str::to_owned).collect(), num });
    }
    Ok(rows)
}
