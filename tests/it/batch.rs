//! `tradesim batch`, `tradesim merge` and the parallel `run` through the real binary: byte-identical
//! results whatever the thread count or sharding, resume after a stop, and bad input (exit 2).

use crate::common::tradesim;
use std::path::{Path, PathBuf};

/// A short scenario (three years) with levers, alignment and a normalize rule.
pub const SCENARIO: &str = r#"
name = "short"
base = "2021"
start = "2021-01"
end = "2023-12"
step = "quarter"
runs = 5
seed = 3

[[lever]]
id = "us_banks"
kind = "financial_sanctions"
by = "US"
on = "RU"
start = "2022-03"
cost = 0.10

[[lever]]
id = "us_oil_ban"
kind = "import_ban"
by = "US"
on = "RU"
sectors = ["oil"]
start = "2022-03"
coverage = 1.0
leakage = 0.05

[[rule]]
id = "eu_aligns"
kind = "align"
by = "EU"
leader = "US"
probability = 0.9
lag = 1

[[rule]]
id = "us_normalizes"
kind = "normalize"
by = "US"
on = "RU"
threshold = 0.6
steps = 2
from = "2022-03"
"#;

const FILES: [&str; 5] = ["variants.csv", "summary.csv", "annual.csv", "indicators.csv", "manifest.json"];

/// A temporary directory with the scenario and a batch file around `body`.
pub fn setup(body: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("short.toml"), SCENARIO).unwrap();
    let batch = dir.path().join("exp.batch.toml");
    std::fs::write(&batch, body).unwrap();
    (dir, batch)
}

pub const GRID: &str = r#"
seed = 11
runs = 7
block = 3
[[scenario]]
path = "short.toml"
counterfactual = true
[[vary]]
path = "params.gamma"
values = [0.2, 3.0]
[[vary]]
path = "rule.eu_aligns.probability"
values = [0.5, 1.0]
"#;


pub fn batch(batch: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    tradesim().arg("batch").arg(batch).arg("--out").arg(out).args(["--quiet"]).args(extra).assert()
}

