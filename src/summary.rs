//! Ensemble summaries: per date (and per calendar year) the mean and quantiles of every
//! series over runs. Each series keeps a mergeable log-bucket quantile sketch (relative error
//! at most `ALPHA`) and an exact fixed-point sum, so memory does not grow with the number of
//! runs, and runs may be added in any order and split across partial summaries (one per
//! thread, shard or block) that merge into exactly the same result: the output does not
//! depend on thread count or on how the runs were split.

use crate::model::{Init, Layout};
use crate::scenario::Scenario;

/// Relative accuracy of the quantile sketch: a reported quantile is within 0.5% of a value
/// whose rank is the requested one.
pub const ALPHA: f64 = 0.005;
/// Values at or below this count as zero.
const TINY: f64 = 1e-12;
/// Fixed-point scale of exact sums (2^32).
const SCALE: f64 = 4294967296.0;

/// One bucket: how many values fell in it and their fixed-point sum. Packed to 20 bytes (a
/// plain `(u32, i128)` takes 32): the summary holds tens of thousands of sketches, and
/// adding a run is bound by fetching their buckets from memory.
#[repr(C, packed(4))]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Bucket {
    count: u32,
    sum: i128,
}

/// A DDSketch-style quantile sketch with exact sums: values fall in log buckets
/// (γ^(i−1), γ^i], and each bucket keeps its count and the fixed-point sum of its values, so
/// a quantile is reported as the mean of its bucket (exact when the bucket's values are equal)
/// and merging is exact and order-free.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sketch {
    zeros: u64,
    offset: i32,
    /// (count, fixed-point sum) per bucket from `offset` on.
    buckets: Vec<Bucket>,
    n: u64,
    sum: i128,
}

fn ln_gamma() -> f64 {
    ((1.0 + ALPHA) / (1.0 - ALPHA)).ln()
}

/// Bucket of a positive value, `ceil(ln x / ln γ)`, computed without calling `ln` in almost
/// every case: a table-driven logarithm (error below 1e-13, far inside the bucket width of
/// 0.01 in log space) gives the bucket unless the quotient lies within 1e-6 of an integer,
/// where the exact formula decides. The result is therefore identical to
/// `(x.ln() / ln_gamma()).ceil()` for every input (see the test `fast_index_matches_ln`).
#[inline]
fn bucket_index(x: f64) -> i32 {
    let t = &*LOG_TABLE;
    let q = fast_ln(x, t) * t.inv_ln_gamma;
    // floor and ceil by integer conversion (|q| < 2^31 for every finite positive x)
    let trunc = q as i64;
    let floor = if q < trunc as f64 { trunc - 1 } else { trunc };
    let f = q - floor as f64;
    if !(1e-6..=1.0 - 1e-6).contains(&f) {
        return (x.ln() / ln_gamma()).ceil() as i32;
    }
    (floor + 1) as i32
}

/// `(x · SCALE).round() as i128` (round half away from zero) for x ≥ 0, through a 64-bit
/// integer when the value fits (the common case; no software rounding or i128 conversion).
#[inline]
fn fixed_point(x: f64) -> i128 {
    let v = x * SCALE;
    if v < 9.0e18 {
        let t = v as i64;
        let frac = v - t as f64;
        (if frac >= 0.5 { t + 1 } else { t }) as i128
    } else if v < 1.0e38 {
        // v ≥ 2^53 is a whole number: its mantissa shifted by its exponent, exactly
        let bits = v.to_bits();
        let shift = ((bits >> 52) & 0x7ff) as i32 - 1075;
        let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        (mantissa as i128) << shift
    } else {
        v.round() as i128
    }
}

/// Lookup tables of `fast_ln`: for the 256 mantissa cells [1 + k/256, 1 + (k+1)/256), the
/// cell centre's reciprocal and logarithm.
struct LogTable {
    inv_c: [f64; 256],
    ln_c: [f64; 256],
    inv_ln_gamma: f64,
}

