#!/usr/bin/env python3
"""Scan every annual.csv row (means) of two result dirs: z = difference / Monte-Carlo SE.

usage: zscan.py A/annual.csv N_A B/annual.csv N_B [TOP] [--sd B/annual_sd.csv]
SE from the sd over runs: exact from a peer's annual_sd.csv (--keep-runs) when given, else
estimated from p05..p95 (sd ~ (p95 - p05) / 3.29, which understates heavy-tailed series: the
means of series driven by the wide priors, e.g. gas with sigma and esubd at a coefficient of
variation of 0.5, then show |z| far above what they are)."""
import csv, math, sys
args = [a for a in sys.argv[1:]]
sdfile = None
if "--sd" in args:
    i = args.index("--sd"); sdfile = args[i + 1]; del args[i:i + 2]
def read(p):
    return {(r["date"], r["exporter"], r["importer"], r["sector"], r["metric"]): [float(r[c]) for c in ("mean", "p05", "p50", "p95")] for r in csv.DictReader(open(p))}
a, na, b, nb = read(args[0]), int(args[1]), read(args[2]), int(args[3])
sds = {(r["date"], r["exporter"], r["importer"], r["sector"], r["metric"]): float(r["sd"]) for r in csv.DictReader(open(sdfile))} if sdfile else None
zs = []
for k, va in a.items():
    if k not in b or k[4] == "rule_fired":
        continue
    vb = b[k]
    sd = sds[k] if sds else max(va[3] - va[1], vb[3] - vb[1]) / 3.29
    if sd <= 1e-4 * abs(va[0]) or va[0] == 0:     # spreads below the CSV's printed precision
        continue
    z = (vb[0] - va[0]) / (sd * math.sqrt(1 / na + 1 / nb))
    zs.append((abs(z), z, (vb[0] / va[0] - 1) * 100, k))
zs.sort(reverse=True)
n = len(zs)
print("rows %d: |z|>2 %.1f%% (normal 4.6%%), |z|>3 %.2f%% (0.27%%), |z|>4 %d (sd %s)" % (n, 100 * sum(x[0] > 2 for x in zs) / n, 100 * sum(x[0] > 3 for x in zs) / n, sum(x[0] > 4 for x in zs), "exact, from " + sdfile if sdfile else "from p05..p95"))
for x in zs[:int(args[4]) if len(args) > 4 else 15]:
    print("  z=%+.1f  Δ=%+.2f%%  %s" % (x[1], x[2], " ".join(x[3])))
missing = [k for k in a if k not in b]
print("rows only in first: %d; only in second: %d" % (len(missing), len([k for k in b if k not in a])))
