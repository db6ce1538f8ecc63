//! Step 4, the exporter agents (producers of each economy and sector): a producer whose
//! demand falls short of its capacity cuts its price, one above capacity raises it, against
//! last step's notional demand. This is how a sanctioned exporter redirects supply (Russian
//! oil sold at a discount to China and India after 2022).

use super::lanes::{exp_all, ln_all};
use super::Model;

impl Model<'_> {
    /// Step 4: `log p̂ += φ·dt·log(Q/K) / (1 + φ·dt·σ)`, implicitly damped so that it is stable
    /// for any φ. With the currency agents on, a domestically priced sector answers its demand
    /// relative to its economy's (the currency moves the economy's level).
    #[inline(always)]
    pub(super) fn reprice(&mut self) {
        let m = self.pre.m;
        let phi_dt = self.sc.params.phi * self.pre.dt;
        if phi_dt <= 0.0 {
            return;
        }
        // the logarithms, then the exponentials, of all producers at once (lanes.rs)
        let Model { pre, sc, demand_ratio, log_price, price, scratch, .. } = self;
        for (x, l) in scratch.iter_mut().enumerate() {
            *l = if pre.q0[x] <= 0.0 { 1.0 } else { demand_ratio[x].clamp(1e-3, 1e3) };
        }
        ln_all(scratch);
        for (x, l) in scratch.iter_mut().enumerate() {
            if pre.q0[x] <= 0.0 {
                *l = 0.0;
                continue;
            }
            let sigma = sc.params.sigma[x % m];
            let step = phi_dt * *l / (1.0 + phi_dt * sigma);
            log_price[x] += step;
            *l = log_price[x];
        }
        exp_all(scratch);
        for (x, &p) in scratch.iter().enumerate() {
            if pre.q0[x] > 0.0 {
                price[x] = p;
            }
        }
    }
}
