//! Base-year calibration: the CSV files in `data/` (compiled into the binary, or read from a
//! directory given with `--data`) turned into the lists a scenario may name and the
//! initial state of the model. Every number in those files carries its source.

pub mod gravity;

use crate::model::{Init, Layout, WorldSeries};
use crate::scenario::{DataPrior, PriorShape, Universe};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The calibration files, by name.
pub const FILES: [&str; 6] = ["economies.csv", "sectors.csv", "flows.csv", "tension.csv", "world_prices.csv", "absorption.csv"];

/// The contents of a text file of at most `limit` bytes (a device such as /dev/zero, or a
/// file larger than that, is refused with a message instead of being read without end).
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("it is a directory, not a file".into());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("it is larger than {} MB (the most tradesim reads from one such file); is it the right file?", limit >> 20));
    }
    String::from_utf8(bytes).map_err(|e| format!("it is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
}

const EMBEDDED: [&str; 6] = [
    include_str!("../../data/economies.csv"),
    include_str!("../../data/sectors.csv"),
    include_str!("../../data/flows.csv"),
    include_str!("../../data/tension.csv"),
    include_str!("../../data/world_prices.csv"),
    include_str!("../../data/absorption.csv"),
];

/// The calibration's priors (optional in a `--data` directory: without it, no priors).
pub const PRIORS_FILE: &str = "priors.csv";
const EMBEDDED_PRIORS: &str = include_str!("../../data/priors.csv");
/// Exporter-reported over importer-reported values per route (optional: without it, 1).
pub const MIRROR_FILE: &str = "mirror.csv";
const EMBEDDED_MIRROR: &str = include_str!("../../data/mirror.csv");

/// `[params]` keys a calibration prior may name, and whether they are per sector.
const PRIOR_PARAMS: [(&str, bool); 11] = [
    ("sigma", true),
    ("esubd", true),
    ("lambda", true),
    ("eta", true),
    ("phi", false),
    ("currency_speed", false),
    ("fixed_cost", false),
    ("sunk_cost", false),
    ("risk_memory", false),
    ("pareto_shape", false),
    ("firm_sigma", false),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    pub code: String,
    pub name: String,
    pub sigma: f64,
    pub esubd: f64,
    pub lambda: f64,
    pub eta: f64,
    /// The world price series the sector's price follows (index into `Calibration::world`).
    pub world_price: Option<usize>,
    /// Whether banned trade of the sector can be rerouted through a hub.
    pub reroutable: bool,
}

/// One base year's numbers, indexed like the economy and sector lists.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseData {
    pub gdp: Vec<f64>,
    pub growth: Vec<f64>,
    pub volatility: Vec<f64>,
    /// [s][i][j], USD per year.
    pub flows: Vec<f64>,
    /// Per unordered pair.
    pub tension: Vec<f64>,
    /// Domestic sales [s][j], USD per year (NaN where absorption.csv has no row).
    pub domestic: Vec<f64>,
    /// Value added per unit of gross output [i][s].
    pub va_ratio: Vec<f64>,
    /// Exporter-reported over importer-reported value [s][i][j] (1 where mirror.csv is silent).
    pub mirror: Vec<f64>,
    /// Each economy's name in this base year (economies.csv `name`).
    pub names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub economies: Vec<String>,
    pub economy_names: Vec<String>,
    pub sectors: Vec<Sector>,
    pub bases: BTreeMap<i32, BaseData>,
    /// Base years some economy has no GDP row for (unusable), with the missing codes.
    pub incomplete: BTreeMap<i32, Vec<String>>,
    pub world: Vec<WorldSeries>,
    pub priors: Vec<DataPrior>,
    /// The default transit hub and numeraire (economies.csv `role`).
    pub hub: usize,
    pub numeraire: usize,
    /// SHA-256 (hexadecimal) of the files' names and contents (the six, then priors.csv and
    /// mirror.csv where present): what a batch's states were computed from (`merge` refuses
    /// states of another calibration).
    pub sha256: String,
}

