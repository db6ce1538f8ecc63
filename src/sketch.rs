//! A mergeable quantile sketch with exact means: values fall in buckets read straight off
//! their floating-point bits (the exponent and the top `BITS` bits of the mantissa), each
//! bucket keeps a count, and the sketch keeps the exact fixed-point sum, the minimum and the
//! maximum. Adding is a shift and an increment; merging adds integers, so any split of the
//! values into sketches merges into exactly the same sketch, whatever the order.

/// Mantissa bits that pick a bucket: 2^BITS buckets per power of two.
const BITS: u32 = 7;
const SHIFT: u32 = 52 - BITS;

/// Relative accuracy of a reported quantile: a bucket [lo, hi) has hi/lo ≤ 1 + 2^-BITS and
/// reports 2·lo·hi/(lo+hi), within (hi−lo)/(hi+lo) ≤ 1/(2^(BITS+1)+1) = 0.39% of any value in
/// it.
pub const ALPHA: f64 = 1.0 / ((1u64 << (BITS + 1)) + 1) as f64;
/// Values at or below this count as zero.
const TINY: f64 = 1e-12;
/// Fixed-point scale of exact sums (2^32).
const SCALE: f64 = 4294967296.0;
/// The fixed-point sum of a sketch whose values add up beyond what it can hold exactly
/// (i128::MAX / 2^32 ≈ 4.0e28): sums saturate there (values are never negative, so a saturated
/// sum stays saturated whatever the order of adding and merging) and the mean is estimated from
/// the buckets instead.
const SATURATED: i128 = i128::MAX;

/// Counts values in buckets [lo, hi) of relative width at most 2^-BITS; keeps the exact
/// fixed-point sum of all values, and the smallest and largest positive value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    zeros: u64,
    n: u64,
    sum: i128,
    /// Smallest and largest value above `TINY` (+∞ and 0 while there is none).
    min: f64,
    max: f64,
    /// Bucket of `counts[0]`.
    offset: u32,
    /// Each bucket's count modulo 2^16 (two bytes a bucket keeps the summaries' tens of
    /// thousands of sketches small; adding runs is bound by fetching them from memory) ...
    counts: Vec<u16>,
    /// ... and, for the few buckets whose count passed 65,535, (bucket, count / 2^16), sorted
    /// by bucket and without zeros.
    wraps: Vec<(u32, u64)>,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch { zeros: 0, n: 0, sum: 0, min: f64::INFINITY, max: 0.0, offset: 0, counts: Vec::new(), wraps: Vec::new() }
    }
}

/// The bucket of a value above `TINY`: its bits without the low mantissa bits (for positive
/// floats the bits are in the same order as the values).
#[inline]
fn bucket(x: f64) -> u32 {
    (x.to_bits() >> SHIFT) as u32
}

/// The bucket of the largest finite value.
const LAST_BUCKET: u32 = (f64::MAX.to_bits() >> SHIFT) as u32;

