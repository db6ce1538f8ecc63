//! Step 8, political relations: tension reverts to its (lever-shifted) baseline, jumps with
//! events, and is calmed by interdependence γ·D·T.

use super::Model;

impl Model<'_> {
    /// Step 8: `T += κ(B + shift − T)dt + events − γ·D·T·dt`, clamped to [0, 1].
    #[inline(always)]
    pub(super) fn move_tension(&mut self) {
        let dt = self.pre.dt;
        let p = &self.sc.params;
        let n = self.pre.n;
        for a in 0..n {
            for b in (a + 1)..n {
                let q = self.pre.layout.pair(a, b);
                let d0 = self.pre.d0[q];
                let d = if d0 > 0.0 { self.pair_trade(a, b) / (self.gdp[a] + self.gdp[b]) / d0 } else { 0.0 };
                let t = self.tension[q];
                let target = (self.pre.baseline[q] + self.fr.tension_shift[q]).clamp(0.0, 1.0);
                let next = t + p.tension_reversion * (target - t) * dt + self.events_now[q] - p.gamma * d * t * dt;
                self.tension[q] = next.clamp(0.0, 1.0);
            }
        }
    }
}
