//! The agent model: economies, exporter agents, importers, governments and political
//! relations, advanced one step at a time (MODEL.md "One step"). No IO, no threads, no
//! printing: a `Model` owns its generator and writes observations into slices it is given.

pub mod levers;
pub mod math;
pub mod obs;
pub mod policy;

use crate::scenario::{EnergyPricePath, Scenario};
use levers::{mask, ActiveLever, Frictions, Origin};
use math::{exp, ln, pow};
pub use obs::Layout;
use policy::{Pending, PolicyView, RuleState};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, Poisson, StandardNormal};

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
    /// Sector whose price follows the world energy price (if any).
    pub energy_sector: Option<usize>,
    /// World energy price in the base year, USD per barrel (None: unknown, index from 1).
    pub energy_base: Option<f64>,
    /// Annual energy prices by year (USD per barrel), used by the `data` path.
    pub energy_annual: Vec<(i32, f64)>,
}

/// Numbers derived once per scenario and shared by all its runs.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub layout: Layout,
    pub n: usize,
    pub m: usize,
    pub steps: usize,
    pub dt: f64,
    pub step_months: u32,
    /// Fraction of the gap to the CES target closed per step, per sector.
    pub adjust: Vec<f64>,
    /// Base shares π0 [s][i][j] of importer j's sector-s imports.
    pub pi0: Vec<f64>,
    /// Base import expenditure [s][j].
    pub e0: Vec<f64>,
    /// Base exports [i][s], the exporter's capacity in base-year units.
    pub k0: Vec<f64>,
    /// Base bilateral trade of each pair relative to the pair's GDP (interdependence at base).
    pub d0: Vec<f64>,
    /// Tension baseline per pair (base tension is a steady state at γ_ref).
    pub baseline: Vec<f64>,
    /// Event rate and mean size per pair.
    pub events: Vec<(f64, f64)>,
    /// Per pair, the distribution of the number of events in one step (None: no events).
    pub event_count: Vec<Option<Poisson<f64>>>,
    /// Energy price from the data path at each step's midpoint, where the data has it.
    pub energy_data: Vec<Option<f64>>,
    pub energy_base: f64,
    pub ln_energy_base: f64,
    /// Scheduled levers, expanded to one instance per target.
    pub levers: Vec<ActiveLever>,
    /// First step at which each rule may act.
    pub rule_first_step: Vec<usize>,
    /// Time (years) at the middle of step 0 minus the middle of the base year.
    pub t0_offset: f64,
}

