#!/usr/bin/env python3
"""Run-by-run comparison of every run's calendar-year bilateral totals (tradesim --keep-runs
runs.csv vs a peer's runs.npz written with --run-params, i.e. the same prior draws and no
other randomness): the largest relative difference.

usage: runs_exact.py TRADESIM_DIR/runs.csv PEER_DIR/runs.npz"""
import csv
import sys

import numpy as np

z = np.load(sys.argv[2])
v, ys, ps = z["values"], list(z["years"]), list(z["pairs"])
worst, n = (0.0, None), 0
for run, y, a, b, val in list(csv.reader(open(sys.argv[1])))[1:]:
    mine = float(v[ys.index(int(y)), ps.index(a + ">" + b), int(run)])
    d = abs(mine - float(val)) / max(abs(float(val)), 1.0)
    n += 1
    if d > worst[0]:
        worst = (d, (int(run), int(y), a, b, float(val), mine))
print("values compared: %d (runs x years x pairs); max relative difference %.3e at run %s" % (n, worst[0], worst[1]))
