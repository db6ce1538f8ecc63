//! Domestic producers (Version 2, item 1): each importer buys a sector from its own
//! producers and from the import composite, in an upper CES nest with elasticity `esubd`
//! above the import origins (σ), calibrated by exact hat algebra from the base-year domestic
//! share β0 (GTAP convention). A ban on one origin then moves spending partly to the other
//! origins and partly to domestic producers (import substitution).

use super::lanes::{exp_all, ln_all};
#[cfg(test)]
use super::math::{exp, ln};

/// ln 1000: the cap on a price index (relative to base).
pub(crate) const LN_PRICE_CAP: f64 = 6.907755278982137;

/// The upper nest of one importer and sector, given the domestic producer's USD price
/// relative to base (`ln_pd`, without the world price) and the import composite's index
/// (`ln_pm`, without the world price; None when nothing can be imported).
/// Returns (ln of the sector's price index, domestic share of spending), or None when
/// nothing of the sector can be bought (no domestic producer, no import route). The model
/// computes all of them at once with `nests`; this is the formula it is tested against.
#[cfg(test)]
pub(crate) fn nest(beta0: f64, ln_pd: f64, ln_pm: Option<f64>, esubd: f64) -> Option<(f64, f64)> {
    let one_minus = 1.0 - esubd;
    let dom = beta0 * exp(one_minus * ln_pd);
    let imp = match ln_pm {
        Some(l) => (1.0 - beta0) * exp(one_minus * l),
        None => 0.0,
    };
    let u = dom + imp;
    if u <= 1e-300 {
        return None;
    }
    Some(((ln(u) / one_minus).min(LN_PRICE_CAP), dom / u))
}

/// `nest` for every importer and sector x at once, with the same bits: the exponentials and
/// logarithms over slices (lanes.rs). `ln_pm[x]` NaN stands for None; writes the sector's
/// price index (NaN for None) and domestic share (0 for None). `a` and `b` are scratch of the
/// same length.
#[inline(always)]
pub(crate) fn nests(beta0: &[f64], ln_pd: &[f64], ln_pm: &[f64], one_minus: impl Fn(usize) -> f64, (a, b): (&mut [f64], &mut [f64]), ln_index: &mut [f64], share: &mut [f64]) {
    // every slice at one length: no bounds checks in the loops
    let k = a.len();
    let (beta0, ln_pd, ln_pm, b, ln_index, share) = (&beta0[..k], &ln_pd[..k], &ln_pm[..k], &mut b[..k], &mut ln_index[..k], &mut share[..k]);
    for x in 0..k {
        a[x] = one_minus(x) * ln_pd[x];
        b[x] = if ln_pm[x].is_nan() { 0.0 } else { one_minus(x) * ln_pm[x] };
    }
    exp_all(a);
    exp_all(b);
    // b: u, or 0 where there is nothing to buy (`nest`'s None; u is above 1e-300 or NaN
    // otherwise); a: then ln u
    for x in 0..k {
        let dom = beta0[x] * a[x];
        let imp = if ln_pm[x].is_nan() { 0.0 } else { (1.0 - beta0[x]) * b[x] };
        let u = dom + imp;
        if u <= 1e-300 {
            share[x] = 0.0;
            b[x] = 0.0;
        } else {
            share[x] = dom / u;
            b[x] = u;
        }
    }
    a.copy_from_slice(b);
    ln_all(a);
    for x in 0..k {
        ln_index[x] = if b[x] == 0.0 { f64::NAN } else { (a[x] / one_minus(x)).min(LN_PRICE_CAP) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nest_matches_the_ces_closed_form() {
        // β0 = 0.6, domestic price ×1.1, imports ×1.3, ε = 3:
        // U = 0.6·1.1^-2 + 0.4·1.3^-2, P̂ = U^(-1/2), share = 0.6·1.1^-2 / U
        let (ln_p, share) = nest(0.6, 1.1f64.ln(), Some(1.3f64.ln()), 3.0).unwrap();
        let u = 0.6 * 1.1f64.powf(-2.0) + 0.4 * 1.3f64.powf(-2.0);
        assert!((ln_p.exp() - u.powf(-0.5)).abs() < 1e-12);
        assert!((share - 0.6 * 1.1f64.powf(-2.0) / u).abs() < 1e-12);
        // no imports possible: all to domestic, the index rises by β0^(1/(1−ε))
        let (ln_p, share) = nest(0.6, 0.0, None, 3.0).unwrap();
        assert_eq!(share, 1.0);
        assert!((ln_p.exp() - 0.6f64.powf(-0.5)).abs() < 1e-12);
        // base prices give the base share and an index of 1
        let (ln_p, share) = nest(0.25, 0.0, Some(0.0), 2.0).unwrap();
        assert!(ln_p.abs() < 1e-15 && (share - 0.25).abs() < 1e-15);
        // no domestic producer and no route: nothing to buy
        assert!(nest(0.0, 0.0, None, 2.0).is_none());
    }

    #[test]
    fn nests_give_the_bits_of_nest() {
        // 4,000 importer-sector cells: random shares, prices and elasticities, with cells
        // that cannot import (None), with nothing to buy, prices at the cap, and a NaN price
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut uniform = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let k = 4_000;
        let esubd: Vec<f64> = (0..k).map(|_| 1.2 + 6.0 * uniform()).collect();
        let mut beta0: Vec<f64> = (0..k).map(|_| uniform()).collect();
        let mut ln_pd: Vec<f64> = (0..k).map(|_| 4.0 * uniform() - 2.0).collect();
        let mut ln_pm: Vec<f64> = (0..k).map(|x| if x % 11 == 3 { f64::NAN } else { 8.0 * uniform() - 2.0 }).collect();
        (beta0[5], ln_pm[5]) = (0.0, f64::NAN);
        ln_pm[9] = 700.0;
        ln_pd[17] = f64::NAN;
        beta0[23] = 1.0;
        let (mut a, mut b, mut ln_index, mut share) = (vec![0.0; k], vec![0.0; k], vec![0.0; k], vec![0.0; k]);
        nests(&beta0, &ln_pd, &ln_pm, |x| 1.0 - esubd[x], (&mut a, &mut b), &mut ln_index, &mut share);
        let bits = |v: f64| if v.is_nan() { u64::MAX } else { v.to_bits() };
        for x in 0..k {
            let want = nest(beta0[x], ln_pd[x], if ln_pm[x].is_nan() { None } else { Some(ln_pm[x]) }, esubd[x]).unwrap_or((f64::NAN, 0.0));
            assert_eq!((bits(ln_index[x]), bits(share[x])), (bits(want.0), bits(want.1)), "cell {x}: {:?} vs {want:?}", (ln_index[x], share[x]));
        }
        assert!(ln_index[5].is_nan() && share[5] == 0.0, "nothing to buy");
    }
}
