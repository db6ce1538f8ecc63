//! The JSON Schema of batch files (`tradesim schema --batch`): a mirror of the batch file's
//! keys for `schemars` (the parser in `mod.rs` reads the same keys; the test
//! `schema::batch_schema_accepts_the_shipped_batch` checks them against each other). Pure.

use crate::scenario::schema::root_schema;
use schemars::JsonSchema;

/// A tradesim batch file.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BatchFile {
    /// Name of the batch (default: the file name without .batch.toml).
    name: Option<String>,
    /// One paragraph for the batch's page.
    description: Option<String>,
    /// Batch seed, at least 0 (default 1; `--seed` overrides); variant seeds derive from it.
    #[schemars(range(min = 0))]
    seed: Option<i64>,
    /// Runs per variant, 1 to 100,000,000 (default: each scenario's `runs`; `--runs` overrides).
    #[schemars(range(min = 1, max = 100000000))]
    runs: Option<i64>,
    /// Runs per unit of work for `--shard`, 1 to 100,000,000 (default 1000).
    #[schemars(range(min = 1, max = 100000000))]
    block: Option<i64>,
    /// How the `[[vary]]` values combine: `grid` (default, full factorial), `points` (the k-th value of every list) or `lhs` (Latin hypercube).
    #[schemars(extend("enum" = ["grid", "points", "lhs"]))]
    design: Option<String>,
    /// `lhs` only (required there): number of points, 1 to 1,000,000.
    #[schemars(range(min = 1, max = 1000000))]
    samples: Option<i64>,
    /// The scenarios the batch varies (one or more).
    #[schemars(length(min = 1))]
    scenario: Vec<BatchScenario>,
    /// The parameters to vary, by dotted path (none: each scenario runs once, as written).
    #[serde(default)]
    vary: Vec<BatchVary>,
}

/// One `[[scenario]]` table.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BatchScenario {
    /// The scenario file, relative to the batch file.
    path: String,
    /// Also run each variant with all levers and rules removed, same seed (default false).
    #[serde(default)]
    counterfactual: bool,
}

/// One `[[vary]]` table.
#[allow(dead_code)]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BatchVary {
    /// Dotted path of a numeric scenario key or a date, e.g. `params.gamma`, `shocks.event_rate`, `lever.<id>.coverage` (docs/batch.md lists them).
    path: String,
    /// `grid` and `points`: the values (numbers, or `YYYY-MM` text for dates).
    values: Option<Vec<serde_json::Value>>,
    /// `lhs`: lower end of the range.
    min: Option<f64>,
    /// `lhs`: upper end of the range.
    max: Option<f64>,
}

/// The JSON Schema of a batch file.
pub fn batch_schema() -> serde_json::Value {
    root_schema::<BatchFile>(
        "tradesim batch",
        "A tradesim batch file (TOML): scenarios, the parameters to vary and the design. Reference: docs/batch.md.",
        &[],
    )
}
