//! Command-line definitions (clap) and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// tradesim: a trade-policy scenario simulator. An agent model of the US and Russian
/// economies and the third parties (China, the EU, India, the rest of the world) that decide
/// how much a sanction bites. Scenario files switch sanction and cooperation levers on and
/// off over time; `run` computes a Monte-Carlo ensemble of trade trajectories in parallel
/// and writes CSV summaries with uncertainty bands.
#[derive(Debug, Parser)]
#[command(name = "tradesim", version, about, long_about, after_help = "Scenario reference: docs/scenarios.md. Model: docs/model.md. Exit codes: 0 success, 2 bad input, 1 any other failure.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's Monte-Carlo ensemble and write summary.csv, annual.csv,
    /// manifest.json, scenario.toml, charts/ and index.html to output/<scenario-file-stem>/
    /// (or --out); with a baseline (the scenario's `baseline` key or --baseline), each run is
    /// paired with the baseline's run of the same seed and vs_baseline.csv and
    /// vs_baseline_annual.csv hold the paired differences. --format parquet or both: the
    /// tables as .parquet files too (parquet alone: no charts/ or index.html).
    Run(RunArgs),
    /// Redraw a result directory's charts (charts/) and index.html from its CSV files and
    /// manifest.json, without re-running the scenario. With --pair and/or --sector, also draw
    /// that pair's trade (both directions and the total) in that sector as
    /// charts/pair_<A>-<B>_<sector>.png.
    Plot(PlotArgs),
    /// Overlay several scenarios' trade for one pair and sector (both directions added): each
    /// scenario a median line with its 90% band, one colour per scenario, named in the legend
    /// by the scenario name in its manifest.json. Writes the chart (PNG or SVG) and, by default,
    /// a page beside it with the chart interactive (hover, legend) and its scripts in js/.
    Compare(CompareArgs),
    /// Validate scenario and batch files without running them; prints each problem with file,
    /// line, column, key, value and what is allowed. A batch file (`*.batch.toml`, or one with
    /// `[[scenario]]` entries) is checked with its scenarios and every variant.
    Check {
        /// Scenario or batch files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        #[command(flatten)]
        data: DataArg,
    },
    /// Compare a scenario's simulated calendar-year bilateral trade (annual.csv, metric
    /// `trade`, sector `all`) with observed values: per pair and year the observed value, the
    /// simulated median and 90% band, whether it falls inside, and the absolute percentage
    /// error; then MdAPE, band coverage and the share of year-on-year directions right.
    /// Writes backtest.csv, backtest_metrics.csv, backtest.png and the run itself (run/) to
    /// output/<scenario-file-stem>_backtest/ (or --out). See docs/backtest.md.
    Backtest(BacktestArgs),
    /// Print the economies, sectors, lever kinds and rule kinds, one line of documentation each.
    /// Economies are named as in the latest base year, with their names in other base years
    /// where they differ (e.g. RU stands for the Soviet Union in 1979); --base picks one year.
    List {
        /// Name the economies as in this base year only.
        #[arg(long, value_name = "YEAR")]
        base: Option<i32>,
        #[command(flatten)]
        data: DataArg,
    },
    /// Run a batch experiment: every variant of one or more scenarios over a design of
    /// parameter values (grid, points, Latin hypercube, a table from a CSV), and write
    /// variants.csv, summary.csv, annual.csv (with a leading `variant` column), indicators.csv
    /// and manifest.json to output/<batch-file-stem>/ (or --out). The analysis designs add
    /// their file: `attribution` (Shapley values of lever groups over every subset, same
    /// seed: attribution.csv), `sobol` (Saltelli sampling, first-order and total indices with
    /// bootstrap intervals: sobol.csv), `morris` (elementary effects: morris.csv).
    /// --format parquet or both: the four tables as .parquet files too. See
    /// docs/batch.md.
    Batch(BatchArgs),
    /// Scenario discovery on a batch result (any design with numeric varied parameters):
    /// PRIM boxes in the space of the varied parameters that hold the variants where the
    /// outcome happens. Peels a box down from all variants (the coverage/density trade-off),
    /// chooses, among the boxes of at least --threshold density, the best balance of coverage
    /// and density (their harmonic mean), pastes it, and writes prim_trajectory.csv,
    /// prim_box.csv (the chosen box's limits and which dimensions it restricts) and prim.png
    /// to DIR/discover_<outcome> (or --out).
    /// See docs/batch.md.
    Discover(DiscoverArgs),
    /// Combine the output directories of a sharded batch (`batch --shard K/N`) into the
    /// files an unsharded batch writes (byte for byte).
    Merge(MergeArgs),
    /// Static general equilibrium: with no shocks, output at its base-year volume and
    /// instantaneous adjustment, solve for the prices, currencies and trade that clear every
    /// market, and report the counterfactual against the base year (trade, output,
    /// expenditure, prices, welfare). Either a scenario (the levers in force at --date) or a
    /// one-sector structural-gravity dataset (--gravity, --costs, --sigma). Writes
    /// economies.csv and trade.csv to output/<stem>_solve/ (or --out). See docs/model.md.
    Solve(SolveArgs),
    /// Re-run a scenario (a few hundred runs) every time its file is saved and keep a page up to
    /// date (<out>/index.html, reloads itself): what changed in the levers and parameters, the
    /// previous save's median overlaid on this one's, the charts; a bad save shows its check
    /// messages in the terminal and on the page, and the last good result stays.
    /// Results in <out>/current/ (the previous good one in <out>/previous/). The scenario
    /// runs alone (its `baseline` key is not run: use `run` for the paired differences).
    /// Ctrl-C stops.
    Watch(WatchArgs),
    /// Print the JSON Schema of scenario files (or, with --batch, of batch files), for editors:
    /// save it and put `#:schema ./scenario.schema.json` on a TOML file's first line so the
    /// TOML language servers (Taplo, Even Better TOML) complete keys and flag errors while
    /// typing. The repository ships both in schema/. See docs/scenarios.md.
    Schema {
        /// The schema of batch files instead of scenario files.
        #[arg(long)]
        batch: bool,
    },
}

