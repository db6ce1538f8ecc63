//! Numbers derived once per scenario from the base year and shared by all its runs: base
//! shares and spending, capacities, the budget's base-year accounts, the tension baseline,
//! event rates, the world price path and the scheduled levers.

use super::firms::Bins;
use super::levers::{mask, ActiveLever, Origin};
use super::math::{exp, ln};
use super::world::interpolate_annual;
use super::{Init, Layout};
use crate::scenario::{PricePath, Scenario};
use rand_distr::Poisson;

/// How spending follows income in the budget channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closure {
    /// Deficits fixed at their base-year value, scaled with world nominal income (Dekle,
    /// Eaton and Kortum): the default of every run.
    Deficits,
    /// Spending over income fixed at its base-year ratio, every economy's spending scaled by
    /// one common factor that restores the world budget (Yotov et al. 2016): `solve` only.
    Ratios,
}

/// What becomes of the wedge trade costs put between an importer's spending and the
/// exporter's customs value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeCosts {
    /// Customs values exclude the frictions; the wedge is income of the importing economy
    /// (tariff revenue, and the earnings of the intermediaries a payment friction pays), as
    /// GTAP rebates tariff revenue. Every run uses this.
    Rebated,
    /// Iceberg costs: the exporter receives the importer's spending, frictions included (the
    /// structural-gravity convention, where trade values include trade costs): `solve --gravity`.
    Iceberg,
}

/// Numbers derived once per scenario and shared by all its runs.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub layout: Layout,
    pub n: usize,
    pub m: usize,
    pub steps: usize,
    pub dt: f64,
    pub step_months: u32,
    /// Fraction of the gap to the CES target closed per step, per sector.
    pub adjust: Vec<f64>,
    /// Base shares π0 [s][i][j] of importer j's sector-s imports.
    pub pi0: Vec<f64>,
    /// Base import spending [s][j].
    pub e0: Vec<f64>,
    /// Base domestic sales [s][j] (0 without the domestic producers' channel).
    pub dom0: Vec<f64>,
    /// Base spending on each sector [s][j]: domestic sales plus imports (imports only
    /// without domestic producers).
    pub a0: Vec<f64>,
    /// Base domestic share of sector spending [s][j].
    pub beta0: Vec<f64>,
    /// Base share of each sector in the economy's goods spending [s][j].
    pub alpha0: Vec<f64>,
    /// Base exports [i][s], the exporter's capacity in base-year units (version 1).
    pub k0: Vec<f64>,
    /// Base sales at home and abroad [i][s]: a producer's capacity with the budget channel.
    pub q0: Vec<f64>,
    /// Whether a sector's price follows a world price path (producers are price takers).
    pub world_priced: Vec<bool>,
    /// Base goods income (sales at home and abroad) and deficit (imports − exports) per
    /// economy; world goods income.
    pub y0: Vec<f64>,
    pub def0: Vec<f64>,
    pub world_income0: f64,
    /// Base-year GDP not accounted for by the value added of goods (services and the rest),
    /// per economy.
    pub rest0: Vec<f64>,
    /// Damping of each currency agent: a bound of the elasticity of its external-balance gap
    /// to its currency, at base-year shares (see `currency_damping`).
    pub currency_damping: Vec<f64>,
    /// Weight of each domestically priced sector in its economy's output price level: its
    /// share of the economy's base sales of such sectors [i][s] (0 for world-priced sectors).
    pub level_weight: Vec<f64>,
    pub closure: Closure,
    pub costs: TradeCosts,
    /// The firm bins of every producer.
    pub bins: Bins,
    /// Base bilateral trade of each pair relative to the pair's GDP (interdependence at base).
    pub d0: Vec<f64>,
    /// Tension baseline per pair (base tension is a steady state at γ_ref).
    pub baseline: Vec<f64>,
    /// Event rate and mean size per pair.
    pub events: Vec<(f64, f64)>,
    /// Per pair, the distribution of the number of events in one step (None: no events).
    pub event_count: Vec<Option<Poisson<f64>>>,
    /// Each world price series at each step's midpoint, where its data have it [series][step].
    pub world_data: Vec<Vec<Option<f64>>>,
    /// Each series' base-year level (log; 0 where the data have no base-year value: the path
    /// then starts from an index of 1).
    pub ln_world_base: Vec<f64>,
    /// Scheduled levers, expanded to one instance per target.
    pub levers: Vec<ActiveLever>,
    /// First step at which each rule may act.
    pub rule_first_step: Vec<usize>,
    /// Time (years) at the middle of step 0 minus the middle of the base year.
    pub t0_offset: f64,
}

