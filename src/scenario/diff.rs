//! What changed between two versions of a scenario file (`tradesim watch` lists it): both
//! texts parsed as TOML and compared key by key, levers and rules matched by their `id` (else
//! their place, `lever<N>` as validation names them). Pure: text in, lines out.

use toml::Value;

/// One changed key: its dotted path (`lever.us_oil_ban.coverage`, `params.gamma`), the old and
/// the new value as TOML shows them (None: absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match (&self.old, &self.new) {
            (None, Some(n)) => write!(f, "{} added: {n}", self.path),
            (Some(o), None) => write!(f, "{} removed (was {o})", self.path),
            (Some(o), Some(n)) => write!(f, "{}: {o} → {n}", self.path),
            (None, None) => write!(f, "{}", self.path),
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        // a table shows as an inline table: `{ id = "cap", kind = "price_cap" }`
        other => other.to_string().trim().to_owned(),
    }
}

/// The array of tables `key` (`lever`, `rule`) as (name, table) pairs.
fn named(doc: &Value, key: &str) -> Vec<(String, Value)> {
    let Some(Value::Array(items)) = doc.get(key) else { return Vec::new() };
    items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = t.get("id").and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| format!("{key}{}", i + 1));
            (name, t.clone())
        })
        .collect()
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Change>) {
    match (old, new) {
        (Some(Value::Table(a)), Some(Value::Table(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(&p, a.get(k), b.get(k), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Change { path: path.to_owned(), old: a.map(show), new: b.map(show) }),
    }
}

/// The changes from `old` to `new` (scenario file texts): top-level keys, `[shocks]`,
/// `[params]`, then each lever and rule by name. Err if either text is not TOML.
pub fn changes(old: &str, new: &str) -> Result<Vec<Change>, String> {
    let parse = |t: &str| toml::from_str::<Value>(t).map_err(|e| e.message().trim().to_owned());
    let (a, b) = (parse(old)?, parse(new)?);
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Value::Table(t) = &mut v {
            t.remove("lever");
            t.remove("rule");
        }
        v
    };
    let mut out = Vec::new();
    walk("", Some(&strip(&a)), Some(&strip(&b)), &mut out);
    for key in ["lever", "rule"] {
        let (la, lb) = (named(&a, key), named(&b, key));
        let mut names: Vec<&String> = la.iter().map(|(n, _)| n).collect();
        names.extend(lb.iter().map(|(n, _)| n).filter(|n| !la.iter().any(|(m, _)| m == *n)));
        for n in names {
            let find = |l: &[(String, Value)]| l.iter().find(|(m, _)| m == n).map(|(_, t)| t.clone());
            let (ta, tb) = (find(&la), find(&lb));
            let p = format!("{key}.{n}");
            match (&ta, &tb) {
                (Some(_), Some(_)) => walk(&p, ta.as_ref(), tb.as_ref(), &mut out),
                _ => out.push(Change { path: p, old: ta.as_ref().map(show), new: tb.as_ref().map(show) }),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "base = 2021\n[params]\ngamma = 0.2\n[[lever]]\nid = \"ban\"\nkind = \"import_ban\"\ncoverage = 1.0\n[[lever]]\nid = \"cap\"\nkind = \"price_cap\"\n";

    #[test]
    fn lists_changed_added_and_removed_keys_and_levers() {
        let b = A.replace("gamma = 0.2", "gamma = 0.5").replace("coverage = 1.0", "coverage = 0.8\nleakage = 0.1").replace("id = \"cap\"\nkind = \"price_cap\"", "id = \"tariff\"\nkind = \"tariff\"");
        let lines: Vec<String> = changes(A, &b).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "params.gamma: 0.2 → 0.5",
                "lever.ban.coverage: 1.0 → 0.8",
                "lever.ban.leakage added: 0.1",
                "lever.cap removed (was { id = \"cap\", kind = \"price_cap\" })",
                "lever.tariff added: { id = \"tariff\", kind = \"tariff\" }",
            ]
        );
        assert!(changes(A, A).unwrap().is_empty());
        assert!(changes(A, "base = ").is_err());
    }
}
