//! Deterministic `exp`, `ln` and `pow` for the model: table-driven, a few multiply-adds each,
//! within 2 units in the last place of the standard library's results (1e-16 for logarithms
//! near 0; tested), and written in plain arithmetic rather than calls to the platform's libm,
//! so the model's own powers and logarithms give the same bits on every machine (the samplers
//! of `rand_distr` still call libm in their rare tail cases). The tables were generated with
//! 60-digit decimal arithmetic (Python `decimal`) and rounded once to the nearest double.

/// 2^(i/32), i = 0..32. (`pub(crate)` here and below: spikes/lanes includes this file and
/// writes `exp` on lanes with the same constants.)
pub(crate) const EXP2_TABLE: [u64; 32] = [
    0x3FF0000000000000, 0x3FF059B0D3158574, 0x3FF0B5586CF9890F, 0x3FF11301D0125B51,
    0x3FF172B83C7D517B, 0x3FF1D4873168B9AA, 0x3FF2387A6E756238, 0x3FF29E9DF51FDEE1,
    0x3FF306FE0A31B715, 0x3FF371A7373AA9CB, 0x3FF3DEA64C123422, 0x3FF44E086061892D,
    0x3FF4BFDAD5362A27, 0x3FF5342B569D4F82, 0x3FF5AB07DD485429, 0x3FF6247EB03A5585,
    0x3FF6A09E667F3BCD, 0x3FF71F75E8EC5F74, 0x3FF7A11473EB0187, 0x3FF82589994CCE13,
    0x3FF8ACE5422AA0DB, 0x3FF93737B0CDC5E5, 0x3FF9C49182A3F090, 0x3FFA5503B23E255D,
    0x3FFAE89F995AD3AD, 0x3FFB7F76F2FB5E47, 0x3FFC199BDD85529C, 0x3FFCB720DCEF9069,
    0x3FFD5818DCFBA487, 0x3FFDFC97337B9B5F, 0x3FFEA4AFA2A490DA, 0x3FFF50765B6E4540,
];

/// ln(k/64), k = 48..=96: the logarithm of each cell's centre (the mantissa is brought into
/// [0.75, 1.5), so that values next to 1 are near the cell whose logarithm is exactly 0).
pub(crate) const LN_CELL: [u64; 49] = [
    0xBFD269621134DB92, 0xBFD1178E8227E47C, 0xBFCF991C6CB3B379, 0xBFCD1037F2655E7B,
    0xBFCA93ED3C8AD9E3, 0xBFC823C16551A3C2, 0xBFC5BF406B543DB2, 0xBFC365FCB0159016,
    0xBFC1178E8227E47C, 0xBFBDA727638446A2, 0xBFB9335E5D594989, 0xBFB4D3115D207EAC,
    0xBFB08598B59E3A07, 0xBFA894AA149FB343, 0xBFA0415D89E74444, 0xBF90205658935847,
    0x0000000000000000, 0x3F8FC0A8B0FC03E4, 0x3F9F829B0E783300, 0x3FA77458F632DCFC,
    0x3FAF0A30C01162A6, 0x3FB341D7961BD1D1, 0x3FB6F0D28AE56B4C, 0x3FBA926D3A4AD563,
    0x3FBE27076E2AF2E6, 0x3FC0D77E7CD08E59, 0x3FC29552F81FF523, 0x3FC44D2B6CCB7D1E,
    0x3FC5FF3070A793D4, 0x3FC7AB890210D909, 0x3FC9525A9CF456B4, 0x3FCAF3C94E80BFF3,
    0x3FCC8FF7C79A9A22, 0x3FCE27076E2AF2E6, 0x3FCFB9186D5E3E2B, 0x3FD0A324E27390E3,
    0x3FD1675CABABA60E, 0x3FD22941FBCF7966, 0x3FD2E8E2BAE11D31, 0x3FD3A64C556945EA,
    0x3FD4618BC21C5EC2, 0x3FD51AAD872DF82D, 0x3FD5D1BDBF5809CA, 0x3FD686C81E9B14AF,
    0x3FD739D7F6BBD007, 0x3FD7EAF83B82AFC3, 0x3FD89A3386C1425B, 0x3FD947941C2116FB,
    0x3FD9F323ECBF984C,
];

/// ln 2 / 32, split so that k·HI is exact for |k| < 2^20.
pub(crate) const LN2_32_HI: f64 = 0.021660849390173098;
pub(crate) const LN2_32_LO: f64 = 2.325192846878874e-12;
pub(crate) const INV_LN2_32: f64 = 46.16624130844683;
/// Adding and subtracting 1.5·2^52 rounds a double of magnitude below 2^51 to an integer.
pub(crate) const ROUND: f64 = 6755399441055744.0;
/// ln 2, split so that e·HI is exact for every exponent e.
pub(crate) const LN2_HI: f64 = 0.6931471804855391;
pub(crate) const LN2_LO: f64 = 7.440617110012397e-11;

