//! Parameter priors (version 2, item 5): each run draws the uncertain parameters, from the
//! calibration's priors (data/priors.csv) and the scenario's tables, through the binary.

use crate::common::tradesim;
use std::path::Path;

const HEAD: &str = "base = \"2021\"\nstart = \"2021-01\"\nend = \"2025-12\"\nseed = 11\n";

fn run(dir: &Path, name: &str, text: &str, extra: &[&str]) -> std::path::PathBuf {
    let sc = dir.join(format!("{name}.toml"));
    std::fs::write(&sc, text).unwrap();
    let out = dir.join(name);
    tradesim().args(["run", sc.to_str().unwrap(), "-q", "--no-charts", "--out", out.to_str().unwrap()]).args(extra).assert().success();
    out
}

/// The (p05, p50, p95) of an annual.csv row.
fn band(dir: &Path, year: &str, exp: &str, imp: &str, sector: &str) -> (f64, f64, f64) {
    let mut rdr = csv::Reader::from_path(dir.join("annual.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[0] == year && &r[1] == exp && &r[2] == imp && &r[3] == sector && &r[4] == "trade" {
            return (r[6].parse().unwrap(), r[8].parse().unwrap(), r[10].parse().unwrap());
        }
    }
    panic!("no row {year} {exp} {imp} {sector}");
}

const BAN: &str = "[[lever]]\nid = \"ban\"\nkind = \"import_ban\"\nby = \"EU\"\non = \"RU\"\nsectors = [\"oil\"]\nstart = \"2022-06\"\ncoverage = { low = 0.4, high = 0.8 }\nleakage = 0\n";

#[test]
fn priors_widen_the_bands_and_off_gives_the_centres() {
    let dir = tempfile::tempdir().unwrap();
    let with = run(dir.path(), "with", &format!("{HEAD}{BAN}"), &["--runs", "200"]);
    let without = run(dir.path(), "without", &format!("{HEAD}[params]\npriors = false\n{BAN}"), &["--runs", "200"]);
    let (a05, a50, a95) = band(&with, "2025", "RU", "EU", "oil");
    let (b05, b50, b95) = band(&without, "2025", "RU", "EU", "oil");
    assert!(a95 - a05 > 2.0 * (b95 - b05), "with priors {a05:e}..{a95:e}, without {b05:e}..{b95:e}");
    assert!((a50 / b50 - 1.0).abs() < 0.15, "medians {a50:e} {b50:e}");
    // priors off is the model without priors: the same bytes as a calibration with no
    // priors.csv, with the lever at its prior's centre
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for f in ["economies.csv", "sectors.csv", "flows.csv", "tension.csv", "world_prices.csv", "absorption.csv", "mirror.csv"] {
        std::fs::copy(Path::new("data").join(f), data.join(f)).unwrap();
    }
    let centre = run(dir.path(), "centre", &format!("{HEAD}{}", BAN.replace("{ low = 0.4, high = 0.8 }", "0.6")), &["--runs", "200", "--data", data.to_str().unwrap()]);
    let read = |d: &Path| std::fs::read_to_string(d.join("annual.csv")).unwrap();
    assert_eq!(read(&without), read(&centre));
}

