//! The agent model: economies (domestic producers, a budget, a currency agent), exporter
//! agents, importers, governments and political relations, advanced one step at a time
//! (docs/model.md "One step"). No IO, no threads, no printing: a `Model` owns its generator
//! and writes observations into slices it is given. Each agent's part of the step lives in a
//! file of its own; `step_inner` below is the outline, in the order of the step.

pub mod check;
pub mod currency;
pub mod domestic;
pub mod equilibrium;
pub mod exporters;
pub mod firms;
pub mod governments;
pub mod importers;
pub mod lanes;
pub mod levers;
pub mod math;
pub mod obs;
pub mod policy;
pub mod prepared;
pub mod priors;
pub mod tension;
pub mod trade;
pub mod world;

use levers::{ActiveLever, Frictions};
use math::{exp, ln};
pub use check::Anomaly;
pub use obs::Layout;
use policy::{Pending, RuleState};
pub use prepared::{Closure, Prepared, TradeCosts};
use rand_chacha::ChaCha8Rng;
use world::World;

use crate::scenario::Scenario;

/// Base-year state, as plain numbers (built by `calibration`).
#[derive(Debug, Clone, PartialEq)]
pub struct Init {
    pub economies: Vec<String>,
    pub sectors: Vec<String>,
    pub base: i32,
    /// Nominal GDP in the base year, USD.
    pub gdp: Vec<f64>,
    /// Trend growth of nominal USD GDP, per year.
    pub growth: Vec<f64>,
    /// Annual standard deviation of log GDP.
    pub gdp_volatility: Vec<f64>,
    /// Base-year flows [s][i][j], USD per year at customs value.
    pub flows: Vec<f64>,
    /// Base-year tension per unordered pair (`Layout::pair` order).
    pub tension: Vec<f64>,
    /// Base-year domestic sales [s][j]: what j's own producers of s sell at home, USD per year.
    pub domestic: Vec<f64>,
    /// Value added per unit of gross output [i][s] (GDP accounting of the budget channel).
    pub va_ratio: Vec<f64>,
    /// Exporter-reported over importer-reported value [s][i][j] (the other reporting basis).
    pub mirror: Vec<f64>,
    /// World price paths (Brent, European gas, metals, food, ...).
    pub world: Vec<WorldSeries>,
    /// The world price series each sector's price follows (None: set by its producers).
    pub sector_series: Vec<Option<usize>>,
    /// Whether banned trade of each sector can be rerouted through a hub (not pipeline gas).
    pub reroutable: Vec<bool>,
}

/// A world price path: annual averages in its unit (USD per barrel, an index, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct WorldSeries {
    pub name: String,
    pub unit: String,
    pub annual: Vec<(i32, f64)>,
}

/// The routes of exporter i in sector s, one per importer: contiguous, of length n (the
/// phases' inner loops run over these slices, without bounds checks).
#[inline(always)]
fn row(s: usize, i: usize, n: usize) -> std::ops::Range<usize> {
    (s * n + i) * n..(s * n + i + 1) * n
}

