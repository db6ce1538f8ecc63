//! Measurements for the run-batched engine (issue 16), not part of tradesim: what advancing L
//! runs together ("lanes", the run index innermost) gains on this machine, with the model's own
//! arithmetic and bits.
//!
//! 1. `exp` (src/model/math.rs, included as is) against `exp_lanes` on 4 lanes.
//! 2. The flow-noise part of the step (a reduced copy of `Model::adjust`, src/model/trade.rs:
//!    partial adjustment, a cover cut, one normal draw per flow and per rerouted flow, then
//!    the `exp` of the noise) on 324 routes of which 279 trade (sanctions_2022's shape), one
//!    run at a time against 4 runs in lanes; each lane keeps its run's own ChaCha8 stream,
//!    so every run's result is the same bits either way (checked).
//! 3. The same without the normal draws (the noise taken from the last step's values), to
//!    separate the generator from the arithmetic.
//!
//! Run: `cargo run --release` in this directory (5 rounds; min and median per figure).

#[path = "../../../src/model/math.rs"]
#[allow(dead_code)]
mod math;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::time::Instant;

const ROUTES: usize = 324;
const L: usize = 4;
const RUNS: usize = 2000;
const STEPS: usize = 40;

/// What a step reads: base shares (0: no trade), cover of bans, growth, CES targets.
struct Inputs {
    pi0: Vec<f64>,
    cover: Vec<f64>,
    growth: Vec<f64>,
    target_direct: Vec<f64>,
    target_rerouted: Vec<f64>,
    lam: f64,
    nu: f64,
    drift: f64,
}

/// The state a run carries: per route (scalar) or per route and lane.
struct State<T> {
    cover_prev: Vec<T>,
    direct: Vec<T>,
    rerouted: Vec<T>,
    noise_direct: Vec<T>,
    noise_rerouted: Vec<T>,
}

impl<T: Clone> State<T> {
    fn new(zero: T, direct: Vec<T>) -> Self {
        State { cover_prev: vec![zero.clone(); ROUTES], rerouted: vec![zero.clone(); ROUTES], noise_direct: vec![zero.clone(); ROUTES], noise_rerouted: vec![zero; ROUTES], direct }
    }
}

/// One run's step, as `Model::adjust` does it; `draws = false` replaces each normal draw by
/// an affine function of the last noise (no generator).
#[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
unsafe fn step_run(p: &Inputs, rng: &mut ChaCha8Rng, st: &mut State<f64>, draws: bool) {
    for r in 0..ROUTES {
        if p.pi0[r] <= 0.0 {
            continue;
        }
        let (c_now, c_prev) = (p.cover[r], st.cover_prev[r]);
        let g = p.growth[r];
        let mut x = st.direct[r] * g;
        if c_now > c_prev && c_prev < 1.0 {
            x *= (1.0 - c_now) / (1.0 - c_prev);
        }
        x += p.lam * (p.target_direct[r] - x);
        let z: f64 = if draws { StandardNormal.sample(rng) } else { 0.5 * st.noise_direct[r] + 0.1 };
        st.noise_direct[r] = p.nu * z + p.drift;
        st.direct[r] = x;
        st.cover_prev[r] = c_now;
        let mut v = st.rerouted[r] * g;
        v += p.lam * (p.target_rerouted[r] - v);
        if v > 0.0 {
            let z: f64 = if draws { StandardNormal.sample(rng) } else { 0.5 * st.noise_rerouted[r] + 0.1 };
            st.noise_rerouted[r] = p.nu * z + p.drift;
            st.rerouted[r] = v;
        } else {
            st.noise_rerouted[r] = f64::NAN;
            st.rerouted[r] = if v > 1e-9 { v } else { 0.0 };
        }
    }
    for r in 0..ROUTES {
        if p.pi0[r] <= 0.0 {
            continue;
        }
        st.direct[r] = (st.direct[r] * math::exp(st.noise_direct[r])).max(0.0);
        let nv = st.noise_rerouted[r];
        if !nv.is_nan() {
            let w = st.rerouted[r] * math::exp(nv);
            st.rerouted[r] = if w > 1e-9 { w } else { 0.0 };
        }
    }
}

