//! Scenario discovery with PRIM (Friedman and Fisher 1999, as the EMA Workbench does it),
//! pure: on points x (a batch's variants: the varied parameters) with an outcome y in [0, 1]
//! (1: the case of interest, or a share of runs), peel a box down from the whole data, each
//! step cutting off the `alpha` share of the box's points at one side of one dimension that
//! leaves the highest mean outcome, until the box holds less than `min_mass` of the points:
//! the peeling trajectory, along which coverage (the box's share of all cases of interest)
//! falls as density (their share inside the box) rises. The chosen box (among the boxes of
//! at least `threshold` density, the one with the highest harmonic mean of coverage and
//! density; the densest box when none reaches the threshold) is then pasted: a side moves
//! back out while that raises the density.
//!
//! Why the harmonic mean and not "the most coverage above the threshold": coverage only falls
//! along the trajectory, so that rule takes the first box to cross the threshold, whose density
//! is the threshold's however cleanly the data separate; the harmonic mean goes on rising while
//! a peel gains more density than it loses coverage, and is 1 only for an exact box.

/// The data: `names[j]` the j-th dimension, `x[i][j]` point i's value, `y[i]` its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub names: Vec<String>,
    pub x: Vec<Vec<f64>>,
    pub y: Vec<f64>,
}

/// A box: per dimension the lowest and highest value inside.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    pub points: usize,
    pub mass: f64,
    pub coverage: f64,
    pub density: f64,
}

impl PrimBox {
    fn contains(&self, p: &[f64]) -> bool {
        p.iter().zip(self.lo.iter().zip(&self.hi)).all(|(v, (lo, hi))| v >= lo && v <= hi)
    }

    /// The dimensions the box restricts (a side inside the data's range).
    pub fn restricted(&self, data_lo: &[f64], data_hi: &[f64]) -> Vec<usize> {
        (0..self.lo.len()).filter(|&j| self.lo[j] > data_lo[j] || self.hi[j] < data_hi[j]).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Share of the box's points one peel (and one paste) moves.
    pub alpha: f64,
    /// Peeling stops below this share of all points.
    pub min_mass: f64,
    /// The chosen box has at least this density (else the densest box is chosen); among those,
    /// the best harmonic mean of coverage and density.
    pub threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { alpha: 0.05, min_mass: 0.05, threshold: 0.8 }
    }
}

/// The result: the peeling trajectory (step 0 is the whole data), the chosen step, and the
/// chosen box after pasting.
#[derive(Debug, Clone, PartialEq)]
pub struct Prim {
    pub trajectory: Vec<PrimBox>,
    pub chosen: usize,
    pub pasted: PrimBox,
    pub data_lo: Vec<f64>,
    pub data_hi: Vec<f64>,
}

fn measure(data: &Data, lo: Vec<f64>, hi: Vec<f64>, total: f64) -> PrimBox {
    let mut b = PrimBox { lo, hi, points: 0, mass: 0.0, coverage: 0.0, density: 0.0 };
    let (mut n, mut s) = (0usize, 0.0);
    for (p, y) in data.x.iter().zip(&data.y) {
        if b.contains(p) {
            n += 1;
            s += y;
        }
    }
    b.points = n;
    b.mass = n as f64 / data.x.len() as f64;
    b.coverage = if total > 0.0 { s / total } else { 0.0 };
    b.density = if n > 0 { s / n as f64 } else { 0.0 };
    b
}

/// The candidate boxes one peel makes from `b`: per dimension, the lower side raised past
/// the `alpha` share of the box's points with the lowest values (at least one distinct value),
/// and the upper side lowered likewise.
fn peels(data: &Data, b: &PrimBox, alpha: f64, total: f64) -> Vec<PrimBox> {
    let inside: Vec<&Vec<f64>> = data.x.iter().filter(|p| b.contains(p)).collect();
    let mut out = Vec::new();
    let cut = ((alpha * inside.len() as f64).floor() as usize).max(1);
    for j in 0..data.names.len() {
        let mut v: Vec<f64> = inside.iter().map(|p| p[j]).collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() || v[0] == v[v.len() - 1] {
            continue;
        }
        // lower side: the smallest value above the cut-th smallest's, or above the minimum
        let mut k = cut.min(v.len() - 1);
        if v[k] == v[0] {
            k = v.iter().position(|&x| x > v[0]).unwrap_or(v.len() - 1);
        }
        let mut lo = b.lo.clone();
        lo[j] = v[k];
        out.push(measure(data, lo, b.hi.clone(), total));
        let mut k = v.len() - 1 - cut.min(v.len() - 1);
        if v[k] == v[v.len() - 1] {
            k = v.iter().rposition(|&x| x < v[v.len() - 1]).unwrap_or(0);
        }
        let mut hi = b.hi.clone();
        hi[j] = v[k];
        out.push(measure(data, b.lo.clone(), hi, total));
    }
    out
}

