//! Dotted-path overrides: which keys of a scenario document a batch may vary (`params.gamma`,
//! `lever.<id>.<field>`, `rule.<id>.response.<field>`, ...; `<path>.mean` moves the centre of
//! an uncertain parameter's prior), the nearest valid paths for a misspelt one, setting a value
//! in the parsed TOML document, the counterfactual document without levers and rules, and how
//! a value is shown. Pure: no IO.

use crate::scenario::raw::LEVER_KEYS;
use crate::scenario::Universe;

/// Numeric lever fields a batch may vary, and the date fields.
const LEVER_NUMERIC: &[&str] = &[
    "tension", "rate", "coverage", "leakage", "enforcement", "cost", "rerouting_cost", "listed", "cost_per_1000",
    "leakage_cut", "tariff_cut", "capacity_gain", "friction_cut", "phase_in", "share", "risk", "risk_per_1000", "cap",
    "compliance",
];
/// Lever fields that may carry a prior (the magnitudes).
const LEVER_PRIORS: &[&str] = &[
    "rate", "coverage", "leakage", "enforcement", "cost", "rerouting_cost", "listed", "cost_per_1000", "leakage_cut",
    "tariff_cut", "capacity_gain", "friction_cut", "share", "risk", "risk_per_1000", "cap", "compliance",
];
const LEVER_DATES: &[&str] = &["start", "end"];
const RULE_FIELDS: &[&str] = &["probability", "lag", "threshold", "steps", "from"];
const PARAM_FIELDS: &[&str] = &[
    "phi", "gamma", "gamma_ref", "tension_reversion", "gdp_pass_through", "rerouting_cost", "currency_speed", "fixed_cost",
    "sunk_cost", "risk_memory", "pareto_shape", "firm_sigma",
];
/// `[params]` keys that may carry a prior, and the per-sector maps (all of them may).
const PARAM_PRIORS: &[&str] = &["phi", "currency_speed", "fixed_cost", "sunk_cost", "risk_memory", "pareto_shape", "firm_sigma"];
const SECTOR_MAPS: &[&str] = &["sigma", "esubd", "lambda", "eta"];
const SHOCK_FIELDS: &[&str] = &[
    "gdp_volatility_scale", "world_price_volatility", "world_price_reversion", "event_rate",
    "event_size", "trade_noise",
];
/// Keys whose TOML type is an integer: an integral number is written as one.
const INTEGER_KEYS: &[&str] = &["phase_in", "lag", "steps", "duration"];

/// Id of the k-th `[[lever]]` or `[[rule]]` table (the default id when none is written).
fn table_id(t: &toml::Value, prefix: &str, k: usize) -> String {
    t.get("id").and_then(|v| v.as_str()).map_or_else(|| format!("{prefix}{}", k + 1), str::to_owned)
}