/// L runs' step in lanes: the same operations per lane, in loops over the lanes; each lane
/// draws from its own run's generator, in the run's order.
#[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
unsafe fn step_lanes(p: &Inputs, rngs: &mut [ChaCha8Rng; L], st: &mut State<[f64; L]>, draws: bool) {
    for r in 0..ROUTES {
        if p.pi0[r] <= 0.0 {
            continue;
        }
        let (c_now, g) = (p.cover[r], p.growth[r]);
        let (cp, d) = (&mut st.cover_prev[r], &mut st.direct[r]);
        for l in 0..L {
            let mut x = d[l] * g;
            let cut = c_now > cp[l] && cp[l] < 1.0;
            let f = (1.0 - c_now) / (1.0 - cp[l]);
            x = if cut { x * f } else { x };
            d[l] = x + p.lam * (p.target_direct[r] - x);
            cp[l] = c_now;
        }
        let nd = &mut st.noise_direct[r];
        for l in 0..L {
            let z: f64 = if draws { StandardNormal.sample(&mut rngs[l]) } else { 0.5 * nd[l] + 0.1 };
            nd[l] = p.nu * z + p.drift;
        }
        let (v, nv) = (&mut st.rerouted[r], &mut st.noise_rerouted[r]);
        for l in 0..L {
            let w = v[l] * g;
            v[l] = w + p.lam * (p.target_rerouted[r] - w);
        }
        for l in 0..L {
            if v[l] > 0.0 {
                let z: f64 = if draws { StandardNormal.sample(&mut rngs[l]) } else { 0.5 * nv[l] + 0.1 };
                nv[l] = p.nu * z + p.drift;
            } else {
                nv[l] = f64::NAN;
                v[l] = if v[l] > 1e-9 { v[l] } else { 0.0 };
            }
        }
    }
    for r in 0..ROUTES {
        if p.pi0[r] <= 0.0 {
            continue;
        }
        let e = exp_lanes(&st.noise_direct[r]);
        let d = &mut st.direct[r];
        for l in 0..L {
            d[l] = (d[l] * e[l]).max(0.0);
        }
        let nv = &st.noise_rerouted[r];
        if nv.iter().any(|x| !x.is_nan()) {
            for l in 0..L {
                if !nv[l].is_nan() {
                    let w = st.rerouted[r][l] * math::exp(nv[l]);
                    st.rerouted[r][l] = if w > 1e-9 { w } else { 0.0 };
                }
            }
        }
    }
}