static LOG_TABLE: std::sync::LazyLock<LogTable> = std::sync::LazyLock::new(|| {
    let mut t = LogTable { inv_c: [0.0; 256], ln_c: [0.0; 256], inv_ln_gamma: 1.0 / ln_gamma() };
    for k in 0..256 {
        let c = 1.0 + (k as f64 + 0.5) / 256.0;
        t.inv_c[k] = 1.0 / c;
        t.ln_c[k] = c.ln();
    }
    t
});

/// ln x for a normal positive x: exponent·ln 2 + ln(cell centre) + a degree-5 series in
/// r = (m − c)/c, |r| < 2⁻⁹ (truncation error below 1e-17).
#[inline]
fn fast_ln(x: f64, t: &LogTable) -> f64 {
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let frac = bits & ((1u64 << 52) - 1);
    let k = (frac >> 44) as usize;
    let m = f64::from_bits(frac | (1023u64 << 52));
    let c = 1.0 + (k as f64 + 0.5) / 256.0;
    let r = (m - c) * t.inv_c[k];
    let p = r - r * r * (0.5 - r * (1.0 / 3.0 - r * (0.25 - r * 0.2)));
    e as f64 * std::f64::consts::LN_2 + t.ln_c[k] + p
}

impl Sketch {
    pub fn add(&mut self, x: f64) {
        let x = if x.is_finite() && x > 0.0 { x } else { 0.0 };
        self.n += 1;
        let fixed = fixed_point(x);
        self.sum += fixed;
        if x <= TINY {
            self.zeros += 1;
            return;
        }
        self.place(bucket_index(x), 1, fixed);
    }

    /// Hint the processor to load the bucket array (no effect on results).
    #[inline]
    fn prefetch(&self) {
        #[cfg(target_arch = "x86_64")]
        {
            let bytes = std::mem::size_of_val(self.buckets.as_slice());
            let p = self.buckets.as_ptr() as *const i8;
            for off in (0..bytes.min(64 * 64)).step_by(64) {
                // SAFETY: prefetching is a hint; the address is inside the bucket array.
                unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.add(off)) };
            }
        }
    }

    /// Add another sketch's contents (exact: counts and sums add).
    pub fn merge(&mut self, other: &Sketch) {
        self.zeros += other.zeros;
        self.n += other.n;
        self.sum += other.sum;
        for (k, &Bucket { count: c, sum }) in other.buckets.iter().enumerate() {
            if c > 0 {
                self.place(other.offset + k as i32, c, sum);
            }
        }
    }

    /// Count `c` values in bucket `idx`, widening the window as needed.
    fn place(&mut self, idx: i32, c: u32, sum: i128) {
        if self.buckets.is_empty() {
            self.offset = idx;
            self.buckets.push(Bucket::default());
        } else if idx < self.offset {
            let grow = (self.offset - idx) as usize;
            self.buckets.splice(0..0, std::iter::repeat_n(Bucket::default(), grow));
            self.offset = idx;
        } else if idx >= self.offset + self.buckets.len() as i32 {
            self.buckets.resize((idx - self.offset + 1) as usize, Bucket::default());
        }
        let b = &mut self.buckets[(idx - self.offset) as usize];
        b.count += c;
        b.sum += sum;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// Append the sketch's exact state to `out` (LEB128 varints, signed ones zigzag-coded):
    /// zeros, n, sum, offset, bucket count, then each bucket's count and sum.
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u(out, self.zeros as u128);
        put_u(out, self.n as u128);
        put_i(out, self.sum);
        put_i(out, self.offset as i128);
        put_u(out, self.buckets.len() as u128);
        for &Bucket { count: c, sum } in &self.buckets {
            put_u(out, c as u128);
            put_i(out, sum);
        }
    }

    /// Read a sketch written by `encode` from the front of `input`, advancing it.
    pub fn decode(input: &mut &[u8]) -> Result<Sketch, String> {
        let zeros = get_u(input)? as u64;
        let n = get_u(input)? as u64;
        let sum = get_i(input)?;
        let offset = i32::try_from(get_i(input)?).map_err(|_| "bucket offset out of range".to_owned())?;
        let len = get_u(input)? as usize;
        if len > input.len() {
            return Err("truncated sketch".into());
        }
        let mut buckets = Vec::with_capacity(len);
        for _ in 0..len {
            let c = u32::try_from(get_u(input)?).map_err(|_| "bucket count out of range".to_owned())?;
            buckets.push(Bucket { count: c, sum: get_i(input)? });
        }
        Ok(Sketch { zeros, offset, buckets, n, sum })
    }

    /// True if every value added was zero.
    pub fn all_zero(&self) -> bool {
        self.zeros == self.n
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.sum as f64 / SCALE / self.n as f64
    }

    /// The value of rank ⌊q·(n−1)⌋ (0-based, ascending), within relative error `ALPHA`:
    /// the mean of the values in that value's bucket.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let rank = (q.clamp(0.0, 1.0) * (self.n - 1) as f64).floor() as u64;
        if rank < self.zeros {
            return 0.0;
        }
        let mut seen = self.zeros;
        for &Bucket { count: c, sum } in &self.buckets {
            seen += c as u64;
            if rank < seen {
                return sum as f64 / SCALE / c as f64;
            }
        }
        f64::NAN
    }
}

