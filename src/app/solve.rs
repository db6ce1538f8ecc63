//! `tradesim solve`: the static general equilibrium of a scenario's levers at a date, or of a
//! one-sector structural-gravity dataset with trade-cost changes, against the base year.

use super::common::{load_scenario_file, open_out};
use super::BadInput;
use crate::calibration::gravity::Gravity;
use crate::cli::SolveArgs;
use crate::model::equilibrium::{solve, Solution, SolveOptions};
use crate::model::{Closure, Init, Prepared, TradeCosts};
use crate::output::solve_out::{pct, write_economies, write_trade, EconomyRow, TradeRow};
use crate::scenario::{parse_scenario, Scenario, YearMonth};
use anyhow::Result;
use std::path::{Path, PathBuf};

pub fn run(args: &SolveArgs) -> Result<()> {
    if !(args.tolerance > 0.0 && args.tolerance < 1e-2) {
        return Err(BadInput(format!("--tolerance must be between 0 and 0.01 (got {})", args.tolerance)).into());
    }
    let (title, sc, init, pre, sol, dest) = match (&args.scenario, &args.gravity) {
        (Some(path), _) => scenario_case(args, path)?,
        (None, Some(flows)) => gravity_case(args, flows)?,
        (None, None) => return Err(BadInput("give a scenario file, or --gravity with --costs and --sigma".into()).into()),
    };
    if !sol.converged {
        anyhow::bail!("{title}: no equilibrium to the tolerance {} after {} iterations (largest log excess demand {:.3e})", args.tolerance, sol.iterations, sol.residual);
    }
    let economies = economy_rows(&sc, &init, &pre, &sol);
    let trade = trade_rows(&init, &pre, &sol);
    let out = open_out(&dest, args.force)?;
    write_economies(&out.path("economies.csv"), &economies).map_err(|e| out.user_error(e))?;
    write_trade(&out.path("trade.csv"), &trade).map_err(|e| out.user_error(e))?;
    let dir = out.commit()?;
    if !args.quiet {
        println!("{title}: equilibrium in {} iterations (largest log excess demand {:.1e}) -> {}", sol.iterations, sol.residual, dir.display());
        println!("{:<8} {:>10} {:>13} {:>10} {:>10} {:>10} {:>10}   (changes in %)", "economy", "output", "expenditure", "gdp", "price", "cpi", "welfare");
        let short = |r: f64| pct(r).parse::<f64>().map(|x| format!("{x:.3}")).unwrap_or_default();
        for r in &economies {
            println!(
                "{:<8} {:>10} {:>13} {:>10} {:>10} {:>10} {:>10}",
                r.economy,
                short(r.output.1 / r.output.0),
                short(r.expenditure.1 / r.expenditure.0),
                short(r.gdp.1 / r.gdp.0),
                short(r.price),
                short(r.cpi),
                short(r.welfare())
            );
        }
        println!("Every route's trade, base and counterfactual: {}", dir.join("trade.csv").display());
    }
    Ok(())
}

type Case = (String, Scenario, Init, Prepared, Solution, PathBuf);

fn default_dest(stem_of: &Path) -> PathBuf {
    let stem = stem_of.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "solve".into());
    PathBuf::from("output").join(format!("{stem}_solve"))
}

/// A scenario's scheduled levers in force at `--date` (default its end).
fn scenario_case(args: &SolveArgs, path: &Path) -> Result<Case> {
    let (cal, sc, _) = load_scenario_file(path, &args.data)?;
    let date = match &args.date {
        Some(d) => {
            let ym = YearMonth::parse(d).map_err(|e| BadInput(format!("--date {d}: {e}")))?;
            if ym < sc.start || ym > sc.end {
                return Err(BadInput(format!("--date {ym} is outside the scenario ({} to {})", sc.start, sc.end)).into());
            }
            ym
        }
        None => sc.end,
    };
    let init = cal.init(sc.base);
    let pre = Prepared::new(&sc, &init);
    let sol = solve(&sc, &init, &pre, &SolveOptions { step: sc.step_of(date), tau: None, tolerance: args.tolerance, ..Default::default() });
    let title = format!("{}: levers in force in {date} against base {}", sc.name, sc.base);
    Ok((title, sc, init, pre, sol, args.out.clone().unwrap_or_else(|| default_dest(path))))
}

