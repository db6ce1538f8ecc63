//! Ensemble summaries: per date (and per calendar year) the mean and quantiles of every
//! series over runs. Each series keeps a mergeable quantile sketch (`sketch.rs`: relative
//! error at most `ALPHA`, exact means), so memory does not grow with the number of
//! runs, and runs may be added in any order and split across partial summaries (one per
//! thread, shard or block) that merge into exactly the same result: the output does not
//! depend on thread count or on how the runs were split.

use crate::model::{Init, Layout};
use crate::scenario::Scenario;

pub use crate::sketch::{SignedSketch, Sketch, ALPHA};

/// What a series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    Trade,
    Transit,
    Tension,
    Gdp,
    ExportPrice,
    WorldPrice,
    RuleFired,
    Domestic,
    Currency,
    TradeExporterReported,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Trade => "trade",
            Metric::Transit => "transit",
            Metric::Tension => "tension",
            Metric::Gdp => "gdp",
            Metric::ExportPrice => "export_price",
            Metric::WorldPrice => "world_price",
            Metric::RuleFired => "rule_fired",
            Metric::Domestic => "domestic",
            Metric::Currency => "currency",
            Metric::TradeExporterReported => "trade_exporter_reported",
        }
    }
    /// Flows add up over a year; levels are averaged; rule flags take the year's last value.
    fn annual(self) -> Annual {
        match self {
            Metric::Trade | Metric::Transit | Metric::Domestic | Metric::TradeExporterReported => Annual::Sum,
            Metric::RuleFired => Annual::Last,
            _ => Annual::Mean,
        }
    }
    /// Values printed as whole US dollars.
    pub fn is_money(self) -> bool {
        matches!(self, Metric::Trade | Metric::Transit | Metric::Gdp | Metric::Domestic | Metric::TradeExporterReported)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Annual {
    Sum,
    Mean,
    Last,
}

/// One output series: its labels and the observation slots it sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub metric: Metric,
    pub exporter: String,
    pub importer: String,
    pub sector: String,
    pub slots: Vec<usize>,
}

/// Every series a scenario's summary reports, in output order.
pub fn series(sc: &Scenario, init: &Init, layout: &Layout) -> Vec<Series> {
    let (n, m) = (layout.n, layout.m);
    let e = &init.economies;
    let mut out = Vec::new();
    for metric in [Metric::Trade, Metric::Transit] {
        let block = if metric == Metric::Trade { layout.trade() } else { layout.transit() };
        for i in 0..n {
            for j in 0..n {
                let has_base = (0..m).any(|s| init.flows[layout.route(s, i, j)] > 0.0);
                if i == j && !has_base {
                    continue;
                }
                if metric == Metric::Transit && i == j {
                    continue;
                }
                for s in 0..m {
                    out.push(Series {
                        metric,
                        exporter: e[i].clone(),
                        importer: e[j].clone(),
                        sector: init.sectors[s].clone(),
                        slots: vec![block + layout.route(s, i, j)],
                    });
                }
                out.push(Series {
                    metric,
                    exporter: e[i].clone(),
                    importer: e[j].clone(),
                    sector: "all".into(),
                    slots: (0..m).map(|s| block + layout.route(s, i, j)).collect(),
                });
            }
        }
    }
    for a in 0..n {
        for b in (a + 1)..n {
            out.push(Series { metric: Metric::Tension, exporter: e[a].clone(), importer: e[b].clone(), sector: String::new(), slots: vec![layout.tension() + layout.pair(a, b)] });
        }
    }
    for (i, name) in e.iter().enumerate() {
        out.push(Series { metric: Metric::Gdp, exporter: name.clone(), importer: String::new(), sector: String::new(), slots: vec![layout.gdp() + i] });
    }
    for (i, name) in e.iter().enumerate() {
        for s in 0..m {
            out.push(Series { metric: Metric::ExportPrice, exporter: name.clone(), importer: String::new(), sector: init.sectors[s].clone(), slots: vec![layout.price() + i * m + s] });
        }
    }
    for (q, w) in init.world.iter().enumerate() {
        out.push(Series { metric: Metric::WorldPrice, exporter: String::new(), importer: String::new(), sector: w.name.clone(), slots: vec![layout.world_price() + q] });
    }
    for (r, rule) in sc.rules.iter().enumerate() {
        let targets: Vec<String> = match &rule.kind {
            crate::scenario::RuleKind::Retaliate { against, .. } => against.iter().map(|&x| e[x].clone()).collect(),
            crate::scenario::RuleKind::Align { leader, .. } => vec![e[*leader].clone()],
            crate::scenario::RuleKind::Escalate { on, .. } => vec![e[*on].clone()],
            crate::scenario::RuleKind::Normalize { on, .. } => on.iter().map(|&x| e[x].clone()).collect(),
        };
        out.push(Series { metric: Metric::RuleFired, exporter: e[rule.by].clone(), importer: targets.join("+"), sector: rule.id.clone(), slots: vec![layout.rule_fired() + r] });
    }
    // Version 2 channels: series only where the channel is on, so a run with them off writes
    // exactly the version-1 files
    if sc.params.domestic {
        for (j, name) in e.iter().enumerate() {
            for s in 0..m {
                out.push(Series { metric: Metric::Domestic, exporter: name.clone(), importer: name.clone(), sector: init.sectors[s].clone(), slots: vec![layout.domestic() + s * n + j] });
            }
            let slots = (0..m).map(|s| layout.domestic() + s * n + j).collect();
            out.push(Series { metric: Metric::Domestic, exporter: name.clone(), importer: name.clone(), sector: "all".into(), slots });
        }
    }
    if sc.params.currency {
        for (i, name) in e.iter().enumerate() {
            out.push(Series { metric: Metric::Currency, exporter: name.clone(), importer: String::new(), sector: String::new(), slots: vec![layout.currency() + i] });
        }
    }
    // the other reporting basis, for every pair, when the calibration has mirror ratios (a
    // calibration without mirror.csv, like version 1's, has none)
    let mirrored = init.mirror.iter().any(|&r| r != 1.0);
    for i in (0..n).filter(|_| mirrored) {
        for j in (0..n).filter(|&j| j != i) {
            let slots = vec![layout.exporter_reported() + i * n + j];
            out.push(Series { metric: Metric::TradeExporterReported, exporter: e[i].clone(), importer: e[j].clone(), sector: "all".into(), slots });
        }
    }
    out
}

