//! Static equilibrium (Version 2, item 7): with no shocks, output at its base-year volume,
//! world prices at base and instantaneous adjustment, the step's equations define a general
//! equilibrium. `solve` finds it directly: it iterates the currency agents' and producers'
//! updates in their limit of infinite speed (each a damped Newton step, never overshooting)
//! until every market clears to the tolerance, then reports the counterfactual state.
//! With one sector, domestic sales as internal trade and esubd = σ this is the one-sector
//! structural-gravity counterfactual (Dekle, Eaton and Kortum 2007 exact hat algebra).

use super::math::{exp, ln};
use super::world::World;
use super::{Model, Prepared};
use crate::model::Init;
use crate::rng::run_rng;
use crate::scenario::Scenario;

/// What to solve for.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Levers in force at this step of the scenario (scheduled levers only: no rules).
    pub step: usize,
    /// Trade-cost multipliers τ̂ per route [s][i][j] replacing the levers' (structural-gravity
    /// input), if given.
    pub tau: Option<Vec<f64>>,
    /// Largest |log| excess demand (currency gaps and producers' demand over capacity) accepted.
    pub tolerance: f64,
    pub max_iterations: usize,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions { step: 0, tau: None, tolerance: 1e-12, max_iterations: 100_000 }
    }
}

/// The equilibrium: every value in USD per year (base-year volumes), prices relative to base.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub iterations: usize,
    /// Largest |log| excess demand left.
    pub residual: f64,
    pub converged: bool,
    /// Direct flows [s][i][j] at customs value, rerouted flows by origin and destination.
    pub direct: Vec<f64>,
    pub rerouted: Vec<f64>,
    /// Domestic sales [s][j].
    pub domestic: Vec<f64>,
    pub income: Vec<f64>,
    pub spending: Vec<f64>,
    pub gdp: Vec<f64>,
    /// Currency agents' price levels and producers' prices [i][s], relative to base.
    pub currency: Vec<f64>,
    pub price: Vec<f64>,
    /// Consumer price index (spending-weighted geometric mean of the sector indices).
    pub cpi: Vec<f64>,
    /// Output price level: the base-output-weighted geometric mean of the domestically priced
    /// producers' USD prices (the reported currency; the factory-gate price with one sector).
    pub output_price: Vec<f64>,
}

impl Solution {
    /// Express every nominal value in another numeraire: divide by `k` (the model is
    /// homogeneous of degree one in nominal values when no sector has a world price).
    pub fn rescale(&mut self, k: f64) {
        for v in [&mut self.direct, &mut self.rerouted, &mut self.domestic, &mut self.income, &mut self.spending, &mut self.gdp, &mut self.currency, &mut self.cpi, &mut self.output_price] {
            v.iter_mut().for_each(|x| *x /= k);
        }
    }
}

/// Solve the static equilibrium of a scenario (its `[params]` decide the channels; the
/// closure is `pre.closure`).
pub fn solve(sc: &Scenario, init: &Init, pre: &Prepared, opts: &SolveOptions) -> Solution {
    let (n, m) = (pre.n, pre.m);
    let mut model = Model::new(sc, init, pre, run_rng(0, 0));
    // frozen at the base year: output volume 1, world prices at base, base flows
    model.log_world.copy_from_slice(&pre.ln_world_base);
    model.ln_world_rel.fill(0.0);
    model.world = World::new(&init.sector_series, &model.ln_world_rel);
    for i in 0..n {
        model.ytrend[i] = 1.0;
        model.yhat[i] = 1.0;
        model.trend_gdp[i] = init.gdp[i];
        model.gdp[i] = init.gdp[i];
    }
    model.direct.copy_from_slice(&init.flows);
    model.domestic.copy_from_slice(&pre.dom0);
    model.expenditure.copy_from_slice(&pre.a0);
    for x in 0..n * m {
        if pre.world_priced[x % m] {
            model.sold[x] = pre.q0[x];
        }
    }
    model.refresh_intensity(opts.step);
    model.fr.compute(&model.levers, &model.intensity, m, sc.params.rerouting_cost, sc.params.hub, sc.params.firms, |a, b| pre.layout.pair(a, b));
    if let Some(tau) = &opts.tau {
        model.fr.tau.copy_from_slice(tau);
    }
    model.friction_powers();
    let p = &sc.params;
    let mut iterations = 0;
    let mut residual = f64::INFINITY;
    while iterations < opts.max_iterations {
        model.budget();
        model.allocate();
        model.direct.copy_from_slice(&model.target_direct);
        model.rerouted.copy_from_slice(&model.target_rerouted);
        model.domestic.copy_from_slice(&model.target_domestic);
        model.growth.fill(1.0);
        residual = 0.0;
        let gaps: Vec<f64> = (0..n).map(|i| if p.currency && i != p.numeraire { ln((1.0 + model.ext_gap[i]).clamp(1e-3, 1e3)) } else { 0.0 }).collect();
        let ratios: Vec<f64> = (0..n * m).map(|x| if pre.q0[x] > 0.0 { ln(model.demand_ratio[x].clamp(1e-3, 1e3)) } else { 0.0 }).collect();
        for g in gaps.iter().chain(&ratios) {
            residual = residual.max(g.abs());
        }
        if residual < opts.tolerance {
            break;
        }
        iterations += 1;
        for (x, r) in ratios.iter().enumerate() {
            model.log_price[x] += r / p.sigma[x % m];
            model.price[x] = exp(model.log_price[x]);
        }
        for (i, g) in gaps.iter().enumerate() {
            model.log_currency[i] += g / pre.currency_damping[i];
        }
        if p.currency {
            model.price_levels();
        }
    }
    if p.budget {
        model.income_gdp();
    }
    let cpi = (0..n)
        .map(|j| exp((0..m).map(|s| pre.alpha0[s * n + j] * (model.world.ln(s) + model.ln_index[s * n + j])).filter(|x| !x.is_nan()).sum()))
        .collect();
    let output_price = (0..n)
        .map(|i| {
            let agent = if p.currency { model.log_currency[i] } else { 0.0 };
            exp(agent + (0..m).map(|s| pre.level_weight[i * m + s] * model.log_price[i * m + s]).sum::<f64>())
        })
        .collect();
    Solution {
        output_price,
        iterations,
        residual,
        converged: residual < opts.tolerance,
        direct: model.direct.clone(),
        rerouted: model.rerouted.clone(),
        domestic: model.domestic.clone(),
        income: if p.budget { model.income.clone() } else { pre.y0.clone() },
        spending: if p.budget { model.spending.clone() } else { (0..n).map(|j| (0..m).map(|s| model.expenditure[s * n + j]).sum()).collect() },
        gdp: model.gdp.clone(),
        currency: model.currency.clone(),
        price: model.price.clone(),
        cpi,
    }
}