impl Prepared {
    pub fn new(sc: &Scenario, init: &Init) -> Self {
        let n = init.economies.len();
        let m = init.sectors.len();
        let layout = Layout::new(n, m, sc.rules.len());
        let dt = sc.step.dt();
        let step_months = sc.step.months();
        let steps = sc.steps();
        let adjust = sc.params.lambda.iter().map(|l| 1.0 - exp(-l * dt)).collect();
        let mut pi0 = vec![0.0; layout.routes()];
        let mut e0 = vec![0.0; m * n];
        let mut k0 = vec![0.0; n * m];
        for s in 0..m {
            for j in 0..n {
                let tot: f64 = (0..n).map(|i| init.flows[layout.route(s, i, j)]).sum();
                e0[s * n + j] = tot;
                for i in 0..n {
                    let x = init.flows[layout.route(s, i, j)];
                    if tot > 0.0 {
                        pi0[layout.route(s, i, j)] = x / tot;
                    }
                    k0[i * m + s] += x;
                }
            }
        }
        let mut d0 = vec![0.0; layout.pairs()];
        for a in 0..n {
            for b in (a + 1)..n {
                let t: f64 = (0..m).map(|s| init.flows[layout.route(s, a, b)] + init.flows[layout.route(s, b, a)]).sum();
                d0[layout.pair(a, b)] = t / (init.gdp[a] + init.gdp[b]);
            }
        }
        let mut events = vec![(sc.shocks.event_rate, sc.shocks.event_size); layout.pairs()];
        for pe in &sc.shocks.pair_events {
            events[layout.pair(pe.a, pe.b)] = (pe.rate, pe.size);
        }
        let event_count = events
            .iter()
            .map(|&(rate, size)| if rate <= 0.0 || size <= 0.0 { None } else { Poisson::new(rate * dt).ok() })
            .collect();
        let kt = sc.params.tension_reversion;
        let baseline = (0..layout.pairs())
            .map(|p| {
                let t0 = init.tension[p];
                if kt > 0.0 {
                    (t0 + (sc.params.gamma_ref * t0 - events[p].0 * events[p].1) / kt).clamp(0.0, 1.0)
                } else {
                    t0
                }
            })
            .collect();
        let energy_base = init.energy_base.unwrap_or(1.0);
        let energy_data = (0..steps)
            .map(|k| {
                if init.energy_base.is_none() || sc.shocks.energy_price != EnergyPricePath::Data {
                    return None;
                }
                let t = sc.step_date(k).as_years() + dt / 2.0;
                interpolate_annual(&init.energy_annual, t)
            })
            .collect();
        let mut levers = Vec::new();
        for (li, l) in sc.levers.iter().enumerate() {
            for &t in &l.on {
                levers.push(ActiveLever {
                    kind: l.kind.clone(),
                    by: l.by,
                    target: t,
                    sectors: mask(&l.sectors),
                    start_month: l.start.months_since(sc.start),
                    end_month: l.end.map(|e| e.months_since(sc.start)),
                    phase_months: l.phase_in_months,
                    step_months,
                    tension: l.tension,
                    follows: None,
                    origin: Origin::Scheduled(li),
                });
            }
        }
        let rule_first_step = sc.rules.iter().map(|r| r.from.map_or(0, |f| sc.step_of(f))).collect();
        let t0_offset = sc.start.as_years() + dt / 2.0 - (init.base as f64 + 0.5);
        Prepared {
            layout,
            n,
            m,
            steps,
            dt,
            step_months,
            adjust,
            pi0,
            e0,
            k0,
            d0,
            baseline,
            events,
            event_count,
            energy_data,
            energy_base,
            ln_energy_base: ln(energy_base),
            levers,
            rule_first_step,
            t0_offset,
        }
    }
}

/// World prices relative to base: only the energy sector has one (its index and logarithm);
/// every other sector's is 1.
#[derive(Debug, Clone, Copy)]
struct World {
    energy: Option<usize>,
    index: f64,
    ln: f64,
}

impl World {
    fn new(energy: Option<usize>, ln: f64) -> Self {
        World { energy, index: exp(ln), ln }
    }

    #[inline(always)]
    fn index(&self, s: usize) -> f64 {
        if Some(s) == self.energy {
            self.index
        } else {
            1.0
        }
    }

    #[inline(always)]
    fn ln(&self, s: usize) -> f64 {
        if Some(s) == self.energy {
            self.ln
        } else {
            0.0
        }
    }

    /// The index of sector s raised to `exponent`.
    #[inline(always)]
    fn power(&self, s: usize, exponent: f64) -> f64 {
        if Some(s) == self.energy {
            exp(exponent * self.ln)
        } else {
            1.0
        }
    }
}

/// ln 1000: the cap on a price index (relative to base).
const LN_PRICE_CAP: f64 = 6.907755278982137;

/// Linear interpolation of annual averages placed at mid-year; None outside the data.
fn interpolate_annual(data: &[(i32, f64)], t: f64) -> Option<f64> {
    let pts: Vec<(f64, f64)> = data.iter().map(|&(y, v)| (y as f64 + 0.5, v)).collect();
    let first = pts.first()?;
    let last = pts.last()?;
    if t < first.0 - 0.5 || t > last.0 + 0.5 {
        return None;
    }
    if t <= first.0 {
        return Some(first.1);
    }
    if t >= last.0 {
        return Some(last.1);
    }
    pts.windows(2).find(|w| t >= w[0].0 && t <= w[1].0).map(|w| w[0].1 + (w[1].1 - w[0].1) * (t - w[0].0) / (w[1].0 - w[0].0))
}

