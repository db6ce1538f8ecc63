#!/usr/bin/env python3
"""Deterministic check: compare two summary.csv (or annual.csv) files row by row (mean column).

usage: detcheck.py TRADESIM_CSV PEER_CSV [--top K]
Relative difference |a - b| / max(|a|, |b|) per row, over rows where the larger value is above
the printing resolution (money: 1000 USD; other metrics: 1e-4); prints the worst rows, the
maximum and the median by metric, and rows present in one file only."""
import csv
import statistics
import sys


def read(path):
    out = {}
    for r in csv.DictReader(open(path)):
        out[(r["date"], r["exporter"], r["importer"], r["sector"], r["metric"])] = (float(r["mean"]), float(r["p05"]), float(r["p95"]))
    return out


a, b = read(sys.argv[1]), read(sys.argv[2])
top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 15
MONEY = {"trade", "transit", "gdp", "domestic", "trade_exporter_reported"}
only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
rows = []
for k in set(a) & set(b):
    x, y = a[k][0], b[k][0]
    big = max(abs(x), abs(y))
    if big <= (1000.0 if k[4] in MONEY else 1e-4):
        continue
    rows.append((abs(x - y) / big, k, x, y))
rows.sort(reverse=True)
spread = max((v[2] - v[1]) / max(abs(v[0]), 1e-300) for v in a.values() if abs(v[0]) > 0)
print("rows compared: %d; only in %s: %d; only in %s: %d; largest p95-p05 spread in the first file (relative): %.2e"
      % (len(rows), sys.argv[1], len(only_a), sys.argv[2], len(only_b), spread))
for k in only_a[:5]:
    print("  only first: %s %s" % (k, a[k][0]))
for k in only_b[:5]:
    print("  only second: %s %s" % (k, b[k][0]))
by = {}
for d, k, x, y in rows:
    by.setdefault(k[4], []).append(d)
print("| metric | rows | max rel diff | median rel diff |")
print("|---|---|---|---|")
for met, ds in sorted(by.items()):
    print("| %s | %d | %.2e | %.2e |" % (met, len(ds), max(ds), statistics.median(ds)))
print("worst rows:")
for d, k, x, y in rows[:top]:
    print("  %.3e  %s  %r  %r" % (d, ",".join(k), x, y))
print("MAX_REL_DIFF %.3e" % (rows[0][0] if rows else 0.0))
