//! `tradesim watch`: a save re-runs the scenario and the page shows the result, what changed
//! and the previous save overlaid; a bad save shows its problems and keeps the last good
//! result. Waits are bounded; no timing is asserted.

use std::path::Path;
use std::time::{Duration, Instant};

const SCENARIO: &str = "base = \"2021\"\nstart = \"2021-01\"\nend = \"2023-12\"\nruns = 10\nseed = 4\n[params]\ngamma = 0.2\n\n[[lever]]\nid = \"us_ban\"\nkind = \"import_ban\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\ncoverage = 1.0\n";

/// Wait (at most two minutes) until `f` holds.
fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < Duration::from_secs(120), "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn page(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("index.html")).unwrap_or_default()
}

#[test]
fn each_save_reruns_and_a_bad_save_keeps_the_last_good_result() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edit.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let out = dir.path().join("w");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tradesim"))
        .arg("watch")
        .arg(&file)
        .args(["--runs", "12", "--threads", "1", "--saves", "3", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the first result", || page(&out).contains("Save 1: result of save 1"));
    assert!(out.join("current/manifest.json").is_file() && out.join("current/charts").is_dir());
    assert!(page(&out).contains("http-equiv=refresh"));

    // a second save with new lever and parameter values
    std::fs::write(&file, SCENARIO.replace("gamma = 0.2", "gamma = 0.5").replace("coverage = 1.0", "coverage = 0.5")).unwrap();
    wait_for("the second result", || page(&out).contains("Save 2: result of save 2"));
    let p = page(&out);
    assert!(p.contains("params.gamma: 0.2 → 0.5") && p.contains("lever.us_ban.coverage: 1.0 → 0.5"), "{p}");
    assert!(p.contains("compare.png") && out.join("compare.png").is_file() && out.join("previous/manifest.json").is_file(), "{p}");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("current/manifest.json")).unwrap()).unwrap();
    assert_eq!(m["runs"], 12);

    // a bad save: the problems on the page, the last good result kept
    std::fs::write(&file, SCENARIO.replace("kind = \"import_ban\"", "kind = \"imprt_ban\"")).unwrap();
    wait_for("the bad save's page", || page(&out).contains("Save 3: <b>not run</b>"));
    let p = page(&out);
    assert!(p.contains("imprt_ban") && p.contains("result of save 2"), "{p}");
    assert!(out.join("current/manifest.json").is_file());

    // --saves 3: it stops by itself, and printed the check messages on the terminal
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            panic!("watch did not stop after 3 saves");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains("save 3: not run") && err.contains("imprt_ban"), "{err}");
}

#[test]
fn a_folder_of_the_users_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edit.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir_all(out.join("previous")).unwrap();
    std::fs::write(out.join("previous/notes.txt"), "mine").unwrap();
    // (bounded: were the folder taken, watch would wait for saves)
    let assert = crate::common::tradesim().arg("watch").arg(&file).args(["--saves", "1", "--out"]).arg(&out).timeout(Duration::from_secs(120)).assert().code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("previous") && err.contains("--out"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("previous/notes.txt")).unwrap(), "mine");
    assert!(!out.join("index.html").exists() && !out.join("current").exists());
}
