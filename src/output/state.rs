//! A batch's work area (`<out>/state/`): the plan (`plan.json`: the batch and scenario texts,
//! so `merge` needs nothing else) and one mergeable state file per finished variant and shard.
//! Files are written to a temporary name and renamed, so a stop never leaves a partial one.
//!
//! State file format (version 3): the bytes `TRADESIM-STATE 3\n`, a little-endian u32 length,
//! that many bytes of JSON (`StateHeader`), then `StateHeader::sketches` sketches, each as
//! `Sketch::encode` writes it (LEB128 varints: zeros, n, fixed-point sum (zigzag-coded), the
//! bits of the minimum and maximum, bucket offset, bucket count, then each bucket's count),
//! then the SHA-256 of everything before it (32 bytes). The sketches are the variant's summary
//! (by date, then by year, series in output order) followed by its indicators (see
//! `Indicators::sketches`). A file whose checksum does not match is `Damaged` (never trusted:
//! `batch --resume` runs the variant again, `merge` refuses); a file of another format version
//! is refused with a message that names both versions.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"TRADESIM-STATE 3\n";
/// Length of the trailing checksum.
const SUM: usize = 32;

/// A state file whose contents do not match its checksum (or are cut short).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Damaged(pub String);
/// What every version of the format starts with.
const MAGIC_ANY: &[u8] = b"TRADESIM-STATE ";

/// Everything a batch's results depend on, recorded once per output directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    pub format: u32,
    /// SHA-256 of everything below except `shard` (shards of one batch share it).
    pub fingerprint: String,
    pub batch_file: String,
    /// Name of the default output directory (the batch file's stem without `.batch`).
    pub stem: String,
    pub batch_text: String,
    /// (path as written in the batch file, file contents), in batch order.
    pub scenarios: Vec<(String, String)>,
    pub runs_override: Option<u32>,
    pub seed_override: Option<u64>,
    /// `--data` directory, if the calibration was not the built-in one.
    pub data: Option<String>,
    /// (K, N): this directory holds shard K (0-based) of N.
    pub shard: (usize, usize),
    /// SHA-256 of the calibration the states were computed from (`Calibration::sha256`).
    #[serde(default)]
    pub calibration: String,
}

/// The header of one state file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StateHeader {
    pub fingerprint: String,
    pub variant: usize,
    /// Blocks of runs (see `Batch::units`) folded into this state.
    pub blocks: Vec<u32>,
    pub runs: u64,
    pub counterfactual_runs: u64,
    pub sketches: usize,
}

pub fn state_dir(out: &Path) -> PathBuf {
    out.join("state")
}

/// Write `bytes` to `path` through a temporary file (`.NAME.partial-PID`, unique to the
/// process) and a rename; on failure the temporary file is removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        std::fs::remove_file(&tmp).ok();
        return Err(anyhow::anyhow!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}

/// Remove the temporary files (`.NAME.partial-PID`) that killed processes left in a work
/// area; returns how many.
pub fn clean_partials(out: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(state_dir(out)) else { return 0 };
    let me = format!("-{}", std::process::id());
    let mut n = 0;
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((_, pid)) = name.rsplit_once(".partial-") else { continue };
        let gone = pid.parse::<u32>().is_ok_and(|p| !Path::new("/proc").join(p.to_string()).exists() && Path::new("/proc/self").exists());
        if name.starts_with('.') && !name.ends_with(&me) && gone && std::fs::remove_file(e.path()).is_ok() {
            n += 1;
        }
    }
    n
}

/// Give the work area of `from` (its plan and state files) to the result being written in
/// `to`: hard links where the file system has them, else copies.
pub fn carry_state(from: &Path, to: &Path) -> Result<()> {
    let (src, dst) = (state_dir(from), state_dir(to));
    std::fs::create_dir_all(&dst).with_context(|| format!("cannot create {}", dst.display()))?;
    for e in std::fs::read_dir(&src).with_context(|| format!("cannot read {}", src.display()))? {
        let p = e?.path();
        let name = p.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || !(name == "plan.json" || name.ends_with(".state")) {
            continue;
        }
        let target = dst.join(&name);
        if std::fs::hard_link(&p, &target).is_err() {
            std::fs::copy(&p, &target).with_context(|| format!("cannot copy {} to {}", p.display(), target.display()))?;
        }
    }
    Ok(())
}

pub fn write_plan(out: &Path, plan: &Plan) -> Result<()> {
    let dir = state_dir(out);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_atomic(&dir.join("plan.json"), (serde_json::to_string_pretty(plan)? + "\n").as_bytes())
}