fn put_u(out: &mut Vec<u8>, mut v: u128) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_i(out: &mut Vec<u8>, v: i128) {
    put_u(out, ((v << 1) ^ (v >> 127)) as u128);
}

fn get_u(input: &mut &[u8]) -> Result<u128, String> {
    let mut v: u128 = 0;
    for shift in (0..128).step_by(7) {
        let (&byte, rest) = input.split_first().ok_or_else(|| "truncated sketch".to_owned())?;
        *input = rest;
        v |= ((byte & 0x7f) as u128) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("malformed varint".into())
}

fn get_i(input: &mut &[u8]) -> Result<i128, String> {
    let u = get_u(input)?;
    Ok((u >> 1) as i128 ^ -((u & 1) as i128))
}

/// What a series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Trade,
    Transit,
    Tension,
    Gdp,
    ExportPrice,
    EnergyPrice,
    RuleFired,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Trade => "trade",
            Metric::Transit => "transit",
            Metric::Tension => "tension",
            Metric::Gdp => "gdp",
            Metric::ExportPrice => "export_price",
            Metric::EnergyPrice => "energy_price",
            Metric::RuleFired => "rule_fired",
        }
    }
    /// Flows add up over a year; levels are averaged; rule flags take the year's last value.
    fn annual(self) -> Annual {
        match self {
            Metric::Trade | Metric::Transit => Annual::Sum,
            Metric::RuleFired => Annual::Last,
            _ => Annual::Mean,
        }
    }
    /// Values printed as whole US dollars.
    pub fn is_money(self) -> bool {
        matches!(self, Metric::Trade | Metric::Transit | Metric::Gdp)
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
    out.push(Series { metric: Metric::EnergyPrice, exporter: String::new(), importer: String::new(), sector: String::new(), slots: vec![layout.energy_price()] });
    for (r, rule) in sc.rules.iter().enumerate() {
        let targets: Vec<String> = match &rule.kind {
            crate::scenario::RuleKind::Retaliate { against, .. } => against.iter().map(|&x| e[x].clone()).collect(),
            crate::scenario::RuleKind::Align { leader, .. } => vec![e[*leader].clone()],
            crate::scenario::RuleKind::Escalate { on, .. } => vec![e[*on].clone()],
            crate::scenario::RuleKind::Normalize { on, .. } => on.iter().map(|&x| e[x].clone()).collect(),
        };
        out.push(Series { metric: Metric::RuleFired, exporter: e[rule.by].clone(), importer: targets.join("+"), sector: rule.id.clone(), slots: vec![layout.rule_fired() + r] });
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

    /// Every sketch, by date then by year (the order `encode`/`decode` of a state file use).
    pub fn sketches(&self) -> impl Iterator<Item = &Sketch> {
        self.by_date.iter().chain(&self.by_year).flatten()
    }

    pub fn sketches_mut(&mut self) -> impl Iterator<Item = &mut Sketch> {
        self.by_date.iter_mut().chain(self.by_year.iter_mut()).flatten()
    }

    /// Combine another summary of the same scenario (for example another shard's runs).
    pub fn merge(&mut self, other: &Summary) {
        assert_eq!(self.series.len(), other.series.len());
        self.runs += other.runs;
        for (a, b) in self.by_date.iter_mut().zip(&other.by_date) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.by_year.iter_mut().zip(&other.by_year) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
}

/// The value of a series in one step's observation row: the sum of its slots (in slot order).
#[inline]
fn slot_sum(row: &[f64], slots: &[usize]) -> f64 {
    slots.iter().map(|&i| row[i]).sum()
}

/// A year's value of a series from its steps' values (annual rates): flows add up over the
/// year, levels are averaged, rule flags take the year's last value.
#[inline]
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

/// Runs a `BufferedSummary` holds before adding them, sketch by sketch.
pub const BUFFER_RUNS: usize = 64;

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
    /// a time (see `slot`).
    buf: Vec<f64>,
    held: usize,
}

/// Sketches per tile of the buffer (8 f64 = one 64-byte cache line).
const TILE: usize = 8;

/// Position of (sketch g, run r) in the buffer.
#[inline]
fn slot(g: usize, r: usize) -> usize {
    (g / TILE) * (BUFFER_RUNS * TILE) + r * TILE + g % TILE
}

impl BufferedSummary {
    pub fn new(summary: Summary) -> Self {
        let sketches = (summary.by_date.len() + summary.by_year.len()) * summary.series.len();
        BufferedSummary { summary, buf: vec![0.0; sketches.div_ceil(TILE) * TILE * BUFFER_RUNS], held: 0 }
    }

    /// Add one run's observations (steps × `Layout::len`).
    pub fn add_run(&mut self, obs: &[f64]) {
        let s = &self.summary;
        let (width, ns, r) = (s.width, s.series.len(), self.held);
        for k in 0..s.dates.len() {
            let o = &obs[k * width..(k + 1) * width];
            for (si, series) in s.series.iter().enumerate() {
                self.buf[slot(k * ns + si, r)] = slot_sum(o, &series.slots);
            }
        }
        let base = s.dates.len() * ns;
        for (yi, (_, steps)) in s.years.iter().enumerate() {
            for (si, series) in s.series.iter().enumerate() {
                let v = annual_of(series.metric, steps.iter().map(|&k| slot_sum(&obs[k * width..(k + 1) * width], &series.slots)), s.dt);
                self.buf[slot(base + yi * ns + si, r)] = v;
            }
        }
        self.held += 1;
        if self.held == BUFFER_RUNS {
            self.flush();
        }
    }

    /// Add the buffered runs to the sketches.
    pub fn flush(&mut self) {
        let held = self.held;
        if held == 0 {
            return;
        }
        let s = &mut self.summary;
        s.runs += held as u64;
        let mut g = 0;
        for row in s.by_date.iter_mut().chain(s.by_year.iter_mut()) {
            for k in 0..row.len() {
                // fetch the next sketch's buckets while this one's values go in
                if let Some(next) = row.get(k + 1) {
                    next.prefetch();
                }
                let sk = &mut row[k];
                for r in 0..held {
                    sk.add(self.buf[slot(g, r)]);
                }
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

    #[test]
    fn sketch_quantiles_are_within_alpha_of_exact() {
        let values: Vec<f64> = (1..=1001).map(|i| (i as f64) * 1.37e6).collect();
        let mut sk = Sketch::default();
        for v in &values {
            sk.add(*v);
        }
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let exact = values[(q * 1000.0_f64).floor() as usize];
            let got = sk.quantile(q);
            assert!((got / exact - 1.0).abs() <= ALPHA + 1e-12, "q={q}: {got} vs {exact}");
        }
        let mean: f64 = values.iter().sum::<f64>() / values.len() as f64;
        assert!((sk.mean() / mean - 1.0).abs() < 1e-12);
    }

    #[test]
    fn merge_equals_adding_everything_in_any_split() {
        let vals: Vec<f64> = (0..500).map(|i| ((i * 7919) % 1000) as f64 * 0.01).collect();
        let mut whole = Sketch::default();
        vals.iter().for_each(|&v| whole.add(v));
        let (mut a, mut b) = (Sketch::default(), Sketch::default());
        vals[..123].iter().for_each(|&v| a.add(v));
        vals[123..].iter().for_each(|&v| b.add(v));
        b.merge(&a);
        assert_eq!(whole.quantile(0.5), b.quantile(0.5));
        assert_eq!(whole.mean(), b.mean());
        assert_eq!(whole.count(), b.count());
    }

    #[test]
    fn fast_index_matches_ln() {
        let exact = |x: f64| (x.ln() / ln_gamma()).ceil() as i32;
        let mut x = 1.000_000_1e-12;
        while x < 1e16 {
            for y in [x, x * 1.000_000_3, x * 0.999_999_7, x * 1.37, x * 1.999_999] {
                assert_eq!(bucket_index(y), exact(y), "{y}");
            }
            x *= 1.013;
        }
        // values on and next to bucket boundaries γ^i
        let g = ((1.0 + ALPHA) / (1.0 - ALPHA)).ln();
        for i in -2700..3700 {
            let b = (i as f64 * g).exp();
            for y in [b, f64::from_bits(b.to_bits() + 1), f64::from_bits(b.to_bits() - 1), b * (1.0 + 1e-9), b * (1.0 - 1e-9)] {
                assert_eq!(bucket_index(y), exact(y), "{y}");
            }
        }
        // a deterministic pseudo-random sweep
        let mut state = 0x1234_5678_9abc_def0u64;
        for _ in 0..200_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let y = 10f64.powf((state >> 11) as f64 / (1u64 << 53) as f64 * 26.0 - 11.0);
            assert_eq!(bucket_index(y), exact(y), "{y}");
        }
    }

    #[test]
    fn fixed_point_matches_round() {
        let mut x = 1e-14;
        while x < 1e20 {
            for y in [x, x * 1.37, 0.5 / SCALE, 1.5 / SCALE, 2.5 / SCALE, 0.49999999999999994 / SCALE, 2.0e9 + 0.5 / SCALE] {
                assert_eq!(fixed_point(y), (y * SCALE).round() as i128, "{y}");
            }
            x *= 1.7;
        }
    }

    #[test]
    fn encode_decode_round_trips() {
        let mut sk = Sketch::default();
        for v in [0.0, 1e-3, 5.0, 5.0, 7.5e12, 2.5e13, 1e20] {
            sk.add(v);
        }
        let mut buf = Vec::new();
        sk.encode(&mut buf);
        Sketch::default().encode(&mut buf);
        let mut input = buf.as_slice();
        assert_eq!(Sketch::decode(&mut input).unwrap(), sk);
        assert_eq!(Sketch::decode(&mut input).unwrap(), Sketch::default());
        assert!(input.is_empty());
    }

    #[test]
    fn buffered_summary_equals_run_by_run() {
        use crate::scenario::{Params, Scenario, Shocks, Step, YearMonth};
        let init = Init {
            economies: vec!["A".into(), "B".into()],
            sectors: vec!["x".into()],
            base: 2021,
            gdp: vec![1e12, 2e12],
            growth: vec![0.0; 2],
            gdp_volatility: vec![0.0; 2],
            flows: vec![0.0, 5e9, 7e9, 0.0],
            tension: vec![0.3],
            energy_sector: None,
            energy_base: None,
            energy_annual: Vec::new(),
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
            params: Params { phi: 0.5, gamma: 0.2, gamma_ref: 0.2, tension_reversion: 0.5, gdp_pass_through: 1.0, rerouting_cost: 0.05, hub: 1, sigma: vec![5.0], lambda: vec![1.0], eta: vec![0.5] },
            levers: Vec::new(),
            rules: Vec::new(),
        };
        let layout = Layout::new(2, 1, 0);
        let mut plain = Summary::new(&sc, &init, &layout);
        let mut buffered = BufferedSummary::new(plain.clone());
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
        }
        assert_eq!(buffered.finish(), plain);
    }

    #[test]
    fn zeros_are_counted_exactly() {
        let mut sk = Sketch::default();
        for _ in 0..10 {
            sk.add(0.0);
        }
        sk.add(5.0);
        assert_eq!(sk.quantile(0.5), 0.0);
        assert_eq!(sk.quantile(1.0), 5.0, "a bucket holding one value reports it exactly");
        assert!(!sk.all_zero());
    }
}