/// The value a bucket reports: 2·lo·hi/(lo+hi), the point of least relative error.
fn representative(b: u32) -> f64 {
    let lo = f64::from_bits((b as u64) << SHIFT);
    let hi = f64::from_bits((b as u64 + 1) << SHIFT);
    2.0 * lo * hi / (lo + hi)
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

impl Sketch {
    pub fn add(&mut self, x: f64) {
        self.add_all(std::iter::once(x));
    }

    /// Add several values (the summaries' hot loop: the sum, minimum and maximum stay in
    /// registers).
    #[inline(always)]
    pub fn add_all(&mut self, values: impl Iterator<Item = f64>) {
        let (mut sum, mut min, mut max, mut n, mut zeros) = (0i128, self.min, self.max, 0u64, 0u64);
        for x in values {
            n += 1;
            // zero, negative, NaN and infinite values count as zeros (their fixed-point value,
            // like that of anything up to TINY, is 0)
            if !(x > TINY && x < f64::INFINITY) {
                zeros += 1;
                continue;
            }
            // saturating: the sum of non-negative terms clamped at SATURATED, in any order
            sum = sum.saturating_add(fixed_point(x));
            if x < min {
                min = x;
            }
            if x > max {
                max = x;
            }
            let k = bucket(x).wrapping_sub(self.offset) as usize;
            match self.counts.get_mut(k) {
                Some(c) => {
                    *c = c.wrapping_add(1);
                    if *c == 0 {
                        self.wrap(bucket(x), 1);
                    }
                }
                None => self.place(bucket(x), 1),
            }
        }
        self.n += n;
        self.zeros += zeros;
        self.sum = self.sum.saturating_add(sum);
        self.min = min;
        self.max = max;
    }

    /// Hint the processor to load the bucket array (no effect on results).
    #[inline]
    pub fn prefetch(&self) {
        #[cfg(target_arch = "x86_64")]
        {
            let bytes = std::mem::size_of_val(self.counts.as_slice());
            let p = self.counts.as_ptr() as *const i8;
            for off in (0..bytes.min(16 * 64)).step_by(64) {
                // SAFETY: prefetching is a hint; the address is inside the bucket array.
                unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.add(off)) };
            }
        }
    }

    /// Add another sketch's contents (exact: counts and sums add).
    pub fn merge(&mut self, other: &Sketch) {
        self.zeros += other.zeros;
        self.n += other.n;
        self.sum = self.sum.saturating_add(other.sum);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        let Some(last) = other.counts.len().checked_sub(1) else { return };
        // widen the window once (the other's first and last buckets hold values), then add
        // the counts bucket by bucket, carrying into `wraps`
        self.place(other.offset, 0);
        self.place(other.offset + last as u32, 0);
        let at = (other.offset - self.offset) as usize;
        let mut carries = Vec::new();
        for (k, (c, &d)) in self.counts[at..=at + last].iter_mut().zip(&other.counts).enumerate() {
            let (sum, carry) = c.overflowing_add(d);
            *c = sum;
            if carry {
                carries.push(other.offset + k as u32);
            }
        }
        for b in carries {
            self.wrap(b, 1);
        }
        for &(b, t) in &other.wraps {
            self.wrap(b, t);
        }
    }

    /// Count `c` values in bucket `b`, widening the window as needed.
    fn place(&mut self, b: u32, c: u64) {
        if self.counts.is_empty() {
            self.offset = b;
            self.counts.push(0);
        } else if b < self.offset {
            let grow = (self.offset - b) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = b;
        } else if b >= self.offset + self.counts.len() as u32 {
            self.counts.resize((b - self.offset + 1) as usize, 0);
        }
        let low = &mut self.counts[(b - self.offset) as usize];
        let sum = *low as u64 + c;
        *low = sum as u16;
        if sum >> 16 > 0 {
            self.wrap(b, sum >> 16);
        }
    }

    /// Add `times` · 2^16 to bucket b's count.
    #[cold]
    fn wrap(&mut self, b: u32, times: u64) {
        match self.wraps.binary_search_by_key(&b, |&(w, _)| w) {
            Ok(i) => self.wraps[i].1 += times,
            Err(i) => self.wraps.insert(i, (b, times)),
        }
    }

    /// Every bucket's full count, from `offset` on.
    fn totals(&self) -> impl Iterator<Item = u64> + '_ {
        let mut wraps = self.wraps.iter().peekable();
        self.counts.iter().enumerate().map(move |(k, &low)| {
            let b = self.offset + k as u32;
            let high = wraps.next_if(|&&(w, _)| w == b).map_or(0, |&(_, t)| t);
            (high << 16) + low as u64
        })
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// Append the sketch's exact state to `out` (LEB128 varints, signed ones zigzag-coded):
    /// zeros, n, sum, the bits of min and max, offset, bucket count, then each bucket's count.
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u(out, self.zeros as u128);
        put_u(out, self.n as u128);
        put_i(out, self.sum);
        put_u(out, self.min.to_bits() as u128);
        put_u(out, self.max.to_bits() as u128);
        put_u(out, self.offset as u128);
        put_u(out, self.counts.len() as u128);
        for c in self.totals() {
            put_u(out, c as u128);
        }
    }

    /// Read a sketch written by `encode` from the front of `input`, advancing it.
    pub fn decode(input: &mut &[u8]) -> Result<Sketch, String> {
        let zeros = get_u(input)? as u64;
        let n = get_u(input)? as u64;
        let sum = get_i(input)?;
        let min = f64::from_bits(get_u(input)? as u64);
        let max = f64::from_bits(get_u(input)? as u64);
        let offset = u32::try_from(get_u(input)?).map_err(|_| "bucket offset out of range".to_owned())?;
        let len = get_u(input)? as usize;
        if len > input.len() {
            return Err("truncated sketch".into());
        }
        if offset as u64 + len as u64 > LAST_BUCKET as u64 + 1 {
            return Err("bucket window out of range".into());
        }
        let totals: Vec<u64> = (0..len)
            .map(|_| u64::try_from(get_u(input)?).map_err(|_| "bucket count out of range".to_owned()))
            .collect::<Result<_, _>>()?;
        // the invariants `quantile` relies on
        let counted = totals.iter().try_fold(0u64, |a, &c| a.checked_add(c));
        let extremes_ok = counted == Some(0) || (TINY < min && min <= max && max < f64::INFINITY);
        if counted.and_then(|c| c.checked_add(zeros)) != Some(n) || !extremes_ok {
            return Err("inconsistent sketch (counts, zeros and extremes disagree)".into());
        }
        let mut sk = Sketch { zeros, n, sum, min, max, offset, counts: vec![0; len], wraps: Vec::new() };
        for (k, &c) in totals.iter().enumerate() {
            sk.counts[k] = c as u16;
            if c >> 16 > 0 {
                sk.wraps.push((offset + k as u32, c >> 16));
            }
        }
        Ok(sk)
    }

    /// True if every value added was zero.
    pub fn all_zero(&self) -> bool {
        self.zeros == self.n
    }

    /// True if the values add up beyond the exact fixed-point range (about 4.0e28): the mean
    /// is then an estimate from the buckets (within `ALPHA`), not exact.
    pub fn saturated(&self) -> bool {
        self.sum == SATURATED
    }

    /// The mean: exact (from the fixed-point sum) unless `saturated`, when it is estimated
    /// from the buckets' representatives; always within the smallest and largest value.
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let mean = if self.saturated() {
            let total: f64 = self.totals().enumerate().map(|(k, c)| c as f64 * representative(self.offset + k as u32).clamp(self.min, self.max)).sum();
            total / self.n as f64
        } else {
            self.sum as f64 / SCALE / self.n as f64
        };
        let lo = if self.zeros > 0 { 0.0 } else { self.min };
        mean.clamp(lo, self.max.max(lo))
    }

    /// The value of rank ⌊q·(n−1)⌋ (0-based, ascending), within relative error `ALPHA`:
    /// its bucket's representative, kept within the smallest and largest value (so the
    /// extremes, and every quantile of equal values, are exact).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.at_rank((q.clamp(0.0, 1.0) * (self.n - 1) as f64).floor() as u64)
    }

    /// `quantile` of each of `qs` (in ascending order), in one pass over the buckets.
    pub fn quantiles<const K: usize>(&self, qs: [f64; K]) -> [f64; K] {
        let mut out = [f64::NAN; K];
        if self.n > 0 {
            self.at_ranks(&qs.map(|q| (q.clamp(0.0, 1.0) * (self.n - 1) as f64).floor() as u64), &mut out);
        }
        out
    }

    /// `at_rank` of each of `ranks` (ascending) into `out`, in one pass over the buckets:
    /// the scan for a rank goes on from the bucket where the one before it stopped.
    fn at_ranks(&self, ranks: &[u64], out: &mut [f64]) {
        debug_assert!(ranks.is_sorted());
        let mut buckets = self.totals().enumerate();
        // the values in the buckets taken so far (and the zeros), and the last bucket taken
        let (mut seen, mut last) = (self.zeros, 0);
        for (o, &rank) in out.iter_mut().zip(ranks) {
            *o = if rank <= self.zeros || rank == self.n - 1 {
                self.at_rank(rank)
            } else {
                loop {
                    if rank < seen {
                        break representative(self.offset + last as u32).clamp(self.min, self.max);
                    }
                    match buckets.next() {
                        Some((k, c)) => (seen, last) = (seen + c, k),
                        None => break f64::NAN,
                    }
                }
            };
        }
    }

    /// The value of a rank (0-based, ascending; below `n`), as `quantile` reports it.
    fn at_rank(&self, rank: u64) -> f64 {
        if rank < self.zeros {
            return 0.0;
        }
        if rank == self.zeros {
            return self.min;
        }
        if rank == self.n - 1 {
            return self.max;
        }
        let mut seen = self.zeros;
        for (k, c) in self.totals().enumerate() {
            seen += c;
            if rank < seen {
                return representative(self.offset + k as u32).clamp(self.min, self.max);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact value of rank ⌊q·(n−1)⌋.
    fn exact(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).floor() as usize]
    }

    #[test]
    fn quantiles_are_within_alpha_of_exact() {
        let mut values: Vec<f64> = (1..=1001).map(|i| (i as f64) * 1.37e6).collect();
        // a pseudo-random spread over many powers of two as well
        let mut state = 0x1234_5678_9abc_def0u64;
        values.extend((0..5000).map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            10f64.powf((state >> 11) as f64 / (1u64 << 53) as f64 * 20.0 - 8.0)
        }));
        let mut sk = Sketch::default();
        values.iter().for_each(|&v| sk.add(v));
        values.sort_by(f64::total_cmp);
        for i in 0..=200 {
            let q = i as f64 / 200.0;
            let (got, want) = (sk.quantile(q), exact(&values, q));
            assert!((got / want - 1.0).abs() <= ALPHA * (1.0 + 1e-12), "q={q}: {got} vs {want}");
        }
        assert_eq!(sk.quantile(0.0), values[0]);
        assert_eq!(sk.quantile(1.0), values[values.len() - 1]);
        let mean: f64 = values.iter().sum::<f64>() / values.len() as f64;
        assert!((sk.mean() / mean - 1.0).abs() < 1e-12);
    }

    #[test]
    fn quantiles_in_one_pass_give_the_bits_of_quantile() {
        let qs = [0.0, 0.001, 0.05, 0.25, 0.5, 0.5, 0.75, 0.95, 0.999, 1.0];
        let mut state = 0x0bad_5eed_u64;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut sketches = vec![Sketch::default()];
        for (len, zero_share) in [(1, 0.0), (2, 0.0), (7, 0.5), (100, 0.0), (1000, 0.1), (5000, 0.9), (80_000, 0.0)] {
            let mut sk = Sketch::default();
            for k in 0..len {
                // a wide spread, or (the last) most values in one bucket so counts wrap
                let v = if len == 80_000 && k % 8 != 0 { 3.0 } else { 10f64.powf(next() * 12.0 - 4.0) };
                sk.add(if next() < zero_share { 0.0 } else { v });
            }
            sketches.push(sk);
        }
        for sk in &sketches {
            let one_pass = sk.quantiles(qs);
            for (q, got) in qs.iter().zip(one_pass) {
                assert_eq!(got.to_bits(), sk.quantile(*q).to_bits(), "q={q} of {} values", sk.n);
            }
        }
    }

    #[test]
    fn alpha_is_the_worst_case_error() {
        // the worst values of a bucket [lo, hi) of the widest kind (mantissa 1.0) are lo and
        // just under hi; each is ALPHA away from the representative
        let lo = 1.0f64;
        let b = bucket(lo);
        let hi = f64::from_bits(((b as u64) + 1) << SHIFT);
        assert_eq!(hi, 1.0 + 1.0 / 128.0);
        let r = representative(b);
        assert!(((r - lo) / lo - ALPHA).abs() < 1e-15);
        assert!(((hi - r) / hi - ALPHA).abs() < 1e-15);
        assert!((ALPHA - 1.0 / 257.0).abs() < 1e-18);
    }

    #[test]
    fn buckets_follow_the_order_of_values() {
        let mut x = 1.1e-12;
        while x < 1e16 {
            assert!(bucket(x) <= bucket(x * 1.001));
            let r = representative(bucket(x));
            assert!((r / x - 1.0).abs() <= ALPHA, "{x}");
            x *= 1.07;
        }
    }

    #[test]
    fn merge_equals_adding_everything_in_any_split() {
        let vals: Vec<f64> = (0..500).map(|i| ((i * 7919) % 1000) as f64 * 0.01).collect();
        let mut whole = Sketch::default();
        vals.iter().for_each(|&v| whole.add(v));
        for cut in [0, 1, 123, 499, 500] {
            let (mut a, mut b) = (Sketch::default(), Sketch::default());
            a.add_all(vals[..cut].iter().copied());
            b.add_all(vals[cut..].iter().copied().rev());
            b.merge(&a);
            assert_eq!(b, whole, "cut at {cut}");
        }
        assert_eq!(whole.count(), 500);
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
        // a damaged sketch is refused, not trusted (quantile would otherwise misreport)
        let mut bad = sk.clone();
        bad.n += 1;
        let mut buf = Vec::new();
        bad.encode(&mut buf);
        assert!(Sketch::decode(&mut buf.as_slice()).unwrap_err().contains("inconsistent"));
        let mut bad = sk.clone();
        std::mem::swap(&mut bad.min, &mut bad.max);
        let mut buf = Vec::new();
        bad.encode(&mut buf);
        assert!(Sketch::decode(&mut buf.as_slice()).unwrap_err().contains("inconsistent"));
    }

    #[test]
    fn counts_past_65535_wrap_into_exact_totals() {
        // 70,000 values in one bucket, 30,000 in the next: the two-byte counts wrap
        let (a, b) = (1.0e9, 1.0e9 * 1.01);
        let mut whole = Sketch::default();
        whole.add_all((0..70_000).map(|_| a));
        whole.add_all((0..30_000).map(|_| b));
        assert_eq!(whole.wraps.len(), 1);
        assert_eq!(whole.totals().collect::<Vec<_>>().iter().sum::<u64>(), 100_000);
        assert!((whole.quantile(0.5) / a - 1.0).abs() <= ALPHA, "rank 49,999 is in the first bucket");
        assert!((whole.quantile(0.75) / b - 1.0).abs() <= ALPHA, "rank 74,999 is in the second");
        // the same values split in two, each part below 65,536 per bucket, merge to the same
        let (mut x, mut y) = (Sketch::default(), Sketch::default());
        x.add_all((0..40_000).map(|_| a).chain((0..10_000).map(|_| b)));
        y.add_all((0..30_000).map(|_| a).chain((0..20_000).map(|_| b)));
        assert!(x.wraps.is_empty() && y.wraps.is_empty());
        x.merge(&y);
        assert_eq!(x, whole);
        // and the state round-trips
        let mut buf = Vec::new();
        whole.encode(&mut buf);
        assert_eq!(Sketch::decode(&mut buf.as_slice()).unwrap(), whole);
    }

    #[test]
    fn huge_sums_saturate_in_any_order_and_the_mean_stays_within_the_extremes() {
        // gdp_volatility_scale = 100 makes GDPs of order 1e27 and more: the fixed-point sum of
        // a few hundred runs passes i128 (it wrapped to a negative mean before)
        let values: Vec<f64> = (0..400).map(|i| 1e27 * (1.0 + (i % 37) as f64) + if i % 5 == 0 { 1e30 } else { 0.0 }).collect();
        let mut whole = Sketch::default();
        whole.add_all(values.iter().copied());
        assert!(whole.saturated());
        let exact = values.iter().sum::<f64>() / values.len() as f64;
        let m = whole.mean();
        assert!(m >= whole.quantile(0.0) && m <= whole.quantile(1.0), "{m}");
        assert!((m / exact - 1.0).abs() <= ALPHA, "{m} vs {exact}");
        for cut in [0, 1, 200, 399] {
            let (mut a, mut b) = (Sketch::default(), Sketch::default());
            a.add_all(values[..cut].iter().copied());
            b.add_all(values[cut..].iter().copied());
            b.merge(&a);
            assert_eq!(b, whole, "cut at {cut}");
        }
        let mut buf = Vec::new();
        whole.encode(&mut buf);
        assert_eq!(Sketch::decode(&mut buf.as_slice()).unwrap(), whole);
        // ordinary values are exact and not flagged
        let mut small = Sketch::default();
        small.add_all([1e12, 3e12].into_iter());
        assert!(!small.saturated() && small.mean() == 2e12);
        // a mean of equal values is that value
        let mut same = Sketch::default();
        same.add_all((0..3).map(|_| 0.1 + 0.2));
        assert_eq!(same.mean(), 0.1 + 0.2);
    }

    #[test]
    fn zeros_and_extremes_are_exact() {
        let mut sk = Sketch::default();
        for _ in 0..10 {
            sk.add(0.0);
        }
        sk.add(5.0);
        assert_eq!(sk.quantile(0.5), 0.0);
        assert_eq!(sk.quantile(1.0), 5.0);
        assert!(!sk.all_zero());
        let mut same = Sketch::default();
        (0..7).for_each(|_| same.add(3.3e9));
        for q in [0.05, 0.5, 0.95] {
            assert_eq!(same.quantile(q), 3.3e9, "equal values are reported exactly");
        }
    }
}

