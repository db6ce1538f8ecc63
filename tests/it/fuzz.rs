//! A bounded-time fuzz target (issue 12): seeded mutations of the shipped scenario files and
//! calibration CSVs (extreme and malformed numbers, deleted, duplicated and cut lines, stray
//! bytes). The invariant: no panic, in the library (parse, validate, one run, its summary) or in
//! the binary (exit code 0, 1 or 2 only), and nothing half-written (a result directory whole
//! or absent, no temporary leftovers). It runs `FUZZ_SECONDS` seconds (default 3) with seed
//! `FUZZ_SEED` (default fixed, so CI is reproducible); a failure prints the seed and the input.

use crate::common::tradesim;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};
use tradesim::calibration::{Calibration, FILES};
use tradesim::model::{run_to_end, Prepared};
use tradesim::scenario::parse_scenario;
use tradesim::summary::{BufferedSummary, Summary};

const NUMBERS: [&str; 16] = ["0", "-1", "-0.0", "1e308", "-1e308", "nan", "inf", "-inf", "2.5", "99999999999", "1e-320", "0.5", "1e100", "\"x\"", "[]", "4294967296"];

fn budget() -> Duration {
    Duration::from_secs_f64(std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3.0))
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(12)
}

/// One random edit of a text: a number or field replaced by an extreme or malformed value, a
/// line deleted, duplicated or cut, or stray bytes inserted.
fn mutate(text: &str, csv: bool, rng: &mut ChaCha8Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return String::new();
    }
    let k = rng.random_range(0..lines.len());
    match rng.random_range(0..8) {
        0 | 1 | 2 => {
            // replace a number (or a CSV field) with an extreme or malformed value
            let v = NUMBERS[rng.random_range(0..NUMBERS.len())];
            let line = &lines[k];
            if csv {
                let mut f: Vec<&str> = line.split(',').collect();
                let i = rng.random_range(0..f.len());
                f[i] = v.trim_matches('"');
                lines[k] = f.join(",");
            } else if let Some(eq) = line.find('=') {
                lines[k] = format!("{}= {v}", &line[..eq]);
            }
        }
        3 => {
            lines.remove(k);
        }
        4 => {
            let l = lines[k].clone();
            lines.insert(k, l);
        }
        5 => {
            let l = &lines[k];
            let cut = rng.random_range(0..=l.len());
            lines[k] = l.get(..cut).unwrap_or("").to_owned();
        }
        6 => {
            let bytes = ["\u{0}", "\"", ",", "=", "[", "\u{feff}", "é", "\n"];
            let l = &mut lines[k];
            let at = (0..=l.len()).filter(|&i| l.is_char_boundary(i)).nth(rng.random_range(0..=l.chars().count())).unwrap_or(0);
            l.insert_str(at, bytes[rng.random_range(0..bytes.len())]);
        }
        _ => {
            // a code swapped for another (economies, sectors, kinds)
            let codes = ["US", "RU", "ROW", "XX", "energy", "all", "embargo", "align", ""];
            let c = codes[rng.random_range(0..codes.len())];
            lines[k] = lines[k].replacen("RU", c, 1).replacen("US", c, 1);
        }
    }
    lines.join("\n") + "\n"
}

fn shipped_scenarios() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.to_string_lossy().ends_with(".batch.toml"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    v.sort();
    v
}

/// Parse, validate, and (if valid and short) run once and summarise: Ok or Err, never a panic.
fn exercise(cal: &Calibration, text: &str) {
    let Ok(mut sc) = parse_scenario(text, "fuzz.toml", &cal.universe()) else { return };
    if sc.steps() > 240 || sc.rules.len() > 50 || !cal.bases.contains_key(&sc.base) {
        return;
    }
    sc.runs = 1;
    let init = cal.init(sc.base);
    let pre = Prepared::new(&sc, &init);
    let mut obs = vec![0.0; pre.layout.len() * pre.steps];
    if run_to_end(&sc, &init, &pre, sc.seed, 0, &mut obs).is_ok() {
        let mut s = BufferedSummary::new(Summary::new(&sc, &init, &pre.layout));
        s.add_run(&obs);
        let s = s.finish();
        assert!(s.sketches().all(|k| k.mean().is_finite() || k.count() == 0));
    }
}

#[test]
fn mutated_scenarios_and_data_never_panic_and_never_half_write() {
    let started = Instant::now();
    let (budget, seed) = (budget(), seed());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let cal = Calibration::embedded().unwrap();
    let scenarios = shipped_scenarios();
    let data: Vec<String> = FILES.iter().map(|f| std::fs::read_to_string(Path::new("data").join(f)).unwrap()).collect();
    let (mut cases, mut runs) = (0, 0);
    // in-process: most of the time budget
    while started.elapsed() < budget.mul_f64(0.7) {
        cases += 1;
        if rng.random_bool(0.75) {
            let (name, text) = &scenarios[rng.random_range(0..scenarios.len())];
            let mut t = text.clone();
            for _ in 0..rng.random_range(1..4) {
                t = mutate(&t, false, &mut rng);
            }
            if catch_unwind(AssertUnwindSafe(|| exercise(&cal, &t))).is_err() {
                panic!("seed {seed}, case {cases}: a mutation of {name} panicked:\n{t}");
            }
        } else {
            let f = rng.random_range(0..FILES.len());
            let mut texts = data.clone();
            texts[f] = mutate(&texts[f], true, &mut rng);
            let result = catch_unwind(AssertUnwindSafe(|| {
                let refs: [&str; 6] = std::array::from_fn(|i| texts[i].as_str());
                if let Ok(c) = Calibration::from_texts(refs) {
                    exercise(&c, &scenarios[0].1);
                }
            }));
            if result.is_err() {
                panic!("seed {seed}, case {cases}: a mutation of data/{} panicked:\n{}", FILES[f], texts[f]);
            }
        }
    }
    // the binary: exit codes and what is left on disk
    let tmp = tempfile::tempdir().unwrap();
    while started.elapsed() < budget || runs < 3 {
        runs += 1;
        let (name, text) = &scenarios[rng.random_range(0..scenarios.len())];
        let t = mutate(text, false, &mut rng);
        let file = tmp.path().join("s.toml");
        std::fs::write(&file, &t).unwrap();
        let dest = tmp.path().join("out");
        let out = tradesim().arg("run").arg(&file).args(["--runs", "2", "--threads", "1", "-q", "--no-charts", "--out"]).arg(&dest).output().unwrap();
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1 | 2)), "seed {seed}: exit {code:?} for a mutation of {name}:\n{t}\n{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(code == Some(0), dest.join("manifest.json").is_file(), "seed {seed}: a result only on success ({name}):\n{t}");
        let left: Vec<String> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.')).collect();
        assert!(left.is_empty(), "seed {seed}: leftovers {left:?}");
        if dest.exists() {
            std::fs::remove_dir_all(&dest).unwrap();
        }
    }
    eprintln!("fuzz: seed {seed}, {cases} inputs in-process and {runs} through the binary in {:.1} s", started.elapsed().as_secs_f64());
}
