//! Scenarios: the raw TOML mirror (`raw`), its validation (`validate`), and the typed
//! `Scenario` the model runs. Economies and sectors are referred to by index into a
//! `Universe` (the calibration's lists), so the model never looks names up.

pub mod date;
pub mod diff;
pub mod raw;
pub mod schema;
pub mod validate;

pub use date::YearMonth;
pub use validate::{parse_scenario, ScenarioError};

/// The names a scenario may refer to, taken from the calibration data.
#[derive(Debug, Clone)]
pub struct Universe {
    pub economies: Vec<String>,
    pub sectors: Vec<String>,
    /// Base years the calibration has data for.
    pub bases: Vec<i32>,
    /// Calibrated per-sector defaults a scenario may override: σ, esubd, λ, η.
    pub sigma: Vec<f64>,
    pub esubd: Vec<f64>,
    pub lambda: Vec<f64>,
    pub eta: Vec<f64>,
    /// Priors of the calibration's estimates (`data/priors.csv`), around the defaults.
    pub priors: Vec<DataPrior>,
    /// World price series (`data/world_prices.csv`), by name, and the series each sector
    /// follows (None: its producers set its price).
    pub world_series: Vec<String>,
    pub sector_series: Vec<Option<usize>>,
    /// The default transit hub and numeraire (economies.csv `role`).
    pub hub: usize,
    pub numeraire: usize,
}

/// A calibration prior: the shape and relative spread of an estimated parameter's
/// uncertainty, centred on its default (or on the centre a scenario gives).
#[derive(Debug, Clone, PartialEq)]
pub struct DataPrior {
    /// A `[params]` key (`sigma`, `phi`, ...).
    pub param: String,
    /// The sector, for per-sector parameters.
    pub sector: Option<usize>,
    pub shape: PriorShape,
    /// Relative spread: standard deviation over mean (normal, log-normal) or half-width over
    /// centre (uniform).
    pub spread: f64,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorShape {
    Uniform,
    Normal,
    LogNormal,
}

impl PriorShape {
    pub fn name(self) -> &'static str {
        match self {
            PriorShape::Uniform => "uniform",
            PriorShape::Normal => "normal",
            PriorShape::LogNormal => "lognormal",
        }
    }
}

/// The distribution of an uncertain parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Uniform { low: f64, high: f64 },
    /// Normal with this mean and standard deviation.
    Normal { mean: f64, sd: f64 },
    /// Log-normal whose mean and standard deviation (of the value, not its log) are these.
    LogNormal { mean: f64, sd: f64 },
}

impl Dist {
    /// The value a run takes when priors are off: the mean (midpoint for uniform).
    pub fn centre(&self) -> f64 {
        match *self {
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Normal { mean, .. } | Dist::LogNormal { mean, .. } => mean,
        }
    }

    /// Name and the two numbers that define it, for the manifest.
    pub fn describe(&self) -> (&'static str, f64, f64) {
        match *self {
            Dist::Uniform { low, high } => ("uniform", low, high),
            Dist::Normal { mean, sd } => ("normal", mean, sd),
            Dist::LogNormal { mean, sd } => ("lognormal", mean, sd),
        }
    }
}

/// A lever magnitude a prior may act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Rate,
    Coverage,
    Leakage,
    Enforcement,
    Risk,
    Cost,
    ReroutingCost,
    Listed,
    CostPer1000,
    RiskPer1000,
    LeakageCut,
    TariffCut,
    CapacityGain,
    FrictionCut,
    Share,
    Cap,
    Compliance,
}

/// Where a drawn value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Phi,
    CurrencySpeed,
    FixedCost,
    SunkCost,
    RiskMemory,
    ParetoShape,
    FirmSigma,
    Sigma(usize),
    Esubd(usize),
    Lambda(usize),
    Eta(usize),
    /// A scheduled lever's field (index into `Scenario::levers`).
    Lever(usize, Field),
    /// A rule response's field (index into `Scenario::rules`).
    Rule(usize, Field),
}

