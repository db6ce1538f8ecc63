//! Levers in force inside one run: their intensity over time and their effect on
//! bilateral, sector-level frictions and compliance risk (docs/model.md "One step", step 3).

use crate::scenario::{LeverKind, LeverTemplate};

/// Where a lever instance came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Scheduled in the scenario (index into `Scenario::levers`).
    Scheduled(usize),
    /// Imposed by a policy rule (index into `Scenario::rules`).
    Rule(usize),
}

/// One lever acting from `by` on one `target`. Times are months since the scenario's start,
/// so a lever that starts inside a step acts for the share of the step it is in force.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveLever {
    pub kind: LeverKind,
    pub by: usize,
    pub target: usize,
    /// Bit s set: sector s covered.
    pub sectors: u64,
    /// First month in force.
    pub start_month: i64,
    /// First month no longer in force.
    pub end_month: Option<i64>,
    /// Months of the linear ramp to full effect (0: full at once).
    pub phase_months: u32,
    /// Months per model step.
    pub step_months: u32,
    pub tension: f64,
    /// An aligned copy stays in force only while the lever it copies does.
    pub follows: Option<usize>,
    pub origin: Origin,
}

impl ActiveLever {
    /// A rule's lever, in force from the start of step `start`.
    pub fn from_template(t: &LeverTemplate, by: usize, target: usize, start: usize, step_months: u32, origin: Origin) -> Self {
        let start_month = start as i64 * step_months as i64;
        ActiveLever {
            kind: t.kind.clone(),
            by,
            target,
            sectors: mask(&t.sectors),
            start_month,
            end_month: t.duration_months.map(|d| start_month + d.max(1) as i64),
            phase_months: t.phase_in_months,
            step_months,
            tension: t.tension,
            follows: None,
            origin,
        }
    }

    /// Share of the lever's full effect in force in month t (months since the start).
    fn monthly(&self, t: i64) -> f64 {
        if t < self.start_month || self.end_month.is_some_and(|e| t >= e) {
            return 0.0;
        }
        ((t - self.start_month + 1) as f64 / self.phase_months.max(1) as f64).min(1.0)
    }

    /// Share of the lever's full effect in force over step k (the mean of its months), before
    /// any `follows` link.
    pub fn own_intensity(&self, k: usize) -> f64 {
        let m = self.step_months as i64;
        let first = k as i64 * m;
        if first + m <= self.start_month || self.end_month.is_some_and(|e| first >= e) {
            return 0.0;
        }
        // every month of the step past the ramp and before the end: m ones over m, exactly 1
        // (most levers in most steps; the loop below gives the same bits)
        if first + 1 - self.start_month >= self.phase_months.max(1) as i64 && self.end_month.is_none_or(|e| first + m <= e) {
            return 1.0;
        }
        (first..first + m).map(|t| self.monthly(t)).sum::<f64>() / m as f64
    }

    /// Has the lever started by the end of step k?
    pub fn started_by(&self, k: usize) -> bool {
        self.start_month < (k as i64 + 1) * self.step_months as i64
    }

    pub fn covers(&self, s: usize) -> bool {
        self.sectors & (1 << s) != 0
    }
}

/// Whole steps needed to cover `months` (rounded up).
pub fn steps_for(months: u32, step_months: u32) -> usize {
    months.div_ceil(step_months) as usize
}

pub fn mask(sectors: &[usize]) -> u64 {
    sectors.iter().fold(0, |m, &s| m | (1 << s))
}

/// Per-route frictions, recomputed each step from the levers in force.
/// Routes are indexed [s][i][j] (exporter i, importer j).
#[derive(Debug, Clone)]
pub struct Frictions {
    pub n: usize,
    /// Trade-cost multiplier τ̂ (1 = base-year frictions).
    pub tau: Vec<f64>,
    /// Share of the route a ban removes, 1 − Π(1 − coverage).
    pub cover: Vec<f64>,
    /// Share of the banned part that gets through a hub.
    pub leak: Vec<f64>,
    pub hub: Vec<usize>,
    /// Extra ad valorem cost of the rerouted part.
    pub kappa: Vec<f64>,
    /// Export-capacity multiplier [i][s] from investment.
    pub capacity: Vec<f64>,
    /// Shift of the tension baseline per unordered pair (index as `Layout::pair`).
    pub tension_shift: Vec<f64>,
    /// Share of its GDP by which each economy's deficit is cut (capital controls, frozen
    /// reserves).
    pub deficit_cut: Vec<f64>,
    /// Whether banned trade of each sector can be rerouted through a hub (not pipeline gas).
    pub reroutable: Vec<bool>,
    /// Price caps in force: (exporter, sector, cap in the world price's unit, compliance share
    /// times intensity).
    pub caps: Vec<(usize, usize, f64, f64)>,
    /// Compliance risk of each route's trade (expected cost as a share of revenue) from the
    /// sanctions in force, capped at 1 (firms' channel).
    pub risk: Vec<f64>,
    // scratch: strongest ban coverage seen per route (chooses the hub)
    strongest: Vec<f64>,
}

