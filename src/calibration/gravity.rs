//! A one-sector structural-gravity dataset (exporter, importer, trade value with internal
//! trade, as in Yotov, Piermartini, Monteiro and Larch 2016, ch. 2) and its trade-cost
//! changes, turned into a base year the model can solve: one sector `goods`, internal trade as
//! domestic sales, no GDP beyond trade (value added = output).

use crate::model::{Init, Layout};
use crate::scenario::Universe;
use serde::Deserialize;

#[derive(Deserialize)]
struct FlowRow {
    exporter: String,
    importer: String,
    value: f64,
}

#[derive(Deserialize)]
struct CostRow {
    exporter: String,
    importer: String,
    tau_hat: f64,
}

/// The dataset: economies in order of first appearance, trade [i][j] (internal on the
/// diagonal) and trade-cost factors τ̂ [i][j].
#[derive(Debug, Clone, PartialEq)]
pub struct Gravity {
    pub economies: Vec<String>,
    pub trade: Vec<f64>,
    pub tau_hat: Vec<f64>,
}

fn records<T: for<'de> Deserialize<'de>>(name: &str, text: &str, columns: &str, need_rows: bool) -> Result<Vec<(usize, T)>, String> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.deserialize::<T>().enumerate() {
        let line = i + 2;
        out.push((line, rec.map_err(|e| format!("{name}:{line}: {e} (the file needs the columns {columns})"))?));
    }
    if need_rows && out.is_empty() {
        return Err(format!("{name}: no rows (the file needs a header {columns} and one row per pair)"));
    }
    Ok(out)
}

impl Gravity {
    /// Parse the flows and cost files' texts; `flows_name` and `costs_name` are used in messages.
    pub fn parse(flows_name: &str, flows: &str, costs_name: &str, costs: &str) -> Result<Self, String> {
        let rows: Vec<(usize, FlowRow)> = records(flows_name, flows, "exporter,importer,value", true)?;
        let mut economies: Vec<String> = Vec::new();
        for (_, r) in &rows {
            for e in [&r.exporter, &r.importer] {
                if !economies.contains(e) {
                    economies.push(e.clone());
                }
            }
        }
        let n = economies.len();
        if n < 2 {
            return Err(format!("{flows_name}: needs at least two economies (found {n})"));
        }
        let at = |e: &str| economies.iter().position(|x| x == e).unwrap_or(0);
        let mut trade = vec![f64::NAN; n * n];
        for (line, r) in &rows {
            if !(r.value.is_finite() && r.value >= 0.0) {
                return Err(format!("{flows_name}:{line}: value must be a non-negative number (got {})", r.value));
            }
            let x = at(&r.exporter) * n + at(&r.importer);
            if !trade[x].is_nan() {
                return Err(format!("{flows_name}:{line}: the pair {} → {} is listed twice", r.exporter, r.importer));
            }
            trade[x] = r.value;
        }
        for v in trade.iter_mut().filter(|v| v.is_nan()) {
            *v = 0.0;
        }
        for (i, e) in economies.iter().enumerate() {
            let output: f64 = (0..n).map(|j| trade[i * n + j]).sum();
            let spending: f64 = (0..n).map(|j| trade[j * n + i]).sum();
            if output <= 0.0 || spending <= 0.0 {
                return Err(format!("{flows_name}: `{e}` needs positive output and expenditure (rows with it as exporter and as importer)"));
            }
        }
        let mut tau_hat = vec![1.0; n * n];
        for (line, r) in records::<CostRow>(costs_name, costs, "exporter,importer,tau_hat", false)? {
            let (Some(i), Some(j)) = (economies.iter().position(|x| *x == r.exporter), economies.iter().position(|x| *x == r.importer)) else {
                return Err(format!("{costs_name}:{line}: unknown economy in {} → {} (the flows file has {})", r.exporter, r.importer, economies.join(", ")));
            };
            if i == j {
                return Err(format!("{costs_name}:{line}: internal trade costs stay at 1 (the numeraire of trade costs); list pairs of two economies"));
            }
            if !(r.tau_hat.is_finite() && r.tau_hat > 0.0) {
                return Err(format!("{costs_name}:{line}: tau_hat must be a positive number (got {})", r.tau_hat));
            }
            if trade[i * n + j] <= 0.0 && r.tau_hat != 1.0 {
                return Err(format!("{costs_name}:{line}: {} → {} has no trade in the flows file, so a cost change cannot act", r.exporter, r.importer));
            }
            tau_hat[i * n + j] = r.tau_hat;
        }
        Ok(Gravity { economies, trade, tau_hat })
    }