/// An uncertain parameter of a scenario: each run draws its own value.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// Dotted path, as batch files name it (`params.sigma.energy`, `lever.us_oil_ban.coverage`).
    pub path: String,
    pub target: Target,
    pub dist: Dist,
    /// Allowed values: draws outside are clamped to them.
    pub range: (f64, f64),
    /// `scenario`, or the calibration prior's source.
    pub source: String,
}

impl Universe {
    pub fn economy(&self, code: &str) -> Option<usize> {
        self.economies.iter().position(|e| e == code)
    }
    pub fn sector(&self, code: &str) -> Option<usize> {
        self.sectors.iter().position(|s| s == code)
    }
}

/// Length of one model step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Quarter,
    Month,
}

impl Step {
    pub fn months(self) -> u32 {
        match self {
            Step::Quarter => 3,
            Step::Month => 1,
        }
    }
    /// Step length in years.
    pub fn dt(self) -> f64 {
        self.months() as f64 / 12.0
    }
}

/// How the world price paths (Brent, European gas, metals, food: `data/world_prices.csv`) move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricePath {
    /// Each series' annual path in the data where it has values, a mean-reverting random process after.
    Data,
    /// A mean-reverting random process from the base-year level throughout.
    Random,
    /// Constant at the base-year level.
    Flat,
}

/// Political-event rate and size for one pair (overrides the scenario default).
#[derive(Debug, Clone, PartialEq)]
pub struct PairEvents {
    pub a: usize,
    pub b: usize,
    pub rate: f64,
    pub size: f64,
}

/// Random shocks (docs/model.md "One step", step 1 and the noise of step 7).
#[derive(Debug, Clone, PartialEq)]
pub struct Shocks {
    /// Multiplies each economy's calibrated GDP volatility (0 switches GDP noise off).
    pub gdp_volatility_scale: f64,
    pub world_prices: PricePath,
    /// Annual standard deviation of each log world price in its random part.
    pub world_price_volatility: f64,
    /// Mean-reversion speed of each log world price, per year.
    pub world_price_reversion: f64,
    /// Long-run mean of a series' random part, in its unit (series index, value); others
    /// revert to their base-year level.
    pub world_price_mean: Vec<(usize, f64)>,
    /// Political events per pair per year (Poisson).
    pub event_rate: f64,
    /// Mean tension jump of one event (exponentially distributed).
    pub event_size: f64,
    pub pair_events: Vec<PairEvents>,
    /// Annual standard deviation of the multiplicative noise on each flow.
    pub trade_noise: f64,
    /// The policy rules and the trade noise draw from generators of their own
    /// (`rng::run_part`), the trade noise at a fixed count per route and step: two scenarios
    /// that differ only in levers and rules then see the same shocks run by run (common random
    /// numbers: a run against its baseline, an attribution's subsets, a batch's variants). On
    /// by default; off: one generator, as version 1.
    pub common_random_numbers: bool,
}

impl Default for Shocks {
    fn default() -> Self {
        Shocks {
            gdp_volatility_scale: 1.0,
            world_prices: PricePath::Data,
            world_price_volatility: 0.25,
            world_price_reversion: 0.4,
            world_price_mean: Vec::new(),
            event_rate: 0.5,
            event_size: 0.03,
            pair_events: Vec::new(),
            trade_noise: 0.04,
            common_random_numbers: true,
        }
    }
}