/// A one-sector structural-gravity dataset with trade-cost changes.
fn gravity_case(args: &SolveArgs, flows: &Path) -> Result<Case> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| BadInput(format!("{}: cannot read: {e}", p.display())));
    let costs = args.costs.as_deref().ok_or_else(|| BadInput("--gravity needs --costs".into()))?;
    let sigma = args.sigma.ok_or_else(|| BadInput("--gravity needs --sigma".into()))?;
    if !(sigma > 1.0 && sigma <= 50.0) {
        return Err(BadInput(format!("--sigma must be above 1 and at most 50 (got {sigma})")).into());
    }
    let g = Gravity::parse(&flows.display().to_string(), &read(flows)?, &costs.display().to_string(), &read(costs)?).map_err(BadInput)?;
    let numeraire = match args.numeraire.as_str() {
        "world" => None,
        code => Some(g.economies.iter().position(|e| e == code).ok_or_else(|| {
            BadInput(format!("--numeraire `{code}`: allowed are `world` or an economy of the dataset ({})", g.economies.join(", ")))
        })?),
    };
    let uni = g.universe(sigma);
    let text = format!("name = \"gravity\"\nbase = 2000\nstart = \"2000-01\"\nend = \"2000-12\"\nruns = 1\n[params]\nnumeraire = \"{}\"\n", g.economies[0]);
    let sc = parse_scenario(&text, "gravity", &uni).map_err(|e| anyhow::anyhow!("internal scenario for the dataset: {e}"))?;
    let init = g.init();
    let mut pre = Prepared::new(&sc, &init);
    pre.closure = if args.closure == "ratios" { Closure::Ratios } else { Closure::Deficits };
    pre.costs = TradeCosts::Iceberg;
    let mut sol = solve(&sc, &init, &pre, &SolveOptions { tau: Some(g.route_tau()), tolerance: args.tolerance, ..Default::default() });
    let k = match numeraire {
        None => sol.income.iter().sum::<f64>() / pre.y0.iter().sum::<f64>(),
        Some(c) => sol.cpi[c],
    };
    sol.rescale(k);
    let title = format!(
        "Structural gravity ({} economies, σ = {sigma}, closure {}, numeraire {})",
        g.economies.len(),
        args.closure,
        if numeraire.is_some() { format!("CPI of {}", args.numeraire) } else { "world output".into() }
    );
    Ok((title, sc, init, pre, sol, args.out.clone().unwrap_or_else(|| default_dest(flows))))
}

fn economy_rows(sc: &Scenario, init: &Init, pre: &Prepared, sol: &Solution) -> Vec<EconomyRow> {
    let budget = sc.params.budget;
    (0..pre.n)
        .map(|i| EconomyRow {
            economy: init.economies[i].clone(),
            output: (pre.y0[i], if budget { sol.income[i] } else { pre.y0[i] }),
            expenditure: (pre.y0[i] + pre.def0[i], sol.spending[i]),
            gdp: (init.gdp[i], sol.gdp[i]),
            price: sol.output_price[i],
            cpi: sol.cpi[i],
        })
        .collect()
}

fn trade_rows(init: &Init, pre: &Prepared, sol: &Solution) -> Vec<TradeRow> {
    let (n, m) = (pre.n, pre.m);
    let l = &pre.layout;
    let mut rows = Vec::new();
    let mut push = |flow: &'static str, i: usize, j: usize, values: &dyn Fn(usize) -> (f64, f64)| {
        let by_sector: Vec<TradeRow> = (0..m)
            .map(|s| TradeRow { flow, exporter: init.economies[i].clone(), importer: init.economies[j].clone(), sector: init.sectors[s].clone(), value: values(s) })
            .filter(|r| r.value.0 > 0.0 || r.value.1 > 0.0)
            .collect();
        if by_sector.is_empty() {
            return;
        }
        if m > 1 {
            let total = by_sector.iter().fold((0.0, 0.0), |a, r| (a.0 + r.value.0, a.1 + r.value.1));
            rows.push(TradeRow { flow, exporter: init.economies[i].clone(), importer: init.economies[j].clone(), sector: "all".into(), value: total });
        }
        rows.extend(by_sector);
    };
    for i in 0..n {
        for j in 0..n {
            push("trade", i, j, &|s| {
                let r = l.route(s, i, j);
                (init.flows[r], sol.direct[r] + sol.rerouted[r])
            });
        }
    }
    for j in 0..n {
        push("domestic", j, j, &|s| (pre.dom0[s * n + j], sol.domestic[s * n + j]));
    }
    rows
}
