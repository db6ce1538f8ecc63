//! Global sensitivity designs and their analysis, pure: the Sobol' sequence (Joe and Kuo's
//! direction numbers), Saltelli's sampling scheme and the first-order and total Sobol'
//! indices with bootstrap confidence intervals (the estimators of Saltelli et al. 2010, as
//! SALib computes them), Morris' trajectories and elementary effects (mu, mu*, sigma), and the
//! map from the unit cube to parameter values (a range, or a prior's quantiles).
//!
//! The designs work in the unit cube; `to_values` maps a point to the `[[vary]]` values. The
//! point order is SALib's (`saltelli.sample(..., calc_second_order=False)`: per base sample
//! A, then A with column j from B for each j, then B), so either side's samples and outputs
//! can be analysed by the other.

use super::Vary;
use crate::scenario::Dist;
use rand::seq::SliceRandom;
use rand::Rng;

/// Parameters a sobol or morris batch may vary (Saltelli's scheme uses twice as many
/// dimensions of the Sobol' sequence; the table below has 64).
pub const MAX_PARAMETERS: usize = 32;
/// Bootstrap resamples of the confidence intervals.
pub const RESAMPLES: usize = 1000;
/// The confidence level of the intervals (normal approximation of the bootstrap, as SALib).
pub const CONFIDENCE: f64 = 0.95;
/// z of the 95% interval.
const Z95: f64 = 1.959_963_984_540_054;
/// A prior is sampled between these quantiles (its tails beyond are cut, so a normal prior
/// gives finite values at the corners of the cube).
pub const PRIOR_TAIL: f64 = 0.005;

/// Joe and Kuo's direction numbers (new-joe-kuo-6.21201, dimensions 2 to 64): each row is
/// `a` (the primitive polynomial's coefficients) then m_1..m_s. Copyright (c) 2008, Frances Y.
/// Kuo and Stephen Joe, BSD-style licence (https://web.maths.unsw.edu.au/~fkuo/sobol/).
const DIRECTIONS: [&[u32]; 63] = [
    &[0, 1],
    &[1, 1, 3],
    &[1, 1, 3, 1],
    &[2, 1, 1, 1],
    &[1, 1, 1, 3, 3],
    &[4, 1, 3, 5, 13],
    &[2, 1, 1, 5, 5, 17],
    &[4, 1, 1, 5, 5, 5],
    &[7, 1, 1, 7, 11, 19],
    &[11, 1, 1, 5, 1, 1],
    &[13, 1, 1, 1, 3, 11],
    &[14, 1, 3, 5, 5, 31],
    &[1, 1, 3, 3, 9, 7, 49],
    &[13, 1, 1, 1, 15, 21, 21],
    &[16, 1, 3, 1, 13, 27, 49],
    &[19, 1, 1, 1, 15, 7, 5],
    &[22, 1, 3, 1, 15, 13, 25],
    &[25, 1, 1, 5, 5, 19, 61],
    &[1, 1, 3, 7, 11, 23, 15, 103],
    &[4, 1, 3, 7, 13, 13, 15, 69],
    &[7, 1, 1, 3, 13, 7, 35, 63],
    &[8, 1, 3, 5, 9, 1, 25, 53],
    &[14, 1, 3, 1, 13, 9, 35, 107],
    &[19, 1, 3, 1, 5, 27, 61, 31],
    &[21, 1, 1, 5, 11, 19, 41, 61],
    &[28, 1, 3, 5, 3, 3, 13, 69],
    &[31, 1, 1, 7, 13, 1, 19, 1],
    &[32, 1, 3, 7, 5, 13, 19, 59],
    &[37, 1, 1, 3, 9, 25, 29, 41],
    &[41, 1, 3, 5, 13, 23, 1, 55],
    &[42, 1, 3, 7, 3, 13, 59, 17],
    &[50, 1, 3, 1, 3, 5, 53, 69],
    &[55, 1, 1, 5, 5, 23, 33, 13],
    &[56, 1, 1, 7, 7, 1, 61, 123],
    &[59, 1, 1, 7, 9, 13, 61, 49],
    &[62, 1, 3, 3, 5, 3, 55, 33],
    &[14, 1, 3, 1, 15, 31, 13, 49, 245],
    &[21, 1, 3, 5, 15, 31, 59, 63, 97],
    &[22, 1, 3, 1, 11, 11, 11, 77, 249],
    &[38, 1, 3, 1, 11, 27, 43, 71, 9],
    &[47, 1, 1, 7, 15, 21, 11, 81, 45],
    &[49, 1, 3, 7, 3, 25, 31, 65, 79],
    &[50, 1, 3, 1, 1, 19, 11, 3, 205],
    &[52, 1, 1, 5, 9, 19, 21, 29, 157],
    &[56, 1, 3, 7, 11, 1, 33, 89, 185],
    &[67, 1, 3, 3, 3, 15, 9, 79, 71],
    &[70, 1, 3, 7, 11, 15, 39, 119, 27],
    &[84, 1, 1, 3, 1, 11, 31, 97, 225],
    &[97, 1, 1, 1, 3, 23, 43, 57, 177],
    &[103, 1, 3, 7, 7, 17, 17, 37, 71],
    &[115, 1, 3, 1, 5, 27, 63, 123, 213],
    &[122, 1, 1, 3, 5, 11, 43, 53, 133],
    &[8, 1, 3, 5, 5, 29, 17, 47, 173, 479],
    &[13, 1, 3, 3, 11, 3, 1, 109, 9, 69],
    &[16, 1, 1, 1, 5, 17, 39, 23, 5, 343],
    &[22, 1, 3, 1, 5, 25, 15, 31, 103, 499],
    &[25, 1, 1, 1, 11, 11, 17, 63, 105, 183],
    &[44, 1, 1, 5, 11, 9, 29, 97, 231, 363],
    &[47, 1, 1, 5, 15, 19, 45, 41, 7, 383],
    &[52, 1, 3, 7, 7, 31, 19, 83, 137, 221],
    &[55, 1, 1, 1, 3, 23, 15, 111, 223, 83],
    &[59, 1, 1, 5, 13, 31, 15, 55, 25, 161],
    &[62, 1, 1, 3, 13, 25, 47, 39, 87, 257],
];