/// Model parameters a scenario may override. Per-sector values hold one entry per sector
/// (filled from the calibration, then overridden by the scenario).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Exporter re-pricing speed φ, per year.
    pub phi: f64,
    /// Interdependence γ: how much trade ties calm tension, per year.
    pub gamma: f64,
    /// The γ at which base-year tension is a steady state (see docs/model.md).
    pub gamma_ref: f64,
    /// Mean reversion of tension toward its baseline, per year.
    pub tension_reversion: f64,
    /// Share of an export-revenue shortfall (against trend) that passes into GDP.
    pub gdp_pass_through: f64,
    /// Extra cost of rerouting through a hub (ad valorem).
    pub rerouting_cost: f64,
    /// Default transit hub (economy index).
    pub hub: usize,
    /// CES elasticity σ per sector.
    pub sigma: Vec<f64>,
    /// Partial-adjustment speed λ per sector, per year.
    pub lambda: Vec<f64>,
    /// Price elasticity η of import demand to the sector price index, per sector.
    pub eta: Vec<f64>,
    /// Elasticity of substitution between domestic producers and the import composite
    /// (upper CES nest), per sector.
    pub esubd: Vec<f64>,
    /// Version 2 channels (each can be switched off; all off gives version 1):
    /// domestic producers in an upper CES nest above the import origins.
    pub domestic: bool,
    /// Income and budget: spending = income (value of output) + a fixed deficit.
    pub budget: bool,
    /// Currency agents: the USD price level of each economy's output clears its external
    /// balance (needs `budget`).
    pub currency: bool,
    /// Speed ψ of the currency agents, per year.
    pub currency_speed: f64,
    /// Whether runs draw the uncertain parameters from their priors (else every prior's
    /// centre).
    pub priors: bool,
    /// The economy whose output price level is held at 1 (the currency of account, USD).
    pub numeraire: usize,
    /// Firms (version 2, item 6): each producer is a population of firm bins that enter and
    /// leave each destination (extensive margin, compliance, hysteresis).
    pub firms: bool,
    pub firm: FirmParams,
}

/// The firm bins of every producer (docs/model.md "Firms").
#[derive(Debug, Clone, PartialEq)]
pub struct FirmParams {
    /// Number of productivity bins per producer.
    pub bins: usize,
    /// Pareto shape θ of productivity.
    pub pareto_shape: f64,
    /// Elasticity of substitution between firms' varieties σ_f (markup σ_f/(σ_f − 1)).
    pub sigma: f64,
    /// Fixed cost of serving a market relative to the base-year variable profit of the least
    /// productive firm there (at most 1: the base year is a steady state).
    pub fixed_cost: f64,
    /// Sunk cost of (re-)entering, per year, relative to the fixed cost.
    pub sunk_cost: f64,
    /// Rate at which the perceived sanction risk of a route decays once the sanctions behind
    /// it are lifted, per year.
    pub risk_memory: f64,
}

impl Default for FirmParams {
    fn default() -> Self {
        FirmParams { bins: 16, pareto_shape: 4.5, sigma: 3.8, fixed_cost: 0.9, sunk_cost: 1.0, risk_memory: 0.25 }
    }
}

