//! Version 2 (domestic producers, income and budget, currency agents, capital-account levers):
//! hand-solved cases and the stylised facts of the issue, on small economies and on the
//! shipped 2021 calibration.

use crate::common::*;
use tradesim::model::equilibrium::{solve, SolveOptions};
use tradesim::model::{Layout, Prepared};

/// Noise off, prices frozen, from the shipped 2021 base, through `end`.
fn real_header(end: &str, shocks: &str, params: &str) -> String {
    format!(
        "base = \"2021\"\nstart = \"2021-01\"\nend = \"{end}\"\nruns = 1\nseed = 3\n[shocks]\ngdp_volatility_scale = 0\nevent_rate = 0\ntrade_noise = 0\n{shocks}\n[params]\n{params}\n"
    )
}

/// Exports and imports of one economy (all sectors, direct and rerouted), USD per year.
fn exports_imports(m: &tradesim::model::Model, l: &Layout, c: usize) -> (f64, f64) {
    let (mut x, mut im) = (0.0, 0.0);
    for s in 0..l.m {
        for k in (0..l.n).filter(|&k| k != c) {
            x += m.direct[l.route(s, c, k)] + m.rerouted[l.route(s, c, k)];
            im += m.direct[l.route(s, k, c)] + m.rerouted[l.route(s, k, c)];
        }
    }
    (x, im)
}

#[test]
fn domestic_nest_splits_a_tariff_between_other_origins_and_home_producers_by_the_closed_form() {
    // B buys 60 from A, 40 from C and 100 from its own producers; B taxes imports from A at
    // 25%. Prices frozen, version-1 spending (no budget), esubd = 2, σ = 5, η = 0.5.
    let uni = {
        let mut u = universe(&["A", "B", "C"], 5.0, 1000.0, 0.5);
        u.esubd = vec![2.0];
        u
    };
    let mut ini = init(&["A", "B", "C"], &[&[0.0, 60.0, 1.0], &[1.0, 0.0, 1.0], &[1.0, 40.0, 0.0]]);
    ini.domestic = vec![50.0, 100.0, 50.0];
    let lever = "[[lever]]\nkind = \"tariff\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nrate = 0.25\n";
    let text = format!("{QUIET}\n[params]\nphi = 0\nbudget = false\ncurrency = false\nfirms = false\n{lever}");
    let sc = scenario(&text, &uni);
    let (ab, cb, home) = run_to_end(&sc, &ini, 1, |m| (flow3(m, 0, 1), flow3(m, 2, 1), m.domestic[1]));
    // By hand: imports D_M = (0.6·1.25^-4 + 0.4) = 0.645760, P̂_M = D_M^(-1/4);
    // upper nest: β0 = 100/200, U = 0.5 + 0.5·P̂_M^(-1) , P̂ = U^(-1), home share = 0.5/U;
    // spending A = 200·P̂^0.5; imports A(1 − share) split by CES; customs value / 1.25 for A.
    let dm: f64 = 0.6 * 1.25f64.powf(-4.0) + 0.4;
    let pm = dm.powf(-0.25);
    let u = 0.5 + 0.5 / pm;
    let a = 200.0 * (1.0 / u).powf(0.5);
    let share_home = 0.5 / u;
    let imports = a * (1.0 - share_home);
    assert!(close(home, a * share_home, 1e-9), "home {home} vs {}", a * share_home);
    assert!(close(ab, imports * 0.6 * 1.25f64.powf(-4.0) / dm / 1.25, 1e-9), "A→B {ab}");
    assert!(close(cb, imports * 0.4 / dm, 1e-9), "C→B {cb}");
    // import substitution: home producers sell more than at base, C too, A less
    assert!(home > 100.0 && cb > 40.0 && ab < 60.0);
}

fn flow3(m: &tradesim::model::Model, i: usize, j: usize) -> f64 {
    m.direct[Layout::new(3, 1, 0).route(0, i, j)]
}