/// One run of the model.
pub struct Model<'a> {
    sc: &'a Scenario,
    init: &'a Init,
    pre: &'a Prepared,
    rng: ChaCha8Rng,
    /// Index of the next step to run.
    pub k: usize,
    log_trend: Vec<f64>,
    /// GDP multiplier from the export-revenue shortfall of the previous step.
    gdp_factor: Vec<f64>,
    pub gdp: Vec<f64>,
    log_energy: f64,
    /// World prices relative to base, this step.
    world: World,
    /// The world price factor of each sector's trend exports, W^(1−η) (scratch of `adjust`).
    gdp_weight: Vec<f64>,
    /// GDP on trend (before the export-shortfall factor), and GDP relative to base, per economy.
    trend_gdp: Vec<f64>,
    yhat: Vec<f64>,
    /// Exporter price relative to base, and its logarithm, [i][s].
    pub price: Vec<f64>,
    log_price: Vec<f64>,
    /// 1 / (price · world price), [i][s], this step.
    inv_unit: Vec<f64>,
    /// Notional demand over capacity from the last allocation, [i][s].
    demand_ratio: Vec<f64>,
    /// Direct flows [s][i][j], USD per year.
    pub direct: Vec<f64>,
    /// Rerouted flows by origin and destination [s][i][j], value at the destination.
    pub rerouted: Vec<f64>,
    expenditure: Vec<f64>,
    /// Growth of each importer's sector expenditure this step [s][j].
    growth: Vec<f64>,
    cover_prev: Vec<f64>,
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
    /// The arguments `tau_pow` and `tau_kappa_pow` hold the powers of.
    tau_pow_of: Vec<f64>,
    tau_kappa_pow_of: Vec<f64>,
    inv_tau: Vec<f64>,
    inv_kappa: Vec<f64>,
    /// Exporter price^(1−σ) per [i][s], this step.
    price_pow: Vec<f64>,
    // scratch for the allocation and the noise (log factors; NaN: none)
    noise_direct: Vec<f64>,
    noise_rerouted: Vec<f64>,
    per_denom: Vec<f64>,
    trend_of: Vec<f64>,
    target_direct: Vec<f64>,
    target_rerouted: Vec<f64>,
}

impl<'a> Model<'a> {
    pub fn new(sc: &'a Scenario, init: &'a Init, pre: &'a Prepared, rng: ChaCha8Rng) -> Self {
        let (n, m) = (pre.n, pre.m);
        let l = &pre.layout;
        let log_trend: Vec<f64> = (0..n).map(|i| ln(init.gdp[i]) + init.growth[i] * (pre.t0_offset - pre.dt)).collect();
        let gdp: Vec<f64> = log_trend.iter().map(|&x| exp(x)).collect();
        let p0 = pre.energy_data.first().copied().flatten().unwrap_or(pre.energy_base);
        let ln_world = ln(p0) - pre.ln_energy_base;
        let yhat = (0..n).map(|i| gdp[i] / init.gdp[i]).collect();
        let trend_gdp = gdp.clone();
        let mut model = Model {
            sc,
            init,
            pre,
            rng,
            k: 0,
            log_trend,
            gdp_factor: vec![1.0; n],
            gdp,
            log_energy: ln(p0),
            world: World::new(init.energy_sector, ln_world),
            gdp_weight: vec![1.0; m],
            yhat,
            trend_gdp,
            price: vec![1.0; n * m],
            log_price: vec![0.0; n * m],
            inv_unit: vec![1.0; n * m],
            demand_ratio: vec![1.0; n * m],
            direct: vec![0.0; l.routes()],
            rerouted: vec![0.0; l.routes()],
            expenditure: vec![0.0; m * n],
            growth: vec![1.0; m * n],
            cover_prev: vec![0.0; l.routes()],
            tension: init.tension.clone(),
            events_now: vec![0.0; l.pairs()],
            levers: pre.levers.clone(),
            intensity: Vec::new(),
            pending: Vec::new(),
            rule_states: vec![RuleState::default(); sc.rules.len()],
            fr: Frictions::new(n, m, l.pairs()),
            fr_intensity: Vec::new(),
            fr_valid: false,
            tau_pow: vec![1.0; l.routes()],
            tau_kappa_pow: vec![1.0; l.routes()],
            tau_pow_of: vec![1.0; l.routes()],
            tau_kappa_pow_of: vec![1.0; l.routes()],
            inv_tau: vec![1.0; l.routes()],
            inv_kappa: vec![1.0; l.routes()],
            price_pow: vec![1.0; n * m],
            noise_direct: vec![0.0; l.routes()],
            noise_rerouted: vec![f64::NAN; l.routes()],
            per_denom: vec![0.0; n],
            trend_of: vec![0.0; n],
            target_direct: vec![0.0; l.routes()],
            target_rerouted: vec![0.0; l.routes()],
        };
        // The base-year equilibrium, grown to the start: no levers, base shares.
        for s in 0..m {
            let w_eta = model.world.power(s, 1.0 - sc.params.eta[s]);
            for j in 0..n {
                let scale = model.yhat[j] * w_eta;
                model.expenditure[s * n + j] = pre.e0[s * n + j] * scale;
                for i in 0..n {
                    let r = l.route(s, i, j);
                    model.direct[r] = init.flows[r] * scale;
                }
            }
        }
        model
    }


