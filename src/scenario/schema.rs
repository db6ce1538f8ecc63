//! The JSON Schema of scenario files (`tradesim schema`), derived from the raw serde mirror
//! (`raw.rs`, `schemars` derive: its doc comments are the descriptions, its attributes the
//! allowed ranges), for editors: the TOML language servers (Taplo, Even Better TOML) complete
//! keys and flag errors with it. It checks the file's shape and each value's range; what needs
//! the calibration (economy and sector codes, base years) or several keys at once is left to
//! `tradesim check`. Pure: no IO.

use super::raw::{RawNum, RawScenario};
use super::{LEVER_KINDS, RULE_KINDS};
use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A prior table (`{ low, high }`, `{ mean, sd }`, `{ mean }`): a `$defs` entry `Prior`.
struct PriorTable;

impl JsonSchema for PriorTable {
    fn schema_name() -> Cow<'static, str> {
        "Prior".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A prior each run draws from: { low, high } (uniform), { mean, sd } (log-normal where the value cannot be negative, else normal), or { mean } (the calibration's prior moved to mean).",
            "type": "object",
            "properties": {
                "low": { "type": "number", "description": "Uniform prior: lower end." },
                "high": { "type": "number", "description": "Uniform prior: upper end." },
                "mean": { "type": "number", "description": "Normal or log-normal prior: mean (alone: the calibration's prior moved to it)." },
                "sd": { "type": "number", "minimum": 0, "description": "Normal or log-normal prior: standard deviation of the value." }
            },
            "additionalProperties": false,
            "minProperties": 1
        })
    }
}

/// A number or a prior table: the schema of `RawNum` (fields with a range use `num_in`).
impl JsonSchema for RawNum {
    fn schema_name() -> Cow<'static, str> {
        "NumberOrPrior".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let prior = g.subschema_for::<PriorTable>();
        json_schema!({ "anyOf": [{ "type": "number" }, prior] })
    }
}

/// A number in [min, max] (or above `min` when `exclusive`), or a prior table.
fn num_in(generator: &mut SchemaGenerator, min: f64, max: Option<f64>, exclusive: bool) -> Schema {
    let mut n = Map::new();
    n.insert("type".into(), "number".into());
    n.insert(if exclusive { "exclusiveMinimum" } else { "minimum" }.into(), min.into());
    if let Some(max) = max {
        n.insert("maximum".into(), max.into());
    }
    let prior = generator.subschema_for::<PriorTable>();
    json_schema!({ "anyOf": [Value::Object(n), prior] })
}

macro_rules! num_schemas {
    ($($name:ident => $min:expr, $max:expr, $excl:expr;)*) => {$(
        pub fn $name(g: &mut SchemaGenerator) -> Schema {
            num_in(g, $min, $max, $excl)
        }
    )*};
}

num_schemas! {
    num_0_1 => 0.0, Some(1.0), false;
    num_0_10 => 0.0, Some(10.0), false;
    num_0_100 => 0.0, Some(100.0), false;
    num_0_1000 => 0.0, Some(1000.0), false;
    num_sigma => 1.01, Some(50.0), false;
    num_pareto => 0.1, Some(50.0), false;
    num_listed => 0.0, Some(1e6), false;
    num_friction_cut => 0.0, Some(0.9), false;
    num_share => 0.0, Some(0.5), false;
    num_cap => 0.0, Some(1e9), true;
}

/// A table of sector code → number or prior in [min, max].
fn per_sector(g: &mut SchemaGenerator, min: f64, max: f64) -> Schema {
    let value = num_in(g, min, Some(max), false);
    json_schema!({ "type": "object", "additionalProperties": value, "propertyNames": { "pattern": "^[A-Za-z0-9_]+$" } })
}

pub fn sector_sigma(g: &mut SchemaGenerator) -> Schema {
    per_sector(g, 1.01, 50.0)
}
pub fn sector_lambda(g: &mut SchemaGenerator) -> Schema {
    per_sector(g, 0.001, 1000.0)
}
pub fn sector_eta(g: &mut SchemaGenerator) -> Schema {
    per_sector(g, 0.0, 1.0)
}
pub fn sector_esubd(g: &mut SchemaGenerator) -> Schema {
    per_sector(g, 0.05, 50.0)
}

