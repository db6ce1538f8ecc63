//! The files of `tradesim solve`: `economies.csv` (output, expenditure, GDP, prices and
//! welfare per economy, base and counterfactual) and `trade.csv` (every route's trade, base
//! and counterfactual), with the changes in percent.

use anyhow::{Context, Result};
use std::path::Path;

/// One economy in the base year and in the counterfactual equilibrium.
#[derive(Debug, Clone, PartialEq)]
pub struct EconomyRow {
    pub economy: String,
    pub output: (f64, f64),
    pub expenditure: (f64, f64),
    pub gdp: (f64, f64),
    /// Output price level (currency, factory-gate price) and consumer price index, relative
    /// to base.
    pub price: f64,
    pub cpi: f64,
}

impl EconomyRow {
    /// Real expenditure Ê/P̂: the welfare change of the Dekle-Eaton-Kortum closure.
    pub fn welfare(&self) -> f64 {
        self.expenditure.1 / self.expenditure.0 / self.cpi
    }
    /// Real output Ŷ/P̂ (real GDP in Yotov et al. 2016).
    pub fn real_output(&self) -> f64 {
        self.output.1 / self.output.0 / self.cpi
    }
}

/// One route, or an economy's domestic sales, in the base year and counterfactual.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeRow {
    /// `trade` (exporter → importer, direct and rerouted) or `domestic` (exporter = importer).
    pub flow: &'static str,
    pub exporter: String,
    pub importer: String,
    pub sector: String,
    pub value: (f64, f64),
}

pub fn pct(ratio: f64) -> String {
    if ratio.is_finite() {
        format!("{:.6}", 100.0 * (ratio - 1.0))
    } else {
        String::new()
    }
}

fn num(x: f64) -> String {
    if x.abs() >= 1e3 {
        format!("{x:.0}")
    } else {
        format!("{x:.9}")
    }
}

pub fn write_economies(path: &Path, rows: &[EconomyRow]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))?;
    w.write_record([
        "economy", "output_base", "output", "output_change_pct", "expenditure_base", "expenditure", "expenditure_change_pct", "gdp_base", "gdp",
        "gdp_change_pct", "price_change_pct", "cpi_change_pct", "welfare_change_pct", "real_output_change_pct",
    ]).with_context(|| format!("cannot write {}", path.display()))?;
    for r in rows {
        w.write_record([
            r.economy.clone(),
            num(r.output.0),
            num(r.output.1),
            pct(r.output.1 / r.output.0),
            num(r.expenditure.0),
            num(r.expenditure.1),
            pct(r.expenditure.1 / r.expenditure.0),
            num(r.gdp.0),
            num(r.gdp.1),
            pct(r.gdp.1 / r.gdp.0),
            pct(r.price),
            pct(r.cpi),
            pct(r.welfare()),
            pct(r.real_output()),
        ]).with_context(|| format!("cannot write {}", path.display()))?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))
}

pub fn write_trade(path: &Path, rows: &[TradeRow]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))?;
    w.write_record(["flow", "exporter", "importer", "sector", "base", "counterfactual", "change_pct"]).with_context(|| format!("cannot write {}", path.display()))?;
    for r in rows {
        w.write_record([r.flow.to_owned(), r.exporter.clone(), r.importer.clone(), r.sector.clone(), num(r.value.0), num(r.value.1), pct(r.value.1 / r.value.0)]).with_context(|| format!("cannot write {}", path.display()))?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))
}