#[test]
fn with_equal_growth_everywhere_every_flow_grows_exactly_with_income_and_prices_stay() {
    // Balanced growth: the budget, domestic producers and currency agents on, no levers, no
    // noise, every economy's output growing 3% a year: flows, domestic sales and GDP grow
    // at 3%, no price or currency moves.
    let (sc, mut init) = real(&real_header("2027-12", "world_prices = \"flat\"", ""));
    init.growth = vec![0.03; init.economies.len()];
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let traj = trajectory(&sc, &init, 1, |m| (m.direct.clone(), m.domestic.clone(), m.price.clone(), m.currency.clone(), m.gdp.clone()));
    for (k, (flows, domestic, prices, currency, gdp)) in traj.iter().enumerate() {
        let g = (0.03 * (0.125 + 0.25 * k as f64 - 0.5)).exp();
        for r in 0..l.routes() {
            assert!(close(flows[r], init.flows[r] * g, 1e-9), "step {k} route {r}: {} vs {}", flows[r], init.flows[r] * g);
        }
        for (x, d) in domestic.iter().enumerate() {
            assert!(close(*d, init.domestic[x] * g, 1e-9), "step {k} domestic {x}");
        }
        assert!(prices.iter().chain(currency).all(|p| close(*p, 1.0, 1e-9)), "step {k}: prices {prices:?} currencies {currency:?}");
        for (i, y) in gdp.iter().enumerate() {
            assert!(close(*y, init.gdp[i] * g, 1e-6), "step {k} GDP {i}: {y:e} vs {:e}", init.gdp[i] * g);
        }
    }
}

#[test]
fn with_differing_growth_nothing_jumps() {
    // The shipped growth rates differ (China 8%, EU 1.6%): relative prices and currencies
    // drift smoothly, no flow moves by more than 6% from one quarter to the next (market
    // shares drift, so now and then a firm bin, 1/16 of a route, leaves or comes back; partial
    // adjustment spreads that over quarters).
    let (sc, init) = real(&real_header("2030-12", "world_prices = \"flat\"", ""));
    let traj = trajectory(&sc, &init, 1, |m| m.direct.clone());
    for (k, w) in traj.windows(2).enumerate() {
        for (r, (a, b)) in w[0].iter().zip(&w[1]).enumerate() {
            if *a > 1e6 {
                assert!((b / a - 1.0).abs() < 0.06, "step {k} route {r}: {a:e} → {b:e}");
            }
        }
    }
}

#[test]
fn world_spending_equals_world_income_every_step() {
    let levers = "[[lever]]\nkind = \"capital_controls\"\nby = \"RU\"\nstart = \"2022-03\"\nshare = 0.05\n\
                  [[lever]]\nkind = \"reserve_freeze\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\nshare = 0.02\n\
                  [[lever]]\nkind = \"import_ban\"\nby = \"EU\"\non = \"RU\"\nsectors = [\"oil\"]\nstart = \"2022-06\"\ncoverage = 0.8\nleakage = 0.1\n\
                  [[lever]]\nkind = \"financial_sanctions\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\n";
    // with noise, so flows are off their targets every step
    let text = format!("base = \"2021\"\nstart = \"2021-01\"\nend = \"2025-12\"\nruns = 1\nseed = 5\n{levers}");
    let (sc, init) = real(&text);
    let sums = trajectory(&sc, &init, 7, |m| (m.spending.iter().sum::<f64>(), m.income.iter().sum::<f64>(), m.deficit.iter().sum::<f64>(), m.income.iter().sum::<f64>()));
    for (k, (spend, income, deficit, scale)) in sums.iter().enumerate() {
        assert!((spend - income).abs() <= 1e-12 * scale, "step {k}: spending {spend:e} vs income {income:e}");
        assert!(deficit.abs() <= 1e-12 * scale, "step {k}: net deficit {deficit:e}");
    }
}

#[test]
fn a_fall_in_the_world_energy_price_lowers_russias_income_currency_and_imports() {
    // Brent held at its 2021 level, or falling to half of it (mean-reverting, no volatility)
    let flat = real_header("2025-12", "world_prices = \"flat\"", "");
    let fall = real_header("2025-12", "world_prices = \"random\"\nworld_price_volatility = 0\nworld_price_reversion = 2\nworld_price_mean = { brent = 35 }", "");
    let (a, init) = real(&flat);
    let (b, _) = real(&fall);
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let ru = idx(&init, "RU");
    let read = |sc| run_to_end(sc, &init, 1, |m| (m.income[ru], m.currency[ru], exports_imports(m, &l, ru).1, m.gdp[ru]));
    let (y0, e0, m0, g0) = read(&a);
    let (y1, e1, m1, g1) = read(&b);
    assert!(y1 < 0.95 * y0, "income {y1:e} vs {y0:e}");
    assert!(e1 < 0.99 * e0, "currency {e1} vs {e0}");
    assert!(m1 < 0.95 * m0, "imports {m1:e} vs {m0:e}");
    assert!(g1 < g0, "GDP {g1:e} vs {g0:e}");
}

