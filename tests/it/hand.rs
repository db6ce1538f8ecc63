//! Small economies solved by hand: the accounting of growth, CES allocation with exact hat
//! algebra, bans, rerouting and every lever's friction, checked against closed forms.

use crate::common::*;
use tradesim::model::Layout;

/// Long-run CES flows into one importer: origin k with base share `pi[k]` facing friction
/// `tau[k]` (prices fixed), base expenditure `e0`. Returns customs values π_k τ_k^(1−σ)/D ·
/// E0·P̂^(1−η) / τ_k with P̂ = D^(1/(1−σ)).
fn ces(pi: &[f64], tau: &[f64], e0: f64, sigma: f64, eta: f64) -> Vec<f64> {
    let d: f64 = pi.iter().zip(tau).map(|(p, t)| p * t.powf(1.0 - sigma)).sum();
    let e = e0 * d.powf(1.0 / (1.0 - sigma)).powf(1.0 - eta);
    pi.iter().zip(tau).map(|(p, t)| p * t.powf(1.0 - sigma) / d * e / t).collect()
}

fn rerouted(m: &tradesim::model::Model, i: usize, j: usize) -> f64 {
    m.rerouted[Layout::new(4, 1, 0).route(0, i, j)]
}

#[test]
fn two_economies_grow_with_the_importers_income() {
    // A sells 100 a year to B, B sells 50 to A; B's GDP grows 4% a year, A's 1%.
    let uni = universe(&["A", "B"], 5.0, 1.0, 0.5);
    let mut ini = init(&["A", "B"], &[&[0.0, 100.0], &[50.0, 0.0]]);
    ini.growth = vec![0.01, 0.04];
    let sc = scenario(&quiet("", ""), &uni);
    let traj = trajectory(&sc, &ini, 1, |m| (m.direct[1], m.direct[2]));
    for (k, (ab, ba)) in traj.iter().enumerate() {
        // middle of step k minus the middle of the base year 2000
        let t = 0.125 + 0.25 * k as f64 - 0.5;
        assert!(close(*ab, 100.0 * (0.04 * t).exp(), 1e-9), "step {k}: A→B {ab}");
        assert!(close(*ba, 50.0 * (0.01 * t).exp(), 1e-9), "step {k}: B→A {ba}");
    }
    // The base year's four quarters add up to the base-year data (to 1e-4: exp is convex).
    let year: f64 = traj[..4].iter().map(|(ab, _)| ab * 0.25).sum();
    assert!(close(year, 100.0, 1e-4), "{year}");
}

#[test]
fn tariff_lowers_the_flow_by_the_ces_closed_form() {
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let text = quiet("", "[[lever]]\nkind = \"tariff\"\nby = \"B\"\non = \"A\"\nstart = \"2001-01\"\nrate = 0.2\n");
    let sc = scenario(&text, &uni);
    let (ab, cb) = run_to_end(&sc, &abc(), 1, |m| (flow(m, 0, 1), flow(m, 2, 1)));
    // By hand: B buys 60 from A, 40 from C, 1 from H (101). D = (60·1.2^-4 + 41)/101 = 0.692428,
    // P̂ = D^(-1/4), E = 101·P̂^0.5 = 105.7486; A→B = (60/101)·1.2^-4/D·E/1.2 = 36.4606.
    assert!(close(ab, 36.460605, 1e-6), "A→B {ab}");
    assert!(close(cb, 60.483768, 1e-6), "C→B {cb}");
    let expect = ces(&shares_b(), &[1.2, 1.0, 1.0], 101.0, 5.0, 0.5);
    assert!(close(ab, expect[0], 1e-9) && close(cb, expect[1], 1e-9));
    // = (1+t)^-σ times the share correction E/(D·E0)
    assert!(close(ab / 60.0, 1.2f64.powf(-5.0) * 105.7486 / (0.692428 * 101.0), 1e-5));
}

