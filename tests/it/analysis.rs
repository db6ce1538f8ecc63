//! The analysis designs and `discover`: Shapley attribution (values add up to the change in
//! every run; on levers with disjoint routes they are the one-at-a-time effects; byte-identical
//! whatever the threads or shards), Sobol' indices of the Ishigami function through the batch's
//! design and analysis code (within their stated intervals), PRIM on a planted box, the table
//! design, and the commands through the binary.

use crate::batch::setup;
use crate::common::{calibration, tradesim};
use rand::{Rng, SeedableRng};
use std::path::Path;
use tradesim::batch::attribution::{self, Accumulator};
use tradesim::batch::{parse_batch, sensitivity};
use tradesim::discover::{prim, Data, Options};
use tradesim::model::{run_to_end, Prepared};
use tradesim::run_values::RunValues;
use tradesim::scenario::parse_scenario;

/// Two levers on disjoint routes (RU→US oil, EU→RU technology), no rules (so every subset
/// draws the same shocks), three years. With prices fixed (φ = 0), no pass-through of lost
/// exports to GDP and the version-2 channels off, nothing links the two routes: the levers'
/// effects add up, and the Shapley value of each is its one-at-a-time effect. The shocks and
/// the parameter draws stay on (common random numbers across the subsets).
const DISJOINT: &str = r#"
name = "disjoint"
base = "2021"
start = "2021-01"
end = "2023-12"
step = "quarter"
runs = 12
seed = 5

[params]
phi = 0
gdp_pass_through = 0
domestic = false
budget = false
currency = false
firms = false

[[lever]]
id = "us_oil_ban"
kind = "import_ban"
by = "US"
on = "RU"
sectors = ["oil"]
start = "2022-03"
coverage = 1.0

[[lever]]
id = "eu_tech"
kind = "export_control"
by = "EU"
on = "RU"
sectors = ["technology"]
start = "2022-03"
coverage = 0.9
"#;

#[test]
fn shapley_values_add_up_in_every_run_and_equal_one_at_a_time_effects_on_disjoint_routes() {
    let cal = calibration();
    let uni = cal.universe();
    let doc: toml::Value = toml::from_str(DISJOINT).unwrap();
    let players = attribution::players(&[], &doc).unwrap();
    let plan = attribution::plan(players, 0, &mut tradesim::rng::design_rng(1));
    assert_eq!(plan.subsets.len(), 4);
    let runs = 12;
    let mut width = 0;
    let mut names = Vec::new();
    let mut acc: Option<Accumulator> = None;
    for (s, &mask) in plan.subsets.iter().enumerate() {
        let text = toml::to_string(&attribution::subset_doc(&doc, &plan.players, mask)).unwrap();
        let sc = parse_scenario(&text, "subset", &uni).unwrap();
        let init = cal.init(sc.base);
        let pre = Prepared::new(&sc, &init);
        let rv = RunValues::new(&sc, &init, &pre.layout, &[]);
        width = rv.width();
        names = rv.names();
        let acc = acc.get_or_insert_with(|| Accumulator::new(&plan, runs, width));
        let mut vals = Vec::new();
        let mut buf = vec![0.0; pre.layout.len() * pre.steps];
        for r in 0..runs as u64 {
            run_to_end(&sc, &init, &pre, 77, r, &mut buf).expect("a sound run");
            rv.values(&buf, &mut vals);
        }
        acc.add(s, &vals);
    }
    let acc = acc.unwrap();
    let per_year = names.len();
    for r in 0..runs {
        for x in 0..width {
            let total = acc.total(r)[x];
            let sum: f64 = (0..2).map(|i| acc.shapley(r, i)[x]).sum();
            assert!((sum - total).abs() <= 1e-9 * total.abs().max(1.0), "run {r} value {x}: shares {sum} vs change {total}");
        }
        // every value: each lever's Shapley value is its one-at-a-time effect
        for x in 0..width {
            let scale = acc.total(r)[x].abs().max(acc.main(r, 0)[x].abs()).max(acc.main(r, 1)[x].abs()).max(1.0);
            for i in 0..2 {
                let (phi, main) = (acc.shapley(r, i)[x], acc.main(r, i)[x]);
                assert!((phi - main).abs() <= 1e-9 * scale, "run {r} lever {i} value {:?} of year {}: Shapley {phi} vs one at a time {main}", names[x % per_year], x / per_year);
            }
        }
        // and they are real effects in 2023 (the last year): the oil ban cuts Russia's trade
        // with the US, the export control its trade with the EU
        let at = |subject: &str| 2 * per_year + names.iter().position(|n| n.1 == subject).unwrap();
        let (us, eu) = (acc.main(r, 0)[at("RU+US")], acc.main(r, 1)[at("RU+EU")]);
        assert!(us < -1e9 && eu < -1e9, "run {r}: the oil ban's effect on RU-US trade {us}, the export control's on RU-EU {eu}");
        // before the levers start nothing differs: common random numbers
        assert_eq!(acc.total(r)[names.iter().position(|n| n.1 == "RU+all").unwrap()], 0.0);
    }
}

