//! Runs in parallel: the only user of rayon. Runs are computed in chunks on a pool of the
//! requested size and handed back in run order, so everything downstream is serial and the
//! results do not depend on the thread count. Memory is one chunk of observations.

use crate::model::{run_to_end, Init, Prepared};
use crate::rng::run_rng;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::ops::Range;

/// Runs computed per chunk: large enough to keep every thread busy, small enough that
/// memory stays flat.
pub const CHUNK: usize = 256;

/// Run `runs` (run indices) of a scenario on `threads` threads. `consume(run_index, obs)`
/// sees every run in increasing run order; `progress(done)` is called on the calling thread
/// after each chunk. `stop()` is polled between chunks; when it returns true the batch ends
/// early and the number of runs consumed is returned.
pub fn run_batch(
    sc: &Scenario,
    init: &Init,
    pre: &Prepared,
    seed: u64,
    runs: Range<u64>,
    threads: usize,
    mut consume: impl FnMut(u64, &[f64]),
    mut progress: impl FnMut(u64),
    stop: impl Fn() -> bool,
) -> Result<u64, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build()?;
    let width = pre.layout.len() * pre.steps;
    let mut buffers: Vec<Vec<f64>> = Vec::new();
    let mut done = 0u64;
    let mut next = runs.start;
    while next < runs.end {
        if stop() {
            break;
        }
        let size = ((runs.end - next) as usize).min(CHUNK);
        buffers.resize_with(size, || vec![0.0; width]);
        let first = next;
        pool.install(|| {
            buffers[..size].par_iter_mut().enumerate().for_each(|(k, buf)| {
                run_to_end(sc, init, pre, run_rng(seed, first + k as u64), buf);
            });
        });
        for (k, buf) in buffers[..size].iter().enumerate() {
            consume(first + k as u64, buf);
        }
        next += size as u64;
        done += size as u64;
        progress(done);
    }
    Ok(done)
}
