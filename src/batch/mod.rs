//! Batch files: the file as written (a raw serde mirror), then a validated `Batch` with its
//! scenarios, varied paths and design; the units of work (variant, block of runs) and how
//! shards split them. The design points and variants are in `design`, the dotted-path
//! overrides that make a variant's scenario document in `overrides`; the analysis designs in
//! `attribution` (Shapley values over lever subsets), `sensitivity` (Sobol' indices from
//! Saltelli samples, Morris elementary effects) and `table` (a design read from a CSV). Pure:
//! no IO, no threads.

pub mod attribution;
pub mod design;
pub mod overrides;
pub mod sensitivity;
pub mod table;
pub mod schema;


/// Runs per unit of work (variant, block of runs) unless the batch file sets `block`.
pub const DEFAULT_BLOCK: u32 = 1000;
/// Most units of work a batch may have (`Batch::unit_count`): the list of units, and a
/// shard's share of it, is held in memory.
pub const MAX_UNITS: u64 = 10_000_000;
/// Most variants a batch may have (design points × scenarios).
pub const MAX_VARIANTS: u64 = 1_000_000;

/// The top-level keys of a batch file, `[[scenario]]` keys and `[[vary]]` keys.
const TOP_KEYS: [&str; 14] = [
    "name", "description", "seed", "runs", "block", "design", "samples", "permutations", "trajectories", "levels", "table", "scenario", "vary", "group",
];
const SCENARIO_KEYS: [&str; 2] = ["path", "counterfactual"];
const VARY_KEYS: [&str; 5] = ["path", "values", "min", "max", "prior"];
const GROUP_KEYS: [&str; 3] = ["name", "levers", "rules"];

/// The batch file as written, read key by key from the TOML document (with each key's place
/// in the file), so that every problem of the file is found in one pass, each with its line,
/// column and dotted key.
#[derive(Debug, Default)]
struct RawBatch {
    name: Option<String>,
    description: Option<String>,
    seed: Option<i64>,
    runs: Option<i64>,
    block: Option<i64>,
    design: Option<String>,
    samples: Option<i64>,
    /// attribution: permutations sampled beyond `attribution::MAX_EXACT` groups.
    permutations: Option<i64>,
    /// morris: trajectories and grid levels.
    trajectories: Option<i64>,
    levels: Option<i64>,
    /// table: the CSV of variants, relative to the batch file.
    table: Option<String>,
    scenario: Vec<RawEntry>,
    vary: Vec<RawVary>,
    group: Vec<RawGroup>,
}

/// One `[[group]]` table (attribution): levers (and rules) that count as one player.
#[derive(Debug, Default)]
struct RawGroup {
    name: Option<String>,
    levers: Vec<String>,
    rules: Vec<String>,
}

/// One `[[scenario]]` table.
#[derive(Debug, Default)]
struct RawEntry {
    path: Option<String>,
    counterfactual: bool,
    /// `path` is there but not text (reported already).
    bad_path: bool,
}

/// One `[[vary]]` table.
#[derive(Debug, Default)]
struct RawVary {
    path: Option<String>,
    /// `path` is there but not text (reported already).
    bad_path: bool,
    values: Option<Vec<toml::Value>>,
    min: Option<f64>,
    max: Option<f64>,
    /// sobol, morris: sample the parameter from its prior (the scenario's or the calibration's).
    prior: Option<bool>,
}

/// Problems found while reading a batch file, each "LINE:COL: `key`: what is wrong".
struct Reader<'a> {
    text: &'a str,
    problems: Vec<String>,
}