/// One run of the model.
pub struct Model<'a> {
    sc: &'a Scenario,
    init: &'a Init,
    pre: &'a Prepared,
    /// The run's generator: the shocks (and, unless `shocks.common_random_numbers`, every draw).
    rng: ChaCha8Rng,
    /// With `shocks.common_random_numbers`: the policy rules' generator and the trade noise's
    /// (`rng::run_part` 1 and 2), so that neither shifts the other draws.
    rng_policy: Option<ChaCha8Rng>,
    rng_trade: Option<ChaCha8Rng>,
    /// Index of the next step to run.
    pub k: usize,
    log_trend: Vec<f64>,
    /// GDP multiplier from the export-revenue shortfall of the previous step (version 1
    /// GDP, `budget = false`).
    gdp_factor: Vec<f64>,
    /// GDP, current USD per year: income with the budget channel, trend × factor without.
    pub gdp: Vec<f64>,
    /// Each world price series' log level, and its log relative to base.
    log_world: Vec<f64>,
    ln_world_rel: Vec<f64>,
    /// World prices relative to base, per sector, this step.
    world: World,
    /// The world price factor of each sector's trend exports, W^(1−η) (scratch of `trade`).
    gdp_weight: Vec<f64>,
    /// GDP on trend (with its shocks, before any factor), and its ratio to base, per economy:
    /// the volume of each economy's output.
    trend_gdp: Vec<f64>,
    ytrend: Vec<f64>,
    /// GDP relative to base (spending scale without the budget channel).
    yhat: Vec<f64>,
    /// Producer price relative to base in the producer's currency (relative to the world price
    /// for world-priced sectors), and its logarithm, [i][s].
    pub price: Vec<f64>,
    log_price: Vec<f64>,
    /// USD price level of each economy's output relative to base (its currency), and the log
    /// of the currency agent's factor on its producers' prices.
    pub currency: Vec<f64>,
    log_currency: Vec<f64>,
    /// 1 / (USD unit price relative to base), [i][s], this step; the same for exports, which
    /// a price cap can make cheaper.
    inv_unit: Vec<f64>,
    inv_export: Vec<f64>,
    /// What a capped exporter's buyers pay relative to the market price, [i][s] (1: no cap).
    export_factor: Vec<f64>,
    /// Notional demand over capacity from the last allocation, [i][s] (relative to the
    /// economy's aggregate for domestically priced sectors when the currency agents are on).
    demand_ratio: Vec<f64>,
    /// Direct flows [s][i][j], USD per year.
    pub direct: Vec<f64>,
    /// Rerouted flows by origin and destination [s][i][j], value at the destination.
    pub rerouted: Vec<f64>,
    /// Domestic sales [s][j], USD per year (domestic producers' channel).
    pub domestic: Vec<f64>,
    /// Spending on each sector [s][j]: absorption (domestic + imports, including frictions)
    /// with domestic producers, import spending without.
    expenditure: Vec<f64>,
    /// Growth of each importer's sector spending this step [s][j].
    growth: Vec<f64>,
    cover_prev: Vec<f64>,
    /// Budget: income (value of output, plus the trade-cost wedge on its imports and the
    /// rerouting mark-ups it earns as a hub), deficit and spending per economy, USD per year.
    pub income: Vec<f64>,
    pub deficit: Vec<f64>,
    pub spending: Vec<f64>,
    /// Notional sales (value at current prices) and capacity (volume at base prices) per
    /// producer [i][s], from the last allocation.
    sales: Vec<f64>,
    capacity: Vec<f64>,
    /// Volume sold by each world-priced producer in the last allocation [i][s], and the
    /// world's income from domestically priced output in the last budget.
    sold: Vec<f64>,
    nonworld_income: f64,
    /// External-balance gap (X − M + deficit) over income, per economy, last allocation.
    ext_gap: Vec<f64>,
    /// Wedge between each importer's import spending and their customs value, and the
    /// rerouting mark-ups each hub earns, last allocation (income of the budget channel).
    wedge: Vec<f64>,
    markup: Vec<f64>,
    pub tension: Vec<f64>,
    events_now: Vec<f64>,
    pub levers: Vec<ActiveLever>,
    intensity: Vec<f64>,
    pending: Vec<Pending>,
    rule_states: Vec<RuleState>,
    pub fr: Frictions,
    /// Intensities `fr` was computed for (it is recomputed only when they change).
    fr_intensity: Vec<f64>,
    fr_valid: bool,
    /// τ̂^(1−σ), (τ̂·(1+κ))^(1−σ), 1/τ̂ and 1/(1+κ) per route, recomputed with `fr`.
    tau_pow: Vec<f64>,
    tau_kappa_pow: Vec<f64>,
    /// The arguments `tau_pow` (and `inv_tau`) and `tau_kappa_pow` were computed from.
    tau_pow_of: Vec<f64>,
    tau_kappa_pow_of: Vec<f64>,
    inv_tau: Vec<f64>,
    inv_kappa: Vec<f64>,
    /// The κ `inv_kappa` holds 1/(1+κ) of (NaN before the first frictions).
    kappa_of: Vec<f64>,
    /// Producer price^(1−σ) per [i][s], this step.
    price_pow: Vec<f64>,
    // scratch for the allocation and the noise: each route's log noise, then its factor;
    // the same for the rerouted flows that carry noise (routes in `shocked`)
    noise_direct: Vec<f64>,
    noise_rerouted: Vec<f64>,
    shocked: Vec<usize>,
    per_denom: Vec<f64>,
    trend_of: Vec<f64>,
    // scratch of the nests per [s][j]: ln of the import composite's and of the domestic
    // producer's price, and two for `domestic::nests`
    ln_pm: Vec<f64>,
    ln_pd: Vec<f64>,
    nest_scratch: (Vec<f64>, Vec<f64>),
    /// Scratch per producer [i][s] or per [s][j] (n·m): one phase's exponentials or
    /// logarithms, taken all at once (lanes.rs).
    scratch: Vec<f64>,
    target_direct: Vec<f64>,
    target_rerouted: Vec<f64>,
    target_domestic: Vec<f64>,
    /// Import CES denominator, ln of the sector price index (without the world price), and
    /// the domestic producers' share of spending, [s][j].
    import_denom: Vec<f64>,
    ln_index: Vec<f64>,
    domestic_share: Vec<f64>,
    /// Spending weight of each sector for one importer (scratch of the allocation).
    sector_spend: Vec<f64>,
    /// Firms: per route, the bins serving it (bit b), the share of the producer's base sales
    /// they carry (1 with every bin in), the perceived sanction risk, and the direct flow the
    /// route would have with every bin in (this step's allocation).
    active: Vec<u64>,
    pub extensive: Vec<f64>,
    perceived: Vec<f64>,
    potential: Vec<f64>,
    /// CES weight of each route's direct trade before the extensive margin (scratch).
    full_weight: Vec<f64>,
    /// One sector's routes (n·n): a value per exporter repeated along its row (`allocate`)
    /// or each importer's value repeated in every row (`firms`), so that a phase's loop runs
    /// over the whole block (scratch).
    row_factor: Vec<f64>,
}

