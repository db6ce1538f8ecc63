//! Each economy's budget and its currency agent (Version 2, items 2 to 4).
//!
//! Budget (Dekle-Eaton-Kortum closure): income is the value of what the economy's producers
//! sell at home and abroad at current USD prices — domestically priced sectors at their
//! capacity (volume on the output trend) times their price, world-priced sectors at what they
//! sold — and spending is income plus a deficit fixed at its base-year value scaled with world
//! nominal income; capital-account levers shift deficits, the counterpart spread over the
//! other economies by income, so world spending equals world income every step.
//!
//! Currency agent: the USD price level of the economy's output moves toward the level that
//! clears its external balance (exports − imports = −deficit, which equals zero excess demand
//! for its output), at speed ψ per year, implicitly damped so that no ψ makes it oscillate.
//! The agent moves a common factor e on its producers' prices (who set relative prices); the
//! economy's output price level is e times the base-output-weighted geometric mean of its
//! producers' prices. The numeraire economy's level stays at 1 (values are in its currency,
//! USD): without it, every nominal value could be scaled by a common factor.

use super::math::{exp, ln};
use super::{Closure, Model};

impl Model<'_> {
    /// Step 4a: the currency agents move against last step's external-balance gap:
    /// `log e += ψ·dt·log(1 + gap) / (1 + ψ·dt·J)` (backward Euler), J a bound of the gap's
    /// elasticity to the currency: the value of domestically priced output plus what its
    /// sales lose to a 1% dearer currency (exports at σ − 1, home sales at esubd − 1 on the
    /// import-competing part), over income, at base-year shares. The update then moves at
    /// most to the level that clears the balance, whatever ψ.
    #[inline(always)]
    pub(super) fn currencies(&mut self) {
        let p = &self.sc.params;
        if !p.currency {
            return;
        }
        let h = p.currency_speed * self.pre.dt;
        for i in (0..self.pre.n).filter(|&i| i != p.numeraire) {
            let step = h * ln((1.0 + self.ext_gap[i]).clamp(1e-3, 1e3)) / (1.0 + h * self.pre.currency_damping[i]);
            self.log_currency[i] += step;
        }
        self.price_levels();
    }

    /// The numeraire's factor that holds its output price level at 1, and every economy's
    /// output price level (the `currency` the outputs report).
    #[inline(always)]
    pub(super) fn price_levels(&mut self) {
        let (n, m) = (self.pre.n, self.pre.m);
        for i in 0..n {
            let index: f64 = (0..m).map(|s| self.pre.level_weight[i * m + s] * self.log_price[i * m + s]).sum();
            if i == self.sc.params.numeraire {
                self.log_currency[i] = -index;
            }
            self.currency[i] = exp(self.log_currency[i] + index);
        }
    }

    /// The USD price factor of economy i's domestically priced producers beyond their own
    /// price: its currency agent's factor when the agents are on, 1 otherwise (world-priced
    /// producers have 1).
    #[inline(always)]
    pub(super) fn currency_factor(&self, i: usize) -> f64 {
        if self.sc.params.currency {
            exp(self.log_currency[i])
        } else {
            1.0
        }
    }

    /// Step 6a: income, deficit and spending of every economy (budget channel).
    #[inline(always)]
    pub(super) fn budget(&mut self) {
        let pre = self.pre;
        if !self.sc.params.budget {
            return;
        }
        let (n, m) = (pre.n, pre.m);
        // domestically priced output at capacity; world-priced producers sell what they sold
        // last step, grown with the world's domestically priced income (exact on a balanced
        // growth path), at this step's price
        let mut nonworld = 0.0;
        for i in 0..n {
            let mut y = 0.0;
            let cur = self.currency_factor(i);
            for s in (0..m).filter(|&s| !pre.world_priced[s]) {
                let x = i * m + s;
                y += pre.q0[x] * self.ytrend[i] * self.fr.capacity[x] * self.price[x] * cur;
            }
            self.income[i] = y;
            nonworld += y;
        }
        let grown = if self.nonworld_income > 0.0 { nonworld / self.nonworld_income } else { 1.0 };
        self.nonworld_income = nonworld;
        let mut world_income = 0.0;
        for i in 0..n {
            let mut y = self.income[i];
            for s in (0..m).filter(|&s| pre.world_priced[s]) {
                let x = i * m + s;
                y += self.sold[x] * grown * self.price[x] * self.world.index(s);
            }
            // the trade-cost wedge on its imports and the mark-ups it earns as a hub (zero
            // with iceberg costs, where exporters receive the wedge)
            y += self.wedge[i] + self.markup[i];
            self.income[i] = y;
            world_income += y;
        }
        let scale = world_income / pre.world_income0;
        for i in 0..n {
            self.deficit[i] = pre.def0[i] * scale;
        }
        // capital controls and reserve freezes: the economy's deficit falls by a share of its
        // GDP; the others take the counterpart in proportion to their income
        for x in 0..n {
            let cut = self.fr.deficit_cut[x] * self.gdp[x];
            if cut == 0.0 {
                continue;
            }
            let others = world_income - self.income[x];
            self.deficit[x] -= cut;
            for k in (0..n).filter(|&k| k != x) {
                self.deficit[k] += cut * self.income[k] / others;
            }
        }
        if pre.closure == Closure::Ratios {
            // spending/income fixed at base, one common factor restores the world budget
            let want: f64 = (0..n).map(|i| self.income[i] * (pre.y0[i] + pre.def0[i]) / pre.y0[i]).sum();
            for i in 0..n {
                self.deficit[i] = self.income[i] * (pre.y0[i] + pre.def0[i]) / pre.y0[i] * world_income / want - self.income[i];
            }
        }
        for i in 0..n {
            // spending cannot fall below a thousandth of income (a deficit cut larger than
            // income would mean negative spending)
            self.spending[i] = (self.income[i] + self.deficit[i]).max(1e-3 * self.income[i]);
        }
    }

    /// After the allocation: the external-balance gap of each economy (zero excess demand for
    /// its domestically priced output ⇔ exports − imports = −deficit) and, with the currency
    /// agents on, each domestically priced producer's demand relative to its economy's.
    #[inline(always)]
    pub(super) fn external_balance(&mut self) {
        let pre = self.pre;
        if !self.sc.params.currency {
            return;
        }
        let (n, m) = (pre.n, pre.m);
        for i in 0..n {
            let (mut sold, mut can) = (0.0, 0.0);
            for s in (0..m).filter(|&s| !pre.world_priced[s]) {
                let x = i * m + s;
                sold += self.sales[x];
                can += self.capacity[x] / self.inv_unit[x];
            }
            self.ext_gap[i] = if self.income[i] > 0.0 { (sold - can) / self.income[i] } else { 0.0 };
            let util = if can > 0.0 { sold / can } else { 1.0 };
            for s in (0..m).filter(|&s| !pre.world_priced[s]) {
                self.demand_ratio[i * m + s] /= util;
            }
        }
    }
}