/// Calendar years fully covered by the run, with the steps in each.
pub fn full_years(sc: &Scenario) -> Vec<(i32, Vec<usize>)> {
    let mut years: Vec<(i32, Vec<usize>)> = Vec::new();
    for k in 0..sc.steps() {
        let y = sc.step_date(k).year;
        match years.last_mut() {
            Some((yy, v)) if *yy == y => v.push(k),
            _ => years.push((y, vec![k])),
        }
    }
    let per_year = (12 / sc.step.months()) as usize;
    years.retain(|(_, v)| v.len() == per_year);
    years
}

/// Accumulates runs into per-date and per-year sketches for every series.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub series: Vec<Series>,
    pub dates: Vec<String>,
    pub years: Vec<(i32, Vec<usize>)>,
    width: usize,
    dt: f64,
    /// [date][series]
    pub by_date: Vec<Vec<Sketch>>,
    /// [year][series]
    pub by_year: Vec<Vec<Sketch>>,
    pub runs: u64,
}

impl Summary {
    pub fn new(sc: &Scenario, init: &Init, layout: &Layout) -> Self {
        let series = series(sc, init, layout);
        let steps = sc.steps();
        let years = full_years(sc);
        Summary {
            dates: (0..steps).map(|k| sc.step_date(k).to_string()).collect(),
            by_date: vec![vec![Sketch::default(); series.len()]; steps],
            by_year: vec![vec![Sketch::default(); series.len()]; years.len()],
            years,
            series,
            width: layout.len(),
            dt: sc.step.dt(),
            runs: 0,
        }
    }

    /// Add one run's observations (steps × `Layout::len`). Runs may be added in any order
    /// and split across summaries that are merged later: the result is the same.
    pub fn add_run(&mut self, obs: &[f64]) {
        self.runs += 1;
        let width = self.width;
        for (k, row) in self.by_date.iter_mut().enumerate() {
            let o = &obs[k * width..(k + 1) * width];
            for (s, sk) in self.series.iter().zip(row.iter_mut()) {
                sk.add(slot_sum(o, &s.slots));
            }
        }
        for ((_, steps), row) in self.years.iter().zip(self.by_year.iter_mut()) {
            for (s, sk) in self.series.iter().zip(row.iter_mut()) {
                let v = annual_of(s.metric, steps.iter().map(|&k| slot_sum(&obs[k * width..(k + 1) * width], &s.slots)), self.dt);
                sk.add(v);
            }
        }
    }

    /// How many sketches have sums past the exact range (`Sketch::saturated`).
    pub fn saturated(&self) -> usize {
        self.sketches().filter(|s| s.saturated()).count()
    }

    /// Every sketch, by date then by year (the order `encode`/`decode` of a state file use).
    pub fn sketches(&self) -> impl Iterator<Item = &Sketch> {
        self.by_date.iter().chain(&self.by_year).flatten()
    }