/// The Sobol' sequence in up to 64 dimensions, in Gray-code order (point 0 is the origin,
/// then (0.5, 0.5, ...), (0.75, 0.25, ...), ... as Joe and Kuo publish it), 32 bits.
pub struct SobolSeq {
    /// Direction numbers V_1..V_32 of each dimension, scaled to 32 bits.
    v: Vec<[u32; 32]>,
}

impl SobolSeq {
    pub fn new(dims: usize) -> Self {
        assert!(dims <= DIRECTIONS.len() + 1, "the Sobol' sequence here has {} dimensions", DIRECTIONS.len() + 1);
        let mut v = Vec::with_capacity(dims);
        for d in 0..dims {
            let mut vd = [0u32; 32];
            if d == 0 {
                for (j, x) in vd.iter_mut().enumerate() {
                    *x = 1 << (31 - j);
                }
            } else {
                let row = DIRECTIONS[d - 1];
                let (a, m) = (row[0], &row[1..]);
                let s = m.len();
                for j in 0..32 {
                    vd[j] = if j < s {
                        m[j] << (31 - j)
                    } else {
                        let mut x = vd[j - s] ^ (vd[j - s] >> s);
                        for k in 1..s {
                            if (a >> (s - 1 - k)) & 1 == 1 {
                                x ^= vd[j - k];
                            }
                        }
                        x
                    };
                }
            }
            v.push(vd);
        }
        SobolSeq { v }
    }

    /// Point `n` (0-based): XOR of the direction numbers of the bits of n's Gray code.
    pub fn point(&self, n: u32) -> Vec<f64> {
        let g = n ^ (n >> 1);
        self.v
            .iter()
            .map(|vd| {
                let x = (0..32).filter(|&j| (g >> j) & 1 == 1).fold(0u32, |x, j| x ^ vd[j]);
                x as f64 / 4_294_967_296.0
            })
            .collect()
    }
}

/// Points of the Sobol' sequence skipped before Saltelli's base samples: the first power of
/// two at least `n` (and at least 16), as SALib does.
pub fn skipped(n: usize) -> usize {
    n.next_power_of_two().max(16)
}

