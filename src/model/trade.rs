//! Steps 6 and 7, trade on the ground: flows follow their importer's spending at once, move
//! toward their CES targets by partial adjustment (a newly covered share of a route stops at
//! once), carry multiplicative noise, and rerouted trade goes through its hub. Then GDP:
//! income with the budget channel, the version-1 export-shortfall pass-through without.

use super::lanes::exp_all;
use super::{row, Model};
use rand_distr::{Distribution, StandardNormal};

impl Model<'_> {
    /// Steps 6 and 7: partial adjustment and noise of every route (domestic sales adjust
    /// without noise), then GDP.
    #[inline(always)]
    pub(super) fn adjust(&mut self) {
        let pre = self.pre;
        let (n, m) = (pre.n, pre.m);
        let nu = self.sc.shocks.trade_noise * pre.dt.sqrt();
        let drift = -0.5 * nu * nu;
        let budget = self.sc.params.budget;
        if !budget {
            for (s, w) in self.gdp_weight.iter_mut().enumerate() {
                *w = self.world.power(s, 1.0 - self.sc.params.eta[s]);
            }
        }
        let Model { rng, rng_trade, fr, cover_prev, growth, direct, rerouted, target_direct, target_rerouted, noise_direct, noise_rerouted, shocked, .. } = self;
        // the rerouted flows that carry noise this step (few: most routes reroute nothing),
        // each with its log noise
        shocked.clear();
        noise_rerouted.clear();
        // First the deterministic part of every route, then the draws in route order (a
        // direct flow's, then its rerouted flow's), then the noise factors: the arithmetic
        // runs without waiting on the generator, and the `exp`s on lanes.
        for s in 0..m {
            let lam = pre.adjust[s];
            let growth = &growth[s * n..(s + 1) * n];
            for i in 0..n {
                // one exporter's routes in this sector (slices of length n: no bounds checks)
                let at = row(s, i, n);
                let (pi0, cover, target_d, target_v) = (&pre.pi0[at.clone()], &fr.cover[at.clone()], &target_direct[at.clone()], &target_rerouted[at.clone()]);
                let (cover_prev, direct, rerouted) = (&mut cover_prev[at.clone()], &mut direct[at.clone()], &mut rerouted[at]);
                for j in 0..n {
                    if pi0[j] <= 0.0 {
                        // no route
                        continue;
                    }
                    let (c_now, c_prev) = (cover[j], cover_prev[j]);
                    // Flows follow their importer's spending at once; only shares adjust.
                    let g = growth[j];
                    let mut x = direct[j] * g;
                    if c_now > c_prev && c_prev < 1.0 {
                        x *= (1.0 - c_now) / (1.0 - c_prev);
                    }
                    x += lam * (target_d[j] - x);
                    cover_prev[j] = c_now;
                    let mut v = rerouted[j] * g;
                    v += lam * (target_v[j] - v);
                    if nu > 0.0 {
                        // the noise comes below (a rerouted flow of 0 or less carries none: 0)
                        direct[j] = x;
                        rerouted[j] = if v > 0.0 { v } else { 0.0 };
                    } else {
                        direct[j] = x.max(0.0);
                        rerouted[j] = if v > 1e-9 { v } else { 0.0 };
                    }
                }
            }
        }
        if nu > 0.0 {
            // With common random numbers, a generator of its own and a draw for every rerouted
            // flow, there or not, so that the count of draws does not depend on the levers.
            let fixed = rng_trade.is_some();
            let rng = match rng_trade {
                Some(r) => r,
                None => rng,
            };
            // each route's log noise (0 without a route: its factor 1), and the rerouted flows
            // that carry noise this step (few: most routes reroute nothing) with theirs
            for (r, ((&pi, noise), &v)) in pre.pi0.iter().zip(noise_direct.iter_mut()).zip(rerouted.iter()).enumerate() {
                if pi <= 0.0 {
                    *noise = 0.0;
                    continue;
                }
                let z: f64 = StandardNormal.sample(rng);
                *noise = nu * z + drift;
                if v > 0.0 {
                    let z: f64 = StandardNormal.sample(rng);
                    shocked.push(r);
                    noise_rerouted.push(nu * z + drift);
                } else if fixed {
                    let _: f64 = StandardNormal.sample(rng);
                }
            }
            // the noise factors, four at a time (lanes.rs)
            exp_all(noise_direct);
            exp_all(noise_rerouted);
            for ((&pi, d), &f) in pre.pi0.iter().zip(direct.iter_mut()).zip(noise_direct.iter()) {
                if pi > 0.0 {
                    *d = (*d * f).max(0.0);
                }
            }
            for (&r, &f) in shocked.iter().zip(noise_rerouted.iter()) {
                let w = rerouted[r] * f;
                rerouted[r] = if w > 1e-9 { w } else { 0.0 };
            }
        }
        if self.sc.params.domestic {
            // domestic sales: many producers and buyers, no route noise
            for s in 0..m {
                let lam = pre.adjust[s];
                for j in 0..n {
                    let sj = s * n + j;
                    let d = self.domestic[sj] * self.growth[sj];
                    self.domestic[sj] = (d + lam * (self.target_domestic[sj] - d)).max(0.0);
                }
            }
        }
        if budget {
            self.income_gdp();
        } else {
            self.export_shortfall();
        }
    }

    /// GDP with the budget channel: the rest of the economy (services and what goods sales do
    /// not account for) on the output trend at the economy's price level, plus the value added
    /// of what its producers sold at home and abroad this step, plus the trade-cost wedge on
    /// its imports and its hub mark-ups (tariff revenue and intermediaries' earnings).
    #[inline(always)]
    pub(super) fn income_gdp(&mut self) {
        let pre = self.pre;
        let (n, m) = (pre.n, pre.m);
        for i in 0..n {
            let level = if self.sc.params.currency { self.currency[i] } else { 1.0 };
            let mut g = pre.rest0[i] * self.ytrend[i] * level + self.wedge[i] + self.markup[i];
            for s in 0..m {
                let at = row(s, i, n);
                let (d, v, ik) = (&self.direct[at.clone()], &self.rerouted[at.clone()], &self.inv_kappa[at]);
                let mut sales = self.domestic[s * n + i];
                for j in 0..n {
                    sales += d[j] + v[j] * ik[j];
                }
                g += self.init.va_ratio[i * m + s] * sales;
            }
            self.gdp[i] = g;
            self.yhat[i] = g / self.init.gdp[i];
        }
    }

    /// Version-1 GDP: the export-revenue shortfall against trend passes into next step's GDP.
    #[inline(always)]
    fn export_shortfall(&mut self) {
        let pre = self.pre;
        let n = pre.n;
        let mu = self.sc.params.gdp_pass_through;
        let Model { direct, rerouted, inv_kappa, yhat, trend_gdp, gdp_factor, gdp_weight, .. } = self;
        for i in 0..n {
            let mut revenue = 0.0;
            let mut trend = 0.0;
            for (s, &w) in gdp_weight.iter().enumerate() {
                let (mut rev_s, mut base) = (0.0, 0.0);
                let at = row(s, i, n);
                let (d, v, ik, flows) = (&direct[at.clone()], &rerouted[at.clone()], &inv_kappa[at.clone()], &self.init.flows[at]);
                for (j, &y) in yhat[..n].iter().enumerate() {
                    rev_s += d[j] + v[j] * ik[j];
                    base += flows[j] * y;
                }
                revenue += rev_s;
                trend += base * w;
            }
            gdp_factor[i] = (1.0 + mu * (revenue - trend) / trend_gdp[i]).clamp(0.2, 2.0);
        }
    }
}