    /// The base year: one sector `goods`, internal trade as domestic sales, GDP = output.
    pub fn init(&self) -> Init {
        let n = self.economies.len();
        let layout = Layout::new(n, 1, 0);
        let mut flows = vec![0.0; n * n];
        let mut domestic = vec![0.0; n];
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    domestic[j] = self.trade[i * n + j];
                } else {
                    flows[layout.route(0, i, j)] = self.trade[i * n + j];
                }
            }
        }
        Init {
            economies: self.economies.clone(),
            sectors: vec!["goods".into()],
            base: 2000,
            gdp: (0..n).map(|i| (0..n).map(|j| self.trade[i * n + j]).sum()).collect(),
            growth: vec![0.0; n],
            gdp_volatility: vec![0.0; n],
            flows,
            tension: vec![0.0; layout.pairs()],
            domestic,
            va_ratio: vec![1.0; n],
            mirror: vec![1.0; n * n],
            world: Vec::new(),
            sector_series: vec![None],
            reroutable: vec![true],
        }
    }

    /// What a scenario on this dataset may name: σ for both nests (a flat CES over all
    /// origins, internal trade included).
    pub fn universe(&self, sigma: f64) -> Universe {
        Universe {
            economies: self.economies.clone(),
            sectors: vec!["goods".into()],
            bases: vec![2000],
            sigma: vec![sigma],
            esubd: vec![sigma],
            lambda: vec![1.0],
            eta: vec![1.0],
            priors: Vec::new(),
            world_series: Vec::new(),
            sector_series: vec![None],
            hub: self.economies.len() - 1,
            numeraire: 0,
        }
    }

    /// τ̂ per model route [s][i][j] (one sector).
    pub fn route_tau(&self) -> Vec<f64> {
        self.tau_hat.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_pairs_and_rejects_what_cannot_be_solved() {
        let flows = "exporter,importer,value\nA,A,80\nA,B,20\nB,A,30\nB,B,70\n";
        let g = Gravity::parse("f.csv", flows, "c.csv", "exporter,importer,tau_hat\nA,B,1.2\n").unwrap();
        assert_eq!(g.economies, vec!["A", "B"]);
        assert_eq!(g.trade, vec![80.0, 20.0, 30.0, 70.0]);
        assert_eq!(g.tau_hat, vec![1.0, 1.2, 1.0, 1.0]);
        let init = g.init();
        assert_eq!(init.domestic, vec![80.0, 70.0]);
        assert_eq!(init.gdp, vec![100.0, 100.0]);
        let bad = |f: &str, c: &str| Gravity::parse("f.csv", f, "c.csv", c).unwrap_err();
        assert!(bad(flows, "exporter,importer,tau_hat\nA,A,1.2\n").contains("c.csv:2: internal trade costs"));
        assert!(bad(flows, "exporter,importer,tau_hat\nA,C,1.2\n").contains("unknown economy"));
        assert!(bad(flows, "exporter,importer,tau_hat\nA,B,-1\n").contains("c.csv:2: tau_hat must be a positive"));
        assert!(bad("exporter,importer,value\nA,A,1\nA,A,2\nB,B,1\n", "exporter,importer,tau_hat\n").contains("listed twice"));
        assert!(bad("exporter,importer,value\nA,A,1\nA,B,1\n", "exporter,importer,tau_hat\n").contains("`B` needs positive output"));
        assert!(bad("exp,imp,v\nA,A,1\n", "exporter,importer,tau_hat\n").contains("f.csv:2"));
    }
}