/// Saltelli's scheme for first-order and total indices: `n` base samples of a 2d-dimensional
/// Sobol' sequence (after `skipped(n)` points), A the first d coordinates and B the last d;
/// per base sample the points A, A with column j taken from B (j = 1..d), and B: n(d+2)
/// points in the unit cube.
pub fn saltelli(n: usize, d: usize) -> Vec<Vec<f64>> {
    let seq = SobolSeq::new(2 * d);
    let skip = skipped(n);
    let mut out = Vec::with_capacity(n * (d + 2));
    for i in 0..n {
        let p = seq.point((skip + i) as u32);
        let (a, b) = p.split_at(d);
        out.push(a.to_vec());
        for j in 0..d {
            let mut ab = a.to_vec();
            ab[j] = b[j];
            out.push(ab);
        }
        out.push(b.to_vec());
    }
    out
}

/// A parameter's first-order and total Sobol' indices, each with the half-width of its 95%
/// bootstrap confidence interval (NaN when the output does not vary).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub s1: f64,
    pub s1_conf: f64,
    pub st: f64,
    pub st_conf: f64,
}

fn mean(x: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = x.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    s / n as f64
}

/// Sample standard deviation (n − 1).
fn sd(x: &[f64]) -> f64 {
    let m = mean(x.iter().copied());
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() as f64 - 1.0)).sqrt()
}

/// The estimators on rows `rows` of the base samples: (first-order, total) of parameter j,
/// normalised by the variance of A and B together (Saltelli et al. 2010; Jansen for the total).
fn estimate(a: &[f64], b: &[f64], ab: &[f64], rows: &[usize]) -> (f64, f64) {
    let all: Vec<f64> = rows.iter().flat_map(|&r| [a[r], b[r]]).collect();
    let m = mean(all.iter().copied());
    let var = all.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / all.len() as f64;
    let s1 = mean(rows.iter().map(|&r| b[r] * (ab[r] - a[r]))) / var;
    let st = 0.5 * mean(rows.iter().map(|&r| (a[r] - ab[r]) * (a[r] - ab[r]))) / var;
    (s1, st)
}

/// First-order and total indices of each of `d` parameters from the outputs `y` of the
/// `saltelli(n, d)` points (in that order), with bootstrap intervals (`RESAMPLES` resamples of
/// the base samples drawn from `rng`). The outputs are standardised first, as SALib does.
pub fn sobol_indices(y: &[f64], d: usize, rng: &mut impl Rng) -> Vec<SobolIndex> {
    let step = d + 2;
    assert_eq!(y.len() % step, 0, "a Saltelli design has n(d+2) points");
    let n = y.len() / step;
    let m = mean(y.iter().copied());
    let s = (y.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / y.len() as f64).sqrt();
    let y: Vec<f64> = y.iter().map(|v| (v - m) / s).collect();
    let a: Vec<f64> = (0..n).map(|i| y[i * step]).collect();
    let b: Vec<f64> = (0..n).map(|i| y[i * step + step - 1]).collect();
    let all: Vec<usize> = (0..n).collect();
    let resamples: Vec<Vec<usize>> = (0..RESAMPLES).map(|_| (0..n).map(|_| rng.random_range(0..n)).collect()).collect();
    (0..d)
        .map(|j| {
            let ab: Vec<f64> = (0..n).map(|i| y[i * step + 1 + j]).collect();
            if !(s > 0.0) {
                return SobolIndex { s1: f64::NAN, s1_conf: f64::NAN, st: f64::NAN, st_conf: f64::NAN };
            }
            let (s1, st) = estimate(&a, &b, &ab, &all);
            let boot: Vec<(f64, f64)> = resamples.iter().map(|r| estimate(&a, &b, &ab, r)).collect();
            let s1s: Vec<f64> = boot.iter().map(|x| x.0).collect();
            let sts: Vec<f64> = boot.iter().map(|x| x.1).collect();
            SobolIndex { s1, s1_conf: Z95 * sd(&s1s), st, st_conf: Z95 * sd(&sts) }
        })
        .collect()
}

/// A Morris design: `r` trajectories of d+1 points each; in trajectory t, point k+1 differs
/// from point k in parameter `changes[t][k].0` by `changes[t][k].1` (±Δ in the unit cube).
#[derive(Debug, Clone, PartialEq)]
pub struct Morris {
    pub points: Vec<Vec<f64>>,
    pub changes: Vec<Vec<(usize, f64)>>,
    pub delta: f64,
}