impl<'a> Model<'a> {
    pub fn new(sc: &'a Scenario, init: &'a Init, pre: &'a Prepared, rng: ChaCha8Rng) -> Self {
        let (n, m) = (pre.n, pre.m);
        let l = &pre.layout;
        let routes = l.routes();
        let log_trend: Vec<f64> = (0..n).map(|i| ln(init.gdp[i]) + init.growth[i] * (pre.t0_offset - pre.dt)).collect();
        let gdp: Vec<f64> = log_trend.iter().map(|&x| exp(x)).collect();
        // each series at the start: its data where they begin, else its base level
        let log_world: Vec<f64> = (0..init.world.len()).map(|q| pre.world_data[q].first().copied().flatten().map_or(pre.ln_world_base[q], ln)).collect();
        let ln_world_rel: Vec<f64> = log_world.iter().zip(&pre.ln_world_base).map(|(l, b)| l - b).collect();
        let yhat: Vec<f64> = (0..n).map(|i| gdp[i] / init.gdp[i]).collect();
        let trend_gdp = gdp.clone();
        let common = sc.shocks.common_random_numbers;
        let (rng_policy, rng_trade) = (common.then(|| crate::rng::run_part(&rng, 1)), common.then(|| crate::rng::run_part(&rng, 2)));
        let mut model = Model {
            sc,
            init,
            pre,
            rng,
            rng_policy,
            rng_trade,
            k: 0,
            log_trend,
            gdp_factor: vec![1.0; n],
            gdp,
            world: World::new(&init.sector_series, &ln_world_rel),
            log_world,
            ln_world_rel,
            gdp_weight: vec![1.0; m],
            ytrend: yhat.clone(),
            yhat,
            trend_gdp,
            price: vec![1.0; n * m],
            log_price: vec![0.0; n * m],
            currency: vec![1.0; n],
            log_currency: vec![0.0; n],
            inv_unit: vec![1.0; n * m],
            inv_export: vec![1.0; n * m],
            export_factor: vec![1.0; n * m],
            demand_ratio: vec![1.0; n * m],
            direct: vec![0.0; routes],
            rerouted: vec![0.0; routes],
            domestic: vec![0.0; m * n],
            expenditure: vec![0.0; m * n],
            growth: vec![1.0; m * n],
            cover_prev: vec![0.0; routes],
            income: vec![0.0; n],
            deficit: vec![0.0; n],
            spending: vec![0.0; n],
            sales: vec![0.0; n * m],
            capacity: vec![0.0; n * m],
            sold: vec![0.0; n * m],
            nonworld_income: 0.0,
            ext_gap: vec![0.0; n],
            wedge: vec![0.0; n],
            markup: vec![0.0; n],
            tension: init.tension.clone(),
            events_now: vec![0.0; l.pairs()],
            levers: pre.levers.clone(),
            intensity: Vec::new(),
            pending: Vec::new(),
            rule_states: vec![RuleState::default(); sc.rules.len()],
            fr: Frictions::new(n, m, l.pairs()),
            fr_intensity: Vec::new(),
            fr_valid: false,
            tau_pow: vec![1.0; routes],
            tau_kappa_pow: vec![1.0; routes],
            tau_pow_of: vec![1.0; routes],
            tau_kappa_pow_of: vec![1.0; routes],
            inv_tau: vec![1.0; routes],
            inv_kappa: vec![1.0; routes],
            kappa_of: vec![f64::NAN; routes],
            price_pow: vec![1.0; n * m],
            noise_direct: vec![0.0; routes],
            noise_rerouted: Vec::with_capacity(routes),
            shocked: Vec::with_capacity(routes),
            per_denom: vec![0.0; n],
            trend_of: vec![0.0; n],
            ln_pm: vec![0.0; m * n],
            ln_pd: vec![0.0; m * n],
            nest_scratch: (vec![0.0; m * n], vec![0.0; m * n]),
            scratch: vec![0.0; m * n],
            target_direct: vec![0.0; routes],
            target_rerouted: vec![0.0; routes],
            target_domestic: vec![0.0; m * n],
            import_denom: vec![0.0; m * n],
            ln_index: vec![0.0; m * n],
            domestic_share: vec![0.0; m * n],
            sector_spend: vec![0.0; m],
            active: vec![u64::MAX >> (64 - pre.bins.weight.len()); routes],
            extensive: vec![1.0; routes],
            perceived: vec![0.0; routes],
            potential: vec![0.0; routes],
            full_weight: vec![0.0; routes],
            row_factor: vec![0.0; n * n],
        };
        model.fr.reroutable.clone_from(&init.reroutable);
        // The base-year equilibrium, grown to the start: no levers, base shares.
        for s in 0..m {
            let w_eta = model.world.power(s, 1.0 - sc.params.eta[s]);
            for j in 0..n {
                let scale = model.yhat[j] * w_eta;
                model.expenditure[s * n + j] = pre.a0[s * n + j] * scale;
                model.domestic[s * n + j] = pre.dom0[s * n + j] * scale;
                for i in 0..n {
                    let r = l.route(s, i, j);
                    model.direct[r] = init.flows[r] * scale;
                }
            }
        }
        // what producers sold at the start (world-priced: their income in the first step)
        for i in 0..n {
            for s in (0..m).filter(|&s| !pre.world_priced[s]) {
                model.nonworld_income += pre.q0[i * m + s] * model.ytrend[i];
            }
            for s in (0..m).filter(|&s| pre.world_priced[s]) {
                let exports: f64 = (0..n).map(|j| model.direct[l.route(s, i, j)]).sum();
                model.sold[i * m + s] = (model.domestic[s * n + i] + exports) / model.world.index(s);
            }
        }
        model
    }