#[derive(Deserialize)]
struct PriorRow {
    param: String,
    sector: String,
    distribution: String,
    spread: f64,
    source: String,
}

#[derive(Deserialize)]
struct MirrorRow {
    base: i32,
    exporter: String,
    importer: String,
    sector: String,
    exporter_reported_ratio: f64,
}

/// Rows of an optional calibration file (priors.csv, mirror.csv), by serde.
fn rows<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<Vec<(usize, T)>, String> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.deserialize::<T>().enumerate() {
        let line = i + 2;
        out.push((line, rec.map_err(|e| format!("{file}:{line}: {e}"))?));
    }
    Ok(out)
}

/// `hash` extended by a file's name and contents.
fn chain_hash(hash: &str, name: &str, text: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(hash.as_bytes());
    h.update((name.len() as u64).to_le_bytes());
    h.update(name.as_bytes());
    h.update((text.len() as u64).to_le_bytes());
    h.update(text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Economies that stand for groups of countries: a flow from one to itself is trade among its
/// members (the rest of the world; the sanctioning allies and the transit hubs of
/// data/coalition_hubs). Any other economy's flow to itself is refused.
pub const AGGREGATES: [&str; 3] = ["ROW", "COALITION", "HUBS"];

/// Largest calibration file read (`--data`): the shipped files are under 1 MB.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// A calibration CSV file: its header and rows, for fields read by column name with messages
/// that give the file, line, column, value and what is allowed.
struct Table {
    file: &'static str,
    columns: Vec<String>,
    rows: Vec<(usize, csv::StringRecord)>,
    problems: Vec<String>,
}

/// What a number in a calibration file may be.
#[derive(Clone, Copy)]
enum Allowed {
    /// Finite and above 0.
    Positive,
    /// Finite and at least 0.
    NonNegative,
    /// Finite, in [lo, hi].
    Range(f64, f64),
    /// Finite, above lo, at most hi.
    AboveUpTo(f64, f64),
}

impl Allowed {
    fn admits(self, x: f64) -> bool {
        x.is_finite()
            && match self {
                Allowed::Positive => x > 0.0,
                Allowed::NonNegative => x >= 0.0,
                Allowed::Range(lo, hi) => (lo..=hi).contains(&x),
                Allowed::AboveUpTo(lo, hi) => x > lo && x <= hi,
            }
    }
    fn describe(self) -> String {
        match self {
            Allowed::Positive => "a finite number above 0".into(),
            Allowed::NonNegative => "a finite number, at least 0".into(),
            Allowed::Range(lo, hi) => format!("a finite number from {lo} to {hi}"),
            Allowed::AboveUpTo(lo, hi) => format!("a finite number above {lo}, at most {hi}"),
        }
    }
}

impl Table {
    /// Parse `text`; problems (missing columns, malformed rows, no rows) are kept in
    /// `problems` and leave the table without rows.
    fn read(file: &'static str, text: &str, required: &[&str]) -> Self {
        let mut t = Table { file, columns: Vec::new(), rows: Vec::new(), problems: Vec::new() };
        if text.trim().is_empty() {
            t.problems.push(format!("{file}: the file is empty; it needs the header {} and at least one row", required.join(",")));
            return t;
        }
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        match rdr.headers() {
            Ok(h) => t.columns = h.iter().map(|c| c.trim_start_matches('\u{feff}').to_owned()).collect(),
            Err(e) => {
                t.problems.push(format!("{file}:1: cannot read the header: {e}"));
                return t;
            }
        }
        let missing: Vec<&str> = required.iter().copied().filter(|c| !t.columns.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            t.problems.push(format!("{file}:1: missing column{} {}; the header needs {} (extra columns such as `source` are allowed)", if missing.len() > 1 { "s" } else { "" }, missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "), required.join(",")));
            return t;
        }
        for rec in rdr.records() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line() as usize);
                    t.rows.push((line, r));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    t.problems.push(format!("{file}:{line}: malformed CSV row: {e}"));
                    t.rows.clear();
                    return t;
                }
            }
        }
        if t.rows.is_empty() {
            t.problems.push(format!("{file}: no rows after the header; the calibration needs at least one"));
        }
        t
    }

    fn col(&self, name: &str) -> usize {
        self.columns.iter().position(|c| c == name).unwrap_or(usize::MAX)
    }

    fn text(&mut self, k: usize, name: &str) -> Option<String> {
        let line = self.rows[k].0;
        match self.rows[k].1.get(self.col(name)).map(str::trim) {
            Some(v) if !v.is_empty() => Some(v.to_owned()),
            _ => {
                self.problems.push(format!("{}:{line}: column `{name}` is empty; allowed: a code or name", self.file));
                None
            }
        }
    }

    /// A column that may be empty (trimmed).
    fn optional(&self, k: usize, name: &str) -> String {
        self.rows[k].1.get(self.col(name)).unwrap_or("").trim().to_owned()
    }

    fn boolean(&mut self, k: usize, name: &str) -> Option<bool> {
        let line = self.rows[k].0;
        match self.optional(k, name).as_str() {
            "true" => Some(true),
            "false" => Some(false),
            raw => {
                self.problems.push(format!("{}:{line}: column `{name}`: `{raw}` is not allowed; allowed: true or false", self.file));
                None
            }
        }
    }

    fn number(&mut self, k: usize, name: &str, allowed: Allowed) -> Option<f64> {
        let line = self.rows[k].0;
        let raw = self.rows[k].1.get(self.col(name)).unwrap_or("").trim().to_owned();
        match raw.parse::<f64>() {
            Ok(x) if allowed.admits(x) => Some(x),
            Ok(_) => {
                self.problems.push(format!("{}:{line}: column `{name}`: `{raw}` is not allowed; allowed: {}", self.file, allowed.describe()));
                None
            }
            Err(_) => {
                self.problems.push(format!("{}:{line}: column `{name}`: `{raw}` is not a number; allowed: {}", self.file, allowed.describe()));
                None
            }
        }
    }

    fn year(&mut self, k: usize, name: &str) -> Option<i32> {
        let line = self.rows[k].0;
        let raw = self.rows[k].1.get(self.col(name)).unwrap_or("").trim().to_owned();
        match raw.parse::<i32>() {
            Ok(y) if (1000..=9999).contains(&y) => Some(y),
            _ => {
                self.problems.push(format!("{}:{line}: column `{name}`: `{raw}` is not a year; allowed: a whole number such as 2021", self.file));
                None
            }
        }
    }

    /// The line of row k, and a record of `key` for duplicate detection: a problem naming
    /// both lines if the key was seen before.
    fn unique<K: Ord + Clone>(&mut self, k: usize, key: K, what: &str, seen: &mut BTreeMap<K, usize>) -> bool {
        let line = self.rows[k].0;
        match seen.insert(key, line) {
            Some(first) => {
                self.problems.push(format!("{}:{line}: {what} is given twice (also on line {first}); allowed: one row each", self.file));
                false
            }
            None => true,
        }
    }

}