impl Reader<'_> {
    fn at(&self, span: Option<std::ops::Range<usize>>) -> String {
        let Some(span) = span else { return String::new() };
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{line}:{col}: ")
    }

    fn push(&mut self, item: &toml_edit::Item, key: &str, what: String) {
        let at = self.at(item.span());
        self.problems.push(format!("{at}`{key}`: {what}"));
    }

    fn kind(item: &toml_edit::Item) -> &'static str {
        match item {
            toml_edit::Item::Value(toml_edit::Value::String(_)) => "text",
            toml_edit::Item::Value(toml_edit::Value::Integer(_)) => "a whole number",
            toml_edit::Item::Value(toml_edit::Value::Float(_)) => "a decimal number",
            toml_edit::Item::Value(toml_edit::Value::Boolean(_)) => "true or false",
            toml_edit::Item::Value(toml_edit::Value::Datetime(_)) => "a date",
            toml_edit::Item::Value(toml_edit::Value::Array(_)) | toml_edit::Item::ArrayOfTables(_) => "a list",
            _ => "a table",
        }
    }

    fn string(&mut self, item: &toml_edit::Item, key: &str) -> Option<String> {
        match item.as_str() {
            Some(s) => Some(s.to_owned()),
            None => {
                let what = format!("must be text in quotes, not {}", Self::kind(item));
                self.push(item, key, what);
                None
            }
        }
    }

    fn int(&mut self, item: &toml_edit::Item, key: &str) -> Option<i64> {
        match item.as_integer() {
            Some(i) => Some(i),
            None => {
                let shown = item.as_value().map(|v| v.to_string().trim().to_owned()).unwrap_or_default();
                let what = format!("must be a whole number, not {} {shown}", Self::kind(item));
                self.push(item, key, what.trim_end().to_owned());
                None
            }
        }
    }

    fn number(&mut self, item: &toml_edit::Item, key: &str) -> Option<f64> {
        match (item.as_float(), item.as_integer()) {
            (Some(f), _) => Some(f),
            (_, Some(i)) => Some(i as f64),
            _ => {
                let what = format!("must be a number, not {}", Self::kind(item));
                self.push(item, key, what);
                None
            }
        }
    }

    fn boolean(&mut self, item: &toml_edit::Item, key: &str) -> bool {
        item.as_bool().unwrap_or_else(|| {
            let what = format!("must be true or false, not {}", Self::kind(item));
            self.push(item, key, what);
            false
        })
    }

    /// Unknown keys of a table, with the nearest known one.
    fn keys(&mut self, table: &dyn toml_edit::TableLike, prefix: &str, known: &[&str]) {
        for (k, item) in table.iter() {
            if !known.contains(&k) {
                let near = known.iter().min_by_key(|c| strsim::levenshtein(c, k)).filter(|c| strsim::levenshtein(c, k) <= 2);
                let hint = near.map_or(String::new(), |c| format!(" (did you mean `{prefix}{c}`?)"));
                let what = format!("unknown key{hint}; allowed: {}", known.join(", "));
                self.push(item, &format!("{prefix}{k}"), what);
            }
        }
    }

    /// The tables of `[[name]]` (or `name = [{...}, ...]`).
    fn tables<'d>(&mut self, item: &'d toml_edit::Item, key: &str) -> Vec<&'d dyn toml_edit::TableLike> {
        if let Some(a) = item.as_array_of_tables() {
            return a.iter().map(|t| t as &dyn toml_edit::TableLike).collect();
        }
        if let Some(a) = item.as_array() {
            if a.iter().all(|v| v.as_inline_table().is_some()) {
                return a.iter().filter_map(|v| v.as_inline_table()).map(|t| t as &dyn toml_edit::TableLike).collect();
            }
        }
        let what = format!("must be a list of tables ([[{key}]]), not {}", Self::kind(item));
        self.push(item, key, what);
        Vec::new()
    }
}

