//! A scenario's ensemble of runs, in parallel: the only user of rayon. `Workers::accumulate`
//! folds runs into per-thread partial results inside the parallel section (for exact,
//! order-free merges such as `Summary::merge`), which is what `run` and `batch` use. Results
//! never depend on the thread count.

use crate::model::{Anomaly, Init, Prepared, Runner};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::ops::Range;

/// Runs per thread between two calls of `after_round` (progress, stop checks, writing
/// `--keep-runs` rows): small enough for a responsive progress bar and Ctrl-C.
pub const ROUND_PER_THREAD: u64 = 128;

/// A run stopped by `Model::check`: its index and what was wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFailure {
    pub run: u64,
    pub anomaly: Anomaly,
}

impl RunFailure {
    /// Record run `run`'s failure in `slot` unless a run of lower index failed already, so the
    /// failure reported does not depend on which thread got there first.
    pub fn keep_lowest(slot: &std::sync::Mutex<Option<RunFailure>>, run: u64, anomaly: Anomaly) {
        let mut f = slot.lock().unwrap_or_else(|e| e.into_inner());
        if f.as_ref().is_none_or(|f| run < f.run) {
            *f = Some(RunFailure { run, anomaly });
        }
    }
}

/// A pool of worker threads that accumulate runs into per-thread partial results.
pub struct Workers {
    pool: rayon::ThreadPool,
    threads: usize,
}

impl Workers {
    pub fn new(threads: usize) -> Result<Self, rayon::ThreadPoolBuildError> {
        let threads = threads.max(1);
        Ok(Workers { pool: rayon::ThreadPoolBuilder::new().num_threads(threads).build()?, threads })
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Run `f` on the pool: the parallel work inside it (rayon's `join`, parallel iterators)
    /// uses the pool's threads.
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.pool.install(f)
    }

    /// Apply `f` to every state on the pool's threads (for example to finish per-thread
    /// partial results in parallel); the results come back in the order of `states`.
    pub fn map<A: Send, R: Send>(&self, states: Vec<A>, f: impl Fn(A) -> R + Sync + Send) -> Vec<R> {
        self.pool.install(|| states.into_par_iter().map(f).collect())
    }

    /// Run `runs` (run indices) of a scenario, each run's observations folded into one of
    /// `states` (one per thread, see `threads`) by `add(state, run_index, obs)` inside the
    /// parallel section. Which state sees which run depends on scheduling, so the states must
    /// be merged with an exact, order-free merge (like `Summary::merge`) for results that do
    /// not depend on the thread count; anything that needs run order (the `--keep-runs`
    /// rows) must carry the run index and be sorted in `after_round`.
    ///
    /// `after_round(states, done)` runs on the calling thread after each round of
    /// `ROUND_PER_THREAD × threads` runs; `stop()` is polled between rounds. Returns the
    /// number of runs done (less than requested only if stopped), or the failed run of the
    /// lowest index if a run's state failed its check (`Model::check`): the round it is in
    /// is finished and no further round starts, so which failure is reported does not depend
    /// on the thread count.
    #[allow(clippy::too_many_arguments)]
    pub fn accumulate<A: Send>(
        &self,
        sc: &Scenario,
        init: &Init,
        pre: &Prepared,
        seed: u64,
        runs: Range<u64>,
        states: &mut [A],
        add: impl Fn(&mut A, u64, &[f64]) + Sync,
        mut after_round: impl FnMut(&mut [A], u64),
        stop: impl Fn() -> bool,
    ) -> Result<u64, RunFailure> {
        use std::sync::atomic::{AtomicU64, Ordering};
        let failed: std::sync::Mutex<Option<RunFailure>> = std::sync::Mutex::new(None);
        let width = pre.layout.len() * pre.steps;
        let round = ROUND_PER_THREAD * states.len().max(1) as u64;
        let mut next = runs.start;
        while next < runs.end {
            if stop() {
                break;
            }
            let end = (next + round).min(runs.end);
            let counter = AtomicU64::new(next);
            self.pool.install(|| {
                states.par_iter_mut().for_each(|st| {
                    let mut buf = vec![0.0; width];
                    let mut runner = Runner::new(sc, init, pre);
                    loop {
                        let r = counter.fetch_add(1, Ordering::Relaxed);
                        if r >= end {
                            break;
                        }
                        match runner.run(seed, r, &mut buf) {
                            Ok(()) => add(st, r, &buf),
                            Err(anomaly) => RunFailure::keep_lowest(&failed, r, anomaly),
                        }
                    }
                });
            });
            if let Some(f) = failed.lock().unwrap_or_else(|e| e.into_inner()).take() {
                return Err(f);
            }
            next = end;
            after_round(states, next - runs.start);
        }
        Ok(next - runs.start)
    }
}