/// A sketch of values of either sign (paired differences between two scenarios): the positive
/// values in one `Sketch`, the magnitudes of the negative ones in another. Exact means and
/// merges, quantiles within `ALPHA`, as `Sketch`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignedSketch {
    pos: Sketch,
    neg: Sketch,
}

impl SignedSketch {
    pub fn add(&mut self, x: f64) {
        if x < 0.0 {
            self.neg.add(-x)
        } else {
            self.pos.add(x)
        }
    }

    /// Add several values (as `add` on each: negative values go to `neg`, the rest to `pos`).
    pub fn add_all(&mut self, values: impl Iterator<Item = f64> + Clone) {
        self.pos.add_all(values.clone().filter(|x| !(*x < 0.0)));
        self.neg.add_all(values.filter(|x| *x < 0.0).map(|x| -x));
    }

    pub fn merge(&mut self, other: &SignedSketch) {
        self.pos.merge(&other.pos);
        self.neg.merge(&other.neg);
    }

    pub fn count(&self) -> u64 {
        self.pos.n + self.neg.n
    }

    pub fn mean(&self) -> f64 {
        let n = self.count();
        if n == 0 {
            return f64::NAN;
        }
        (self.pos.sum - self.neg.sum) as f64 / SCALE / n as f64
    }

