//! Raw scenario → validated `Scenario`. Every problem is reported with the file, the line and
//! column where the parser knows them, the dotted key, the bad value and what is allowed.
//! All problems are collected, not just the first.

use super::raw::*;
use super::*;
use std::fmt;

/// One thing wrong with a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line_col: Option<(usize, usize)>,
    /// Dotted key, e.g. `lever[2].coverage`.
    pub key: String,
    pub message: String,
}

/// Everything wrong with one scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match p.line_col {
                Some((l, c)) => write!(f, "{}:{}:{}: ", self.file, l, c)?,
                None => write!(f, "{}: ", self.file)?,
            }
            if p.key.is_empty() {
                write!(f, "{}", p.message)?;
            } else {
                write!(f, "`{}`: {}", p.key, p.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Path segment of a dotted key.
#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn dotted(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where a dotted path sits in the file, as far as it can be followed.
fn locate(doc: Option<&toml_edit::ImDocument<String>>, text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let doc = doc?;
    let mut table: &toml_edit::Table = doc.as_table();
    let mut best: Option<usize> = None;
    let mut i = 0;
    while i < path.len() {
        let Seg::Key(k) = &path[i] else { break };
        if let Some(span) = table.key(k).and_then(|key| key.span()) {
            best = Some(span.start);
        }
        let Some(item) = table.get(k) else { break };
        if let Some(span) = item.span() {
            best = best.or(Some(span.start));
        }
        match (item, path.get(i + 1)) {
            (toml_edit::Item::ArrayOfTables(arr), Some(Seg::Index(n))) => {
                let Some(t) = arr.get(*n) else { break };
                if let Some(span) = t.span() {
                    best = Some(span.start);
                }
                table = t;
                i += 2;
            }
            (toml_edit::Item::Table(t), _) => {
                table = t;
                i += 1;
            }
            (toml_edit::Item::Value(toml_edit::Value::InlineTable(_)), Some(Seg::Key(sub))) => {
                if let toml_edit::Item::Value(toml_edit::Value::InlineTable(it)) = item {
                    if let Some(span) = it.key(sub).and_then(|k| k.span()) {
                        best = Some(span.start);
                    }
                }
                break;
            }
            _ => break,
        }
    }
    best.map(|o| line_col(text, o))
}

/// The closest name in `valid` to `given`, if it is close enough to be a likely typo.
pub fn nearest<'a>(given: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    valid
        .into_iter()
        .map(|v| {
            let lower = (given.to_lowercase(), v.to_lowercase());
            let prefix = lower.0.starts_with(&lower.1) || lower.1.starts_with(&lower.0);
            (strsim::damerau_levenshtein(&lower.0, &lower.1), !prefix, v)
        })
        .filter(|(d, _, v)| *d <= 2.max(v.len() / 3))
        .min_by_key(|(d, not_prefix, _)| (*d, *not_prefix))
        .map(|(_, _, v)| v)
}

fn did_you_mean(given: &str, valid: &[&str]) -> String {
    match nearest(given, valid.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? allowed: {}", valid.join(", ")),
        None => format!("allowed: {}", valid.join(", ")),
    }
}

/// Collects problems while walking the raw scenario.
struct Checker<'a> {
    text: &'a str,
    doc: Option<toml_edit::ImDocument<String>>,
    uni: &'a Universe,
    problems: Vec<Problem>,
    /// Priors met so far (scenario tables and calibration priors of the defaults).
    priors: Vec<Prior>,
}

impl<'a> Checker<'a> {
    fn push(&mut self, path: &[Seg], message: String) {
        let line_col = locate(self.doc.as_ref(), self.text, path);
        self.problems.push(Problem { line_col, key: dotted(path), message });
    }

    fn economy(&mut self, path: &[Seg], code: &str) -> Option<usize> {
        let found = self.uni.economy(code);
        if found.is_none() {
            let valid: Vec<&str> = self.uni.economies.iter().map(String::as_str).collect();
            self.push(path, format!("unknown economy `{code}`; {}", did_you_mean(code, &valid)));
        }
        found
    }

