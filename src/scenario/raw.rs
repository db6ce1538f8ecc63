//! The scenario file as written: serde structs that mirror the TOML one to one. Nothing here
//! is checked beyond TOML types; `validate` turns a `RawScenario` into a `Scenario`.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize, Default)]
pub struct RawScenario {
    pub name: Option<String>,
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
    pub energy_price: Option<String>,
    pub energy_price_volatility: Option<f64>,
    pub energy_price_reversion: Option<f64>,
    pub energy_price_mean: Option<f64>,
    pub event_rate: Option<f64>,
    pub event_size: Option<f64>,
    pub trade_noise: Option<f64>,
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
    pub phi: Option<f64>,
    pub gamma: Option<f64>,
    pub gamma_ref: Option<f64>,
    pub tension_reversion: Option<f64>,
    pub gdp_pass_through: Option<f64>,
    pub rerouting_cost: Option<f64>,
    pub hub: Option<String>,
    #[serde(default)]
    pub sigma: BTreeMap<String, f64>,
    #[serde(default)]
    pub lambda: BTreeMap<String, f64>,
    #[serde(default)]
    pub eta: BTreeMap<String, f64>,
    #[serde(default)]
    pub esubd: BTreeMap<String, f64>,
    pub domestic: Option<bool>,
    pub budget: Option<bool>,
    pub currency: Option<bool>,
    pub currency_speed: Option<f64>,
    pub numeraire: Option<String>,
    pub firms: Option<bool>,
    pub firm_bins: Option<i64>,
    pub pareto_shape: Option<f64>,
    pub firm_sigma: Option<f64>,
    pub fixed_cost: Option<f64>,
    pub sunk_cost: Option<f64>,
    pub risk_memory: Option<f64>,
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
    // magnitude fields, by kind
    pub rate: Option<f64>,
    pub coverage: Option<f64>,
    pub leakage: Option<f64>,
    pub enforcement: Option<f64>,
    pub hub: Option<String>,
    pub cost: Option<f64>,
    pub rerouting_cost: Option<f64>,
    pub listed: Option<f64>,
    pub cost_per_1000: Option<f64>,
    pub target: Option<String>,
    pub leakage_cut: Option<f64>,
    pub tariff_cut: Option<f64>,
    pub capacity_gain: Option<f64>,
    pub friction_cut: Option<f64>,
    pub share: Option<f64>,
    pub risk: Option<f64>,
    pub risk_per_1000: Option<f64>,
}

/// Every key a `[[lever]]` table may carry (used for "did you mean" suggestions).
pub const LEVER_KEYS: &[&str] = &[
    "id", "kind", "by", "on", "sectors", "start", "end", "phase_in", "duration", "tension", "rate", "coverage",
    "leakage", "enforcement", "hub", "cost", "rerouting_cost", "listed", "cost_per_1000", "target", "leakage_cut",
    "tariff_cut", "capacity_gain", "friction_cut", "share", "risk", "risk_per_1000",
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
    &["name", "description", "base", "start", "end", "step", "runs", "seed", "shocks", "params", "lever", "rule"];
pub const SHOCK_KEYS: &[&str] = &[
    "gdp_volatility_scale", "energy_price", "energy_price_volatility", "energy_price_reversion", "energy_price_mean",
    "event_rate", "event_size", "trade_noise", "pair",
];
pub const PAIR_KEYS: &[&str] = &["pair", "event_rate", "event_size"];
pub const PARAM_KEYS: &[&str] =
    &[
        "phi", "gamma", "gamma_ref", "tension_reversion", "gdp_pass_through", "rerouting_cost", "hub", "sigma", "lambda", "eta",
        "esubd", "domestic", "budget", "currency", "currency_speed", "numeraire", "firms", "firm_bins", "pareto_shape",
        "firm_sigma", "fixed_cost", "sunk_cost", "risk_memory",
    ];
pub const RULE_KEYS: &[&str] = &[
    "id", "kind", "by", "probability", "lag", "from", "against", "trigger", "leader", "kinds", "on", "threshold", "steps",
    "response",
];
