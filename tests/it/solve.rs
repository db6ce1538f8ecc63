//! `tradesim solve`: static equilibria checked against solutions derived by hand and against
//! an independent implementation of the one-sector structural-gravity counterfactual
//! (Dekle, Eaton and Kortum 2007 exact hat algebra), through the real binary.

use crate::common::{close, tradesim};
use std::collections::BTreeMap;
use std::path::Path;

/// Write a gravity dataset and cost changes, run `solve --gravity`, and read economies.csv
/// (economy → column → value) and trade.csv ((exporter, importer) → counterfactual value).
fn gravity(trade: &[(&str, &str, f64)], costs: &[(&str, &str, f64)], args: &[&str]) -> (BTreeMap<String, BTreeMap<String, f64>>, BTreeMap<(String, String), f64>) {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("flows.csv");
    let cost = dir.path().join("costs.csv");
    let mut f = String::from("exporter,importer,value\n");
    for (i, j, v) in trade {
        f.push_str(&format!("{i},{j},{v}\n"));
    }
    std::fs::write(&flows, f).unwrap();
    let mut c = String::from("exporter,importer,tau_hat\n");
    for (i, j, v) in costs {
        c.push_str(&format!("{i},{j},{v}\n"));
    }
    std::fs::write(&cost, c).unwrap();
    let out = dir.path().join("out");
    tradesim()
        .args(["solve", "-q", "--gravity", flows.to_str().unwrap(), "--costs", cost.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(args)
        .assert()
        .success();
    (table(&out.join("economies.csv"), 1), trade_table(&out.join("trade.csv")))
}

fn table(path: &Path, key_cols: usize) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let vals = header.iter().zip(r.iter()).skip(key_cols).map(|(h, v)| (h.clone(), v.parse::<f64>().unwrap())).collect();
            (r[0].to_owned(), vals)
        })
        .collect()
}

fn trade_table(path: &Path) -> BTreeMap<(String, String), f64> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            ((r[1].to_owned(), r[2].to_owned()), r[5].parse::<f64>().unwrap())
        })
        .collect()
}

fn pct(x: f64) -> f64 {
    100.0 * (x - 1.0)
}

#[test]
fn symmetric_costlier_trade_gives_the_acr_welfare_formula() {
    // Two identical economies: 80 internal, 20 to the other; trade costs up 10% both ways,
    // σ = 5. By symmetry prices stay; λ'11 = 80/(80 + 20·1.1^-4) and welfare falls by
    // (λ'11/λ11)^(1/(1−σ)) (Arkolakis, Costinot and Rodríguez-Clare 2012).
    let (e, t) = gravity(&[("A", "A", 80.0), ("A", "B", 20.0), ("B", "A", 20.0), ("B", "B", 80.0)], &[("A", "B", 1.1), ("B", "A", 1.1)], &["--sigma", "5"]);
    let l11 = 80.0 / (80.0 + 20.0 * 1.1f64.powf(-4.0));
    let welfare = (l11 / 0.8).powf(-0.25);
    for c in ["A", "B"] {
        assert!(e[c]["output_change_pct"].abs() < 1e-6, "{c}: {:?}", e[c]);
        assert!((e[c]["welfare_change_pct"] - pct(welfare)).abs() < 1e-5, "{c}: {} vs {}", e[c]["welfare_change_pct"], pct(welfare));
    }
    assert!(close(t[&("A".into(), "B".into())], 100.0 * (1.0 - l11), 1e-8));
    assert!(close(t[&("A".into(), "A".into())], 100.0 * l11, 1e-8));
}

