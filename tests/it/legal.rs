//! Issue 11's mechanisms: price caps, MFN withdrawal, pipeline gas that cannot be rerouted,
//! and the coalition-and-hubs calibration chosen by a scenario's `data` key.

use crate::common::*;
use tradesim::model::Layout;

fn header(end: &str) -> String {
    format!(
        "base = \"2021\"\nstart = \"2021-01\"\nend = \"{end}\"\nruns = 1\nseed = 3\n[shocks]\ngdp_volatility_scale = 0\nevent_rate = 0\ntrade_noise = 0\nworld_prices = \"flat\"\n[params]\npriors = false\n"
    )
}

#[test]
fn mfn_withdrawal_is_a_column_2_wedge() {
    // the same wedge as a tariff of that rate: the same flows, bit for bit
    let mfn = "[[lever]]\nkind = \"mfn_withdrawal\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-04\"\nrate = 0.28\n";
    let tariff = "[[lever]]\nkind = \"tariff\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-04\"\nrate = 0.28\n";
    let (a, init) = real(&format!("{}{mfn}", header("2024-12")));
    let (b, _) = real(&format!("{}{tariff}", header("2024-12")));
    let (none, _) = real(&header("2024-12"));
    let fa = run_to_end(&a, &init, 1, |m| m.direct.clone());
    let fb = run_to_end(&b, &init, 1, |m| m.direct.clone());
    let f0 = run_to_end(&none, &init, 1, |m| m.direct.clone());
    assert!(fa.iter().zip(&fb).all(|(x, y)| x.to_bits() == y.to_bits()));
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let r = l.route(sector(&init, "metals"), idx(&init, "RU"), idx(&init, "US"));
    assert!(fa[r] < 0.5 * f0[r], "RU→US metals under column-2 rates: {:e} vs {:e}", fa[r], f0[r]);
}

#[test]
fn a_price_cap_below_the_price_moves_oil_rent_from_russia_to_its_buyers() {
    // Brent flat at its 2021 average (70.4 USD): a cap of 50 binds, a cap of 100 does not
    let cap = |c: f64| format!("[[lever]]\nkind = \"price_cap\"\nby = \"EU\"\non = \"RU\"\nsectors = [\"oil\"]\nstart = \"2022-01\"\ncap = {c}\ncompliance = 0.8\n");
    let (none, init) = real(&header("2024-12"));
    let (loose, _) = real(&format!("{}{}", header("2024-12"), cap(100.0)));
    let (tight, _) = real(&format!("{}{}", header("2024-12"), cap(50.0)));
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let (ru, ind, oil) = (idx(&init, "RU"), idx(&init, "IN"), sector(&init, "oil"));
    let read = |sc| run_to_end(sc, &init, 1, |m| (m.income[ru], m.income[ind], m.direct[l.route(oil, ru, ind)], m.direct.clone()));
    let (y0, i0, v0, f0) = read(&none);
    let (y1, _, _, f1) = read(&loose);
    let (y2, i2, v2, _) = read(&tight);
    assert!(f0.iter().zip(&f1).all(|(a, b)| a.to_bits() == b.to_bits()) && y1 == y0, "a cap above the price changes nothing");
    // 80% of Russia's oil exports at 50 instead of 70.4: about 23% less per barrel
    assert!(y2 < 0.97 * y0, "Russia's income falls: {y2:e} vs {y0:e}");
    assert!(i2 > i0, "India keeps the discount: {i2:e} vs {i0:e}");
    assert!(v2 < 0.85 * v0 && v2 > 0.6 * v0, "customs record what India pays for Russian oil: {v2:e} vs {v0:e}");
}

#[test]
fn banned_pipeline_gas_finds_no_way_through_a_hub() {
    let ban = |s: &str| format!("[[lever]]\nkind = \"import_ban\"\nby = \"EU\"\non = \"RU\"\nsectors = [\"{s}\"]\nstart = \"2022-01\"\nleakage = 0.5\n");
    let (gas, init) = real(&format!("{}{}", header("2023-12"), ban("gas")));
    let (oil, _) = real(&format!("{}{}", header("2023-12"), ban("oil")));
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let (ru, eu) = (idx(&init, "RU"), idx(&init, "EU"));
    let via = |sc, s| run_to_end(sc, &init, 1, |m| m.rerouted[l.route(s, ru, eu)]);
    assert_eq!(via(&gas, sector(&init, "gas")), 0.0);
    assert!(via(&oil, sector(&init, "oil")) > 0.0);
}