/// The same as `step_lanes` (4 lanes) written with AVX2 intrinsics: what the compiler does
/// not vectorise by itself in `step_lanes` (it keeps most of its lane loops scalar).
#[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
unsafe fn step_simd(p: &Inputs, rngs: &mut [ChaCha8Rng; 4], st: &mut State<[f64; 4]>, draws: bool) {
    use std::arch::x86_64::*;
    let (lam, nu, drift) = (_mm256_set1_pd(p.lam), _mm256_set1_pd(p.nu), _mm256_set1_pd(p.drift));
    let (one, half, tenth, tiny, zero, nan) = (_mm256_set1_pd(1.0), _mm256_set1_pd(0.5), _mm256_set1_pd(0.1), _mm256_set1_pd(1e-9), _mm256_setzero_pd(), _mm256_set1_pd(f64::NAN));
    for r in 0..ROUTES {
        if p.pi0[r] <= 0.0 {
            continue;
        }
        let (cn, g) = (_mm256_set1_pd(p.cover[r]), _mm256_set1_pd(p.growth[r]));
        let cp = _mm256_loadu_pd(st.cover_prev[r].as_ptr());
        let mut x = _mm256_mul_pd(_mm256_loadu_pd(st.direct[r].as_ptr()), g);
        let cut = _mm256_and_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(cn, cp), _mm256_cmp_pd::<_CMP_LT_OQ>(cp, one));
        let f = _mm256_div_pd(_mm256_sub_pd(one, cn), _mm256_sub_pd(one, cp));
        x = _mm256_blendv_pd(x, _mm256_mul_pd(x, f), cut);
        x = _mm256_add_pd(x, _mm256_mul_pd(lam, _mm256_sub_pd(_mm256_set1_pd(p.target_direct[r]), x)));
        _mm256_storeu_pd(st.direct[r].as_mut_ptr(), x);
        _mm256_storeu_pd(st.cover_prev[r].as_mut_ptr(), cn);
        let z = if draws {
            let z: [f64; 4] = std::array::from_fn(|l| StandardNormal.sample(&mut rngs[l]));
            _mm256_loadu_pd(z.as_ptr())
        } else {
            _mm256_add_pd(_mm256_mul_pd(half, _mm256_loadu_pd(st.noise_direct[r].as_ptr())), tenth)
        };
        _mm256_storeu_pd(st.noise_direct[r].as_mut_ptr(), _mm256_add_pd(_mm256_mul_pd(nu, z), drift));
        let w = _mm256_mul_pd(_mm256_loadu_pd(st.rerouted[r].as_ptr()), g);
        let v = _mm256_add_pd(w, _mm256_mul_pd(lam, _mm256_sub_pd(_mm256_set1_pd(p.target_rerouted[r]), w)));
        let there = _mm256_cmp_pd::<_CMP_GT_OQ>(v, zero);
        let bits = _mm256_movemask_pd(there);
        let z = if bits == 0 {
            zero
        } else if draws {
            let z: [f64; 4] = std::array::from_fn(|l| if bits >> l & 1 != 0 { StandardNormal.sample(&mut rngs[l]) } else { 0.0 });
            _mm256_loadu_pd(z.as_ptr())
        } else {
            _mm256_add_pd(_mm256_mul_pd(half, _mm256_loadu_pd(st.noise_rerouted[r].as_ptr())), tenth)
        };
        let nv = _mm256_blendv_pd(nan, _mm256_add_pd(_mm256_mul_pd(nu, z), drift), there);
        _mm256_storeu_pd(st.noise_rerouted[r].as_mut_ptr(), nv);
        let kept = _mm256_and_pd(v, _mm256_cmp_pd::<_CMP_GT_OQ>(v, tiny));
        _mm256_storeu_pd(st.rerouted[r].as_mut_ptr(), _mm256_blendv_pd(kept, v, there));
    }
    for r in 0..ROUTES {
        if p.pi0[r] <= 0.0 {
            continue;
        }
        let e = exp_simd(_mm256_loadu_pd(st.noise_direct[r].as_ptr()));
        _mm256_storeu_pd(st.direct[r].as_mut_ptr(), _mm256_max_pd(_mm256_mul_pd(_mm256_loadu_pd(st.direct[r].as_ptr()), e), zero));
        let nv = &st.noise_rerouted[r];
        if nv.iter().any(|x| !x.is_nan()) {
            for l in 0..4 {
                if !nv[l].is_nan() {
                    let w = st.rerouted[r][l] * math::exp(nv[l]);
                    st.rerouted[r][l] = if w > 1e-9 { w } else { 0.0 };
                }
            }
        }
    }
}

/// `math::exp` on 4 lanes with AVX2 (the same operations, so the same bits), for arguments in
/// its fast range (|x| < 700: the noise here).
#[target_feature(enable = "avx,avx2")]
unsafe fn exp_simd(x: std::arch::x86_64::__m256d) -> std::arch::x86_64::__m256d {
    use std::arch::x86_64::*;
    let round = _mm256_set1_pd(math::ROUND);
    let kd = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(math::INV_LN2_32)), round);
    let k = _mm256_sub_epi64(_mm256_castpd_si256(kd), _mm256_castpd_si256(round));
    let entry = _mm256_i64gather_epi64::<8>(math::EXP2_TABLE.as_ptr() as *const i64, _mm256_and_si256(k, _mm256_set1_epi64x(31)));
    // ((k >> 5) << 52): the low 12 bits of k >> 5 are the same for a logical shift
    let t = _mm256_castsi256_pd(_mm256_add_epi64(entry, _mm256_slli_epi64::<52>(_mm256_srli_epi64::<5>(k))));
    let kf = _mm256_sub_pd(kd, round);
    let r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(kf, _mm256_set1_pd(math::LN2_32_HI))), _mm256_mul_pd(kf, _mm256_set1_pd(math::LN2_32_LO)));
    let c = |v: f64| _mm256_set1_pd(v);
    let r2 = _mm256_mul_pd(r, r);
    let a = _mm256_add_pd(r, _mm256_mul_pd(r2, _mm256_add_pd(c(0.5), _mm256_mul_pd(r, c(1.0 / 6.0)))));
    let b = _mm256_mul_pd(_mm256_mul_pd(r2, r2), _mm256_add_pd(_mm256_add_pd(c(1.0 / 24.0), _mm256_mul_pd(r, c(1.0 / 120.0))), _mm256_mul_pd(r2, c(1.0 / 720.0))));
    let q = _mm256_add_pd(a, b);
    _mm256_add_pd(t, _mm256_mul_pd(t, q))
}

