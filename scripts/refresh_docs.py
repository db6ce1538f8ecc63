#!/usr/bin/env python3
"""Regenerate every number README.md and docs/*.md quote, and the images in docs/img.

Usage (from the repository root):
    python3 scripts/refresh_docs.py [--skip-build] [--skip-batch] [--skip-analysis] [--skip-speed]
    python3 scripts/refresh_docs.py --only-analysis [--skip-build] [--reuse]   # docs/batch.md's analysis examples only
    (--reuse: the attribution's text from its last run's files and timing, not run again)

Runs the release binary on the shipped scenarios (each with its own seed), the shipped batch,
the analysis designs' examples (attribution, Sobol', Morris, discover, table; docs/batch.md),
two backtests and a speed measurement, into output/docs-refresh/, then rewrites the text
between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in README.md and docs/*.md
(nothing outside those markers is touched) and copies the charts the README shows into
docs/img/. The same binary gives the same numbers (the speed line aside). Standard library
only. When model outputs move, run this and commit its changes with the model change.
"""
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "output", "docs-refresh")
# the release binary (TRADESIM_BIN overrides, e.g. with a CARGO_TARGET_DIR elsewhere)
BIN = os.environ.get("TRADESIM_BIN", os.path.join(ROOT, "target", "release", "tradesim"))
RUNS = 1000
ARGS = sys.argv[1:]


def sh(*cmd, capture=True):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=capture, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return r.stdout


def tradesim(*args):
    return sh(BIN, *args)


def annual(d):
    rows = {}
    with open(os.path.join(d, "annual.csv"), newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["date"], r["exporter"], r["importer"], r["sector"], r["metric"])] = r
    return rows


def bn(x):
    return f"{float(x) / 1e9:.1f}"


def cell(rows, year, e, i, s, metric="trade"):
    r = rows[(str(year), e, i, s, metric)]
    return f"{bn(r['p50'])} bn ({bn(r['p05'])}–{bn(r['p95'])})"


def replace_block(path, name, body):
    full = os.path.join(ROOT, path)
    with open(full, encoding="utf-8") as f:
        text = f.read()
    start, end = f"<!-- generated:{name} -->", f"<!-- /generated:{name} -->"
    pat = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pat.search(text):
        sys.exit(f"{path}: no block {start} ... {end}")
    text = pat.sub(lambda _: f"{start}\n{body.strip()}\n{end}", text)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"  {path}: {name}")


def scenarios():
    d = os.path.join(ROOT, "scenarios")
    return sorted(f[:-5] for f in os.listdir(d) if f.endswith(".toml") and not f.endswith(".batch.toml"))


def run_all():
    results = {}
    for s in scenarios():
        out = os.path.join(OUT, s)
        extra = [] if s in ("baseline_2021", "sanctions_2022") else ["--no-charts"]
        line = tradesim("run", f"scenarios/{s}.toml", "--runs", str(RUNS), "--threads", "2", "--out", out, *extra).strip()
        results[s] = (out, line)
        print(f"  {line}")
    return results