/// Morris' random trajectories (Morris 1991) on a grid of `levels` levels in [0, 1]: the step
/// Δ = levels / (2 (levels − 1)); each trajectory starts at a random grid point from which every
/// coordinate can move by Δ, and moves one parameter at a time, in a random order, up or down.
pub fn morris(trajectories: usize, levels: usize, d: usize, rng: &mut impl Rng) -> Morris {
    let p = levels as f64;
    let delta = p / (2.0 * (p - 1.0));
    let (mut points, mut changes) = (Vec::new(), Vec::new());
    for _ in 0..trajectories {
        let mut order: Vec<usize> = (0..d).collect();
        order.shuffle(rng);
        let mut x = Vec::with_capacity(d);
        let mut sign = Vec::with_capacity(d);
        for _ in 0..d {
            let low = rng.random_range(0..levels / 2) as f64 / (p - 1.0);
            let up = rng.random_bool(0.5);
            x.push(if up { low } else { low + delta });
            sign.push(if up { 1.0 } else { -1.0 });
        }
        points.push(x.clone());
        let mut ch = Vec::with_capacity(d);
        for &j in &order {
            x[j] += sign[j] * delta;
            // exactly on the grid (no drift from the addition)
            x[j] = (x[j] * (p - 1.0)).round() / (p - 1.0);
            points.push(x.clone());
            ch.push((j, sign[j] * delta));
        }
        changes.push(ch);
    }
    Morris { points, changes, delta }
}

/// A parameter's elementary-effect statistics: mean, mean of absolute values (mu*) with the
/// half-width of its 95% bootstrap interval, and standard deviation. An effect is the change
/// of the output over the step in the unit cube: the change per whole range of the parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: f64,
    pub mu_star: f64,
    pub mu_star_conf: f64,
    pub sigma: f64,
}

/// mu, mu*, its interval and sigma per parameter from the outputs `y` of `design.points`.
pub fn morris_indices(y: &[f64], design: &Morris, d: usize, rng: &mut impl Rng) -> Vec<MorrisIndex> {
    let mut effects = vec![Vec::new(); d];
    for (t, ch) in design.changes.iter().enumerate() {
        let base = t * (d + 1);
        for (k, &(j, step)) in ch.iter().enumerate() {
            effects[j].push((y[base + k + 1] - y[base + k]) / step);
        }
    }
    effects
        .iter()
        .map(|ee| {
            let r = ee.len();
            let abs: Vec<f64> = ee.iter().map(|e| e.abs()).collect();
            let boot: Vec<f64> = (0..RESAMPLES).map(|_| mean((0..r).map(|_| abs[rng.random_range(0..r)]))).collect();
            MorrisIndex { mu: mean(ee.iter().copied()), mu_star: mean(abs.iter().copied()), mu_star_conf: Z95 * sd(&boot), sigma: if r > 1 { sd(ee) } else { f64::NAN } }
        })
        .collect()
}

/// The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.383577518672690e2, -3.066479806614716e1, 2.506628277459239];
    const B: [f64; 5] = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let low = 0.02425;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

/// The value of a prior at quantile u (cut to [PRIOR_TAIL, 1 − PRIOR_TAIL] for the unbounded
/// shapes), kept within the parameter's allowed range.
pub fn prior_quantile(dist: &Dist, range: (f64, f64), u: f64) -> f64 {
    let tail = || normal_quantile(u.clamp(PRIOR_TAIL, 1.0 - PRIOR_TAIL));
    let v = match *dist {
        Dist::Uniform { low, high } => low + u * (high - low),
        Dist::Normal { mean, sd } => mean + sd * tail(),
        Dist::LogNormal { mean, sd } => {
            let s2 = (1.0 + (sd / mean).powi(2)).ln();
            (mean.ln() - 0.5 * s2 + s2.sqrt() * tail()).exp()
        }
    };
    v.clamp(range.0, range.1)
}