/// e^x. Below −745 the result is 0, above 709.78 it is +∞.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= 700.0 {
        return exp_wide(x);
    }
    // k = x·32/ln2 rounded to the nearest integer (ties to even) by adding 1.5·2^52: the sum's
    // bits are then those of 1.5·2^52 plus k
    let kd = x * INV_LN2_32 + ROUND;
    let k = kd.to_bits().wrapping_sub(ROUND.to_bits()) as i64;
    let kf = kd - ROUND;
    let r = (x - kf * LN2_32_HI) - kf * LN2_32_LO;
    // 2^(k/32) = 2^(k>>5) · 2^((k&31)/32): the table entry with its exponent raised
    let t = f64::from_bits(EXP2_TABLE[(k & 31) as usize].wrapping_add(((k >> 5) as u64) << 52));
    // e^r − 1 for |r| ≤ ln2/64, degree 6 (the next term is below 2e-18), in Estrin's
    // scheme (short dependency chains)
    let r2 = r * r;
    let q = (r + r2 * (0.5 + r * (1.0 / 6.0))) + (r2 * r2) * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0));
    t + t * q
}

/// e^x for |x| ≥ 700 (and NaN): two halves, each in range.
#[cold]
fn exp_wide(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.79 {
        return f64::INFINITY;
    }
    if x < -745.2 {
        return 0.0;
    }
    let h = exp(x / 2.0);
    h * h
}

/// The natural logarithm of x (NaN below 0, −∞ at 0).
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    if !(f64::MIN_POSITIVE..f64::INFINITY).contains(&x) {
        return ln_special(x);
    }
    // x = 2^e·m with m in [0.75, 1.5): halve mantissas from 1.5 on (top mantissa bit set)
    let bits = x.to_bits();
    let half = (bits >> 51) & 1;
    let e = ((bits >> 52) as i64 - 1023 + half as i64) as f64;
    let m = f64::from_bits((bits & ((1u64 << 52) - 1)) | ((1023 - half) << 52));
    // the nearest cell centre c = k/64 (k rounded as in `exp`); m − c is exact, |r| ≤ 1/96
    let kd = m * 64.0 + ROUND;
    let k = (kd.to_bits().wrapping_sub(ROUND.to_bits()) as usize).wrapping_sub(48).min(48);
    let r = (m - (kd - ROUND) * (1.0 / 64.0)) * INV_CELL[k];
    // ln(1 + r), degree 8 (the next term is below 2e-19), in Estrin's scheme
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = (r + r2 * (-0.5 + r * (1.0 / 3.0))) + r4 * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6.0 + r * (1.0 / 7.0)) + r4 * (-0.125));
    (e * LN2_HI + f64::from_bits(LN_CELL[k])) + (e * LN2_LO + p)
}

/// 64/k, k = 48..=96: the reciprocal of each cell centre (correctly rounded divisions,
/// evaluated by the compiler).
pub(crate) const INV_CELL: [f64; 49] = {
    let mut t = [0.0; 49];
    let mut k = 0;
    while k < 49 {
        t[k] = 64.0 / (k + 48) as f64;
        k += 1;
    }
    t
};

#[cold]
fn ln_special(x: f64) -> f64 {
    if x > 0.0 && x < f64::MIN_POSITIVE {
        // subnormal: scale into the normal range
        return ln(x * 18014398509481984.0) - 54.0 * std::f64::consts::LN_2;
    }
    x.ln()
}

/// x^y for x > 0, as e^(y·ln x).
#[inline(always)]
pub fn pow(x: f64, y: f64) -> f64 {
    exp(y * ln(x))
}

/// A deterministic sweep of `n` values in [lo, hi) for the tests of the numerics.
#[cfg(test)]
pub(crate) fn sweep(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..n).map(move |_| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((state >> 11) as f64 / (1u64 << 53) as f64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> f64 {
        (a - b).abs() / (b.abs() * f64::EPSILON)
    }

    #[test]
    fn exp_is_within_two_ulp() {
        for x in sweep(-700.0, 700.0, 200_000).chain(sweep(-1.0, 1.0, 200_000)).chain(sweep(-1e-6, 1e-6, 10_000)) {
            assert!(ulps(exp(x), x.exp()) <= 2.0, "exp({x}) = {} vs {}", exp(x), x.exp());
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(1e-300), 1.0);
        assert_eq!(exp(800.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert!(ulps(exp(709.0), 709f64.exp()) <= 2.0);
        assert!((exp(-740.0) / (-740f64).exp() - 1.0).abs() < 1e-2, "subnormal results keep their magnitude");
    }

    #[test]
    fn ln_is_within_an_absolute_1e_16_and_two_ulp_away_from_1() {
        let mut xs: Vec<f64> = sweep(-700.0, 700.0, 100_000).map(f64::exp).collect();
        xs.extend(sweep(0.5, 2.0, 200_000));
        xs.extend(sweep(1.0 - 1e-6, 1.0 + 1e-6, 10_000));
        for x in xs {
            let (got, want) = (ln(x), x.ln());
            let ok = (got - want).abs() <= 1e-16 || ulps(got, want) <= 2.0;
            assert!(ok, "ln({x}) = {got} vs {want}");
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert!((ln(1e-310) - 1e-310f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn pow_matches_the_standard_library_closely() {
        for (x, y) in sweep(0.01, 100.0, 50_000).zip(sweep(-8.0, 8.0, 50_000)) {
            let (got, want) = (pow(x, y), x.powf(y));
            // exp adds 2 ulp; the errors of ln x and of the product y·ln x are multiplied by
            // |y·ln x|; the standard library's own error is below 1 ulp
            assert!((got / want - 1.0).abs() <= 6e-16 * (1.0 + (y * x.ln()).abs()), "{x}^{y} = {got} vs {want}");
        }
        assert_eq!(pow(1.0, -6.27), 1.0);
    }
}