/// The lever kinds of docs/model.md, with their magnitude fields.
#[derive(Debug, Clone, PartialEq)]
pub enum LeverKind {
    /// `by` taxes imports from each `on`: ad valorem wedge `rate` on on→by.
    Tariff { rate: f64 },
    /// `by` bans exports of a `coverage` share of the sectors to each `on`.
    ExportControl(Ban),
    /// `by` bans imports of a `coverage` share of the sectors from each `on`.
    ImportBan(Ban),
    /// Both directions between `by` and each `on`.
    Embargo(Ban),
    /// Payment friction `cost` (tariff equivalent) on every sector both ways; rerouting
    /// trade with the target costs `rerouting_cost` more; compliance risk `risk` (share of
    /// revenue) for the firms trading between them.
    FinancialSanctions { cost: f64, rerouting_cost: f64, risk: f64 },
    /// Over-compliance friction on all trade both ways: `cost_per_1000` per 1,000 listed
    /// (version 1, without firms); with firms, compliance risk `risk_per_1000` per 1,000 listed.
    EntitySanctions { listed: f64, cost_per_1000: f64, risk_per_1000: f64 },
    /// Friction `cost` on trade between each third party in `on` and `target`; leakage
    /// through hubs among `on` falls by `leakage_cut`; compliance risk `risk` for the firms
    /// trading between them.
    SecondarySanctions { target: usize, cost: f64, leakage_cut: f64, risk: f64 },
    /// Cuts ad valorem frictions between all members (`by` and `on`) by `tariff_cut`.
    TradeAgreement { tariff_cut: f64 },
    /// Raises the host's (`on`) export capacity in the sectors by `capacity_gain` and cuts the
    /// friction between investor and host there by `friction_cut`.
    Investment { capacity_gain: f64, friction_cut: f64 },
    /// Political effect only.
    Treaty,
    /// `by` forces a surplus on itself: its deficit falls by `share` of its GDP (the
    /// counterpart is spread over the other economies in proportion to their income).
    CapitalControls { share: f64 },
    /// `by` freezes the reserves of each `on`: the target's deficit falls by `share` of its
    /// GDP (it can finance less), the counterpart spread over the others by income.
    ReserveFreeze { share: f64 },
    /// A coalition (`by`) caps the price its services allow for each `on`'s exports of the
    /// covered (world-priced) sectors at `cap` (in the sector's world price unit, e.g. USD per
    /// barrel); a `compliance` share of those exports pays at most the cap.
    PriceCap { cap: f64, compliance: f64 },
    /// `by` withdraws most-favoured-nation treatment from each `on`: its imports from `on`
    /// pay the column-2 tariffs, an ad valorem wedge `rate` above MFN.
    MfnWithdrawal { rate: f64 },
}

/// Fields shared by the three ban kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct Ban {
    pub coverage: f64,
    pub leakage: f64,
    pub enforcement: f64,
    /// Transit economy for the leaked part.
    pub hub: usize,
    /// Compliance risk (share of revenue) on the route's trade the ban does not cover.
    pub risk: f64,
}

/// Every lever kind's name and one line of documentation, in the order `tradesim list` prints.
pub const LEVER_KINDS: &[(&str, &str)] = &[
    ("tariff", "ad valorem wedge `rate` on imports by `by` from `on` (MFN denial, Jackson-Vanik 1974)"),
    ("export_control", "`by` bans a `coverage` share of exports to `on`; `leakage` reroutes via `hub` (CoCom, 2022 tech controls)"),
    ("import_ban", "`by` bans a `coverage` share of imports from `on` (2022 US ban on Russian oil, Russia's 2014 food ban)"),
    ("embargo", "both directions between `by` and `on`, coverage 1 by default (1980 grain embargo)"),
    ("financial_sanctions", "payment friction `cost` on every sector both ways; costlier rerouting (Sberbank/VTB cut off)"),
    ("entity_sanctions", "small friction on all trade, `cost_per_1000` per 1,000 `listed` (Magnitsky 2012, 2022 listings)"),
    ("secondary_sanctions", "friction on trade of third parties `on` with `target`; lower leakage via them"),
    ("trade_agreement", "cuts frictions between members `by` and `on` by `tariff_cut` (WTO accession 2012)"),
    ("investment", "raises the host's export capacity by `capacity_gain` and cuts investor-host friction (1990s joint ventures)"),
    ("treaty", "political effect only: `tension` (negative calms, positive for a withdrawal) (START, INF)"),
    ("capital_controls", "`by` forces a surplus on itself: its deficit falls by `share` of its GDP (Russia's controls of 2022)"),
    ("reserve_freeze", "`by` freezes the reserves of `on`: the target's deficit falls by `share` of its GDP (2022 freeze of Russia's reserves)"),
    ("price_cap", "`by` caps the price of `on`'s exports of world-priced sectors at `cap` for a `compliance` share (2022 oil price cap)"),
    ("mfn_withdrawal", "`by` ends MFN treatment of `on`: column-2 tariffs, a wedge `rate` above MFN (Jackson-Vanik 1974, US and Canada 2022)"),
];

