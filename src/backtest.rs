//! Backtest: compare observed calendar-year bilateral trade with a run's simulated distribution
//! (annual.csv, sector `all`: metric `trade` for importer-reported observations,
//! `trade_exporter_reported` for exporter-reported ones). Pure: text and rows in, table and
//! metrics out; reading and writing files is left to `app` and `output`.

use std::collections::BTreeMap;

/// Which side's statistics a value is: the importer's (the calibration's basis) or the
/// exporter's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Basis {
    Importer,
    Exporter,
}

impl Basis {
    pub fn name(self) -> &'static str {
        match self {
            Basis::Importer => "importer_reported",
            Basis::Exporter => "exporter_reported",
        }
    }
    /// The annual.csv metric that holds simulated values on this basis.
    pub fn metric(self) -> &'static str {
        match self {
            Basis::Importer => "trade",
            Basis::Exporter => "trade_exporter_reported",
        }
    }
}

/// One observed value: `year,exporter,importer,value_usd[,basis]` (extra columns ignored;
/// without `basis`, importer-reported).
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// 1-based line in the observed file (the header is line 1).
    pub line: usize,
    pub year: i32,
    pub exporter: String,
    pub importer: String,
    pub value: f64,
    pub basis: Basis,
}

/// The simulated distribution of one pair's total trade in one calendar year, on a basis.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulated {
    pub year: i32,
    pub exporter: String,
    pub importer: String,
    pub basis: Basis,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

/// One line of the backtest table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub year: i32,
    pub exporter: String,
    pub importer: String,
    pub basis: Basis,
    pub observed: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
    /// p05 ≤ observed ≤ p95.
    pub inside: bool,
    /// |p50 − observed| / observed × 100; None when the observed value is 0.
    pub ape_pct: Option<f64>,
}

/// Summary metrics of a backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub observations: usize,
    /// Median absolute percentage error of the simulated median (None: no non-zero observation).
    pub mdape_pct: Option<f64>,
    /// Share of observations inside the simulated 90% band p05..p95.
    pub coverage: f64,
    /// (right, total) year-on-year directions over consecutive observed years of the same
    /// pair; total 0 means there are no consecutive years ("n/a").
    pub directions: (usize, usize),
}

/// One scenario's backtest (a line of a suite).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub base: i32,
    pub rows: Vec<Row>,
    pub metrics: Metrics,
    /// Observed rows outside the run's years (or, in a suite, for economies it lacks).
    pub skipped: usize,
}

impl Metrics {
    /// Share of directions right, or None ("n/a") when there are no consecutive years.
    pub fn direction_share(&self) -> Option<f64> {
        let (right, total) = self.directions;
        (total > 0).then(|| right as f64 / total as f64)
    }
}

pub const REQUIRED: [&str; 4] = ["year", "exporter", "importer", "value_usd"];

/// Parse an observed-values CSV. Errors name the file, line, column and value.
pub fn parse_observed(text: &str, file: &str) -> Result<Vec<Observed>, String> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| format!("{file}:1: cannot read the header: {e}"))?.clone();
    let basis_col = headers.iter().position(|h| h == "basis");
    let mut col = [0usize; 4];
    for (k, name) in REQUIRED.iter().enumerate() {
        match headers.iter().position(|h| h.trim_start_matches('\u{feff}') == *name) {
            Some(i) => col[k] = i,
            None => {
                return Err(format!(
                    "{file}:1: missing column `{name}`; the header must name the columns {} (extra columns such as `source` are allowed), found: {}",
                    REQUIRED.join(","),
                    headers.iter().collect::<Vec<_>>().join(",")
                ))
            }
        }
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            format!("{file}:{line}: malformed CSV row: {e}")
        })?;
        let line = rec.position().map_or(out.len() + 2, |p| p.line() as usize);
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        let field = |k: usize| -> Result<&str, String> {
            match rec.get(col[k]) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(format!("{file}:{line}: column `{}` (column {}) is missing or empty", REQUIRED[k], col[k] + 1)),
            }
        };
        let year_s = field(0)?;
        let year: i32 = year_s
            .parse()
            .map_err(|_| format!("{file}:{line}: column `year` (column {}): `{year_s}` is not a year; allowed: a whole number such as 2021", col[0] + 1))?;
        let value_s = field(3)?;
        let value: f64 = value_s.parse().map_err(|_| {
            format!("{file}:{line}: column `value_usd` (column {}): `{value_s}` is not a number; allowed: a non-negative number of US dollars", col[3] + 1)
        })?;
        if !value.is_finite() || value < 0.0 {
            return Err(format!(
                "{file}:{line}: column `value_usd` (column {}): `{value_s}` is not allowed; trade values must be finite and at least 0",
                col[3] + 1
            ));
        }
        let basis = match basis_col.and_then(|c| rec.get(c)).unwrap_or("") {
            "" | "importer_reported" => Basis::Importer,
            "exporter_reported" => Basis::Exporter,
            other => {
                return Err(format!(
                    "{file}:{line}: column `basis` (column {}): `{other}`; allowed: importer_reported, exporter_reported (empty: importer_reported)",
                    basis_col.unwrap_or(0) + 1
                ))
            }
        };
        out.push(Observed { line, year, exporter: field(1)?.to_owned(), importer: field(2)?.to_owned(), value, basis });
    }
    if out.is_empty() {
        return Err(format!("{file}: no observations after the header"));
    }
    Ok(out)
}

