//! Value stability: a fixed scenario and seed give these exact numbers. A change here means the
//! model's arithmetic or its sequence of random draws changed: if that is intended, say so in
//! the commit and update the numbers (print them with `cargo test stability -- --nocapture`).
//! Last changed when the trade noise and the rules' coin flips got generators of their own
//! (`shocks.common_random_numbers`, for paired comparisons against a baseline, issue 13).

use crate::common::*;
use tradesim::model::Layout;

#[test]
fn sanctions_2022_run_0_is_stable() {
    let text = std::fs::read_to_string("scenarios/sanctions_2022.toml").unwrap();
    let (sc, init) = real(&text);
    let l = Layout::new(init.economies.len(), init.sectors.len(), sc.rules.len());
    let (ru, cn, us, en) = (idx(&init, "RU"), idx(&init, "CN"), idx(&init, "US"), sector(&init, "oil"));
    // after 12 quarters (2023-Q4)
    let traj = trajectory(&sc, &init, 20220224, |m| {
        (m.direct[l.route(en, ru, cn)], m.tension[l.pair(us, ru)], m.gdp[ru], m.price[ru * l.m + en])
    });
    let got = traj[11];
    println!("{:?}", got);
    let expect = EXPECT;
    for (name, g, e) in [("RU→CN oil", got.0, expect.0), ("US-RU tension", got.1, expect.1), ("RU GDP", got.2, expect.2), ("RU oil price", got.3, expect.3)] {
        assert!(close(g, e, 1e-12), "{name}: {g:e} vs {e:e}");
    }
}

const EXPECT: (f64, f64, f64, f64) = (80525869811.9938, 0.7945287682761049, 2065065300047.785, 0.9372216883983618);
