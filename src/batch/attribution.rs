//! Shapley attribution, pure: the players (groups of levers and rules, or each lever), the
//! subsets of them a batch runs (all 2^k up to `MAX_EXACT` players; beyond, the prefixes of
//! sampled permutations), a subset's scenario document, and the per-run arithmetic: each
//! player's Shapley value of the change from the no-lever run, its one-at-a-time effect, the
//! total change and the interaction remainder, accumulated one subset at a time over a block of
//! runs (so memory is the block's, not the batch's).
//!
//! A Shapley value is linear in the subsets' values: φ_i = Σ_S c(i, S) v(S), with
//! c(i, S) = (|S|−1)!(k−|S|)!/k! if i ∈ S and −|S|!(k−|S|−1)!/k! if not (exact), or ±1/M at the
//! two prefixes around i in each of M permutations (sampled). Every subset runs on the same
//! seed, so v(S) − v(∅) in a run is the subset's effect with the same shocks and draws.

use super::Group;
use rand::seq::SliceRandom;
use rand::Rng;

/// Players up to which every subset is run (2^10 = 1,024 subsets); beyond, permutations are
/// sampled.
pub const MAX_EXACT: usize = 10;
/// Permutations sampled beyond `MAX_EXACT` players unless the batch file says `permutations`.
pub const DEFAULT_PERMUTATIONS: usize = 100;

/// A player: levers and rules (by id) switched on and off together.
#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    pub name: String,
    pub levers: Vec<String>,
    pub rules: Vec<String>,
}

/// Id of the k-th table of `[[lever]]` or `[[rule]]` (the default id when none is written).
fn table_id(t: &toml::Value, prefix: &str, k: usize) -> String {
    t.get("id").and_then(|v| v.as_str()).map_or_else(|| format!("{prefix}{}", k + 1), str::to_owned)
}

fn ids(doc: &toml::Value, kind: &str) -> Vec<String> {
    doc.get(kind).and_then(|v| v.as_array()).map_or_else(Vec::new, |a| a.iter().enumerate().map(|(k, t)| table_id(t, kind, k)).collect())
}