/// The files byte for byte, except manifest.json's `command_line` line (the command that
/// wrote the directory: it names `--threads`, `--shard` or `merge`), which is left out of
/// the comparison; every other byte of the manifest must match.
fn assert_same_files(a: &Path, b: &Path) {
    for f in FILES {
        let (mut x, mut y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
        if f == "manifest.json" {
            (x, y) = (without_command_line(&x), without_command_line(&y));
        }
        assert!(x == y, "{f} differs between {} and {}", a.display(), b.display());
    }
}

/// A batch manifest without its one `command_line` line.
pub fn without_command_line(manifest: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(manifest).unwrap();
    let kept: Vec<&str> = text.split_inclusive('\n').filter(|l| !l.trim_start().starts_with("\"command_line\": ")).collect();
    assert_eq!(kept.len() + 1, text.split_inclusive('\n').count(), "one command_line line in\n{text}");
    kept.concat().into_bytes()
}

#[test]
fn batch_is_byte_identical_with_one_two_or_three_threads() {
    let (dir, b) = setup(GRID);
    let (one, two, three) = (dir.path().join("t1"), dir.path().join("t2"), dir.path().join("t3"));
    batch(&b, &one, &["--threads", "1"]).success();
    batch(&b, &two, &["--threads", "2"]).success();
    batch(&b, &three, &["--threads", "3"]).success();
    assert_same_files(&one, &two);
    assert_same_files(&one, &three);
    // the manifests record the command that wrote them, on one line
    for (dir, t) in [(&one, "--threads 1"), (&two, "--threads 2")] {
        let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
        let cmd = m["command_line"].as_str().unwrap();
        assert!(cmd.contains(" batch ") && cmd.contains(t), "{cmd}");
        assert_eq!(m["calibration_sha256"].as_str().unwrap().len(), 64);
        assert!(m["git_commit"].is_string());
    }

    let variants = std::fs::read_to_string(one.join("variants.csv")).unwrap();
    assert!(variants.starts_with("variant,scenario,seed,runs,counterfactual,params.gamma,rule.eu_aligns.probability\n"), "{variants}");
    assert_eq!(variants.lines().count(), 5);
    assert!(variants.contains("\n3,short.toml,"), "{variants}");
    let summary = std::fs::read_to_string(one.join("summary.csv")).unwrap();
    assert!(summary.starts_with("variant,date,exporter,importer,sector,metric,mean,p05,p25,p50,p75,p95\n"));
    let ind = std::fs::read_to_string(one.join("indicators.csv")).unwrap();
    for needle in ["0,us_ru_trade_usd,2023,US+RU,", "0,ru_trade_usd,2023,RU+CN,", "3,rule_fired_share,2023,us_normalizes,", "ru_gdp_ratio_of_medians_to_counterfactual,2023,RU,,,,"] {
        assert!(ind.contains(needle), "{needle} missing in\n{ind}");
    }
}

#[test]
fn shards_merge_into_the_unsharded_bytes() {
    let (dir, b) = setup(GRID);
    let whole = dir.path().join("whole");
    batch(&b, &whole, &["--keep-state"]).success();
    // an unsharded batch's kept work area merges into the same bytes too
    let again = dir.path().join("again");
    tradesim().arg("merge").arg(&whole).arg("--out").arg(&again).assert().success();
    assert_same_files(&whole, &again);
    let mut shards = Vec::new();
    for k in 0..3 {
        let d = dir.path().join(format!("shard{k}"));
        batch(&b, &d, &["--shard", &format!("{k}/3"), "--threads", "1"]).success();
        assert!(!d.join("summary.csv").exists(), "a shard writes state only");
        shards.push(d);
    }
    let merged = dir.path().join("merged");
    // missing shard: refused, naming the missing blocks
    tradesim().arg("merge").args(&shards[..2]).arg("--out").arg(&merged).assert().code(2).stderr(predicates::str::contains("missing"));
    tradesim().arg("merge").args(&shards).arg("--out").arg(&merged).assert().success();
    assert_same_files(&whole, &merged);
}

#[test]
fn resume_keeps_finished_variants_and_gives_the_same_bytes() {
    let (dir, b) = setup(GRID);
    let (fresh, resumed) = (dir.path().join("fresh"), dir.path().join("resumed"));
    batch(&b, &fresh, &[]).success();
    assert!(!fresh.join("state").exists(), "the work area goes once the results are written");
    batch(&b, &resumed, &["--keep-state"]).success();
    // as if stopped after variant 1: variants 2 and 3 unfinished, results not yet written
    let state = resumed.join("state");
    let kept = state.join("v000000-shard0of1.state");
    let kept_bytes = std::fs::read(&kept).unwrap();
    for v in [2, 3] {
        std::fs::remove_file(state.join(format!("v{v:06}-shard0of1.state"))).unwrap();
    }
    for f in FILES {
        std::fs::remove_file(resumed.join(f)).unwrap();
    }
    tradesim().arg("batch").arg(&b).arg("--out").arg(&resumed).args(["--resume", "--keep-state"]).assert().success().stdout(predicates::str::contains("2 variants kept from before"));
    assert_eq!(std::fs::read(&kept).unwrap(), kept_bytes);
    assert_same_files(&fresh, &resumed);
    // a changed batch is not resumed into the old directory
    tradesim().arg("batch").arg(&b).arg("--out").arg(&resumed).args(["--resume", "--seed", "12"]).assert().code(2).stderr(predicates::str::contains("different batch"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_resume_finishes() {
    let body = "runs = 3000\nblock = 3000\n[[scenario]]\npath = \"short.toml\"\n[[vary]]\npath = \"params.gamma\"\nvalues = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]\n";
    let (dir, b) = setup(body);
    let out = dir.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("tradesim");
    let mut child = std::process::Command::new(&bin).arg("batch").arg(&b).arg("--out").arg(&out).arg("--quiet").spawn().unwrap();
    let first = out.join("state").join("v000000-shard0of1.state");
    let t0 = std::time::Instant::now();
    while !first.exists() && t0.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    if status.success() {
        return; // finished before the signal arrived (a very fast machine): nothing to check
    }
    assert_eq!(status.code(), Some(130));
    let done: Vec<_> = std::fs::read_dir(out.join("state")).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(done.iter().all(|f| !f.ends_with(".partial")), "{done:?}");
    assert!(done.iter().any(|f| f.starts_with("v000000")));
    assert!(!out.join("summary.csv").exists());
    let kept = std::fs::read(&first).unwrap();
    tradesim().arg("batch").arg(&b).arg("--out").arg(&out).args(["--resume", "--quiet", "--keep-state"]).assert().success();
    assert_eq!(std::fs::read(&first).unwrap(), kept);
    let variants = std::fs::read_to_string(out.join("variants.csv")).unwrap();
    assert_eq!(variants.lines().count(), 7);
}

#[test]
fn unknown_path_lists_the_nearest_valid_ones() {
    let (dir, b) = setup("[[scenario]]\npath = \"short.toml\"\n[[vary]]\npath = \"params.gama\"\nvalues = [0.1]\n[[vary]]\npath = \"lever.us_oil_ban.coverge\"\nvalues = [0.5]\n");
    batch(&b, &dir.path().join("o"), &[])
        .code(2)
        .stderr(predicates::str::contains("unknown parameter path `params.gama`"))
        .stderr(predicates::str::contains("params.gamma"))
        .stderr(predicates::str::contains("lever.us_oil_ban.coverage"));
    assert!(!dir.path().join("o").exists(), "nothing runs on bad input");
}

#[test]
fn invalid_variants_are_rejected_before_anything_runs() {
    let (dir, b) = setup("design = \"points\"\n[[scenario]]\npath = \"short.toml\"\n[[vary]]\npath = \"lever.us_oil_ban.coverage\"\nvalues = [0.5, 1.5]\n[[vary]]\npath = \"end\"\nvalues = [\"2023-12\", \"2020-12\"]\n");
    batch(&b, &dir.path().join("o"), &[])
        .code(2)
        .stderr(predicates::str::contains("variant 1 (short.toml: lever.us_oil_ban.coverage = 1.5, end = 2020-12)"))
        .stderr(predicates::str::contains("1.5 is out of range"))
        .stderr(predicates::str::contains("2020-12 is before start"));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn latin_hypercube_and_points_designs_run() {
    let (dir, b) = setup("design = \"lhs\"\nsamples = 3\nruns = 2\n[[scenario]]\npath = \"short.toml\"\n[[vary]]\npath = \"params.gamma\"\nmin = 0.0\nmax = 2.0\n[[vary]]\npath = \"params.sigma.oil\"\nmin = 5.0\nmax = 12.0\n");
    let out = dir.path().join("lhs");
    batch(&b, &out, &[]).success();
    let v = std::fs::read_to_string(out.join("variants.csv")).unwrap();
    assert_eq!(v.lines().count(), 4, "{v}");
    assert!(v.starts_with("variant,scenario,seed,runs,counterfactual,params.gamma,params.sigma.oil\n"));
    // `plot` redraws a run's directory: on a batch's it says so, instead of a missing field.
    let err = String::from_utf8(tradesim().arg("plot").arg(&out).assert().failure().get_output().stderr.clone()).unwrap();
    assert!(err.contains("is a batch result's manifest") && err.contains("tradesim batch"), "{err}");
}

#[test]
fn run_is_byte_identical_with_one_or_two_threads_and_keeps_runs_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("short.toml");
    std::fs::write(&sc, SCENARIO).unwrap();
    let mut outs = Vec::new();
    for t in ["1", "2"] {
        let out = dir.path().join(format!("t{t}"));
        tradesim().arg("run").arg(&sc).args(["--runs", "300", "--keep-runs", "--quiet", "--threads", t]).arg("--out").arg(&out).assert().success();
        outs.push(out);
    }
    for f in ["summary.csv", "annual.csv", "runs.csv"] {
        assert!(std::fs::read(outs[0].join(f)).unwrap() == std::fs::read(outs[1].join(f)).unwrap(), "{f}");
    }
    let runs = std::fs::read_to_string(outs[1].join("runs.csv")).unwrap();
    let idx: Vec<u64> = runs.lines().skip(1).map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    assert!(idx.windows(2).all(|w| w[0] <= w[1]) && idx.last() == Some(&299));
}

#[test]
fn a_counterfactual_of_a_scenario_without_levers_is_the_scenario_itself() {
    // No levers, no rules, and the four world price series of data/world_prices.csv: the
    // counterfactual runs are the variant's runs (same seeds), so the GDP ratio is exactly 1.
    // (It read the wrong columns when the layout had more than one price series.)
    let dir = tempfile::tempdir().unwrap();
    let scenario = "name = \"plain\"\nbase = \"2021\"\nstart = \"2021-01\"\nend = \"2023-12\"\nstep = \"quarter\"\nseed = 5\n[shocks]\nworld_prices = \"data\"\n";
    std::fs::write(dir.path().join("plain.toml"), scenario).unwrap();
    let b = dir.path().join("cf.batch.toml");
    std::fs::write(&b, "runs = 6\n[[scenario]]\npath = \"plain.toml\"\ncounterfactual = true\n").unwrap();
    let out = dir.path().join("out");
    batch(&b, &out, &[]).success();
    let ind = std::fs::read_to_string(out.join("indicators.csv")).unwrap();
    let row = |name: &str| ind.lines().find(|l| l.contains(&format!(",{name},"))).unwrap_or_else(|| panic!("{name} missing in\n{ind}")).split(',').skip(4).map(str::to_owned).collect::<Vec<_>>();
    let (gdp, cf) = (row("ru_gdp_usd"), row("ru_gdp_counterfactual_usd"));
    assert!(gdp[3].parse::<f64>().unwrap() > 1e12, "Russia's 2023 GDP is over 1 trillion USD: {gdp:?}");
    assert_eq!(gdp, cf, "counterfactual without levers = the variant");
    assert_eq!(row("ru_gdp_ratio_of_medians_to_counterfactual")[3].parse::<f64>().unwrap(), 1.0);
}
