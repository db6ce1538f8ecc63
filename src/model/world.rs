//! Step 1, the world outside the governments: each economy's output trend with its GDP
//! shocks, the world price paths (each series from its data where the data have it, a
//! mean-reverting process after) and political events.

use super::math::{exp, ln};
use super::Model;
use crate::scenario::PricePath;
use rand_distr::{Distribution, Exp1, StandardNormal};

/// World prices relative to base, per sector: a sector that follows a world price series has
/// its index and logarithm; every other sector's is 1.
#[derive(Debug, Clone)]
pub(crate) struct World {
    priced: Vec<bool>,
    ln: Vec<f64>,
    index: Vec<f64>,
}

impl World {
    /// The sectors' indices from each series' log level relative to base (`ln_series`).
    pub(crate) fn new(sector_series: &[Option<usize>], ln_series: &[f64]) -> Self {
        let mut w = World { priced: sector_series.iter().map(Option::is_some).collect(), ln: vec![0.0; sector_series.len()], index: vec![1.0; sector_series.len()] };
        w.set(sector_series, ln_series);
        w
    }

    pub(crate) fn set(&mut self, sector_series: &[Option<usize>], ln_series: &[f64]) {
        for (s, q) in sector_series.iter().enumerate() {
            if let Some(q) = *q {
                self.ln[s] = ln_series[q];
                self.index[s] = exp(ln_series[q]);
            }
        }
    }

    #[inline(always)]
    pub(crate) fn index(&self, s: usize) -> f64 {
        self.index[s]
    }

    #[inline(always)]
    pub(crate) fn ln(&self, s: usize) -> f64 {
        self.ln[s]
    }

    /// The index of sector s raised to `exponent`.
    #[inline(always)]
    pub(crate) fn power(&self, s: usize, exponent: f64) -> f64 {
        if self.priced[s] {
            exp(exponent * self.ln[s])
        } else {
            1.0
        }
    }
}

/// Linear interpolation of annual averages placed at mid-year; None outside the data.
pub(crate) fn interpolate_annual(data: &[(i32, f64)], t: f64) -> Option<f64> {
    let point = |&(y, v): &(i32, f64)| (y as f64 + 0.5, v);
    let first = point(data.first()?);
    let last = point(data.last()?);
    if t < first.0 - 0.5 || t > last.0 + 0.5 {
        return None;
    }
    if t <= first.0 {
        return Some(first.1);
    }
    if t >= last.0 {
        return Some(last.1);
    }
    data.windows(2).map(|w| (point(&w[0]), point(&w[1]))).find(|(a, b)| t >= a.0 && t <= b.0).map(|(a, b)| a.1 + (b.1 - a.1) * (t - a.0) / (b.0 - a.0))
}

impl Model<'_> {
    /// Step 1: output trend (GDP shocks), world prices, political events.
    #[inline(always)]
    pub(super) fn shocks(&mut self, k: usize) {
        let dt = self.pre.dt;
        let vol_scale = self.sc.shocks.gdp_volatility_scale;
        for i in 0..self.pre.n {
            let z: f64 = StandardNormal.sample(&mut self.rng);
            self.log_trend[i] += self.init.growth[i] * dt + self.init.gdp_volatility[i] * vol_scale * dt.sqrt() * z;
            self.trend_gdp[i] = exp(self.log_trend[i]);
            self.ytrend[i] = self.trend_gdp[i] / self.init.gdp[i];
            if !self.sc.params.budget {
                self.gdp[i] = self.trend_gdp[i] * self.gdp_factor[i];
                self.yhat[i] = self.gdp[i] / self.init.gdp[i];
            }
        }
        let sh = &self.sc.shocks;
        for q in 0..self.log_world.len() {
            let base = self.pre.ln_world_base[q];
            match (sh.world_prices, self.pre.world_data[q][k]) {
                (PricePath::Flat, _) => self.log_world[q] = base,
                (_, Some(p)) => self.log_world[q] = ln(p),
                _ => {
                    let mean = sh.world_price_mean.iter().find(|(s, _)| *s == q).map_or(base, |&(_, m)| ln(m));
                    let z: f64 = StandardNormal.sample(&mut self.rng);
                    self.log_world[q] += sh.world_price_reversion * (mean - self.log_world[q]) * dt + sh.world_price_volatility * dt.sqrt() * z;
                }
            }
            self.ln_world_rel[q] = self.log_world[q] - base;
        }
        self.world.set(&self.init.sector_series, &self.ln_world_rel);
        for (p, &(_, size)) in self.pre.events.iter().enumerate() {
            self.events_now[p] = 0.0;
            let Some(dist) = &self.pre.event_count[p] else { continue };
            let count = dist.sample(&mut self.rng) as usize;
            for _ in 0..count {
                let e: f64 = Exp1.sample(&mut self.rng);
                self.events_now[p] += e * size;
            }
        }
    }
}