    pub fn finished(&self) -> bool {
        self.k >= self.pre.steps
    }

    /// Advance one step (MODEL.md steps 1 to 8).
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

    #[inline(always)]
    fn step_inner(&mut self) {
        let k = self.k;
        self.shocks(k);
        self.governments(k);
        let pre = self.pre;
        let pair = |a, b| pre.layout.pair(a, b);
        // Frictions depend only on the levers in force and their intensities (lever instances
        // never change once pushed, except `end_month`, which shows in the intensity).
        if !self.fr_valid || self.fr_intensity != self.intensity {
            self.fr.compute(&self.levers, &self.intensity, self.pre.m, self.sc.params.rerouting_cost, self.sc.params.hub, pair);
            self.fr_intensity.clone_from(&self.intensity);
            self.fr_valid = true;
            self.friction_powers();
        }
        self.reprice();
        self.allocate();
        self.adjust();
        self.move_tension();
        self.k += 1;
    }

    /// Step 1: GDP, world energy price, political events.
    #[inline(always)]
    fn shocks(&mut self, k: usize) {
        let dt = self.pre.dt;
        let vol_scale = self.sc.shocks.gdp_volatility_scale;
        for i in 0..self.pre.n {
            let z: f64 = StandardNormal.sample(&mut self.rng);
            self.log_trend[i] += self.init.growth[i] * dt + self.init.gdp_volatility[i] * vol_scale * dt.sqrt() * z;
            self.trend_gdp[i] = exp(self.log_trend[i]);
            self.gdp[i] = self.trend_gdp[i] * self.gdp_factor[i];
            self.yhat[i] = self.gdp[i] / self.init.gdp[i];
        }
        let sh = &self.sc.shocks;
        match (sh.energy_price, self.pre.energy_data[k]) {
            (EnergyPricePath::Flat, _) => self.log_energy = self.pre.ln_energy_base,
            (_, Some(p)) => self.log_energy = ln(p),
            _ => {
                let mean = sh.energy_price_mean.map_or(self.pre.ln_energy_base, ln);
                let z: f64 = StandardNormal.sample(&mut self.rng);
                self.log_energy += sh.energy_price_reversion * (mean - self.log_energy) * dt + sh.energy_price_volatility * dt.sqrt() * z;
            }
        }
        self.world = World::new(self.init.energy_sector, self.log_energy - self.pre.ln_energy_base);
        for (p, &(_, size)) in self.pre.events.iter().enumerate() {
            self.events_now[p] = 0.0;
            let Some(dist) = &self.pre.event_count[p] else { continue };
            let count = dist.sample(&mut self.rng) as usize;
            for _ in 0..count {
                let e: f64 = Exp1.sample(&mut self.rng);
                self.events_now[p] += e * size;
            }
        }
    }

