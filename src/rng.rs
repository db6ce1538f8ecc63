//! The one place a random generator is made: a run's generator comes from the master seed
//! and the run index only, so results do not depend on threads or scheduling.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Generator for run `run_index` of a batch seeded with `seed`.
pub fn run_rng(seed: u64, run_index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run_index);
    rng
}

/// A second generator of a run, for one purpose (`part` 1, 2, ...): the run generator's seed
/// and stream, started `part` × 2^64 words in, so its draws never meet the run generator's
/// (a run draws far fewer than 2^64 words). Not a clone: its own position in the stream.
/// Used by `shocks.common_random_numbers`, where the policy rules and the trade noise draw
/// from parts of their own so that the shocks do not shift with the levers.
pub fn run_part(run: &ChaCha8Rng, part: u128) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(run.get_seed());
    rng.set_stream(run.get_stream());
    rng.set_word_pos(part << 64);
    rng
}

/// Generator of one uncertain parameter (named by its dotted path) in run `run_index`: its
/// own stream, so a parameter's draw in a run does not depend on which other parameters are
/// uncertain, nor on the run's other draws (the same scenario with one more prior keeps every
/// other draw, and two scenarios share the draws of the priors they share).
pub fn prior_rng(seed: u64, path: &str, run_index: u64) -> ChaCha8Rng {
    // FNV-1a of the path, mixed into the seed
    let h = path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ h.rotate_left(17));
    rng.set_stream(run_index);
    rng
}

/// Seed of variant `variant` (0-based) of a batch seeded with `batch_seed`: the
/// (variant+1)-th output of a SplitMix64 generator started at `batch_seed` (state advanced by
/// the golden-ratio increment, then the SplitMix64 finaliser). Distinct variants get
/// unrelated seeds; the same (batch seed, variant) always gets the same one, whatever the
/// sharding or thread count. Runs of a variant then use `run_rng(variant_seed, run_index)`.
pub fn variant_seed(batch_seed: u64, variant: u64) -> u64 {
    let mut z = batch_seed.wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(variant.wrapping_add(1)));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Generator for a batch design (Latin hypercube sampling) seeded with the batch seed; a
/// stream of its own, apart from every run's.
pub fn design_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX);
    rng
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let a: u64 = run_rng(7, 0).random();
        let b: u64 = run_rng(7, 1).random();
        let a2: u64 = run_rng(7, 0).random();
        assert_ne!(a, b);
        assert_eq!(a, a2);
    }

    #[test]
    fn run_parts_are_apart_from_the_run_and_repeat() {
        let run = run_rng(7, 3);
        let (a, b): (u64, u64) = (run_part(&run, 1).random(), run_part(&run, 2).random());
        let mut r = run_rng(7, 3);
        let first: Vec<u64> = (0..1000).map(|_| r.random()).collect();
        assert!(!first.contains(&a) && !first.contains(&b) && a != b);
        assert_eq!(a, run_part(&run_rng(7, 3), 1).random::<u64>());
    }

    #[test]
    fn variant_seeds_are_splitmix64() {
        // SplitMix64 started at 0: first outputs 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4
        assert_eq!(variant_seed(0, 0), 0xe220a8397b1dcdaf);
        assert_eq!(variant_seed(0, 1), 0x6e789e6aa1b965f4);
        assert_ne!(variant_seed(7, 3), variant_seed(8, 3));
    }
}
