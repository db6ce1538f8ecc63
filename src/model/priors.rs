//! Parameter uncertainty (Version 2, item 5): each run draws its uncertain parameters from
//! their priors and runs the scenario with them. Every parameter has its own generator
//! (`rng::prior_rng`, from the seed, its dotted path and the run index), so draws do not
//! depend on threads, shards or the other priors; the draws use the model's own `exp`/`ln`,
//! so they are the same bits on every machine.

use super::math::{exp, ln};
use crate::rng::prior_rng;
use crate::scenario::{Dist, Prior, Scenario};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// Run `run`'s value of a prior (clamped to the parameter's allowed values).
pub fn draw(prior: &Prior, seed: u64, run: u64) -> f64 {
    let mut rng = prior_rng(seed, &prior.path, run);
    let u: f64 = rng.random();
    let z: f64 = StandardNormal.sample(&mut rng);
    let v = match prior.dist {
        Dist::Uniform { low, high } => low + (high - low) * u,
        Dist::Normal { mean, sd } => mean + sd * z,
        Dist::LogNormal { mean, sd } => {
            let s2 = ln(1.0 + (sd / mean) * (sd / mean));
            exp(ln(mean) - 0.5 * s2 + s2.sqrt() * z)
        }
    };
    v.clamp(prior.range.0, prior.range.1)
}

/// Set each prior's target in `sc` to run `run`'s draw, in order. Every target is overwritten,
/// so `sc` may hold another run's draws (a copy reused across runs, `model::Runner`).
pub fn draw_into(sc: &mut Scenario, priors: &[Prior], seed: u64, run: u64) {
    for p in priors {
        sc.set(p.target, draw(p, seed, run));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Target;

    fn prior(dist: Dist, range: (f64, f64)) -> Prior {
        Prior { path: "params.phi".into(), target: Target::Phi, dist, range, source: "test".into() }
    }

    #[test]
    fn draws_have_the_prior_moments_and_stay_in_range() {
        let n = 20_000u64;
        let moments = |p: &Prior| {
            let xs: Vec<f64> = (0..n).map(|r| draw(p, 7, r)).collect();
            let m = xs.iter().sum::<f64>() / n as f64;
            let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
            (m, v.sqrt(), xs)
        };
        let (m, sd, xs) = moments(&prior(Dist::Uniform { low: 0.4, high: 0.6 }, (0.0, 1.0)));
        assert!((m - 0.5).abs() < 0.002 && (sd - 0.2 / 12f64.sqrt()).abs() < 0.002, "{m} {sd}");
        assert!(xs.iter().all(|x| (0.4..0.6).contains(x)));
        let (m, sd, _) = moments(&prior(Dist::LogNormal { mean: 5.0, sd: 1.0 }, (1.01, 50.0)));
        assert!((m - 5.0).abs() < 0.03 && (sd - 1.0).abs() < 0.03, "{m} {sd}");
        let (_, _, xs) = moments(&prior(Dist::Normal { mean: 0.9, sd: 0.5 }, (0.0, 1.0)));
        assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)), "clamped to the allowed values");
        // same seed, path and run: same draw; another run or path: another
        let p = prior(Dist::Uniform { low: 0.0, high: 1.0 }, (0.0, 1.0));
        assert_eq!(draw(&p, 1, 3).to_bits(), draw(&p, 1, 3).to_bits());
        assert_ne!(draw(&p, 1, 3), draw(&p, 1, 4));
        let mut q = p.clone();
        q.path = "params.sigma.energy".into();
        assert_ne!(draw(&p, 1, 3), draw(&q, 1, 3));
    }
}