    /// Step 2: scheduled levers switch, rules fire, pending levers arrive.
    #[inline(always)]
    fn governments(&mut self, k: usize) {
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
            &mut self.rng,
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

    #[inline(always)]
    fn refresh_intensity(&mut self, k: usize) {
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

    /// The powers of the frictions the CES shares use (they change only with `fr`).
    fn friction_powers(&mut self) {
        let (n, m) = (self.pre.n, self.pre.m);
        for s in 0..m {
            let one_minus = 1.0 - self.sc.params.sigma[s];
            for r in s * n * n..(s + 1) * n * n {
                let (tau, kappa) = (self.fr.tau[r], self.fr.kappa[r]);
                // only where the argument changed (most routes keep theirs when one lever
                // moves); the rerouted power is used only where a ban leaks
                if tau != self.tau_pow_of[r] {
                    self.tau_pow[r] = pow(tau, one_minus);
                    self.tau_pow_of[r] = tau;
                }
                let rerouted = if self.fr.cover[r] > 0.0 && self.fr.leak[r] > 0.0 { tau * (1.0 + kappa) } else { f64::NAN };
                if rerouted != self.tau_kappa_pow_of[r] && !rerouted.is_nan() {
                    self.tau_kappa_pow[r] = pow(rerouted, one_minus);
                    self.tau_kappa_pow_of[r] = rerouted;
                }
                self.inv_tau[r] = 1.0 / tau;
                self.inv_kappa[r] = 1.0 / (1.0 + kappa);
            }
        }
    }

    /// Step 4: exporters re-price against last step's demand over capacity (implicitly
    /// damped so it is stable for any φ).
    #[inline(always)]
    fn reprice(&mut self) {
        let (n, m) = (self.pre.n, self.pre.m);
        let phi_dt = self.sc.params.phi * self.pre.dt;
        if phi_dt <= 0.0 {
            return;
        }
        for i in 0..n {
            for s in 0..m {
                let r = self.demand_ratio[i * m + s];
                if self.pre.k0[i * m + s] <= 0.0 {
                    continue;
                }
                let sigma = self.sc.params.sigma[s];
                let step = phi_dt * ln(r.clamp(1e-3, 1e3)) / (1.0 + phi_dt * sigma);
                self.log_price[i * m + s] += step;
                self.price[i * m + s] = exp(self.log_price[i * m + s]);
            }
        }
    }

    /// Step 5: importers split demand across routes by CES with exact hat algebra, and
    /// exporters' notional demand is measured against capacity.
    #[inline(always)]
    fn allocate(&mut self) {
        let pre = self.pre;
        let (n, m) = (pre.n, pre.m);
        let params = &self.sc.params;
        let world = self.world;
        // disjoint borrows of the fields (keeps their pointers out of memory in the loops)
        let Model { fr, log_price, price, price_pow, inv_unit, tau_pow, tau_kappa_pow, inv_tau, inv_kappa, target_direct, target_rerouted, per_denom, trend_of, expenditure, growth, yhat, demand_ratio, .. } = self;
        let fr = &*fr;
        // (p̂·τ̂)^(1−σ) = p̂^(1−σ)·τ̂^(1−σ): the price power once per exporter and sector, the
        // friction power only when frictions change (equal up to floating-point rounding).
        for x in 0..n * m {
            let s = x % m;
            price_pow[x] = exp((1.0 - params.sigma[s]) * log_price[x]);
            inv_unit[x] = 1.0 / (price[x] * world.index(s));
        }
        for s in 0..m {
            let one_minus = 1.0 - params.sigma[s];
            let eta = params.eta[s];
            let ln_w = world.ln(s);
            let w_eta = world.power(s, -eta);
            let block = s * n * n;
            // per importer: the CES denominator and expenditure
            for j in 0..n {
                let e0 = pre.e0[s * n + j];
                trend_of[j] = e0 * yhat[j] * w_eta;
                let mut denom = 0.0;
                for i in 0..n {
                    // without branches: a route without base trade (π0 = 0) or without a
                    // leaking ban (c·leak = 0) gets exactly 0 (the powers are finite)
                    let r = block + i * n + j;
                    let pi = pre.pi0[r];
                    let pp = price_pow[i * m + s];
                    let c = fr.cover[r];
                    let direct = pi * (1.0 - c) * (pp * tau_pow[r]);
                    let via = pi * c * fr.leak[r] * (pp * tau_kappa_pow[r]);
                    target_direct[r] = direct;
                    target_rerouted[r] = via;
                    denom += direct + via;
                }
                // E = E0·ŷ·(ŵ·P̂)^(1−η), P̂ = denom^(1/(1−σ)) capped at 1000
                let e = if denom > 1e-300 { e0 * yhat[j] * exp((1.0 - eta) * (ln_w + (ln(denom) / one_minus).min(LN_PRICE_CAP))) } else { 0.0 };
                let prev = expenditure[s * n + j];
                growth[s * n + j] = if prev > 0.0 { e / prev } else { 1.0 };
                expenditure[s * n + j] = e;
                per_denom[j] = if denom > 1e-300 { e / denom } else { 0.0 };
            }
            // per exporter: the targets of its routes (contiguous), the quantity asked of it
            // and its capacity (sums over importers in the same order as per route)
            let (per_denom, trend_of) = (&per_denom[..n], &trend_of[..n]);
            for i in 0..n {
                let x = i * m + s;
                let at = block + i * n..block + i * n + n;
                let (td, tv) = (&mut target_direct[at.clone()], &mut target_rerouted[at.clone()]);
                let (inv_tau, inv_kappa, pi0) = (&inv_tau[at.clone()], &inv_kappa[at.clone()], &pre.pi0[at]);
                let (mut demand, mut trend_demand) = (0.0, 0.0);
                for j in 0..n {
                    let f = per_denom[j] * inv_tau[j];
                    td[j] *= f;
                    tv[j] *= f;
                    demand += (td[j] + tv[j] * inv_kappa[j]) * inv_unit[x];
                    trend_demand += trend_of[j] * pi0[j];
                }
                let cap = trend_demand * fr.capacity[x];
                demand_ratio[x] = if cap > 0.0 { demand / cap } else { 1.0 };
            }
        }
    }

    /// Step 6 and 7: flows move toward their targets by partial adjustment; a newly covered
    /// share of a route stops at once; multiplicative noise per flow.
    #[inline(always)]
    fn adjust(&mut self) {
        let pre = self.pre;
        let (n, m) = (pre.n, pre.m);
        let nu = self.sc.shocks.trade_noise * pre.dt.sqrt();
        let drift = -0.5 * nu * nu;
        for (s, w) in self.gdp_weight.iter_mut().enumerate() {
            *w = self.world.power(s, 1.0 - self.sc.params.eta[s]);
        }
        let Model { rng, fr, cover_prev, growth, direct, rerouted, target_direct, target_rerouted, inv_kappa, yhat, trend_gdp, gdp_factor, gdp_weight, noise_direct, noise_rerouted, .. } = self;
        // First the deterministic part and the draws (in route order), then the noise factors
        // in a loop of their own, where the `exp`s do not wait on the generator.
        for s in 0..m {
            let lam = pre.adjust[s];
            let growth = &growth[s * n..(s + 1) * n];
            for i in 0..n {
                // one exporter's routes in this sector (slices of length n: no bounds checks)
                let row = (s * n + i) * n;
                let at = row..row + n;
                let (pi0, cover, target_d, target_v) = (&pre.pi0[at.clone()], &fr.cover[at.clone()], &target_direct[at.clone()], &target_rerouted[at.clone()]);
                let (cover_prev, direct, rerouted) = (&mut cover_prev[at.clone()], &mut direct[at.clone()], &mut rerouted[at.clone()]);
                let (noise_d, noise_v) = (&mut noise_direct[at.clone()], &mut noise_rerouted[at]);
                for j in 0..n {
                    if pi0[j] <= 0.0 {
                        continue;
                    }
                    let (c_now, c_prev) = (cover[j], cover_prev[j]);
                    // Flows follow their importer's expenditure at once; only shares adjust.
                    let g = growth[j];
                    let mut x = direct[j] * g;
                    if c_now > c_prev && c_prev < 1.0 {
                        x *= (1.0 - c_now) / (1.0 - c_prev);
                    }
                    x += lam * (target_d[j] - x);
                    if nu > 0.0 {
                        let z: f64 = StandardNormal.sample(rng);
                        noise_d[j] = nu * z + drift;
                        direct[j] = x;
                    } else {
                        direct[j] = x.max(0.0);
                    }
                    cover_prev[j] = c_now;
                    let mut v = rerouted[j] * g;
                    v += lam * (target_v[j] - v);
                    if nu > 0.0 && v > 0.0 {
                        let z: f64 = StandardNormal.sample(rng);
                        noise_v[j] = nu * z + drift;
                        rerouted[j] = v;
                    } else {
                        noise_v[j] = f64::NAN;
                        rerouted[j] = if v > 1e-9 { v } else { 0.0 };
                    }
                }
            }
        }
        if nu > 0.0 {
            let routes = direct.iter_mut().zip(rerouted.iter_mut()).zip(noise_direct.iter().zip(noise_rerouted.iter()));
            for (&pi, ((d, v), (&nd, &nv))) in pre.pi0.iter().zip(routes) {
                if pi <= 0.0 {
                    continue;
                }
                *d = (*d * exp(nd)).max(0.0);
                if !nv.is_nan() {
                    let w = *v * exp(nv);
                    *v = if w > 1e-9 { w } else { 0.0 };
                }
            }
        }
        // GDP responds to the export-revenue shortfall against trend.
        let mu = self.sc.params.gdp_pass_through;
        for i in 0..n {
            let mut revenue = 0.0;
            let mut trend = 0.0;
            for (s, &w) in gdp_weight.iter().enumerate() {
                let (mut rev_s, mut base) = (0.0, 0.0);
                let at = (s * n + i) * n..(s * n + i) * n + n;
                let (d, v, ik, flows) = (&direct[at.clone()], &rerouted[at.clone()], &inv_kappa[at.clone()], &self.init.flows[at]);
                for (j, &y) in yhat[..n].iter().enumerate() {
                    rev_s += d[j] + v[j] * ik[j];
                    base += flows[j] * y;
                }
                revenue += rev_s;
                trend += base * w;
            }
            gdp_factor[i] = (1.0 + mu * (revenue - trend) / trend_gdp[i]).clamp(0.2, 2.0);
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

    /// Step 8: tension reverts to its (lever-shifted) baseline, jumps with events, and is
    /// calmed by interdependence γ·D·T.
    #[inline(always)]
    fn move_tension(&mut self) {
        let dt = self.pre.dt;
        let p = &self.sc.params;
        let n = self.pre.n;
        for a in 0..n {
            for b in (a + 1)..n {
                let q = self.pre.layout.pair(a, b);
                let d0 = self.pre.d0[q];
                let d = if d0 > 0.0 { self.pair_trade(a, b) / (self.gdp[a] + self.gdp[b]) / d0 } else { 0.0 };
                let t = self.tension[q];
                let target = (self.pre.baseline[q] + self.fr.tension_shift[q]).clamp(0.0, 1.0);
                let next = t + p.tension_reversion * (target - t) * dt + self.events_now[q] - p.gamma * d * t * dt;
                self.tension[q] = next.clamp(0.0, 1.0);
            }
        }
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
        out[l.energy_price()] = exp(self.log_energy);
        for (r, st) in self.rule_states.iter().enumerate() {
            out[l.rule_fired() + r] = if st.fired { 1.0 } else { 0.0 };
        }
    }
}

/// The generator-free part of a run: prepare once, then `run` per run index.
pub fn run_to_end(sc: &Scenario, init: &Init, pre: &Prepared, rng: ChaCha8Rng, out: &mut [f64]) {
    let width = pre.layout.len();
    let mut model = Model::new(sc, init, pre, rng);
    for k in 0..pre.steps {
        model.step();
        model.observe(&mut out[k * width..(k + 1) * width]);
    }
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
}
