//! The model state checked after each step: every flow, price, currency, GDP, income and
//! spending a finite number, flows not negative, GDP, prices and currencies above zero, and no
//! economy importing more (customs value, direct and rerouted) than the larger of its income
//! and its GDP. A run whose state fails is stopped (`run_to_end`) instead of being summarised:
//! its numbers would be written as if they meant something. Pure: reads the state, returns what
//! is wrong. The happy path is one pass of comparisons over the state.

use super::Model;

/// What is wrong with a model state after a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    /// The step just run (0-based).
    pub step: usize,
    /// The quantity: "trade", "rerouted trade", "domestic sales", "imports", "GDP", "export
    /// price", "currency", "income", "spending".
    pub what: &'static str,
    /// Exporter (or the economy) and importer codes, and the sector code, where they apply.
    pub economy: Option<String>,
    pub importer: Option<String>,
    pub sector: Option<String>,
    pub value: f64,
    /// What the value should have been.
    pub allowed: String,
}

impl std::fmt::Display for Anomaly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.what)?;
        match (&self.economy, &self.importer) {
            (Some(e), Some(i)) => write!(f, " {e}→{i}")?,
            (Some(e), None) => write!(f, " of {e}")?,
            (None, Some(i)) => write!(f, " into {i}")?,
            (None, None) => {}
        }
        if let Some(s) = &self.sector {
            write!(f, " in sector {s}")?;
        }
        write!(f, " is {:e}; allowed: {}", self.value, self.allowed)
    }
}

/// Finite and at least zero (NaN fails both comparisons). Counting failures, not stopping at
/// the first, lets the loop run on vectors.
#[inline(always)]
fn all_non_negative(xs: &[f64]) -> bool {
    xs.iter().map(|&x| !((x >= 0.0) & (x <= f64::MAX)) as u32).sum::<u32>() == 0
}

#[inline(always)]
fn all_positive(xs: &[f64]) -> bool {
    xs.iter().map(|&x| !((x > 0.0) & (x <= f64::MAX)) as u32).sum::<u32>() == 0
}

#[inline(always)]
fn all_finite(xs: &[f64]) -> bool {
    xs.iter().map(|&x| !(x.abs() <= f64::MAX) as u32).sum::<u32>() == 0
}

impl Model<'_> {
    /// The first thing wrong with the state after the last step, if any (see the module).
    pub fn check(&self) -> Option<Anomaly> {
        let n = self.pre.n;
        // one pass over the flows: signs, finiteness and each importer's total (rows of
        // `direct` and `rerouted` are [s][i][·]); a stack array for up to 32 economies
        let mut stack = [0.0f64; 32];
        let mut heap = Vec::new();
        let imports: &mut [f64] = if n <= stack.len() {
            &mut stack[..n]
        } else {
            heap.resize(n, 0.0);
            &mut heap
        };
        let mut ok = true;
        for (d, v) in self.direct.chunks_exact(n).zip(self.rerouted.chunks_exact(n)) {
            for ((t, &x), &y) in imports.iter_mut().zip(d).zip(v) {
                ok &= (x >= 0.0) & (y >= 0.0);
                *t += x + y;
            }
        }
        // a NaN or infinite flow makes its importer's total NaN or infinite
        let mut over = false;
        for (j, &t) in imports.iter().enumerate() {
            ok &= t <= f64::MAX;
            over |= t > self.income[j].max(self.gdp[j]);
        }
        let ok = ok
            & all_non_negative(&self.domestic)
            & all_positive(&self.gdp)
            & all_positive(&self.price)
            & all_positive(&self.currency)
            & all_finite(&self.income)
            & all_finite(&self.spending);
        if ok && !over {
            return None;
        }
        Some(self.locate())
    }

    /// The cold path of `check`: find and describe the first anomaly.
    #[cold]
    fn locate(&self) -> Anomaly {
        let (n, m) = (self.pre.n, self.pre.m);
        let e = |i: usize| Some(self.init.economies[i].clone());
        let s = |k: usize| Some(self.init.sectors[k].clone());
        let step = self.k.saturating_sub(1);
        let at = |what, economy, importer, sector, value, allowed: &str| Anomaly { step, what, economy, importer, sector, value, allowed: allowed.to_owned() };
        let flow_ok = |x: f64| (0.0..=f64::MAX).contains(&x);
        let pos_ok = |x: f64| x > 0.0 && x <= f64::MAX;
        for (what, xs) in [("trade", &self.direct), ("rerouted trade", &self.rerouted)] {
            for (r, &x) in xs.iter().enumerate() {
                if !flow_ok(x) {
                    let (k, i, j) = (r / (n * n), r / n % n, r % n);
                    return at(what, e(i), e(j), s(k), x, "a finite number of US dollars, at least 0");
                }
            }
        }
        for (x, &v) in self.domestic.iter().enumerate() {
            if !flow_ok(v) {
                return at("domestic sales", e(x % n), None, s(x / n), v, "a finite number of US dollars, at least 0");
            }
        }
        for (i, &v) in self.gdp.iter().enumerate() {
            if !pos_ok(v) {
                return at("GDP", e(i), None, None, v, "a finite number of US dollars above 0");
            }
        }
        for (x, &v) in self.price.iter().enumerate() {
            if !pos_ok(v) {
                return at("export price", e(x / m), None, s(x % m), v, "a finite price above 0");
            }
        }
        for (i, &v) in self.currency.iter().enumerate() {
            if !pos_ok(v) {
                return at("currency", e(i), None, None, v, "a finite price level above 0");
            }
        }
        for (what, xs) in [("income", &self.income), ("spending", &self.spending)] {
            for (i, &v) in xs.iter().enumerate() {
                if !v.is_finite() {
                    return at(what, e(i), None, None, v, "a finite number of US dollars");
                }
            }
        }
        for j in 0..n {
            let imports: f64 = (j..self.direct.len()).step_by(n).map(|r| self.direct[r] + self.rerouted[r]).sum();
            let limit = self.income[j].max(self.gdp[j]);
            if imports > limit {
                return at("imports", None, e(j), None, imports, &format!("at most the importer's income or GDP ({limit:e} US dollars)"));
            }
        }
        at("state", None, None, None, f64::NAN, "a finite state")
    }
}
