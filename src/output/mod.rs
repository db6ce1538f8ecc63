//! Everything that writes files: result directories (written to a temporary sibling and
//! moved into place at the end), the CSV summaries and the manifest.

pub mod csv_out;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// A result directory under construction. Files go into a hidden temporary sibling; `commit`
/// replaces the final directory with it in one rename. Dropped without `commit`, it removes
/// the temporary directory, so a failed or interrupted run leaves no partial result.
pub struct OutputDir {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Create the temporary directory now, so a bad output path fails before any work.
    pub fn create(dest: &Path) -> Result<Self> {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create output directory {}", parent.display()))?;
        let name = dest.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).ok();
        }
        std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(OutputDir { tmp, dest: dest.to_path_buf(), committed: false })
    }

    /// Path of a file inside the directory being written.
    pub fn path(&self, file: &str) -> PathBuf {
        self.tmp.join(file)
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Move the finished directory into place, replacing what was there.
    pub fn commit(mut self) -> Result<PathBuf> {
        if self.dest.exists() {
            let old = self.tmp.with_extension("old");
            std::fs::rename(&self.dest, &old).with_context(|| format!("cannot replace {}", self.dest.display()))?;
            std::fs::remove_dir_all(&old).ok();
        }
        std::fs::rename(&self.tmp, &self.dest).with_context(|| format!("cannot move results to {}", self.dest.display()))?;
        self.committed = true;
        Ok(self.dest.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            std::fs::remove_dir_all(&self.tmp).ok();
        }
    }
}

/// What `manifest.json` records about a run.
#[derive(Debug, serde::Serialize)]
pub struct Manifest {
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    pub base: i32,
    pub start: String,
    pub end: String,
    pub step: String,
    pub steps: usize,
    pub seed: u64,
    pub runs: u64,
    pub threads: usize,
    pub tradesim_version: String,
    pub elapsed_seconds: f64,
    pub quantile_relative_error: f64,
    pub units: String,
    pub files: Vec<String>,
}

pub fn write_manifest(path: &Path, m: &Manifest) -> Result<()> {
    let text = serde_json::to_string_pretty(m)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