/// Read the document into a `RawBatch`; every problem of the file goes to `r.problems`.
fn read_raw(doc: &toml_edit::ImDocument<&str>, r: &mut Reader) -> RawBatch {
    let root = doc.as_table();
    r.keys(root, "", &TOP_KEYS);
    let mut raw = RawBatch::default();
    for (k, item) in root.iter() {
        match k {
            "name" => raw.name = r.string(item, k),
            "description" => raw.description = r.string(item, k),
            "design" => raw.design = r.string(item, k),
            "seed" => raw.seed = r.int(item, k),
            "runs" => raw.runs = r.int(item, k),
            "block" => raw.block = r.int(item, k),
            "samples" => raw.samples = r.int(item, k),
            "permutations" => raw.permutations = r.int(item, k),
            "trajectories" => raw.trajectories = r.int(item, k),
            "levels" => raw.levels = r.int(item, k),
            "table" => raw.table = r.string(item, k),
            "group" => {
                for (i, t) in r.tables(item, k).into_iter().enumerate() {
                    let prefix = format!("group[{i}].");
                    r.keys(t, &prefix, &GROUP_KEYS);
                    let mut g = RawGroup::default();
                    if let Some(n) = t.get("name") {
                        g.name = r.string(n, &format!("{prefix}name"));
                    }
                    for (key, slot) in [("levers", &mut g.levers), ("rules", &mut g.rules)] {
                        let Some(list) = t.get(key) else { continue };
                        match list.as_array() {
                            Some(a) => {
                                for (j, x) in a.iter().enumerate() {
                                    match x.as_str() {
                                        Some(id) => slot.push(id.to_owned()),
                                        None => {
                                            let at = r.at(x.span());
                                            r.problems.push(format!("{at}`{prefix}{key}[{j}]`: must be a {} id in quotes, not `{}`", &key[..key.len() - 1], x.to_string().trim()));
                                        }
                                    }
                                }
                            }
                            None => {
                                let what = format!("must be a list of ids, not {}", Reader::kind(list));
                                r.push(list, &format!("{prefix}{key}"), what);
                            }
                        }
                    }
                    raw.group.push(g);
                }
            }
            "scenario" => {
                for (i, t) in r.tables(item, k).into_iter().enumerate() {
                    let prefix = format!("scenario[{i}].");
                    r.keys(t, &prefix, &SCENARIO_KEYS);
                    let mut e = RawEntry::default();
                    if let Some(p) = t.get("path") {
                        e.path = r.string(p, &format!("{prefix}path"));
                        e.bad_path = e.path.is_none();
                    }
                    if let Some(c) = t.get("counterfactual") {
                        e.counterfactual = r.boolean(c, &format!("{prefix}counterfactual"));
                    }
                    raw.scenario.push(e);
                }
            }
            "vary" => {
                for (i, t) in r.tables(item, k).into_iter().enumerate() {
                    let prefix = format!("vary[{i}].");
                    r.keys(t, &prefix, &VARY_KEYS);
                    let mut v = RawVary::default();
                    if let Some(p) = t.get("path") {
                        v.path = r.string(p, &format!("{prefix}path"));
                        v.bad_path = v.path.is_none();
                    }
                    for (key, slot) in [("min", &mut v.min), ("max", &mut v.max)] {
                        if let Some(x) = t.get(key) {
                            *slot = r.number(x, &format!("{prefix}{key}"));
                        }
                    }
                    if let Some(x) = t.get("prior") {
                        v.prior = Some(r.boolean(x, &format!("{prefix}prior")));
                    }
                    if let Some(vals) = t.get("values") {
                        match vals.as_array() {
                            Some(a) => {
                                let mut out = Vec::new();
                                for (j, x) in a.iter().enumerate() {
                                    match x {
                                        toml_edit::Value::Integer(n) => out.push(toml::Value::Integer(*n.value())),
                                        toml_edit::Value::Float(f) => out.push(toml::Value::Float(*f.value())),
                                        toml_edit::Value::String(s) => out.push(toml::Value::String(s.value().clone())),
                                        other => {
                                            let at = r.at(other.span());
                                            r.problems.push(format!("{at}`{prefix}values[{j}]`: value `{}` is not a number or a string", other.to_string().trim()));
                                        }
                                    }
                                }
                                v.values = Some(out);
                            }
                            None => {
                                let what = format!("must be a list of values, not {}", Reader::kind(vals));
                                r.push(vals, &format!("{prefix}values"), what);
                            }
                        }
                    }
                    raw.vary.push(v);
                }
            }
            _ => {}
        }
    }
    raw
}