/// The players of a scenario document: the groups (every id must name a lever or rule of the
/// scenario, each at most once), or, with no groups, each lever by its id. Levers and rules in
/// no group stay in every subset.
pub fn players(groups: &[Group], doc: &toml::Value) -> Result<Vec<Player>, String> {
    let (levers, rules) = (ids(doc, "lever"), ids(doc, "rule"));
    if groups.is_empty() {
        if levers.is_empty() {
            return Err("the scenario has no `[[lever]]` to attribute".into());
        }
        return Ok(levers.into_iter().map(|id| Player { name: id.clone(), levers: vec![id], rules: Vec::new() }).collect());
    }
    let mut problems = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for g in groups {
        for (list, valid, what) in [(&g.levers, &levers, "lever"), (&g.rules, &rules, "rule")] {
            for id in list {
                if !valid.contains(id) {
                    problems.push(format!("group `{}`: no {what} `{id}` in the scenario; its {what}s: {}", g.name, valid.join(", ")));
                } else if seen.contains(&id.as_str()) {
                    problems.push(format!("group `{}`: {what} `{id}` is in two groups", g.name));
                }
                seen.push(id);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    Ok(groups.iter().map(|g| Player { name: g.name.clone(), levers: g.levers.clone(), rules: g.rules.clone() }).collect())
}

/// The subsets an attribution runs, as bit masks over the players (bit i: player i on), in
/// increasing order: the empty set first, all players last.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub players: Vec<Player>,
    pub subsets: Vec<u64>,
    /// The sampled permutations (empty when every subset is run: exact values).
    pub permutations: Vec<Vec<usize>>,
}

impl Plan {
    pub fn exact(&self) -> bool {
        self.permutations.is_empty()
    }

    fn index(&self, mask: u64) -> usize {
        self.subsets.binary_search(&mask).expect("the plan runs every subset it uses")
    }

    /// The players on in subset `s`, by name.
    pub fn members(&self, s: usize) -> Vec<&str> {
        (0..self.players.len()).filter(|i| self.subsets[s] >> i & 1 == 1).map(|i| self.players[i].name.as_str()).collect()
    }

    /// c(i, s): φ_i = Σ_s c(i, s) v(s), [player][subset].
    pub fn coefficients(&self) -> Vec<Vec<f64>> {
        let k = self.players.len();
        let mut c = vec![vec![0.0; self.subsets.len()]; k];
        if self.exact() {
            // w(s) = s!(k−s−1)!/k!, the weight of a subset of size s without i
            let fact = |n: usize| (1..=n).fold(1.0f64, |f, x| f * x as f64);
            let w = |s: usize| fact(s) * fact(k - s - 1) / fact(k);
            for (si, &mask) in self.subsets.iter().enumerate() {
                let size = mask.count_ones() as usize;
                for (i, ci) in c.iter_mut().enumerate() {
                    ci[si] = if mask >> i & 1 == 1 { w(size - 1) } else { -w(size) };
                }
            }
        } else {
            let m = self.permutations.len() as f64;
            for p in &self.permutations {
                let mut prefix = 0u64;
                for &i in p {
                    let next = prefix | 1 << i;
                    c[i][self.index(next)] += 1.0 / m;
                    c[i][self.index(prefix)] -= 1.0 / m;
                    prefix = next;
                }
            }
        }
        c
    }

    /// The subset of player i alone (its one-at-a-time effect).
    pub fn single(&self, i: usize) -> usize {
        self.index(1 << i)
    }

    /// Per permutation and player, (subset after i joins, subset before): the permutation's
    /// marginal contribution of i (for the sampling error of sampled values).
    pub fn marginals(&self) -> Vec<Vec<(usize, usize)>> {
        self.permutations
            .iter()
            .map(|p| {
                let mut out = vec![(0, 0); p.len()];
                let mut prefix = 0u64;
                for &i in p {
                    let next = prefix | 1 << i;
                    out[i] = (self.index(next), self.index(prefix));
                    prefix = next;
                }
                out
            })
            .collect()
    }
}

/// The subsets to run: all of them for up to `MAX_EXACT` players, else the empty set, each
/// player alone, all players, and every prefix of `permutations` random orders drawn from `rng`.
pub fn plan(players: Vec<Player>, permutations: usize, rng: &mut impl Rng) -> Plan {
    let k = players.len();
    if k <= MAX_EXACT {
        return Plan { subsets: (0..1u64 << k).collect(), players, permutations: Vec::new() };
    }
    let full = if k == 64 { u64::MAX } else { (1u64 << k) - 1 };
    let mut subsets: Vec<u64> = vec![0, full];
    subsets.extend((0..k).map(|i| 1u64 << i));
    let mut perms = Vec::with_capacity(permutations);
    for _ in 0..permutations {
        let mut p: Vec<usize> = (0..k).collect();
        p.shuffle(rng);
        let mut prefix = 0u64;
        for &i in &p {
            prefix |= 1 << i;
            subsets.push(prefix);
        }
        perms.push(p);
    }
    subsets.sort_unstable();
    subsets.dedup();
    Plan { players, subsets, permutations: perms }
}

/// The scenario document of subset `mask`: the levers and rules of the players that are off
/// removed. Every lever and rule first gets its id written out, so the ids (and with them the
/// paths that name each uncertain parameter's draws, `rng::prior_rng`) are the same in every
/// subset: common random numbers for the priors too. And `shocks.common_random_numbers` is
/// set, so the rules and the trade noise draw from generators of their own and every subset
/// sees the same shocks (with one generator, a lever that opens a rerouted flow draws its
/// noise and shifts every later draw of the run).
pub fn subset_doc(doc: &toml::Value, players: &[Player], mask: u64) -> toml::Value {
    let mut d = doc.clone();
    if let Some(t) = d.as_table_mut() {
        let shocks = t.entry("shocks").or_insert_with(|| toml::Value::Table(Default::default()));
        if let Some(s) = shocks.as_table_mut() {
            s.insert("common_random_numbers".into(), toml::Value::Boolean(true));
        }
    }
    let off = |kind: &str, id: &str| players.iter().enumerate().any(|(i, p)| mask >> i & 1 == 0 && if kind == "lever" { &p.levers } else { &p.rules }.iter().any(|x| x == id));
    if let Some(t) = d.as_table_mut() {
        for kind in ["lever", "rule"] {
            if let Some(arr) = t.get_mut(kind).and_then(|v| v.as_array_mut()) {
                let mut kept = Vec::new();
                for (k, mut item) in std::mem::take(arr).into_iter().enumerate() {
                    let id = table_id(&item, kind, k);
                    if off(kind, &id) {
                        continue;
                    }
                    if let Some(it) = item.as_table_mut() {
                        it.insert("id".into(), toml::Value::String(id));
                    }
                    kept.push(item);
                }
                *arr = kept;
            }
        }
    }
    d
}

/// Per-run attribution of a block of runs, accumulated one subset at a time (the empty set
/// first): each player's Shapley value and one-at-a-time effect, the total change, for each of
/// `width` values per run.
pub struct Accumulator {
    coef: Vec<Vec<f64>>,
    singles: Vec<usize>,
    last: usize,
    runs: usize,
    width: usize,
    base: Vec<f64>,
    /// [run][player][value]
    pub shapley: Vec<f64>,
    pub main: Vec<f64>,
    /// [run][value]
    pub total: Vec<f64>,
}

impl Accumulator {
    pub fn new(plan: &Plan, runs: usize, width: usize) -> Self {
        let k = plan.players.len();
        Accumulator {
            coef: plan.coefficients(),
            singles: (0..k).map(|i| plan.single(i)).collect(),
            last: plan.subsets.len() - 1,
            runs,
            width,
            base: Vec::new(),
            shapley: vec![0.0; runs * k * width],
            main: vec![0.0; runs * k * width],
            total: vec![0.0; runs * width],
        }
    }

    /// Add subset `s`'s values (`runs × width`, run-major), subsets in increasing order.
    pub fn add(&mut self, s: usize, values: &[f64]) {
        let (k, w) = (self.coef.len(), self.width);
        assert_eq!(values.len(), self.runs * w);
        if s == 0 {
            self.base = values.to_vec();
            return;
        }
        for r in 0..self.runs {
            let d: Vec<f64> = (0..w).map(|x| values[r * w + x] - self.base[r * w + x]).collect();
            for i in 0..k {
                let c = self.coef[i][s];
                if c != 0.0 {
                    let out = &mut self.shapley[(r * k + i) * w..(r * k + i + 1) * w];
                    for (o, dx) in out.iter_mut().zip(&d) {
                        *o += c * dx;
                    }
                }
                if self.singles[i] == s {
                    self.main[(r * k + i) * w..(r * k + i + 1) * w].copy_from_slice(&d);
                }
            }
            if s == self.last {
                self.total[r * w..(r + 1) * w].copy_from_slice(&d);
            }
        }
    }

    /// Run r's Shapley value of player i (one per value).
    pub fn shapley(&self, r: usize, i: usize) -> &[f64] {
        let (k, w) = (self.coef.len(), self.width);
        &self.shapley[(r * k + i) * w..(r * k + i + 1) * w]
    }

    pub fn main(&self, r: usize, i: usize) -> &[f64] {
        let (k, w) = (self.coef.len(), self.width);
        &self.main[(r * k + i) * w..(r * k + i + 1) * w]
    }

    pub fn total(&self, r: usize) -> &[f64] {
        &self.total[r * self.width..(r + 1) * self.width]
    }

    /// Run r's levels with no player on (the empty subset).
    pub fn none(&self, r: usize) -> &[f64] {
        &self.base[r * self.width..(r + 1) * self.width]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: &str) -> Player {
        Player { name: n.into(), levers: vec![n.into()], rules: Vec::new() }
    }

    /// v(S) for a game on 3 players: additive parts 1, 2, 4 plus 3 when players 0 and 1 are both on.
    fn game(mask: u64) -> f64 {
        (0..3).map(|i| if mask >> i & 1 == 1 { [1.0, 2.0, 4.0][i] } else { 0.0 }).sum::<f64>() + if mask & 3 == 3 { 3.0 } else { 0.0 }
    }

    #[test]
    fn exact_values_split_interactions_equally_and_add_up() {
        let plan = plan(vec![p("a"), p("b"), p("c")], 0, &mut crate::rng::design_rng(1));
        assert!(plan.exact() && plan.subsets.len() == 8);
        let mut acc = Accumulator::new(&plan, 1, 1);
        for (s, &m) in plan.subsets.iter().enumerate() {
            acc.add(s, &[game(m) + 100.0]);
        }
        let phi: Vec<f64> = (0..3).map(|i| acc.shapley(0, i)[0]).collect();
        for (got, want) in phi.iter().zip([2.5, 3.5, 4.0]) {
            assert!((got - want).abs() < 1e-12, "{phi:?}");
        }
        assert!((acc.total(0)[0] - 10.0).abs() < 1e-12);
        assert_eq!((acc.main(0, 0)[0], acc.main(0, 2)[0]), (1.0, 4.0));
    }

    #[test]
    fn sampled_permutations_add_up_in_every_run() {
        let players: Vec<Player> = (0..12).map(|i| p(&format!("l{i}"))).collect();
        let plan = plan(players, 30, &mut crate::rng::design_rng(2));
        assert!(!plan.exact() && plan.subsets[0] == 0 && *plan.subsets.last().unwrap() == (1 << 12) - 1);
        let v = |m: u64| (0..12).map(|i| (m >> i & 1) as f64 * i as f64).sum::<f64>() + (m.count_ones() as f64).powi(2);
        let mut acc = Accumulator::new(&plan, 2, 1);
        for (s, &m) in plan.subsets.iter().enumerate() {
            acc.add(s, &[v(m), 2.0 * v(m)]);
        }
        for r in 0..2 {
            let sum: f64 = (0..12).map(|i| acc.shapley(r, i)[0]).sum();
            assert!((sum - acc.total(r)[0]).abs() < 1e-9 * acc.total(r)[0].abs(), "{sum} vs {}", acc.total(r)[0]);
        }
    }

    #[test]
    fn subset_documents_keep_ids_and_drop_the_players_off() {
        let doc: toml::Value = toml::from_str("[[lever]]\nkind='embargo'\n[[lever]]\nid='b'\nkind='embargo'\n[[rule]]\nid='r'\nkind='align'\n").unwrap();
        let players = players(&[], &doc).unwrap();
        assert_eq!(players.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["lever1", "b"]);
        let d = subset_doc(&doc, &players, 0b10);
        let levers = d["lever"].as_array().unwrap();
        assert_eq!(levers.len(), 1);
        assert_eq!(levers[0]["id"].as_str(), Some("b"));
        assert_eq!(d["rule"].as_array().unwrap().len(), 1);
        let g = [Group { name: "x".into(), levers: vec!["nope".into()], rules: vec![] }];
        assert!(super::players(&g, &doc).unwrap_err().contains("no lever `nope`"));
    }
}