/// The file format of the result tables (summary, annual, runs, vs_baseline, variants,
/// indicators).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// CSV files (`summary.csv`, ...), as `plot`, `compare` and the pages read them.
    Csv,
    /// Parquet files only (`summary.parquet`, ...): same columns and values, typed; no charts
    /// and no index.html (they are drawn from the CSV files).
    Parquet,
    /// Both.
    Both,
}

#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Scenario file (TOML): its scheduled levers in force at --date (rules are not applied;
    /// world prices at their base-year level). Omit it with --gravity.
    #[arg(required_unless_present = "gravity", conflicts_with = "gravity")]
    pub scenario: Option<PathBuf>,
    /// Month whose levers are in force (YYYY-MM; default: the scenario's end).
    #[arg(long, value_name = "YYYY-MM", requires = "scenario")]
    pub date: Option<String>,
    /// Structural-gravity dataset: a CSV with columns exporter,importer,value (trade in any
    /// currency unit, internal trade included as exporter = importer, one sector).
    #[arg(long, value_name = "FLOWS.csv", requires_all = ["costs", "sigma"])]
    pub gravity: Option<PathBuf>,
    /// Trade-cost changes for --gravity: a CSV with columns exporter,importer,tau_hat (the
    /// factor on the iceberg trade cost, 1.1 = 10% costlier); pairs not listed keep theirs.
    #[arg(long, value_name = "COSTS.csv", requires = "gravity")]
    pub costs: Option<PathBuf>,
    /// Elasticity of substitution σ (> 1) for --gravity (the trade elasticity is 1 − σ).
    #[arg(long, value_name = "SIGMA", requires = "gravity")]
    pub sigma: Option<f64>,
    /// Deficit closure for --gravity: `deficits` (fixed deficits scaled with world output,
    /// Dekle-Eaton-Kortum) or `ratios` (expenditure/output fixed, Yotov et al. 2016).
    #[arg(long, value_name = "CLOSURE", default_value = "deficits", value_parser = ["deficits", "ratios"], requires = "gravity")]
    pub closure: String,
    /// Numeraire for --gravity: `world` (world output held at its base value) or an economy
    /// code (that economy's consumer price index held at 1).
    #[arg(long, value_name = "NUMERAIRE", default_value = "world", requires = "gravity")]
    pub numeraire: String,
    /// Largest log excess demand accepted (every market clears to this tolerance).
    #[arg(long, value_name = "TOL", default_value_t = 1e-12)]
    pub tolerance: f64,
    /// Output directory (default: output/<scenario-or-dataset-stem>_solve).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the output path even if it holds something that is not a tradesim result
    /// (its contents are deleted). Without it such a path is refused.
    #[arg(long)]
    pub force: bool,
    /// Print nothing (the files are still written).
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Batch file (TOML); scenario paths in it are relative to it. See docs/batch.md.
    pub batch: PathBuf,
    /// Runs per variant (overrides the batch file's `runs` and the scenarios').
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = runs_value)]
    pub runs: Option<u32>,
    /// Batch seed (overrides the batch file's `seed`); variant seeds derive from it.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: output/<batch-file-stem without .batch>, or
    /// output/<stem>/shard-K-of-N with --shard).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the output path even if it holds something that is not a tradesim result
    /// (its contents are deleted). Without it such a path is refused.
    #[arg(long)]
    pub force: bool,
    /// Run only shard K of N (0-based: 0 <= K < N) of the batch's units of work (variant,
    /// block of runs), assigned round-robin, and write their mergeable state only; combine
    /// the shards with `tradesim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Continue an interrupted batch in the same output directory: variants already
    /// finished there are kept, not run again.
    #[arg(long)]
    pub resume: bool,
    /// Result tables as CSV (default), Parquet or both (Parquet: same columns and values,
    /// typed, dictionary-encoded keys; `parquet` alone writes no charts or index.html).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "csv")]
    pub format: TableFormat,
    /// Keep the work area (<out>/state/: mergeable per-variant sketches, about 10 MB per
    /// variant) after an unsharded batch has written its results; by default it is removed
    /// then. Shards always keep it (it is what `merge` reads).
    #[arg(long)]
    pub keep_state: bool,
    /// No progress bar, no summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Batch result directory (with variants.csv and indicators.csv).
    pub dir: PathBuf,
    /// The outcome per variant: `rule.<id>.fired` (the share of runs in which the rule fired
    /// by the end year), or `<indicator>[.<subject>][.<stat>]` from indicators.csv (stat: mean,
    /// p05, p25, p50, p75 or p95; default mean), e.g. `us_ru_trade_usd.p50` with --below.
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: String,
    /// A variant is a case of interest when the outcome is above this value (else the outcome
    /// itself, which must then lie in [0, 1], is the weight of the case).
    #[arg(long, value_name = "X", conflicts_with = "below")]
    pub above: Option<f64>,
    /// A variant is a case of interest when the outcome is below this value.
    #[arg(long, value_name = "X")]
    pub below: Option<f64>,
    /// The chosen box has at least this density (share of cases of interest inside it);
    /// among those, the one with the highest harmonic mean of coverage and density. None
    /// reaches it: the densest box.
    #[arg(long, value_name = "D", default_value_t = 0.8)]
    pub threshold: f64,
    /// Share of the box's points one peeling (or pasting) step moves.
    #[arg(long, value_name = "A", default_value_t = 0.05)]
    pub alpha: f64,
    /// Peeling stops before the box holds less than this share of the variants.
    #[arg(long, value_name = "M", default_value_t = 0.05)]
    pub min_mass: f64,
    /// Output directory (default: DIR/discover_<outcome>). Replaced as a whole.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the output path even if it holds something that is not a tradesim result
    /// (its contents are deleted). Without it such a path is refused.
    #[arg(long)]
    pub force: bool,
    /// Print nothing (the files are still written).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directories of `tradesim batch --shard K/N` (all N shards of one batch).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged results (default: output/<batch-file-stem>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the output path even if it holds something that is not a tradesim result
    /// (its contents are deleted). Without it such a path is refused.
    #[arg(long)]
    pub force: bool,
    /// Result tables as CSV (default), Parquet or both (Parquet: same columns and values,
    /// typed, dictionary-encoded keys; `parquet` alone writes no charts or index.html).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "csv")]
    pub format: TableFormat,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Args)]