#[test]
fn full_ban_goes_to_the_leakage_share_and_moves_demand_in_proportion() {
    // B buys 60 from A, 30 from C and 10 from D; A bans all its exports to B; 20% leaks via H.
    let names = ["A", "B", "C", "D", "H"];
    let uni = universe(&names, 5.0, 1.0, 0.5);
    let ini = init(
        &names,
        &[
            &[0.0, 60.0, 1.0, 1.0, 1.0],
            &[1.0, 0.0, 1.0, 1.0, 1.0],
            &[1.0, 30.0, 0.0, 1.0, 1.0],
            &[1.0, 10.0, 1.0, 0.0, 1.0],
            &[1.0, 1.0, 1.0, 1.0, 0.0],
        ],
    );
    // B's imports: A 60, C 30, D 10, H 1 → shares over 101
    let pi = [60.0 / 101.0, 30.0 / 101.0, 10.0 / 101.0, 1.0 / 101.0];
    let text = quiet(
        "rerouting_cost = 0",
        "[[lever]]\nkind = \"export_control\"\nby = \"A\"\non = \"B\"\nstart = \"2000-01\"\ncoverage = 1\nleakage = 0.2\nhub = \"H\"\n",
    );
    let sc = scenario(&text, &uni);
    let l = Layout::new(5, 1, 0);
    let traj = trajectory(&sc, &ini, 1, |m| {
        (m.direct[l.route(0, 0, 1)], m.rerouted[l.route(0, 0, 1)], m.direct[l.route(0, 2, 1)], m.direct[l.route(0, 3, 1)])
    });
    // The direct route stops at once.
    assert_eq!(traj[0].0, 0.0);
    // Long run: routes A-via-H (share 0.2·π_A), C, D, H; D = 0.2·π_A + π_C + π_D + π_H.
    let routes = [0.2 * pi[0], pi[1], pi[2], pi[3]];
    let expect = ces(&routes, &[1.0; 4], 101.0, 5.0, 0.5);
    let (_, via, c, d) = *traj.last().unwrap();
    assert!(close(via, expect[0], 1e-6), "rerouted {via} vs {}", expect[0]);
    assert!(close(c, expect[1], 1e-6) && close(d, expect[2], 1e-6));
    // Demand moved to C and D in proportion to their base shares.
    assert!(close(c / d, 3.0, 1e-9));
    // The rerouted flow is the leakage share of the banned flow, corrected for the share
    // change: via / (A's flow without the ban) = 0.2 exactly here, since E is common.
    let no_ban = ces(&pi, &[1.0; 4], 101.0, 5.0, 0.5);
    assert!(close(via / (no_ban[0] * expect[1] / no_ban[1]), 0.2, 1e-6));
    // Within the adjustment time: λ = 1/yr, so after 3 years (12 quarters) 95% of the gap is closed.
    let after3 = traj[11].1;
    assert!(after3 >= 0.95 * expect[0] && after3 <= expect[0] * 1.0001, "{after3} vs {}", expect[0]);
    assert!(traj[3].1 < 0.7 * expect[0], "rerouting builds up gradually, not at once");
}

/// Growth of B's expenditure when a share c of its imports from A (60 of 101) is banned:
/// B's price index rises, E ∝ D^((1−η)/(1−σ)) = D^(-1/8) with D = (60·(1 − c) + 41)/101.
fn expenditure_growth(c: f64) -> f64 {
    ((60.0 * (1.0 - c) + 41.0) / 101.0f64).powf(-0.125)
}

#[test]
fn ban_coverage_and_phase_in_cut_the_route_in_steps() {
    let uni = universe(&ABC, 5.0, 1e-3, 0.5);
    // λ tiny: targets barely pull, so the cut itself is visible. Coverage 0.5 ramped over six
    // months: monthly intensities 1/6 … 6/6, so the quarters' means are 1/3, 5/6, then 1.
    let text = quiet("", "[[lever]]\nkind = \"import_ban\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\ncoverage = 0.5\nleakage = 0\nphase_in = 6\n");
    let sc = scenario(&text, &uni);
    let traj = trajectory(&sc, &abc(), 1, |m| flow(m, 0, 1));
    // The covered share goes at once, and flows follow B's expenditure (`expenditure_growth`).
    let e = expenditure_growth;
    for (k, c) in [(0, 0.5 / 3.0), (1, 0.5 * 5.0 / 6.0), (2, 0.5)] {
        assert!(close(traj[k], 60.0 * (1.0 - c) * e(c), 1e-3), "step {k}: {}", traj[k]);
    }
}

#[test]
fn a_lever_starting_inside_a_step_acts_for_its_share_of_the_step() {
    let uni = universe(&ABC, 5.0, 1e-3, 0.5);
    // A full ban from March: one month of the first quarter's three.
    let text = quiet("", "[[lever]]\nkind = \"import_ban\"\nby = \"B\"\non = \"A\"\nstart = \"2000-03\"\nleakage = 0\n");
    let sc = scenario(&text, &uni);
    let traj = trajectory(&sc, &abc(), 1, |m| flow(m, 0, 1));
    let e = expenditure_growth;
    assert!(close(traj[0], 60.0 * (2.0 / 3.0) * e(1.0 / 3.0), 1e-3), "{}", traj[0]);
    assert_eq!(traj[1], 0.0);
}

