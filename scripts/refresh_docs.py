#!/usr/bin/env python3
"""Regenerate every number README.md and docs/*.md quote, and the images in docs/img.

Usage (from the repository root):
    python3 scripts/refresh_docs.py [--skip-build] [--skip-batch] [--skip-speed]

Runs the release binary on the shipped scenarios (each with its own seed), the shipped batch,
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
BIN = os.path.join(ROOT, "target", "release", "tradesim")
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
from disk in any browser).
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


def speed():
    rates = {1: [], 2: []}
    for _ in range(3):
        for t in (1, 2):
            line = tradesim("run", "scenarios/sanctions_2022.toml", "--runs", "2000", "--threads", str(t), "--no-charts", "--out", os.path.join(OUT, "speed"))
            rates[t].append(float(re.search(r"\(([0-9]+) runs/s\)", line).group(1)))
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    return (f"Speed: `tradesim run` prints runs per second (about {round(one, -1):,.0f} on one thread and "
            f"{round(two, -1):,.0f} on two for `sanctions_2022` on this 2-core machine, medians of three, "
            f"measured by `scripts/refresh_docs.py`; the machine is shared, so expect ±20%)")


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
    if "--skip-speed" not in ARGS:
        replace_block("README.md", "speed", speed())
    print("done: review `git diff` and commit with the change that moved the numbers")


if __name__ == "__main__":
    main()