fn batch(b: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    tradesim().arg("batch").arg(b).arg("--out").arg(out).arg("--quiet").args(extra).assert()
}

const ATTRIBUTION: &str = r#"
seed = 9
runs = 7
block = 3
design = "attribution"
[[scenario]]
path = "short.toml"
[[group]]
name = "finance"
levers = ["us_banks"]
[[group]]
name = "oil"
levers = ["us_oil_ban"]
[[group]]
name = "eu_follows"
rules = ["eu_aligns"]
"#;

#[test]
fn attribution_is_byte_identical_whatever_the_threads_or_shards_and_adds_up() {
    let (dir, b) = setup(ATTRIBUTION);
    let d = dir.path();
    batch(&b, &d.join("t1"), &["--threads", "1"]).success();
    batch(&b, &d.join("t2"), &["--threads", "2"]).success();
    for k in 0..3 {
        batch(&b, &d.join(format!("s{k}")), &["--threads", "1", "--shard", &format!("{k}/3")]).success();
    }
    tradesim().arg("merge").args((0..3).map(|k| d.join(format!("s{k}")))).arg("--out").arg(d.join("m")).assert().success();
    // every byte, except the manifest's one `command_line` line (it names --threads or merge)
    let read = |dir: &str, f: &str| {
        let bytes = std::fs::read(d.join(dir).join(f)).unwrap();
        if f == "manifest.json" { crate::batch::without_command_line(&bytes) } else { bytes }
    };
    for f in ["variants.csv", "indicators.csv", "summary.csv", "attribution.csv", "manifest.json", "index.html"] {
        let a = read("t1", f);
        assert!(a == read("t2", f), "{f} differs between 1 and 2 threads");
        assert!(a == read("m", f), "{f} differs between unsharded and merged shards");
    }
    let variants = std::fs::read_to_string(d.join("t1/variants.csv")).unwrap();
    assert!(variants.starts_with("variant,scenario,seed,runs,counterfactual,finance,oil,eu_follows\n"), "{variants}");
    // 8 subsets, one seed
    let seeds: std::collections::BTreeSet<&str> = variants.lines().skip(1).map(|l| l.split(',').nth(2).unwrap()).collect();
    assert_eq!((variants.lines().count(), seeds.len()), (9, 1));
    // full summaries only for the run without the players and the full set
    let summary = std::fs::read_to_string(d.join("t1/summary.csv")).unwrap();
    let kept: std::collections::BTreeSet<&str> = summary.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(kept, ["0", "7"].into_iter().collect(), "variants with summary rows");
    // the means of the Shapley values add up to the mean change
    let rows = tradesim::output::analysis::read(&d.join("t1/attribution.csv"), 5).unwrap();
    let mut checked = 0;
    for t in rows.iter().filter(|r| r.kind() == "total") {
        let sum: f64 = rows.iter().filter(|r| r.kind() == "shapley" && r.indicator() == t.indicator() && r.subject() == t.subject() && r.year() == t.year()).map(|r| r.num[0]).sum();
        assert!((sum - t.num[0]).abs() <= 1e-6 * t.num[0].abs() + 2.0, "{} {} {}: {sum} vs {}", t.indicator(), t.subject(), t.year(), t.num[0]);
        checked += 1;
    }
    assert!(checked > 10);
    let page = std::fs::read_to_string(d.join("t1/index.html")).unwrap();
    assert!(page.contains("<h2>Attribution (2023)</h2>") && page.contains("charts/attribution_us_ru_trade_usd_us_ru.png"), "page lacks the attribution");
    // the state's per-run values are removed with the work area
    assert!(!d.join("t1/state").exists());
}