#[test]
fn a_scenario_runs_on_the_coalition_and_hubs_calibration_its_data_key_names() {
    let dir = tempfile::tempdir().unwrap();
    let sc = dir.path().join("c.toml");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/coalition_hubs");
    let text = format!(
        "data = \"{}\"\nbase = \"2021\"\nstart = \"2021-01\"\nend = \"2023-12\"\n[[lever]]\nkind = \"export_control\"\nby = \"COALITION\"\non = \"RU\"\nsectors = [\"technology\"]\nstart = \"2022-03\"\nleakage = 0.3\n",
        data.display()
    );
    std::fs::write(&sc, text).unwrap();
    tradesim().args(["check", sc.to_str().unwrap()]).assert().success();
    let out = dir.path().join("o");
    tradesim().args(["run", sc.to_str().unwrap(), "--runs", "8", "-q", "--no-charts", "--out", out.to_str().unwrap()]).assert().success();
    let annual = std::fs::read_to_string(out.join("annual.csv")).unwrap();
    // HUBS is the default hub of that calibration: the leaked technology goes through it
    assert!(annual.lines().any(|l| l.starts_with("2023,COALITION,RU,technology,transit,")), "no transit row");
    assert!(annual.lines().any(|l| l.starts_with("2023,HUBS,RU,technology,trade,")));
    // the built-in calibration has no COALITION
    std::fs::write(&sc, "base = \"2021\"\nstart = \"2021-01\"\nend = \"2023-12\"\n[[lever]]\nkind = \"treaty\"\nby = \"COALITION\"\non = \"RU\"\nstart = \"2022-03\"\n").unwrap();
    tradesim().args(["check", sc.to_str().unwrap()]).assert().code(2).stderr(predicates::str::contains("unknown economy `COALITION`"));
}

#[test]
fn backtest_compares_each_observation_on_its_reporting_basis_and_runs_a_suite() {
    let dir = tempfile::tempdir().unwrap();
    // US→RU 2021 on both bases: Russia's imports from the US (16.9 bn) and US exports to
    // Russia (6.4 bn in Census data); data/mirror.csv has the pair's ratio
    let obs = dir.path().join("obs.csv");
    std::fs::write(&obs, "year,exporter,importer,value_usd,basis\n2021,US,RU,16870000000,importer_reported\n2021,US,RU,6390000000,exporter_reported\n").unwrap();
    let out = dir.path().join("bt");
    tradesim().args(["backtest", "scenarios/baseline_2021.toml", "--runs", "20", "-q", "--skip-other-years", "--actual"]).arg(&obs).arg("--out").arg(&out).assert().success();
    let mut rdr = csv::Reader::from_path(out.join("backtest.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let p50 = |basis: &str| -> f64 { rows.iter().find(|r| &r[3] == basis).unwrap()[6].parse().unwrap() };
    let ratio = p50("exporter_reported") / p50("importer_reported");
    let mirror = std::fs::read_to_string("data/mirror.csv").unwrap();
    let published: f64 = mirror.lines().find(|l| l.starts_with("2021,US,RU,")).unwrap().split(',').nth(4).unwrap().parse().unwrap();
    assert!((ratio / published - 1.0).abs() < 0.01, "simulated ratio {ratio} vs mirror {published}");
    // a suite: several scenarios, each against what it can compare, one table
    let suite = dir.path().join("suite");
    tradesim()
        .args(["backtest", "scenarios/baseline_2021.toml", "scenarios/crimea_2014.toml", "--runs", "10", "-q", "--actual", "data/observed.csv", "--out"])
        .arg(&suite)
        .assert()
        .success()
        .stdout(predicates::str::contains("scenarios/crimea_2014.toml"));
    let table = std::fs::read_to_string(suite.join("suite.csv")).unwrap();
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(suite.join("crimea_2014").join("backtest.csv").exists() && suite.join("baseline_2021").join("backtest.csv").exists());
}