/// How the parameter values are combined into design points.
#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    /// Full factorial: every combination, the last `[[vary]]` changing fastest.
    Grid,
    /// Explicit points: the k-th value of every `[[vary]]` makes point k.
    Points,
    /// Latin hypercube: `samples` points, each parameter's [min, max] cut into `samples`
    /// equal strata, one point per stratum, strata paired at random (seeded).
    Lhs { samples: usize },
    /// Shapley attribution: every subset of the players (groups of levers, or each lever) run
    /// on the same seed, up to `attribution::MAX_EXACT` players; sampled permutations beyond.
    Attribution { groups: Vec<Group>, permutations: usize },
    /// Saltelli's scheme for first-order and total Sobol' indices: `samples` base points,
    /// each with its d+1 companions (d + 2 points each).
    Sobol { samples: usize },
    /// Morris' elementary effects: `trajectories` one-at-a-time paths on a grid of `levels`.
    Morris { trajectories: usize, levels: usize },
    /// Variants read from a CSV, one column per dotted path (`table::fill` puts them in `vary`).
    Table { file: String },
}

impl Design {
    /// The design's name as batch files write it.
    pub fn name(&self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Points => "points",
            Design::Lhs { .. } => "lhs",
            Design::Attribution { .. } => "attribution",
            Design::Sobol { .. } => "sobol",
            Design::Morris { .. } => "morris",
            Design::Table { .. } => "table",
        }
    }

    /// Whether every variant of a scenario entry runs on the entry's seed (common random
    /// numbers, so differences between variants are the parameters', not the draws'): the
    /// analysis designs. The others give each variant its own seed.
    pub fn common_seed(&self) -> bool {
        matches!(self, Design::Attribution { .. } | Design::Sobol { .. } | Design::Morris { .. })
    }

    /// Whether each variant keeps its full summary (summary.csv, annual.csv): not for the
    /// analysis designs, whose hundreds of variants are read through their indicators (and,
    /// for attribution, their per-run values); attribution keeps the empty and the full set.
    pub fn keeps_summary(&self, variant: usize, variants: usize) -> bool {
        match self {
            Design::Attribution { .. } => variant == 0 || variant + 1 == variants,
            Design::Sobol { .. } | Design::Morris { .. } => false,
            _ => true,
        }
    }
}

/// A player of an attribution: levers and rules (by id) switched on and off together.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub levers: Vec<String>,
    pub rules: Vec<String>,
}

/// A scenario the batch varies.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// As written in the batch file (relative to the batch file's directory).
    pub path: String,
    /// Also run each variant with all levers and rules removed (same seed).
    pub counterfactual: bool,
}

/// A parameter the batch varies.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub path: String,
    pub values: Vec<toml::Value>,
    pub range: Option<(f64, f64)>,
    /// Sampled from the parameter's prior (sobol, morris).
    pub prior: bool,
}

/// A validated batch file.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// Runs per variant (None: each scenario's own `runs`).
    pub runs: Option<u32>,
    pub block: u32,
    pub design: Design,
    pub entries: Vec<Entry>,
    pub vary: Vec<Vary>,
}

/// One variant: a scenario entry with one design point applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// 0-based, in order: scenario entries in file order, design points in design order.
    pub id: usize,
    pub entry: usize,
    pub values: Vec<toml::Value>,
}