/// At most this many problems are listed; the rest are counted.
const MAX_PROBLEMS: usize = 30;

fn report(mut problems: Vec<String>) -> Result<(), String> {
    if problems.is_empty() {
        return Ok(());
    }
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    if more > 0 {
        problems.push(format!("... and {more} more problems"));
    }
    Err(problems.join("\n"))
}

impl Calibration {
    /// The calibration shipped in `data/`, compiled into the binary.
    pub fn embedded() -> Result<Self, String> {
        Self::from_texts(EMBEDDED)?.with_priors(EMBEDDED_PRIORS)?.with_mirror(EMBEDDED_MIRROR)
    }

    /// Read the calibration files from a directory.
    pub fn from_dir(dir: &Path) -> Result<Self, String> {
        let mut texts = Vec::new();
        for f in FILES {
            let p = dir.join(f);
            texts.push(read_text(&p, MAX_FILE_BYTES).map_err(|e| format!("cannot read calibration file {}: {e}", p.display()))?);
        }
        let cal = Self::from_texts([&texts[0], &texts[1], &texts[2], &texts[3], &texts[4], &texts[5]].map(|s| s.as_str()))?;
        let optional = |file: &str| -> Result<Option<String>, String> {
            let p = dir.join(file);
            if !p.exists() {
                return Ok(None);
            }
            read_text(&p, MAX_FILE_BYTES).map(Some).map_err(|e| format!("cannot read calibration file {}: {e}", p.display()))
        };
        let cal = match optional(PRIORS_FILE)? {
            Some(text) => cal.with_priors(&text)?,
            None => cal,
        };
        match optional(MIRROR_FILE)? {
            Some(text) => cal.with_mirror(&text),
            None => Ok(cal),
        }
    }

