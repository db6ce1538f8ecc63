//! Per-run values a batch keeps for an attribution (where each run's value is needed in every
//! subset, not only its summary): per full calendar year, US-Russia trade, Russia's trade with
//! the world and with each partner, Russia's GDP and whether each rule had fired (summarised by
//! `sketch::SignedSketch`, values of either sign: Shapley values, changes).

use crate::model::{Init, Layout};
use crate::scenario::Scenario;
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