/// Every policy-rule kind's name and one line of documentation.
pub const RULE_KINDS: &[(&str, &str)] = &[
    ("retaliate", "when any of `against` imposes a `trigger` lever on `by`, `by` answers with `response` (Russia's 2014 food ban)"),
    ("align", "when `leader` imposes a lever of `kinds` on a third economy, `by` copies it with `probability` after `lag`"),
    ("escalate", "while tension between `by` and `on` is above `threshold`, `by` adds `response` (hazard `probability` per year)"),
    ("normalize", "after tension stays below `threshold` for `steps` steps, `by` lifts its sanctions on `on`"),
];

impl LeverKind {
    /// Set one magnitude field (a field the kind does not have is ignored: validation only
    /// makes priors for a kind's own fields).
    pub fn set(&mut self, field: Field, v: f64) {
        use Field as F;
        match (self, field) {
            (LeverKind::Tariff { rate }, F::Rate) => *rate = v,
            (LeverKind::ExportControl(b) | LeverKind::ImportBan(b) | LeverKind::Embargo(b), f) => match f {
                F::Coverage => b.coverage = v,
                F::Leakage => b.leakage = v,
                F::Enforcement => b.enforcement = v,
                F::Risk => b.risk = v,
                _ => {}
            },
            (LeverKind::FinancialSanctions { cost, rerouting_cost, risk }, f) => match f {
                F::Cost => *cost = v,
                F::ReroutingCost => *rerouting_cost = v,
                F::Risk => *risk = v,
                _ => {}
            },
            (LeverKind::EntitySanctions { listed, cost_per_1000, risk_per_1000 }, f) => match f {
                F::Listed => *listed = v,
                F::CostPer1000 => *cost_per_1000 = v,
                F::RiskPer1000 => *risk_per_1000 = v,
                _ => {}
            },
            (LeverKind::SecondarySanctions { cost, leakage_cut, risk, .. }, f) => match f {
                F::Cost => *cost = v,
                F::LeakageCut => *leakage_cut = v,
                F::Risk => *risk = v,
                _ => {}
            },
            (LeverKind::TradeAgreement { tariff_cut }, F::TariffCut) => *tariff_cut = v,
            (LeverKind::Investment { capacity_gain, friction_cut }, f) => match f {
                F::CapacityGain => *capacity_gain = v,
                F::FrictionCut => *friction_cut = v,
                _ => {}
            },
            (LeverKind::CapitalControls { share } | LeverKind::ReserveFreeze { share }, F::Share) => *share = v,
            (LeverKind::PriceCap { cap, compliance }, f) => match f {
                F::Cap => *cap = v,
                F::Compliance => *compliance = v,
                _ => {}
            },
            (LeverKind::MfnWithdrawal { rate }, F::Rate) => *rate = v,
            _ => {}
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            LeverKind::Tariff { .. } => "tariff",
            LeverKind::ExportControl(_) => "export_control",
            LeverKind::ImportBan(_) => "import_ban",
            LeverKind::Embargo(_) => "embargo",
            LeverKind::FinancialSanctions { .. } => "financial_sanctions",
            LeverKind::EntitySanctions { .. } => "entity_sanctions",
            LeverKind::SecondarySanctions { .. } => "secondary_sanctions",
            LeverKind::TradeAgreement { .. } => "trade_agreement",
            LeverKind::Investment { .. } => "investment",
            LeverKind::Treaty => "treaty",
            LeverKind::CapitalControls { .. } => "capital_controls",
            LeverKind::ReserveFreeze { .. } => "reserve_freeze",
            LeverKind::PriceCap { .. } => "price_cap",
            LeverKind::MfnWithdrawal { .. } => "mfn_withdrawal",
        }
    }

    /// Sanctions are what `normalize` lifts and what `retaliate` answers.
    pub fn is_sanction(&self) -> bool {
        !matches!(
            self,
            LeverKind::TradeAgreement { .. } | LeverKind::Investment { .. } | LeverKind::Treaty | LeverKind::CapitalControls { .. }
        )
    }
}