    pub fn sketches_mut(&mut self) -> impl Iterator<Item = &mut Sketch> {
        self.by_date.iter_mut().chain(self.by_year.iter_mut()).flatten()
    }

    /// Combine another summary of the same scenario (for example another shard's runs).
    pub fn merge(&mut self, other: &Summary) {
        self.merge_rows_with(other, |rows| rows.into_iter().for_each(RowMerge::run));
    }

    /// `merge`, with the merging of each row of sketches (a date or a year) handed to
    /// `run_all`, which may run them in parallel: rows are disjoint and each merge is exact,
    /// so the result is the same.
    pub fn merge_rows_with<'a>(&'a mut self, other: &'a Summary, run_all: impl FnOnce(Vec<RowMerge<'a>>)) {
        assert_eq!(self.series.len(), other.series.len());
        self.runs += other.runs;
        let into = self.by_date.iter_mut().chain(self.by_year.iter_mut());
        let from = other.by_date.iter().chain(other.by_year.iter());
        run_all(into.zip(from).map(|(into, from)| RowMerge { into, from }).collect());
    }
}

/// One row of a summary's sketches to merge into another's (see `Summary::merge_rows_with`).
pub struct RowMerge<'a> {
    into: &'a mut Vec<Sketch>,
    from: &'a Vec<Sketch>,
}

impl RowMerge<'_> {
    pub fn run(self) {
        for (x, y) in self.into.iter_mut().zip(self.from) {
            x.merge(y);
        }
    }
}

/// The value of a series in one step's observation row: the sum of its slots (in slot order,
/// from -0.0 as `Iterator::sum` starts). Most series have one slot: its value is read directly
/// (added to -0.0, the same bits) instead of going through the sum.
#[inline(always)]
fn slot_sum(row: &[f64], slots: &[usize]) -> f64 {
    if let [i] = slots {
        -0.0 + row[*i]
    } else {
        slots.iter().map(|&i| row[i]).sum()
    }
}

/// A year's value of a series from its steps' values (annual rates): flows add up over the
/// year, levels are averaged, rule flags take the year's last value.
#[inline(always)]
fn annual_of(metric: Metric, values: impl Iterator<Item = f64>, dt: f64) -> f64 {
    match metric.annual() {
        Annual::Sum => values.sum::<f64>() * dt,
        Annual::Mean => {
            let (mut sum, mut count) = (0.0, 0usize);
            for v in values {
                sum += v;
                count += 1;
            }
            sum / count.max(1) as f64
        }
        Annual::Last => values.last().unwrap_or(0.0),
    }
}

/// Every series' value for a year (`out`), from its steps' values (`rows`, [date][series],
/// `ns` series of kinds `kinds`): `annual_of` of each series, the same operations in the same
/// order (sums from -0.0 as `Iterator::sum`, means from 0.0), a step's row at a time (loops
/// over the series, which vectorise).
fn annual_row(kinds: &[Annual], steps: &[usize], rows: &[f64], ns: usize, dt: f64, out: &mut [f64]) {
    let (kinds, out) = (&kinds[..ns], &mut out[..ns]);
    for (o, &kind) in out.iter_mut().zip(kinds) {
        *o = if kind == Annual::Sum { -0.0 } else { 0.0 };
    }
    for &k in steps {
        for (o, &v) in out.iter_mut().zip(&rows[k * ns..(k + 1) * ns]) {
            *o += v;
        }
    }
    let count = steps.len().max(1) as f64;
    let last = steps.last().map(|&k| &rows[k * ns..(k + 1) * ns]);
    for (si, (o, &kind)) in out.iter_mut().zip(kinds).enumerate() {
        *o = match kind {
            Annual::Sum => *o * dt,
            Annual::Mean => *o / count,
            Annual::Last => last.map_or(0.0, |row| row[si]),
        };
    }
}

/// Paired differences between a scenario's runs and its baseline's runs with the same seeds
/// (common random numbers: the same shocks and parameter draws), per run: scenario −
/// baseline, and 100 × (scenario − baseline) / baseline where the baseline is not zero. Per
/// series and year for every series both have, and per date for the series the charts draw
/// (sector `all`, GDP, currency, tension). Exact, order-free merges, like `Summary`.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedSummary {
    /// The series compared (the scenario's, where the baseline has the same one).
    pub series: Vec<Series>,
    /// The baseline's slots of each compared series.
    base_slots: Vec<Vec<usize>>,
    /// Each compared series' index among the scenario's series (`series(sc, ..)`, the order
    /// of a `Summary`), and how many those are.
    of_scenario: Vec<usize>,
    scenario_series: usize,
    /// Indices into `series` of the series kept per date.
    pub dated: Vec<usize>,
    pub dates: Vec<String>,
    pub years: Vec<(i32, Vec<usize>)>,
    width: usize,
    base_width: usize,
    dt: f64,
    /// [date][dated series] and [year][series]: differences and percentage differences.
    pub abs_by_date: Vec<Vec<SignedSketch>>,
    pub pct_by_date: Vec<Vec<SignedSketch>>,
    pub abs_by_year: Vec<Vec<SignedSketch>>,
    pub pct_by_year: Vec<Vec<SignedSketch>>,
    pub runs: u64,
}

