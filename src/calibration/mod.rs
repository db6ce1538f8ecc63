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
}

#[derive(Deserialize)]
struct EconomyRow {
    base: i32,
    code: String,
    name: String,
    gdp_usd: f64,
    growth: f64,
    gdp_volatility: f64,
    role: String,
}

#[derive(Deserialize)]
struct SectorRow {
    code: String,
    name: String,
    sigma: f64,
    esubd: f64,
    lambda: f64,
    eta: f64,
    world_price: String,
    reroutable: bool,
}

#[derive(Deserialize)]
struct FlowRow {
    base: i32,
    exporter: String,
    importer: String,
    sector: String,
    value_usd: f64,
}

#[derive(Deserialize)]
struct TensionRow {
    base: i32,
    a: String,
    b: String,
    tension: f64,
}

#[derive(Deserialize)]
struct AbsorptionRow {
    base: i32,
    economy: String,
    sector: String,
    domestic_sales_usd: f64,
    va_ratio: f64,
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
struct PriceRow {
    year: i32,
    series: String,
    value: f64,
    unit: String,
}

#[derive(Deserialize)]
struct MirrorRow {
    base: i32,
    exporter: String,
    importer: String,
    sector: String,
    exporter_reported_ratio: f64,
}

fn rows<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<Vec<(usize, T)>, String> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.deserialize::<T>().enumerate() {
        let line = i + 2;
        out.push((line, rec.map_err(|e| format!("{file}:{line}: {e}"))?));
    }
    Ok(out)
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
            texts.push(std::fs::read_to_string(&p).map_err(|e| format!("cannot read calibration file {}: {e}", p.display()))?);
        }
        let cal = Self::from_texts([&texts[0], &texts[1], &texts[2], &texts[3], &texts[4], &texts[5]].map(|s| s.as_str()))?;
        let optional = |file: &str| -> Result<Option<String>, String> {
            let p = dir.join(file);
            match std::fs::read_to_string(&p) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("cannot read calibration file {}: {e}", p.display())),
            }
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
        Ok(self)
    }

    /// Parse and check the files' contents (in `FILES` order).
    pub fn from_texts(texts: [&str; 6]) -> Result<Self, String> {
        let econ_rows: Vec<(usize, EconomyRow)> = rows(FILES[0], texts[0])?;
        let sector_rows: Vec<(usize, SectorRow)> = rows(FILES[1], texts[1])?;
        let flow_rows: Vec<(usize, FlowRow)> = rows(FILES[2], texts[2])?;
        let tension_rows: Vec<(usize, TensionRow)> = rows(FILES[3], texts[3])?;
        let price_rows: Vec<(usize, PriceRow)> = rows(FILES[4], texts[4])?;
        let mut world: Vec<WorldSeries> = Vec::new();
        for (line, r) in &price_rows {
            if !(r.value > 0.0 && r.value.is_finite()) {
                return Err(format!("{}:{line}: value must be a positive number", FILES[4]));
            }
            match world.iter_mut().find(|w| w.name == r.series) {
                Some(w) => {
                    if w.annual.last().is_some_and(|(y, _)| *y >= r.year) {
                        return Err(format!("{}:{line}: series `{}`: years must increase", FILES[4], r.series));
                    }
                    w.annual.push((r.year, r.value))
                }
                None => world.push(WorldSeries { name: r.series.clone(), unit: r.unit.clone(), annual: vec![(r.year, r.value)] }),
            }
        }
        let absorption_rows: Vec<(usize, AbsorptionRow)> = rows(FILES[5], texts[5])?;

        let mut economies: Vec<String> = Vec::new();
        let mut economy_names = Vec::new();
        for (_, r) in &econ_rows {
            if !economies.contains(&r.code) {
                economies.push(r.code.clone());
                economy_names.push(r.name.clone());
            }
        }
        let sectors: Vec<Sector> = sector_rows
            .iter()
            .map(|(line, r)| {
                if !(r.sigma > 1.0 && r.esubd > 0.0 && r.lambda > 0.0 && (0.0..=1.0).contains(&r.eta)) {
                    return Err(format!("{}:{line}: sector `{}` needs sigma > 1, esubd > 0, lambda > 0 and eta in [0, 1]", FILES[1], r.code));
                }
                let world_price = if r.world_price.is_empty() {
                    None
                } else {
                    Some(world.iter().position(|w| w.name == r.world_price).ok_or_else(|| {
                        let names: Vec<&str> = world.iter().map(|w| w.name.as_str()).collect();
                        format!("{}:{line}: world_price `{}` is not a series of {} (it has: {})", FILES[1], r.world_price, FILES[4], names.join(", "))
                    })?)
                };
                Ok(Sector { code: r.code.clone(), name: r.name.clone(), sigma: r.sigma, esubd: r.esubd, lambda: r.lambda, eta: r.eta, world_price, reroutable: r.reroutable })
            })
            .collect::<Result<_, _>>()?;
        let (n, m) = (economies.len(), sectors.len());
        if n < 2 || m == 0 || m > 64 {
            return Err(format!("calibration needs at least 2 economies and 1 to 64 sectors (found {n} and {m})"));
        }
        let layout = Layout::new(n, m, 0);
        let econ = |file: &str, line: usize, code: &str| {
            economies.iter().position(|e| e == code).ok_or_else(|| format!("{file}:{line}: unknown economy `{code}` (economies.csv has {})", economies.join(", ")))
        };
        let mut bases: BTreeMap<i32, BaseData> = BTreeMap::new();
        for (line, r) in &econ_rows {
            let b = bases.entry(r.base).or_insert_with(|| BaseData {
                gdp: vec![f64::NAN; n],
                growth: vec![0.0; n],
                volatility: vec![0.0; n],
                flows: vec![0.0; layout.routes()],
                tension: vec![0.0; layout.pairs()],
                domestic: vec![f64::NAN; m * n],
                va_ratio: vec![f64::NAN; n * m],
                mirror: vec![1.0; layout.routes()],
            });
            let i = econ(FILES[0], *line, &r.code)?;
            if !(r.gdp_usd > 0.0 && r.gdp_volatility >= 0.0 && r.growth.is_finite()) {
                return Err(format!("{}:{line}: `{}` needs gdp_usd > 0 and gdp_volatility >= 0", FILES[0], r.code));
            }
            b.gdp[i] = r.gdp_usd;
            b.growth[i] = r.growth;
            b.volatility[i] = r.gdp_volatility;
        }
        // A base year that lacks an economy (one added for another base) cannot be used.
        let mut incomplete = BTreeMap::new();
        for (year, b) in &bases {
            let missing: Vec<String> = b.gdp.iter().zip(&economies).filter(|(g, _)| g.is_nan()).map(|(_, e)| e.clone()).collect();
            if !missing.is_empty() {
                incomplete.insert(*year, missing);
            }
        }
        for (line, r) in &flow_rows {
            let b = bases.get_mut(&r.base).ok_or_else(|| format!("{}:{line}: base {} has no GDP rows in economies.csv", FILES[2], r.base))?;
            let i = econ(FILES[2], *line, &r.exporter)?;
            let j = econ(FILES[2], *line, &r.importer)?;
            let s = sectors.iter().position(|x| x.code == r.sector).ok_or_else(|| format!("{}:{line}: unknown sector `{}`", FILES[2], r.sector))?;
            if !(r.value_usd >= 0.0 && r.value_usd.is_finite()) {
                return Err(format!("{}:{line}: value_usd must be a non-negative number", FILES[2]));
            }
            b.flows[layout.route(s, i, j)] += r.value_usd;
        }
        for (line, r) in &tension_rows {
            let b = bases.get_mut(&r.base).ok_or_else(|| format!("{}:{line}: base {} has no GDP rows", FILES[3], r.base))?;
            let (a, c) = (econ(FILES[3], *line, &r.a)?, econ(FILES[3], *line, &r.b)?);
            if a == c || !(0.0..=1.0).contains(&r.tension) {
                return Err(format!("{}:{line}: a pair of two different economies with tension in [0, 1]", FILES[3]));
            }
            b.tension[layout.pair(a, c)] = r.tension;
        }
        for (line, r) in &absorption_rows {
            let Some(b) = bases.get_mut(&r.base) else { continue };
            let j = econ(FILES[5], *line, &r.economy)?;
            let s = sectors.iter().position(|x| x.code == r.sector).ok_or_else(|| format!("{}:{line}: unknown sector `{}`", FILES[5], r.sector))?;
            if !(r.domestic_sales_usd >= 0.0 && r.domestic_sales_usd.is_finite() && r.va_ratio > 0.0 && r.va_ratio <= 1.0) {
                return Err(format!("{}:{line}: domestic_sales_usd must be a non-negative number and va_ratio in (0, 1]", FILES[5]));
            }
            b.domestic[s * n + j] = r.domestic_sales_usd;
            b.va_ratio[j * m + s] = r.va_ratio;
        }
        for year in incomplete.keys() {
            bases.remove(year);
        }
        for (year, b) in &bases {
            if let Some(x) = b.domestic.iter().position(|d| d.is_nan()) {
                let (s, j) = (x / n, x % n);
                return Err(format!("{}: no row for base {year}, economy `{}`, sector `{}` (every economy and sector of a base year needs its domestic sales)", FILES[5], economies[j], sectors[s].code));
            }
            // value added of goods (at home and abroad) must leave room for the rest of GDP
            for (i, code) in economies.iter().enumerate() {
                let goods_va: f64 = (0..m)
                    .map(|s| b.va_ratio[i * m + s] * (b.domestic[s * n + i] + (0..n).map(|j| b.flows[layout.route(s, i, j)]).sum::<f64>()))
                    .sum();
                if goods_va >= b.gdp[i] {
                    return Err(format!(
                        "{}: base {year}, `{code}`: value added of goods sales ({goods_va:.4e} USD) is not below GDP ({:.4e} USD in {}); lower domestic_sales_usd or va_ratio",
                        FILES[5], b.gdp[i], FILES[0]
                    ));
                }
            }
        }
        // the default hub and numeraire: the economies whose `role` says so (the same in every
        // base year)
        let role = |name: &str| -> Result<Option<usize>, String> {
            let mut found: Option<usize> = None;
            for (line, r) in econ_rows.iter().filter(|(_, r)| r.role == name) {
                let i = econ(FILES[0], *line, &r.code)?;
                if found.is_some_and(|f| f != i) {
                    return Err(format!("{}:{line}: a second economy with role `{name}` ({}); give one role `{name}` in every base year", FILES[0], r.code));
                }
                found = Some(i);
            }
            Ok(found)
        };
        if let Some((line, r)) = econ_rows.iter().find(|(_, r)| !matches!(r.role.as_str(), "" | "hub" | "numeraire")) {
            return Err(format!("{}:{line}: unknown role `{}`; allowed: hub, numeraire or empty", FILES[0], r.role));
        }
        let hub = role("hub")?.unwrap_or(n - 1);
        let numeraire = role("numeraire")?.unwrap_or(0);
        Ok(Calibration { economies, economy_names, sectors, bases, incomplete, world, priors: Vec::new(), hub, numeraire })
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