impl Prepared {
    pub fn new(sc: &Scenario, init: &Init) -> Self {
        let n = init.economies.len();
        let m = init.sectors.len();
        let p = &sc.params;
        let layout = Layout::new(n, m, sc.rules.len()).with_prices(init.world.len());
        let dt = sc.step.dt();
        let step_months = sc.step.months();
        let steps = sc.steps();
        let adjust = p.lambda.iter().map(|l| 1.0 - exp(-l * dt)).collect();
        let mut pi0 = vec![0.0; layout.routes()];
        let mut e0 = vec![0.0; m * n];
        let mut k0 = vec![0.0; n * m];
        for s in 0..m {
            for j in 0..n {
                let tot: f64 = (0..n).map(|i| init.flows[layout.route(s, i, j)]).sum();
                e0[s * n + j] = tot;
                for i in 0..n {
                    let x = init.flows[layout.route(s, i, j)];
                    if tot > 0.0 {
                        pi0[layout.route(s, i, j)] = x / tot;
                    }
                    k0[i * m + s] += x;
                }
            }
        }
        let dom0: Vec<f64> = if p.domestic { init.domestic.clone() } else { vec![0.0; m * n] };
        let a0: Vec<f64> = if p.domestic { e0.iter().zip(&dom0).map(|(e, d)| e + d).collect() } else { e0.clone() };
        let beta0: Vec<f64> = dom0.iter().zip(&a0).map(|(d, a)| if *a > 0.0 { d / a } else { 0.0 }).collect();
        let mut alpha0 = vec![0.0; m * n];
        for j in 0..n {
            let tot: f64 = (0..m).map(|s| a0[s * n + j]).sum();
            for s in 0..m {
                alpha0[s * n + j] = if tot > 0.0 { a0[s * n + j] / tot } else { 0.0 };
            }
        }
        let q0: Vec<f64> = (0..n * m).map(|x| k0[x] + dom0[(x % m) * n + x / m]).collect();
        let y0: Vec<f64> = (0..n).map(|i| (0..m).map(|s| q0[i * m + s]).sum()).collect();
        let def0 = (0..n).map(|i| (0..m).map(|s| e0[s * n + i] - k0[i * m + s]).sum()).collect();
        let world_income0 = y0.iter().sum();
        let rest0 = (0..n)
            .map(|i| {
                let goods: f64 = (0..m).map(|s| init.va_ratio[i * m + s] * q0[i * m + s]).sum();
                (init.gdp[i] - goods).max(0.0)
            })
            .collect();
        let world_priced: Vec<bool> = init.sector_series.iter().map(Option::is_some).collect();
        let currency_damping = (0..n)
            .map(|i| {
                let mut j = 0.0;
                for s in (0..m).filter(|&s| !world_priced[s]) {
                    let (x, si) = (i * m + s, s * n + i);
                    j += q0[x] + k0[x] * (p.sigma[s] - 1.0).max(0.0) + dom0[si] * (1.0 - beta0[si]) * (p.esubd[s] - 1.0).max(0.0);
                }
                if y0[i] > 0.0 { (j / y0[i]).max(1.0) } else { 1.0 }
            })
            .collect();
        let mut level_weight = vec![0.0; n * m];
        for i in 0..n {
            let tot: f64 = (0..m).filter(|&s| !world_priced[s]).map(|s| q0[i * m + s]).sum();
            for s in (0..m).filter(|&s| !world_priced[s] && tot > 0.0) {
                level_weight[i * m + s] = q0[i * m + s] / tot;
            }
        }
        let mut d0 = vec![0.0; layout.pairs()];
        for a in 0..n {
            for b in (a + 1)..n {
                let t: f64 = (0..m).map(|s| init.flows[layout.route(s, a, b)] + init.flows[layout.route(s, b, a)]).sum();
                d0[layout.pair(a, b)] = t / (init.gdp[a] + init.gdp[b]);
            }
        }
        let mut events = vec![(sc.shocks.event_rate, sc.shocks.event_size); layout.pairs()];
        for pe in &sc.shocks.pair_events {
            events[layout.pair(pe.a, pe.b)] = (pe.rate, pe.size);
        }
        let event_count = events
            .iter()
            .map(|&(rate, size)| if rate <= 0.0 || size <= 0.0 { None } else { Poisson::new(rate * dt).ok() })
            .collect();
        let kt = p.tension_reversion;
        let baseline = (0..layout.pairs())
            .map(|q| {
                let t0 = init.tension[q];
                if kt > 0.0 {
                    (t0 + (p.gamma_ref * t0 - events[q].0 * events[q].1) / kt).clamp(0.0, 1.0)
                } else {
                    t0
                }
            })
            .collect();
        let world_data = init
            .world
            .iter()
            .map(|w| {
                let has_base = w.annual.iter().any(|(y, _)| *y == init.base);
                (0..steps)
                    .map(|k| {
                        if !has_base || sc.shocks.world_prices != PricePath::Data {
                            return None;
                        }
                        interpolate_annual(&w.annual, sc.step_date(k).as_years() + dt / 2.0)
                    })
                    .collect()
            })
            .collect();
        let ln_world_base = init.world.iter().map(|w| ln(w.annual.iter().find(|(y, _)| *y == init.base).map_or(1.0, |(_, v)| *v))).collect();
        let mut levers = Vec::new();
        for (li, l) in sc.levers.iter().enumerate() {
            for &t in &l.on {
                levers.push(ActiveLever {
                    kind: l.kind.clone(),
                    by: l.by,
                    target: t,
                    sectors: mask(&l.sectors),
                    start_month: l.start.months_since(sc.start),
                    end_month: l.end.map(|e| e.months_since(sc.start)),
                    phase_months: l.phase_in_months,
                    step_months,
                    tension: l.tension,
                    follows: None,
                    origin: Origin::Scheduled(li),
                });
            }
        }
        let rule_first_step = sc.rules.iter().map(|r| r.from.map_or(0, |f| sc.step_of(f))).collect();
        let t0_offset = sc.start.as_years() + dt / 2.0 - (init.base as f64 + 0.5);
        Prepared {
            layout,
            n,
            m,
            steps,
            dt,
            step_months,
            adjust,
            pi0,
            e0,
            dom0,
            a0,
            beta0,
            alpha0,
            k0,
            q0,
            world_priced,
            y0,
            def0,
            world_income0,
            rest0,
            currency_damping,
            level_weight,
            closure: Closure::Deficits,
            costs: TradeCosts::Rebated,
            bins: Bins::new(&p.firm),
            d0,
            baseline,
            events,
            event_count,
            world_data,
            ln_world_base,
            levers,
            rule_first_step,
            t0_offset,
        }
    }
}
