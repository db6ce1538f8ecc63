//! Step 5, the importers: each economy splits its spending on a sector between its own
//! producers and the import composite (upper nest, `domestic.rs`), and the import composite
//! across origins and routes by CES with exact hat algebra from the base-year shares. The
//! producers' notional demand is measured against their capacity for the next re-pricing.

use super::domestic::{nests, LN_PRICE_CAP};
use super::lanes::{exp_all, ln_all};
use super::math::{exp, pow};
use super::{row, Model, TradeCosts};

impl Model<'_> {
    /// The powers and reciprocals of the frictions the CES shares use (they change only with
    /// `fr`), each recomputed only where its friction changed (a lever moves few routes).
    pub(super) fn friction_powers(&mut self) {
        let (n, m) = (self.pre.n, self.pre.m);
        let Model { fr, tau_pow, tau_pow_of, inv_tau, tau_kappa_pow, tau_kappa_pow_of, inv_kappa, kappa_of, sc, .. } = self;
        for s in 0..m {
            let one_minus = 1.0 - sc.params.sigma[s];
            // the sector's routes as slices of one length (no bounds checks in the loop)
            let blk = s * n * n..(s + 1) * n * n;
            let (tau, kappa, cover, leak) = (&fr.tau[blk.clone()], &fr.kappa[blk.clone()], &fr.cover[blk.clone()], &fr.leak[blk.clone()]);
            let (tau_pow, tau_pow_of, inv_tau) = (&mut tau_pow[blk.clone()], &mut tau_pow_of[blk.clone()], &mut inv_tau[blk.clone()]);
            let (tau_kappa_pow, tau_kappa_pow_of) = (&mut tau_kappa_pow[blk.clone()], &mut tau_kappa_pow_of[blk.clone()]);
            let (inv_kappa, kappa_of) = (&mut inv_kappa[blk.clone()], &mut kappa_of[blk]);
            for r in 0..n * n {
                let (tau, kappa) = (tau[r], kappa[r]);
                // only where the argument changed (most routes keep theirs when one lever
                // moves); the rerouted power is used only where a ban leaks
                if tau != tau_pow_of[r] {
                    tau_pow[r] = pow(tau, one_minus);
                    tau_pow_of[r] = tau;
                    inv_tau[r] = 1.0 / tau;
                }
                let rerouted = if cover[r] > 0.0 && leak[r] > 0.0 { tau * (1.0 + kappa) } else { f64::NAN };
                if rerouted != tau_kappa_pow_of[r] && !rerouted.is_nan() {
                    tau_kappa_pow[r] = pow(rerouted, one_minus);
                    tau_kappa_pow_of[r] = rerouted;
                }
                if kappa != kappa_of[r] {
                    inv_kappa[r] = 1.0 / (1.0 + kappa);
                    kappa_of[r] = kappa;
                }
            }
        }
    }

    /// Step 5: importers split spending across their own producers and the routes by CES
    /// with exact hat algebra, and producers' notional demand is measured against capacity.
    #[inline(always)]
    pub(super) fn allocate(&mut self) {
        let pre = self.pre;
        let (n, m) = (pre.n, pre.m);
        let params = &self.sc.params;
        let (with_domestic, with_budget, with_currency, with_firms) = (params.domestic, params.budget, params.currency, params.firms);
        let iceberg = pre.costs == TradeCosts::Iceberg;
        // the USD unit price of each producer relative to base (without the world price in the
        // CES: all origins of a world-priced sector share it, so it cancels from the shares)
        for i in 0..n {
            let factor = self.currency_factor(i);
            for s in 0..m {
                let x = i * m + s;
                let cur = if pre.world_priced[s] { 1.0 } else { factor };
                // price^(1−σ): its logarithm here, all the exponentials below
                self.price_pow[x] = if with_currency {
                    let lc = if pre.world_priced[s] { 0.0 } else { self.log_currency[i] };
                    (1.0 - params.sigma[s]) * (self.log_price[x] + lc)
                } else {
                    (1.0 - params.sigma[s]) * self.log_price[x]
                };
                self.inv_unit[x] = 1.0 / (self.price[x] * self.world.index(s) * cur);
                self.inv_export[x] = self.inv_unit[x];
            }
        }
        exp_all(&mut self.price_pow);
        // price caps: the complying share of a capped exporter's exports is paid at most the
        // cap. The buyers choose at the market price (the CES is unchanged) and pay less: the
        // discount f is a rent the importer keeps (its wedge income), the exporter earns less,
        // customs record what is paid. Domestic sales are not capped.
        if !self.fr.caps.is_empty() {
            self.export_factor.fill(1.0);
            for &(t, s, cap, compliance) in &self.fr.caps {
                let Some(q) = self.init.sector_series[s] else { continue };
                let x = t * m + s;
                let level = exp(self.log_world[q]) * self.price[x];
                let f = 1.0 - compliance * (1.0 - cap / level).max(0.0);
                self.export_factor[x] *= f;
                self.inv_export[x] /= f;
            }
        } else if self.export_factor.iter().any(|&f| f != 1.0) {
            self.export_factor.fill(1.0);
        }
        // disjoint borrows of the fields (keeps their pointers out of memory in the loops)
        let Model {
            fr,
            price_pow,
            inv_unit,
            inv_export,
            export_factor,
            tau_pow,
            tau_kappa_pow,
            inv_tau,
            inv_kappa,
            target_direct,
            target_rerouted,
            target_domestic,
            per_denom,
            trend_of,
            expenditure,
            growth,
            yhat,
            ytrend,
            demand_ratio,
            import_denom,
            ln_index,
            ln_pm,
            ln_pd,
            nest_scratch,
            scratch,
            domestic_share,
            log_price,
            log_currency,
            spending,
            sales,
            capacity,
            sold,
            sector_spend,
            wedge,
            markup,
            extensive,
            potential,
            full_weight,
            world,
            row_factor,
            ..
        } = self;
        let world = &*world;
        if with_budget {
            // import spending minus its customs value, added up below
            wedge.fill(0.0);
            markup.fill(0.0);
        }
        let fr = &*fr;
        // pass 1, per sector and importer: the import CES (targets before scaling), then the
        // sectors' price indexes (ln, without the world price)
        for s in 0..m {
            // the sector's routes as one block (exporter-major), so the loop over them has no
            // inner bound of n and vectorises; the exporter's price power repeated along its row
            let blk = s * n * n..(s + 1) * n * n;
            let len = n * n;
            let pp = &mut row_factor[..len];
            for i in 0..n {
                pp[i * n..(i + 1) * n].fill(price_pow[i * m + s]);
            }
            let (pp, pi0, cover, leak) = (&pp[..len], &pre.pi0[blk.clone()], &fr.cover[blk.clone()], &fr.leak[blk.clone()]);
            let (tau_pow, tau_kappa_pow, extensive) = (&tau_pow[blk.clone()], &tau_kappa_pow[blk.clone()], &extensive[blk.clone()]);
            let (td, tv, full_weight) = (&mut target_direct[blk.clone()], &mut target_rerouted[blk.clone()], &mut full_weight[blk]);
            for r in 0..len {
                // without branches: a route without base trade (π0 = 0) or without a leaking
                // ban (c·leak = 0) gets exactly 0 (the powers are finite)
                let (pi, c) = (pi0[r], cover[r]);
                let full = pi * (1.0 - c) * (pp[r] * tau_pow[r]);
                // with firms, the extensive margin: only the active bins' share of the route
                td[r] = if with_firms { full * extensive[r] } else { full };
                tv[r] = pi * c * leak[r] * (pp[r] * tau_kappa_pow[r]);
                full_weight[r] = full;
            }
            // each importer's denominator sums its origins i in order
            let denom = &mut import_denom[s * n..(s + 1) * n];
            denom.fill(0.0);
            for i in 0..n {
                let (td, tv) = (&td[i * n..(i + 1) * n], &tv[i * n..(i + 1) * n]);
                for j in 0..n {
                    denom[j] += td[j] + tv[j];
                }
            }
        }
        // the import composites' and the sectors' price indexes, logarithms and exponentials
        // over all importers and sectors at once (lanes.rs): ln_pm NaN where nothing can be
        // imported
        ln_pm.copy_from_slice(import_denom);
        ln_all(ln_pm);
        for (sj, (l, &denom)) in ln_pm.iter_mut().zip(import_denom.iter()).enumerate() {
            *l = if denom > 1e-300 { (*l / (1.0 - params.sigma[sj / n])).min(LN_PRICE_CAP) } else { f64::NAN };
        }
        if with_domestic {
            for (sj, pd) in ln_pd.iter_mut().enumerate() {
                let (s, j) = (sj / n, sj % n);
                let lc = if with_currency && !pre.world_priced[s] { log_currency[j] } else { 0.0 };
                *pd = log_price[j * m + s] + lc;
            }
            let (a, b) = nest_scratch;
            nests(&pre.beta0, ln_pd, ln_pm, |sj| 1.0 - params.esubd[sj / n], (a, b), ln_index, domestic_share);
        } else {
            ln_index.copy_from_slice(ln_pm);
        }
        // pass 2: spending per sector, E = E0·ŷ·(W·P̂)^(1−η) without the budget channel; with
        // it, the economy's spending split by the base shares moved by (W·P̂)^(1−η)
        // (W·P̂)^(1−η) of every sector and importer
        let moved = scratch;
        for (sj, w) in moved.iter_mut().enumerate() {
            let s = sj / n;
            *w = if ln_index[sj].is_nan() { 0.0 } else { (1.0 - params.eta[s]) * (world.ln(s) + ln_index[sj]) };
        }
        exp_all(moved);
        for j in 0..n {
            let mut weights = 0.0;
            for s in 0..m {
                let sj = s * n + j;
                let e = if ln_index[sj].is_nan() {
                    0.0
                } else if with_budget {
                    pre.alpha0[sj] * moved[sj]
                } else {
                    pre.a0[sj] * yhat[j] * moved[sj]
                };
                sector_spend[s] = e;
                weights += e;
            }
            for s in 0..m {
                let sj = s * n + j;
                let e = if with_budget { if weights > 0.0 { spending[j] * sector_spend[s] / weights } else { 0.0 } } else { sector_spend[s] };
                let prev = expenditure[sj];
                growth[sj] = if prev > 0.0 { e / prev } else { 1.0 };
                expenditure[sj] = e;
            }
        }
        // pass 3, per sector: targets, and per producer the quantity asked of it and its capacity
        for s in 0..m {
            let eta = params.eta[s];
            let w_eta = world.power(s, -eta);
            let w_inv = 1.0 / world.index(s);
            let block = s * n * n;
            let world_priced = pre.world_priced[s];
            for j in 0..n {
                let sj = s * n + j;
                let e = expenditure[sj];
                let (to_imports, to_domestic) = if with_domestic { (e * (1.0 - domestic_share[sj]), e * domestic_share[sj]) } else { (e, 0.0) };
                let denom = import_denom[sj];
                per_denom[j] = if denom > 1e-300 { to_imports / denom } else { 0.0 };
                target_domestic[sj] = to_domestic;
                if with_budget && denom > 1e-300 {
                    wedge[j] += to_imports;
                }
                // what each origin's base share of j's demand would be, in volume (capacity of
                // a price-taking or version-1 producer)
                trend_of[j] = if with_budget { e * (1.0 - pre.beta0[sj]) * w_inv } else { pre.e0[sj] * yhat[j] * w_eta };
            }
            // per exporter: the targets of its routes (contiguous), the quantity asked of it
            // and its capacity (sums over importers in the same order as per route)
            let (per_denom, trend_of) = (&per_denom[..n], &trend_of[..n]);
            for i in 0..n {
                let x = i * m + s;
                let at = row(s, i, n);
                let (td, tv) = (&mut target_direct[at.clone()], &mut target_rerouted[at.clone()]);
                let (inv_tau, inv_kappa, pi0) = (&inv_tau[at.clone()], &inv_kappa[at.clone()], &pre.pi0[at]);
                let (mut demand, mut trend_demand, mut value) = (0.0, 0.0, 0.0);
                if with_firms {
                    let (full, pot) = (&full_weight[row(s, i, n)], &mut potential[row(s, i, n)]);
                    for j in 0..n {
                        pot[j] = full[j] * if iceberg { per_denom[j] } else { per_denom[j] * inv_tau[j] };
                    }
                }
                let ef = export_factor[x];
                for j in 0..n {
                    let f = if iceberg { per_denom[j] } else { per_denom[j] * inv_tau[j] } * ef;
                    td[j] *= f;
                    tv[j] *= f;
                    let paid = td[j] + tv[j] * inv_kappa[j];
                    demand += paid * inv_export[x];
                    value += paid;
                    trend_demand += trend_of[j] * pi0[j];
                }
                if with_budget {
                    for j in 0..n {
                        wedge[j] -= td[j] + tv[j];
                        if tv[j] > 0.0 {
                            markup[fr.hub[block + i * n + j]] += tv[j] * (1.0 - inv_kappa[j]);
                        }
                    }
                }
                if with_domestic {
                    let si = s * n + i;
                    demand += target_domestic[si] * inv_unit[x];
                    value += target_domestic[si];
                    trend_demand += if with_budget { expenditure[si] * pre.beta0[si] * w_inv } else { pre.dom0[si] * yhat[i] * w_eta };
                }
                let cap = if with_budget && !world_priced { pre.q0[x] * ytrend[i] * fr.capacity[x] } else { trend_demand * fr.capacity[x] };
                demand_ratio[x] = if cap > 0.0 { demand / cap } else { 1.0 };
                if with_budget {
                    // sales at what buyers pay; a world-priced producer's income next step is
                    // this revenue in units of its full price
                    sales[x] = value;
                    capacity[x] = cap;
                    if world_priced {
                        sold[x] = value * inv_unit[x];
                    }
                }
            }
        }
        self.external_balance();
    }
}
