#!/usr/bin/env python3
"""Compare annual.csv means/medians of peers with tradesim's for the validation rows.

usage: compare.py TRADESIM_ANNUAL N_TRADESIM name=PEER_ANNUAL:N_PEER ...
z: difference over its Monte-Carlo standard error. The sd over runs is exact when the peer's
directory has annual_sd.csv (written with --keep-runs), else estimated from tradesim's p05..p95
(sd ~ (p95 - p05) / 3.29); the median's standard error is taken as 1.25 sd / sqrt(N). tradesim's
quantiles come from a sketch within 0.39% (its medians are a bucket's value), so a median Δ
within ±0.4% is agreement whatever its z."""
import csv, math, os, sys
ROWS = [("trade", "US", "RU", "all"), ("trade", "RU", "US", "all"), ("trade", "RU", "CN", "oil"), ("trade", "RU", "IN", "oil"),
        ("trade", "EU", "RU", "all"), ("trade", "RU", "EU", "all"), ("trade", "RU", "EU", "gas"), ("trade", "CN", "RU", "technology"),
        ("transit", "EU", "RU", "all"), ("domestic", "RU", "RU", "all"), ("domestic", "EU", "EU", "gas"),
        ("gdp", "RU", "", ""), ("currency", "RU", "", ""), ("export_price", "RU", "", "oil"), ("tension", "US", "RU", ""),
        ("world_price", "", "", "gas_europe")]
KEYS = ("mean", "p05", "p25", "p50", "p75", "p95")


def read(path):
    out = {}
    for r in csv.DictReader(open(path)):
        out[(r["date"], r["metric"], r["exporter"], r["importer"], r["sector"])] = [float(r[c]) for c in KEYS]
    return out


def read_sd(path):
    p = os.path.join(os.path.dirname(path), "annual_sd.csv")
    if not os.path.exists(p):
        return None
    return {(r["date"], r["metric"], r["exporter"], r["importer"], r["sector"]): float(r["sd"]) for r in csv.DictReader(open(p))}


ref, n0 = read(sys.argv[1]), int(sys.argv[2])
peers = []
for p in sys.argv[3:]:
    name, rest = p.split("=")
    path, n1 = rest.rsplit(":", 1)
    peers.append((name, read(path), int(n1), read_sd(path)))
hdr = "| year | metric | route | sector | tradesim mean | tradesim p50 |" + "".join(" %s mean Δ (z) | %s p50 Δ (z) |" % (n, n) for n, _, _, _ in peers)
print(hdr); print("|" + "---|" * (hdr.count("|") - 1))
worst, worstz = 0.0, 0.0
for y in ("2023", "2030"):
    for (met, a, b, s) in ROWS:
        k = (y, met, a, b, s)
        m0, q0 = ref[k][0], ref[k][3]
        money = met in ("trade", "transit", "domestic", "gdp")
        sc = 1e9 if money else 1.0
        line = "| %s | %s | %s | %s | %.4g | %.4g |" % (y, met, "→".join(x for x in (a, b) if x), s, m0 / sc, q0 / sc)
        for n, d, n1, sds in peers:
            m1, q1 = d[k][0], d[k][3]
            sd = sds[k] if sds else (ref[k][5] - ref[k][1]) / 3.29
            se = sd * math.sqrt(1.0 / n0 + 1.0 / n1)
            dm, dq = (m1 / m0 - 1) * 100, (q1 / q0 - 1) * 100
            worst = max(worst, abs(dm), abs(dq))
            if se > 0:                      # (no spread: a deterministic row, e.g. world prices in the data years)
                zm, zq = (m1 - m0) / se, (q1 - q0) / (1.25 * se)
                worstz = max(worstz, abs(zm))
                line += " %+.2f%% (%+.1f) | %+.2f%% (%+.1f) |" % (dm, zm, dq, zq)
            else:
                line += " %+.2f%% (no spread) | %+.2f%% |" % (dm, dq)
        print(line)
print("money in USD bn; Δ = peer/tradesim - 1; worst |Δ| = %.2f%%, worst |z| of the means = %.1f" % (worst, worstz))