fn long_run(lever: &str, params: &str) -> (f64, f64, f64, f64) {
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let sc = scenario(&quiet(params, lever), &uni);
    run_to_end(&sc, &abc(), 1, |m| (flow(m, 0, 1), flow(m, 1, 0), flow(m, 2, 1), flow(m, 0, 2)))
}

/// A's base flows: A→B 60 of B's 100 (C 40, H 1), B→A 50 of A's 101 (C 50, H 1).
fn shares_b() -> [f64; 3] {
    [60.0 / 101.0, 40.0 / 101.0, 1.0 / 101.0]
}
fn shares_a() -> [f64; 3] {
    [50.0 / 101.0, 50.0 / 101.0, 1.0 / 101.0]
}

#[test]
fn financial_sanctions_tax_both_directions() {
    let (ab, ba, _, _) = long_run("[[lever]]\nkind = \"financial_sanctions\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\ncost = 0.1\n", "");
    let b = ces(&shares_b(), &[1.1, 1.0, 1.0], 101.0, 5.0, 0.5);
    let a = ces(&shares_a(), &[1.1, 1.0, 1.0], 101.0, 5.0, 0.5);
    assert!(close(ab, b[0], 1e-9), "A→B {ab} vs {}", b[0]);
    assert!(close(ba, a[0], 1e-9), "B→A {ba} vs {}", a[0]);
    assert!(ab < 60.0 && ba < 50.0);
}

#[test]
fn entity_sanctions_grow_with_the_number_listed() {
    let one = long_run("[[lever]]\nkind = \"entity_sanctions\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nlisted = 1000\ncost_per_1000 = 0.01\n", "").0;
    let three = long_run("[[lever]]\nkind = \"entity_sanctions\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nlisted = 3000\ncost_per_1000 = 0.01\n", "").0;
    assert!(close(one, ces(&shares_b(), &[1.01, 1.0, 1.0], 101.0, 5.0, 0.5)[0], 1e-9));
    assert!(close(three, ces(&shares_b(), &[1.03, 1.0, 1.0], 101.0, 5.0, 0.5)[0], 1e-9));
    assert!(three < one && one < 60.0);
}

#[test]
fn trade_agreement_cuts_frictions_between_members() {
    let (ab, ba, cb, _) = long_run("[[lever]]\nkind = \"trade_agreement\"\nby = \"A\"\non = \"B\"\nstart = \"2000-01\"\ntariff_cut = 0.05\n", "");
    let t = 1.0 / 1.05;
    assert!(close(ab, ces(&shares_b(), &[t, 1.0, 1.0], 101.0, 5.0, 0.5)[0], 1e-9));
    assert!(close(ba, ces(&shares_a(), &[t, 1.0, 1.0], 101.0, 5.0, 0.5)[0], 1e-9));
    assert!(ab > 60.0 && ba > 50.0 && cb < 40.0, "members trade more, outsiders lose share");
}

#[test]
fn secondary_sanctions_tax_the_third_partys_trade_with_the_target() {
    // B presses C over its trade with A: friction on C↔A.
    let (_, _, _, ac) = long_run("[[lever]]\nkind = \"secondary_sanctions\"\nby = \"B\"\non = \"C\"\ntarget = \"A\"\nstart = \"2000-01\"\ncost = 0.1\n", "");
    // C imports: A 20, B 20, H 1
    let c = ces(&[20.0 / 41.0, 20.0 / 41.0, 1.0 / 41.0], &[1.1, 1.0, 1.0], 41.0, 5.0, 0.5);
    assert!(close(ac, c[0], 1e-9), "A→C {ac} vs {}", c[0]);
}