/// A lever as the scenario schedules it (one `by`, one or more targets).
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    pub id: String,
    pub kind: LeverKind,
    pub by: usize,
    pub on: Vec<usize>,
    pub sectors: Vec<usize>,
    pub start: YearMonth,
    pub end: Option<YearMonth>,
    pub phase_in_months: u32,
    /// Shift of the pair's tension baseline while in force.
    pub tension: f64,
}

/// What a rule imposes when it fires: a lever without its actor, target and dates.
#[derive(Debug, Clone, PartialEq)]
pub struct LeverTemplate {
    pub kind: LeverKind,
    pub sectors: Vec<usize>,
    pub phase_in_months: u32,
    pub tension: f64,
    /// Optional end after this many months in force.
    pub duration_months: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    Retaliate { against: Vec<usize>, trigger: Vec<String>, response: LeverTemplate },
    Align { leader: usize, kinds: Vec<String> },
    Escalate { on: usize, threshold: f64, response: LeverTemplate },
    Normalize { on: Vec<usize>, threshold: f64, steps: u32 },
}

impl RuleKind {
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Retaliate { .. } => "retaliate",
            RuleKind::Align { .. } => "align",
            RuleKind::Escalate { .. } => "escalate",
            RuleKind::Normalize { .. } => "normalize",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    pub by: usize,
    /// Probability per trigger (retaliate, align, normalize) or per year (escalate).
    pub probability: f64,
    pub lag_months: u32,
    /// Active from this date on (default: scenario start).
    pub from: Option<YearMonth>,
}

/// A validated scenario: every index is in range, every date inside the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub base: i32,
    pub start: YearMonth,
    pub end: YearMonth,
    pub step: Step,
    pub runs: u32,
    pub seed: u64,
    pub shocks: Shocks,
    pub params: Params,
    pub levers: Vec<Lever>,
    pub rules: Vec<Rule>,
    /// Uncertain parameters (empty when `params.priors` is off): each run draws its own.
    pub priors: Vec<Prior>,
}

impl Scenario {
    /// Set a prior's target to `value`.
    pub fn set(&mut self, target: Target, value: f64) {
        let p = &mut self.params;
        match target {
            Target::Phi => p.phi = value,
            Target::CurrencySpeed => p.currency_speed = value,
            Target::FixedCost => p.firm.fixed_cost = value,
            Target::SunkCost => p.firm.sunk_cost = value,
            Target::RiskMemory => p.firm.risk_memory = value,
            Target::ParetoShape => p.firm.pareto_shape = value,
            Target::FirmSigma => p.firm.sigma = value,
            Target::Sigma(s) => p.sigma[s] = value,
            Target::Esubd(s) => p.esubd[s] = value,
            Target::Lambda(s) => p.lambda[s] = value,
            Target::Eta(s) => p.eta[s] = value,
            Target::Lever(i, f) => self.levers[i].kind.set(f, value),
            Target::Rule(i, f) => {
                if let RuleKind::Retaliate { response, .. } | RuleKind::Escalate { response, .. } = &mut self.rules[i].kind {
                    response.kind.set(f, value)
                }
            }
        }
    }

    /// Number of model steps from `start` to `end` inclusive.
    pub fn steps(&self) -> usize {
        let months = self.end.months_since(self.start) + 1;
        (months as usize).div_ceil(self.step.months() as usize)
    }

    /// Step index that contains `date` (dates before the start map to step 0).
    pub fn step_of(&self, date: YearMonth) -> usize {
        (date.months_since(self.start).max(0) as usize) / self.step.months() as usize
    }

    /// First month of step `k`.
    pub fn step_date(&self, k: usize) -> YearMonth {
        self.start.add_months(k as i64 * self.step.months() as i64)
    }
}