/// Check names and years against the run before it starts: economies must be calibrated ones
/// (the nearest valid code is suggested), years full calendar years of the run, and no pair-year
/// given twice. With `skip_other_years`, rows outside the run's years are dropped instead
/// (returned as the second element).
pub fn check_observed(
    obs: Vec<Observed>,
    file: &str,
    economies: &[String],
    years: &[i32],
    skip_other_years: bool,
) -> Result<(Vec<Observed>, usize), String> {
    let mut kept = Vec::new();
    let mut skipped = 0;
    let mut seen: BTreeMap<(i32, String, String, Basis), usize> = BTreeMap::new();
    for o in obs {
        for (k, code) in [(1, &o.exporter), (2, &o.importer)] {
            if !economies.iter().any(|e| e == code) {
                let hint = match suggest_economy(code, economies) {
                    Some(n) => format!("did you mean `{n}`? "),
                    None => String::new(),
                };
                return Err(format!(
                    "{file}:{}: column `{}`: unknown economy `{code}`; {hint}allowed: {}",
                    o.line,
                    REQUIRED[k],
                    economies.join(", ")
                ));
            }
        }
        if !years.contains(&o.year) {
            if skip_other_years {
                skipped += 1;
                continue;
            }
            let span = match (years.first(), years.last()) {
                (Some(a), Some(b)) => format!("{a} to {b}"),
                _ => "none (the run covers no full calendar year)".into(),
            };
            return Err(format!(
                "{file}:{}: column `year`: {} is not a full calendar year of the run; allowed: {span} (or pass --skip-other-years to ignore such rows)",
                o.line, o.year
            ));
        }
        if let Some(first) = seen.insert((o.year, o.exporter.clone(), o.importer.clone(), o.basis), o.line) {
            return Err(format!("{file}:{}: {} {}→{} ({}) is already given on line {first}", o.line, o.year, o.exporter, o.importer, o.basis.name()));
        }
        kept.push(o);
    }
    if kept.is_empty() {
        return Err(format!("{file}: no observation falls in the run's full calendar years {years:?}"));
    }
    Ok((kept, skipped))
}

/// Common spellings of the shipped codes in published statistics (ISO3, names, EU vintages).
const ALIASES: [(&str, &str); 16] = [
    ("USA", "US"), ("UNITED STATES", "US"), ("RUS", "RU"), ("RUSSIA", "RU"), ("USSR", "RU"), ("SU", "RU"),
    ("CHN", "CN"), ("CHINA", "CN"), ("IND", "IN"), ("INDIA", "IN"), ("EU27", "EU"), ("EU28", "EU"),
    ("EC", "EU"), ("EC9", "EU"), ("EC12", "EU"), ("WORLD", "ROW"),
];

/// The valid code a mistyped economy most likely means: a known alias, a different case, a
/// prefix, or else the nearest code by edit distance.
pub fn suggest_economy<'a>(given: &str, economies: &'a [String]) -> Option<&'a str> {
    let up = given.trim().to_uppercase();
    let find = |c: &str| economies.iter().find(|e| e.as_str() == c).map(String::as_str);
    if let Some(hit) = ALIASES.iter().find(|(a, _)| *a == up).and_then(|(_, c)| find(c)) {
        return Some(hit);
    }
    if let Some(hit) = economies.iter().find(|e| e.to_uppercase() == up) {
        return Some(hit);
    }
    if let Some(hit) = economies.iter().filter(|e| up.starts_with(&e.to_uppercase())).max_by_key(|e| e.len()) {
        return Some(hit);
    }
    crate::scenario::validate::nearest(given, economies.iter().map(String::as_str))
}