/// Parse and check a batch file's text (`file` names it in messages). Every problem of the
/// file is reported at once, each as `FILE:LINE:COL: `key`: what is wrong; what is allowed`.
pub fn parse_batch(text: &str, file: &str) -> Result<Batch, String> {
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| {
        let at = Reader { text, problems: Vec::new() }.at(e.span());
        format!("{file}:{at}{}", e.message().trim())
    })?;
    let mut reader = Reader { text, problems: Vec::new() };
    let raw = read_raw(&doc, &mut reader);
    let mut problems = reader.problems;
    let seed = match raw.seed {
        None => 1,
        Some(s) if s >= 0 => s as u64,
        Some(s) => {
            problems.push(format!("`seed`: {s} is negative; allowed: a whole number of at least 0"));
            1
        }
    };
    let runs = match raw.runs {
        None => None,
        Some(r) if (1..=100_000_000).contains(&r) => Some(r as u32),
        Some(r) => {
            problems.push(format!("`runs`: {r} is out of range; allowed: 1 to 100000000 runs per variant"));
            None
        }
    };
    let block = match raw.block {
        None => DEFAULT_BLOCK,
        Some(b) if (1..=100_000_000).contains(&b) => b as u32,
        Some(b) => {
            problems.push(format!("`block`: {b} is out of range; allowed: 1 to 100000000 runs per unit of work"));
            DEFAULT_BLOCK
        }
    };
    if raw.scenario.is_empty() {
        problems.push("no `[[scenario]]`; add at least one, e.g. [[scenario]] path = \"sanctions_2022.toml\"".into());
    }
    let mut entries = Vec::new();
    for (i, e) in raw.scenario.iter().enumerate() {
        match &e.path {
            Some(p) => entries.push(Entry { path: p.clone(), counterfactual: e.counterfactual }),
            None if e.bad_path => {}
            None => problems.push(format!("`scenario[{i}].path`: missing; the scenario file, relative to the batch file")),
        }
    }
    let count = |v: Option<i64>, key: &str, default: Option<usize>, lo: i64, hi: i64, problems: &mut Vec<String>| -> usize {
        match (v, default) {
            (Some(n), _) if (lo..=hi).contains(&n) => n as usize,
            (Some(n), d) => {
                problems.push(format!("`{key}`: {n} is out of range; allowed: {lo} to {hi}"));
                d.unwrap_or(lo as usize)
            }
            (None, Some(d)) => d,
            (None, None) => {
                problems.push(format!("`{key}`: missing; the {} design needs it", raw.design.as_deref().unwrap_or("grid")));
                lo as usize
            }
        }
    };
    let design = match raw.design.as_deref() {
        None | Some("grid") => Design::Grid,
        Some("points") => Design::Points,
        Some("lhs") => Design::Lhs { samples: count(raw.samples, "samples", None, 1, 1_000_000, &mut problems) },
        Some("sobol") => Design::Sobol { samples: count(raw.samples, "samples", None, 2, 1 << 20, &mut problems) },
        Some("morris") => Design::Morris {
            trajectories: count(raw.trajectories, "trajectories", Some(10), 2, 100_000, &mut problems),
            levels: count(raw.levels, "levels", Some(4), 2, 100, &mut problems),
        },
        Some("attribution") => {
            let mut groups = Vec::new();
            for (i, g) in raw.group.iter().enumerate() {
                match &g.name {
                    Some(n) if !n.is_empty() => {
                        if groups.iter().any(|x: &Group| &x.name == n) {
                            problems.push(format!("`group[{i}].name`: `{n}` names two groups"));
                        }
                        if g.levers.is_empty() && g.rules.is_empty() {
                            problems.push(format!("`group[{i}]` ({n}): no `levers` and no `rules`; a group switches levers (and rules) by id"));
                        }
                        groups.push(Group { name: n.clone(), levers: g.levers.clone(), rules: g.rules.clone() });
                    }
                    _ => problems.push(format!("`group[{i}].name`: missing; each group needs a name (the attribution's column)")),
                }
            }
            let permutations = count(raw.permutations, "permutations", Some(attribution::DEFAULT_PERMUTATIONS), 2, 100_000, &mut problems);
            Design::Attribution { groups, permutations }
        }
        Some("table") => match &raw.table {
            Some(f) => Design::Table { file: f.clone() },
            None => {
                problems.push("`table`: missing; the table design reads its variants from a CSV file, e.g. table = \"design.csv\"".into());
                Design::Table { file: String::new() }
            }
        },
        Some(o) => {
            problems.push(format!("`design`: unknown design `{o}`; allowed: grid, points, lhs, attribution, sobol, morris, table"));
            Design::Grid
        }
    };
    for (key, given, ok) in [
        ("samples", raw.samples.is_some(), matches!(design, Design::Lhs { .. } | Design::Sobol { .. })),
        ("permutations", raw.permutations.is_some(), matches!(design, Design::Attribution { .. })),
        ("trajectories", raw.trajectories.is_some(), matches!(design, Design::Morris { .. })),
        ("levels", raw.levels.is_some(), matches!(design, Design::Morris { .. })),
        ("table", raw.table.is_some(), matches!(design, Design::Table { .. })),
        ("group", !raw.group.is_empty(), matches!(design, Design::Attribution { .. })),
    ] {
        if given && !ok {
            let who = match key {
                "samples" => "the `lhs` and `sobol` designs take",
                "permutations" | "group" => "the `attribution` design takes",
                "table" => "the `table` design takes",
                _ => "the `morris` design takes",
            };
            problems.push(format!("`{key}`: only {who} `{key}`"));
        }
    }
    if let Design::Morris { levels, .. } = design {
        if levels % 2 != 0 {
            problems.push(format!("`levels`: {levels} is odd; Morris' grid needs an even number of levels (the step is levels/(2(levels-1)))"));
        }
    }
    let ranged = matches!(design, Design::Lhs { .. } | Design::Sobol { .. } | Design::Morris { .. });
    if matches!(design, Design::Attribution { .. } | Design::Table { .. }) && !raw.vary.is_empty() {
        problems.push(format!("`vary`: the {} design takes no `[[vary]]`{}", design.name(), if matches!(design, Design::Table { .. }) { " (the table's columns are the varied paths)" } else { " (its variants are the subsets of the groups)" }));
    }
    if matches!(design, Design::Attribution { .. }) && raw.scenario.len() > 1 {
        problems.push("`scenario`: the attribution design takes one `[[scenario]]` (its levers are the players); write one batch file per scenario".into());
    }
    let mut vary: Vec<Vary> = Vec::new();
    for (i, v) in raw.vary.iter().enumerate() {
        let Some(path) = v.path.clone() else {
            if v.bad_path {
                continue;
            }
            problems.push(format!("`vary[{i}].path`: missing; a dotted scenario key, e.g. \"params.gamma\""));
            continue;
        };
        if vary.iter().any(|x| x.path == path) {
            problems.push(format!("`vary[{i}].path`: `{path}` is varied twice"));
        }
        let prior = v.prior == Some(true);
        let sampled = matches!(design, Design::Sobol { .. } | Design::Morris { .. });
        match (&design, &v.values, v.min, v.max) {
            _ if prior && !sampled => problems.push(format!("`vary[{i}]` ({path}): `prior` is for the sobol and morris designs")),
            (_, None, None, None) if prior => vary.push(Vary { path, values: Vec::new(), range: None, prior }),
            _ if prior => problems.push(format!("`vary[{i}]` ({path}): `prior = true` samples the parameter's prior; give no `min`, `max` or `values` with it")),
            (_, None, Some(lo), Some(hi)) if ranged => {
                if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                    problems.push(format!("`vary[{i}]` ({path}): min {lo} and max {hi} must be finite with min <= max"));
                }
                vary.push(Vary { path, values: Vec::new(), range: Some((lo, hi)), prior });
            }
            _ if ranged => problems.push(format!(
                "`vary[{i}]` ({path}): the {} design takes `min` and `max`{} (and no `values`)",
                design.name(),
                if sampled { ", or `prior = true`" } else { "" }
            )),
            (_, Some(values), None, None) if !values.is_empty() => {
                for x in values {
                    if !matches!(x, toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::String(_)) {
                        problems.push(format!("`vary[{i}]` ({path}): value `{x}` is not a number or a string"));
                    }
                }
                vary.push(Vary { path, values: values.clone(), range: None, prior });
            }
            _ => problems.push(format!("`vary[{i}]` ({path}): the {} design takes a non-empty list `values` (and no min/max)", design.name())),
        }
    }
    if matches!(design, Design::Sobol { .. } | Design::Morris { .. }) {
        if raw.vary.is_empty() {
            problems.push(format!("`vary`: the {} design needs at least one `[[vary]]` with `min` and `max` or `prior = true`", design.name()));
        }
        if raw.vary.len() > sensitivity::MAX_PARAMETERS {
            problems.push(format!("`vary`: {} parameters; the {} design takes at most {}", raw.vary.len(), design.name(), sensitivity::MAX_PARAMETERS));
        }
    }
    if design == Design::Points {
        if let Some(first) = vary.first() {
            let n = first.values.len();
            for v in &vary {
                if v.values.len() != n {
                    problems.push(format!("points design: `{}` has {} values but `{}` has {n}; every list gives one value per point", v.path, v.values.len(), first.path));
                }
            }
        }
    }
    let points: u64 = match design {
        Design::Grid => vary.iter().try_fold(1u64, |a, v| a.checked_mul(v.values.len() as u64)).unwrap_or(u64::MAX),
        Design::Points => vary.first().map_or(1, |v| v.values.len() as u64),
        Design::Lhs { samples } => samples as u64,
        Design::Sobol { samples } => (samples as u64).saturating_mul(vary.len() as u64 + 2),
        Design::Morris { trajectories, .. } => (trajectories as u64).saturating_mul(vary.len() as u64 + 1),
        // the subsets of the groups (with no groups, the scenario's levers: known later)
        Design::Attribution { ref groups, permutations } if groups.len() > attribution::MAX_EXACT => (permutations as u64).saturating_mul(groups.len() as u64).saturating_add(groups.len() as u64 + 2),
        Design::Attribution { ref groups, .. } => 1u64 << groups.len(),
        // the table's rows (read later)
        Design::Table { .. } => 1,
    };
    let variants = points.saturating_mul(entries.len().max(1) as u64);
    if variants > MAX_VARIANTS {
        problems.push(format!("the design makes {variants} variants ({points} points × {} scenarios); allowed: at most {MAX_VARIANTS}", entries.len()));
    }
    if !problems.is_empty() {
        let prefixed = |p: &String| if p.starts_with(|c: char| c.is_ascii_digit()) { format!("{file}:{p}") } else { format!("{file}: {p}") };
        return Err(problems.iter().map(prefixed).collect::<Vec<_>>().join("\n"));
    }
    let name = raw.name.unwrap_or_else(|| {
        let stem = std::path::Path::new(file).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        stem.trim_end_matches(".toml").trim_end_matches(".batch").to_owned()
    });
    Ok(Batch { name, description: raw.description.unwrap_or_default(), seed, runs, block, design, entries, vary })
}