    /// Add the exporter-reported ratios of `mirror.csv` (its text).
    pub fn with_mirror(mut self, text: &str) -> Result<Self, String> {
        let file = MIRROR_FILE;
        let n = self.economies.len();
        for (line, r) in rows::<MirrorRow>(file, text)? {
            let Some(b) = self.bases.get_mut(&r.base) else { continue };
            let econ = |code: &str| self.economies.iter().position(|e| e == code).ok_or_else(|| format!("{file}:{line}: unknown economy `{code}`"));
            let (i, j) = (econ(&r.exporter)?, econ(&r.importer)?);
            let s = self.sectors.iter().position(|x| x.code == r.sector).ok_or_else(|| format!("{file}:{line}: unknown sector `{}`", r.sector))?;
            if !(r.exporter_reported_ratio > 0.0 && r.exporter_reported_ratio.is_finite()) {
                return Err(format!("{file}:{line}: exporter_reported_ratio must be a positive number, got {}", r.exporter_reported_ratio));
            }
            b.mirror[(s * n + i) * n + j] = r.exporter_reported_ratio;
        }
        self.sha256 = chain_hash(&self.sha256, file, text);
        Ok(self)
    }

    /// Add the priors of `priors.csv` (its text).
    pub fn with_priors(mut self, text: &str) -> Result<Self, String> {
        let file = PRIORS_FILE;
        for (line, r) in rows::<PriorRow>(file, text)? {
            let Some(&(_, per_sector)) = PRIOR_PARAMS.iter().find(|(p, _)| *p == r.param) else {
                let names: Vec<&str> = PRIOR_PARAMS.iter().map(|(p, _)| *p).collect();
                return Err(format!("{file}:{line}: unknown parameter `{}`; allowed: {}", r.param, names.join(", ")));
            };
            let sector = match (per_sector, r.sector.as_str()) {
                (false, "") => None,
                (false, _) => return Err(format!("{file}:{line}: `{}` is not per sector; leave the sector empty", r.param)),
                (true, code) => Some(self.sectors.iter().position(|s| s.code == code).ok_or_else(|| {
                    format!("{file}:{line}: `{}` needs a sector of sectors.csv (got `{code}`)", r.param)
                })?),
            };
            let shape = match r.distribution.as_str() {
                "uniform" => PriorShape::Uniform,
                "normal" => PriorShape::Normal,
                "lognormal" => PriorShape::LogNormal,
                other => return Err(format!("{file}:{line}: unknown distribution `{other}`; allowed: uniform, normal, lognormal")),
            };
            if !(r.spread > 0.0 && r.spread < 1.0) {
                return Err(format!("{file}:{line}: spread must be above 0 and below 1 (a share of the value), got {}", r.spread));
            }
            if self.priors.iter().any(|p| p.param == r.param && p.sector == sector) {
                return Err(format!("{file}:{line}: a second prior for `{}` {}", r.param, r.sector));
            }
            self.priors.push(DataPrior { param: r.param, sector, shape, spread: r.spread, source: r.source });
        }
        self.sha256 = chain_hash(&self.sha256, file, text);
        Ok(self)
    }

