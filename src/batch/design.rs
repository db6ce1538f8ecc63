//! A batch's design points (grid, explicit points, Latin hypercube; a table's rows; Saltelli
//! and Morris points in the unit cube, mapped to values by `sensitivity::to_values`) and its
//! variants: every scenario entry with every point applied, in id order. Pure: the Latin
//! hypercube and Morris' trajectories draw from `rng::design_rng(batch seed)`. An
//! attribution's variants are the subsets of its players (`attribution::plan`).

use super::{Batch, Design, Variant};
use crate::rng::design_rng;
use rand::seq::SliceRandom;
use rand::Rng;

impl Batch {
    /// The design points, each a value per `vary` (in `vary` order). A batch that varies
    /// nothing has one point (the scenarios as written).
    pub fn points(&self) -> Vec<Vec<toml::Value>> {
        match &self.design {
            Design::Grid => {
                let mut pts: Vec<Vec<toml::Value>> = vec![Vec::new()];
                for v in &self.vary {
                    pts = pts.into_iter().flat_map(|p| v.values.iter().map(move |x| [p.clone(), vec![x.clone()]].concat())).collect();
                }
                pts
            }
            Design::Sobol { samples } => super::sensitivity::saltelli(*samples, self.vary.len()).into_iter().map(unit_values).collect(),
            Design::Morris { trajectories, levels } => {
                let mut rng = design_rng(self.seed);
                super::sensitivity::morris(*trajectories, *levels, self.vary.len(), &mut rng).points.into_iter().map(unit_values).collect()
            }
            // the subsets of the players, made with the scenario's levers (`attribution::plan`)
            Design::Attribution { .. } => vec![Vec::new()],
            Design::Points | Design::Table { .. } => {
                let n = self.vary.first().map_or(1, |v| v.values.len());
                (0..n).map(|k| self.vary.iter().map(|v| v.values[k].clone()).collect()).collect()
            }
            Design::Lhs { samples } => {
                let n = *samples;
                let mut rng = design_rng(self.seed);
                let mut pts = vec![Vec::new(); n];
                for v in &self.vary {
                    let (lo, hi) = v.range.unwrap_or((0.0, 0.0));
                    let mut strata: Vec<usize> = (0..n).collect();
                    strata.shuffle(&mut rng);
                    for (p, &k) in pts.iter_mut().zip(&strata) {
                        let u: f64 = rng.random();
                        p.push(toml::Value::Float(lo + (hi - lo) * (k as f64 + u) / n as f64));
                    }
                }
                pts
            }
        }
    }

    /// The Morris trajectories of a morris batch (the order of its points), else None.
    pub fn morris(&self) -> Option<super::sensitivity::Morris> {
        match &self.design {
            Design::Morris { trajectories, levels } => Some(super::sensitivity::morris(*trajectories, *levels, self.vary.len(), &mut design_rng(self.seed))),
            _ => None,
        }
    }

    /// Every variant, in id order.
    pub fn variants(&self) -> Vec<Variant> {
        let points = self.points();
        let mut out = Vec::new();
        for e in 0..self.entries.len() {
            for p in &points {
                out.push(Variant { id: out.len(), entry: e, values: p.clone() });
            }
        }
        out
    }
}

/// A point in the unit cube as design values (floats in [0, 1]).
fn unit_values(p: Vec<f64>) -> Vec<toml::Value> {
    p.into_iter().map(toml::Value::Float).collect()
}

#[cfg(test)]
mod tests {
    use crate::batch::parse_batch;

    #[test]
    fn grid_is_full_factorial_last_fastest() {
        let b = parse_batch(
            "[[scenario]]\npath='a.toml'\n[[vary]]\npath='params.gamma'\nvalues=[0.1,0.2,0.3]\n[[vary]]\npath='rule.eu_aligns.probability'\nvalues=[0.5,1.0]\n",
            "x.batch.toml",
        )
        .unwrap();
        let pts = b.points();
        assert_eq!(pts.len(), 6);
        assert_eq!(pts[1], vec![toml::Value::Float(0.1), toml::Value::Float(1.0)]);
        assert_eq!(b.name, "x");
        assert_eq!(b.variants().len(), 6);
    }

    #[test]
    fn points_zip_and_must_have_equal_lengths() {
        let ok = parse_batch("design='points'\n[[scenario]]\npath='a'\n[[vary]]\npath='a.b'\nvalues=[1,2]\n[[vary]]\npath='c'\nvalues=['x','y']\n", "b").unwrap();
        assert_eq!(ok.points(), vec![vec![toml::Value::Integer(1), "x".into()], vec![toml::Value::Integer(2), "y".into()]]);
        let bad = parse_batch("design='points'\n[[scenario]]\npath='a'\n[[vary]]\npath='a.b'\nvalues=[1,2]\n[[vary]]\npath='c'\nvalues=[3]\n", "b");
        assert!(bad.unwrap_err().contains("one value per point"));
    }

    #[test]
    fn lhs_has_one_point_per_stratum_and_is_seeded() {
        let text = "seed=5\ndesign='lhs'\nsamples=10\n[[scenario]]\npath='a'\n[[vary]]\npath='params.gamma'\nmin=0.0\nmax=1.0\n[[vary]]\npath='params.phi'\nmin=2.0\nmax=4.0\n";
        let b = parse_batch(text, "b").unwrap();
        let pts = b.points();
        assert_eq!(pts, parse_batch(text, "b").unwrap().points());
        for (d, (lo, hi)) in [(0, (0.0, 1.0)), (1, (2.0, 4.0))] {
            let mut strata: Vec<usize> = pts.iter().map(|p| ((p[d].as_float().unwrap() - lo) / (hi - lo) * 10.0).floor() as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
    }
}