impl PairedSummary {
    /// For a scenario and its baseline (same calibration and dates; the caller checks).
    pub fn new(sc: &Scenario, init: &Init, layout: &Layout, base: &Scenario, base_layout: &Layout) -> Self {
        let mine = series(sc, init, layout);
        let theirs = series(base, init, base_layout);
        // the baseline's series by their labels (the first of equal labels, as a search in
        // order finds it): one lookup per series instead of a scan with copied labels
        fn key(s: &Series) -> (Metric, &str, &str, &str) {
            (s.metric, &s.exporter, &s.importer, &s.sector)
        }
        let mut by_key = std::collections::BTreeMap::new();
        for b in &theirs {
            by_key.entry(key(b)).or_insert(b);
        }
        let scenario_series = mine.len();
        let (mut kept, mut base_slots, mut of_scenario) = (Vec::new(), Vec::new(), Vec::new());
        for (k, s) in mine.into_iter().enumerate() {
            if let Some(b) = by_key.get(&key(&s)) {
                base_slots.push(b.slots.clone());
                kept.push(s);
                of_scenario.push(k);
            }
        }
        let dated: Vec<usize> = kept
            .iter()
            .enumerate()
            .filter(|(_, s)| s.sector == "all" || matches!(s.metric, Metric::Gdp | Metric::Currency | Metric::Tension))
            .map(|(k, _)| k)
            .collect();
        let years = full_years(sc);
        let steps = sc.steps();
        PairedSummary {
            dates: (0..steps).map(|k| sc.step_date(k).to_string()).collect(),
            abs_by_date: vec![vec![SignedSketch::default(); dated.len()]; steps],
            pct_by_date: vec![vec![SignedSketch::default(); dated.len()]; steps],
            abs_by_year: vec![vec![SignedSketch::default(); kept.len()]; years.len()],
            pct_by_year: vec![vec![SignedSketch::default(); kept.len()]; years.len()],
            years,
            dated,
            series: kept,
            base_slots,
            of_scenario,
            scenario_series,
            width: layout.len(),
            base_width: base_layout.len(),
            dt: sc.step.dt(),
            runs: 0,
        }
    }

    /// Add one run of the scenario and the same run of the baseline, one value at a time: the
    /// reference `BufferedPaired` (what `run` uses) is tested against.
    #[cfg(test)]
    pub fn add_run(&mut self, obs: &[f64], base: &[f64]) {
        self.runs += 1;
        let (w, bw) = (self.width, self.base_width);
        let pct = |a: f64, b: f64| if b != 0.0 { 100.0 * (a - b) / b } else { 0.0 };
        for (k, (abs, rel)) in self.abs_by_date.iter_mut().zip(self.pct_by_date.iter_mut()).enumerate() {
            let (o, b) = (&obs[k * w..(k + 1) * w], &base[k * bw..(k + 1) * bw]);
            for (d, &s) in self.dated.iter().enumerate() {
                let (x, y) = (slot_sum(o, &self.series[s].slots), slot_sum(b, &self.base_slots[s]));
                abs[d].add(x - y);
                rel[d].add(pct(x, y));
            }
        }
        for (((_, steps), abs), rel) in self.years.iter().zip(self.abs_by_year.iter_mut()).zip(self.pct_by_year.iter_mut()) {
            for (s, series) in self.series.iter().enumerate() {
                let x = annual_of(series.metric, steps.iter().map(|&k| slot_sum(&obs[k * w..(k + 1) * w], &series.slots)), self.dt);
                let y = annual_of(series.metric, steps.iter().map(|&k| slot_sum(&base[k * bw..(k + 1) * bw], &self.base_slots[s])), self.dt);
                abs[s].add(x - y);
                rel[s].add(pct(x, y));
            }
        }
    }

    pub fn merge(&mut self, other: &PairedSummary) {
        self.runs += other.runs;
        for (a, b) in [(&mut self.abs_by_date, &other.abs_by_date), (&mut self.pct_by_date, &other.pct_by_date), (&mut self.abs_by_year, &other.abs_by_year), (&mut self.pct_by_year, &other.pct_by_year)] {
            for (x, y) in a.iter_mut().flatten().zip(b.iter().flatten()) {
                x.merge(y);
            }
        }
    }
}