#[test]
fn attribution_groups_are_checked() {
    let (dir, b) = setup("design = 'attribution'\n[[scenario]]\npath = 'short.toml'\n[[group]]\nname = 'x'\nlevers = ['us_bank']\n");
    let out = batch(&b, &dir.path().join("o"), &[]).code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("group `x`: no lever `us_bank` in the scenario; its levers: us_banks, us_oil_ban"), "{err}");
}

/// Ishigami's function (a = 7, b = 0.1) and its analytic indices.
fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

#[test]
fn sobol_indices_of_ishigami_are_within_their_intervals() {
    let pi = std::f64::consts::PI;
    let text = format!("seed = 3\ndesign = 'sobol'\nsamples = 1024\n[[scenario]]\npath = 'a.toml'\n{}", (1..=3).map(|k| format!("[[vary]]\npath = 'x{k}'\nmin = {}\nmax = {pi}\n", -pi)).collect::<String>());
    let b = parse_batch(&text, "ishigami.batch.toml").unwrap();
    let points = b.points();
    assert_eq!(points.len(), 1024 * 5);
    // the same map from the unit cube to values as a batch's variants
    let y: Vec<f64> = points
        .iter()
        .map(|p| {
            let unit: Vec<f64> = p.iter().map(|v| v.as_float().unwrap()).collect();
            let x: Vec<f64> = sensitivity::to_values(&b.vary, &unit, &[None, None, None]).iter().map(|v| v.as_float().unwrap()).collect();
            ishigami(&x)
        })
        .collect();
    let s = sensitivity::sobol_indices(&y, 3, &mut tradesim::rng::analysis_rng(3));
    let (a, bb) = (7.0f64, 0.1f64);
    let v = a * a / 8.0 + bb * pi.powi(4) / 5.0 + bb * bb * pi.powi(8) / 18.0 + 0.5;
    let v1 = 0.5 * (1.0 + bb * pi.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = 8.0 * bb * bb * pi.powi(8) / 225.0;
    let s1 = [v1 / v, v2 / v, 0.0];
    let st = [(v1 + v13) / v, v2 / v, v13 / v];
    for j in 0..3 {
        println!("x{}: S1 {:.4} ± {:.4} (analytic {:.4}), ST {:.4} ± {:.4} (analytic {:.4})", j + 1, s[j].s1, s[j].s1_conf, s1[j], s[j].st, s[j].st_conf, st[j]);
        assert!((s[j].s1 - s1[j]).abs() <= s[j].s1_conf, "S1 of x{}: {} ± {} against {}", j + 1, s[j].s1, s[j].s1_conf, s1[j]);
        assert!((s[j].st - st[j]).abs() <= s[j].st_conf, "ST of x{}: {} ± {} against {}", j + 1, s[j].st, s[j].st_conf, st[j]);
        assert!(s[j].s1_conf < 0.1 && s[j].st_conf < 0.1, "intervals this wide say little");
    }
}

#[test]
fn morris_ranks_the_ishigami_parameters() {
    let pi = std::f64::consts::PI;
    let text = format!("seed = 3\ndesign = 'morris'\ntrajectories = 200\n[[scenario]]\npath = 'a.toml'\n{}", (1..=3).map(|k| format!("[[vary]]\npath = 'x{k}'\nmin = {}\nmax = {pi}\n", -pi)).collect::<String>());
    let b = parse_batch(&text, "m.batch.toml").unwrap();
    let m = b.morris().unwrap();
    assert_eq!(b.points().len(), 200 * 4);
    let y: Vec<f64> = m.points.iter().map(|u| ishigami(&u.iter().map(|v| -pi + 2.0 * pi * v).collect::<Vec<_>>())).collect();
    let idx = sensitivity::morris_indices(&y, &m, 3, &mut tradesim::rng::analysis_rng(3));
    // x3 acts only with x1 (mu near 0, sigma large); x2 is even: its effects cancel in mu
    assert!(idx[0].mu_star > idx[2].mu_star && idx[2].mu_star > 0.0);
    assert!(idx[1].mu.abs() < idx[1].mu_star && idx[2].mu.abs() < 0.2 * idx[2].mu_star, "{idx:?}");
}

#[test]
fn prim_recovers_a_planted_box() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let x: Vec<Vec<f64>> = (0..2000).map(|_| (0..4).map(|_| rng.random::<f64>()).collect()).collect();
    let y: Vec<f64> = x.iter().map(|p| if (0.2..=0.6).contains(&p[0]) && p[2] >= 0.7 { 1.0 } else { 0.0 }).collect();
    let data = Data { names: (0..4).map(|j| format!("x{j}")).collect(), x, y };
    let r = prim(&data, &Options::default()).unwrap();
    let b = &r.pasted;
    assert_eq!(b.restricted(&r.data_lo, &r.data_hi), vec![0, 2], "{b:?}");
    assert!((b.lo[0] - 0.2).abs() < 0.03 && (b.hi[0] - 0.6).abs() < 0.03 && (b.lo[2] - 0.7).abs() < 0.03, "{b:?}");
    assert!(b.density > 0.95 && b.coverage > 0.9, "density {} coverage {}", b.density, b.coverage);
    // the trade-off: along the trajectory coverage never rises as density does
    assert!(r.trajectory.windows(2).all(|w| w[1].coverage <= w[0].coverage + 1e-12 && w[1].density >= w[0].density));
}

