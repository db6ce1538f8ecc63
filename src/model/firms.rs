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
    /// Share carried by k active bins, k = 0..=B: the bins carry equal shares, so any k of
    /// them carry the same, summed bin by bin in order as the route loop once did (same bits).
    pub carried: Vec<f64>,
    /// σ_f × risk aversion: a bin's expected compliance cost relative to its variable profit
    /// per unit of perceived risk.
    pub aversion: Vec<f64>,
}

impl Bins {
    /// B bins that each carry an equal share 1/B of the producer's base sales, ordered by
    /// productivity: with Pareto(θ) productivity and sales ∝ φ^(σ_f − 1), the firms above
    /// productivity x carry a share x^(−κ) of sales, κ = θ − (σ_f − 1), so bin b holds the
    /// firms between the sales quantiles b/B and (b+1)/B and stands for the one at its middle,
    /// φ_b = (1 − (b + ½)/B)^(−1/κ). (Equal sales rather than equal numbers of firms keeps the
    /// error of the bins in what trade loses of order 1/B: no bin holds a large share.) Risk
    /// aversion is log-uniform on [1/4, 8], assigned by a golden-ratio sequence so that it is
    /// unrelated to productivity.
    pub fn new(p: &FirmParams) -> Self {
        let b = p.bins;
        let kappa = p.pareto_shape - (p.sigma - 1.0);
        let profit: Vec<f64> = (0..b).map(|k| pow(pow(1.0 - (k as f64 + 0.5) / b as f64, -1.0 / kappa), p.sigma - 1.0)).collect();
        let weight = vec![1.0 / b as f64; b];
        let carried = std::iter::once(0.0).chain(weight.iter().scan(0.0, |sum, w| {
            *sum += w;
            Some(*sum)
        }));
        let carried = carried.collect();
        let golden = 0.618_033_988_749_894_9;
        let aversion = (0..b)
            .map(|k| {
                let u = ((k as f64 + 0.5) * golden).fract();
                p.sigma * exp(ln(0.25) + u * ln(32.0))
            })
            .collect();
        Bins { profit, weight, carried, aversion }
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
        let all = u64::MAX >> (64 - bins.profit.len());
        let Model { expenditure, perceived, potential, active, extensive, fr, init, row_factor, .. } = self;
        let len = n * n;
        for s in 0..m {
            // the sector's routes as one block (exporter-major): each route's importer's
            // market size relative to base (fixed costs of serving it scale with it), the
            // first row computed and the others copied from it; below, the potential sales
            // per unit of it in its place
            let blk = s * n * n..(s + 1) * n * n;
            let g_route = &mut row_factor[..len];
            for (j, size) in g_route[..n].iter_mut().enumerate() {
                let sj = s * n + j;
                *size = if pre.a0[sj] > 0.0 { expenditure[sj] / pre.a0[sj] } else { 0.0 };
            }
            for i in 1..n {
                g_route.copy_within(0..n, i * n);
            }
            let (flows, risk_now, potential) = (&init.flows[blk.clone()], &fr.risk[blk.clone()], &potential[blk.clone()]);
            let (perceived, active, extensive) = (&mut perceived[blk.clone()], &mut active[blk.clone()], &mut extensive[blk]);
            // first, without branches (so that it vectorises): perceived risk and potential
            // sales relative to base per unit of market size of every route with base trade
            for r in 0..len {
                let (base, size) = (flows[r], g_route[r]);
                let route = base > 0.0;
                let now = risk_now[r].max(perceived[r] * fade);
                perceived[r] = if route { now } else { perceived[r] };
                g_route[r] = if size > 0.0 { potential[r] / (base * size) } else { 0.0 };
            }
            // then each route's bins
            for r in 0..len {
                if flows[r] <= 0.0 {
                    continue;
                }
                let (risk, g, mask) = (perceived[r], g_route[r], active[r]);
                // the common case: no risk, every bin in, and the least productive bin
                // (the first: profits rise with the bin) still covers its fixed cost
                if risk == 0.0 && mask == all && g * bins.profit[0] >= f {
                    continue;
                }
                // each bin stays if in and covering f, or enters if out and covering
                // the entry cost (without branches: which bins flip is unpredictable)
                let mut next = 0u64;
                for (b, (&profit, &aversion)) in bins.profit.iter().zip(&bins.aversion).enumerate() {
                    let net = g * profit * (1.0 - aversion * risk);
                    let hurdle = if mask >> b & 1 != 0 { f } else { enter };
                    next |= ((net >= hurdle) as u64) << b;
                }
                active[r] = next;
                extensive[r] = bins.carried[next.count_ones() as usize];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_the_pareto_sales_quantiles_and_converge() {
        let p = FirmParams { bins: 4, pareto_shape: 4.0, sigma: 3.0, ..FirmParams::default() };
        let b = Bins::new(&p);
        // κ = 4 − 2 = 2; bin k at sales quantile (k + ½)/4: φ = (1 − q)^(−1/2), profit φ²
        for (k, q) in [0.125, 0.375, 0.625, 0.875].iter().enumerate() {
            assert!((b.profit[k] - 1.0 / (1.0 - q)).abs() < 1e-12, "{k}: {}", b.profit[k]);
        }
        assert!(b.weight.iter().all(|w| (w - 0.25).abs() < 1e-15));
        assert_eq!(b.carried, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        // k bins carry the sum of k weights taken one by one, to the bit (63 bins: 1/63 is
        // not exact, so the order of the sum shows)
        let b63 = Bins::new(&FirmParams { bins: 63, ..FirmParams::default() });
        let mut sum = 0.0f64;
        for k in 0..63 {
            assert_eq!(b63.carried[k].to_bits(), sum.to_bits(), "{k}");
            sum += b63.weight[k];
        }
        assert_eq!(b63.carried[63].to_bits(), sum.to_bits());
        assert!(b.aversion.iter().all(|a| *a >= 3.0 * 0.25 - 1e-12 && *a <= 3.0 * 8.0 + 1e-12));
        // the sales share of firms at least twice as profitable as the least productive
        // (φ ≥ √2): x^(−κ) = 1/2 in the continuum; the bins converge to it
        let share = |bins: usize| {
            let b = Bins::new(&FirmParams { bins, pareto_shape: 4.0, sigma: 3.0, ..FirmParams::default() });
            b.profit.iter().zip(&b.weight).filter(|(p, _)| **p >= 2.0).map(|(_, w)| w).sum::<f64>()
        };
        let (s8, s64, s63) = (share(8), share(64), share(63));
        assert!((s8 - 0.5).abs() <= 1.0 / 8.0 && (s64 - 0.5).abs() <= 1.0 / 64.0 && (s63 - 0.5).abs() <= 1.0 / 63.0, "{s8} {s64} {s63}");
    }
}