    pub fn finished(&self) -> bool {
        self.k >= self.pre.steps
    }

    /// Advance one step (docs/model.md "One step").
    pub fn step(&mut self) {
        #[cfg(target_arch = "x86_64")]
        if crate::cpu::has_avx2() {
            // SAFETY: the processor has the features `step_avx2` is compiled for.
            unsafe { self.step_avx2() };
            return;
        }
        self.step_inner();
    }

    /// `step` compiled for x86-64 processors with AVX2 (see `cpu.rs`).
    ///
    /// # Safety
    /// The processor must have the features enabled here (`cpu::has_avx2`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
    unsafe fn step_avx2(&mut self) {
        self.step_inner();
    }

    /// The step's outline: each line one agent's move (files of the same name).
    #[inline(always)]
    fn step_inner(&mut self) {
        let k = self.k;
        self.shocks(k); //                          world.rs: GDP, world prices, events
        self.governments(k); //                     governments.rs + policy.rs: levers and rules
        self.trade_costs(); //                      levers.rs: frictions of the levers in force
        self.reprice(); //                          exporters.rs: producers re-price their sector
        self.currencies(); //                       currency.rs: currency agents re-price the economy
        self.budget(); //                           currency.rs: income, deficit, spending
        self.allocate(); //                         importers.rs + domestic.rs: CES nests
        self.firms(); //                            firms.rs: entry and exit per destination
        self.adjust(); //                           trade.rs: partial adjustment, noise, GDP
        self.move_tension(); //                     tension.rs
        self.k += 1;
    }

