//! The scenario file as written: serde structs that mirror the TOML one to one. Nothing here
//! is checked beyond TOML types; `validate` turns a `RawScenario` into a `Scenario`.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// A number, or a prior: `{ low = a, high = b }` (uniform), `{ mean = m, sd = s }` (normal,
/// log-normal for a positive quantity), `{ mean = m }` (the calibration's prior moved to m).
#[derive(Debug, Clone, PartialEq)]
pub enum RawNum {
    Value(f64),
    Prior(RawPrior),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawPrior {
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    /// Keys of the table that are none of the four.
    pub unknown: Vec<String>,
}

impl<'de> Deserialize<'de> for RawNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawNum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a prior such as { low = 0.4, high = 0.6 } or { mean = 5, sd = 1 }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNum, E> {
                Ok(RawNum::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNum, E> {
                Ok(RawNum::Value(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNum, E> {
                Ok(RawNum::Value(v as f64))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<RawNum, M::Error> {
                let mut p = RawPrior::default();
                while let Some(k) = map.next_key::<String>()? {
                    let slot = match k.as_str() {
                        "low" => &mut p.low,
                        "high" => &mut p.high,
                        "mean" => &mut p.mean,
                        "sd" => &mut p.sd,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            p.unknown.push(k);
                            continue;
                        }
                    };
                    *slot = Some(map.next_value::<f64>()?);
                }
                Ok(RawNum::Prior(p))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct RawScenario {
    pub name: Option<String>,
    /// Calibration directory, relative to the scenario file (read by the commands).
    pub data: Option<String>,
    /// Baseline scenario file, relative to this one (read by `run`: paired differences).
    pub baseline: Option<String>,
    pub description: Option<String>,
    /// `"2021"` or `2021`.
    pub base: Option<toml::Value>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub step: Option<String>,
    pub runs: Option<i64>,
    pub seed: Option<i64>,
    pub shocks: Option<RawShocks>,
    pub params: Option<RawParams>,
    #[serde(default)]
    pub lever: Vec<RawLever>,
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize, Default)]
pub struct RawShocks {
    pub gdp_volatility_scale: Option<f64>,
    pub world_prices: Option<String>,
    pub world_price_volatility: Option<f64>,
    pub world_price_reversion: Option<f64>,
    #[serde(default)]
    pub world_price_mean: BTreeMap<String, f64>,
    pub event_rate: Option<f64>,
    pub event_size: Option<f64>,
    pub trade_noise: Option<f64>,
    pub common_random_numbers: Option<bool>,
    #[serde(default)]
    pub pair: Vec<RawPairEvents>,
}

#[derive(Debug, Deserialize, Default)]
pub struct RawPairEvents {
    pub pair: Option<Vec<String>>,
    pub event_rate: Option<f64>,
    pub event_size: Option<f64>,
}

#[derive(Debug, Deserialize, Default)]
pub struct RawParams {
    pub phi: Option<RawNum>,
    pub gamma: Option<f64>,
    pub gamma_ref: Option<f64>,
    pub tension_reversion: Option<f64>,
    pub gdp_pass_through: Option<f64>,
    pub rerouting_cost: Option<f64>,
    pub hub: Option<String>,
    #[serde(default)]
    pub sigma: BTreeMap<String, RawNum>,
    #[serde(default)]
    pub lambda: BTreeMap<String, RawNum>,
    #[serde(default)]
    pub eta: BTreeMap<String, RawNum>,
    #[serde(default)]
    pub esubd: BTreeMap<String, RawNum>,
    pub domestic: Option<bool>,
    pub budget: Option<bool>,
    pub currency: Option<bool>,
    pub currency_speed: Option<RawNum>,
    pub numeraire: Option<String>,
    pub firms: Option<bool>,
    pub firm_bins: Option<i64>,
    pub pareto_shape: Option<RawNum>,
    pub firm_sigma: Option<RawNum>,
    pub fixed_cost: Option<RawNum>,
    pub sunk_cost: Option<RawNum>,
    pub risk_memory: Option<RawNum>,
    pub priors: Option<bool>,
}

/// One `[[lever]]` table, or a rule's `response` (which has no by/on/start/end).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct RawLever {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub by: Option<String>,
    /// One economy or a list.
    pub on: Option<toml::Value>,
    pub sectors: Option<Vec<String>>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub phase_in: Option<i64>,
    pub duration: Option<i64>,
    pub tension: Option<f64>,
    // magnitude fields, by kind (each a number or a prior)
    pub rate: Option<RawNum>,
    pub coverage: Option<RawNum>,
    pub leakage: Option<RawNum>,
    pub enforcement: Option<RawNum>,
    pub hub: Option<String>,
    pub cost: Option<RawNum>,
    pub rerouting_cost: Option<RawNum>,
    pub listed: Option<RawNum>,
    pub cost_per_1000: Option<RawNum>,
    pub target: Option<String>,
    pub leakage_cut: Option<RawNum>,
    pub tariff_cut: Option<RawNum>,
    pub capacity_gain: Option<RawNum>,
    pub friction_cut: Option<RawNum>,
    pub share: Option<RawNum>,
    pub risk: Option<RawNum>,
    pub risk_per_1000: Option<RawNum>,
    pub cap: Option<RawNum>,
    pub compliance: Option<RawNum>,
}

/// Every key a `[[lever]]` table may carry (used for "did you mean" suggestions).
pub const LEVER_KEYS: &[&str] = &[
    "id", "kind", "by", "on", "sectors", "start", "end", "phase_in", "duration", "tension", "rate", "coverage",
    "leakage", "enforcement", "hub", "cost", "rerouting_cost", "listed", "cost_per_1000", "target", "leakage_cut",
    "tariff_cut", "capacity_gain", "friction_cut", "share", "risk", "risk_per_1000", "cap", "compliance",
];

#[derive(Debug, Deserialize, Default)]
pub struct RawRule {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub by: Option<String>,
    pub probability: Option<f64>,
    pub lag: Option<i64>,
    pub from: Option<String>,
    pub against: Option<toml::Value>,
    pub trigger: Option<Vec<String>>,
    pub leader: Option<String>,
    pub kinds: Option<Vec<String>>,
    pub on: Option<toml::Value>,
    pub threshold: Option<f64>,
    pub steps: Option<i64>,
    pub response: Option<RawLever>,
}

pub const TOP_KEYS: &[&str] =
    &["name", "description", "data", "baseline", "base", "start", "end", "step", "runs", "seed", "shocks", "params", "lever", "rule"];
pub const SHOCK_KEYS: &[&str] = &[
    "gdp_volatility_scale", "world_prices", "world_price_volatility", "world_price_reversion", "world_price_mean",
    "event_rate", "event_size", "trade_noise", "common_random_numbers", "pair",
];
pub const PAIR_KEYS: &[&str] = &["pair", "event_rate", "event_size"];
pub const PARAM_KEYS: &[&str] =
    &[
        "phi", "gamma", "gamma_ref", "tension_reversion", "gdp_pass_through", "rerouting_cost", "hub", "sigma", "lambda", "eta",
        "esubd", "domestic", "budget", "currency", "currency_speed", "numeraire", "firms", "firm_bins", "pareto_shape",
        "firm_sigma", "fixed_cost", "sunk_cost", "risk_memory", "priors",
    ];
pub const RULE_KEYS: &[&str] = &[
    "id", "kind", "by", "probability", "lag", "from", "against", "trigger", "leader", "kinds", "on", "threshold", "steps",
    "response",
];
