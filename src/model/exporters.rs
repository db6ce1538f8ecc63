//! Step 4, the exporter agents (producers of each economy and sector): a producer whose
//! demand falls short of its capacity cuts its price, one above capacity raises it, against
//! last step's notional demand. This is how a sanctioned exporter redirects supply (Russian
//! oil sold at a discount to China and India after 2022).

use super::math::{exp, ln};
use super::Model;

impl Model<'_> {
    /// Step 4: `log p̂ += φ·dt·log(Q/K) / (1 + φ·dt·σ)`, implicitly damped so that it is stable
    /// for any φ. With the currency agents on, a domestically priced sector answers its demand
    /// relative to its economy's (the currency moves the economy's level).
    #[inline(always)]
    pub(super) fn reprice(&mut self) {
        let (n, m) = (self.pre.n, self.pre.m);
        let phi_dt = self.sc.params.phi * self.pre.dt;
        if phi_dt <= 0.0 {
            return;
        }
        for i in 0..n {
            for s in 0..m {
                let r = self.demand_ratio[i * m + s];
                if self.pre.q0[i * m + s] <= 0.0 {
                    continue;
                }
                let sigma = self.sc.params.sigma[s];
                let step = phi_dt * ln(r.clamp(1e-3, 1e3)) / (1.0 + phi_dt * sigma);
                self.log_price[i * m + s] += step;
                self.price[i * m + s] = exp(self.log_price[i * m + s]);
            }
        }
    }
}