/// `exp` of L values at once, the same bits as `exp` on each: the steps of `exp` in loops
/// over the lanes, left to the compiler to vectorise (it keeps much of it scalar: compare
/// `exp_simd`). A lane out of `exp`'s fast range sends the whole call through `exp`.
#[inline(always)]
fn exp_lanes<const L: usize>(x: &[f64; L]) -> [f64; L] {
    let mut out = [0.0; L];
    if x.iter().any(|v| v.is_nan() || v.abs() >= 700.0) {
        for l in 0..L {
            out[l] = math::exp(x[l]);
        }
        return out;
    }
    let (mut kd, mut t) = ([0.0; L], [0.0; L]);
    for l in 0..L {
        kd[l] = x[l] * math::INV_LN2_32 + math::ROUND;
    }
    for l in 0..L {
        let k = kd[l].to_bits().wrapping_sub(math::ROUND.to_bits()) as i64;
        t[l] = f64::from_bits(math::EXP2_TABLE[(k & 31) as usize].wrapping_add(((k >> 5) as u64) << 52));
    }
    for l in 0..L {
        let kf = kd[l] - math::ROUND;
        let r = (x[l] - kf * math::LN2_32_HI) - kf * math::LN2_32_LO;
        let r2 = r * r;
        let q = (r + r2 * (0.5 + r * (1.0 / 6.0))) + (r2 * r2) * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0));
        out[l] = t[l] + t[l] * q;
    }
    out
}

fn inputs() -> Inputs {
    let mut s = 7u64;
    let mut u = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    // 45 of 324 routes without trade (as sanctions_2022: 279 trade), 30 under a leaking ban
    let pi0 = (0..ROUTES).map(|r| if r % 7 == 3 { 0.0 } else { 0.01 + u() }).collect();
    let cover = (0..ROUTES).map(|r| if r % 11 == 0 { 0.5 } else { 0.0 }).collect();
    let target_rerouted = (0..ROUTES).map(|r| if r % 11 == 0 { 1e8 * (1.0 + u()) } else { 0.0 }).collect();
    let growth = (0..ROUTES).map(|_| 1.0 + 0.01 * u()).collect();
    let target_direct = (0..ROUTES).map(|_| 1e9 * (0.1 + u())).collect();
    Inputs { pi0, cover, growth, target_direct, target_rerouted, lam: 0.1, nu: 0.05, drift: -0.5 * 0.05 * 0.05 }
}

/// µs per run and step, one run at a time; and every run's final flows.
fn time_runs(p: &Inputs, draws: bool) -> (f64, Vec<f64>) {
    let mut last = Vec::with_capacity(RUNS * ROUTES);
    let t = Instant::now();
    for run in 0..RUNS {
        let mut rng = ChaCha8Rng::seed_from_u64(run as u64);
        let mut st = State::new(0.0, p.target_direct.clone());
        for _ in 0..STEPS {
            // SAFETY: main checks the processor has AVX2.
            unsafe { step_run(p, &mut rng, &mut st, draws) };
        }
        last.extend_from_slice(&st.direct);
    }
    (t.elapsed().as_secs_f64() * 1e6 / (RUNS * STEPS) as f64, last)
}

/// The same, L runs at a time in lanes; final flows in run order.
fn time_lanes(p: &Inputs, draws: bool) -> (f64, Vec<f64>) {
    let mut last = vec![0.0; RUNS * ROUTES];
    let t = Instant::now();
    for block in 0..RUNS / L {
        let mut rngs: [ChaCha8Rng; L] = std::array::from_fn(|l| ChaCha8Rng::seed_from_u64((block * L + l) as u64));
        let mut st = State::new([0.0; L], p.target_direct.iter().map(|&x| [x; L]).collect());
        for _ in 0..STEPS {
            // SAFETY: main checks the processor has AVX2.
            unsafe { step_lanes(p, &mut rngs, &mut st, draws) };
        }
        for (r, d) in st.direct.iter().enumerate() {
            for l in 0..L {
                last[(block * L + l) * ROUTES + r] = d[l];
            }
        }
    }
    (t.elapsed().as_secs_f64() * 1e6 / (RUNS * STEPS) as f64, last)
}