#[test]
fn a_table_design_and_discover_through_the_binary() {
    let (dir, b) = setup("seed = 2\nruns = 4\ndesign = 'table'\ntable = 'design.csv'\n[[scenario]]\npath = 'short.toml'\n");
    let d = dir.path();
    let mut csv = String::from(",params.gamma,rule.eu_aligns.probability\n");
    for k in 0..12 {
        csv.push_str(&format!("{k},{},{}\n", [0.0, 0.5, 2.0, 4.0][k % 4], [0.3, 0.9, 1.0][k % 3]));
    }
    std::fs::write(d.join("design.csv"), &csv).unwrap();
    batch(&b, &d.join("o"), &["--threads", "2"]).success();
    let variants = std::fs::read_to_string(d.join("o/variants.csv")).unwrap();
    assert!(variants.starts_with("variant,scenario,seed,runs,counterfactual,params.gamma,rule.eu_aligns.probability\n0,short.toml,"), "{variants}");
    assert_eq!(variants.lines().count(), 13);
    tradesim().arg("discover").arg(d.join("o")).args(["--outcome", "rule.us_normalizes.fired", "--above", "0.5", "-q"]).assert().success();
    for f in ["prim_trajectory.csv", "prim_box.csv", "prim.png"] {
        assert!(d.join("o/discover_rule_us_normalizes_fired").join(f).exists(), "{f}");
    }
    let bad = tradesim().arg("discover").arg(d.join("o")).args(["--outcome", "rule.nope.fired"]).assert().code(2);
    let err = String::from_utf8_lossy(&bad.get_output().stderr).into_owned();
    assert!(err.contains("subjects: eu_aligns, us_normalizes"), "{err}");
    // a column that is no path of the scenario
    std::fs::write(d.join("design.csv"), "params.gama\n1\n").unwrap();
    let bad = batch(&b, &d.join("p"), &[]).code(2);
    assert!(String::from_utf8_lossy(&bad.get_output().stderr).contains("nearest valid paths: params.gamma"));
}

#[test]
fn sobol_and_morris_batches_are_byte_identical_with_one_or_two_threads() {
    for body in [
        "seed = 3\nruns = 3\ndesign = 'sobol'\nsamples = 4\n[[scenario]]\npath = 'short.toml'\n[[vary]]\npath = 'params.gamma'\nmin = 0.0\nmax = 3.0\n[[vary]]\npath = 'params.sigma.oil'\nprior = true\n",
        "seed = 3\nruns = 3\ndesign = 'morris'\ntrajectories = 3\n[[scenario]]\npath = 'short.toml'\n[[vary]]\npath = 'params.gamma'\nmin = 0.0\nmax = 3.0\n[[vary]]\npath = 'rule.eu_aligns.probability'\nmin = 0.5\nmax = 1.0\n",
    ] {
        let (dir, b) = setup(body);
        let d = dir.path();
        batch(&b, &d.join("t1"), &["--threads", "1"]).success();
        batch(&b, &d.join("t2"), &["--threads", "2"]).success();
        let file = if body.contains("sobol") { "sobol.csv" } else { "morris.csv" };
        for f in ["variants.csv", "indicators.csv", file, "manifest.json"] {
            let read = |dir: &str| {
                let bytes = std::fs::read(d.join(dir).join(f)).unwrap();
                if f == "manifest.json" { crate::batch::without_command_line(&bytes) } else { bytes }
            };
            assert!(read("t1") == read("t2"), "{f} differs");
        }
        // the analysis designs keep no per-variant summaries
        assert_eq!(std::fs::read_to_string(d.join("t1/summary.csv")).unwrap().lines().count(), 1);
    }
}