    /// Step 3: frictions depend only on the levers in force and their intensities (lever
    /// instances never change once pushed, except `end_month`, which shows in the intensity).
    #[inline(always)]
    fn trade_costs(&mut self) {
        if !self.fr_valid || self.fr_intensity != self.intensity {
            let pre = self.pre;
            self.fr.compute(&self.levers, &self.intensity, pre.m, self.sc.params.rerouting_cost, self.sc.params.hub, self.sc.params.firms, |a, b| pre.layout.pair(a, b));
            self.fr_intensity.clone_from(&self.intensity);
            self.fr_valid = true;
            self.friction_powers();
        }
    }

    /// Bilateral trade of a pair in both directions, direct and rerouted.
    #[inline(always)]
    pub fn pair_trade(&self, a: usize, b: usize) -> f64 {
        let l = &self.pre.layout;
        (0..self.pre.m)
            .map(|s| {
                let (x, y) = (l.route(s, a, b), l.route(s, b, a));
                self.direct[x] + self.direct[y] + self.rerouted[x] + self.rerouted[y]
            })
            .sum()
    }

    /// Write this step's observation (after `step`) into `out` (length `Layout::len`).
    pub fn observe(&self, out: &mut [f64]) {
        let l = &self.pre.layout;
        let (n, m) = (self.pre.n, self.pre.m);
        let trade = &mut out[l.trade()..l.trade() + l.routes()];
        trade.copy_from_slice(&self.direct);
        for s in 0..m {
            for i in 0..n {
                for j in 0..n {
                    let r = l.route(s, i, j);
                    let v = self.rerouted[r];
                    if v > 0.0 {
                        let h = self.fr.hub[r];
                        trade[l.route(s, i, h)] += v / (1.0 + self.fr.kappa[r]);
                        trade[l.route(s, h, j)] += v;
                    }
                }
            }
        }
        out[l.transit()..l.transit() + l.routes()].copy_from_slice(&self.rerouted);
        out[l.tension()..l.tension() + l.pairs()].copy_from_slice(&self.tension);
        out[l.gdp()..l.gdp() + n].copy_from_slice(&self.gdp);
        for i in 0..n {
            for s in 0..m {
                out[l.price() + i * m + s] = self.price[i * m + s];
            }
        }
        for (q, lw) in self.log_world.iter().enumerate() {
            out[l.world_price() + q] = exp(*lw);
        }
        for (r, st) in self.rule_states.iter().enumerate() {
            out[l.rule_fired() + r] = if st.fired { 1.0 } else { 0.0 };
        }
        out[l.domestic()..l.domestic() + m * n].copy_from_slice(&self.domestic);
        out[l.currency()..l.currency() + n].copy_from_slice(&self.currency);
        // exporter-reported totals: each pair's sum over sectors, in sector order from -0.0
        // (as `Iterator::sum` adds), a sector block of pairs at a time
        let (head, reported) = out.split_at_mut(l.exporter_reported());
        let reported = &mut reported[..n * n];
        let trade = &head[l.trade()..l.trade() + l.routes()];
        reported.fill(-0.0);
        for (flows, mirror) in trade.chunks_exact(n * n).zip(self.init.mirror.chunks_exact(n * n)) {
            for ((x, &f), &r) in reported.iter_mut().zip(flows).zip(mirror) {
                *x += f * r;
            }
        }
    }
}

/// Run `run` of a scenario prepared once (`pre`) and write every step's observation into
/// `out` (steps × `Layout::len`). With priors, the run first draws its own parameters (and
/// prepares the scenario with them). Stops at the first step whose state fails `Model::check`
/// (a non-finite or absurd value), returning what is wrong. (One run; a thread that runs many
/// uses a `Runner`.)
pub fn run_to_end(sc: &Scenario, init: &Init, pre: &Prepared, seed: u64, run: u64, out: &mut [f64]) -> Result<(), Anomaly> {
    Runner::new(sc, init, pre).run(seed, run, out)
}

/// The runs of one scenario on one thread: `run_to_end` for each, keeping what runs can share.
/// With priors, one copy of the scenario per thread that every run draws its parameters into:
/// each prior overwrites its own target (`Scenario::set`), so after the draws the copy is the
/// scenario as that run sees it, as a fresh copy would be, without copying the scenario's
/// levers, rules and texts for every run (about 6% of a run of sanctions_2022).
pub struct Runner<'a> {
    sc: &'a Scenario,
    init: &'a Init,
    pre: &'a Prepared,
    drawn: Option<Scenario>,
}