/// PRIM on `data`: peel, choose, paste. Err if the data has no points, no dimension or no case
/// of interest.
pub fn prim(data: &Data, opt: &Options) -> Result<Prim, String> {
    let (n, d) = (data.x.len(), data.names.len());
    if n == 0 || d == 0 {
        return Err("no points or no dimensions to search".into());
    }
    if data.y.iter().any(|y| !(0.0..=1.0).contains(y)) {
        return Err("the outcome must lie in [0, 1] (a case of interest is 1); give a threshold to turn a number into one".into());
    }
    let total: f64 = data.y.iter().sum();
    if total <= 0.0 {
        return Err("no point has the outcome: nothing to find".into());
    }
    let data_lo: Vec<f64> = (0..d).map(|j| data.x.iter().map(|p| p[j]).fold(f64::INFINITY, f64::min)).collect();
    let data_hi: Vec<f64> = (0..d).map(|j| data.x.iter().map(|p| p[j]).fold(f64::NEG_INFINITY, f64::max)).collect();
    let mut trajectory = vec![measure(data, data_lo.clone(), data_hi.clone(), total)];
    loop {
        let b = trajectory.last().expect("starts with the whole data");
        let best = peels(data, b, opt.alpha, total)
            .into_iter()
            .filter(|c| c.points > 0 && c.points < b.points)
            // highest density; ties: the larger box, then the first dimension
            .fold(None::<PrimBox>, |best, c| match best {
                Some(x) if x.density > c.density || (x.density == c.density && x.points >= c.points) => Some(x),
                _ => Some(c),
            });
        match best {
            Some(c) if c.mass >= opt.min_mass && c.density >= b.density => trajectory.push(c),
            _ => break,
        }
    }
    // the balance of the two: their harmonic mean (1 only for the box that holds every case
    // of interest and nothing else); ties go to the earlier (larger) box
    let balance = |b: &PrimBox| if b.coverage + b.density > 0.0 { 2.0 * b.coverage * b.density / (b.coverage + b.density) } else { 0.0 };
    let chosen = (0..trajectory.len())
        .filter(|&k| trajectory[k].density >= opt.threshold)
        .max_by(|&a, &b| balance(&trajectory[a]).total_cmp(&balance(&trajectory[b])).then(b.cmp(&a)))
        .unwrap_or_else(|| (0..trajectory.len()).max_by(|&a, &b| trajectory[a].density.total_cmp(&trajectory[b].density)).unwrap_or(0));
    let pasted = paste(data, &trajectory[chosen], opt.alpha, total, &data_lo, &data_hi);
    Ok(Prim { trajectory, chosen, pasted, data_lo, data_hi })
}

/// Pasting: move a restricted side back out to take in about `alpha` of the box's points
/// more (the nearest values outside), keeping the move that raises the density most, until
/// none does.
fn paste(data: &Data, b: &PrimBox, alpha: f64, total: f64, data_lo: &[f64], data_hi: &[f64]) -> PrimBox {
    let mut cur = b.clone();
    loop {
        let take = ((alpha * cur.points as f64).ceil() as usize).max(1);
        let mut best: Option<PrimBox> = None;
        for j in 0..data.names.len() {
            // points inside on every other side, outside on this one
            let others = |p: &Vec<f64>| (0..p.len()).all(|k| k == j || (p[k] >= cur.lo[k] && p[k] <= cur.hi[k]));
            let mut below: Vec<f64> = data.x.iter().filter(|p| others(p) && p[j] < cur.lo[j]).map(|p| p[j]).collect();
            let mut above: Vec<f64> = data.x.iter().filter(|p| others(p) && p[j] > cur.hi[j]).map(|p| p[j]).collect();
            below.sort_by(|a, b| b.total_cmp(a));
            above.sort_by(f64::total_cmp);
            let mut cands = Vec::new();
            if cur.lo[j] > data_lo[j] && !below.is_empty() {
                let mut lo = cur.lo.clone();
                lo[j] = below[(take - 1).min(below.len() - 1)];
                cands.push(measure(data, lo, cur.hi.clone(), total));
            }
            if cur.hi[j] < data_hi[j] && !above.is_empty() {
                let mut hi = cur.hi.clone();
                hi[j] = above[(take - 1).min(above.len() - 1)];
                cands.push(measure(data, cur.lo.clone(), hi, total));
            }
            for c in cands {
                if c.density > best.as_ref().map_or(cur.density, |x| x.density) {
                    best = Some(c);
                }
            }
        }
        match best {
            Some(c) => cur = c,
            None => return cur,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn peeling_raises_density_and_lowers_coverage() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let x: Vec<Vec<f64>> = (0..400).map(|_| vec![rng.random::<f64>(), rng.random::<f64>()]).collect();
        let y = x.iter().map(|p| if p[0] > 0.5 { 1.0 } else { 0.0 }).collect();
        let r = prim(&Data { names: vec!["a".into(), "b".into()], x, y }, &Options::default()).unwrap();
        assert!(r.trajectory.windows(2).all(|w| w[1].density >= w[0].density && w[1].coverage <= w[0].coverage + 1e-12));
        assert!(r.pasted.density > 0.95 && r.pasted.coverage > 0.9, "{:?}", r.pasted);
        assert_eq!(r.pasted.restricted(&r.data_lo, &r.data_hi), vec![0]);
    }
}