#[test]
fn a_forced_surplus_lowers_imports_though_export_earnings_rise() {
    let base = real_header("2025-12", "world_prices = \"flat\"", "");
    let controls = format!("{base}[[lever]]\nkind = \"capital_controls\"\nby = \"RU\"\nstart = \"2022-03\"\nshare = 0.05\n");
    let (a, init) = real(&base);
    let (b, _) = real(&controls);
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let ru = idx(&init, "RU");
    let read = |sc| run_to_end(sc, &init, 1, |m| (exports_imports(m, &l, ru), m.currency[ru], m.deficit[ru]));
    let ((x0, m0), e0, d0) = read(&a);
    let ((x1, m1), e1, d1) = read(&b);
    assert!(d1 < d0, "the deficit falls (surplus rises): {d1:e} vs {d0:e}");
    assert!(m1 < 0.95 * m0, "imports fall: {m1:e} vs {m0:e}");
    assert!(x1 > x0, "export earnings rise: {x1:e} vs {x0:e}");
    assert!(e1 < e0, "the currency falls: {e1} vs {e0}");
    // the surplus is the lever's 5% of GDP, less the base deficit's drift: about 90bn more
    assert!(d0 - d1 > 0.04 * 1.8e12, "{}", d0 - d1);
}

#[test]
fn a_ban_moves_part_of_the_spending_to_domestic_producers() {
    let base = real_header("2025-12", "world_prices = \"flat\"", "");
    let ban = format!("{base}[[lever]]\nkind = \"export_control\"\nby = \"EU\"\non = \"RU\"\nsectors = [\"machinery\"]\nstart = \"2022-03\"\nleakage = 0\n");
    let (a, init) = real(&base);
    let (b, _) = real(&ban);
    let (ru, eu, cn, mach) = (idx(&init, "RU"), idx(&init, "EU"), idx(&init, "CN"), sector(&init, "machinery"));
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let n = l.n;
    let read = |sc| run_to_end(sc, &init, 1, |m| (m.domestic[mach * n + ru], m.direct[l.route(mach, cn, ru)], m.direct[l.route(mach, eu, ru)]));
    let (home0, cn0, eu0) = read(&a);
    let (home1, cn1, eu1) = read(&b);
    assert_eq!(eu1, 0.0, "the ban stops EU machinery to Russia ({eu0:e} before)");
    assert!(home1 > 1.05 * home0, "Russian machinery producers sell more at home: {home1:e} vs {home0:e}");
    assert!(cn1 > 1.05 * cn0, "and China more to Russia: {cn1:e} vs {cn0:e}");
    // neither alone makes up for the EU's share
    assert!(home1 - home0 < eu0 && cn1 - cn0 < eu0);
}

#[test]
fn no_currency_speed_makes_the_currency_oscillate() {
    // Russia forces a surplus in 2022-03; its currency falls toward its new level without
    // overshooting, whatever ψ (implicit damping), and faster ψ gets there sooner.
    let mut paths = Vec::new();
    for psi in [0.5, 2.0, 20.0, 1e3] {
        let text = format!(
            "{}[[lever]]\nkind = \"capital_controls\"\nby = \"RU\"\nstart = \"2022-01\"\nshare = 0.05\n",
            real_header("2026-12", "world_prices = \"flat\"", &format!("currency_speed = {psi}\nphi = 0"))
        );
        let (sc, mut init) = real(&text);
        init.growth = vec![0.0; init.economies.len()];
        let ru = idx(&init, "RU");
        let path = trajectory(&sc, &init, 1, |m| m.currency[ru]);
        let after: Vec<f64> = path[4..].to_vec();
        for w in after.windows(2) {
            assert!(w[1] <= w[0] + 1e-12, "ψ = {psi}: the currency turns back up {} → {}", w[0], w[1]);
        }
        paths.push(after);
    }
    assert!(paths[3][1] < paths[1][1] && paths[1][1] < paths[0][1], "faster agents move sooner");
    let last: Vec<f64> = paths.iter().map(|p| *p.last().unwrap()).collect();
    assert!((last[3] - last[2]).abs() < 2e-3 && last[3] < 0.99, "the same level in the end: {last:?}");
}

