//! `exp` and `ln` of a whole slice, four values at a time with AVX2 where the processor has
//! it: the same operations as math.rs in the same order on wider registers (no fused
//! multiply-adds, table entries gathered), so every result has the same bits as the scalar
//! function's (tested). The model gathers the arguments of a phase's exponentials and
//! logarithms into a slice and calls these once, instead of one call per value; values outside
//! the fast range (|x| ≥ 700 or NaN for `exp`, x not positive, normal and finite for `ln`)
//! take the scalar function, four at a time.

use super::math::{exp, ln};

/// e^x of every value, in place.
#[inline(always)]
pub fn exp_all(xs: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if crate::cpu::has_avx2() {
        // SAFETY: the processor has the features `avx2::exp_all` is compiled for.
        unsafe { avx2::exp_all(xs) };
        return;
    }
    xs.iter_mut().for_each(|x| *x = exp(*x));
}

/// The natural logarithm of every value, in place.
#[inline(always)]
pub fn ln_all(xs: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if crate::cpu::has_avx2() {
        // SAFETY: the processor has the features `avx2::ln_all` is compiled for.
        unsafe { avx2::ln_all(xs) };
        return;
    }
    xs.iter_mut().for_each(|x| *x = ln(*x));
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::super::math::{exp, ln, EXP2_TABLE, INV_CELL, INV_LN2_32, LN2_32_HI, LN2_32_LO, LN2_HI, LN2_LO, LN_CELL, ROUND};
    use std::arch::x86_64::*;

    // the tables at fixed addresses for the gathers
    static EXP2: [u64; 32] = EXP2_TABLE;
    static LN_CELLS: [u64; 49] = LN_CELL;
    static INV_CELLS: [f64; 49] = INV_CELL;

    /// Four e^x, each as `math::exp` computes it, for |x| < 700 (the caller checks).
    #[inline]
    #[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
    unsafe fn exp4(x: __m256d) -> __m256d {
        let round = _mm256_set1_pd(ROUND);
        let kd = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(INV_LN2_32)), round);
        let k = _mm256_sub_epi64(_mm256_castpd_si256(kd), _mm256_castpd_si256(round));
        let kf = _mm256_sub_pd(kd, round);
        let r = _mm256_sub_pd(_mm256_sub_pd(x, _mm256_mul_pd(kf, _mm256_set1_pd(LN2_32_HI))), _mm256_mul_pd(kf, _mm256_set1_pd(LN2_32_LO)));
        // the table entry plus (k >> 5) << 52: the bits of k above the fifth move into the
        // exponent (a logical shift leaves the same low bits as math.rs's arithmetic one)
        let entry = _mm256_i64gather_pd::<8>(EXP2.as_ptr() as *const f64, _mm256_and_si256(k, _mm256_set1_epi64x(31)));
        let t = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(entry), _mm256_slli_epi64::<52>(_mm256_srli_epi64::<5>(k))));
        let (mul, add, c) = (|a, b| _mm256_mul_pd(a, b), |a, b| _mm256_add_pd(a, b), |v: f64| _mm256_set1_pd(v));
        let r2 = mul(r, r);
        let q = add(add(r, mul(r2, add(c(0.5), mul(r, c(1.0 / 6.0))))), mul(mul(r2, r2), add(add(c(1.0 / 24.0), mul(r, c(1.0 / 120.0))), mul(r2, c(1.0 / 720.0)))));
        add(t, mul(t, q))
    }

    /// Four ln x, each as `math::ln` computes it, for positive normal finite x (the caller
    /// checks).
    #[inline]
    #[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
    unsafe fn ln4(x: __m256d) -> __m256d {
        let bits = _mm256_castpd_si256(x);
        let half = _mm256_and_si256(_mm256_srli_epi64::<51>(bits), _mm256_set1_epi64x(1));
        // the exponent e = (bits >> 52) − 1023 + half, a small integer, converted exactly by
        // adding it to the bits of 1.5·2^52
        let round = _mm256_set1_pd(ROUND);
        let e_int = _mm256_add_epi64(_mm256_sub_epi64(_mm256_srli_epi64::<52>(bits), _mm256_set1_epi64x(1023)), half);
        let e = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(round), e_int)), round);
        let mantissa = _mm256_and_si256(bits, _mm256_set1_epi64x((1i64 << 52) - 1));
        let m = _mm256_castsi256_pd(_mm256_or_si256(mantissa, _mm256_slli_epi64::<52>(_mm256_sub_epi64(_mm256_set1_epi64x(1023), half))));
        // the cell: k − 48 in 0..=48 for m in [0.75, 1.5)
        let kd = _mm256_add_pd(_mm256_mul_pd(m, _mm256_set1_pd(64.0)), round);
        let cell = _mm256_sub_epi64(_mm256_sub_epi64(_mm256_castpd_si256(kd), _mm256_castpd_si256(round)), _mm256_set1_epi64x(48));
        let inv = _mm256_i64gather_pd::<8>(INV_CELLS.as_ptr(), cell);
        let ln_cell = _mm256_i64gather_pd::<8>(LN_CELLS.as_ptr() as *const f64, cell);
        let (mul, add, c) = (|a, b| _mm256_mul_pd(a, b), |a, b| _mm256_add_pd(a, b), |v: f64| _mm256_set1_pd(v));
        let r = mul(_mm256_sub_pd(m, mul(_mm256_sub_pd(kd, round), c(1.0 / 64.0))), inv);
        let r2 = mul(r, r);
        let r4 = mul(r2, r2);
        let p = add(add(r, mul(r2, add(c(-0.5), mul(r, c(1.0 / 3.0))))), mul(r4, add(add(add(c(-0.25), mul(r, c(0.2))), mul(r2, add(c(-1.0 / 6.0), mul(r, c(1.0 / 7.0))))), mul(r4, c(-0.125)))));
        add(add(mul(e, c(LN2_HI)), ln_cell), add(mul(e, c(LN2_LO)), p))
    }

    /// `super::exp_all` with AVX2.
    #[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
    pub(super) unsafe fn exp_all(xs: &mut [f64]) {
        let mut chunks = xs.chunks_exact_mut(4);
        for c in &mut chunks {
            let x = _mm256_loadu_pd(c.as_ptr());
            // |x| < 700 in every lane (false for NaN)
            let abs = _mm256_andnot_pd(_mm256_set1_pd(-0.0), x);
            if _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(abs, _mm256_set1_pd(700.0))) == 0b1111 {
                _mm256_storeu_pd(c.as_mut_ptr(), exp4(x));
            } else {
                c.iter_mut().for_each(|x| *x = exp(*x));
            }
        }
        chunks.into_remainder().iter_mut().for_each(|x| *x = exp(*x));
    }

    /// `super::ln_all` with AVX2.
    #[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,popcnt")]
    pub(super) unsafe fn ln_all(xs: &mut [f64]) {
        let mut chunks = xs.chunks_exact_mut(4);
        for c in &mut chunks {
            let x = _mm256_loadu_pd(c.as_ptr());
            // MIN_POSITIVE ≤ x < ∞ in every lane (false for NaN)
            let low = _mm256_cmp_pd::<_CMP_GE_OQ>(x, _mm256_set1_pd(f64::MIN_POSITIVE));
            let high = _mm256_cmp_pd::<_CMP_LT_OQ>(x, _mm256_set1_pd(f64::INFINITY));
            if _mm256_movemask_pd(_mm256_and_pd(low, high)) == 0b1111 {
                _mm256_storeu_pd(c.as_mut_ptr(), ln4(x));
            } else {
                c.iter_mut().for_each(|x| *x = ln(*x));
            }
        }
        chunks.into_remainder().iter_mut().for_each(|x| *x = ln(*x));
    }
}