/// Every dotted path a batch may vary in this scenario document: `start`, `end`,
/// `params.*` (with `params.sigma.<sector>`, `.esubd.`, `.lambda.`, `.eta.`), `shocks.*`,
/// `lever.<id>.<field>` and `rule.<id>.<field>` (with `rule.<id>.response.<field>`), and
/// `<path>.mean` for every parameter that may carry a prior (its prior's centre).
pub fn valid_paths(doc: &toml::Value, uni: &Universe) -> Vec<String> {
    let mut out: Vec<String> = vec!["start".into(), "end".into()];
    out.extend(PARAM_FIELDS.iter().map(|f| format!("params.{f}")));
    out.extend(PARAM_PRIORS.iter().map(|f| format!("params.{f}.mean")));
    for map in SECTOR_MAPS {
        out.extend(uni.sectors.iter().map(|s| format!("params.{map}.{s}")));
        out.extend(uni.sectors.iter().map(|s| format!("params.{map}.{s}.mean")));
    }
    out.extend(SHOCK_FIELDS.iter().map(|f| format!("shocks.{f}")));
    out.extend(uni.world_series.iter().map(|w| format!("shocks.world_price_mean.{w}")));
    if let Some(levers) = doc.get("lever").and_then(|v| v.as_array()) {
        for (k, l) in levers.iter().enumerate() {
            let id = table_id(l, "lever", k);
            out.extend(LEVER_NUMERIC.iter().chain(LEVER_DATES).map(|f| format!("lever.{id}.{f}")));
            out.extend(LEVER_PRIORS.iter().map(|f| format!("lever.{id}.{f}.mean")));
        }
    }
    if let Some(rules) = doc.get("rule").and_then(|v| v.as_array()) {
        for (k, r) in rules.iter().enumerate() {
            let id = table_id(r, "rule", k);
            out.extend(RULE_FIELDS.iter().map(|f| format!("rule.{id}.{f}")));
            if r.get("response").is_some() {
                out.extend(LEVER_NUMERIC.iter().chain(&["duration"]).map(|f| format!("rule.{id}.response.{f}")));
                out.extend(LEVER_PRIORS.iter().map(|f| format!("rule.{id}.response.{f}.mean")));
            }
        }
    }
    debug_assert!(LEVER_NUMERIC.iter().chain(LEVER_PRIORS).all(|k| LEVER_KEYS.contains(k)));
    out
}

/// The valid paths nearest to `given` (at most `k`, closest first).
pub fn nearest_paths(given: &str, valid: &[String], k: usize) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = valid.iter().map(|v| (strsim::damerau_levenshtein(given, v), v)).collect();
    scored.sort();
    scored.into_iter().take(k).map(|(_, v)| v.clone()).collect()
}

