//! Firms (Version 2, item 6): each producer (economy, sector) is a population of firm bins
//! with Pareto productivity. Per destination a bin is active or not: it stays while its
//! variable profit there, net of the expected compliance cost of the sanctions it perceives,
//! covers the fixed cost of serving the market, and enters (or re-enters) only when it also
//! covers a sunk entry cost: a band of inaction, so trade lost in a crisis comes back slowly.
//! A route's trade is its CES flow times the share of the producer's base sales that its
//! active bins carry (the extensive margin); the importers' CES sees the same share, so
//! spending on a route that firms leave moves to other routes and home producers.
//!
//! With one bin, zero fixed and sunk costs and no compliance risk every bin always serves
//! every market and the model is the intensive-margin model exactly (test
//! `firms::one_bin_without_costs_is_the_intensive_margin_model`).

use super::math::{exp, ln, pow};
use super::Model;
use crate::scenario::FirmParams;

/// The bins of every producer (the same grid for all; sectors differ only in their flows).
#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    /// `φ_b^(σ_f − 1)`: a bin's variable profit relative to the least productive firm's
    /// (productivity φ = 1, the Pareto minimum).
    pub profit: Vec<f64>,
    /// Share of the producer's base sales carried by each bin (sums to 1).
    pub weight: Vec<f64>,
    /// σ_f × risk aversion: a bin's expected compliance cost relative to its variable profit
    /// per unit of perceived risk.
    pub aversion: Vec<f64>,
}

impl Bins {
    /// Bins at the quantile midpoints of a Pareto(θ) productivity distribution, each with mass
    /// 1/B; risk aversion log-uniform on [1/4, 8], assigned by a golden-ratio sequence so that
    /// it is unrelated to productivity.
    pub fn new(p: &FirmParams) -> Self {
        let b = p.bins;
        let phi: Vec<f64> = (0..b).map(|k| pow(1.0 - (k as f64 + 0.5) / b as f64, -1.0 / p.pareto_shape)).collect();
        let profit: Vec<f64> = phi.iter().map(|f| pow(*f, p.sigma - 1.0)).collect();
        let total: f64 = profit.iter().sum();
        let weight = profit.iter().map(|x| x / total).collect();
        let golden = 0.618_033_988_749_894_9;
        let aversion = (0..b)
            .map(|k| {
                let u = ((k as f64 + 0.5) * golden).fract();
                p.sigma * exp(ln(0.25) + u * ln(32.0))
            })
            .collect();
        Bins { profit, weight, aversion }
    }
}

impl Model<'_> {
    /// Step 6b: every bin of every route decides, on this step's potential sales (what the
    /// route would sell with all bins in), whether to stay, leave or enter; the routes' shares
    /// of active bins act from the next allocation. Perceived risk follows the sanctions in
    /// force at once when they rise and decays at `risk_memory` per year after they fall.
    #[inline(always)]
    pub(super) fn firms(&mut self) {
        let p = &self.sc.params;
        if !p.firms {
            return;
        }
        let pre = self.pre;
        let (n, m) = (pre.n, pre.m);
        let f = p.firm.fixed_cost;
        let enter = f * (1.0 + p.firm.sunk_cost);
        let fade = exp(-p.firm.risk_memory * pre.dt);
        let bins = &pre.bins;
        for s in 0..m {
            for j in 0..n {
                let sj = s * n + j;
                // market size relative to base: fixed costs of serving it scale with it
                let size = if pre.a0[sj] > 0.0 { self.expenditure[sj] / pre.a0[sj] } else { 0.0 };
                for i in 0..n {
                    let r = pre.layout.route(s, i, j);
                    let base = self.init.flows[r];
                    if base <= 0.0 {
                        continue;
                    }
                    self.perceived[r] = self.fr.risk[r].max(self.perceived[r] * fade);
                    let risk = self.perceived[r];
                    // potential sales relative to base, per unit of market size
                    let g = if size > 0.0 { self.potential[r] / (base * size) } else { 0.0 };
                    let mut mask = self.active[r];
                    let mut share = 0.0;
                    for b in 0..bins.profit.len() {
                        let net = g * bins.profit[b] * (1.0 - bins.aversion[b] * risk);
                        let on = mask & (1 << b) != 0;
                        let stays = if on { net >= f } else { net >= enter };
                        if stays {
                            mask |= 1 << b;
                            share += bins.weight[b];
                        } else {
                            mask &= !(1 << b);
                        }
                    }
                    self.active[r] = mask;
                    self.extensive[r] = share;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_the_pareto_quantiles_and_converge() {
        let p = FirmParams { bins: 4, pareto_shape: 4.0, sigma: 3.0, ..FirmParams::default() };
        let b = Bins::new(&p);
        // φ at quantile midpoints 1/8, 3/8, 5/8, 7/8: (1 − q)^(−1/4); profit φ^2
        for (k, q) in [0.125, 0.375, 0.625, 0.875].iter().enumerate() {
            let phi = (1.0f64 - q).powf(-0.25);
            assert!((b.profit[k] - phi * phi).abs() < 1e-12);
        }
        assert!((b.weight.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(b.aversion.iter().all(|a| *a >= 3.0 * 0.25 - 1e-12 && *a <= 3.0 * 8.0 + 1e-12));
        // the sales share of the top quarter of firms converges as bins get finer: with θ = 4
        // and σ_f = 3 the continuum gives 1 − (1 − 0.75)^(1 − 2/4) = 0.5 of sales to the
        // firms above the 75th percentile... measured as the share of the top-quarter bins
        let top = |bins: usize| {
            let b = Bins::new(&FirmParams { bins, pareto_shape: 4.0, sigma: 3.0, ..FirmParams::default() });
            b.weight[bins * 3 / 4..].iter().sum::<f64>()
        };
        let (t8, t16, t64) = (top(8), top(16), top(64));
        assert!((t64 - 0.5).abs() < (t8 - 0.5).abs() && (t16 - 0.5).abs() < (t8 - 0.5).abs(), "{t8} {t16} {t64}");
        assert!((t64 - 0.5).abs() < 0.03, "{t64}");
    }
}