#[test]
fn draws_do_not_depend_on_threads_and_are_written_with_keep_runs() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEAD}{BAN}");
    let one = run(dir.path(), "one", &text, &["--runs", "40", "--threads", "1", "--keep-runs"]);
    let two = run(dir.path(), "two", &text, &["--runs", "40", "--threads", "2", "--keep-runs"]);
    for f in ["summary.csv", "annual.csv", "runs.csv", "run_params.csv"] {
        assert_eq!(std::fs::read(one.join(f)).unwrap(), std::fs::read(two.join(f)).unwrap(), "{f}");
    }
    let params = std::fs::read_to_string(one.join("run_params.csv")).unwrap();
    let mut lines = params.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "run");
    assert!(header.contains(&"lever.ban.coverage") && header.contains(&"params.sigma.oil") && header.contains(&"params.currency_speed"), "{header:?}");
    let col = header.iter().position(|h| *h == "lever.ban.coverage").unwrap();
    let cov: Vec<f64> = lines.map(|l| l.split(',').nth(col).unwrap().parse().unwrap()).collect();
    assert_eq!(cov.len(), 40);
    assert!(cov.iter().all(|c| (0.4..0.8).contains(c)) && cov.iter().any(|c| *c < 0.5) && cov.iter().any(|c| *c > 0.7), "{cov:?}");
    let manifest = std::fs::read_to_string(one.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"path\": \"lever.ban.coverage\"") && manifest.contains("\"distribution\": \"uniform\""), "{manifest}");
    assert!(manifest.contains("\"path\": \"params.sigma.oil\"") && manifest.contains("\"distribution\": \"lognormal\""));
}

#[test]
fn check_rejects_bad_priors_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 6] = [
        ("[params]\nsigma = { oil = { low = 8, high = 6 } }\n", "params.sigma.oil"),
        ("[params]\nphi = { mean = 0.5, sd = -1 }\n", "params.phi"),
        ("[params]\nphi = { mean = 0.5, spread = 1 }\n", "unknown key `spread` in a prior"),
        ("[params]\ncurrency_speed = { low = 1 }\n", "a prior is { low = a, high = b }"),
        (&BAN.replace("{ low = 0.4, high = 0.8 }", "{ low = 0.4, high = 1.5 }"), "lever[0].coverage"),
        (&BAN.replace("{ low = 0.4, high = 0.8 }", "{ mean = 0.5 }"), "has none; give sd"),
    ];
    for (k, (body, expect)) in cases.iter().enumerate() {
        let f = dir.path().join(format!("bad{k}.toml"));
        std::fs::write(&f, format!("{HEAD}{body}")).unwrap();
        let out = tradesim().args(["check", f.to_str().unwrap()]).assert().code(2).get_output().stderr.clone();
        let err = String::from_utf8(out).unwrap();
        assert!(err.contains(expect), "case {k}: {err}");
    }
}

#[test]
fn a_batch_sweeps_the_centre_of_a_prior() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), format!("{HEAD}{BAN}")).unwrap();
    std::fs::write(
        dir.path().join("b.batch.toml"),
        "seed = 3\nruns = 30\n[[scenario]]\npath = \"s.toml\"\n[[vary]]\npath = \"lever.ban.coverage.mean\"\nvalues = [0.2, 0.9]\n\
         [[vary]]\npath = \"params.sigma.oil.mean\"\nvalues = [5.0, 9.0]\n",
    )
    .unwrap();
    let batch = dir.path().join("b.batch.toml");
    // the lever's prior is { low, high }: moving its mean alone is not a prior form
    tradesim().args(["batch", batch.to_str().unwrap(), "-q", "--out"]).arg(dir.path().join("o")).assert().code(2).stderr(predicates::str::contains("lever[0].coverage"));
    // with a { mean, sd } prior on the lever, both centres move
    std::fs::write(dir.path().join("s.toml"), format!("{HEAD}{}", BAN.replace("{ low = 0.4, high = 0.8 }", "{ mean = 0.6, sd = 0.1 }"))).unwrap();
    tradesim().args(["batch", batch.to_str().unwrap(), "-q", "--out"]).arg(dir.path().join("o")).assert().success();
    let annual = std::fs::read_to_string(dir.path().join("o").join("annual.csv")).unwrap();
    let median = |variant: &str| -> f64 {
        let line = annual.lines().find(|l| l.starts_with(&format!("{variant},2025,RU,EU,oil,trade,"))).unwrap();
        line.split(',').nth(9).unwrap().parse().unwrap()
    };
    // variants: (coverage 0.2, σ 5), (0.2, 9), (0.9, 5), (0.9, 9)
    assert!(median("2") < 0.5 * median("0"), "a 90% ban cuts more than a 20% one: {} vs {}", median("2"), median("0"));
}