/// A point of the unit cube as the values of the `[[vary]]` parameters: a range maps linearly,
/// a prior (`priors[j]`: its distribution and allowed range) through its quantiles.
pub fn to_values(vary: &[Vary], unit: &[f64], priors: &[Option<(Dist, (f64, f64))>]) -> Vec<toml::Value> {
    vary.iter()
        .zip(unit)
        .enumerate()
        .map(|(j, (v, &u))| {
            let x = match (v.range, priors.get(j).copied().flatten()) {
                (Some((lo, hi)), _) => lo + u * (hi - lo),
                (None, Some((dist, range))) => prior_quantile(&dist, range, u),
                (None, None) => u,
            };
            toml::Value::Float(x)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sobol_points_are_joe_and_kuos() {
        // Joe and Kuo's published first points (dimensions 1-3, the origin left out)
        let want = [
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
            [0.1875, 0.3125, 0.9375],
        ];
        let seq = SobolSeq::new(64);
        for (n, w) in want.iter().enumerate() {
            assert_eq!(&seq.point(n as u32 + 1)[..3], w);
        }
        assert!(seq.point(0).iter().all(|&x| x == 0.0));
        // higher dimensions against SALib 1.4.1's generator (same direction numbers)
        for (n, w) in [(100, [0.6953125, 0.1328125, 0.6484375]), (1000, [0.0693359375, 0.4794921875, 0.4462890625]), (1024, [0.67138671875, 0.12451171875, 0.96630859375])] {
            let p = seq.point(n);
            assert_eq!([p[9], p[39], p[63]], w, "point {n}");
        }
    }

    #[test]
    fn saltelli_rows_share_columns_as_salib_lays_them_out() {
        let pts = saltelli(4, 3);
        assert_eq!(pts.len(), 4 * 5);
        for i in 0..4 {
            let (a, b) = (&pts[i * 5], &pts[i * 5 + 4]);
            for j in 0..3 {
                let ab = &pts[i * 5 + 1 + j];
                for k in 0..3 {
                    assert_eq!(ab[k], if k == j { b[k] } else { a[k] });
                }
            }
        }
        // the first base sample is point 16 of the 6-dimensional sequence
        assert_eq!(pts[0], SobolSeq::new(6).point(16)[..3].to_vec());
    }

    #[test]
    fn morris_moves_one_parameter_by_delta_and_stays_on_the_grid() {
        let mut rng = crate::rng::design_rng(3);
        let m = morris(5, 4, 3, &mut rng);
        assert_eq!(m.points.len(), 5 * 4);
        assert!((m.delta - 2.0 / 3.0).abs() < 1e-15);
        for (t, ch) in m.changes.iter().enumerate() {
            let mut seen: Vec<usize> = ch.iter().map(|c| c.0).collect();
            seen.sort();
            assert_eq!(seen, vec![0, 1, 2]);
            for (k, &(j, step)) in ch.iter().enumerate() {
                let (x, y) = (&m.points[t * 4 + k], &m.points[t * 4 + k + 1]);
                assert!((y[j] - x[j] - step).abs() < 1e-12);
                assert!(x.iter().chain(y).all(|v| (0.0..=1.0).contains(v) && ((v * 3.0).round() - v * 3.0).abs() < 1e-12));
            }
        }
        // a linear function: every effect is its slope times the range, sigma 0
        let y: Vec<f64> = m.points.iter().map(|p| 3.0 * p[0] - 2.0 * p[1]).collect();
        let idx = morris_indices(&y, &m, 3, &mut rng);
        assert!((idx[0].mu_star - 3.0).abs() < 1e-12 && (idx[1].mu - -2.0).abs() < 1e-12 && idx[2].mu_star == 0.0);
        assert!(idx[0].sigma < 1e-12);
    }

    #[test]
    fn normal_quantiles_are_right() {
        assert!(normal_quantile(0.5).abs() < 1e-12);
        assert!((normal_quantile(0.975) - 1.959963985).abs() < 1e-8);
        assert!((normal_quantile(0.01) + 2.326347874).abs() < 1e-8);
        let d = Dist::LogNormal { mean: 5.0, sd: 1.0 };
        let med = prior_quantile(&d, (0.0, 100.0), 0.5);
        assert!((med - 5.0 / (1.0f64 + 0.04).sqrt()).abs() < 1e-9, "{med}");
        assert_eq!(prior_quantile(&Dist::Uniform { low: 1.0, high: 3.0 }, (0.0, 2.5), 0.9), 2.5);
    }
}
