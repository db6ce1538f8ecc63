//! Government behaviour: the policy rules of docs/model.md (retaliate, align, escalate, normalize).
//! Rules look at the levers in force and at tension, and add or lift levers; every random
//! draw comes from the run's generator, in rule order.

use super::levers::{steps_for, ActiveLever, Origin};
use super::math::pow;
use crate::scenario::{Rule, RuleKind};
use rand::Rng;

/// A lever a rule has decided on, waiting for its lag.
#[derive(Debug, Clone)]
pub struct Pending {
    pub at_step: usize,
    pub lever: ActiveLever,
}

/// What one rule remembers within a run.
#[derive(Debug, Clone, Default)]
pub struct RuleState {
    /// Levers scanned so far (the run's levers only grow, at the end, and keep their index).
    pub scanned: usize,
    /// Levers that could trigger the rule (by, target and kind match) and have not been
    /// considered yet, in increasing index order: each lever is scanned once and considered
    /// (a draw) at most once, so a step costs the new levers and the waiting ones, not all.
    pub watch: Vec<usize>,
    /// Economies the rule has already answered or acted on.
    pub done_for: Vec<bool>,
    /// Consecutive steps below the threshold, per economy (normalize).
    pub calm_steps: Vec<u32>,
    pub fired: bool,
}

/// Inputs the rules read at step k.
pub struct PolicyView<'a> {
    pub k: usize,
    pub dt: f64,
    pub step_months: u32,
    pub tension: &'a dyn Fn(usize, usize) -> f64,
}

/// Apply every rule once at step k, in order. New levers go to `pending`; lifted levers get
/// an end step.
pub fn act<R: Rng>(
    rules: &[Rule],
    states: &mut [RuleState],
    levers: &mut Vec<ActiveLever>,
    pending: &mut Vec<Pending>,
    first_step: &[usize],
    view: &PolicyView,
    n: usize,
    rng: &mut R,
) {
    let k = view.k;
    // sanctions in force by (government, target), for `normalize`; recomputed after a lift
    let mut sanctioning: Option<Vec<bool>> = None;
    let in_force = |levers: &[ActiveLever]| {
        let mut v = vec![false; n * n];
        for l in levers.iter().filter(|l| l.kind.is_sanction() && l.own_intensity(k) > 0.0) {
            v[l.by * n + l.target] = true;
        }
        v
    };
    for (r, (rule, st)) in rules.iter().zip(states.iter_mut()).enumerate() {
        if k < first_step[r] {
            continue;
        }
        st.done_for.resize(n, false);
        st.calm_steps.resize(n, 0);
        let lag = steps_for(rule.lag_months, view.step_months);
        match &rule.kind {
            RuleKind::Retaliate { against, trigger, response } => {
                for l in &levers[st.scanned..] {
                    if l.target == rule.by && against.contains(&l.by) && trigger.iter().any(|t| t == l.kind.name()) {
                        st.watch.push(st.scanned);
                    }
                    st.scanned += 1;
                }
                let mut w = 0;
                while w < st.watch.len() {
                    let l = &levers[st.watch[w]];
                    if l.own_intensity(k) <= 0.0 || st.done_for[l.by] {
                        w += 1;
                        continue;
                    }
                    st.watch.remove(w);
                    if rng.random::<f64>() < rule.probability {
                        let imposer = l.by;
                        st.done_for[imposer] = true;
                        st.fired = true;
                        let lever = ActiveLever::from_template(response, rule.by, imposer, k + lag, view.step_months, Origin::Rule(r));
                        pending.push(Pending { at_step: k + lag, lever });
                    }
                }
            }
            RuleKind::Align { leader, kinds } => {
                for l in &levers[st.scanned..] {
                    if l.by == *leader && l.target != rule.by && kinds.iter().any(|t| t == l.kind.name()) {
                        st.watch.push(st.scanned);
                    }
                    st.scanned += 1;
                }
                let mut w = 0;
                while w < st.watch.len() {
                    let li = st.watch[w];
                    let l = &levers[li];
                    if l.own_intensity(k) <= 0.0 {
                        w += 1;
                        continue;
                    }
                    st.watch.remove(w);
                    if rng.random::<f64>() < rule.probability {
                        st.fired = true;
                        let mut copy = l.clone();
                        copy.by = rule.by;
                        copy.start_month = ((k + lag) * view.step_months as usize) as i64;
                        copy.end_month = None;
                        copy.follows = Some(li);
                        copy.origin = Origin::Rule(r);
                        pending.push(Pending { at_step: k + lag, lever: copy });
                    }
                }
            }
            RuleKind::Escalate { on, threshold, response } => {
                if st.done_for[*on] || (view.tension)(rule.by, *on) <= *threshold {
                    continue;
                }
                let p_step = 1.0 - pow(1.0 - rule.probability, view.dt);
                if rng.random::<f64>() < p_step {
                    st.done_for[*on] = true;
                    st.fired = true;
                    let lever = ActiveLever::from_template(response, rule.by, *on, k + lag, view.step_months, Origin::Rule(r));
                    pending.push(Pending { at_step: k + lag, lever });
                }
            }
            RuleKind::Normalize { on, threshold, steps } => {
                for &o in on {
                    if st.done_for[o] {
                        continue;
                    }
                    // Only a government with sanctions in force on `o` has something to lift.
                    let table = sanctioning.get_or_insert_with(|| in_force(levers));
                    if !table[rule.by * n + o] {
                        st.calm_steps[o] = 0;
                        continue;
                    }
                    if (view.tension)(rule.by, o) < *threshold {
                        st.calm_steps[o] += 1;
                    } else {
                        st.calm_steps[o] = 0;
                    }
                    if st.calm_steps[o] < *steps {
                        continue;
                    }
                    st.calm_steps[o] = 0;
                    if rng.random::<f64>() < rule.probability {
                        st.done_for[o] = true;
                        st.fired = true;
                        let lift_at = ((k + lag) * view.step_months as usize) as i64;
                        for l in levers.iter_mut() {
                            if l.by == rule.by && l.target == o && l.kind.is_sanction() && l.start_month <= lift_at {
                                l.end_month = Some(l.end_month.map_or(lift_at, |e| e.min(lift_at)));
                            }
                        }
                        sanctioning = None;
                        pending.retain(|p| !(p.lever.by == rule.by && p.lever.target == o && p.lever.kind.is_sanction()));
                    }
                }
            }
        }
    }
}