/// `base`: a year as a number or as text.
pub fn base_year(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "anyOf": [{ "type": "integer", "minimum": 1000, "maximum": 9999 }, { "type": "string", "pattern": "^[0-9]{4}$" }] })
}

/// An economy code or a list of them.
pub fn one_or_more(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" }, "minItems": 1 }] })
}

fn kinds(list: &[(&str, &str)]) -> Schema {
    let one: Vec<Value> = list.iter().map(|(k, doc)| serde_json::json!({ "const": k, "description": doc })).collect();
    json_schema!({ "type": "string", "oneOf": one })
}

/// A lever kind, each with its line of `tradesim list`.
pub fn lever_kind(_: &mut SchemaGenerator) -> Schema {
    kinds(LEVER_KINDS)
}

/// A rule kind, each with its line of `tradesim list`.
pub fn rule_kind(_: &mut SchemaGenerator) -> Schema {
    kinds(RULE_KINDS)
}

/// TOML has no null: drop the `null` alternatives schemars gives `Option` fields, and the
/// `default: null` of fields marked `#[serde(default)]`.
pub fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let t = types.remove(0);
                    m.insert("type".into(), t);
                }
            }
            if m.get("default") == Some(&Value::Null) {
                m.remove("default");
            }
            if let Some(Value::Array(any)) = m.get_mut("anyOf") {
                any.retain(|s| s.get("type") != Some(&Value::String("null".into())));
                if any.len() == 1 {
                    let only = any.remove(0);
                    m.remove("anyOf");
                    if let Value::Object(o) = only {
                        for (k, x) in o {
                            m.entry(k).or_insert(x);
                        }
                    }
                }
            }
            for x in m.values_mut() {
                drop_nulls(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Generate a root schema for `T` (draft 2020-12) with a title and description, nulls
/// dropped, and the given keys of the root and of named `$defs` required.
pub fn root_schema<T: JsonSchema>(title: &str, description: &str, required: &[(&str, &[&str])]) -> Value {
    let schema = SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>();
    let mut v = schema.to_value();
    drop_nulls(&mut v);
    if let Value::Object(m) = &mut v {
        m.insert("title".into(), title.into());
        m.insert("description".into(), description.into());
        for (def, keys) in required {
            let target = if def.is_empty() { Some(&mut *m) } else { m.get_mut("$defs").and_then(|d| d.get_mut(*def)).and_then(Value::as_object_mut) };
            if let Some(t) = target {
                t.insert("required".into(), keys.iter().map(|k| Value::from(*k)).collect());
            }
        }
    }
    v
}

/// The JSON Schema of a scenario file.
pub fn scenario_schema() -> Value {
    root_schema::<RawScenario>(
        "tradesim scenario",
        "A tradesim scenario file (TOML): base year, dates, shocks, parameters, levers and rules. Reference: docs/scenarios.md; `tradesim check FILE` validates against the calibration as well.",
        &[("", &["base", "start", "end"]), ("RawLever", &["kind"]), ("RawRule", &["kind", "by"])],
    )
}

/// For the schema tests (here and in `batch::schema`): a schema object's property names, and a
/// parser's key list, each sorted.
#[cfg(test)]
pub(crate) mod test_keys {
    use serde_json::Value;

    pub fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v["properties"].as_object().expect("properties").keys().cloned().collect();
        k.sort();
        k
    }

    pub fn sorted(k: &[&str]) -> Vec<String> {
        let mut k: Vec<String> = k.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    }
}

#[cfg(test)]
mod tests {
    use super::test_keys::{keys, sorted};
    use super::*;
    use crate::scenario::raw::{LEVER_KEYS, PAIR_KEYS, PARAM_KEYS, RULE_KEYS, SHOCK_KEYS, TOP_KEYS};

    /// The schema names exactly the keys the validator knows (`raw.rs`'s lists, which report
    /// unknown keys): a key added to the scenario format and not to the schema fails here.
    #[test]
    fn schema_keys_are_the_validators() {
        let s = scenario_schema();
        assert_eq!(keys(&s), sorted(TOP_KEYS));
        for (def, known) in [("RawShocks", SHOCK_KEYS), ("RawPairEvents", PAIR_KEYS), ("RawParams", PARAM_KEYS), ("RawLever", LEVER_KEYS), ("RawRule", RULE_KEYS)] {
            assert_eq!(keys(&s["$defs"][def]), sorted(known), "{def}");
        }
    }
}