impl Frictions {
    pub fn new(n: usize, m: usize, pairs: usize) -> Self {
        let r = m * n * n;
        Frictions {
            n,
            tau: vec![1.0; r],
            cover: vec![0.0; r],
            leak: vec![0.0; r],
            hub: vec![0; r],
            kappa: vec![0.0; r],
            capacity: vec![1.0; n * m],
            tension_shift: vec![0.0; pairs],
            deficit_cut: vec![0.0; n],
            reroutable: vec![true; m],
            caps: Vec::new(),
            risk: vec![0.0; r],
            strongest: vec![0.0; r],
        }
    }

    fn at(&self, s: usize, i: usize, j: usize) -> usize {
        (s * self.n + i) * self.n + j
    }

    /// Recompute from the levers in force; `intensity[l]` is lever l's share in force. With
    /// `firms`, entity listings act through compliance risk instead of a friction. Inlined
    /// into the step, so that it takes the step's processor features (AVX2: wider fills).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub fn compute(&mut self, levers: &[ActiveLever], intensity: &[f64], m: usize, base_kappa: f64, default_hub: usize, firms: bool, pair: impl Fn(usize, usize) -> usize) {
        let n = self.n;
        self.tau.fill(1.0);
        self.leak.fill(0.0);
        self.hub.fill(default_hub);
        self.kappa.fill(base_kappa);
        self.capacity.fill(1.0);
        self.tension_shift.fill(0.0);
        self.deficit_cut.fill(0.0);
        self.risk.fill(0.0);
        self.caps.clear();
        self.strongest.fill(0.0);
        // `cover` holds Π(1 − c) while levers accumulate; turned into 1 − Π at the end.
        self.cover.fill(1.0);
        for (l, &a) in levers.iter().zip(intensity) {
            if a <= 0.0 {
                continue;
            }
            let (by, t) = (l.by, l.target);
            if by != t {
                self.tension_shift[pair(by, t)] += l.tension * a;
            }
            match l.kind {
                LeverKind::CapitalControls { share } => self.deficit_cut[by] += share * a,
                LeverKind::ReserveFreeze { share } => self.deficit_cut[t] += share * a,
                _ => {}
            }
            // the covered sectors in ascending order: the set bits of the mask below m
            let mut covered = l.sectors & u64::MAX.checked_shr(64 - m as u32).unwrap_or(0);
            while covered != 0 {
                let s = covered.trailing_zeros() as usize;
                covered &= covered - 1;
                match &l.kind {
                    LeverKind::Tariff { rate } | LeverKind::MfnWithdrawal { rate } => {
                        let r = self.at(s, t, by);
                        self.tau[r] *= 1.0 + rate * a;
                    }
                    LeverKind::PriceCap { cap, compliance } => self.caps.push((t, s, *cap, compliance * a)),
                    LeverKind::ExportControl(b) => {
                        self.ban(s, by, t, b.coverage * a, b.leakage * (1.0 - b.enforcement), b.hub);
                        self.add_risk(s, by, t, b.risk * a);
                    }
                    LeverKind::ImportBan(b) => {
                        self.ban(s, t, by, b.coverage * a, b.leakage * (1.0 - b.enforcement), b.hub);
                        self.add_risk(s, t, by, b.risk * a);
                    }
                    LeverKind::Embargo(b) => {
                        self.ban(s, by, t, b.coverage * a, b.leakage * (1.0 - b.enforcement), b.hub);
                        self.ban(s, t, by, b.coverage * a, b.leakage * (1.0 - b.enforcement), b.hub);
                        self.add_risk(s, by, t, b.risk * a);
                        self.add_risk(s, t, by, b.risk * a);
                    }
                    LeverKind::FinancialSanctions { cost, rerouting_cost, risk } => {
                        self.add_risk(s, by, t, risk * a);
                        self.add_risk(s, t, by, risk * a);
                        self.both(s, by, t, 1.0 + cost * a);
                        for k in 0..n {
                            let (x, y) = (self.at(s, t, k), self.at(s, k, t));
                            self.kappa[x] += rerouting_cost * a;
                            if y != x {
                                self.kappa[y] += rerouting_cost * a;
                            }
                        }
                    }
                    LeverKind::EntitySanctions { listed, cost_per_1000, risk_per_1000 } => {
                        if firms {
                            self.add_risk(s, by, t, risk_per_1000 * listed / 1000.0 * a);
                            self.add_risk(s, t, by, risk_per_1000 * listed / 1000.0 * a);
                        } else {
                            self.both(s, by, t, 1.0 + cost_per_1000 * listed / 1000.0 * a)
                        }
                    }
                    LeverKind::SecondarySanctions { target, cost, risk, .. } => {
                        self.add_risk(s, t, *target, risk * a);
                        self.add_risk(s, *target, t, risk * a);
                        self.both(s, t, *target, 1.0 + cost * a)
                    }
                    LeverKind::TradeAgreement { tariff_cut } => self.both(s, by, t, 1.0 / (1.0 + tariff_cut * a)),
                    LeverKind::Investment { capacity_gain, friction_cut } => {
                        self.both(s, by, t, 1.0 - friction_cut * a);
                        self.capacity[t * m + s] *= 1.0 + capacity_gain * a;
                    }
                    LeverKind::Treaty | LeverKind::CapitalControls { .. } | LeverKind::ReserveFreeze { .. } => {}
                }
            }
        }
        for c in self.cover.iter_mut() {
            *c = 1.0 - *c;
        }
        // Secondary sanctions cut leakage through the pressed third party when it is the hub
        // of trade with the target.
        for (l, &a) in levers.iter().zip(intensity) {
            if let (LeverKind::SecondarySanctions { target, leakage_cut, .. }, true) = (&l.kind, a > 0.0) {
                for s in (0..m).filter(|&s| l.covers(s)) {
                    for k in (0..n).filter(|&k| k != *target) {
                        for r in [self.at(s, *target, k), self.at(s, k, *target)] {
                            if self.hub[r] == l.target {
                                self.leak[r] *= 1.0 - leakage_cut * a;
                            }
                        }
                    }
                }
            }
        }
    }

    fn add_risk(&mut self, s: usize, i: usize, j: usize, risk: f64) {
        let r = self.at(s, i, j);
        self.risk[r] = (self.risk[r] + risk).min(1.0);
    }

    fn both(&mut self, s: usize, a: usize, b: usize, factor: f64) {
        let (x, y) = (self.at(s, a, b), self.at(s, b, a));
        self.tau[x] *= factor;
        self.tau[y] *= factor;
    }

    fn ban(&mut self, s: usize, i: usize, j: usize, coverage: f64, leakage: f64, hub: usize) {
        let r = self.at(s, i, j);
        self.cover[r] *= 1.0 - coverage.clamp(0.0, 1.0);
        if self.reroutable[s] {
            self.leak[r] = self.leak[r].max(leakage);
        }
        if coverage > self.strongest[r] {
            self.strongest[r] = coverage;
            self.hub[r] = hub;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `own_intensity` (with its shortcut for steps wholly at full effect) is the mean of the
    /// step's monthly shares, to the bit, for every start, ramp, end and step length.
    #[test]
    fn intensity_is_the_mean_of_the_months() {
        let mut checked = 0;
        for step_months in [1u32, 3, 12] {
            for start_month in -5i64..20 {
                for phase_months in [0u32, 1, 2, 3, 5, 12, 25] {
                    for end_month in [None, Some(start_month + 1), Some(start_month + 4), Some(30)] {
                        let l = ActiveLever { kind: LeverKind::Treaty, by: 0, target: 1, sectors: 1, start_month, end_month, phase_months, step_months, tension: 0.0, follows: None, origin: Origin::Scheduled(0) };
                        for k in 0..15usize {
                            let first = k as i64 * step_months as i64;
                            let mean = (first..first + step_months as i64).map(|t| l.monthly(t)).sum::<f64>() / step_months as f64;
                            assert_eq!(l.own_intensity(k).to_bits(), mean.to_bits(), "{l:?} step {k}");
                            checked += (mean == 1.0) as usize;
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "the shortcut's case occurs ({checked})");
    }
}