def headline(results):
    base, sanc = annual(results["baseline_2021"][0]), annual(results["sanctions_2022"][0])
    line = results["sanctions_2022"][1].replace(OUT + "/", "output/")
    line = re.sub(r"in [0-9.]+ s \([0-9]+ runs/s\)", "in … s (… runs/s)", line)
    pairs = [("US", "RU", "all", "US → RU, all goods"), ("RU", "US", "all", "RU → US, all goods"), ("EU", "RU", "all", "EU → RU, all goods"),
             ("RU", "EU", "all", "RU → EU, all goods"), ("RU", "CN", "oil", "RU → CN, oil"), ("RU", "IN", "oil", "RU → IN, oil"),
             ("CN", "RU", "all", "CN → RU, all goods")]
    table = "| 2023 | baseline_2021 | sanctions_2022 |\n|---|---|---|\n"
    for e, i, s, label in pairs:
        table += f"| {label} | {cell(base, 2023, e, i, s)} | {cell(sanc, 2023, e, i, s)} |\n"

    def med(rows, y, e, i, s="all", m="trade"):
        return float(rows[(str(y), e, i, s, m)]["p50"])
    usru = lambda rows: med(rows, 2023, "US", "RU") + med(rows, 2023, "RU", "US")
    fall = 1 - usru(sanc) / usru(base)
    ru_cur = med(sanc, 2023, "RU", "", "", "currency") / med(base, 2023, "RU", "", "", "currency") - 1
    ru_dom = med(sanc, 2023, "RU", "RU", "technology", "domestic") / med(base, 2023, "RU", "RU", "technology", "domestic") - 1
    ru_imp = sum(med(sanc, 2023, e, "RU") for e in ["US", "EU", "CN", "IN", "ROW"]) / sum(med(base, 2023, e, "RU") for e in ["US", "EU", "CN", "IN", "ROW"]) - 1
    more = lambda x: f"{abs(x):.0%} {'higher' if x > 0 else 'lower'}"
    row = sanc[("2023", "RU", "CN", "oil", "trade")]
    example = ",".join(row[k] for k in ["date", "exporter", "importer", "sector", "metric", "mean", "p05", "p25", "p50", "p75", "p95"])
    ru_us_2021 = bn(base[("2021", "RU", "US", "all", "trade")]["p50"])
    dom_text = (f"sell {ru_dom:.0%} more at home, cut off from Western suppliers' competition" if ru_dom > 0 else
                f"sell {-ru_dom:.0%} less at home: the fall in Russia's income outweighs the\nsubstitution for Western goods")
    return f"""Each prints one line, e.g.
`{line}`
(the time is the whole command; runs/s counts simulating and summarising only),
and writes `summary.csv` (per quarter), `annual.csv` (calendar years), `manifest.json`,
a copy of the scenario file (`scenario.toml`), `charts/*.png` and `index.html`, one page with
the scenario, links to its files, its lever timeline, the key numbers and every chart (open it
from disk in any browser; the charts are interactive: hover for the median and bands, click
the legend to single out a series; the scripts are in `js/` beside it, nothing is fetched).
From the two `annual.csv` files ({RUNS:,} runs each, USD; median and 90% band, which includes
the parameters' uncertainty as well as the shocks):

{table}
US-Russia trade falls by {fall:.0%} against the baseline in 2023; Russia discounts its energy,
and China and India buy more of it; Russia's imports are {more(ru_imp)} than in the baseline and
its currency (the USD price level of its output) is {more(ru_cur)}, while its own technology makers
{dom_text}. In 2021 both scenarios
reproduce the calibration data (RU → US {ru_us_2021} bn against 29.6 bn in US Census imports).
A row of `annual.csv`:

```
date,exporter,importer,sector,metric,mean,p05,p25,p50,p75,p95
{example}
```"""


def library(results):
    pairs = [("US", "RU"), ("RU", "US"), ("RU", "EU"), ("RU", "CN"), ("RU", "IN"), ("EU", "RU"), ("CN", "RU")]
    head = "| scenario | end year | " + " | ".join(f"{e}→{i}" for e, i in pairs) + " |\n|---|---|" + "---|" * len(pairs) + "\n"
    body = ""
    ends = {}
    for s in scenarios():
        rows = annual(results[s][0])
        year = max(k[0] for k in rows)
        ends[s] = (rows, year)
        body += f"| `{s}` | {year} | " + " | ".join(bn(rows[(year, e, i, "all", "trade")]["p50"]) if (year, e, i, "all", "trade") in rows else "–" for e, i in pairs) + " |\n"

    def m(s, e, i):
        rows, y = ends[s]
        return bn(rows[(y, e, i, "all", "trade")]["p50"])
    text = f"""Median over {RUNS:,} runs (`tradesim run FILE --runs {RUNS}`, each scenario's own seed), calendar-year
total goods trade in the scenario's last year, USD billions (annual.csv, metric `trade`, sector
`all`, column `p50`). Base-year values for reference: 2021 US→RU 16.9, RU→US 29.6, RU→EU 193.6,
RU→CN 79.6, RU→IN 9.9, EU→RU 105.5, CN→RU 72.7 (data/observed.csv).

{head}{body}
Against `sanctions_2022` in 2030: secondary sanctions (`escalation_secondary_2026`) take
Russia's exports to China from {m('sanctions_2022', 'RU', 'CN')} to {m('escalation_secondary_2026', 'RU', 'CN')} bn and to
India from {m('sanctions_2022', 'RU', 'IN')} to {m('escalation_secondary_2026', 'RU', 'IN')} bn; the EU breaking ranks
(`eu_breaks_ranks_2026`) brings RU→EU from {m('sanctions_2022', 'RU', 'EU')} to {m('eu_breaks_ranks_2026', 'RU', 'EU')} bn;
normalisation from 2027 (`normalization_2027`) gives RU→EU {m('normalization_2027', 'RU', 'EU')} bn and EU→RU
{m('normalization_2027', 'EU', 'RU')} bn in 2035, against {m('baseline_2021', 'RU', 'EU')} and {m('baseline_2021', 'EU', 'RU')} bn in the 2030 baseline."""
    return text