/// A `PairedSummary` that adds runs `BUFFER_RUNS` at a time, as `BufferedSummary` does: each
/// run's differences go into a buffer, run by run, and each sketch then takes its buffered
/// values in one go, so that its buckets are fetched from memory once per buffer instead of
/// once per run (adding run by run, a run paired with its baseline spent three times as long
/// in the sketches as in the two models). Sketch adds are exact and order-free, so the result
/// is the `PairedSummary` that `PairedSummary::add_run` builds.
#[derive(Debug, Clone)]
pub struct BufferedPaired {
    paired: PairedSummary,
    /// [run][sketch]: abs then pct by date ([date][dated series]), then abs then pct by year
    /// ([year][series]); empty until the first run.
    buf: Vec<f64>,
    sketches: usize,
    held: usize,
    depth: usize,
    /// Scratch: the baseline run's value of every compared series at every date [date][series],
    /// and in one year.
    y: Vec<f64>,
    y_year: Vec<f64>,
    /// How each compared series makes its annual value.
    kinds: Vec<Annual>,
}

impl BufferedPaired {
    pub fn new(paired: PairedSummary) -> Self {
        let (dates, years) = (paired.dates.len(), paired.years.len());
        let sketches = 2 * (dates * paired.dated.len() + years * paired.series.len());
        let depth = (BUFFER_BYTES / (sketches * 8).max(1)).clamp(1, BUFFER_RUNS);
        let values = dates * paired.series.len();
        let kinds = paired.series.iter().map(|s| s.metric.annual()).collect();
        BufferedPaired { buf: Vec::new(), sketches, held: 0, depth, y: vec![0.0; values], y_year: vec![0.0; paired.series.len()], kinds, paired }
    }

    /// Add one run of the scenario, given as its series' values (`BufferedSummary::values`
    /// after adding the run: computed once for both summaries), and the same run of the
    /// baseline (its observations).
    pub fn add_run(&mut self, values: &[f64], base: &[f64]) {
        let BufferedPaired { paired: p, buf, sketches, held, depth, y, y_year, kinds } = self;
        if buf.is_empty() {
            // allocated at the first run (a state that never gets one, such as the empty
            // start of a merge, costs nothing)
            *buf = vec![0.0; *sketches * *depth];
        }
        let (bw, ns, sn, dates) = (p.base_width, p.series.len(), p.scenario_series, p.dates.len());
        for k in 0..dates {
            let b = &base[k * bw..(k + 1) * bw];
            for (v, slots) in y[k * ns..(k + 1) * ns].iter_mut().zip(&p.base_slots) {
                *v = slot_sum(b, slots);
            }
        }
        // the scenario's value of compared series s at date k, and in year y
        let x = |k: usize, s: usize| values[k * sn + p.of_scenario[s]];
        let x_year = |yi: usize, s: usize| values[(dates + yi) * sn + p.of_scenario[s]];
        let pct = |a: f64, b: f64| if b != 0.0 { 100.0 * (a - b) / b } else { 0.0 };
        let row = &mut buf[*held * *sketches..(*held + 1) * *sketches];
        let (nd, mut g) = (p.dated.len(), 0);
        for k in 0..p.dates.len() {
            for (d, &s) in p.dated.iter().enumerate() {
                let (a, b) = (x(k, s), y[k * ns + s]);
                row[g + d] = a - b;
                row[g + nd + d] = pct(a, b);
            }
            g += 2 * nd;
        }
        for (yi, (_, steps)) in p.years.iter().enumerate() {
            annual_row(kinds, steps, y, ns, p.dt, y_year);
            for (s, &b) in y_year.iter().enumerate() {
                // the year's value as `BufferedSummary` computed it from the same dates
                let a = x_year(yi, s);
                row[g + s] = a - b;
                row[g + ns + s] = pct(a, b);
            }
            g += 2 * ns;
        }
        *held += 1;
        if *held == *depth {
            self.flush();
        }
    }

    /// Add the buffered runs to the sketches.
    pub fn flush(&mut self) {
        self.paired.runs += self.held as u64;
        add_buffered(&mut self.paired, &self.buf, self.sketches, self.held);
        self.held = 0;
    }

    /// Merge another thread's runs (its sketches and what it still buffers).
    pub fn merge(&mut self, other: &BufferedPaired) {
        self.paired.merge(&other.paired);
        self.paired.runs += other.held as u64;
        add_buffered(&mut self.paired, &other.buf, other.sketches, other.held);
    }

    /// The paired summary of every run added.
    pub fn finish(mut self) -> PairedSummary {
        self.flush();
        self.paired
    }
}

