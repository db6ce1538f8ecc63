//! The scenario file as written: serde structs that mirror the TOML one to one. Nothing here
//! is checked beyond TOML types; `validate` turns a `RawScenario` into a `Scenario`.

use serde::de::{self, MapAccess, Visitor};
use schemars::JsonSchema;
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

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawScenario {
    /// Shown in outputs and charts (default: the file stem).
    pub name: Option<String>,
    /// The calibration directory the scenario runs on, relative to the scenario file (default: the built-in calibration; `--data` overrides it).
    pub data: Option<String>,
    /// The scenario `run` compares this one with (paired differences in vs_baseline.csv): a scenario file with the same `base`, `start`, `end`, `step` and calibration, relative to this file (`--baseline` overrides it, `--no-baseline` ignores it).
    pub baseline: Option<String>,
    /// One paragraph for reports.
    pub description: Option<String>,
    /// Base year (required): a calibrated base year, `"2021"` or `2021`; initial state: base-year trade, GDP, tension.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::base_year")]
    pub base: Option<toml::Value>,
    /// First month simulated (required), `YYYY-MM`, in or after the base year.
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"))]
    pub start: Option<String>,
    /// Last month simulated (required), `YYYY-MM`, at or after `start`, at most 200 years on.
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"))]
    pub end: Option<String>,
    /// Model step: `"quarter"` (default) or `"month"`.
    #[schemars(extend("enum" = ["quarter", "month"]))]
    pub step: Option<String>,
    /// Monte-Carlo runs, 1 to 100,000,000 (default 100; `--runs` overrides).
    #[schemars(range(min = 1, max = 100000000))]
    pub runs: Option<i64>,
    /// Master seed, a whole number of at least 0 (default 1; `--seed` overrides).
    #[schemars(range(min = 0))]
    pub seed: Option<i64>,
    /// Random shocks: GDP noise, world prices, political events, trade noise.
    pub shocks: Option<RawShocks>,
    /// Model parameters.
    pub params: Option<RawParams>,
    #[serde(default)]
    /// Policy levers switched on and off over time.
    pub lever: Vec<RawLever>,
    #[serde(default)]
    /// Policy rules: governments retaliate, align, escalate, normalize.
    pub rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawShocks {
    /// Factor on each economy's calibrated GDP volatility, 0 to 100 (default 1; 0 = no GDP noise).
    #[schemars(range(min = 0, max = 100))]
    pub gdp_volatility_scale: Option<f64>,
    /// World price paths: `"data"` (default: the annual series, then a mean-reverting random process after the data end), `"random"` (the random process from the base-year level) or `"flat"`.
    #[schemars(extend("enum" = ["data", "random", "flat"]))]
    pub world_prices: Option<String>,
    /// Standard deviation of each log world price's random part, per square-root year, 0 to 5 (default 0.25).
    #[schemars(range(min = 0, max = 5))]
    pub world_price_volatility: Option<f64>,
    /// Mean-reversion speed of each log world price, per year, 0 to 100 (default 0.4).
    #[schemars(range(min = 0, max = 100))]
    pub world_price_reversion: Option<f64>,
    #[serde(default)]
    /// Long-run mean of a series' random part, in the series' unit (> 0), e.g. `{ brent = 60 }` (default: the base-year level).
    pub world_price_mean: BTreeMap<String, f64>,
    /// Poisson rate of political events (cyber attacks, interference, crises) per pair per year, 0 to 1000 (default 0.5).
    #[schemars(range(min = 0, max = 1000))]
    pub event_rate: Option<f64>,
    /// Mean tension jump of one event (exponential), 0 to 1 (default 0.03).
    #[schemars(range(min = 0, max = 1))]
    pub event_size: Option<f64>,
    /// Multiplicative noise on each flow (log-normal, mean one), per square-root year, 0 to 5 (default 0.04).
    #[schemars(range(min = 0, max = 5))]
    pub trade_noise: Option<f64>,
    /// The policy rules and the trade noise draw from generators of their own (default true), so scenarios that differ only in levers and rules see the same shocks run by run; false: one generator for every draw, as version 1.
    pub common_random_numbers: Option<bool>,
    #[serde(default)]
    /// Per-pair event rates and sizes overriding the defaults.
    pub pair: Vec<RawPairEvents>,
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawPairEvents {
    /// The two economies, e.g. `["US", "RU"]`.
    #[schemars(length(equal = 2))]
    pub pair: Option<Vec<String>>,
    /// Political events per year for this pair, 0 to 1000.
    #[schemars(range(min = 0, max = 1000))]
    pub event_rate: Option<f64>,
    /// Mean tension jump of one event for this pair, 0 to 1.
    #[schemars(range(min = 0, max = 1))]
    pub event_size: Option<f64>,
}

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawParams {
    /// Exporter re-pricing speed φ, per year, 0 to 100 (default 0.5); a number or a prior.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_100")]
    pub phi: Option<RawNum>,
    /// Interdependence γ, per year, at least 0 (default 0.2): how much trade ties calm tension.
    #[schemars(range(min = 0))]
    pub gamma: Option<f64>,
    /// The γ at which base-year tension is a steady state, per year, at least 0 (default 0.2).
    #[schemars(range(min = 0))]
    pub gamma_ref: Option<f64>,
    /// Speed at which tension returns to its baseline, per year, 0 to 100 (default 0.5).
    #[schemars(range(min = 0, max = 100))]
    pub tension_reversion: Option<f64>,
    /// Version 1 only (`budget = false`): share of an export-revenue shortfall against trend that lowers GDP, 0 to 5 (default 1).
    #[schemars(range(min = 0, max = 5))]
    pub gdp_pass_through: Option<f64>,
    /// Extra cost of trade rerouted through a hub, ad valorem, 0 to 10 (default 0.05).
    #[schemars(range(min = 0, max = 10))]
    pub rerouting_cost: Option<f64>,
    /// Default transit hub of bans, an economy code (default "ROW").
    pub hub: Option<String>,
    #[serde(default)]
    /// CES (Armington) elasticity σ per sector, 1.01 to 50 (default: data/sectors.csv); numbers or priors.
    #[schemars(schema_with = "crate::scenario::schema::sector_sigma")]
    pub sigma: BTreeMap<String, RawNum>,
    #[serde(default)]
    /// Partial-adjustment speed λ per sector, per year, 0.001 to 1000 (default: data/sectors.csv).
    #[schemars(schema_with = "crate::scenario::schema::sector_lambda")]
    pub lambda: BTreeMap<String, RawNum>,
    #[serde(default)]
    /// Price elasticity of spending on the sector η per sector, 0 to 1 (default: data/sectors.csv).
    #[schemars(schema_with = "crate::scenario::schema::sector_eta")]
    pub eta: BTreeMap<String, RawNum>,
    #[serde(default)]
    /// Substitution between domestic producers and the import composite per sector, 0.05 to 50 (default: data/sectors.csv, GTAP ESUBD).
    #[schemars(schema_with = "crate::scenario::schema::sector_esubd")]
    pub esubd: BTreeMap<String, RawNum>,
    /// Domestic producers in the upper CES nest (default true).
    pub domestic: Option<bool>,
    /// Income and budget: spending = income + a fixed deficit (default true).
    pub budget: Option<bool>,
    /// Currency agents clear each economy's external balance (default true; needs `budget`).
    pub currency: Option<bool>,
    /// Speed ψ of the currency agents, per year, 0 to 1000 (default 2).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1000")]
    pub currency_speed: Option<RawNum>,
    /// The economy whose output price level stays at 1 (default "US", else the first economy).
    pub numeraire: Option<String>,
    /// Producers are populations of firm bins that enter and leave markets (default true).
    pub firms: Option<bool>,
    /// Firm bins per producer, 1 to 64 (default 16).
    #[schemars(range(min = 1, max = 64))]
    pub firm_bins: Option<i64>,
    /// Pareto shape θ of firm productivity, 0.1 to 50 and above `firm_sigma − 1` (default 4.5).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_pareto")]
    pub pareto_shape: Option<RawNum>,
    /// Substitution between firms' varieties σ_f, 1.01 to 50 (default 3.8).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_sigma")]
    pub firm_sigma: Option<RawNum>,
    /// Fixed cost of serving a market relative to the least productive firm's base-year variable profit, 0 to 1 (default 0.9).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub fixed_cost: Option<RawNum>,
    /// Extra profit (relative to the fixed cost) a firm needs to (re-)enter, per year, 0 to 100 (default 1).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_100")]
    pub sunk_cost: Option<RawNum>,
    /// Decay of a route's perceived sanction risk after the sanctions behind it fall, per year, 0 to 100 (default 0.25).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_100")]
    pub risk_memory: Option<RawNum>,
    /// Runs draw the uncertain parameters from their priors (default true; false: each prior's centre).
    pub priors: Option<bool>,
}

/// One `[[lever]]` table, or a rule's `response` (which has no by/on/start/end).
#[derive(Debug, Deserialize, Default, Clone, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawLever {
    /// Name in outputs, charts and batch paths, unique (default `lever<N>`).
    pub id: Option<String>,
    /// What the lever is (required): see `tradesim list`.
    #[schemars(schema_with = "crate::scenario::schema::lever_kind")]
    pub kind: Option<String>,
    /// The economy that imposes it (required; not in a rule's `response`).
    pub by: Option<String>,
    /// Target economy or list of economies (required except for `capital_controls`; not in a `response`).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::one_or_more")]
    pub on: Option<toml::Value>,
    /// Sectors covered: sector codes, or `["all"]` (default all).
    pub sectors: Option<Vec<String>>,
    /// First month in force, `YYYY-MM` (required; not in a `response`).
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"))]
    pub start: Option<String>,
    /// First month no longer in force, `YYYY-MM`, after `start` (default: none).
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"))]
    pub end: Option<String>,
    /// Linear ramp from start to full effect, months, 0 to 1200 (default 0).
    #[schemars(range(min = 0, max = 1200))]
    pub phase_in: Option<i64>,
    /// A rule's `response` only: months the response stays in force (default: until lifted).
    #[schemars(range(min = 0))]
    pub duration: Option<i64>,
    /// Shift of the pair's tension baseline while in force, -1 to 1 (default by kind).
    #[schemars(range(min = -1, max = 1))]
    pub tension: Option<f64>,
    // magnitude fields, by kind (each a number or a prior)
    /// `tariff` (required) and `mfn_withdrawal` (default 0.28): ad valorem wedge, 0 to 10.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_10")]
    pub rate: Option<RawNum>,
    /// Bans: share of the trade banned, 0 to 1 (default 1).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub coverage: Option<RawNum>,
    /// Bans: share of the banned trade rerouted via `hub`, 0 to 1 (default 0.1 for export controls, 0.05 otherwise).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub leakage: Option<RawNum>,
    /// Bans: share of the leakage stopped, 0 to 1 (default 0).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub enforcement: Option<RawNum>,
    /// Bans: transit economy for the leaked part (default `params.hub`).
    pub hub: Option<String>,
    /// `financial_sanctions` (default 0.10) and `secondary_sanctions` (default 0.05): friction, tariff equivalent, 0 to 10.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_10")]
    pub cost: Option<RawNum>,
    /// `financial_sanctions`: extra cost of rerouting trade with the target, 0 to 10 (default 0.05).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_10")]
    pub rerouting_cost: Option<RawNum>,
    /// `entity_sanctions` (required): people and entities listed, 0 to 1,000,000.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_listed")]
    pub listed: Option<RawNum>,
    /// `entity_sanctions` without firms: friction per 1,000 listed, 0 to 1 (default 0.01).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub cost_per_1000: Option<RawNum>,
    /// `secondary_sanctions` (required): the sanctioned economy whose trade with the third parties `on` is hit.
    pub target: Option<String>,
    /// `secondary_sanctions`: fall in leakage through a hub in `on`, 0 to 1 (default 0.5).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub leakage_cut: Option<RawNum>,
    /// `trade_agreement`: frictions divided by 1 + tariff_cut, 0 to 1 (default 0.03).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub tariff_cut: Option<RawNum>,
    /// `investment`: host export capacity × (1 + capacity_gain), 0 to 10 (default 0.1).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_10")]
    pub capacity_gain: Option<RawNum>,
    /// `investment`: investor-host frictions × (1 − friction_cut), 0 to 0.9 (default 0.02).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_friction_cut")]
    pub friction_cut: Option<RawNum>,
    /// `capital_controls` and `reserve_freeze` (required): share of GDP, 0 to 0.5.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_share")]
    pub share: Option<RawNum>,
    /// Bans (default 0.02), `financial_sanctions` and `secondary_sanctions` (default 0.04): compliance risk, share of revenue, 0 to 1.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub risk: Option<RawNum>,
    /// `entity_sanctions` with firms: compliance risk per 1,000 listed, 0 to 1 (default 0.02).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub risk_per_1000: Option<RawNum>,
    /// `price_cap` (required): the ceiling price in the world price's unit (USD per barrel for Brent), above 0.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_cap")]
    pub cap: Option<RawNum>,
    /// `price_cap`: share of the exports paid at most `cap`, 0 to 1 (default 0.5).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::num_0_1")]
    pub compliance: Option<RawNum>,
}

/// Every key a `[[lever]]` table may carry (used for "did you mean" suggestions).
pub const LEVER_KEYS: &[&str] = &[
    "id", "kind", "by", "on", "sectors", "start", "end", "phase_in", "duration", "tension", "rate", "coverage",
    "leakage", "enforcement", "hub", "cost", "rerouting_cost", "listed", "cost_per_1000", "target", "leakage_cut",
    "tariff_cut", "capacity_gain", "friction_cut", "share", "risk", "risk_per_1000", "cap", "compliance",
];

#[derive(Debug, Deserialize, Default, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawRule {
    /// Name in outputs (`rule_fired` rows), unique (default `rule<N>`).
    pub id: Option<String>,
    /// What the rule does (required): `retaliate`, `align`, `escalate` or `normalize`.
    #[schemars(schema_with = "crate::scenario::schema::rule_kind")]
    pub kind: Option<String>,
    /// The government that acts (required).
    pub by: Option<String>,
    /// Per trigger (retaliate, align, normalize) or per year (escalate, a hazard), 0 to 1 (default 1).
    #[schemars(range(min = 0, max = 1))]
    pub probability: Option<f64>,
    /// Delay from decision to effect, months, 0 to 1200 (default 0).
    #[schemars(range(min = 0, max = 1200))]
    pub lag: Option<i64>,
    /// Rule inactive before this month, `YYYY-MM` (default: the start).
    #[schemars(regex(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$"))]
    pub from: Option<String>,
    /// `retaliate` (required): the economy or economies whose levers on `by` trigger it.
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::one_or_more")]
    pub against: Option<toml::Value>,
    /// `retaliate`: lever kinds that trigger it (default all sanction kinds).
    pub trigger: Option<Vec<String>>,
    /// `align` (required): the economy whose levers `by` copies.
    pub leader: Option<String>,
    /// `align`: lever kinds copied (default all sanction kinds).
    pub kinds: Option<Vec<String>>,
    /// `escalate` (one economy, required) and `normalize` (economy or list, required).
    #[serde(default)]
    #[schemars(schema_with = "crate::scenario::schema::one_or_more")]
    pub on: Option<toml::Value>,
    /// `escalate` and `normalize` (required): the tension threshold, 0 to 1.
    #[schemars(range(min = 0, max = 1))]
    pub threshold: Option<f64>,
    /// `normalize`: consecutive steps below `threshold` before lifting, 1 to 10000 (default 4).
    #[schemars(range(min = 1, max = 10000))]
    pub steps: Option<i64>,
    /// `retaliate` and `escalate` (required): the lever imposed, without `by`, `on`, `id` and dates; may carry `duration`.
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