    /// Parse and check the files' contents (in `FILES` order). Every problem is reported with
    /// the file, line, column, value and what is allowed (at most `MAX_PROBLEMS` at once).
    pub fn from_texts(texts: [&str; 6]) -> Result<Self, String> {
        let mut econ = Table::read(FILES[0], texts[0], &["base", "code", "name", "gdp_usd", "growth", "gdp_volatility", "role"]);
        let mut sect = Table::read(FILES[1], texts[1], &["code", "name", "sigma", "esubd", "lambda", "eta", "world_price", "reroutable"]);
        let mut flow = Table::read(FILES[2], texts[2], &["base", "exporter", "importer", "sector", "value_usd"]);
        let mut tens = Table::read(FILES[3], texts[3], &["base", "a", "b", "tension"]);
        let mut price = Table::read(FILES[4], texts[4], &["year", "series", "value", "unit"]);
        let mut absn = Table::read(FILES[5], texts[5], &["base", "economy", "sector", "domestic_sales_usd", "va_ratio"]);

        // world price series: (series, year) once, years increasing within a series
        let mut world: Vec<WorldSeries> = Vec::new();
        for k in 0..price.rows.len() {
            let line = price.rows[k].0;
            let (year, series, value) = (price.year(k, "year"), price.text(k, "series"), price.number(k, "value", Allowed::Positive));
            let unit = price.optional(k, "unit");
            let (Some(year), Some(series), Some(value)) = (year, series, value) else { continue };
            match world.iter_mut().find(|w| w.name == series) {
                Some(w) => {
                    let last = w.annual.last().map_or(i32::MIN, |(y, _)| *y);
                    if last >= year {
                        let what = if w.annual.iter().any(|(y, _)| *y == year) { format!("year {year} is given twice") } else { format!("year {year} comes after {last}") };
                        price.problems.push(format!("{}:{line}: series `{series}`: {what}; allowed: years increasing within a series, once each", FILES[4]));
                        continue;
                    }
                    w.annual.push((year, value))
                }
                None => world.push(WorldSeries { name: series, unit, annual: vec![(year, value)] }),
            }
        }
        // economies: (base, code) once; codes in order of first appearance
        let mut economies: Vec<String> = Vec::new();
        let mut economy_names = Vec::new();
        let mut econ_rows = Vec::new();
        let mut seen = BTreeMap::new();
        for k in 0..econ.rows.len() {
            let line = econ.rows[k].0;
            let (base, code, name) = (econ.year(k, "base"), econ.text(k, "code"), econ.text(k, "name"));
            let gdp = econ.number(k, "gdp_usd", Allowed::Positive);
            let growth = econ.number(k, "growth", Allowed::Range(-0.5, 1.0));
            let vol = econ.number(k, "gdp_volatility", Allowed::Range(0.0, 1.0));
            let role = econ.optional(k, "role");
            if !matches!(role.as_str(), "" | "hub" | "numeraire") {
                econ.problems.push(format!("{}:{line}: column `role`: `{role}` is not allowed; allowed: hub, numeraire or empty", FILES[0]));
            }
            let (Some(base), Some(code), Some(name)) = (base, code, name) else { continue };
            if !econ.unique(k, (base, code.clone()), &format!("economy `{code}` in base {base}"), &mut seen) {
                continue;
            }
            if !economies.contains(&code) {
                economies.push(code.clone());
                economy_names.push(name.clone());
            }
            // a row with a bad number still names its economy (no follow-on "unknown economy")
            let (Some(gdp), Some(growth), Some(vol)) = (gdp, growth, vol) else { continue };
            econ_rows.push((line, base, code, gdp, growth, vol, role, name));
        }
        let mut sectors: Vec<Sector> = Vec::new();
        let mut seen = BTreeMap::new();
        for k in 0..sect.rows.len() {
            let (code, name) = (sect.text(k, "code"), sect.text(k, "name"));
            let sigma = sect.number(k, "sigma", Allowed::AboveUpTo(1.0, 100.0));
            let esubd = sect.number(k, "esubd", Allowed::AboveUpTo(0.0, 100.0));
            let lambda = sect.number(k, "lambda", Allowed::AboveUpTo(0.0, 1000.0));
            let eta = sect.number(k, "eta", Allowed::Range(0.0, 1.0));
            let reroutable = sect.boolean(k, "reroutable");
            let series = sect.optional(k, "world_price");
            let world_price = if series.is_empty() {
                None
            } else {
                let p = world.iter().position(|w| w.name == series);
                if p.is_none() {
                    let names: Vec<&str> = world.iter().map(|w| w.name.as_str()).collect();
                    sect.problems.push(format!("{}:{}: column `world_price`: `{series}` is not a series of {}; allowed: {} or empty", FILES[1], sect.rows[k].0, FILES[4], names.join(", ")));
                }
                p
            };
            let (Some(code), Some(name)) = (code, name) else { continue };
            if sect.unique(k, code.clone(), &format!("sector `{code}`"), &mut seen) {
                // a row with a bad number still names its sector (reported above, never used)
                let bad = f64::NAN;
                let (sigma, esubd, lambda, eta) = (sigma.unwrap_or(bad), esubd.unwrap_or(bad), lambda.unwrap_or(bad), eta.unwrap_or(bad));
                sectors.push(Sector { code, name, sigma, esubd, lambda, eta, world_price, reroutable: reroutable.unwrap_or(false) });
            }
        }
        let mut problems = Vec::new();
        for t in [&mut econ, &mut sect] {
            problems.append(&mut t.problems);
        }
        let (n, m) = (economies.len(), sectors.len());
        if n < 2 || m == 0 || m > 64 {
            for t in [&mut flow, &mut tens, &mut absn, &mut price] {
                problems.append(&mut t.problems);
            }
            problems.push(format!("calibration needs at least 2 economies and 1 to 64 sectors (found {n} and {m})"));
            return report(problems).map(|()| unreachable!());
        }
        let layout = Layout::new(n, m, 0);
        let econ_of = |t: &mut Table, k: usize, col: &str| -> Option<usize> {
            let code = t.text(k, col)?;
            let i = economies.iter().position(|e| *e == code);
            if i.is_none() {
                t.problems.push(format!("{}:{}: column `{col}`: unknown economy `{code}`; allowed: {} (economies.csv)", t.file, t.rows[k].0, economies.join(", ")));
            }
            i
        };
        let sector_of = |t: &mut Table, k: usize| -> Option<usize> {
            let code = t.text(k, "sector")?;
            let s = sectors.iter().position(|x| x.code == code);
            if s.is_none() {
                t.problems.push(format!(
                    "{}:{}: column `sector`: unknown sector `{code}`; allowed: {} (sectors.csv)",
                    t.file,
                    t.rows[k].0,
                    sectors.iter().map(|s| s.code.as_str()).collect::<Vec<_>>().join(", ")
                ));
            }
            s
        };
        let mut bases: BTreeMap<i32, BaseData> = BTreeMap::new();
        for (_, base, code, gdp, growth, vol, _, name) in &econ_rows {
            let b = bases.entry(*base).or_insert_with(|| BaseData {
                gdp: vec![f64::NAN; n],
                growth: vec![0.0; n],
                volatility: vec![0.0; n],
                flows: vec![0.0; layout.routes()],
                tension: vec![0.0; layout.pairs()],
                domestic: vec![f64::NAN; m * n],
                va_ratio: vec![f64::NAN; n * m],
                mirror: vec![1.0; layout.routes()],
                names: vec![String::new(); n],
            });
            let i = economies.iter().position(|e| e == code).unwrap_or(0);
            b.gdp[i] = *gdp;
            b.growth[i] = *growth;
            b.volatility[i] = *vol;
            b.names[i] = name.clone();
        }
        // A base year that lacks an economy (one added for another base) cannot be used.
        let mut incomplete = BTreeMap::new();
        for (year, b) in &bases {
            let missing: Vec<String> = b.gdp.iter().zip(&economies).filter(|(g, _)| g.is_nan()).map(|(_, e)| e.clone()).collect();
            if !missing.is_empty() {
                incomplete.insert(*year, missing);
            }
        }
        let mut seen = BTreeMap::new();
        for k in 0..flow.rows.len() {
            let line = flow.rows[k].0;
            let base = flow.year(k, "base");
            let (i, j, s) = (econ_of(&mut flow, k, "exporter"), econ_of(&mut flow, k, "importer"), sector_of(&mut flow, k));
            let value = flow.number(k, "value_usd", Allowed::Positive);
            let (Some(base), Some(i), Some(j), Some(s), Some(value)) = (base, i, j, s, value) else { continue };
            let Some(b) = bases.get_mut(&base) else {
                flow.problems.push(format!("{}:{line}: column `base`: base {base} has no GDP rows in economies.csv; allowed: {}", FILES[2], bases.keys().map(|y| y.to_string()).collect::<Vec<_>>().join(", ")));
                continue;
            };
            if i == j && !AGGREGATES.contains(&economies[i].as_str()) {
                flow.problems.push(format!(
                    "{}:{line}: exporter and importer are both `{}`: a flow from an economy to itself is not trade (its producers' home sales go in absorption.csv); allowed: two different economies, or an aggregate to itself ({}: trade among its members)",
                    FILES[2], economies[i], AGGREGATES.join(", ")
                ));
                continue;
            }
            if flow.unique(k, (base, i, j, s), &format!("the flow {}→{} in {} for base {base}", economies[i], economies[j], sectors[s].code), &mut seen) {
                b.flows[layout.route(s, i, j)] = value;
            }
        }
        let mut seen = BTreeMap::new();
        for k in 0..tens.rows.len() {
            let line = tens.rows[k].0;
            let base = tens.year(k, "base");
            let (a, c) = (econ_of(&mut tens, k, "a"), econ_of(&mut tens, k, "b"));
            let t = tens.number(k, "tension", Allowed::Range(0.0, 1.0));
            let (Some(base), Some(a), Some(c), Some(t)) = (base, a, c, t) else { continue };
            if a == c {
                tens.problems.push(format!("{}:{line}: columns `a` and `b` are both `{}`; allowed: a pair of two different economies", FILES[3], economies[a]));
                continue;
            }
            let Some(b) = bases.get_mut(&base) else {
                tens.problems.push(format!("{}:{line}: column `base`: base {base} has no GDP rows in economies.csv", FILES[3]));
                continue;
            };
            if tens.unique(k, (base, a.min(c), a.max(c)), &format!("the pair {}-{} for base {base}", economies[a], economies[c]), &mut seen) {
                b.tension[layout.pair(a, c)] = t;
            }
        }
        let mut seen = BTreeMap::new();
        for k in 0..absn.rows.len() {
            let base = absn.year(k, "base");
            let (j, s) = (econ_of(&mut absn, k, "economy"), sector_of(&mut absn, k));
            let dom = absn.number(k, "domestic_sales_usd", Allowed::NonNegative);
            let va = absn.number(k, "va_ratio", Allowed::AboveUpTo(0.0, 1.0));
            let (Some(base), Some(j), Some(s), Some(dom), Some(va)) = (base, j, s, dom, va) else { continue };
            let Some(b) = bases.get_mut(&base) else { continue };
            if absn.unique(k, (base, j, s), &format!("economy `{}`, sector `{}` for base {base}", economies[j], sectors[s].code), &mut seen) {
                b.domestic[s * n + j] = dom;
                b.va_ratio[j * m + s] = va;
            }
        }
        for t in [&mut flow, &mut tens, &mut absn, &mut price] {
            problems.append(&mut t.problems);
        }
        report(problems)?;
        for year in incomplete.keys() {
            bases.remove(year);
        }
        let mut problems = Vec::new();
        for (year, b) in &bases {
            if let Some(x) = b.domestic.iter().position(|d| d.is_nan()) {
                let (s, j) = (x / n, x % n);
                problems.push(format!("{}: no row for base {year}, economy `{}`, sector `{}` (every economy and sector of a base year needs its domestic sales)", FILES[5], economies[j], sectors[s].code));
                continue;
            }
            for (i, code) in economies.iter().enumerate() {
                // value added of goods (at home and abroad) must leave room for the rest of GDP
                let goods_va: f64 = (0..m)
                    .map(|s| b.va_ratio[i * m + s] * (b.domestic[s * n + i] + (0..n).map(|j| b.flows[layout.route(s, i, j)]).sum::<f64>()))
                    .sum();
                if goods_va >= b.gdp[i] {
                    problems.push(format!(
                        "{}: base {year}, `{code}`: value added of goods sales ({goods_va:.4e} USD) is not below GDP ({:.4e} USD in {}); lower domestic_sales_usd or va_ratio",
                        FILES[5], b.gdp[i], FILES[0]
                    ));
                }
                // imports above GDP would stop every run at its first step (`Model::check`)
                let imports: f64 = (0..m).flat_map(|s| (0..n).map(move |e| (s, e))).map(|(s, e)| b.flows[layout.route(s, e, i)]).sum();
                if imports >= b.gdp[i] {
                    problems.push(format!(
                        "{}: base {year}, `{code}`: imports ({imports:.4e} USD) are not below GDP ({:.4e} USD in {}); the model needs an economy's imports below its GDP",
                        FILES[2], b.gdp[i], FILES[0]
                    ));
                }
            }
        }
        report(problems)?;
        let sha256 = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for (name, text) in FILES.iter().zip(texts) {
                h.update((name.len() as u64).to_le_bytes());
                h.update(name.as_bytes());
                h.update((text.len() as u64).to_le_bytes());
                h.update(text.as_bytes());
            }
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        };
        // the default hub and numeraire: the economies whose `role` says so (the same in every
        // base year)
        let role = |name: &str| -> Result<Option<usize>, String> {
            let mut found: Option<usize> = None;
            for (line, _, code, _, _, _, _, _) in econ_rows.iter().filter(|r| r.6 == name) {
                let i = economies.iter().position(|e| e == code).unwrap_or(0);
                if found.is_some_and(|f| f != i) {
                    return Err(format!("{}:{line}: a second economy with role `{name}` ({code}); give one role `{name}` in every base year", FILES[0]));
                }
                found = Some(i);
            }
            Ok(found)
        };
        let hub = role("hub")?.unwrap_or(n - 1);
        let numeraire = role("numeraire")?.unwrap_or(0);
        Ok(Calibration { economies, economy_names, sectors, bases, incomplete, world, priors: Vec::new(), hub, numeraire, sha256 })
    }

    /// What scenarios may name, and the per-sector defaults they may override.
    pub fn universe(&self) -> Universe {
        Universe {
            economies: self.economies.clone(),
            sectors: self.sectors.iter().map(|s| s.code.clone()).collect(),
            bases: self.bases.keys().copied().collect(),
            sigma: self.sectors.iter().map(|s| s.sigma).collect(),
            esubd: self.sectors.iter().map(|s| s.esubd).collect(),
            lambda: self.sectors.iter().map(|s| s.lambda).collect(),
            eta: self.sectors.iter().map(|s| s.eta).collect(),
            priors: self.priors.clone(),
            world_series: self.world.iter().map(|w| w.name.clone()).collect(),
            sector_series: self.sectors.iter().map(|s| s.world_price).collect(),
            hub: self.hub,
            numeraire: self.numeraire,
        }
    }

    /// The model's initial state for a base year (which the scenario has validated).
    pub fn init(&self, base: i32) -> Init {
        let b = &self.bases[&base];
        Init {
            economies: self.economies.clone(),
            sectors: self.sectors.iter().map(|s| s.code.clone()).collect(),
            base,
            gdp: b.gdp.clone(),
            growth: b.growth.clone(),
            gdp_volatility: b.volatility.clone(),
            flows: b.flows.clone(),
            tension: b.tension.clone(),
            domestic: b.domestic.clone(),
            va_ratio: b.va_ratio.clone(),
            mirror: b.mirror.clone(),
            world: self.world.clone(),
            sector_series: self.sectors.iter().map(|s| s.world_price).collect(),
            reroutable: self.sectors.iter().map(|s| s.reroutable).collect(),
        }
    }
}