/// The two-economy case where the closure matters, solved by hand (σ = 2, so shares are
/// proportional to 1/(ŵ·τ̂)). Data: A sells 50 at home and 30 to B, B sells 50 to A and 70 at
/// home: Y = (80, 120), E = (100, 100), A runs a deficit of 20. Trade costs rise by t both
/// ways. With ŵ_A = 1 and w = ŵ_B: λ'_AA = wt/(wt+1), λ'_AB = 0.3w/(0.3w + 0.7t), and A's market
/// clears when 80 = λ'_AA·E'_A + λ'_AB·E'_B, with
/// - fixed deficits (scaled with world output s = (80+120w)/200): E'_A = 80 + 20s, E'_B = 120w − 20s;
/// - fixed E/Y ratios: E'_A = 100ρ, E'_B = 100ρw, ρ = (80+120w)/(100(1+w)).
/// Returns (ŵ_A, ŵ_B) with world output held fixed (divided by s).
fn two_economies_by_hand(t: f64, ratios: bool) -> (f64, f64) {
    let f = |w: f64| {
        let s = (80.0 + 120.0 * w) / 200.0;
        let (ea, eb) = if ratios {
            let rho = (80.0 + 120.0 * w) / (100.0 * (1.0 + w));
            (100.0 * rho, 100.0 * rho * w)
        } else {
            (80.0 + 20.0 * s, 120.0 * w - 20.0 * s)
        };
        w * t / (w * t + 1.0) * ea + 0.3 * w / (0.3 * w + 0.7 * t) * eb - 80.0
    };
    // bisection: f rises with w (B dearer → A sells more)
    let (mut lo, mut hi) = (0.2, 5.0);
    assert!(f(lo) < 0.0 && f(hi) > 0.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let w = 0.5 * (lo + hi);
    let s = (80.0 + 120.0 * w) / 200.0;
    (1.0 / s, w / s)
}

#[test]
fn the_closure_matters_with_deficits_and_both_match_the_hand_solution() {
    let data = [("A", "A", 50.0), ("A", "B", 30.0), ("B", "A", 50.0), ("B", "B", 70.0)];
    let costs = [("A", "B", 4.0), ("B", "A", 4.0)];
    let (dek, _) = gravity(&data, &costs, &["--sigma", "2", "--closure", "deficits"]);
    let (yotov, _) = gravity(&data, &costs, &["--sigma", "2", "--closure", "ratios"]);
    for (got, ratios) in [(&dek, false), (&yotov, true)] {
        let (wa, wb) = two_economies_by_hand(4.0, ratios);
        // output volumes are fixed, so the output change is the factory-gate price change
        assert!((got["A"]["output_change_pct"] - pct(wa)).abs() < 1e-6, "ratios={ratios}: A {} vs {}", got["A"]["output_change_pct"], pct(wa));
        assert!((got["B"]["output_change_pct"] - pct(wb)).abs() < 1e-6, "ratios={ratios}: B {} vs {}", got["B"]["output_change_pct"], pct(wb));
        assert!((got["A"]["price_change_pct"] - pct(wa)).abs() < 1e-6);
    }
    // the closures give different prices (by hand: ŵ_A 1.1455 against 1.1475), and the deficit
    // economy's expenditure differs more
    assert!((dek["A"]["price_change_pct"] - yotov["A"]["price_change_pct"]).abs() > 0.15, "{:?} {:?}", dek["A"], yotov["A"]);
    assert!((dek["A"]["expenditure_change_pct"] - yotov["A"]["expenditure_change_pct"]).abs() > 0.3, "{:?} {:?}", dek["A"], yotov["A"]);
}

/// An independent one-sector DEK exact-hat-algebra solver (fixed deficits scaled with world
/// output, world output as numeraire): returns ŵ per economy.
fn dek(x: &[Vec<f64>], tau: &[Vec<f64>], sigma: f64) -> Vec<f64> {
    let n = x.len();
    let y: Vec<f64> = (0..n).map(|i| x[i].iter().sum()).collect();
    let e: Vec<f64> = (0..n).map(|j| (0..n).map(|i| x[i][j]).sum()).collect();
    let yw: f64 = y.iter().sum();
    let mut w = vec![1.0; n];
    for _ in 0..20_000 {
        let yp: Vec<f64> = (0..n).map(|i| w[i] * y[i]).collect();
        let s = yp.iter().sum::<f64>() / yw;
        let ep: Vec<f64> = (0..n).map(|j| yp[j] + (e[j] - y[j]) * s).collect();
        let mut demand = vec![0.0; n];
        for j in 0..n {
            let d: f64 = (0..n).map(|k| x[k][j] / e[j] * (w[k] * tau[k][j]).powf(1.0 - sigma)).sum();
            for i in 0..n {
                demand[i] += x[i][j] / e[j] * (w[i] * tau[i][j]).powf(1.0 - sigma) / d * ep[j];
            }
        }
        for i in 0..n {
            w[i] *= (demand[i] / yp[i]).powf(0.5 / sigma);
        }
        let k = (0..n).map(|i| w[i] * y[i]).sum::<f64>() / yw;
        w.iter_mut().for_each(|v| *v /= k);
    }
    w
}

#[test]
fn four_economies_match_an_independent_exact_hat_algebra_solver() {
    let names = ["NA", "EU", "AS", "RW"];
    let x = vec![vec![900.0, 60.0, 80.0, 40.0], vec![50.0, 1200.0, 70.0, 90.0], vec![120.0, 110.0, 1500.0, 160.0], vec![30.0, 80.0, 100.0, 700.0]];
    let mut tau = vec![vec![1.0; 4]; 4];
    tau[0][2] = 1.25; // NA taxes nothing; costs of NA→AS and AS→NA rise (a trade war)
    tau[2][0] = 1.25;
    tau[1][3] = 0.9; // EU and RW cut theirs
    tau[3][1] = 0.9;
    let sigma = 6.0;
    let mut data = Vec::new();
    let mut costs = Vec::new();
    for i in 0..4 {
        for j in 0..4 {
            data.push((names[i], names[j], x[i][j]));
            if tau[i][j] != 1.0 {
                costs.push((names[i], names[j], tau[i][j]));
            }
        }
    }
    let (e, _) = gravity(&data, &costs, &["--sigma", "6"]);
    let w = dek(&x, &tau, sigma);
    for (i, c) in names.iter().enumerate() {
        assert!((e[*c]["price_change_pct"] - pct(w[i])).abs() < 1e-6, "{c}: {} vs {}", e[*c]["price_change_pct"], pct(w[i]));
    }
    // and one economy's CPI as numeraire rescales every nominal change, not the real ones
    let (cpi, _) = gravity(&data, &costs, &["--sigma", "6", "--numeraire", "EU"]);
    assert!(cpi["EU"]["cpi_change_pct"].abs() < 1e-9);
    for c in names {
        assert!((cpi[c]["welfare_change_pct"] - e[c]["welfare_change_pct"]).abs() < 1e-6, "{c}");
    }
}

#[test]
fn bad_gravity_input_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let flows = dir.path().join("f.csv");
    let costs = dir.path().join("c.csv");
    std::fs::write(&flows, "exporter,importer,value\nA,A,10\nA,B,2\nB,A,3\nB,B,9\n").unwrap();
    std::fs::write(&costs, "exporter,importer,tau_hat\nA,B,0\n").unwrap();
    tradesim()
        .args(["solve", "--gravity", flows.to_str().unwrap(), "--costs", costs.to_str().unwrap(), "--sigma", "4"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("c.csv:2: tau_hat must be a positive number"));
    tradesim()
        .args(["solve", "--gravity", flows.to_str().unwrap(), "--costs", costs.to_str().unwrap(), "--sigma", "0.5"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--sigma must be above 1"));
}

#[test]
fn a_scenario_solves_at_a_date_and_sanctions_cost_russia() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    tradesim().args(["solve", "scenarios/sanctions_2022.toml", "--date", "2023-06", "-q", "--out", out.to_str().unwrap()]).assert().success();
    let e = table(&out.join("economies.csv"), 1);
    assert!(e["RU"]["welfare_change_pct"] < -1.0, "{:?}", e["RU"]);
    assert!(e["RU"]["price_change_pct"] < 0.0, "the rouble falls: {:?}", e["RU"]);
    assert!(e["US"]["price_change_pct"].abs() < 1e-9, "the numeraire's output price stays: {:?}", e["US"]);
    // before any lever, the equilibrium is the base year
    let out0 = dir.path().join("s0");
    tradesim().args(["solve", "scenarios/sanctions_2022.toml", "--date", "2021-06", "-q", "--out", out0.to_str().unwrap()]).assert().success();
    let e0 = table(&out0.join("economies.csv"), 1);
    for (c, row) in &e0 {
        assert!(row["welfare_change_pct"].abs() < 1e-6 && row["output_change_pct"].abs() < 1e-6, "{c}: {row:?}");
    }
}