/// Add `held` runs of a `BufferedPaired` buffer ([run][sketch]) to the sketches, sketch by
/// sketch, in the buffer's order of sketches.
fn add_buffered(p: &mut PairedSummary, buf: &[f64], sketches: usize, held: usize) {
    if held == 0 {
        return;
    }
    let mut g = 0;
    let mut take = |row: &mut Vec<SignedSketch>| {
        for sk in row.iter_mut() {
            sk.add_all((0..held).map(|r| buf[r * sketches + g]));
            g += 1;
        }
    };
    for (abs, pct) in p.abs_by_date.iter_mut().zip(p.pct_by_date.iter_mut()) {
        take(abs);
        take(pct);
    }
    for (abs, pct) in p.abs_by_year.iter_mut().zip(p.pct_by_year.iter_mut()) {
        take(abs);
        take(pct);
    }
}

/// Runs a `BufferedSummary` holds before adding them, sketch by sketch.
pub const BUFFER_RUNS: usize = 64;

/// Largest buffer a `BufferedSummary` holds (bytes): a long horizon (many sketches) buffers
/// fewer runs, so the buffer does not grow with the horizon. Sketch adds are exact, so the
/// number of runs buffered does not change the result.
pub const BUFFER_BYTES: usize = 128 << 20;

/// A `Summary` that adds runs `BUFFER_RUNS` at a time: each run's values are first written
/// to a buffer laid out sketch-major, then each sketch takes its buffered values in one go,
/// so its buckets are fetched from memory once per buffer instead of once per run (the
/// summary's ~30,000 sketches do not fit in cache; adding run by run was memory-bound).
/// Sketch adds are exact integer updates, so the result is identical to `Summary::add_run`.
#[derive(Debug, Clone)]
pub struct BufferedSummary {
    summary: Summary,
    /// Buffered values in tiles of 8 sketches: [sketch / 8][run][sketch % 8], sketches by
    /// date then by year, so a run writes whole cache lines and a flush reads one tile at
    /// a time.
    buf: Vec<Line>,
    /// Every series' observation slots, flattened: series k sums `slots[ends[k-1]..ends[k]]`.
    slots: Vec<usize>,
    /// How each series makes its annual value.
    kinds: Vec<Annual>,
    ends: Vec<usize>,
    /// Scratch: one run's values, sketch by sketch (padded to whole tiles).
    vals: Vec<f64>,
    held: usize,
    /// Runs the buffer holds: `BUFFER_RUNS`, fewer where that would pass `BUFFER_BYTES`.
    depth: usize,
}

/// Sketches per tile of the buffer (8 f64 = one 64-byte cache line).
const TILE: usize = 8;

/// One cache line of the buffer: one run's values of `TILE` consecutive sketches.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Line([f64; TILE]);

impl Line {
    /// Write the line with streaming stores (x86-64: they bypass the cache, so the buffer,
    /// far larger than the caches, is not read from memory before being overwritten).
    #[inline(always)]
    fn store(&mut self, v: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_loadu_pd, _mm_stream_pd};
            assert_eq!(v.len(), TILE);
            let p = self.0.as_mut_ptr();
            for k in (0..TILE).step_by(2) {
                // SAFETY: `p.add(k)` is 16-byte aligned (the line is 64-byte aligned, k even)
                // and inside the line; `v` has TILE values.
                unsafe { _mm_stream_pd(p.add(k), _mm_loadu_pd(v.as_ptr().add(k))) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.0.copy_from_slice(v);
    }
}

impl BufferedSummary {
    pub fn new(summary: Summary) -> Self {
        Self::with_depth(summary, BUFFER_RUNS)
    }

    /// `new`, buffering at most `depth` runs (and never more than `BUFFER_BYTES`).
    pub fn with_depth(summary: Summary, depth: usize) -> Self {
        let sketches = (summary.by_date.len() + summary.by_year.len()) * summary.series.len();
        let padded = sketches.div_ceil(TILE) * TILE;
        let slots: Vec<usize> = summary.series.iter().flat_map(|s| s.slots.iter().copied()).collect();
        let ends = summary.series.iter().scan(0, |end, s| {
            *end += s.slots.len();
            Some(*end)
        });
        let ends = ends.collect();
        let depth = (BUFFER_BYTES / (padded * 8).max(1)).clamp(1, depth.max(1));
        let kinds = summary.series.iter().map(|s| s.metric.annual()).collect();
        BufferedSummary { summary, buf: vec![Line([0.0; TILE]); padded / TILE * depth], slots, kinds, ends, vals: vec![0.0; padded], held: 0, depth }
    }

    /// Add one run's observations (steps × `Layout::len`).
    pub fn add_run(&mut self, obs: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        if crate::cpu::has_avx2() {
            // SAFETY: the processor has the features `add_run_avx2` is compiled for.
            unsafe { self.add_run_avx2(obs) };
            return;
        }
        self.add_run_inner(obs);
    }