def backtests():
    bt = os.path.join(OUT, "backtest_baseline")
    tradesim("backtest", "scenarios/baseline_2021.toml", "--actual", "data/observed.csv", "--runs", "100", "--skip-other-years", "--out", bt)
    met = {r["metric"]: r["value"] for r in csv.DictReader(open(os.path.join(bt, "backtest_metrics.csv")))}
    base = (f"for `baseline_2021`, MdAPE {float(met['mdape_pct']):.2f}% and coverage "
            f"{round(float(met['coverage_90']) * int(met['observations']))} of {met['observations']} with `--runs 100 --skip-other-years`")
    cr = os.path.join(OUT, "backtest_crimea")
    tradesim("backtest", "scenarios/crimea_2014.toml", "--actual", "data/observed.csv", "--skip-other-years", "--runs", "200", "--out", cr)
    rows = list(csv.DictReader(open(os.path.join(cr, "backtest.csv"))))
    later = [r for r in rows if r["year"] == "2021" and r["basis"] == "importer_reported"]
    inside = sum(r["inside_band"] == "true" for r in later)
    # A pair's figure on the importer's basis where the data have one, else the exporter's
    # (data/observed.csv has only the EU's own export figure for EU→RU in 2021).
    pick = {}
    for r in (r for r in rows if r["year"] == "2021"):
        key = (r["exporter"], r["importer"])
        if key not in pick or r["basis"] == "importer_reported":
            pick[key] = r
    def say(e, i):
        r = pick[(e, i)]
        basis = "" if r["basis"] == "importer_reported" else ", exporter-reported"
        return f"{e}→{i} median {bn(r['sim_p50'])}bn against {bn(r['observed_usd'])}bn observed{basis}"
    crimea = (f"With 200 runs, {inside} of the {len(later)} pairs' 2021 values fall inside the 90% band "
              f"({say('EU', 'RU')}, {say('CN', 'RU')}, {say('RU', 'EU')}).")
    return base, crimea


def batch():
    out = os.path.join(OUT, "interdependence")
    tradesim("batch", "scenarios/interdependence.batch.toml", "--threads", "2", "--out", out, "-q")
    variants = {r["variant"]: r for r in csv.DictReader(open(os.path.join(out, "variants.csv")))}
    gammas = sorted({float(v["params.gamma"]) for v in variants.values()})
    probs = sorted({float(v["shocks.event_rate"]) for v in variants.values()})
    share = {}
    for r in csv.DictReader(open(os.path.join(out, "indicators.csv"))):
        if r["indicator"] == "rule_fired_share":
            share[(r["variant"], r["subject"])] = float(r["mean"])
    def find(g, p):
        return next(k for k, v in variants.items() if float(v["params.gamma"]) == g and float(v["shocks.event_rate"]) == p)
    table = "| share of runs that normalised by 2030 | " + " | ".join(f"γ = {g:g}" for g in gammas) + " |\n|---|" + "---|" * len(gammas) + "\n"
    for rule, who in [("us_normalizes", "US lifts"), ("eu_normalizes", "EU lifts")]:
        for p in probs:
            table += f"| {who}, {p:g} political events per pair-year | " + " | ".join(f"{share[(find(g, p), rule)]:.3g}" for g in gammas) + " |\n"
    def span(g, rule):
        v = [share[(find(g, p), rule)] for p in probs]
        return f"{min(v):.0%}" if min(v) == max(v) else f"{min(v):.0%}–{max(v):.0%}"
    lo, hi = probs[0], probs[-1]
    answer = (f"with γ ≤ 1 the US lifts its sanctions by 2030 in {max(share[(find(g, p), 'us_normalizes')] for g in gammas if g <= 1 for p in probs):.0%} "
              f"of runs at most and the EU in {max(share[(find(g, p), 'eu_normalizes')] for g in gammas if g <= 1 for p in probs):.0%}; "
              f"at γ = 2 the US does in {share[(find(2.0, lo), 'us_normalizes')]:.0%} of runs with {lo:g} political events per pair-year "
              f"and {share[(find(2.0, hi), 'us_normalizes')]:.0%} with {hi:g}, the EU in {share[(find(2.0, lo), 'eu_normalizes')]:.0%} and "
              f"{share[(find(2.0, hi), 'eu_normalizes')]:.0%}; at γ = 4 in {span(4.0, 'us_normalizes')} and {span(4.0, 'eu_normalizes')}")
    ratios = [float(r["p50"]) for r in csv.DictReader(open(os.path.join(out, "indicators.csv")))
              if r["indicator"] == "ru_gdp_ratio_of_medians_to_counterfactual"]
    gdp = (f"Russia's 2030 GDP relative to its no-lever counterfactual (ratio of medians, "
           f"`ru_gdp_ratio_of_medians_to_counterfactual`) ranges from {min(ratios):.2f} to {max(ratios):.2f} across the variants.")
    for f in os.listdir(os.path.join(out, "charts")):
        if f.startswith("rule_fired_share_us_normalizes"):
            shutil.copy(os.path.join(out, "charts", f), os.path.join(ROOT, "docs", "img", "us_normalizes.png"))
    return table, answer, gdp


