//! Shared test fixtures: small hand-built economies and a quiet (noise-free) scenario header.

use assert_cmd::Command;
use tradesim::calibration::Calibration;
use tradesim::model::{Init, Layout, Model, Prepared};
use tradesim::rng::run_rng;
use tradesim::scenario::{parse_scenario, Scenario, Universe};

/// A universe of the given economies and one sector `goods` with σ, λ, η.
pub fn universe(economies: &[&str], sigma: f64, lambda: f64, eta: f64) -> Universe {
    Universe {
        economies: economies.iter().map(|s| s.to_string()).collect(),
        sectors: vec!["goods".into()],
        bases: vec![2000],
        sigma: vec![sigma],
        esubd: vec![sigma],
        lambda: vec![lambda],
        eta: vec![eta],
        priors: Vec::new(),
        world_series: Vec::new(),
            sector_series: Vec::new(),
        hub: economies.len() - 1,
        numeraire: 0,
    }
}

/// A one-sector base year: `flows[i][j]` USD per year, GDP 1e12 each, no growth, no volatility.
pub fn init(economies: &[&str], flows: &[&[f64]]) -> Init {
    let n = economies.len();
    let layout = Layout::new(n, 1, 0);
    let mut f = vec![0.0; layout.routes()];
    for i in 0..n {
        for j in 0..n {
            f[layout.route(0, i, j)] = flows[i][j];
        }
    }
    Init {
        economies: economies.iter().map(|s| s.to_string()).collect(),
        sectors: vec!["goods".into()],
        base: 2000,
        gdp: vec![1e12; n],
        growth: vec![0.0; n],
        gdp_volatility: vec![0.0; n],
        flows: f,
        tension: vec![0.3; layout.pairs()],
        domestic: vec![0.0; n],
        va_ratio: vec![1.0; n],
        mirror: vec![1.0; layout.routes()],
        world: vec![],
        sector_series: vec![None],
        reroutable: vec![true],
    }
}

/// Scenario header with every source of noise off and prices frozen (φ = 0), from 2000-01.
pub const QUIET: &str = r#"
base = 2000
start = "2000-01"
end = "2019-12"
runs = 1
seed = 1
[shocks]
gdp_volatility_scale = 0
event_rate = 0
trade_noise = 0
world_prices = "flat"
"#;

/// The version-2 channels switched off (version 1's model).
pub const V1: &str = "domestic = false\nbudget = false\ncurrency = false\nfirms = false\npriors = false\n";

/// QUIET plus a `[params]` table (phi = 0, no GDP pass-through, the version-1 model) and
/// extra text (levers, rules).
pub fn quiet(params: &str, rest: &str) -> String {
    format!("{QUIET}\n[params]\nphi = 0\ngdp_pass_through = 0\n{V1}{params}\n{rest}")
}

pub fn scenario(text: &str, uni: &Universe) -> Scenario {
    parse_scenario(text, "test.toml", uni).unwrap_or_else(|e| panic!("{e}"))
}

/// Run a model to its end and hand back the final model state via a closure.
pub fn run_to_end<T>(sc: &Scenario, init: &Init, seed: u64, f: impl FnOnce(&Model) -> T) -> T {
    let pre = Prepared::new(sc, init);
    let mut m = Model::new(sc, init, &pre, run_rng(seed, 0));
    while !m.finished() {
        m.step();
    }
    f(&m)
}

/// Run a model and return, for each step, a closure's reading of the state.
pub fn trajectory<T>(sc: &Scenario, init: &Init, seed: u64, mut f: impl FnMut(&Model) -> T) -> Vec<T> {
    let pre = Prepared::new(sc, init);
    let mut m = Model::new(sc, init, &pre, run_rng(seed, 0));
    let mut out = Vec::new();
    while !m.finished() {
        m.step();
        out.push(f(&m));
    }
    out
}

pub fn calibration() -> Calibration {
    Calibration::embedded().expect("shipped calibration loads")
}

/// The shipped calibration with a scenario text.
pub fn real(text: &str) -> (Scenario, Init) {
    let cal = calibration();
    let sc = parse_scenario(text, "test.toml", &cal.universe()).unwrap_or_else(|e| panic!("{e}"));
    let init = cal.init(sc.base);
    (sc, init)
}

pub fn idx(init: &Init, code: &str) -> usize {
    init.economies.iter().position(|e| e == code).unwrap()
}

pub fn sector(init: &Init, code: &str) -> usize {
    init.sectors.iter().position(|e| e == code).unwrap()
}

pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

/// The four-economy fixture used by the hand-solved and rule tests.
pub const ABC: [&str; 4] = ["A", "B", "C", "H"];

/// B imports 60 from A and 40 from C; A imports 50 from B and 50 from C; C imports 20 from A
/// and 20 from B; H (the hub) trades 1 with everyone.
pub fn abc() -> tradesim::model::Init {
    init(
        &ABC,
        &[&[0.0, 60.0, 20.0, 1.0], &[50.0, 0.0, 20.0, 1.0], &[50.0, 40.0, 0.0, 1.0], &[1.0, 1.0, 1.0, 0.0]],
    )
}

pub fn flow(m: &tradesim::model::Model, i: usize, j: usize) -> f64 {
    m.direct[tradesim::model::Layout::new(4, 1, 0).route(0, i, j)]
}


/// The real binary, run from the repository root (scenario paths are relative to it).
pub fn tradesim() -> Command {
    let mut c = Command::cargo_bin("tradesim").expect("binary builds");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}
