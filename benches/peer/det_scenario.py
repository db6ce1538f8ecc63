#!/usr/bin/env python3
"""Write a deterministic copy of a scenario (validation of the peers against tradesim).

usage: det_scenario.py SCENARIO OUT [LINE ...]
No GDP shocks, no trade noise, no political events (also per pair), world prices deterministic
after their data end (volatility 0), `params.priors = false` (every prior at its centre), every
rule certain (probability 1), no baseline; a relative `data` key made absolute. Extra [params]
lines may be given, e.g. 'sigma = { gas = 1.3 }'. Every tradesim run of the copy is the same
run; compare summary.csv with detcheck.py. (Line-based: expects the keys one per line, as the
shipped scenarios write them.)"""
import os
import re
import sys

src = open(sys.argv[1]).read()
# drop the keys the copy sets, events off everywhere (also in [[shocks.pair]] tables)
src = re.sub(r"(?m)^(gdp_volatility_scale|trade_noise|world_price_volatility|priors) *=.*\n", "", src)
src = re.sub(r"(?m)^event_rate *=.*$", "event_rate = 0", src)
src = re.sub(r"(?m)^probability *= *[0-9.eE+-]+", "probability = 1", src)
src = re.sub(r"(?m)^baseline *=.*$", "", src)
src = re.sub(r'(?m)^data = "([^"]*)"', lambda mt: 'data = "%s"' % os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), mt.group(1))), src)
shocks = "gdp_volatility_scale = 0\ntrade_noise = 0\nworld_price_volatility = 0\n"
params = "priors = false\n" + "".join(x + "\n" for x in sys.argv[3:])
# insert after the table headers (or add the tables before the first array of tables)
first = min([m.start() for m in re.finditer(r"(?m)^\[\[", src)] + [len(src)])
if re.search(r"(?m)^\[shocks\]\s*$", src):
    src = re.sub(r"(?m)^\[shocks\]\s*$", "[shocks]\n" + shocks + "event_rate = 0", src, count=1)
    first = min([m.start() for m in re.finditer(r"(?m)^\[\[", src)] + [len(src)])
else:
    src = src[:first] + "\n[shocks]\n" + shocks + "event_rate = 0\n\n" + src[first:]
    first = min([m.start() for m in re.finditer(r"(?m)^\[\[", src)] + [len(src)])
if re.search(r"(?m)^\[params\]\s*$", src):
    src = re.sub(r"(?m)^\[params\]\s*$", "[params]\n" + params.rstrip("\n"), src, count=1)
else:
    src = src[:first] + "\n[params]\n" + params + "\n" + src[first:]
open(sys.argv[2], "w").write("# deterministic copy of %s (det_scenario.py)\n" % os.path.basename(sys.argv[1]) + src)
