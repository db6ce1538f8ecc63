//! The layout of one step's observation: a flat slice of numbers the model writes and the
//! summaries read. Offsets depend only on the number of economies, sectors and rules.

/// Offsets into an observation slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub n: usize,
    pub m: usize,
    pub rules: usize,
    /// World price series.
    pub prices: usize,
}

impl Layout {
    /// The layout for n economies, m sectors, a number of rules and one world price series.
    pub fn new(n: usize, m: usize, rules: usize) -> Self {
        Layout { n, m, rules, prices: 1 }
    }
    /// The same with `prices` world price series.
    pub fn with_prices(mut self, prices: usize) -> Self {
        self.prices = prices;
        self
    }
    /// Index of a route (sector s, exporter i, importer j) in an m·n·n block.
    pub fn route(&self, s: usize, i: usize, j: usize) -> usize {
        (s * self.n + i) * self.n + j
    }
    pub fn routes(&self) -> usize {
        self.m * self.n * self.n
    }
    pub fn pairs(&self) -> usize {
        self.n * (self.n - 1) / 2
    }
    /// Index of unordered pair (a, b), a != b, among `pairs()`.
    pub fn pair(&self, a: usize, b: usize) -> usize {
        let (a, b) = (a.min(b), a.max(b));
        a * self.n - a * (a + 1) / 2 + (b - a - 1)
    }
    /// Recorded customs flows (direct plus both legs of transit), USD per year.
    pub fn trade(&self) -> usize {
        0
    }
    /// Rerouted trade by origin and final destination (value at the destination), USD per year.
    pub fn transit(&self) -> usize {
        self.routes()
    }
    pub fn tension(&self) -> usize {
        2 * self.routes()
    }
    /// GDP, current USD per year.
    pub fn gdp(&self) -> usize {
        self.tension() + self.pairs()
    }
    /// Exporter price relative to base (and to the world price in the energy sector), [i][s].
    pub fn price(&self) -> usize {
        self.gdp() + self.n
    }
    /// World prices, each series in its unit.
    pub fn world_price(&self) -> usize {
        self.price() + self.n * self.m
    }
    /// 1 if the rule has fired by this step, else 0.
    pub fn rule_fired(&self) -> usize {
        self.world_price() + self.prices
    }
    /// Domestic sales [s][j] (what j's producers sell at home), USD per year.
    pub fn domestic(&self) -> usize {
        self.rule_fired() + self.rules
    }
    /// Currency: USD price level of each economy's output relative to base.
    pub fn currency(&self) -> usize {
        self.domestic() + self.m * self.n
    }
    /// Recorded trade of each pair [i][j] on the exporter-reported basis (all sectors): the
    /// importer-reported values times the base-year mirror ratios, USD per year.
    pub fn exporter_reported(&self) -> usize {
        self.currency() + self.n
    }
    pub fn len(&self) -> usize {
        self.exporter_reported() + self.n * self.n
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_index_is_dense_and_symmetric() {
        let l = Layout::new(6, 8, 2);
        let mut seen = vec![false; l.pairs()];
        for a in 0..6 {
            for b in 0..6 {
                if a != b {
                    assert_eq!(l.pair(a, b), l.pair(b, a));
                    seen[l.pair(a, b)] = true;
                }
            }
        }
        assert!(seen.iter().all(|&x| x));
        assert_eq!(l.len(), 2 * 288 + 15 + 6 + 48 + 1 + 2 + 48 + 6 + 36);
    }
}