/// Check that every varied path exists in the document; the error lists the nearest ones.
pub fn check_paths(doc: &toml::Value, uni: &Universe, paths: &[&str], scenario: &str) -> Result<(), String> {
    let valid = valid_paths(doc, uni);
    let mut problems = Vec::new();
    for p in paths {
        if !valid.iter().any(|v| v == p) {
            problems.push(format!(
                "unknown parameter path `{p}` for scenario {scenario}; nearest valid paths: {}",
                nearest_paths(p, &valid, 5).join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Set the value at a dotted path (checked with `check_paths`) in a scenario document. A
/// path ending in `.mean` sets the centre of that parameter's prior: a number there becomes
/// `{ mean = value }` (the calibration's prior moved to it), a prior table gets the new mean.
pub fn apply(doc: &mut toml::Value, path: &str, value: &toml::Value) -> Result<(), String> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let centre = parts.len() > 2 && parts.last() == Some(&"mean");
    if centre {
        parts.pop();
    }
    let last = *parts.last().unwrap_or(&"");
    let value = match value {
        toml::Value::Float(f) if INTEGER_KEYS.contains(&last) && f.fract() == 0.0 && f.abs() < 1e15 => toml::Value::Integer(*f as i64),
        v => v.clone(),
    };
    let not_found = || format!("`{path}` does not name a key of this scenario");
    let root = doc.as_table_mut().ok_or_else(not_found)?;
    let table: &mut toml::Table = match parts.as_slice() {
        [_] => root,
        ["params" | "shocks", _] => table_in(root, parts[0]),
        [table @ ("params" | "shocks"), map, _] => table_in(table_in(root, table), map),
        [kind @ ("lever" | "rule"), id, rest @ ..] if !rest.is_empty() => {
            let arr = root.get_mut(*kind).and_then(|v| v.as_array_mut()).ok_or_else(not_found)?;
            let k = (0..arr.len()).find(|&k| table_id(&arr[k], kind, k) == *id).ok_or_else(not_found)?;
            let t = arr[k].as_table_mut().ok_or_else(not_found)?;
            match rest {
                [_] => t,
                ["response", _] => t.get_mut("response").and_then(|v| v.as_table_mut()).ok_or_else(not_found)?,
                _ => return Err(not_found()),
            }
        }
        _ => return Err(not_found()),
    };
    if centre {
        match table.get_mut(last).and_then(|v| v.as_table_mut()) {
            Some(prior) => {
                prior.insert("mean".to_owned(), value);
            }
            None => {
                let mut prior = toml::Table::new();
                prior.insert("mean".to_owned(), value);
                table.insert(last.to_owned(), toml::Value::Table(prior));
            }
        }
    } else {
        table.insert(last.to_owned(), value);
    }
    Ok(())
}

fn table_in<'a>(t: &'a mut toml::Table, key: &str) -> &'a mut toml::Table {
    let entry = t.entry(key.to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if !entry.is_table() {
        *entry = toml::Value::Table(toml::Table::new());
    }
    entry.as_table_mut().expect("just made a table")
}

/// The counterfactual of a variant: the same document with every lever and rule removed.
pub fn without_levers(doc: &toml::Value) -> toml::Value {
    let mut d = doc.clone();
    if let Some(t) = d.as_table_mut() {
        t.remove("lever");
        t.remove("rule");
    }
    d
}

/// A value as variants.csv and messages show it.
pub fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(f) => format!("{f}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uni() -> Universe {
        Universe {
            economies: vec!["US".into(), "RU".into(), "ROW".into()],
            sectors: vec!["energy".into(), "other".into()],
            bases: vec![2021],
            sigma: vec![5.0, 5.0],
            esubd: vec![2.5, 2.5],
            lambda: vec![1.0, 1.0],
            eta: vec![0.5, 0.5],
            priors: Vec::new(),
            world_series: Vec::new(),
            sector_series: Vec::new(),
            hub: 2,
            numeraire: 0,
        }
    }

    const DOC: &str = r#"
start = "2021-01"
[params]
gamma = 0.2
[[lever]]
id = "ban"
kind = "import_ban"
coverage = 1.0
[[rule]]
id = "eu_aligns"
kind = "align"
probability = 0.9
"#;

    #[test]
    fn apply_sets_params_levers_and_rules_by_id() {
        let mut doc: toml::Value = toml::from_str(DOC).unwrap();
        let u = uni();
        check_paths(&doc, &u, &["params.gamma", "lever.ban.coverage", "rule.eu_aligns.probability", "params.sigma.energy"], "s").unwrap();
        apply(&mut doc, "params.gamma", &toml::Value::Float(0.7)).unwrap();
        apply(&mut doc, "lever.ban.coverage", &toml::Value::Float(0.5)).unwrap();
        apply(&mut doc, "rule.eu_aligns.lag", &toml::Value::Float(3.0)).unwrap();
        apply(&mut doc, "params.sigma.energy", &toml::Value::Float(9.0)).unwrap();
        apply(&mut doc, "shocks.event_rate", &toml::Value::Float(1.0)).unwrap();
        assert_eq!(doc["params"]["gamma"].as_float(), Some(0.7));
        assert_eq!(doc["lever"][0]["coverage"].as_float(), Some(0.5));
        assert_eq!(doc["rule"][0]["lag"].as_integer(), Some(3));
        assert_eq!(doc["params"]["sigma"]["energy"].as_float(), Some(9.0));
        assert_eq!(doc["shocks"]["event_rate"].as_float(), Some(1.0));
        let cf = without_levers(&doc);
        assert!(cf.get("lever").is_none() && cf.get("rule").is_none());
    }

    #[test]
    fn unknown_path_lists_nearest() {
        let doc: toml::Value = toml::from_str(DOC).unwrap();
        let e = check_paths(&doc, &uni(), &["params.gama", "lever.ban.coverge"], "s.toml").unwrap_err();
        assert!(e.contains("unknown parameter path `params.gama`"), "{e}");
        assert!(e.contains("nearest valid paths: params.gamma"), "{e}");
        assert!(e.contains("lever.ban.coverage"), "{e}");
    }
}