    /// The value of rank ⌊q·(n−1)⌋ (ascending): the negative values (largest magnitude
    /// first), the zeros of both, then the positive values.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.count();
        if n == 0 {
            return f64::NAN;
        }
        let rank = (q.clamp(0.0, 1.0) * (n - 1) as f64).floor() as u64;
        let negatives = self.neg.n - self.neg.zeros;
        if rank < negatives {
            return -self.neg.at_rank(self.neg.n - 1 - rank);
        }
        let zeros = self.neg.zeros + self.pos.zeros;
        if rank < negatives + zeros {
            return 0.0;
        }
        self.pos.at_rank(rank - negatives - self.neg.zeros)
    }

    /// `quantile` of each of `qs` (in ascending order), in one pass over each side's buckets.
    pub fn quantiles<const K: usize>(&self, qs: [f64; K]) -> [f64; K] {
        let mut out = [f64::NAN; K];
        let n = self.count();
        if n == 0 {
            return out;
        }
        let ranks = qs.map(|q| (q.clamp(0.0, 1.0) * (n - 1) as f64).floor() as u64);
        let negatives = self.neg.n - self.neg.zeros;
        let zeros = self.neg.zeros + self.pos.zeros;
        // ascending ranks: the negative values first (their magnitudes in descending order),
        // then the zeros, then the positive values
        let below = ranks.iter().take_while(|&&r| r < negatives).count();
        let above = ranks.iter().take_while(|&&r| r < negatives + zeros).count();
        let mut neg_ranks = [0; K];
        for (t, &r) in neg_ranks[..below].iter_mut().zip(ranks[..below].iter().rev()) {
            *t = self.neg.n - 1 - r;
        }
        let mut magnitudes = [0.0; K];
        self.neg.at_ranks(&neg_ranks[..below], &mut magnitudes[..below]);
        for (o, m) in out[..below].iter_mut().zip(magnitudes[..below].iter().rev()) {
            *o = -m;
        }
        out[below..above].fill(0.0);
        let pos_ranks = ranks.map(|r| r.saturating_sub(negatives + self.neg.zeros));
        self.pos.at_ranks(&pos_ranks[above..], &mut out[above..]);
        out
    }
}

