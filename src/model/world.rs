//! Step 1, the world outside the governments: each economy's output trend with its GDP
//! shocks, the world energy price (data path or mean-reverting process) and political events.

use super::math::{exp, ln};
use super::Model;
use crate::scenario::EnergyPricePath;
use rand_distr::{Distribution, Exp1, StandardNormal};

/// World prices relative to base: only the energy sector has one (its index and logarithm);
/// every other sector's is 1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct World {
    energy: Option<usize>,
    index: f64,
    ln: f64,
}

impl World {
    pub(crate) fn new(energy: Option<usize>, ln: f64) -> Self {
        World { energy, index: exp(ln), ln }
    }

    #[inline(always)]
    pub(crate) fn index(&self, s: usize) -> f64 {
        if Some(s) == self.energy {
            self.index
        } else {
            1.0
        }
    }

    #[inline(always)]
    pub(crate) fn ln(&self, s: usize) -> f64 {
        if Some(s) == self.energy {
            self.ln
        } else {
            0.0
        }
    }

    /// The index of sector s raised to `exponent`.
    #[inline(always)]
    pub(crate) fn power(&self, s: usize, exponent: f64) -> f64 {
        if Some(s) == self.energy {
            exp(exponent * self.ln)
        } else {
            1.0
        }
    }
}

/// Linear interpolation of annual averages placed at mid-year; None outside the data.
pub(crate) fn interpolate_annual(data: &[(i32, f64)], t: f64) -> Option<f64> {
    let pts: Vec<(f64, f64)> = data.iter().map(|&(y, v)| (y as f64 + 0.5, v)).collect();
    let first = pts.first()?;
    let last = pts.last()?;
    if t < first.0 - 0.5 || t > last.0 + 0.5 {
        return None;
    }
    if t <= first.0 {
        return Some(first.1);
    }
    if t >= last.0 {
        return Some(last.1);
    }
    pts.windows(2).find(|w| t >= w[0].0 && t <= w[1].0).map(|w| w[0].1 + (w[1].1 - w[0].1) * (t - w[0].0) / (w[1].0 - w[0].0))
}

impl Model<'_> {
    /// Step 1: output trend (GDP shocks), world energy price, political events.
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
        match (sh.energy_price, self.pre.energy_data[k]) {
            (EnergyPricePath::Flat, _) => self.log_energy = self.pre.ln_energy_base,
            (_, Some(p)) => self.log_energy = ln(p),
            _ => {
                let mean = sh.energy_price_mean.map_or(self.pre.ln_energy_base, ln);
                let z: f64 = StandardNormal.sample(&mut self.rng);
                self.log_energy += sh.energy_price_reversion * (mean - self.log_energy) * dt + sh.energy_price_volatility * dt.sqrt() * z;
            }
        }
        self.world = World::new(self.init.energy_sector, self.log_energy - self.pre.ln_energy_base);
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