#[cfg(test)]
mod tests {
    use super::super::math::sweep;
    use super::*;

    /// Values that take every path: wide sweeps, values next to 0 and 1, the special cases,
    /// in an order that mixes them within groups of four.
    fn mixed(special: &[f64]) -> Vec<f64> {
        let mut xs: Vec<f64> = sweep(-720.0, 720.0, 40_000).chain(sweep(-1.0, 1.0, 40_000)).chain(sweep(-1e-9, 1e-9, 4_000)).collect();
        for (k, &s) in special.iter().enumerate() {
            xs.insert((k * 7919) % xs.len(), s);
        }
        xs.extend_from_slice(special);
        xs.push(0.5); // a remainder after the groups of four
        xs
    }

    fn same_bits(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn exp_all_gives_the_bits_of_exp() {
        let xs = mixed(&[0.0, -0.0, 700.0, -700.0, 699.999, -745.5, 709.9, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e-300]);
        let mut got = xs.clone();
        exp_all(&mut got);
        for (x, g) in xs.iter().zip(&got) {
            assert!(same_bits(*g, exp(*x)), "exp_all at {x}: {g} vs {}", exp(*x));
        }
    }

    #[test]
    fn ln_all_gives_the_bits_of_ln() {
        let mut xs: Vec<f64> = mixed(&[]).iter().map(|x| x.abs() * 1e3).collect();
        xs.extend(sweep(-700.0, 700.0, 40_000).map(f64::exp));
        xs.extend(sweep(0.74, 1.51, 40_000));
        xs.extend([1.0, 0.75, 1.5, 0.0, -0.0, -1.0, 1e-310, f64::MIN_POSITIVE, f64::MAX, f64::INFINITY, f64::NAN, 2.0, 0.5]);
        let mut got = xs.clone();
        ln_all(&mut got);
        for (x, g) in xs.iter().zip(&got) {
            assert!(same_bits(*g, ln(*x)), "ln_all at {x}: {g} vs {}", ln(*x));
        }
    }
}