#[cfg(test)]
mod signed_tests {
    use super::*;

    #[test]
    fn signed_quantiles_and_mean_match_the_sorted_values() {
        let values: Vec<f64> = (0..1001).map(|k| (k as f64 - 600.0) * 1.5).collect();
        let mut s = SignedSketch::default();
        for v in &values {
            s.add(*v);
        }
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.25, 0.5, 0.6, 0.75, 0.95, 1.0] {
            let exact = sorted[(q * 1000.0f64).floor() as usize];
            let got = s.quantile(q);
            assert!((got - exact).abs() <= ALPHA * exact.abs() + 1e-9, "q {q}: {got} vs {exact}");
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((s.mean() - mean).abs() < 1e-6, "{} vs {mean}", s.mean());
        // a merge of two halves is the whole
        let (mut a, mut b) = (SignedSketch::default(), SignedSketch::default());
        for (k, v) in values.iter().enumerate() {
            if k % 2 == 0 { a.add(*v) } else { b.add(*v) }
        }
        a.merge(&b);
        assert_eq!(a, s);
    }

    #[test]
    fn signed_quantiles_in_one_pass_give_the_bits_of_quantile() {
        let qs = [0.0, 0.05, 0.2, 0.25, 0.5, 0.75, 0.95, 1.0];
        // all negative, all positive, mixed with and without zeros on either side, empty
        let sets: Vec<Vec<f64>> = vec![
            vec![],
            (1..300).map(|k| -(k as f64).powi(3)).collect(),
            (1..300).map(|k| (k as f64).sqrt()).collect(),
            (0..1001).map(|k| (k as f64 - 600.0) * 1.5).collect(),
            (0..1001).map(|k| if k % 3 == 0 { 0.0 } else { (k as f64 - 300.0) * 0.01 }).collect(),
            (0..50).map(|k| if k < 30 { 0.0 } else { -(k as f64) }).collect(),
        ];
        for values in sets {
            let mut s = SignedSketch::default();
            values.iter().for_each(|&v| s.add(v));
            for (q, got) in qs.iter().zip(s.quantiles(qs)) {
                assert!(got.to_bits() == s.quantile(*q).to_bits() || (got.is_nan() && s.quantile(*q).is_nan()), "q={q}: {got} vs {}", s.quantile(*q));
            }
        }
    }
}