pub fn read_plan(out: &Path) -> Result<Plan> {
    let p = state_dir(out).join("plan.json");
    let text = std::fs::read_to_string(&p).with_context(|| format!("cannot read {} (is {} a batch output directory?)", p.display(), out.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a tradesim batch plan", p.display()))
}

/// Path of the state file of one variant in one shard.
pub fn state_path(out: &Path, variant: usize, shard: (usize, usize)) -> PathBuf {
    state_dir(out).join(format!("v{variant:06}-shard{}of{}.state", shard.0, shard.1))
}

pub fn write_state(path: &Path, header: &StateHeader, body: &[u8]) -> Result<()> {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(header)?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 4 + json.len() + body.len() + SUM);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&json);
    bytes.extend_from_slice(body);
    let sum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&sum);
    write_atomic(path, &bytes)
}

/// Read a state file: its header and the encoded sketches.
pub fn read_state(path: &Path) -> Result<(StateHeader, Vec<u8>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.starts_with(MAGIC_ANY) && !bytes.starts_with(MAGIC) {
        let version: String = bytes[MAGIC_ANY.len()..].iter().take_while(|&&b| b != b'\n').take(12).map(|&b| b as char).collect();
        let ours = String::from_utf8_lossy(&MAGIC[MAGIC_ANY.len()..MAGIC.len() - 1]);
        bail!("{} has state format `{version}`, written by another version of tradesim (this one reads format {ours}): run that batch or shard again with this version", path.display());
    }
    if !bytes.starts_with(MAGIC) {
        bail!("{} is not a tradesim state file", path.display());
    }
    use sha2::{Digest, Sha256};
    let damaged = || Damaged(format!("{} is damaged (its checksum does not match its contents)", path.display()));
    if bytes.len() < MAGIC.len() + 4 + SUM {
        return Err(damaged().into());
    }
    let (data, sum) = bytes.split_at(bytes.len() - SUM);
    if Sha256::digest(data).as_slice() != sum {
        return Err(damaged().into());
    }
    let rest = &data[MAGIC.len()..];
    let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let rest = &rest[4..];
    if rest.len() < len {
        return Err(damaged().into());
    }
    let header: StateHeader = serde_json::from_slice(&rest[..len]).map_err(|_| damaged())?;
    Ok((header, rest[len..].to_vec()))
}

/// Every state file in an output directory, sorted by name.
pub fn list_states(out: &Path) -> Result<Vec<PathBuf>> {
    let dir = state_dir(out);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "state"))
        .collect();
    v.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_format_version_is_named_and_refused() {
        let dir = std::env::temp_dir().join(format!("tradesim-state-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let old = dir.join("old.state");
        std::fs::write(&old, b"TRADESIM-STATE 1\n\x02\0\0\0{}").unwrap();
        let err = read_state(&old).unwrap_err().to_string();
        assert!(err.contains("old.state has state format `1`") && err.contains("reads format 3"), "{err}");
        let v2 = dir.join("v2.state");
        std::fs::write(&v2, b"TRADESIM-STATE 2\n\x02\0\0\0{}").unwrap();
        assert!(read_state(&v2).unwrap_err().to_string().contains("reads format 3"));
        // one flipped bit anywhere is found
        let good = dir.join("good.state");
        let h = StateHeader { fingerprint: "f".into(), variant: 3, blocks: vec![0, 1], runs: 10, counterfactual_runs: 0, sketches: 0 };
        write_state(&good, &h, b"some sketch bytes").unwrap();
        assert_eq!(read_state(&good).unwrap(), (h, b"some sketch bytes".to_vec()));
        let bytes = std::fs::read(&good).unwrap();
        for at in [MAGIC.len() + 1, MAGIC.len() + 12, bytes.len() - 40, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[at] ^= 4;
            std::fs::write(&good, &bad).unwrap();
            let e = read_state(&good).unwrap_err();
            assert!(e.downcast_ref::<Damaged>().is_some(), "byte {at}: {e}");
        }
        std::fs::write(&good, &bytes[..bytes.len() - 3]).unwrap();
        assert!(read_state(&good).unwrap_err().downcast_ref::<Damaged>().is_some());
        let bare = dir.join("bare.state");
        std::fs::write(&bare, b"TRADESIM-STATE ").unwrap();
        assert!(read_state(&bare).unwrap_err().to_string().contains("state format ``"));
        let other = dir.join("other.state");
        std::fs::write(&other, b"something else").unwrap();
        assert!(read_state(&other).unwrap_err().to_string().contains("is not a tradesim state file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
