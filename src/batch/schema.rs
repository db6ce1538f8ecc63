//! The JSON Schema of batch files (`tradesim schema --batch`): a mirror of the batch file's
//! keys for `schemars` (the parser in `mod.rs` reads the same keys from the TOML document;
//! the unit test below checks the two lists of keys against each other, and the test
//! `schema::batch_schema_accepts_every_shipped_batch` every shipped batch file). Pure.

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
    /// How the variants are made: `grid` (default, full factorial of the `[[vary]]` values), `points` (the k-th value of every list), `lhs` (Latin hypercube), `table` (the rows of a CSV file), `attribution` (every subset of the `[[group]]`s: Shapley values), `sobol` (Saltelli's scheme: Sobol' indices) or `morris` (elementary effects).
    #[schemars(extend("enum" = ["grid", "points", "lhs", "table", "attribution", "sobol", "morris"]))]
    design: Option<String>,
    /// `lhs` (required there): number of points, 1 to 1,000,000; `sobol` (required there): base samples N, 2 to 1,048,576 (N (d + 2) variants).
    #[schemars(range(min = 1, max = 1048576))]
    samples: Option<i64>,
    /// `attribution` only: random orders sampled beyond 10 groups, 2 to 100,000 (default 100).
    #[schemars(range(min = 2, max = 100000))]
    permutations: Option<i64>,
    /// `morris` only: number of trajectories, 2 to 100,000 (default 10).
    #[schemars(range(min = 2, max = 100000))]
    trajectories: Option<i64>,
    /// `morris` only: grid levels, 2 to 100 (default 4).
    #[schemars(range(min = 2, max = 100))]
    levels: Option<i64>,
    /// `table` only (required there): the CSV file of variants, relative to the batch file (a header of dotted paths, one variant per row).
    table: Option<String>,
    /// The scenarios the batch varies (one or more; an attribution takes one).
    #[schemars(length(min = 1))]
    scenario: Vec<BatchScenario>,
    /// The parameters to vary, by dotted path (none: each scenario runs once, as written).
    #[serde(default)]
    vary: Vec<BatchVary>,
    /// `attribution` only: the players, each a group of levers (and rules) switched on and off together (none: each lever is a player).
    #[serde(default)]
    group: Vec<BatchGroup>,
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
    /// `lhs`, `sobol`, `morris`: lower end of the range.
    min: Option<f64>,
    /// `lhs`, `sobol`, `morris`: upper end of the range.
    max: Option<f64>,
    /// `sobol`, `morris`: sample the parameter from its prior (the scenario's or the calibration's) instead of `min`/`max`.
    prior: Option<bool>,
}

/// One `[[group]]` table (`attribution`).
#[allow(dead_code)]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BatchGroup {
    /// The player's name (its row in attribution.csv).
    name: Option<String>,
    /// Lever ids of the scenario.
    #[serde(default)]
    levers: Vec<String>,
    /// Rule ids of the scenario.
    #[serde(default)]
    rules: Vec<String>,
}

/// The JSON Schema of a batch file.
pub fn batch_schema() -> serde_json::Value {
    root_schema::<BatchFile>(
        "tradesim batch",
        "A tradesim batch file (TOML): scenarios, the parameters to vary and the design. Reference: docs/batch.md.",
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::test_keys::{keys, sorted};

    /// The schema names exactly the keys the parser reads (a key added to one and not the
    /// other fails here).
    #[test]
    fn schema_keys_are_the_parsers() {
        let s = batch_schema();
        assert_eq!(keys(&s), sorted(&super::super::TOP_KEYS));
        for (def, parser) in [("BatchScenario", &super::super::SCENARIO_KEYS[..]), ("BatchVary", &super::super::VARY_KEYS), ("BatchGroup", &super::super::GROUP_KEYS)] {
            assert_eq!(keys(&s["$defs"][def]), sorted(parser), "{def}");
        }
    }
}