    fn economies(&mut self, path: &[Seg], v: &toml::Value) -> Option<Vec<usize>> {
        let names: Vec<String> = match v {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(a) if a.iter().all(|x| x.is_str()) && !a.is_empty() => {
                a.iter().map(|x| x.as_str().unwrap_or_default().to_owned()).collect()
            }
            other => {
                self.push(path, format!("`{other}` is not an economy code or a non-empty list of them"));
                return None;
            }
        };
        let mut out = Vec::new();
        let mut ok = true;
        for n in &names {
            match self.economy(path, n) {
                Some(i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn sectors(&mut self, path: &[Seg], v: &Option<Vec<String>>) -> Vec<usize> {
        let Some(list) = v else { return (0..self.uni.sectors.len()).collect() };
        if list.is_empty() {
            self.push(path, "an empty list covers no sector; omit `sectors` to cover all".into());
        }
        let valid: Vec<String> = self.uni.sectors.clone();
        let mut out = Vec::new();
        for s in list {
            if s == "all" {
                return (0..self.uni.sectors.len()).collect();
            }
            match self.uni.sector(s) {
                Some(i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => {
                    let v: Vec<&str> = valid.iter().map(String::as_str).collect();
                    self.push(path, format!("unknown sector `{s}`; {}", did_you_mean(s, &v)));
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn date(&mut self, path: &[Seg], s: &str) -> Option<YearMonth> {
        match YearMonth::parse(s) {
            Ok(d) => Some(d),
            Err(e) => {
                self.push(path, e);
                None
            }
        }
    }

    /// A number within [lo, hi] (either bound may be infinite).
    fn range(&mut self, path: &[Seg], v: Option<f64>, default: f64, lo: f64, hi: f64) -> f64 {
        let Some(x) = v else { return default };
        if !x.is_finite() || x < lo || x > hi {
            let allowed = match (lo.is_finite(), hi.is_finite()) {
                (true, true) => format!("a number from {lo} to {hi}"),
                (true, false) => format!("a number of at least {lo}"),
                (false, true) => format!("a number of at most {hi}"),
                _ => "a finite number".into(),
            };
            self.push(path, format!("{x} is out of range; allowed: {allowed}"));
            return default;
        }
        x
    }

    /// A number or a prior within [lo, hi]. Returns what a run without priors takes (the
    /// number, the prior's centre, or the default) and records the prior of `target` (named
    /// by its dotted path): the scenario's table, or, where the scenario gives nothing, the
    /// calibration's prior `data` around the default. A table with only `mean` moves the
    /// calibration's prior to that centre.
    #[allow(clippy::too_many_arguments)]
    fn num(&mut self, path: &[Seg], v: &Option<RawNum>, default: f64, lo: f64, hi: f64, target: Option<(Target, String)>, data: Option<&DataPrior>) -> f64 {
        match v {
            Some(RawNum::Value(x)) => self.range(path, Some(*x), default, lo, hi),
            None => {
                if let (Some((t, name)), Some(d)) = (target, data) {
                    let dist = spread_around(d, default, lo, hi);
                    self.priors.push(Prior { path: name, target: t, dist, range: (lo, hi), source: d.source.clone() });
                }
                default
            }
            Some(RawNum::Prior(p)) => {
                let Some((t, name)) = target else {
                    self.push(path, "a prior is not allowed here; give a number".into());
                    return default;
                };
                match self.prior(path, p, lo, hi, data) {
                    Some(dist) => {
                        let source = match (data, p.sd.is_none() && p.low.is_none()) {
                            (Some(d), true) => format!("scenario centre, spread of {}", d.source),
                            _ => "scenario".into(),
                        };
                        self.priors.push(Prior { path: name, target: t, dist, range: (lo, hi), source });
                        dist.centre()
                    }
                    None => default,
                }
            }
        }
    }

    /// A prior table: `{ low, high }` (uniform), `{ mean, sd }` (log-normal for a quantity
    /// that cannot be negative, else normal) or `{ mean }` (the calibration prior's shape and
    /// relative spread around that centre).
    fn prior(&mut self, path: &[Seg], p: &RawPrior, lo: f64, hi: f64, data: Option<&DataPrior>) -> Option<Dist> {
        const FORMS: &str = "a prior is { low = a, high = b } (uniform) or { mean = m, sd = s } (log-normal if the value cannot be negative, else normal), or { mean = m } to move the calibration's prior";
        for k in &p.unknown {
            self.push(&key(path, k), format!("unknown key `{k}` in a prior; {FORMS}"));
        }
        if !p.unknown.is_empty() {
            return None;
        }
        let inside = |x: f64| x.is_finite() && x >= lo && x <= hi;
        let bounds = || match (lo.is_finite(), hi.is_finite()) {
            (true, true) => format!("from {lo} to {hi}"),
            (true, false) => format!("at least {lo}"),
            _ => format!("at most {hi}"),
        };
        match (p.low, p.high, p.mean, p.sd) {
            (Some(a), Some(b), None, None) => {
                if !inside(a) || !inside(b) || a >= b {
                    self.push(path, format!("low = {a}, high = {b}: both must be {} and low below high", bounds()));
                    return None;
                }
                Some(Dist::Uniform { low: a, high: b })
            }
            (None, None, Some(m), Some(sd)) => {
                if !inside(m) || !(sd > 0.0 && sd.is_finite()) {
                    self.push(path, format!("mean = {m}, sd = {sd}: the mean must be {} and the sd a positive number", bounds()));
                    return None;
                }
                if lo >= 0.0 {
                    if m <= 0.0 {
                        self.push(path, format!("mean = {m}: a log-normal prior needs a positive mean"));
                        return None;
                    }
                    Some(Dist::LogNormal { mean: m, sd })
                } else {
                    Some(Dist::Normal { mean: m, sd })
                }
            }
            (None, None, Some(m), None) => {
                let Some(d) = data else {
                    self.push(path, "`{ mean = m }` alone moves the calibration's prior, and this parameter has none; give sd, or low and high".into());
                    return None;
                };
                if !inside(m) || (d.shape == PriorShape::LogNormal && m <= 0.0) {
                    self.push(path, format!("mean = {m}: must be {}", bounds()));
                    return None;
                }
                Some(spread_around(d, m, lo, hi))
            }
            _ => {
                self.push(path, FORMS.into());
                None
            }
        }
    }

    /// The calibration prior of a `[params]` key (and sector), if any.
    fn data_prior(&self, param: &str, sector: Option<usize>) -> Option<DataPrior> {
        self.uni.priors.iter().find(|d| d.param == param && d.sector == sector).cloned()
    }

    /// A `[params]` number or prior, with the calibration's prior of that key.
    #[allow(clippy::too_many_arguments)]
    fn param(&mut self, pp: &[Seg], name: &str, v: &Option<RawNum>, default: f64, lo: f64, hi: f64, target: Target) -> f64 {
        let data = self.data_prior(name, None);
        self.num(&key(pp, name), v, default, lo, hi, Some((target, format!("params.{name}"))), data.as_ref())
    }
}

/// A calibration prior's distribution around `centre` (uniform bounds kept inside the
/// allowed values).
fn spread_around(d: &DataPrior, centre: f64, lo: f64, hi: f64) -> Dist {
    match d.shape {
        PriorShape::Uniform => Dist::Uniform { low: (centre * (1.0 - d.spread)).max(lo), high: (centre * (1.0 + d.spread)).min(hi) },
        PriorShape::Normal => Dist::Normal { mean: centre, sd: d.spread * centre.abs() },
        PriorShape::LogNormal => Dist::LogNormal { mean: centre, sd: d.spread * centre },
    }
}

fn key(path: &[Seg], k: &str) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(Seg::Key(k.to_owned()));
    p
}

/// Magnitude fields each lever kind takes.
pub fn kind_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "tariff" => &["rate"],
        "export_control" | "import_ban" | "embargo" => &["coverage", "leakage", "enforcement", "hub", "risk"],
        "financial_sanctions" => &["cost", "rerouting_cost", "risk"],
        "entity_sanctions" => &["listed", "cost_per_1000", "risk_per_1000"],
        "secondary_sanctions" => &["target", "cost", "leakage_cut", "risk"],
        "trade_agreement" => &["tariff_cut"],
        "investment" => &["capacity_gain", "friction_cut"],
        "capital_controls" | "reserve_freeze" => &["share"],
        "price_cap" => &["cap", "compliance"],
        "mfn_withdrawal" => &["rate"],
        _ => &[],
    }
}

/// Default shift of the tension baseline while a lever of this kind is in force.
pub fn default_tension(kind: &str) -> f64 {
    match kind {
        "tariff" => 0.03,
        "export_control" | "import_ban" => 0.05,
        "embargo" => 0.10,
        "financial_sanctions" => 0.08,
        "entity_sanctions" => 0.03,
        "secondary_sanctions" => 0.05,
        "trade_agreement" => -0.03,
        "investment" => -0.02,
        "treaty" => -0.05,
        "reserve_freeze" => 0.08,
        "price_cap" => 0.03,
        "mfn_withdrawal" => 0.03,
        _ => 0.0,
    }
}

const ALL_LEVER_KINDS: [&str; 14] = [
    "tariff", "export_control", "import_ban", "embargo", "financial_sanctions", "entity_sanctions",
    "secondary_sanctions", "trade_agreement", "investment", "treaty", "capital_controls", "reserve_freeze", "price_cap",
    "mfn_withdrawal",
];
const ALL_RULE_KINDS: [&str; 4] = ["retaliate", "align", "escalate", "normalize"];

/// Context shared by a lever and its template form.
struct LeverCtx {
    hub: usize,
    by: Option<usize>,
    on: Vec<usize>,
    /// Whose fields priors act on: the lever (index into the scenario's levers) or the rule
    /// (index into its rules), and the dotted path of the table (`lever.<id>`,
    /// `rule.<id>.response`).
    owner: Option<(bool, usize, String)>,
}

impl LeverCtx {
    fn target(&self, field: Field, name: &str) -> Option<(Target, String)> {
        self.owner.as_ref().map(|(rule, i, prefix)| (if *rule { Target::Rule(*i, field) } else { Target::Lever(*i, field) }, format!("{prefix}.{name}")))
    }
}

impl<'a> Checker<'a> {
    /// Kind and magnitude fields of a lever (or template). None if the kind is unusable.
    fn lever_kind(&mut self, path: &[Seg], raw: &RawLever, ctx: &LeverCtx) -> Option<LeverKind> {
        let Some(kind) = raw.kind.as_deref() else {
            self.push(&key(path, "kind"), format!("missing; allowed: {}", ALL_LEVER_KINDS.join(", ")));
            return None;
        };
        if !ALL_LEVER_KINDS.contains(&kind) {
            self.push(&key(path, "kind"), format!("unknown lever kind `{kind}`; {}", did_you_mean(kind, &ALL_LEVER_KINDS)));
            return None;
        }
        let present: [(&str, bool); 13] = [
            ("rate", raw.rate.is_some()),
            ("coverage", raw.coverage.is_some()),
            ("leakage", raw.leakage.is_some()),
            ("enforcement", raw.enforcement.is_some()),
            ("hub", raw.hub.is_some()),
            ("cost", raw.cost.is_some()),
            ("rerouting_cost", raw.rerouting_cost.is_some()),
            ("listed", raw.listed.is_some()),
            ("cost_per_1000", raw.cost_per_1000.is_some()),
            ("target", raw.target.is_some()),
            ("leakage_cut", raw.leakage_cut.is_some()),
            ("tariff_cut", raw.tariff_cut.is_some()),
            ("capacity_gain", raw.capacity_gain.is_some()),
        ];
        let allowed = kind_fields(kind);
        let more = [
            ("friction_cut", raw.friction_cut.is_some()),
            ("share", raw.share.is_some()),
            ("risk", raw.risk.is_some()),
            ("risk_per_1000", raw.risk_per_1000.is_some()),
            ("cap", raw.cap.is_some()),
            ("compliance", raw.compliance.is_some()),
        ];
        for (name, is) in present.iter().chain(more.iter()) {
            if *is && !allowed.contains(name) {
                let takes = if allowed.is_empty() { "no magnitude fields".to_owned() } else { allowed.join(", ") };
                self.push(&key(path, name), format!("does not apply to kind `{kind}`, which takes: {takes}"));
            }
        }
        let field = |c: &mut Self, name: &str, f: Field, v: &Option<RawNum>, default: f64, lo: f64, hi: f64| {
            c.num(&key(path, name), v, default, lo, hi, ctx.target(f, name), None)
        };
        let ban = |c: &mut Self, default_cov: f64, default_leak: f64| -> Ban {
            let hub = match &raw.hub {
                Some(h) => c.economy(&key(path, "hub"), h).unwrap_or(ctx.hub),
                None => ctx.hub,
            };
            if Some(hub) == ctx.by || ctx.on.contains(&hub) {
                c.push(
                    &key(path, "hub"),
                    format!("the transit hub `{}` cannot be the imposer or a target; choose a third economy", c.uni.economies[hub]),
                );
            }
            Ban {
                coverage: field(c, "coverage", Field::Coverage, &raw.coverage, default_cov, 0.0, 1.0),
                leakage: field(c, "leakage", Field::Leakage, &raw.leakage, default_leak, 0.0, 1.0),
                enforcement: field(c, "enforcement", Field::Enforcement, &raw.enforcement, 0.0, 0.0, 1.0),
                hub,
                risk: field(c, "risk", Field::Risk, &raw.risk, 0.02, 0.0, 1.0),
            }
        };
        Some(match kind {
            "tariff" => {
                if raw.rate.is_none() {
                    self.push(&key(path, "rate"), "missing; a tariff needs an ad valorem `rate` (0.3 = 30%)".into());
                }
                LeverKind::Tariff { rate: field(self, "rate", Field::Rate, &raw.rate, 0.0, 0.0, 10.0) }
            }
            "export_control" => LeverKind::ExportControl(ban(self, 1.0, 0.1)),
            "import_ban" => LeverKind::ImportBan(ban(self, 1.0, 0.05)),
            "embargo" => LeverKind::Embargo(ban(self, 1.0, 0.05)),
            "financial_sanctions" => LeverKind::FinancialSanctions {
                cost: field(self, "cost", Field::Cost, &raw.cost, 0.10, 0.0, 10.0),
                rerouting_cost: field(self, "rerouting_cost", Field::ReroutingCost, &raw.rerouting_cost, 0.05, 0.0, 10.0),
                risk: field(self, "risk", Field::Risk, &raw.risk, 0.04, 0.0, 1.0),
            },
            "entity_sanctions" => {
                if raw.listed.is_none() {
                    self.push(&key(path, "listed"), "missing; give the number of people and entities listed".into());
                }
                LeverKind::EntitySanctions {
                    listed: field(self, "listed", Field::Listed, &raw.listed, 0.0, 0.0, 1e6),
                    cost_per_1000: field(self, "cost_per_1000", Field::CostPer1000, &raw.cost_per_1000, 0.01, 0.0, 1.0),
                    risk_per_1000: field(self, "risk_per_1000", Field::RiskPer1000, &raw.risk_per_1000, 0.02, 0.0, 1.0),
                }
            }
            "secondary_sanctions" => {
                let target = match &raw.target {
                    Some(t) => self.economy(&key(path, "target"), t),
                    None => {
                        self.push(&key(path, "target"), "missing; name the sanctioned economy whose trade partners `on` are pressed".into());
                        None
                    }
                };
                if let Some(t) = target {
                    if Some(t) == ctx.by || ctx.on.contains(&t) {
                        self.push(&key(path, "target"), "must differ from `by` and from every economy in `on`".into());
                    }
                }
                LeverKind::SecondarySanctions {
                    target: target.unwrap_or(0),
                    cost: field(self, "cost", Field::Cost, &raw.cost, 0.05, 0.0, 10.0),
                    leakage_cut: field(self, "leakage_cut", Field::LeakageCut, &raw.leakage_cut, 0.5, 0.0, 1.0),
                    risk: field(self, "risk", Field::Risk, &raw.risk, 0.04, 0.0, 1.0),
                }
            }
            // a cut cannot exceed the friction it cuts: at most halve it (a 100% cut of a
            // tariff equivalent)
            "trade_agreement" => LeverKind::TradeAgreement { tariff_cut: field(self, "tariff_cut", Field::TariffCut, &raw.tariff_cut, 0.03, 0.0, 1.0) },
            "investment" => LeverKind::Investment {
                capacity_gain: field(self, "capacity_gain", Field::CapacityGain, &raw.capacity_gain, 0.1, 0.0, 10.0),
                friction_cut: field(self, "friction_cut", Field::FrictionCut, &raw.friction_cut, 0.02, 0.0, 0.9),
            },
            "capital_controls" | "reserve_freeze" => {
                if raw.share.is_none() {
                    self.push(&key(path, "share"), "missing; the deficit cut as a share of the economy's GDP (0.03 = 3% of GDP)".into());
                }
                let share = field(self, "share", Field::Share, &raw.share, 0.0, 0.0, 0.5);
                if kind == "capital_controls" {
                    LeverKind::CapitalControls { share }
                } else {
                    LeverKind::ReserveFreeze { share }
                }
            }
            "price_cap" => {
                if raw.cap.is_none() {
                    self.push(&key(path, "cap"), "missing; the ceiling price in the world price's unit (e.g. 60 for USD 60 a barrel of Brent)".into());
                }
                let sectors = self.sectors(&key(path, "sectors"), &raw.sectors);
                let unpriced: Vec<&str> = sectors.iter().filter(|&&s| self.uni.sector_series.get(s).is_none_or(|q| q.is_none())).map(|&s| self.uni.sectors[s].as_str()).collect();
                if !unpriced.is_empty() {
                    self.push(
                        &key(path, "sectors"),
                        format!("a price cap applies to sectors with a world price (data/sectors.csv `world_price`); not to {}", unpriced.join(", ")),
                    );
                }
                LeverKind::PriceCap {
                    cap: field(self, "cap", Field::Cap, &raw.cap, 1.0, 1e-6, 1e9),
                    compliance: field(self, "compliance", Field::Compliance, &raw.compliance, 0.5, 0.0, 1.0),
                }
            }
            "mfn_withdrawal" => LeverKind::MfnWithdrawal { rate: field(self, "rate", Field::Rate, &raw.rate, 0.28, 0.0, 10.0) },
            _ => LeverKind::Treaty,
        })
    }

    fn months(&mut self, path: &[Seg], v: Option<i64>, default: u32) -> u32 {
        match v {
            None => default,
            Some(x) if (0..=1200).contains(&x) => x as u32,
            Some(x) => {
                self.push(path, format!("{x} is out of range; allowed: whole months from 0 to 1200"));
                default
            }
        }
    }

    fn template(&mut self, path: &[Seg], raw: &RawLever, ctx: &LeverCtx) -> Option<LeverTemplate> {
        for (name, present) in [
            ("by", raw.by.is_some()),
            ("on", raw.on.is_some()),
            ("start", raw.start.is_some()),
            ("end", raw.end.is_some()),
            ("id", raw.id.is_some()),
        ] {
            if present {
                self.push(&key(path, name), "a rule's response takes its actor, target and date from the rule; remove this key (use `duration` for an end)".into());
            }
        }
        let kind = self.lever_kind(path, raw, ctx)?;
        let name = kind.name();
        Some(LeverTemplate {
            sectors: self.sectors(&key(path, "sectors"), &raw.sectors),
            phase_in_months: self.months(&key(path, "phase_in"), raw.phase_in, 0),
            tension: self.range(&key(path, "tension"), raw.tension, default_tension(name), -1.0, 1.0),
            duration_months: raw.duration.map(|_| self.months(&key(path, "duration"), raw.duration, 0)),
            kind,
        })
    }
}

/// Parse and validate a scenario file's text. `file` is used in messages only.
pub fn parse_scenario(text: &str, file: &str, uni: &Universe) -> Result<Scenario, ScenarioError> {
    let fail = |problems| ScenarioError { file: file.to_owned(), problems };
    let mut unknown: Vec<Vec<Seg>> = Vec::new();
    let de = toml::Deserializer::new(text);
    let raw: RawScenario = match serde_ignored::deserialize(de, |p| unknown.push(ignored_path(&p))) {
        Ok(r) => r,
        Err(e) => {
            let line_col = e.span().map(|s| line_col(text, s.start));
            return Err(fail(vec![Problem { line_col, key: String::new(), message: e.message().trim().to_owned() }]));
        }
    };
    let mut c = Checker { text, doc: toml_edit::ImDocument::parse(text.to_owned()).ok(), uni, problems: Vec::new(), priors: Vec::new() };

    for path in &unknown {
        // The table the unknown key sits in decides which names are valid there.
        let section = match path.first() {
            Some(Seg::Key(k)) => k.as_str(),
            _ => "",
        };
        let valid: &[&str] = match (section, path.len()) {
            (_, 1) => TOP_KEYS,
            ("shocks", 2) => SHOCK_KEYS,
            ("params", 2) => PARAM_KEYS,
            ("shocks", 3) => PAIR_KEYS,
            ("lever", 3) => LEVER_KEYS,
            ("rule", 3) => RULE_KEYS,
            ("rule", 4) => LEVER_KEYS,
            _ => &[],
        };
        let last = match path.last() {
            Some(Seg::Key(k)) => k.clone(),
            _ => String::new(),
        };
        c.push(path, format!("unknown key `{last}`; {}", did_you_mean(&last, valid)));
    }

    let root: Vec<Seg> = Vec::new();
    let base = match &raw.base {
        Some(toml::Value::String(s)) => s.parse::<i32>().ok(),
        Some(toml::Value::Integer(i)) => Some(*i as i32),
        Some(_) => None,
        None => {
            c.push(&key(&root, "base"), format!("missing; the calibration base year, one of: {}", bases_list(uni)));
            None
        }
    };
    let base = match base {
        Some(b) if uni.bases.contains(&b) => b,
        Some(b) => {
            c.push(&key(&root, "base"), format!("no calibration for base year {b}; allowed: {}", bases_list(uni)));
            uni.bases.first().copied().unwrap_or(2021)
        }
        None => {
            if raw.base.is_some() {
                c.push(&key(&root, "base"), format!("`{}` is not a year; allowed: {}", raw.base.as_ref().map(|v| v.to_string()).unwrap_or_default(), bases_list(uni)));
            }
            uni.bases.first().copied().unwrap_or(2021)
        }
    };
    let start = match &raw.start {
        Some(s) => c.date(&key(&root, "start"), s),
        None => {
            c.push(&key(&root, "start"), "missing; the first month simulated, YYYY-MM".into());
            None
        }
    };
    let end = match &raw.end {
        Some(s) => c.date(&key(&root, "end"), s),
        None => {
            c.push(&key(&root, "end"), "missing; the last month simulated, YYYY-MM".into());
            None
        }
    };
    if let Some(s) = start {
        if s.year < base {
            c.push(&key(&root, "start"), format!("{s} is before the base year {base}; the base year gives the initial state, so start in or after it"));
        }
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            c.push(&key(&root, "end"), format!("{e} is before start {s}; allowed: a month at or after start"));
        } else if e.year - s.year > 200 {
            c.push(&key(&root, "end"), format!("{e} is more than 200 years after start; allowed: at most 200 years"));
        }
    }
    let step = match raw.step.as_deref() {
        None | Some("quarter") => Step::Quarter,
        Some("month") => Step::Month,
        Some(other) => {
            c.push(&key(&root, "step"), format!("unknown step `{other}`; {}", did_you_mean(other, &["quarter", "month"])));
            Step::Quarter
        }
    };
    let runs = match raw.runs {
        None => 100,
        Some(r) if (1..=100_000_000).contains(&r) => r as u32,
        Some(r) => {
            c.push(&key(&root, "runs"), format!("{r} is out of range; allowed: 1 to 100000000"));
            1
        }
    };
    let seed = match raw.seed {
        None => 1,
        Some(s) if s >= 0 => s as u64,
        Some(s) => {
            c.push(&key(&root, "seed"), format!("{s} is negative; allowed: a whole number of at least 0"));
            1
        }
    };
    let (start, end) = (start.unwrap_or(YearMonth::new(base, 1)), end.unwrap_or(YearMonth::new(base, 12)));
    let in_run = |d: YearMonth| d >= start && d <= end;

    // shocks
    let sp = key(&root, "shocks");
    let rs = raw.shocks.unwrap_or_default();
    let d = Shocks::default();
    let inf = f64::INFINITY;
    let world_prices = match rs.world_prices.as_deref() {
        None | Some("data") => PricePath::Data,
        Some("random") => PricePath::Random,
        Some("flat") => PricePath::Flat,
        Some(o) => {
            c.push(&key(&sp, "world_prices"), format!("unknown path `{o}`; {}", did_you_mean(o, &["data", "random", "flat"])));
            PricePath::Data
        }
    };
    let mut world_price_mean = Vec::new();
    for (name, v) in &rs.world_price_mean {
        let path = key(&key(&sp, "world_price_mean"), name);
        match uni.world_series.iter().position(|x| x == name) {
            Some(q) => world_price_mean.push((q, c.range(&path, Some(*v), 1.0, 1e-6, 1e9))),
            None => {
                let valid: Vec<&str> = uni.world_series.iter().map(String::as_str).collect();
                c.push(&path, format!("unknown world price series `{name}`; {}", did_you_mean(name, &valid)));
            }
        }
    }
    let mut pair_events = Vec::new();
    for (i, p) in rs.pair.iter().enumerate() {
        let pp = [sp.clone(), vec![Seg::Key("pair".into()), Seg::Index(i)]].concat();
        let rate = c.range(&key(&pp, "event_rate"), p.event_rate, d.event_rate, 0.0, 1000.0);
        let size = c.range(&key(&pp, "event_size"), p.event_size, d.event_size, 0.0, 1.0);
        match p.pair.as_deref() {
            Some([a, b]) => {
                let (a, b) = (c.economy(&key(&pp, "pair"), a), c.economy(&key(&pp, "pair"), b));
                if let (Some(a), Some(b)) = (a, b) {
                    if a == b {
                        c.push(&key(&pp, "pair"), "a pair needs two different economies".into());
                    } else {
                        pair_events.push(PairEvents { a: a.min(b), b: a.max(b), rate, size });
                    }
                }
            }
            _ => c.push(&key(&pp, "pair"), "missing or malformed; allowed: two economy codes, e.g. [\"US\", \"RU\"]".into()),
        }
    }
    let shocks = Shocks {
        gdp_volatility_scale: c.range(&key(&sp, "gdp_volatility_scale"), rs.gdp_volatility_scale, d.gdp_volatility_scale, 0.0, 100.0),
        world_prices,
        world_price_volatility: c.range(&key(&sp, "world_price_volatility"), rs.world_price_volatility, d.world_price_volatility, 0.0, 5.0),
        world_price_reversion: c.range(&key(&sp, "world_price_reversion"), rs.world_price_reversion, d.world_price_reversion, 0.0, 100.0),
        world_price_mean,
        event_rate: c.range(&key(&sp, "event_rate"), rs.event_rate, d.event_rate, 0.0, 1000.0),
        event_size: c.range(&key(&sp, "event_size"), rs.event_size, d.event_size, 0.0, 1.0),
        pair_events,
        trade_noise: c.range(&key(&sp, "trade_noise"), rs.trade_noise, d.trade_noise, 0.0, 5.0),
        common_random_numbers: rs.common_random_numbers.unwrap_or(d.common_random_numbers),
    };

    // params
    let pp = key(&root, "params");
    let rp = raw.params.unwrap_or_default();
    let hub = match &rp.hub {
        Some(h) => c.economy(&key(&pp, "hub"), h).unwrap_or(uni.hub),
        None => uni.hub,
    };
    let sector_map = |c: &mut Checker, name: &str, given: &std::collections::BTreeMap<String, RawNum>, defaults: &[f64], lo: f64, hi: f64, target: fn(usize) -> Target| {
        let mut v = defaults.to_vec();
        let valid: Vec<&str> = uni.sectors.iter().map(String::as_str).collect();
        for s in given.keys().filter(|s| uni.sector(s).is_none()) {
            c.push(&key(&key(&pp, name), s), format!("unknown sector `{s}`; {}", did_you_mean(s, &valid)));
        }
        for (i, code) in uni.sectors.iter().enumerate() {
            let data = c.data_prior(name, Some(i));
            let path = key(&key(&pp, name), code);
            v[i] = c.num(&path, &given.get(code).cloned(), defaults[i], lo, hi, Some((target(i), format!("params.{name}.{code}"))), data.as_ref());
        }
        v
    };
    let sigma = sector_map(&mut c, "sigma", &rp.sigma, &uni.sigma, 1.01, 50.0, Target::Sigma);
    let lambda = sector_map(&mut c, "lambda", &rp.lambda, &uni.lambda, 1e-3, 1000.0, Target::Lambda);
    let eta = sector_map(&mut c, "eta", &rp.eta, &uni.eta, 0.0, 1.0, Target::Eta);
    let esubd = sector_map(&mut c, "esubd", &rp.esubd, &uni.esubd, 0.05, 50.0, Target::Esubd);
    let budget = rp.budget.unwrap_or(true);
    let currency = rp.currency.unwrap_or(true);
    if currency && !budget {
        let path = key(&pp, if rp.currency.is_some() { "currency" } else { "budget" });
        c.push(&path, "the currency agents clear the budget's external balance: with `budget = false` set `currency = false` too".into());
    }
    let numeraire = match &rp.numeraire {
        Some(x) => c.economy(&key(&pp, "numeraire"), x).unwrap_or(uni.numeraire),
        None => uni.numeraire,
    };
    let params = Params {
        phi: c.param(&pp, "phi", &rp.phi, 0.5, 0.0, 100.0, Target::Phi),
        gamma: c.range(&key(&pp, "gamma"), rp.gamma, 0.2, 0.0, inf),
        gamma_ref: c.range(&key(&pp, "gamma_ref"), rp.gamma_ref, 0.2, 0.0, inf),
        tension_reversion: c.range(&key(&pp, "tension_reversion"), rp.tension_reversion, 0.5, 0.0, 100.0),
        gdp_pass_through: c.range(&key(&pp, "gdp_pass_through"), rp.gdp_pass_through, 1.0, 0.0, 5.0),
        rerouting_cost: c.range(&key(&pp, "rerouting_cost"), rp.rerouting_cost, 0.05, 0.0, 10.0),
        hub,
        sigma,
        lambda,
        eta,
        esubd,
        domestic: rp.domestic.unwrap_or(true),
        budget,
        currency,
        currency_speed: c.param(&pp, "currency_speed", &rp.currency_speed, 2.0, 0.0, 1000.0, Target::CurrencySpeed),
        priors: rp.priors.unwrap_or(true),
        numeraire,
        firms: rp.firms.unwrap_or(true),
        firm: {
            let d = FirmParams::default();
            let bins = match rp.firm_bins {
                None => d.bins,
                Some(b) if (1..=64).contains(&b) => b as usize,
                Some(b) => {
                    c.push(&key(&pp, "firm_bins"), format!("{b} is out of range; allowed: whole numbers from 1 to 64"));
                    d.bins
                }
            };
            let sigma = c.param(&pp, "firm_sigma", &rp.firm_sigma, d.sigma, 1.01, 50.0, Target::FirmSigma);
            let shape = c.param(&pp, "pareto_shape", &rp.pareto_shape, d.pareto_shape, 0.1, 50.0, Target::ParetoShape);
            if shape <= sigma - 1.0 {
                c.push(
                    &key(&pp, if rp.pareto_shape.is_some() { "pareto_shape" } else { "firm_sigma" }),
                    format!("the Pareto shape ({shape}) must exceed firm_sigma − 1 ({}), or the firms' sales have no finite mean", sigma - 1.0),
                );
            }
            FirmParams {
                bins,
                pareto_shape: shape,
                sigma,
                fixed_cost: c.param(&pp, "fixed_cost", &rp.fixed_cost, d.fixed_cost, 0.0, 1.0, Target::FixedCost),
                sunk_cost: c.param(&pp, "sunk_cost", &rp.sunk_cost, d.sunk_cost, 0.0, 100.0, Target::SunkCost),
                risk_memory: c.param(&pp, "risk_memory", &rp.risk_memory, d.risk_memory, 0.0, 100.0, Target::RiskMemory),
            }
        },
    };

    // levers
    let mut levers = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for (i, rl) in raw.lever.iter().enumerate() {
        let lp = vec![Seg::Key("lever".into()), Seg::Index(i)];
        let id = rl.id.clone().unwrap_or_else(|| format!("lever{}", i + 1));
        if ids.contains(&id) {
            c.push(&key(&lp, "id"), format!("`{id}` is used twice; lever ids must be unique"));
        }
        ids.push(id.clone());
        let by = match &rl.by {
            Some(b) => c.economy(&key(&lp, "by"), b),
            None => {
                c.push(&key(&lp, "by"), "missing; the economy that imposes the lever".into());
                None
            }
        };
        let self_imposed = rl.kind.as_deref() == Some("capital_controls");
        let on = match (&rl.on, self_imposed) {
            (Some(_), true) => {
                c.push(&key(&lp, "on"), "capital controls act on the economy that imposes them (`by`); remove `on`".into());
                Vec::new()
            }
            (None, true) => by.into_iter().collect(),
            (Some(v), false) => c.economies(&key(&lp, "on"), v).unwrap_or_default(),
            (None, false) => {
                c.push(&key(&lp, "on"), "missing; the target economy or a list of them".into());
                Vec::new()
            }
        };
        if let (Some(b), false) = (by, self_imposed) {
            if on.contains(&b) {
                c.push(&key(&lp, "on"), format!("`{}` is also `by`; a lever acts between different economies", uni.economies[b]));
            }
        }
        let ctx = LeverCtx { hub, by, on: on.clone(), owner: Some((false, i, format!("lever.{id}"))) };
        let kind = c.lever_kind(&lp, rl, &ctx);
        let lstart = match &rl.start {
            Some(s) => c.date(&key(&lp, "start"), s),
            None => {
                c.push(&key(&lp, "start"), "missing; the month the lever takes effect, YYYY-MM".into());
                None
            }
        };
        if let Some(s) = lstart {
            if !in_run(s) {
                c.push(&key(&lp, "start"), format!("{s} is outside the scenario; allowed: {start} to {end}"));
            }
        }
        let lend = rl.end.as_ref().and_then(|s| c.date(&key(&lp, "end"), s));
        if let (Some(s), Some(e)) = (lstart, lend) {
            if e <= s {
                c.push(&key(&lp, "end"), format!("{e} is not after the lever's start {s}"));
            } else if e > end {
                c.push(&key(&lp, "end"), format!("{e} is after the scenario's end {end}; omit `end` for a lever in force to the end"));
            }
        }
        if rl.duration.is_some() {
            c.push(&key(&lp, "duration"), "only a rule's response takes `duration`; a scheduled lever uses `end`".into());
        }
        let sectors = c.sectors(&key(&lp, "sectors"), &rl.sectors);
        let phase_in_months = c.months(&key(&lp, "phase_in"), rl.phase_in, 0);
        if let (Some(kind), Some(by), Some(s)) = (kind, by, lstart) {
            let tension = c.range(&key(&lp, "tension"), rl.tension, default_tension(kind.name()), -1.0, 1.0);
            levers.push(Lever { id, kind, by, on, sectors, start: s, end: lend, phase_in_months, tension });
        }
    }

    // rules
    let mut rules = Vec::new();
    let mut rule_ids: Vec<String> = Vec::new();
    let sanction_kinds: Vec<String> = ALL_LEVER_KINDS[..7].iter().map(|s| s.to_string()).collect();
    for (i, rr) in raw.rule.iter().enumerate() {
        let rp = vec![Seg::Key("rule".into()), Seg::Index(i)];
        let id = rr.id.clone().unwrap_or_else(|| format!("rule{}", i + 1));
        if rule_ids.contains(&id) {
            c.push(&key(&rp, "id"), format!("`{id}` is used twice; rule ids must be unique"));
        }
        rule_ids.push(id.clone());
        let by = match &rr.by {
            Some(b) => c.economy(&key(&rp, "by"), b),
            None => {
                c.push(&key(&rp, "by"), "missing; the government that acts".into());
                None
            }
        };
        let probability = c.range(&key(&rp, "probability"), rr.probability, 1.0, 0.0, 1.0);
        let lag_months = c.months(&key(&rp, "lag"), rr.lag, 0);
        let from = rr.from.as_ref().and_then(|s| c.date(&key(&rp, "from"), s));
        if let Some(f) = from {
            if !in_run(f) {
                c.push(&key(&rp, "from"), format!("{f} is outside the scenario; allowed: {start} to {end}"));
            }
        }
        let Some(kind_name) = rr.kind.as_deref() else {
            c.push(&key(&rp, "kind"), format!("missing; allowed: {}", ALL_RULE_KINDS.join(", ")));
            continue;
        };
        let used: [(&str, bool); 7] = [
            ("against", rr.against.is_some()),
            ("trigger", rr.trigger.is_some()),
            ("leader", rr.leader.is_some()),
            ("kinds", rr.kinds.is_some()),
            ("on", rr.on.is_some()),
            ("threshold", rr.threshold.is_some()),
            ("steps", rr.steps.is_some()),
        ];
        let takes: &[&str] = match kind_name {
            "retaliate" => &["against", "trigger", "response"],
            "align" => &["leader", "kinds"],
            "escalate" => &["on", "threshold", "response"],
            "normalize" => &["on", "threshold", "steps"],
            other => {
                c.push(&key(&rp, "kind"), format!("unknown rule kind `{other}`; {}", did_you_mean(other, &ALL_RULE_KINDS)));
                continue;
            }
        };
        for (name, present) in used.iter().chain(std::iter::once(&("response", rr.response.is_some()))) {
            if *present && !takes.contains(name) {
                c.push(&key(&rp, name), format!("does not apply to rule kind `{kind_name}`, which takes: {}", takes.join(", ")));
            }
        }
        let lever_kind_list = |c: &mut Checker, k: &str, v: &Option<Vec<String>>| -> Vec<String> {
            match v {
                None => sanction_kinds.clone(),
                Some(list) => {
                    for x in list {
                        if !ALL_LEVER_KINDS.contains(&x.as_str()) {
                            c.push(&key(&rp, k), format!("unknown lever kind `{x}`; {}", did_you_mean(x, &ALL_LEVER_KINDS)));
                        }
                    }
                    list.clone()
                }
            }
        };
        let threshold = |c: &mut Checker| -> f64 {
            if rr.threshold.is_none() {
                c.push(&key(&rp, "threshold"), "missing; a tension level from 0 to 1".into());
            }
            c.range(&key(&rp, "threshold"), rr.threshold, 0.5, 0.0, 1.0)
        };
        let response = |c: &mut Checker, on: Vec<usize>| -> Option<LeverTemplate> {
            match &rr.response {
                Some(r) => c.template(&key(&rp, "response"), r, &LeverCtx { hub, by, on, owner: Some((true, i, format!("rule.{id}.response"))) }),
                None => {
                    c.push(&key(&rp, "response"), "missing; the lever to impose, e.g. { kind = \"import_ban\", sectors = [\"agriculture\"] }".into());
                    None
                }
            }
        };
        let kind = match kind_name {
            "retaliate" => {
                let against = match &rr.against {
                    Some(v) => c.economies(&key(&rp, "against"), v).unwrap_or_default(),
                    None => {
                        c.push(&key(&rp, "against"), "missing; the economies whose sanctions trigger the answer".into());
                        Vec::new()
                    }
                };
                let trigger = lever_kind_list(&mut c, "trigger", &rr.trigger);
                response(&mut c, against.clone()).map(|response| RuleKind::Retaliate { against, trigger, response })
            }
            "align" => {
                let leader = match &rr.leader {
                    Some(l) => c.economy(&key(&rp, "leader"), l),
                    None => {
                        c.push(&key(&rp, "leader"), "missing; the economy whose levers are copied".into());
                        None
                    }
                };
                if leader.is_some() && leader == by {
                    c.push(&key(&rp, "leader"), "an economy cannot align with itself".into());
                }
                let kinds = lever_kind_list(&mut c, "kinds", &rr.kinds);
                leader.map(|leader| RuleKind::Align { leader, kinds })
            }
            "escalate" => {
                let on = match &rr.on {
                    Some(toml::Value::String(s)) => c.economy(&key(&rp, "on"), s),
                    _ => {
                        c.push(&key(&rp, "on"), "missing or not one economy code".into());
                        None
                    }
                };
                let threshold = threshold(&mut c);
                let resp = response(&mut c, on.into_iter().collect());
                match (on, resp) {
                    (Some(on), Some(response)) => Some(RuleKind::Escalate { on, threshold, response }),
                    _ => None,
                }
            }
            _ => {
                let on = match &rr.on {
                    Some(v) => c.economies(&key(&rp, "on"), v).unwrap_or_default(),
                    None => {
                        c.push(&key(&rp, "on"), "missing; the economies whose sanctions are lifted".into());
                        Vec::new()
                    }
                };
                let threshold = threshold(&mut c);
                let steps = match rr.steps {
                    None => 4,
                    Some(s) if (1..=10_000).contains(&s) => s as u32,
                    Some(s) => {
                        c.push(&key(&rp, "steps"), format!("{s} is out of range; allowed: 1 to 10000 steps"));
                        4
                    }
                };
                Some(RuleKind::Normalize { on, threshold, steps })
            }
        };
        if let (Some(by), Some(kind)) = (by, kind) {
            let targets: Vec<usize> = match &kind {
                RuleKind::Retaliate { against, .. } => against.clone(),
                RuleKind::Escalate { on, .. } => vec![*on],
                RuleKind::Normalize { on, .. } => on.clone(),
                RuleKind::Align { .. } => vec![],
            };
            if targets.contains(&by) {
                c.push(&rp, format!("`{}` acts on itself; a rule acts between different economies", uni.economies[by]));
            }
            rules.push(Rule { id, kind, by, probability, lag_months, from });
        }
    }

    if !c.problems.is_empty() {
        return Err(fail(c.problems));
    }
    let name = raw.name.unwrap_or_else(|| std::path::Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    let priors = if params.priors { std::mem::take(&mut c.priors) } else { Vec::new() };
    Ok(Scenario { name, description: raw.description.unwrap_or_default(), base, start, end, step, runs, seed, shocks, params, priors, levers, rules })
}

fn bases_list(uni: &Universe) -> String {
    uni.bases.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(", ")
}

fn ignored_path(p: &serde_ignored::Path) -> Vec<Seg> {
    match p {
        serde_ignored::Path::Root => Vec::new(),
        serde_ignored::Path::Seq { parent, index } => {
            let mut v = ignored_path(parent);
            v.push(Seg::Index(*index));
            v
        }
        serde_ignored::Path::Map { parent, key } => {
            let mut v = ignored_path(parent);
            v.push(Seg::Key(key.clone()));
            v
        }
        serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}