pub struct DataArg {
    /// Read the calibration CSV files from this directory instead of the copy built into
    /// the binary (edit data/ to add an economy or sector).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); see docs/scenarios.md.
    pub scenario: PathBuf,
    /// Number of Monte-Carlo runs (overrides the scenario's `runs`).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = runs_value)]
    pub runs: Option<u32>,
    /// Master seed (overrides the scenario's `seed`). Same seed, same output, any thread count.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: output/<scenario-file-stem>). Replaced as a whole when the
    /// run succeeds (if it is absent, empty or a tradesim result; see --force); left untouched
    /// when it fails.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the output path even if it holds something that is not a tradesim result
    /// (its contents are deleted). Without it such a path is refused.
    #[arg(long)]
    pub force: bool,
    /// Also write runs.csv: every run's calendar-year bilateral totals.
    #[arg(long)]
    pub keep_runs: bool,
    /// Compare with this baseline scenario (overrides the scenario's `baseline` key): both
    /// run with the same seeds per run (common random numbers), and vs_baseline.csv and
    /// vs_baseline_annual.csv get the quantiles of the paired differences, run by run.
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Ignore the scenario's `baseline` key: run the scenario alone (half the work).
    #[arg(long)]
    pub no_baseline: bool,
    /// Result tables as CSV (default), Parquet or both (Parquet: same columns and values,
    /// typed, dictionary-encoded keys; `parquet` alone writes no charts or index.html).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "csv")]
    pub format: TableFormat,
    /// No progress bar, no summary on stdout.
    #[arg(long, short)]
    pub quiet: bool,
    /// Draw the charts as SVG instead of PNG.
    #[arg(long)]
    pub svg: bool,
    /// Write no charts and no index.html (CSV and manifest only; `tradesim plot` draws them later).
    #[arg(long)]
    pub no_charts: bool,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Scenario file (TOML) to watch.
    pub scenario: PathBuf,
    /// Runs per save.
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub runs: u32,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: output/<scenario-file-stem>_watch).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Stop after this many saves (the first is the file as it is when watch starts); for
    /// scripts and tests.
    #[arg(long, value_name = "N", hide = true)]
    pub saves: Option<u64>,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Result directory written by `tradesim run`.
    pub dir: PathBuf,
    /// Also draw this pair's trade, as two economy codes joined by '-' (e.g. US-RU, RU-CN);
    /// default US-RU when only --sector is given.
    #[arg(long, value_name = "A-B")]
    pub pair: Option<String>,
    /// Sector of the extra pair chart (a sector code or `all`); default all.
    #[arg(long, value_name = "SECTOR")]
    pub sector: Option<String>,
    /// Draw SVG instead of PNG.
    #[arg(long)]
    pub svg: bool,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two or more result directories written by `tradesim run`.
    #[arg(required = true, num_args = 2.., value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// The pair, as two economy codes joined by '-'.
    #[arg(long, value_name = "A-B", default_value = "US-RU")]
    pub pair: String,
    /// A sector code, or `all` for the sum over sectors.
    #[arg(long, value_name = "SECTOR", default_value = "all")]
    pub sector: String,
    /// Output image (default output/compare_<dir1>_vs_<dir2>_<A>-<B>_<sector>.png, with an
    /// interactive .html page beside it); a .svg name draws SVG; an .html name writes that
    /// page and the image beside it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Draw SVG instead of PNG.
    #[arg(long)]
    pub svg: bool,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Scenario file(s) (TOML) to run; see docs/scenarios.md. With several, each runs against
    /// the observations in its years and for its economies, and one table compares them all
    /// (a backtest suite; output/backtest_suite/ by default).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Observed values: CSV with the columns year,exporter,importer,value_usd and optionally
    /// basis (importer_reported, the default, or exporter_reported): calendar-year total goods
    /// trade of a pair, current USD; extra columns such as `source` are ignored.
    /// data/observed.csv holds the base years only.
    #[arg(long, value_name = "FILE")]
    pub actual: PathBuf,
    /// Number of Monte-Carlo runs (overrides the scenario's `runs`).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = runs_value)]
    pub runs: Option<u32>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory (default: output/<scenario-file-stem>_backtest, or
    /// output/backtest_suite with several scenarios). Replaced as a whole when the backtest
    /// succeeds.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the output path even if it holds something that is not a tradesim result
    /// (its contents are deleted). Without it such a path is refused.
    #[arg(long)]
    pub force: bool,
    /// Ignore observed rows whose year is not a full calendar year of the run (their number is
    /// reported) instead of failing on them.
    #[arg(long)]
    pub skip_other_years: bool,
    /// No progress bar and no run summary (the backtest table is still printed).
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub data: DataArg,
}

/// `--runs N`: a whole number from 1 to 100,000,000 (as `runs` in the files); anything else is
/// one message naming the value and the range (`--runs -5`, `--runs 0`, `--runs 2.5`).
fn runs_value(s: &str) -> Result<u32, String> {
    const MAX: u32 = 100_000_000;
    match s.trim().parse::<i128>() {
        Ok(n) if (1..=MAX as i128).contains(&n) => Ok(n as u32),
        Ok(_) => Err(format!("{s} is out of range; allowed: 1 to {MAX}")),
        Err(_) => Err(format!("{s} is not a whole number; allowed: 1 to {MAX}")),
    }
}