/// Median of a non-empty list (mean of the two middle values for an even count).
fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

/// Compare observations with the simulated distributions. Rows come out in the order
/// exporter, importer, year. Errors name the observation's line if the run has no such pair.
pub fn compare(obs: &[Observed], sim: &[Simulated], file: &str) -> Result<(Vec<Row>, Metrics), String> {
    let index: BTreeMap<(i32, &str, &str, Basis), &Simulated> =
        sim.iter().map(|s| ((s.year, s.exporter.as_str(), s.importer.as_str(), s.basis), s)).collect();
    let mut rows = Vec::new();
    for o in obs {
        let Some(s) = index.get(&(o.year, o.exporter.as_str(), o.importer.as_str(), o.basis)) else {
            return Err(format!(
                "{file}:{}: the run has no {} series {}→{} in {} (an economy's trade with itself is only simulated for ROW; exporter-reported values only where the calibration's mirror.csv has ratios)",
                o.line,
                o.basis.metric(),
                o.exporter,
                o.importer,
                o.year
            ));
        };
        rows.push(Row {
            year: o.year,
            exporter: o.exporter.clone(),
            importer: o.importer.clone(),
            basis: o.basis,
            observed: o.value,
            p05: s.p05,
            p50: s.p50,
            p95: s.p95,
            inside: s.p05 <= o.value && o.value <= s.p95,
            ape_pct: (o.value > 0.0).then(|| (s.p50 - o.value).abs() / o.value * 100.0),
        });
    }
    rows.sort_by(|a, b| (&a.exporter, &a.importer, a.basis, a.year).cmp(&(&b.exporter, &b.importer, b.basis, b.year)));
    let n = rows.len();
    let inside = rows.iter().filter(|r| r.inside).count();
    let mut directions = (0, 0);
    for w in rows.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.exporter == b.exporter && a.importer == b.importer && a.basis == b.basis && b.year == a.year + 1 {
            directions.1 += 1;
            let obs_sign = (b.observed - a.observed).partial_cmp(&0.0);
            let sim_sign = (b.p50 - a.p50).partial_cmp(&0.0);
            if obs_sign == sim_sign {
                directions.0 += 1;
            }
        }
    }
    let metrics = Metrics {
        observations: n,
        mdape_pct: median(rows.iter().filter_map(|r| r.ape_pct).collect()),
        coverage: if n == 0 { 0.0 } else { inside as f64 / n as f64 },
        directions,
    };
    Ok((rows, metrics))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(year: i32, e: &str, i: &str, p05: f64, p50: f64, p95: f64) -> Simulated {
        Simulated { year, exporter: e.into(), importer: i.into(), basis: Basis::Importer, p05, p50, p95 }
    }

    fn obs(line: usize, year: i32, e: &str, i: &str, value: f64) -> Observed {
        Observed { line, year, exporter: e.into(), importer: i.into(), value, basis: Basis::Importer }
    }

    #[test]
    fn hand_computed_table_and_metrics() {
        let s = vec![
            sim(2021, "US", "RU", 80.0, 100.0, 120.0),
            sim(2022, "US", "RU", 60.0, 90.0, 110.0),
            sim(2023, "US", "RU", 70.0, 95.0, 130.0),
            sim(2021, "RU", "US", 10.0, 20.0, 30.0),
        ];
        let o = vec![
            obs(2, 2021, "US", "RU", 110.0), // APE 9.0909..., inside
            obs(3, 2022, "US", "RU", 50.0),  // APE 80, outside (below p05); obs down, sim down: right
            obs(4, 2023, "US", "RU", 100.0), // APE 5, inside; obs up, sim up: right
            obs(5, 2021, "RU", "US", 40.0),  // APE 50, outside (above p95)
        ];
        let (rows, m) = compare(&o, &s, "obs.csv").unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!((rows[0].exporter.as_str(), rows[0].year), ("RU", 2021), "sorted by pair, then year");
        assert!(!rows[0].inside);
        assert_eq!(rows[0].ape_pct, Some(50.0));
        assert!(rows[1].inside && !rows[2].inside && rows[3].inside);
        // APEs 50, 9.09, 80, 5 → sorted 5, 9.09, 50, 80 → median (9.09 + 50) / 2
        let expect = (10.0 / 110.0 * 100.0 + 50.0) / 2.0;
        assert!((m.mdape_pct.unwrap() - expect).abs() < 1e-12);
        assert_eq!(m.coverage, 0.5);
        assert_eq!(m.directions, (2, 2));
        assert_eq!(m.direction_share(), Some(1.0));
    }

    #[test]
    fn wrong_direction_and_no_consecutive_years() {
        let s = vec![sim(2021, "US", "RU", 0.0, 100.0, 200.0), sim(2022, "US", "RU", 0.0, 90.0, 200.0), sim(2024, "US", "RU", 0.0, 90.0, 200.0)];
        let (_, m) = compare(&[obs(2, 2021, "US", "RU", 100.0), obs(3, 2022, "US", "RU", 120.0)], &s, "f").unwrap();
        assert_eq!(m.directions, (0, 1));
        let (_, m) = compare(&[obs(2, 2021, "US", "RU", 100.0), obs(3, 2024, "US", "RU", 120.0)], &s, "f").unwrap();
        assert_eq!(m.direction_share(), None, "2021 and 2024 are not consecutive");
    }

    #[test]
    fn zero_observation_has_no_ape_but_counts_for_coverage() {
        let s = vec![sim(2021, "US", "RU", 0.0, 5.0, 10.0)];
        let (rows, m) = compare(&[obs(2, 2021, "US", "RU", 0.0)], &s, "f").unwrap();
        assert_eq!(rows[0].ape_pct, None);
        assert_eq!(m.mdape_pct, None);
        assert_eq!(m.coverage, 1.0);
    }

    #[test]
    fn parse_reads_extra_columns_and_reports_bad_rows() {
        let ok = parse_observed("year,exporter,importer,value_usd,source\n2021,US,RU,16870000000,\"FTS, Russia\"\n", "o.csv").unwrap();
        assert_eq!(ok, vec![obs(2, 2021, "US", "RU", 16.87e9)]);
        let e = parse_observed("year,exporter,importer,value_usd\n2021,US,RU,12\n2021,US,RU,abc\n", "o.csv").unwrap_err();
        assert!(e.starts_with("o.csv:3:") && e.contains("value_usd") && e.contains("`abc`"), "{e}");
        let e = parse_observed("year,exporter,importer,value_usd\n2021,US,RU,-5\n", "o.csv").unwrap_err();
        assert!(e.starts_with("o.csv:2:") && e.contains("`-5`"), "{e}");
        let e = parse_observed("year,exporter,importer\n2021,US,RU\n", "o.csv").unwrap_err();
        assert!(e.contains("missing column `value_usd`"), "{e}");
        let e = parse_observed("year,exporter,importer,value_usd\n2021,US,,5\n", "o.csv").unwrap_err();
        assert!(e.starts_with("o.csv:2:") && e.contains("`importer`"), "{e}");
        let e = parse_observed("year,exporter,importer,value_usd\n20x1,US,RU,5\n", "o.csv").unwrap_err();
        assert!(e.contains("`20x1` is not a year"), "{e}");
    }

    #[test]
    fn check_suggests_codes_and_rejects_years_and_duplicates() {
        let econ: Vec<String> = ["US", "RU", "CN", "EU", "IN", "ROW"].iter().map(|s| s.to_string()).collect();
        let e = check_observed(vec![obs(7, 2021, "US", "RUS", 1.0)], "o.csv", &econ, &[2021], false).unwrap_err();
        assert!(e.starts_with("o.csv:7:") && e.contains("did you mean `RU`"), "{e}");
        assert_eq!(suggest_economy("USSR", &econ), Some("RU"));
        assert_eq!(suggest_economy("row", &econ), Some("ROW"));
        assert_eq!(suggest_economy("CNN", &econ), Some("CN"));
        let e = check_observed(vec![obs(3, 2019, "US", "RU", 1.0)], "o.csv", &econ, &[2021, 2022], false).unwrap_err();
        assert!(e.contains("2019 is not a full calendar year") && e.contains("2021 to 2022"), "{e}");
        let (kept, skipped) =
            check_observed(vec![obs(2, 2019, "US", "RU", 1.0), obs(3, 2021, "US", "RU", 1.0)], "o.csv", &econ, &[2021], true).unwrap();
        assert_eq!((kept.len(), skipped), (1, 1));
        let e = check_observed(vec![obs(2, 2021, "US", "RU", 1.0), obs(5, 2021, "US", "RU", 2.0)], "o.csv", &econ, &[2021], false).unwrap_err();
        assert!(e.contains("o.csv:5:") && e.contains("line 2"), "{e}");
    }
}