impl<'a> Runner<'a> {
    pub fn new(sc: &'a Scenario, init: &'a Init, pre: &'a Prepared) -> Self {
        Runner { sc, init, pre, drawn: None }
    }

    /// Run `run` (see `run_to_end`).
    pub fn run(&mut self, seed: u64, run: u64, out: &mut [f64]) -> Result<(), Anomaly> {
        let (sc, init) = (self.sc, self.init);
        if sc.priors.is_empty() {
            return run_with(sc, init, self.pre, crate::rng::run_rng(seed, run), out);
        }
        let drawn = self.drawn.get_or_insert_with(|| sc.clone());
        priors::draw_into(drawn, &sc.priors, seed, run);
        let prepared = Prepared::new(drawn, init);
        run_with(drawn, init, &prepared, crate::rng::run_rng(seed, run), out)
    }
}

fn run_with(sc: &Scenario, init: &Init, pre: &Prepared, rng: ChaCha8Rng, out: &mut [f64]) -> Result<(), Anomaly> {
    let width = pre.layout.len();
    let mut model = Model::new(sc, init, pre, rng);
    for k in 0..pre.steps {
        model.step();
        if let Some(a) = model.check() {
            return Err(a);
        }
        model.observe(&mut out[k * width..(k + 1) * width]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::Calibration;
    use crate::rng::run_rng;
    use crate::scenario::parse_scenario;
    use crate::summary::{BufferedSummary, Summary};

    /// The copies compiled for AVX2 (taken on this machine if it has it) give the same bits
    /// as the baseline code, for the model and for the summaries.
    #[test]
    fn processor_specific_copies_give_the_same_bits() {
        let cal = Calibration::embedded().unwrap();
        let sc = parse_scenario(include_str!("../../scenarios/sanctions_2022.toml"), "sanctions_2022.toml", &cal.universe()).unwrap();
        let init = cal.init(sc.base);
        let pre = Prepared::new(&sc, &init);
        let width = pre.layout.len();
        let (mut fast, mut base) = (BufferedSummary::new(Summary::new(&sc, &init, &pre.layout)), BufferedSummary::new(Summary::new(&sc, &init, &pre.layout)));
        for run in 0..70 {
            let (mut a, mut b) = (Model::new(&sc, &init, &pre, run_rng(sc.seed, run)), Model::new(&sc, &init, &pre, run_rng(sc.seed, run)));
            let (mut obs_a, mut obs_b) = (vec![0.0; width * pre.steps], vec![0.0; width * pre.steps]);
            for k in 0..pre.steps {
                a.step();
                b.step_inner();
                a.observe(&mut obs_a[k * width..(k + 1) * width]);
                b.observe(&mut obs_b[k * width..(k + 1) * width]);
            }
            assert!(obs_a.iter().zip(&obs_b).all(|(x, y)| x.to_bits() == y.to_bits()), "run {run}");
            fast.add_run(&obs_a);
            base.add_run_portable(&obs_b);
        }
        assert_eq!(fast.finish(), base.finish());
    }

    /// A `Runner` draws every run's priors into one reused copy of the scenario: the same bits
    /// as a fresh copy per run (`run_to_end`), here for sanctions_2022's lever priors.
    #[test]
    fn a_reused_runner_gives_the_runs_of_fresh_copies() {
        let cal = Calibration::embedded().unwrap();
        let sc = parse_scenario(include_str!("../../scenarios/sanctions_2022.toml"), "sanctions_2022.toml", &cal.universe()).unwrap();
        assert!(sc.priors.len() > 10, "the scenario has priors");
        let init = cal.init(sc.base);
        let pre = Prepared::new(&sc, &init);
        let width = pre.layout.len() * pre.steps;
        let mut runner = Runner::new(&sc, &init, &pre);
        for run in [3, 0, 7, 7, 1] {
            let (mut reused, mut fresh) = (vec![0.0; width], vec![0.0; width]);
            runner.run(sc.seed, run, &mut reused).unwrap();
            run_to_end(&sc, &init, &pre, sc.seed, run, &mut fresh).unwrap();
            assert!(reused.iter().zip(&fresh).all(|(a, b)| a.to_bits() == b.to_bits()), "run {run}");
        }
        // and the draws differ between runs (the copy is not stuck on the first run's)
        let mut a = vec![0.0; width];
        runner.run(sc.seed, 0, &mut a).unwrap();
        let mut b = vec![0.0; width];
        runner.run(sc.seed, 1, &mut b).unwrap();
        assert!(a != b);
    }
}
