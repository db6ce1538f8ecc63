//! Criterion benchmarks of the model on `scenarios/sanctions_2022.toml` (quarterly, 2021 to
//! 2030): one model step, the state check after a step, one whole run (steps, checks and
//! observations), one run folded into a buffered summary (what a worker thread does per run),
//! and one run and its baseline's folded into the buffered paired differences (what it adds
//! when the scenario names a baseline, as this one does: the default `run`). Run with
//! `cargo bench --bench model`; see docs/performance.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tradesim::calibration::Calibration;
use tradesim::model::{Model, Prepared, Runner};
use tradesim::rng::run_rng;
use tradesim::scenario::parse_scenario;
use tradesim::summary::{BufferedPaired, BufferedSummary, PairedSummary, Summary};

fn bench(c: &mut Criterion) {
    let cal = Calibration::embedded().expect("built-in calibration");
    let text = include_str!("../scenarios/sanctions_2022.toml");
    let sc = parse_scenario(text, "sanctions_2022.toml", &cal.universe()).expect("valid scenario");
    let init = cal.init(sc.base);
    let pre = Prepared::new(&sc, &init);
    let width = pre.layout.len();

    // One step in the middle of the sanctions period (step 6 = 2022-Q3), from a fresh model.
    c.bench_function("model_step_sanctions_2022", |b| {
        b.iter_batched(
            || {
                let mut m = Model::new(&sc, &init, &pre, run_rng(sc.seed, 0));
                for _ in 0..6 {
                    m.step();
                }
                m
            },
            |mut m| {
                m.step();
                black_box(m.k)
            },
            criterion::BatchSize::SmallInput,
        )
    });

    // The state check run after every step (`Model::check`): its share of a step is its cost.
    let mut m = Model::new(&sc, &init, &pre, run_rng(sc.seed, 0));
    for _ in 0..7 {
        m.step();
    }
    c.bench_function("model_check_sanctions_2022", |b| b.iter(|| black_box(black_box(&m).check())));

    // A worker's run: its `Runner` reuses one copy of the scenario for the priors' draws.
    let mut obs = vec![0.0; width * pre.steps];
    let mut run = 0u64;
    let mut runner = Runner::new(&sc, &init, &pre);
    c.bench_function("model_run_sanctions_2022", |b| {
        b.iter(|| {
            run += 1;
            runner.run(sc.seed, run, &mut obs).expect("a valid run");
            black_box(obs[0])
        })
    });

    // What a worker thread does with each finished run (buffered: every 64th call adds the
    // buffer to the sketches, so the time per call is the average over a flush cycle).
    let mut summary = BufferedSummary::new(Summary::new(&sc, &init, &pre.layout));
    c.bench_function("summary_add_run_sanctions_2022", |b| {
        b.iter(|| {
            summary.add_run(black_box(&obs));
        })
    });

    // The same run paired with run 1 of its baseline (buffered as the summary is), given the
    // run's series values as the summary above computed them (`run` computes them once for
    // both).
    let base_text = include_str!("../scenarios/baseline_2021.toml");
    let base = parse_scenario(base_text, "baseline_2021.toml", &cal.universe()).expect("valid baseline");
    let base_pre = Prepared::new(&base, &init);
    let mut base_obs = vec![0.0; base_pre.layout.len() * base_pre.steps];
    Runner::new(&base, &init, &base_pre).run(sc.seed, 1, &mut base_obs).expect("a valid baseline run");
    let mut paired = BufferedPaired::new(PairedSummary::new(&sc, &init, &pre.layout, &base, &base_pre.layout));
    let values = summary.values().to_vec();
    c.bench_function("paired_add_run_sanctions_2022", |b| {
        b.iter(|| {
            paired.add_run(black_box(&values), black_box(&base_obs));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
