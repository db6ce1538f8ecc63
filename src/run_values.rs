//! Per-run values a batch keeps for an attribution (where each run's value is needed in every
//! subset, not only its summary): per full calendar year, US-Russia trade, Russia's trade with
//! the world and with each partner, Russia's GDP and whether each rule had fired; and `Signed`,
//! the mergeable sketch of values of either sign (Shapley values, changes) that summarises them.

use crate::model::{Init, Layout};
use crate::scenario::Scenario;
use crate::sketch::Sketch;
use crate::summary::full_years;

/// How one variant's observations become its per-run values.
#[derive(Debug, Clone)]
pub struct RunValues {
    layout: Layout,
    dt: f64,
    years: Vec<(i32, Vec<usize>)>,
    us: Option<usize>,
    ru: Option<usize>,
    partners: Vec<usize>,
    economies: Vec<String>,
    rule_ids: Vec<String>,
    /// Per rule of `rule_ids`: its index in this variant's rules (None: not in this variant).
    rule_slots: Vec<Option<usize>>,
}

impl RunValues {
    /// `rule_ids`: the rules of every variant that shares these values (an attribution's full
    /// set), so a variant without a rule reports it as not fired.
    pub fn new(sc: &Scenario, init: &Init, layout: &Layout, rule_ids: &[String]) -> Self {
        let ru = init.economies.iter().position(|e| e == "RU");
        RunValues {
            layout: layout.clone(),
            dt: sc.step.dt(),
            years: full_years(sc),
            us: init.economies.iter().position(|e| e == "US"),
            partners: (0..init.economies.len()).filter(|&i| Some(i) != ru).collect(),
            ru,
            economies: init.economies.clone(),
            rule_ids: rule_ids.to_vec(),
            rule_slots: rule_ids.iter().map(|id| sc.rules.iter().position(|r| &r.id == id)).collect(),
        }
    }

    /// The (indicator, subject) of each value of a year, in order (names as in indicators.csv;
    /// `RU+all` is Russia's trade with every partner).
    pub fn names(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.us.is_some() && self.ru.is_some() {
            out.push(("us_ru_trade_usd".to_owned(), "US+RU".to_owned()));
        }
        if self.ru.is_some() {
            out.push(("ru_trade_usd".to_owned(), "RU+all".to_owned()));
            out.extend(self.partners.iter().map(|&p| ("ru_trade_usd".to_owned(), format!("RU+{}", self.economies[p]))));
            out.push(("ru_gdp_usd".to_owned(), "RU".to_owned()));
        }
        out.extend(self.rule_ids.iter().map(|id| ("rule_fired_share".to_owned(), id.clone())));
        out
    }

    pub fn years(&self) -> Vec<i32> {
        self.years.iter().map(|(y, _)| *y).collect()
    }

    /// Values per run: every name for the first year, then the next year, ...
    pub fn width(&self) -> usize {
        self.names().len() * self.years.len()
    }

    /// One run's values (observations laid out by this variant's `Layout`) into `out`.
    pub fn values(&self, obs: &[f64], out: &mut Vec<f64>) {
        let (l, w) = (&self.layout, self.layout.len());
        let pair = |steps: &[usize], a: usize, b: usize| {
            steps.iter().map(|&k| (0..l.m).map(|s| obs[k * w + l.trade() + l.route(s, a, b)] + obs[k * w + l.trade() + l.route(s, b, a)]).sum::<f64>()).sum::<f64>() * self.dt
        };
        for (_, steps) in &self.years {
            if let (Some(us), Some(ru)) = (self.us, self.ru) {
                out.push(pair(steps, us, ru));
            }
            if let Some(ru) = self.ru {
                let each: Vec<f64> = self.partners.iter().map(|&p| pair(steps, ru, p)).collect();
                out.push(each.iter().sum());
                out.extend(each);
                out.push(steps.iter().map(|&k| obs[k * w + l.gdp() + ru]).sum::<f64>() / steps.len().max(1) as f64);
            }
            let last = *steps.last().unwrap_or(&0);
            for slot in &self.rule_slots {
                out.push(slot.map_or(0.0, |r| obs[last * w + l.rule_fired() + r]));
            }
        }
    }
}

/// A mergeable quantile sketch of values of either sign: the positive values in one `Sketch`,
/// the magnitudes of the negative ones in another (same accuracy, exact merge, exact count).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signed {
    pos: Sketch,
    neg: Sketch,
}

impl Signed {
    pub fn add(&mut self, x: f64) {
        if x < 0.0 {
            self.neg.add(-x)
        } else {
            self.pos.add(x)
        }
    }

    pub fn merge(&mut self, other: &Signed) {
        self.pos.merge(&other.pos);
        self.neg.merge(&other.neg);
    }

    pub fn count(&self) -> u64 {
        self.pos.count() + self.neg.count()
    }

    pub fn mean(&self) -> f64 {
        let (p, n) = (self.pos.count() as f64, self.neg.count() as f64);
        let part = |sk: &Sketch, c: f64| if c > 0.0 { sk.mean() * c } else { 0.0 };
        (part(&self.pos, p) - part(&self.neg, n)) / (p + n)
    }

    /// The value of rank ⌊q·(n−1)⌋ (ascending), within the sketch's relative error.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.count();
        if n == 0 {
            return f64::NAN;
        }
        let rank = (q.clamp(0.0, 1.0) * (n - 1) as f64).floor() as u64;
        let nn = self.neg.count();
        // the value of rank j (ascending) within one sketch
        let at = |sk: &Sketch, j: u64| {
            let c = sk.count();
            sk.quantile(if c <= 1 { 0.0 } else { (j as f64 + 0.5) / (c - 1) as f64 })
        };
        if rank < nn {
            -at(&self.neg, nn - 1 - rank)
        } else {
            at(&self.pos, rank - nn)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_quantiles_cover_both_signs() {
        let mut s = Signed::default();
        for x in -50..=50 {
            s.add(x as f64);
        }
        assert_eq!(s.count(), 101);
        assert!(s.mean().abs() < 1e-9);
        assert_eq!(s.quantile(0.0), -50.0);
        assert_eq!(s.quantile(1.0), 50.0);
        assert!((s.quantile(0.05) - -45.0).abs() < 45.0 * 0.004, "{}", s.quantile(0.05));
        assert!((s.quantile(0.9) - 40.0).abs() < 40.0 * 0.004, "{}", s.quantile(0.9));
        assert_eq!(s.quantile(0.5), 0.0);
    }
}