#[test]
fn the_dynamic_model_settles_at_the_static_equilibrium() {
    // Three economies, two sectors, no growth: a ban and a tariff from the start; after 60
    // years of fast adjustment the dynamic state equals what `solve` finds directly.
    let names = ["A", "B", "C"];
    let mut uni = universe(&names, 4.0, 50.0, 0.5);
    uni.sectors = vec!["x".into(), "y".into()];
    uni.sigma = vec![4.0, 6.0];
    uni.esubd = vec![2.0, 3.0];
    uni.lambda = vec![50.0, 50.0];
    uni.eta = vec![0.5, 0.8];
    let l = Layout::new(3, 2, 0);
    let mut ini = init(&names, &[&[0.0, 0.0, 0.0], &[0.0, 0.0, 0.0], &[0.0, 0.0, 0.0]]);
    ini.sectors = uni.sectors.clone();
    ini.flows = vec![0.0; l.routes()];
    let x = [[0.0, 30.0, 20.0], [25.0, 0.0, 15.0], [10.0, 35.0, 0.0]];
    let y = [[0.0, 12.0, 18.0], [20.0, 0.0, 5.0], [14.0, 9.0, 0.0]];
    for i in 0..3 {
        for j in 0..3 {
            ini.flows[l.route(0, i, j)] = x[i][j];
            ini.flows[l.route(1, i, j)] = y[i][j];
        }
    }
    ini.domestic = vec![100.0, 80.0, 120.0, 60.0, 90.0, 40.0];
    ini.va_ratio = vec![0.5; 6];
    ini.sector_series = vec![None; 2];
    ini.reroutable = vec![true; 2];
    ini.mirror = vec![1.0; l.routes()];
    ini.gdp = vec![400.0; 3];
    let text = format!(
        "{}\n[params]\nphi = 40\ncurrency_speed = 40\nnumeraire = \"A\"\nfirms = false\n\
         [[lever]]\nkind = \"import_ban\"\nby = \"B\"\non = \"A\"\nsectors = [\"x\"]\nstart = \"2000-01\"\ncoverage = 0.6\nleakage = 0\n\
         [[lever]]\nkind = \"tariff\"\nby = \"C\"\non = \"B\"\nstart = \"2000-01\"\nrate = 0.2\n",
        QUIET.replace("end = \"2019-12\"", "end = \"2059-12\"")
    );
    let sc = scenario(&text, &uni);
    let pre = Prepared::new(&sc, &ini);
    let eq = solve(&sc, &ini, &pre, &SolveOptions::default());
    assert!(eq.converged, "{eq:?}");
    let (direct, domestic, currency) = run_to_end(&sc, &ini, 1, |m| (m.direct.clone(), m.domestic.clone(), m.currency.clone()));
    for r in 0..l.routes() {
        assert!(close(direct[r], eq.direct[r], 1e-6), "route {r}: {} vs {}", direct[r], eq.direct[r]);
    }
    for (a, b) in domestic.iter().zip(&eq.domestic) {
        assert!(close(*a, *b, 1e-6), "domestic {a} vs {b}");
    }
    for (a, b) in currency.iter().zip(&eq.currency) {
        assert!(close(*a, *b, 1e-6), "currency {a} vs {b}");
    }
    // the levers moved the equilibrium (so the comparison is not of two base years)
    assert!((eq.currency[1] - 1.0).abs() > 1e-3 && (eq.currency[2] - 1.0).abs() > 1e-3, "{:?}", eq.currency);
    assert!(eq.direct[l.route(0, 0, 1)] < 0.7 * 30.0, "the ban cuts A→B in x: {}", eq.direct[l.route(0, 0, 1)]);
}