impl Batch {
    /// How many units of work `units` makes (without making them).
    pub fn unit_count(&self, runs_per_variant: &[u32]) -> u64 {
        runs_per_variant.iter().map(|&r| r.div_ceil(self.block) as u64).sum()
    }

    /// Units of work: (variant, block) in order, block b covering runs
    /// [b·block, min((b+1)·block, runs)).
    pub fn units(&self, runs_per_variant: &[u32]) -> Vec<(usize, u32)> {
        let mut out = Vec::new();
        for (v, &r) in runs_per_variant.iter().enumerate() {
            for b in 0..r.div_ceil(self.block) {
                out.push((v, b));
            }
        }
        out
    }
}

/// Shard `k` (0-based) of `n` takes every unit whose position in `Batch::units` is k mod n.
pub fn in_shard(unit_index: usize, k: usize, n: usize) -> bool {
    unit_index % n == k
}

/// Parse `K/N` (0-based K < N).
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard `{s}`: expected K/N with 0 <= K < N, e.g. 0/4 (shards are numbered from 0)");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_units() {
        assert_eq!(parse_shard("1/3"), Ok((1, 3)));
        assert!(parse_shard("3/3").is_err() && parse_shard("x").is_err());
        let b = parse_batch("block=2\n[[scenario]]\npath='a'\n", "b").unwrap();
        let units = b.units(&[5, 2]);
        assert_eq!(units, vec![(0, 0), (0, 1), (0, 2), (1, 0)]);
        let mut seen = vec![0; units.len()];
        for k in 0..3 {
            for (u, s) in seen.iter_mut().enumerate() {
                if in_shard(u, k, 3) {
                    *s += 1;
                }
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
    }
}
