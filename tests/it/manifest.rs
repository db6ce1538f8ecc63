//! Provenance in manifest.json: the command line, the build's version and commit, and the
//! SHA-256 of the calibration data, for run, batch and backtest.

use crate::common::tradesim;
use tradesim::calibration::Calibration;

fn json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A commit is 40 hexadecimal digits, or "unknown" when built without git.
fn is_commit(s: &str) -> bool {
    s == "unknown" || (s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[test]
fn the_built_in_calibration_and_the_same_files_have_one_hash() {
    // (the hash's framing and its use by `merge` are tested in safety.rs)
    let embedded = Calibration::embedded().unwrap();
    assert!(embedded.sha256.len() == 64 && embedded.sha256.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(Calibration::from_dir(std::path::Path::new("data")).unwrap().sha256, embedded.sha256);
}

#[test]
fn build_commit_is_recorded() {
    assert!(is_commit(tradesim::output::GIT_COMMIT), "{}", tradesim::output::GIT_COMMIT);
    assert_eq!(tradesim::output::VERSION, env!("CARGO_PKG_VERSION"));
}

#[test]
fn run_manifest_has_command_line_build_and_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("it's here");
    tradesim().args(["run", "scenarios/baseline_2021.toml", "--runs", "3", "--threads", "1", "-q", "--no-charts", "--out"]).arg(&out).assert().success();
    let m = json(&out.join("manifest.json"));
    let cmd = m["command_line"].as_str().unwrap();
    assert!(cmd.contains(" run scenarios/baseline_2021.toml --runs 3 --threads 1 -q --no-charts --out "), "{cmd}");
    // an argument with a space and a quote is shell-quoted
    assert!(cmd.ends_with("it'\\''s here'"), "{cmd}");
    assert!(is_commit(m["git_commit"].as_str().unwrap()));
    assert_eq!(m["tradesim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["calibration_sha256"], Calibration::embedded().unwrap().sha256.as_str());
}
