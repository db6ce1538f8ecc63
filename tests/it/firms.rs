//! Firms (version 2, item 6): the extensive margin, compliance and hysteresis, on the shipped
//! 2021 calibration with noise off.

use crate::common::*;
use tradesim::model::Layout;

fn header(end: &str, params: &str) -> String {
    format!(
        "base = \"2021\"\nstart = \"2021-01\"\nend = \"{end}\"\nruns = 1\nseed = 3\n[shocks]\ngdp_volatility_scale = 0\nevent_rate = 0\ntrade_noise = 0\nworld_prices = \"flat\"\n[params]\n{params}\n"
    )
}

/// Every route's direct flow at the end of the run.
fn flows_at_end(text: &str) -> (Vec<f64>, tradesim::model::Init) {
    let (sc, init) = real(text);
    (run_to_end(&sc, &init, 1, |m| m.direct.clone()), init)
}

const PACKAGE: &str = "[[lever]]\nkind = \"financial_sanctions\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\nrisk = RISK\n\
                       [[lever]]\nkind = \"export_control\"\nby = \"EU\"\non = \"RU\"\nsectors = [\"technology\", \"machinery\"]\nstart = \"2022-03\"\nrisk = RISK\n\
                       [[lever]]\nkind = \"import_ban\"\nby = \"EU\"\non = \"RU\"\nsectors = [\"oil\"]\nstart = \"2022-12\"\ncoverage = 0.6\nrisk = RISK\n";

#[test]
fn one_bin_without_costs_is_the_intensive_margin_model() {
    // one bin, no fixed or sunk cost, no compliance risk: the firm always serves every market,
    // so the run is the intensive-margin model's (firms = false), bit for bit (tolerance 0)
    let levers = PACKAGE.replace("RISK", "0");
    let (off, init) = flows_at_end(&format!("{}{levers}", header("2026-12", "firms = false")));
    let (on, _) = flows_at_end(&format!("{}{levers}", header("2026-12", "firm_bins = 1\nfixed_cost = 0\nsunk_cost = 0")));
    assert_eq!(on.len(), off.len());
    for (r, (a, b)) in on.iter().zip(&off).enumerate() {
        assert_eq!(a.to_bits(), b.to_bits(), "route {r}: {a} vs {b}");
    }
    // and the package did move trade (the comparison is not of two base years)
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let tech = l.route(sector(&init, "technology"), idx(&init, "EU"), idx(&init, "RU"));
    assert_eq!(on[tech], 0.0);
}

#[test]
fn financial_sanctions_and_listings_cut_trade_in_sectors_no_ban_covers() {
    // EU bans technology and machinery exports to Russia; the US cuts off Russia's banks and
    // lists 5,000 people and entities. Consumer goods are covered by no ban: with firms,
    // compliance risk drives exporters out (over-compliance); without, only the US payment
    // friction and the income effects act.
    let levers = format!(
        "{}[[lever]]\nkind = \"entity_sanctions\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-03\"\nlisted = 5000\nrisk_per_1000 = 0.02\n",
        PACKAGE.replace("RISK", "0.05")
    );
    let (none, init) = flows_at_end(&header("2025-12", ""));
    let (with_firms, _) = flows_at_end(&format!("{}{levers}", header("2025-12", "")));
    let (without, _) = flows_at_end(&format!("{}{levers}", header("2025-12", "firms = false")));
    let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
    let (us, ru, consumer) = (idx(&init, "US"), idx(&init, "RU"), sector(&init, "consumer"));
    for (exp, imp) in [(us, ru), (ru, us)] {
        let r = l.route(consumer, exp, imp);
        assert!(with_firms[r] < 0.8 * without[r], "{exp}→{imp} consumer: with firms {:.3e}, without {:.3e}", with_firms[r], without[r]);
    }
    // and trade between third parties barely moves
    let (cn, ind) = (idx(&init, "CN"), idx(&init, "IN"));
    let r = l.route(consumer, cn, ind);
    assert!(close(with_firms[r], none[r], 0.03), "{:.3e} vs {:.3e}", with_firms[r], none[r]);
}

#[test]
fn a_short_embargo_leaves_a_lasting_loss_after_it_ends() {
    // The 1980 grain-embargo pattern: the US stops agricultural exports to Russia for 15
    // months. Three years after the lifting, without firms the flow is back at its no-embargo
    // path; with firms it is still below it (exporters left and re-enter only as the perceived
    // risk fades and their profits clear the sunk cost).
    let embargo = "[[lever]]\nkind = \"export_control\"\nby = \"US\"\non = \"RU\"\nsectors = [\"agriculture\"]\nstart = \"2022-01\"\nend = \"2023-04\"\nleakage = 0\nrisk = 0.05\n";
    let path = |params: &str, levers: &str| {
        let (sc, init) = real(&format!("{}{levers}", header("2029-12", params)));
        let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
        let r = l.route(sector(&init, "agriculture"), idx(&init, "US"), idx(&init, "RU"));
        trajectory(&sc, &init, 1, |m| m.direct[r])
    };
    let (base, hit) = (path("", ""), path("", embargo));
    let (base_v1, hit_v1) = (path("firms = false", ""), path("firms = false", embargo));
    let at = |y: usize| (y - 2021) * 4 + 1; // second quarter of year y
    assert_eq!(hit[at(2022)], 0.0);
    assert!(close(hit_v1[at(2026)], base_v1[at(2026)], 0.01), "without firms, recovered by 2026: {} vs {}", hit_v1[at(2026)], base_v1[at(2026)]);
    assert!(hit[at(2026)] < 0.95 * base[at(2026)], "with firms, still below in 2026: {} vs {}", hit[at(2026)], base[at(2026)]);
    assert!(hit[at(2029)] > hit[at(2026)], "and coming back: {} then {}", hit[at(2026)], hit[at(2029)]);
}

#[test]
fn more_bins_converge() {
    // The EU's imports from Russia in 2025 under a sanctions package, for 4 to 64 bins: the
    // differences shrink as the bins get finer.
    let levers = format!(
        "{}[[lever]]\nkind = \"entity_sanctions\"\nby = \"EU\"\non = \"RU\"\nstart = \"2022-03\"\nlisted = 2000\n",
        PACKAGE.replace("RISK", "0.04")
    );
    let total = |bins: usize| {
        let (flows, init) = flows_at_end(&format!("{}{levers}", header("2025-12", &format!("firm_bins = {bins}"))));
        let l = Layout::new(init.economies.len(), init.sectors.len(), 0);
        let (eu, ru) = (idx(&init, "EU"), idx(&init, "RU"));
        (0..l.m).map(|s| flows[l.route(s, eu, ru)] + flows[l.route(s, ru, eu)]).sum::<f64>()
    };
    let v: Vec<f64> = [4, 8, 16, 32, 64].iter().map(|&b| total(b)).collect();
    let d: Vec<f64> = v.windows(2).map(|w| (w[1] - w[0]).abs() / w[1]).collect();
    assert!(d[3] < d[0] && d[3] < 0.02, "relative changes between 4-8-16-32-64 bins: {d:?} (totals {v:?})");
}