#[test]
fn secondary_sanctions_cut_leakage_through_the_pressed_hub() {
    let ban = "[[lever]]\nid = \"ban\"\nkind = \"export_control\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nleakage = 0.2\nhub = \"C\"\n";
    let press = "[[lever]]\nkind = \"secondary_sanctions\"\nby = \"B\"\non = \"C\"\ntarget = \"A\"\nstart = \"2000-01\"\ncost = 0\nleakage_cut = 0.5\n";
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let via = |text: &str| run_to_end(&scenario(&quiet("rerouting_cost = 0", text), &uni), &abc(), 1, |m| rerouted(m, 1, 0));
    let (alone, pressed) = (via(ban), via(&format!("{ban}{press}")));
    // B→A: A imports B 50, C 50, H 1; rerouted share 0.2 vs 0.1 of B's base share.
    let b = |leak: f64| ces(&[leak * 50.0 / 101.0, 50.0 / 101.0, 1.0 / 101.0], &[1.0; 3], 101.0, 5.0, 0.5)[0];
    assert!(close(alone, b(0.2), 1e-9), "{alone} vs {}", b(0.2));
    assert!(close(pressed, b(0.1), 1e-9), "{pressed} vs {}", b(0.1));
}

#[test]
fn financial_sanctions_make_rerouting_costlier() {
    let ban = "[[lever]]\nkind = \"export_control\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nleakage = 0.2\n";
    let fin = "[[lever]]\nkind = \"financial_sanctions\"\nby = \"C\"\non = \"A\"\nstart = \"2000-01\"\ncost = 0\nrerouting_cost = 0.3\n";
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let via = |text: &str| run_to_end(&scenario(&quiet("rerouting_cost = 0", text), &uni), &abc(), 1, |m| rerouted(m, 1, 0));
    let (cheap, dear) = (via(ban), via(&format!("{ban}{fin}")));
    // rerouted route's cost 1.3: share 0.2·π·1.3^(1−σ); value at destination excludes τ only
    let expect = ces(&[0.2 * 50.0 / 101.0, 50.0 / 101.0, 1.0 / 101.0], &[1.3, 1.0, 1.0], 101.0, 5.0, 0.5)[0] * 1.3;
    assert!(close(dear, expect, 1e-9), "{dear} vs {expect}");
    assert!(dear < cheap);
}

#[test]
fn embargo_cuts_both_directions_and_import_ban_one() {
    let (ab, ba, _, _) = long_run("[[lever]]\nkind = \"embargo\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nleakage = 0\n", "");
    assert_eq!((ab, ba), (0.0, 0.0));
    let (ab, ba, _, _) = long_run("[[lever]]\nkind = \"import_ban\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nleakage = 0\n", "");
    assert_eq!(ab, 0.0);
    assert!(close(ba, 50.0, 1e-9), "B's own exports to A are not banned: {ba}");
}

#[test]
fn sector_lists_limit_a_lever_to_its_sectors() {
    // Two sectors; an export control on sector `a` only leaves sector `b` untouched.
    let mut uni = universe(&ABC, 5.0, 1000.0, 0.5);
    uni.sectors = vec!["a".into(), "b".into()];
    uni.sigma = vec![5.0, 5.0];
    uni.lambda = vec![1000.0, 1000.0];
    uni.eta = vec![0.5, 0.5];
    uni.esubd = vec![5.0, 5.0];
    let one = abc();
    let l1 = Layout::new(4, 1, 0);
    let l2 = Layout::new(4, 2, 0);
    let mut ini = one.clone();
    ini.sectors = uni.sectors.clone();
    ini.domestic = vec![0.0; 8];
    ini.va_ratio = vec![1.0; 8];
    ini.sector_series = vec![None; 2];
    ini.reroutable = vec![true; 2];
    ini.mirror = vec![1.0; l2.routes()];
    ini.flows = vec![0.0; l2.routes()];
    for s in 0..2 {
        for i in 0..4 {
            for j in 0..4 {
                ini.flows[l2.route(s, i, j)] = one.flows[l1.route(0, i, j)];
            }
        }
    }
    let sc = scenario(&quiet("", "[[lever]]\nkind = \"export_control\"\nby = \"A\"\non = \"B\"\nsectors = [\"a\"]\nstart = \"2000-01\"\nleakage = 0\n"), &uni);
    let (a, b) = run_to_end(&sc, &ini, 1, |m| (m.direct[l2.route(0, 0, 1)], m.direct[l2.route(1, 0, 1)]));
    assert_eq!(a, 0.0);
    assert!(close(b, 60.0, 1e-9), "{b}");
}