def rows_of(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def usd(x):
    return f"{float(x) / 1e9:+.1f}"


def analysis_attribution():
    """The shipped attribution: 7 groups of levers, 128 subsets x 1,000 runs, timed (wall clock)."""
    out = os.path.join(OUT, "sanctions_2022_attribution")
    import time
    timing = os.path.join(OUT, "sanctions_2022_attribution.seconds")
    if "--reuse" in ARGS and os.path.exists(timing):
        # the text again from the last run's files (and its timing), without the 128,000 runs
        with open(timing) as f:
            seconds = float(f.read())
    else:
        t0 = time.time()
        tradesim("batch", "scenarios/sanctions_2022_attribution.batch.toml", "--threads", "2", "--out", out, "-q")
        seconds = time.time() - t0
        with open(timing, "w") as f:
            f.write(f"{seconds}\n")
    variants = rows_of(os.path.join(out, "variants.csv"))
    runs = sum(int(v["runs"]) for v in variants)
    rows = rows_of(os.path.join(out, "attribution.csv"))
    players = []
    for r in rows:
        if r["kind"] == "shapley" and r["player"] not in players:
            players.append(r["player"])
    pick = {(r["indicator"], r["subject"], r["year"], r["kind"], r["player"]): r for r in rows}
    inds = [("us_ru_trade_usd", "US+RU", "US–RU trade"), ("ru_trade_usd", "RU+all", "RU trade with the world"),
            ("ru_trade_usd", "RU+EU", "RU–EU trade"), ("ru_trade_usd", "RU+CN", "RU–CN trade"), ("ru_gdp_usd", "RU", "RU GDP")]
    def cell(r, share=True):
        c = f"{usd(r['mean'])} [{usd(r['p05'])}, {usd(r['p95'])}]"
        if share and r["share_of_total"]:
            c += f" ({float(r['share_of_total']):.0%})"
        return c
    text = ""
    for year in ("2023", "2030"):
        text += f"\n| {year}, USD bn | none → all groups | " + " | ".join(f"`{p}`" for p in players) + " | interaction |\n"
        text += "|---|---|" + "---|" * len(players) + "---|\n"
        for ind, sub, label in inds:
            none, total = pick[(ind, sub, year, "none", "")], pick[(ind, sub, year, "total", "")]
            text += (f"| {label} | {float(none['mean']) / 1e9:.1f} → {float(pick[(ind, sub, year, 'all', '')]['mean']) / 1e9:.1f} "
                     f"(change {cell(total, False)}) | " + " | ".join(cell(pick[(ind, sub, year, 'shapley', p)]) for p in players)
                     + f" | {usd(pick[(ind, sub, year, 'interaction', '')]['mean'])} |\n")
    fired = []
    for r in rows:
        if r["indicator"] == "rule_fired_share" and r["year"] == "2030" and r["kind"] == "shapley" and r["share_of_total"]:
            fired.append((r["subject"], r["player"], float(r["mean"])))
    top = {}
    for rule, player, v in fired:
        if rule not in top or v > top[rule][1]:
            top[rule] = (player, v)
    rules = "; ".join(f"`{rule}` fires in {float(pick[('rule_fired_share', rule, '2030', 'all', '')]['mean']):.0%} of runs with every group "
                      f"and in {float(pick[('rule_fired_share', rule, '2030', 'none', '')]['mean']):.0%} with none; the largest Shapley value, "
                      f"{v:+.2f} (a share of runs), goes to `{player}`" for rule, (player, v) in sorted(top.items()))
    return f"""**Worked example: which of the 2022 sanctions did the damage?**
`tradesim batch scenarios/sanctions_2022_attribution.batch.toml` (the 76 levers of
`sanctions_2022.toml` in seven groups, each a player; 2⁷ = {len(variants)} subsets on one seed and the same
shocks, {runs:,} runs in all; the EU's alignment rule in every subset). Mean Shapley value per
group, [90% band over runs] and (share of the mean change); USD bn, change from the run with
none of the groups:
{text}
Rules (`rule_fired_share`, 2030): {rules or 'none fires'}.
Speed: the whole batch took **{seconds:.0f} s** on 2 threads of this shared 2-core machine
({runs / seconds:,.0f} runs/s, timed by `scripts/refresh_docs.py`); {speed_verdict(seconds)}
Other users' load on the machine moves such a time by 10 to 40%. The time is the runs
themselves (the model's step is about 90% of a run's instructions; each subset's own work, its
summaries and state file, under 1% at 1,000 runs): see performance.md."""


def speed_verdict(seconds):
    """How the attribution's time compares with issue 14's minute."""
    if seconds < 60:
        return "under the minute issue 14 asks for."
    return f"a minute would take {128000 / 60:,.0f} runs/s."


def analysis_ishigami():
    out = sh("cargo", "test", "--test", "it", "analysis::sobol_indices_of_ishigami", "--", "--nocapture")
    lines = [l for l in out.splitlines() if l.startswith("x") and "S1" in l]
    return "```\n" + "\n".join(lines) + "\n```"


def index_table(path, cols, fmt_cell, inds):
    rows = rows_of(path)
    params = []
    for r in rows:
        if r["parameter"] not in params:
            params.append(r["parameter"])
    pick = {(r["indicator"], r["subject"], r["parameter"]): r for r in rows}
    year = rows[0]["year"]
    t = f"| {year} | " + " | ".join(f"`{p}`" for p in params) + " |\n|---|" + "---|" * len(params) + "\n"
    for ind, sub, label in inds:
        t += f"| {label} | " + " | ".join(fmt_cell(pick[(ind, sub, p)], ind) for p in params) + " |\n"
    return t


SENS_INDS = [("us_ru_trade_usd", "US+RU", "US–RU trade"), ("ru_trade_usd", "RU+EU", "RU–EU trade"),
             ("rule_fired_share", "us_normalizes", "US normalises (share of runs)"), ("rule_fired_share", "eu_normalizes", "EU normalises (share of runs)")]


def analysis_sobol():
    out = os.path.join(OUT, "sanctions_2022_sobol")
    tradesim("batch", "scenarios/sanctions_2022_sobol.batch.toml", "--threads", "2", "--out", out, "-q")
    def cell(r, ind):
        if not r["S1"]:
            return "–"
        return f"S1 {float(r['S1']):.2f} ± {float(r['S1_conf']):.2f}, ST {float(r['ST']):.2f} ± {float(r['ST_conf']):.2f}"
    t = index_table(os.path.join(out, "sobol.csv"), None, cell, SENS_INDS)
    return f"""**Worked example: which uncertain number drives normalisation?**
`tradesim batch scenarios/sanctions_2022_sobol.batch.toml`: γ in [0.5, 2], the EU's alignment
probability in [0.5, 1], and the oil and gas trade elasticities from their priors, on
`sanctions_2022_normalize.toml`; 64 base samples × 6 = 384 variants × 100 runs. Sobol' indices
of the means over runs in 2030, ± the 95% bootstrap half-width (sobol.csv):

{t}"""


def analysis_morris():
    out = os.path.join(OUT, "sanctions_2022_morris")
    tradesim("batch", "scenarios/sanctions_2022_morris.batch.toml", "--threads", "2", "--out", out, "-q")
    def cell(r, ind):
        k = 1e9 if ind.endswith("_usd") else 1.0
        return f"mu* {float(r['mu_star']) / k:.3g} ± {float(r['mu_star_conf']) / k:.2g}, σ {float(r['sigma']) / k:.3g}"
    t = index_table(os.path.join(out, "morris.csv"), None, cell, SENS_INDS)
    return f"""**Worked example, screening:** `tradesim batch scenarios/sanctions_2022_morris.batch.toml`
(the same four parameters, 20 trajectories × 5 = 100 variants × 100 runs). mu* and σ in 2030
(trade in USD bn, shares of runs as fractions; morris.csv):

{t}"""


def analysis_discover():
    src = os.path.join(OUT, "sanctions_2022_sobol")
    line = tradesim("discover", src, "--outcome", "rule.us_normalizes.fired", "--above", "0.5").strip().splitlines()
    box = rows_of(os.path.join(src, "discover_rule_us_normalizes_fired", "prim_box.csv"))
    restricted = [r for r in box if r["restricted"] == "true"]
    lims = "; ".join(f"`{r['dimension']}` from {float(r['lower']):.3g} to {float(r['upper']):.3g} (data {float(r['data_min']):.3g} to {float(r['data_max']):.3g})" for r in restricted)
    return f"""**Worked example: under which conditions does the US normalise?** On the 384 variants of
the Sobol' batch above, a variant is a case when the US lifted its sanctions in more than half
of its runs: `tradesim discover output/sanctions_2022_sobol --outcome rule.us_normalizes.fired --above 0.5`
prints

```
{chr(10).join(l.replace(OUT + '/', 'output/') for l in line)}
```

The box restricts {len(restricted)} of the 4 dimensions: {lims or 'none'}; coverage
{float(box[0]['coverage']):.2f}, density {float(box[0]['density']):.2f}."""


def analysis_table():
    out = os.path.join(OUT, "interdependence_table")
    tradesim("batch", "scenarios/interdependence_table.batch.toml", "--threads", "2", "--out", out, "-q")
    variants = rows_of(os.path.join(out, "variants.csv"))
    share = {(r["variant"], r["subject"]): float(r["mean"]) for r in rows_of(os.path.join(out, "indicators.csv")) if r["indicator"] == "rule_fired_share"}
    t = "| variant | γ | EU aligns with p | US normalised by 2030 | EU normalised |\n|---|---|---|---|---|\n"
    for v in variants:
        t += f"| {v['variant']} | {v['params.gamma']} | {v['rule.eu_aligns.probability']} | {share[(v['variant'], 'us_normalizes')]:.1%} | {share[(v['variant'], 'eu_normalizes')]:.1%} |\n"
    return f"""**Worked example:** `tradesim batch scenarios/interdependence_table.batch.toml` (six rows of
`scenarios/interdependence_table.csv`, 1,000 runs each): share of runs that normalised
(indicators.csv):

{t}"""


def speed():
    """Runs/s of sanctions_2022 alone (`--no-baseline`) on 1 and 2 threads, and as a user runs it
    by default (each run paired with its baseline's) on 2 threads: medians of three."""
    rates = {"1": [], "2": [], "paired": []}
    for _ in range(3):
        for key, threads, extra in (("1", 1, ["--no-baseline"]), ("2", 2, ["--no-baseline"]), ("paired", 2, [])):
            line = tradesim("run", "scenarios/sanctions_2022.toml", "--runs", "2000", "--threads", str(threads), "--no-charts", *extra, "--out", os.path.join(OUT, "speed"))
            rates[key].append(float(re.search(r"\(([0-9]+) runs/s\)", line).group(1)))
    one, two, paired = (statistics.median(rates[k]) for k in ("1", "2", "paired"))
    return (f"Speed: `tradesim run` prints runs per second (about {round(one, -1):,.0f} on one thread and "
            f"{round(two, -1):,.0f} on two for `sanctions_2022` alone, `--no-baseline`, and {round(paired, -1):,.0f} on two "
            f"with each run paired with its baseline's, the default, on this 2-core machine; medians of three, "
            f"measured by `scripts/refresh_docs.py`; the machine is shared, so expect ±20%)")


def analysis():
    replace_block("docs/batch.md", "attribution", analysis_attribution())
    replace_block("docs/batch.md", "sobol", analysis_sobol())
    replace_block("docs/batch.md", "morris", analysis_morris())
    replace_block("docs/batch.md", "discover", analysis_discover())
    replace_block("docs/batch.md", "table", analysis_table())
    replace_block("docs/batch.md", "ishigami", analysis_ishigami())


def paired():
    """The paired-against-independent example of docs/scenarios.md: a US machinery embargo on
    Russia from March 2022 against no levers, 300 runs each with --keep-runs; the 90% band of
    the 2023 change per pair, run k against baseline run k (paired) and against run k+1
    (independent draws of the same runs)."""
    d = os.path.join(OUT, "paired")
    os.makedirs(d, exist_ok=True)
    head = 'base = 2021\nstart = "2021-01"\nend = "2023-12"\nruns = 300\nseed = 7\n'
    lever = '[[lever]]\nkind = "embargo"\nby = "US"\non = "RU"\nsectors = ["machinery"]\nstart = "2022-03"\n'
    with open(os.path.join(d, "base.toml"), "w") as f:
        f.write(f'name = "no levers"\n{head}')
    with open(os.path.join(d, "embargo.toml"), "w") as f:
        f.write(f'name = "embargo"\nbaseline = "base.toml"\n{head}\n{lever}')
    for name in ["embargo", "base"]:
        tradesim("run", os.path.join(d, f"{name}.toml"), "-q", "--no-charts", "--keep-runs", "--force", "--out", os.path.join(d, name))
    def runs(name):
        with open(os.path.join(d, name, "runs.csv"), newline="") as f:
            return {(int(r["run"]), r["year"], r["exporter"], r["importer"]): float(r["value_usd"]) for r in csv.DictReader(f)}
    a, b = runs("embargo"), runs("base")
    n = 300
    def width(xs):
        xs = sorted(xs)
        return xs[round((n - 1) * 0.95)] - xs[round((n - 1) * 0.05)]
    out = []
    for e, i in [("US", "RU"), ("EU", "RU")]:
        y = lambda r, k: r[(k, "2023", e, i)]
        wp = width([y(a, k) - y(b, k) for k in range(n)])
        wi = width([y(a, k) - y(b, (k + 1) % n) for k in range(n)])
        out.append((wp, wi))
    (up, ui), (ep, ei) = out
    return (f"the 90% band of the 2023 change in US→RU trade is {bn(up)} bn USD wide paired, against {bn(ui)} bn\n"
            f"for the same runs paired at random; for EU→RU trade (which the embargo moves only through\n"
            f"incomes and prices) {bn(ep)} bn against {bn(ei)} bn")


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--skip-build" not in ARGS:
        sh("cargo", "build", "--release", capture=False)
    if "--only-analysis" in ARGS:
        analysis()
        print("done: review `git diff` and commit with the change that moved the numbers")
        return
    print("runs:")
    results = run_all()
    replace_block("README.md", "headline", headline(results))
    shutil.copy(os.path.join(results["sanctions_2022"][0], "charts", "us_ru_trade.png"), os.path.join(ROOT, "docs", "img", "us_ru_trade.png"))
    cmp = os.path.join(OUT, "compare.png")
    tradesim("compare", results["baseline_2021"][0], results["sanctions_2022"][0], "--out", cmp)
    shutil.copy(cmp, os.path.join(ROOT, "docs", "img", "compare.png"))
    replace_block("docs/scenarios-library.md", "endyear", library(results))
    replace_block("docs/scenarios.md", "paired", paired())
    base, crimea = backtests()
    replace_block("docs/backtest.md", "baseline", base)
    replace_block("docs/backtest.md", "crimea", crimea)
    if "--skip-batch" not in ARGS:
        table, answer, gdp = batch()
        replace_block("docs/batch.md", "answer", table)
        replace_block("docs/batch.md", "gdp", gdp)
        replace_block("README.md", "batch-answer", answer)
    if "--skip-analysis" not in ARGS:
        analysis()
    if "--skip-speed" not in ARGS:
        replace_block("README.md", "speed", speed())
    print("done: review `git diff` and commit with the change that moved the numbers")


if __name__ == "__main__":
    main()
