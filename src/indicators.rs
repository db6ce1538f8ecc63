//! Headline numbers of a batch variant, per run and summarised with the same mergeable
//! sketches as `summary`: US-Russia trade in the end year, Russia's trade with each partner
//! in the end year, the share of runs in which each rule fired by the end, and Russia's GDP
//! in the end year (with its no-lever counterfactual's, when the batch asks for one).

use crate::model::{Init, Layout};
use crate::scenario::Scenario;
use crate::summary::{full_years, Sketch};

/// One variant's indicator sketches.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicators {
    /// The last full calendar year and its steps (None: the scenario covers no full year).
    pub year: Option<(i32, Vec<usize>)>,
    pub us: Option<usize>,
    pub ru: Option<usize>,
    /// Economies other than Russia, in calibration order.
    pub partners: Vec<usize>,
    pub rule_ids: Vec<String>,
    dt: f64,
    layout: Layout,
    /// US→RU + RU→US recorded trade in the end year, USD.
    pub us_ru_trade: Sketch,
    /// RU→P + P→RU recorded trade in the end year, USD, per partner.
    pub ru_trade: Vec<Sketch>,
    /// 1 if the rule had fired by the end of the run, else 0.
    pub rule_fired: Vec<Sketch>,
    /// Russia's GDP in the end year (annual mean of the steps' annual rates), USD.
    pub ru_gdp: Sketch,
    /// The same in the no-lever counterfactual runs.
    pub ru_gdp_counterfactual: Sketch,
}

impl Indicators {
    pub fn new(sc: &Scenario, init: &Init, layout: &Layout) -> Self {
        let ru = init.economies.iter().position(|e| e == "RU");
        let partners: Vec<usize> = (0..init.economies.len()).filter(|&i| Some(i) != ru).collect();
        Indicators {
            year: full_years(sc).pop(),
            us: init.economies.iter().position(|e| e == "US"),
            ru,
            rule_ids: sc.rules.iter().map(|r| r.id.clone()).collect(),
            dt: sc.step.dt(),
            layout: layout.clone(),
            us_ru_trade: Sketch::default(),
            ru_trade: vec![Sketch::default(); partners.len()],
            partners,
            rule_fired: vec![Sketch::default(); sc.rules.len()],
            ru_gdp: Sketch::default(),
            ru_gdp_counterfactual: Sketch::default(),
        }
    }

    /// Both directions' recorded trade between a and b over the end year's steps, USD.
    fn pair_trade(&self, obs: &[f64], a: usize, b: usize) -> f64 {
        let (l, w) = (&self.layout, self.layout.len());
        let Some((_, steps)) = &self.year else { return 0.0 };
        steps
            .iter()
            .map(|&k| (0..l.m).map(|s| obs[k * w + l.trade() + l.route(s, a, b)] + obs[k * w + l.trade() + l.route(s, b, a)]).sum::<f64>())
            .sum::<f64>()
            * self.dt
    }

    /// Mean over the end year's steps of an economy's GDP (observation rows laid out by `layout`).
    fn gdp(&self, obs: &[f64], layout: &Layout, i: usize) -> f64 {
        let Some((_, steps)) = &self.year else { return 0.0 };
        let w = layout.len();
        steps.iter().map(|&k| obs[k * w + layout.gdp() + i]).sum::<f64>() / steps.len().max(1) as f64
    }

    /// Add one run of the variant (observations laid out by the variant's `Layout`).
    pub fn add_run(&mut self, obs: &[f64]) {
        if let (Some(us), Some(ru)) = (self.us, self.ru) {
            let v = self.pair_trade(obs, us, ru);
            self.us_ru_trade.add(v);
        }
        if let Some(ru) = self.ru {
            for (k, &p) in self.partners.iter().enumerate() {
                let v = self.pair_trade(obs, ru, p);
                self.ru_trade[k].add(v);
            }
            let g = self.gdp(obs, &self.layout, ru);
            self.ru_gdp.add(g);
        }
        let last = (obs.len() / self.layout.len()).saturating_sub(1) * self.layout.len();
        for r in 0..self.rule_fired.len() {
            let v = obs[last + self.layout.rule_fired() + r];
            self.rule_fired[r].add(v);
        }
    }

    /// Add one counterfactual run (no levers or rules: rows of the variant's layout without rules).
    pub fn add_counterfactual_run(&mut self, obs: &[f64]) {
        if let Some(ru) = self.ru {
            // The variant's layout without its rules (same economies, sectors and price series).
            let layout = Layout { rules: 0, ..self.layout.clone() };
            let g = self.gdp(obs, &layout, ru);
            self.ru_gdp_counterfactual.add(g);
        }
    }

    /// Every sketch, in the fixed order of a state file.
    pub fn sketches(&self) -> impl Iterator<Item = &Sketch> {
        std::iter::once(&self.us_ru_trade).chain(&self.ru_trade).chain(&self.rule_fired).chain([&self.ru_gdp, &self.ru_gdp_counterfactual])
    }

    pub fn sketches_mut(&mut self) -> impl Iterator<Item = &mut Sketch> {
        std::iter::once(&mut self.us_ru_trade)
            .chain(self.ru_trade.iter_mut())
            .chain(self.rule_fired.iter_mut())
            .chain([&mut self.ru_gdp, &mut self.ru_gdp_counterfactual])
    }

    /// Exact, order-free merge (like `Summary::merge`).
    pub fn merge(&mut self, other: &Indicators) {
        for (a, b) in self.sketches_mut().zip(other.sketches()) {
            a.merge(b);
        }
    }
}
