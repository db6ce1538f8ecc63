//! Domestic producers (Version 2, item 1): each importer buys a sector from its own
//! producers and from the import composite, in an upper CES nest with elasticity `esubd`
//! above the import origins (σ), calibrated by exact hat algebra from the base-year domestic
//! share β0 (GTAP convention). A ban on one origin then moves spending partly to the other
//! origins and partly to domestic producers (import substitution).

use super::math::{exp, ln};

/// ln 1000: the cap on a price index (relative to base).
pub(crate) const LN_PRICE_CAP: f64 = 6.907755278982137;

/// The upper nest of one importer and sector, given the domestic producer's USD price
/// relative to base (`ln_pd`, without the world price) and the import composite's index
/// (`ln_pm`, without the world price; None when nothing can be imported).
/// Returns (ln of the sector's price index, domestic share of spending), or None when
/// nothing of the sector can be bought (no domestic producer, no import route).
#[inline(always)]
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
}