    /// `add_run` compiled for x86-64 processors with AVX2 (see `cpu.rs`).
    ///
    /// # Safety
    /// The processor must have the features enabled here (`cpu::has_avx2`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
    unsafe fn add_run_avx2(&mut self, obs: &[f64]) {
        self.add_run_inner(obs);
    }

    /// `add_run` without the processor-specific copy (for the test that compares them).
    #[cfg(test)]
    pub(crate) fn add_run_portable(&mut self, obs: &[f64]) {
        self.add_run_inner(obs);
    }

    #[inline(always)]
    fn add_run_inner(&mut self, obs: &[f64]) {
        let BufferedSummary { summary: s, buf, slots, kinds, ends, vals, held, depth } = self;
        let depth = *depth;
        let (width, ns, dates) = (s.width, s.series.len(), s.dates.len());
        // this run's value of every sketch, by date then by year; a year's value comes from
        // its dates' values (the same sums, in the same order, as `Summary::add_run`)
        for k in 0..dates {
            let o = &obs[k * width..(k + 1) * width];
            let mut start = 0;
            for (v, &end) in vals[k * ns..(k + 1) * ns].iter_mut().zip(ends.iter()) {
                *v = slot_sum(o, &slots[start..end]);
                start = end;
            }
        }
        for (yi, (_, steps)) in s.years.iter().enumerate() {
            let (rows, year) = vals.split_at_mut((dates + yi) * ns);
            annual_row(kinds, steps, rows, ns, s.dt, year);
        }
        for (t, tile) in vals.chunks_exact(TILE).enumerate() {
            buf[t * depth + *held].store(tile);
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a fence has no preconditions; it orders the streaming stores above before
        // anything this thread (or a thread that synchronises with it) does next.
        unsafe {
            std::arch::x86_64::_mm_sfence()
        };
        self.held += 1;
        if self.held == self.depth {
            self.flush_inner();
        }
    }

    /// Add the buffered runs to the sketches.
    pub fn flush(&mut self) {
        self.flush_inner();
    }

    /// The series' values of the run added last: [date][series], then [year][series], the
    /// series in `Summary::series` order (what `BufferedPaired::add_run` takes).
    pub fn values(&self) -> &[f64] {
        let s = &self.summary;
        &self.vals[..(s.dates.len() + s.years.len()) * s.series.len()]
    }

    #[inline(always)]
    fn flush_inner(&mut self) {
        let held = self.held;
        if held == 0 {
            return;
        }
        let (s, depth) = (&mut self.summary, self.depth);
        s.runs += held as u64;
        let mut g = 0;
        for row in s.by_date.iter_mut().chain(s.by_year.iter_mut()) {
            for k in 0..row.len() {
                // fetch the next sketch's buckets while this one's values go in
                if let Some(next) = row.get(k + 1) {
                    next.prefetch();
                }
                let buf = &self.buf;
                row[k].add_all((0..held).map(|r| buf[(g / TILE) * depth + r].0[g % TILE]));
                g += 1;
            }
        }
        self.held = 0;
    }

    /// The summary of every run added.
    pub fn finish(mut self) -> Summary {
        self.flush();
        self.summary
    }
}

/// Each full year's total bilateral trade (all sectors) of one run: (year, exporter, importer, USD).
pub fn run_annual_totals(sc: &Scenario, layout: &Layout, obs: &[f64]) -> Vec<(i32, usize, usize, f64)> {
    let width = layout.len();
    let dt = sc.step.dt();
    let mut out = Vec::new();
    for (y, steps) in full_years(sc) {
        for i in 0..layout.n {
            for j in 0..layout.n {
                let v: f64 = steps
                    .iter()
                    .map(|&k| (0..layout.m).map(|s| obs[k * width + layout.trade() + layout.route(s, i, j)]).sum::<f64>())
                    .sum::<f64>()
                    * dt;
                if v > 0.0 {
                    out.push((y, i, j, v));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two economies, one sector, two years of quarters: a summary's smallest case.
    fn tiny() -> (Init, Scenario, Layout) {
        use crate::scenario::{Params, Shocks, Step, YearMonth};
        let init = Init {
            economies: vec!["A".into(), "B".into()],
            sectors: vec!["x".into()],
            base: 2021,
            gdp: vec![1e12, 2e12],
            growth: vec![0.0; 2],
            gdp_volatility: vec![0.0; 2],
            flows: vec![0.0, 5e9, 7e9, 0.0],
            tension: vec![0.3],
            domestic: vec![0.0; 2],
            va_ratio: vec![1.0; 2],
            mirror: vec![1.0; 4],
            world: Vec::new(),
            sector_series: vec![None],
            reroutable: vec![true],
        };
        let sc = Scenario {
            name: "t".into(),
            description: String::new(),
            base: 2021,
            start: YearMonth::new(2021, 1),
            end: YearMonth::new(2022, 12),
            step: Step::Quarter,
            runs: 1,
            seed: 1,
            shocks: Shocks::default(),
            params: Params { phi: 0.5, gamma: 0.2, gamma_ref: 0.2, tension_reversion: 0.5, gdp_pass_through: 1.0, rerouting_cost: 0.05, hub: 1, sigma: vec![5.0], lambda: vec![1.0], eta: vec![0.5], esubd: vec![2.5], domestic: false, budget: false, currency: false, currency_speed: 2.0, priors: false, numeraire: 0, firms: false, firm: crate::scenario::FirmParams::default() },
            levers: Vec::new(),
            rules: Vec::new(),
            priors: Vec::new(),
        };
        (init, sc, Layout::new(2, 1, 0))
    }

    #[test]
    fn buffered_summary_equals_run_by_run() {
        let (init, sc, layout) = tiny();
        let mut plain = Summary::new(&sc, &init, &layout);
        let mut buffered = BufferedSummary::new(plain.clone());
        // a shallow buffer (what a long horizon gets) adds the same
        let mut shallow = BufferedSummary::with_depth(plain.clone(), 3);
        let mut state = 7u64;
        for _ in 0..21 {
            let obs: Vec<f64> = (0..layout.len() * sc.steps())
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (state >> 11) as f64 / (1u64 << 53) as f64 * 1e10
                })
                .collect();
            plain.add_run(&obs);
            buffered.add_run(&obs);
            shallow.add_run(&obs);
        }
        assert_eq!(shallow.finish(), plain);
        assert_eq!(buffered.finish(), plain);
    }

    #[test]
    fn annual_row_gives_the_bits_of_annual_of() {
        // every kind of annual value (sums, means, the last value), years of 4, 1 and no
        // steps, values of both signs and zeros of both signs
        let metrics = [Metric::Trade, Metric::Gdp, Metric::RuleFired, Metric::Transit, Metric::Tension];
        let kinds: Vec<Annual> = metrics.iter().map(|m| m.annual()).collect();
        let ns = metrics.len();
        let mut state = 3u64;
        let mut rows: Vec<f64> = (0..6 * ns)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * 1e9
            })
            .collect();
        rows[ns] = -0.0;
        (rows[2 * ns], rows[3 * ns], rows[4 * ns], rows[5 * ns]) = (-0.0, -0.0, -0.0, -0.0);
        rows[1] = 0.0;
        let dt = 0.25;
        for steps in [vec![1, 2, 3, 4], vec![5], vec![], vec![0, 2]] {
            let mut out = vec![f64::NAN; ns];
            annual_row(&kinds, &steps, &rows, ns, dt, &mut out);
            for (si, &metric) in metrics.iter().enumerate() {
                let want = annual_of(metric, steps.iter().map(|&k| rows[k * ns + si]), dt);
                assert_eq!(out[si].to_bits(), want.to_bits(), "{metric:?} over steps {steps:?}: {} against {want}", out[si]);
            }
        }
    }

    /// Buffered paired differences equal run-by-run ones, across a flush, what two threads
    /// still buffer when they merge, and differences of both signs, zeros and zero baselines.
    #[test]
    fn buffered_paired_equals_run_by_run() {
        let (init, sc, layout) = tiny();
        let mut plain = PairedSummary::new(&sc, &init, &layout, &sc, &layout);
        let (mut one, mut two) = (BufferedPaired::new(plain.clone()), BufferedPaired::new(plain.clone()));
        let mut state = 11u64;
        let mut draw = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            if u < 0.1 { 0.0 } else { u * 1e10 }
        };
        let width = layout.len() * sc.steps();
        // the scenario's values as `run` gives them: from its summary
        let mut values = BufferedSummary::new(Summary::new(&sc, &init, &layout));
        for run in 0..150 {
            let obs: Vec<f64> = (0..width).map(|_| draw()).collect();
            let base: Vec<f64> = (0..width).map(|_| draw()).collect();
            plain.add_run(&obs, &base);
            values.add_run(&obs);
            if run < 100 { one.add_run(values.values(), &base) } else { two.add_run(values.values(), &base) }
        }
        assert!(plain.abs_by_year.iter().flatten().all(|s| s.count() == 150));
        assert!(plain.pct_by_date.iter().flatten().any(|s| s.quantile(0.05) < 0.0) && plain.pct_by_date.iter().flatten().any(|s| s.quantile(0.95) > 0.0));
        one.merge(&two);
        assert_eq!(one.finish(), plain);
    }
}