/// `exp` of every value, 100 times over (AVX2 copy, as the model's step).
#[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
unsafe fn exp_each(xs: &[f64], out: &mut [f64]) {
    for _ in 0..100 {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = math::exp(x);
        }
        std::hint::black_box(&mut *out);
    }
}

/// The same with `exp_lanes`, L values at a time.
#[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
unsafe fn exp_in_lanes(xs: &[f64], out: &mut [f64]) {
    for _ in 0..100 {
        for (o, x) in out.chunks_exact_mut(L).zip(xs.chunks_exact(L)) {
            o.copy_from_slice(&exp_lanes::<L>(x.try_into().unwrap()));
        }
        std::hint::black_box(&mut *out);
    }
}

/// The same with `step_simd`.
fn time_simd(p: &Inputs, draws: bool) -> (f64, Vec<f64>) {
    let mut last = vec![0.0; RUNS * ROUTES];
    let t = Instant::now();
    for block in 0..RUNS / 4 {
        let mut rngs: [ChaCha8Rng; 4] = std::array::from_fn(|l| ChaCha8Rng::seed_from_u64((block * 4 + l) as u64));
        let mut st = State::new([0.0; 4], p.target_direct.iter().map(|&x| [x; 4]).collect());
        for _ in 0..STEPS {
            // SAFETY: main checks the processor has AVX2.
            unsafe { step_simd(p, &mut rngs, &mut st, draws) };
        }
        for (r, d) in st.direct.iter().enumerate() {
            for l in 0..4 {
                last[(block * 4 + l) * ROUTES + r] = d[l];
            }
        }
    }
    (t.elapsed().as_secs_f64() * 1e6 / (RUNS * STEPS) as f64, last)
}

fn min_median(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    (xs[0], xs[xs.len() / 2])
}

fn main() {
    assert!(is_x86_feature_detected!("avx2"), "the spike measures the AVX2 copies");
    let rounds = 5;
    // 1. exp
    let xs: Vec<f64> = (0..1 << 16).map(|k| -2.0 + 4.0 * (k as f64 + 0.5) / 65536.0).collect();
    let (mut a, mut b) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
    let (mut scalar, mut lanes) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        // SAFETY: the processor has AVX2 (checked above).
        unsafe { exp_each(&xs, &mut a) };
        scalar.push(t.elapsed().as_secs_f64() * 1e9 / (100 * xs.len()) as f64);
        let t = Instant::now();
        // SAFETY: as above.
        unsafe { exp_in_lanes(&xs, &mut b) };
        lanes.push(t.elapsed().as_secs_f64() * 1e9 / (100 * xs.len()) as f64);
    }
    let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
    let (s, l) = (min_median(scalar), min_median(lanes));
    println!("exp, ns per value (min, median of {rounds}): one at a time {:.2}, {:.2}; {L} lanes {:.2}, {:.2}; same bits: {same}", s.0, s.1, l.0, l.1);
    // 2. and 3. the flow-noise step
    let p = inputs();
    for draws in [true, false] {
        let (mut scalar, mut lanes, mut simd) = (Vec::new(), Vec::new(), Vec::new());
        let mut same = true;
        for _ in 0..rounds {
            let (ts, a) = time_runs(&p, draws);
            let (tl, b) = time_lanes(&p, draws);
            let (tv, c) = time_simd(&p, draws);
            scalar.push(ts);
            lanes.push(tl);
            simd.push(tv);
            same &= a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()) && a.iter().zip(&c).all(|(x, y)| x.to_bits() == y.to_bits());
        }
        let (s, l, v) = (min_median(scalar), min_median(lanes), min_median(simd));
        let what = if draws { "with its normal draws (ChaCha8 + ziggurat per run)" } else { "without the draws" };
        println!("flow-noise step {what}, µs per run and step (min, median): one run at a time {:.2}, {:.2}; {L} runs in lanes {:.2}, {:.2}; 4 lanes in AVX2 intrinsics {:.2}, {:.2}; every run the same bits: {same}", s.0, s.1, l.0, l.1, v.0, v.1);
    }
}