#[test]
fn lever_ends_and_trade_recovers_gradually() {
    let uni = universe(&ABC, 5.0, 1.0, 0.5);
    let text = quiet("", "[[lever]]\nkind = \"embargo\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nend = \"2002-01\"\nleakage = 0\n");
    let sc = scenario(&text, &uni);
    let traj = trajectory(&sc, &abc(), 1, |m| flow(m, 0, 1));
    assert_eq!(traj[7], 0.0, "in force through 2001");
    assert!(traj[8] > 0.0 && traj[8] < 0.5 * 60.0, "recovery starts, not a jump back: {}", traj[8]);
    assert!(close(*traj.last().unwrap(), 60.0, 1e-3), "back to base in the long run");
}

#[test]
fn investment_raises_host_capacity_and_lowers_its_price() {
    // A invests in B; B's capacity rises 50%, so with φ > 0 B cuts its price and sells more.
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let lever = "[[lever]]\nkind = \"investment\"\nby = \"A\"\non = \"B\"\nstart = \"2000-01\"\ncapacity_gain = 0.5\nfriction_cut = 0.1\n";
    let text = format!("{QUIET}\n[params]\nphi = 1\ngdp_pass_through = 0\n{V1}{lever}");
    let sc = scenario(&text, &uni);
    let (price_b, bc, ba) = run_to_end(&sc, &abc(), 1, |m| (m.price[1], flow(m, 1, 2), flow(m, 1, 0)));
    assert!(price_b < 0.97, "host price falls: {price_b}");
    assert!(bc > 20.0 * 1.05, "host exports to a third party rise: {bc}");
    assert!(ba / 50.0 > bc / 20.0, "investor-host trade rises most (friction cut too): {ba}");
}

#[test]
fn exporter_discount_redirects_supply_to_other_buyers() {
    // B bans imports from A; with φ > 0 A discounts and C buys more from A than before.
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let lever = "[[lever]]\nkind = \"import_ban\"\nby = \"B\"\non = \"A\"\nstart = \"2000-01\"\nleakage = 0\n";
    let frozen = scenario(&format!("{QUIET}\n[params]\nphi = 0\ngdp_pass_through = 0\n{V1}{lever}"), &uni);
    let moving = scenario(&format!("{QUIET}\n[params]\nphi = 1\ngdp_pass_through = 0\n{V1}{lever}"), &uni);
    let ac_frozen = run_to_end(&frozen, &abc(), 1, |m| flow(m, 0, 2));
    let (ac, pa) = run_to_end(&moving, &abc(), 1, |m| (flow(m, 0, 2), m.price[0]));
    assert!(close(ac_frozen, 20.0, 1e-9), "without re-pricing CES leaves C's purchases unchanged");
    assert!(pa < 0.9 && ac > 25.0, "with re-pricing A discounts ({pa}) and C buys more ({ac})");
}

#[test]
fn treaty_lowers_tension_and_sanctions_raise_it() {
    let uni = universe(&ABC, 5.0, 1.0, 0.5);
    let t = |lever: &str| run_to_end(&scenario(&quiet("gamma = 0\ngamma_ref = 0", lever), &uni), &abc(), 1, |m| m.tension[0]);
    let none = t("");
    let treaty = t("[[lever]]\nkind = \"treaty\"\nby = \"A\"\non = \"B\"\nstart = \"2000-01\"\ntension = -0.2\n");
    let sanction = t("[[lever]]\nkind = \"financial_sanctions\"\nby = \"A\"\non = \"B\"\nstart = \"2000-01\"\ntension = 0.2\n");
    assert!(close(none, 0.3, 1e-9), "no events, no levers: tension stays at base {none}");
    assert!(close(treaty, 0.1, 1e-3), "treaty shifts the baseline down by 0.2: {treaty}");
    assert!(close(sanction, 0.5, 1e-3), "sanction shifts it up by 0.2: {sanction}");
}

#[test]
fn interdependence_calms_tension() {
    let uni = universe(&ABC, 5.0, 1.0, 0.5);
    let t = |gamma: &str| run_to_end(&scenario(&quiet(&format!("gamma = {gamma}\ngamma_ref = 0.2"), ""), &uni), &abc(), 1, |m| m.tension[0]);
    let (lo, reference, hi) = (t("0"), t("0.2"), t("1.0"));
    assert!(close(reference, 0.3, 1e-6), "base tension is a steady state at γ_ref: {reference}");
    // steady state: κ(B − T) − γ D T = 0 with D = 1, B = T0(1 + γ_ref/κ) = 0.42, κ = 0.5
    assert!(close(lo, 0.42, 1e-3) && close(hi, 0.21 / 1.5, 1e-3), "{lo} {hi}");
}
