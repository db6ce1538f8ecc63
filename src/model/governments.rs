//! Step 2, the government agents: scheduled levers switch on and off at their dates (with
//! their phase-in), the policy rules of `policy.rs` fire, and levers decided by rules arrive
//! after their lag.

use super::policy::{self, PolicyView};
use super::Model;

impl Model<'_> {
    /// Step 2: scheduled levers switch, rules fire, pending levers arrive.
    #[inline(always)]
    pub(super) fn governments(&mut self, k: usize) {
        self.refresh_intensity(k);
        let (pre, tension) = (self.pre, &self.tension);
        let t = |a: usize, b: usize| if a == b { 0.0 } else { tension[pre.layout.pair(a, b)] };
        let view = PolicyView { k, dt: self.pre.dt, step_months: self.pre.step_months, tension: &t };
        policy::act(
            &self.sc.rules,
            &mut self.rule_states,
            &mut self.levers,
            &mut self.pending,
            &self.pre.rule_first_step,
            &view,
            self.pre.n,
            match &mut self.rng_policy {
                Some(r) => r,
                None => &mut self.rng,
            },
        );
        if self.pending.iter().any(|p| p.at_step <= k) {
            // in pending order, as they were decided
            for mut p in self.pending.extract_if(.., |p| p.at_step <= k) {
                p.lever.start_month = p.lever.start_month.max(k as i64 * self.pre.step_months as i64);
                self.levers.push(p.lever);
            }
        }
        self.refresh_intensity(k);
    }

    /// Each lever's share in force over step k (an aligned copy only while its leader is).
    #[inline(always)]
    pub(super) fn refresh_intensity(&mut self, k: usize) {
        self.intensity.clear();
        for l in &self.levers {
            let mut a = l.own_intensity(k);
            if let Some(f) = l.follows {
                let leader = &self.levers[f];
                if leader.started_by(k) && leader.own_intensity(k) <= 0.0 {
                    a = 0.0;
                }
            }
            self.intensity.push(a);
        }
    }
}
