//! Policy rules: each fires when it should, does what it says, and stays quiet otherwise.

use crate::common::*;
use tradesim::model::levers::Origin;

fn rule_levers(m: &tradesim::model::Model) -> usize {
    m.levers.iter().filter(|l| matches!(l.origin, Origin::Rule(_))).count()
}

const A_SANCTIONS_B: &str = "[[lever]]\nid = \"fin\"\nkind = \"financial_sanctions\"\nby = \"A\"\non = \"B\"\nstart = \"2001-01\"\n";

#[test]
fn retaliate_answers_the_imposer_after_the_lag() {
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let rule = |p: f64| {
        format!("[[rule]]\nkind = \"retaliate\"\nby = \"B\"\nagainst = \"A\"\ntrigger = [\"financial_sanctions\"]\nprobability = {p}\nlag = 6\nresponse = {{ kind = \"import_ban\", leakage = 0 }}\n")
    };
    let sc = scenario(&quiet("", &format!("{A_SANCTIONS_B}{}", rule(1.0))), &uni);
    let traj = trajectory(&sc, &abc(), 1, |m| (flow(m, 0, 1), rule_levers(m)));
    // sanction at step 4 (2001-01); the answer (B bans imports from A) 6 months = 2 steps later
    assert_eq!(traj[5].1, 0, "not before the lag");
    assert_eq!(traj[6].1, 1);
    assert!(traj[5].0 > 0.0 && traj[6].0 == 0.0, "A→B stops when B's ban arrives");
    let never = scenario(&quiet("", &format!("{A_SANCTIONS_B}{}", rule(0.0))), &uni);
    assert_eq!(run_to_end(&never, &abc(), 1, rule_levers), 0, "probability 0 never fires");
    let untriggered = scenario(&quiet("", &rule(1.0)), &uni);
    assert_eq!(run_to_end(&untriggered, &abc(), 1, rule_levers), 0, "no sanction, no answer");
}

#[test]
fn align_copies_the_leaders_lever_and_ends_with_it() {
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let lead = "[[lever]]\nkind = \"export_control\"\nby = \"A\"\non = \"C\"\nstart = \"2001-01\"\nend = \"2005-01\"\nleakage = 0\n";
    let rule = |p: f64| format!("[[rule]]\nkind = \"align\"\nby = \"B\"\nleader = \"A\"\nprobability = {p}\n");
    let sc = scenario(&quiet("", &format!("{lead}{}", rule(1.0))), &uni);
    let traj = trajectory(&sc, &abc(), 1, |m| flow(m, 1, 2));
    assert!(traj[3] > 19.0, "before the leader acts");
    assert_eq!(traj[4], 0.0, "B's exports to C stop with A's");
    assert!(traj[30] > 19.0, "the copy ends when the leader's lever ends: {}", traj[30]);
    let sc = scenario(&quiet("", &format!("{lead}{}", rule(0.0))), &uni);
    assert!(trajectory(&sc, &abc(), 1, |m| flow(m, 1, 2))[4] > 19.0, "probability 0: no copy");
}

#[test]
fn escalate_fires_above_the_threshold_only() {
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let rule = |th: f64| {
        format!("[[rule]]\nkind = \"escalate\"\nby = \"A\"\non = \"B\"\nthreshold = {th}\nprobability = 1\nresponse = {{ kind = \"embargo\", leakage = 0 }}\n")
    };
    // base tension 0.3
    let sc = scenario(&quiet("", &rule(0.2)), &uni);
    let (ab, n) = run_to_end(&sc, &abc(), 1, |m| (flow(m, 0, 1), rule_levers(m)));
    assert_eq!((ab, n), (0.0, 1), "tension 0.3 > 0.2: embargo added once");
    let sc = scenario(&quiet("", &rule(0.9)), &uni);
    assert_eq!(run_to_end(&sc, &abc(), 1, rule_levers), 0, "tension never above 0.9");
}

#[test]
fn escalate_probability_is_a_hazard_per_year() {
    // hazard 0.5 per year: the share of runs that escalate within one year is about 0.5
    let uni = universe(&ABC, 5.0, 1000.0, 0.5);
    let text = quiet("", "[[rule]]\nkind = \"escalate\"\nby = \"A\"\non = \"B\"\nthreshold = 0.1\nprobability = 0.5\nresponse = { kind = \"treaty\" }\n")
        .replace("end = \"2019-12\"", "end = \"2000-12\"");
    let sc = scenario(&text, &uni);
    let fired = (0..2000).filter(|&seed| run_to_end(&sc, &abc(), seed, rule_levers) == 1).count() as f64 / 2000.0;
    assert!((fired - 0.5).abs() < 0.04, "{fired}");
}

#[test]
fn normalize_lifts_sanctions_after_calm_steps() {
    let uni = universe(&ABC, 5.0, 1.0, 0.5);
    let embargo = "[[lever]]\nkind = \"embargo\"\nby = \"A\"\non = \"B\"\nstart = \"2000-01\"\nleakage = 0\ntension = 0.1\n";
    let rule = |th: f64| format!("[[rule]]\nkind = \"normalize\"\nby = \"A\"\non = \"B\"\nthreshold = {th}\nsteps = 8\n");
    let sc = scenario(&quiet("", &format!("{embargo}{}", rule(0.9))), &uni);
    let traj = trajectory(&sc, &abc(), 1, |m| flow(m, 0, 1));
    // Tension read at the start of steps 0..7 is below 0.9: the 8th calm reading (step 7) lifts.
    assert_eq!(traj[6], 0.0, "in force until 8 calm readings");
    assert!(traj[7] > 0.0, "lifted after 8 steps below the threshold");
    assert!(close(*traj.last().unwrap(), 60.0, 1e-3), "trade recovers");
    let sc = scenario(&quiet("", &format!("{embargo}{}", rule(0.1))), &uni);
    assert_eq!(run_to_end(&sc, &abc(), 1, |m| flow(m, 0, 1)), 0.0, "tension 0.4 never below 0.1");
}
