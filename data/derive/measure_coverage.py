#!/usr/bin/env python3
"""Turn the policy measures of data/raw/sanction_measures.csv into scenario levers.

Usage (from the repository root):
    python3 data/derive/measure_coverage.py            # writes data/measure_coverage.csv
    python3 data/derive/measure_coverage.py --check    # also checks scenarios/*.toml against it

Reads data/raw/sanction_measures.csv, data/raw/sanction_coverage_by_sector.csv,
data/flows.csv, data/mirror.csv, data/sectors.csv and, for the measures of the
coalition members (UK, JP, KR, CA ...), data/coalition_hubs/flows.csv.  Writes
data/measure_coverage.csv: one row per measure and lever field (the lever a
measure becomes, who imposes it on whom, sectors, dates, the covered value, the
base-year flow it is divided by, the share of that flow, the value the scenario
writes and its prior range), and one row per measure left out (with why) or
per published cumulative total (a check of the package-level sums).
Standard library only; deterministic (byte-identical output).

Conventions (docs/scenarios-library.md, "How the scenarios were built"):
- share = covered value / base-year flow of the route and sector (flows.csv;
  where the published value is on the exporter's basis, the flow times its
  mirror.csv ratio, so both are on one basis).
- A route and sector banned by several levers: the model combines bans as
  1 - prod(1 - coverage), so each lever's coverage is its share over what the
  earlier levers on that route and sector leave: share / (1 - earlier shares);
  with all in force the route loses the sum of the shares.
- Dates: a lever starts in the month the measure takes effect if that is on or
  before the 15th, else in the next month; `end` (first month no longer in
  force) likewise.
- A prior {low, high} where the source gives a range, only a total over
  several sectors (the sector split is then an ESTIMATE), or no value at all.
- Risk of bans: the default 0.02 per route and sector, shared among the levers
  on it in proportion to their shares; tension: the kind's default once per
  imposer, target and kind, shared equally among those levers (cutting a
  programme into packages and sectors does not multiply its effect).
Every judgement value is a named constant below, with its reason.
"""
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(REPO, "data")
RAW = os.path.join(DATA, "raw")
OUT = os.path.join(DATA, "measure_coverage.csv")

SECTORS = ["oil", "gas", "metals", "agriculture", "technology", "aerospace", "machinery", "defense", "consumer"]


# ----------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------
def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


SM = {r["id"]: r for r in load(os.path.join(RAW, "sanction_measures.csv"))}
SM_ORDER = list(SM)
SCOV = load(os.path.join(RAW, "sanction_coverage_by_sector.csv"))
FLOWS = {
    "standard": {(r["base"], r["exporter"], r["importer"], r["sector"]): float(r["value_usd"]) for r in load(os.path.join(DATA, "flows.csv"))},
    "coalition_hubs": {(r["base"], r["exporter"], r["importer"], r["sector"]): float(r["value_usd"]) for r in load(os.path.join(DATA, "coalition_hubs", "flows.csv"))},
}
FLOW_NOTES = {(r["base"], r["exporter"], r["importer"]): r["note"] for r in load(os.path.join(DATA, "coalition_hubs", "flows.csv"))}
MIRROR = {(r["base"], r["exporter"], r["importer"], r["sector"]): float(r["exporter_reported_ratio"]) for r in load(os.path.join(DATA, "mirror.csv"))}
SIGMA = {r["code"]: float(r["sigma"]) for r in load(os.path.join(DATA, "sectors.csv"))}
BRENT = {r["year"]: float(r["value"]) for r in load(os.path.join(DATA, "world_prices.csv")) if r["series"] == "brent"}


def flow(cal, base, ex, im, sector):
    if sector == "all":
        return sum(flow(cal, base, ex, im, s) for s in SECTORS)
    return FLOWS[cal][(str(base), ex, im, sector)]


def mirror(base, ex, im, sector):
    return MIRROR[(str(base), ex, im, sector)]


def cov(mid, sector):
    m = [r for r in SCOV if r["measure_id"] == mid and r["sector"] == sector]
    if len(m) != 1:
        raise SystemExit(f"expected one row {mid} {sector} in sanction_coverage_by_sector.csv, got {len(m)}")
    return m[0]


def value(mid):
    return float(SM[mid]["base_year_value_covered_usd"])


def member_value(base, ex, im, member):
    """A coalition member's value in a group route of data/coalition_hubs/flows.csv (from the row note)."""
    note = FLOW_NOTES[(str(base), ex, im)]
    m = re.search(re.escape(member) + r" ([0-9.]+)bn", note)
    if not m:
        raise SystemExit(f"no value for {member} in the note of {base} {ex}->{im}")
    return float(m.group(1)) * 1e9


def month(date):
    """Lever month of a legal date: its month if on or before the 15th, else the next month."""
    y, m, d = (int(x) for x in date.split("-"))
    if d > 15:
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return f"{y:04d}-{m:02d}"


def eff(mid):
    return month(SM[mid]["date_effective"])


def months_between(a, b):
    ya, ma = (int(x) for x in a.split("-"))
    yb, mb = (int(x) for x in b.split("-"))
    return (yb - ya) * 12 + (mb - ma)


def t_eq(groups, sigma):
    """Uniform ad valorem rate equivalent to factors f on shares c of a route and sector: the rate
    that gives the route the same CES price index, (1+T)^(1-s) = (1 - sum c) + sum c f^(1-s)."""
    rest = 1.0 - sum(c for c, _ in groups)
    x = rest + sum(c * f ** (1.0 - sigma) for c, f in groups)
    return x ** (1.0 / (1.0 - sigma)) - 1.0


# ----------------------------------------------------------------------------
# judgement constants (ESTIMATE), each with its reason
# ----------------------------------------------------------------------------
EUR_USD_2021 = 0.8453   # EUR per USD, FRED 2021 annual (data/raw/README.md)
SPLIT_BAND = 0.30       # a judged sector split of a published total: prior +-30% of its point
WIDE_BAND = 0.50        # a judged split with no composition in data/raw at all: +-50%
RISK_BAN = 0.02         # docs/scenarios.md default compliance risk of a ban, per route and sector
LEAK_EXPORT = (0.05, 0.15)   # export controls: EBRD, rerouting offset under 10% of the 2022 impact in aggregate, more for single products
LEAK_IMPORT = (0.02, 0.08)   # import bans: relabelling and processing in third countries, around the default 0.05
# Financial sanctions: frictions if a whole banking system were cut from payments (cost), the
# compliance risk if all of it were sanctioned (risk), the extra cost of rerouting (rerouting_cost).
# Centred so that 80% of banking assets (the US 2022 measures) give the former 0.10 cost, the
# default 0.04 risk and the default 0.05 rerouting cost, +-40%.
FIN_COST_FULL = (0.075, 0.175)
FIN_RISK_FULL = (0.03, 0.07)
FIN_REROUTE_FULL = (0.0375, 0.0875)
CAPMKT_FACTOR = (0.10, 0.30)   # a capital-market ban (no new debt or equity) raises trade costs a tenth to three tenths as much as a cut from payments: trade finance dearer, payments still clear
ENTITY_RISK = (0.01, 0.03)   # risk per 1,000 listed, around the default 0.02

TENSION_DEFAULT = {"tariff": 0.03, "export_control": 0.05, "import_ban": 0.05, "embargo": 0.10, "financial_sanctions": 0.08,
                   "entity_sanctions": 0.03, "secondary_sanctions": 0.05, "trade_agreement": -0.03, "investment": -0.02,
                   "treaty": -0.05, "capital_controls": 0.0, "reserve_freeze": 0.08, "price_cap": 0.03, "mfn_withdrawal": 0.03}

# ----------------------------------------------------------------------------
# rows
# ----------------------------------------------------------------------------
COLS = ["measure_id", "scenario", "lever_id", "kind", "by", "on", "sectors", "start", "end", "phase_in", "field", "value", "low", "high",
        "covered_value_usd", "base_flow", "base_value_usd", "share", "share_low", "share_high", "status", "source", "note"]


class Lever:
    def __init__(self, scen, mids, lid, kind, by, on, sectors, start, end="", phase_in=0, note="", status="ESTIMATE"):
        self.scen, self.mids, self.lid, self.kind, self.by = scen, mids, lid, kind, by
        self.on = on if isinstance(on, list) else ([on] if on else [])
        self.sectors, self.start, self.end, self.phase_in = sectors, start, end, phase_in
        self.fields = []   # (field, value, low, high, status, note)
        self.ban = None    # for bans: dict(share, low, high, covered, base_flow, base_value, note, status)
        self.note, self.status = note, status

    def field(self, name, value=None, low=None, high=None, status="ESTIMATE", note=""):
        if low is not None and abs(high - low) < 1e-12:   # a zero-width range is a point
            value, low, high = low, None, None
        if value is None and low is not None:
            value = (low + high) / 2
        self.fields.append([name, value, low, high, status, note])
        return self

    def share(self, share, low=None, high=None, covered=None, base_flow="", base_value=None, status="ESTIMATE", note=""):
        if low is not None and abs(high - low) < 1e-12:
            low = high = None
        self.ban = dict(share=share, low=low, high=high, covered=covered, base_flow=base_flow, base_value=base_value, status=status, note=note)
        return self


LEVERS = []
OTHER = []   # left-out and check rows: dicts


def lever(*a, **k):
    lv = Lever(*a, **k)
    LEVERS.append(lv)
    return lv


def left_out(scen, mid, why, covered=None, base_flow="", base_value=None, share=None):
    OTHER.append(dict(measure_id=mid, scenario=scen, field="left_out", covered_value_usd=covered, base_flow=base_flow,
                      base_value_usd=base_value, share=share, status="LEFT_OUT", note=why))


def check(scen, mid, share, modelled, note):
    OTHER.append(dict(measure_id=mid, scenario=scen, field="check", share=share, value=modelled, status="CHECK", note=note))


# Levers kept in the scenarios although no row of sanction_measures.csv has them (a gap there):
# listed here so that their risk and tension are shared like the others'.
GAPS = {
    "GAP-US-2014-DEFENSE": "not a row of data/raw/sanction_measures.csv: State Department licence suspensions (March 2014) and BIS military end-user denials (28 April 2014)",
    "GAP-US-2014-DUALUSE": "not a row of data/raw/sanction_measures.csv: BIS denials of dual-use exports to military end users (April 2014)",
    "GAP-US-2014-LISTINGS": "not a row of data/raw/sanction_measures.csv: listings under EO 13660, 13661 and 13662 in 2014 (OFAC)",
    "GAP-EU-2014-LISTINGS": "not a row of data/raw/sanction_measures.csv: asset freezes and travel bans, Regulation 269/2014 (Council lists)",
    "GAP-INF-1987": "not a row of data/raw/sanction_measures.csv: the INF treaty (signed December 1987, in force 1 June 1988)",
    "GAP-START2-1993": "not a row of data/raw/sanction_measures.csv: START II (signed 3 January 1993)",
}


def src(mid):
    if mid in GAPS:
        return GAPS[mid]
    r = SM[mid]
    return f"data/raw/sanction_measures.csv [{mid}]: {r['legal_reference']}"


def band(x, rel, hi_cap=1.0):
    return max(0.0, x * (1 - rel)), min(hi_cap, x * (1 + rel))


# ============================================================================
# sanctions_2022 (base 2021, standard calibration; the coalition scenario adds its own below)
# ============================================================================
S22, COAL = "sanctions_2022", "sanctions_2022_coalition"
B = 2021


def fb(ex, im, s, cal="standard"):
    return f"flows.csv {B} {ex}->{im} {s}" if cal == "standard" else f"coalition_hubs/flows.csv {B} {ex}->{im} {s}"


# --- EU export bans: the CN8 sum of packages 1-8 by sector, published package totals after -----
# sanction_coverage_by_sector.csv [EU-2022-EST-CN8]: 2021 EU exports to Russia of every CN8 code
# listed in Reg 833/2014 as of 7 Oct 2022 (packages 1-8), by sector.  Its sector map puts cars
# (8703/8711/8712, HS87 EUR 3.13bn of its `consumer`) in consumer; flows.csv puts HS87 in
# machinery: they move to machinery (and stay with the luxury ban, P4).  Its `other`
# (chemicals, plastics, wood and paper, textiles, stone and glass) is flows.csv's consumer, its
# `energy` (HS27) our oil.
CN8 = {s: float(cov("EU-2022-EST-CN8", s)["covered_value_usd"]) for s in
       ["machinery", "consumer", "other", "technology", "metals", "agriculture", "aerospace", "energy"]}
CARS = 3.13e9 / EUR_USD_2021   # note of the consumer row: "top HS chapters: 87:3.13bn" (EUR)
CN8_TOTAL = float(cov("EU-2022-EST-CN8", "all")["covered_value_usd"])
# Package 5 (EUR 10bn published) over its four sectors in proportion to their CN8 values; the rest
# of those sectors' CN8 value is package 2's (the first package: dual-use, Annex VII advanced
# technology, Annex X oil-refining goods, Annex XI aviation; package 3b's maritime equipment folded
# in); consumer, cars and agriculture (spirits, food preparations) are package 4's luxury ban;
# `other` and metals are package 8's extension (its note names chemicals).  ESTIMATE: the CN8 sum
# is not split by package.
P5_SECT = {"technology": CN8["technology"], "machinery": CN8["machinery"], "aerospace": CN8["aerospace"], "oil": CN8["energy"]}
P5_VAL = value("EU-2022-P5-EXP")
P5_FRAC = P5_VAL / sum(P5_SECT.values())
EU_EXP = {}  # (package, sector) -> covered value
for s, v in P5_SECT.items():
    EU_EXP[("P5", s)] = v * P5_FRAC
    EU_EXP[("P2", s)] = v * (1 - P5_FRAC)
EU_EXP[("P4", "consumer")] = CN8["consumer"] - CARS
EU_EXP[("P4", "machinery")] = CARS
EU_EXP[("P4", "agriculture")] = CN8["agriculture"]
EU_EXP[("P8", "consumer")] = CN8["other"]
EU_EXP[("P8", "metals")] = CN8["metals"]
assert abs(sum(EU_EXP.values()) - CN8_TOTAL) < 1e6, (sum(EU_EXP.values()), CN8_TOTAL)


def eu_exp_base(s):
    return flow("standard", B, "EU", "RU", s)


def remainder_split(total, sectors, covered_before):
    """Spread a published total over sectors in proportion to what earlier bans left of each."""
    rest = {s: eu_exp_base(s) - covered_before.get(s, 0.0) for s in sectors}
    k = total / sum(rest.values())
    return {s: rest[s] * k for s in sectors}, k


covered_eu_exp = {}
for (p, s), v in EU_EXP.items():
    covered_eu_exp[s] = covered_eu_exp.get(s, 0.0) + v
P10_SPLIT, P10_K = remainder_split(value("EU-2023-P10-EXP"), ["machinery", "technology", "aerospace", "metals"], covered_eu_exp)
for s, v in P10_SPLIT.items():
    covered_eu_exp[s] += v
P12_SPLIT, P12_K = remainder_split(value("EU-2023-P12-EXP"), ["machinery", "technology", "consumer"], covered_eu_exp)

CN8_NOTE = ("sanction_coverage_by_sector.csv [EU-2022-EST-CN8] (2021 EU exports of the CN8 codes listed in Reg 833/2014 "
            "as of 2022-10-07, by sector; cars moved to machinery, `other` to consumer)")
PKG = {
    "P2": ("EU-2022-P2-EXP", ["EU-2022-P2-EXP", "EU-2022-P3b-MARITIME"], "eu_p2_exp",
           f"package 2 (dual-use, Annex VII technology, Annex X oil refining, Annex XI aviation; package 3b's maritime equipment folded in): the CN8 value of its sectors not in package 5 ({1 - P5_FRAC:.3f} of it); ESTIMATE split, {CN8_NOTE}"),
    "P4": ("EU-2022-P4-LUX", ["EU-2022-P4-LUX"], "eu_p4_lux",
           f"package 4 luxury ban (> EUR 300 an item, cars > EUR 50,000): the CN8 consumer goods, cars and agri-food (spirits, food preparations); an upper bound where bans apply above price thresholds (row note): prior from half of it; {CN8_NOTE}"),
    "P5": ("EU-2022-P5-EXP", ["EU-2022-P5-EXP"], "eu_p5_exp",
           f"package 5: published EUR 10bn ({P5_VAL/1e9:.2f}bn USD) spread over its four sectors in proportion to their CN8 values ({P5_FRAC:.3f} of each); ESTIMATE split"),
    "P8": ("EU-2022-P8", ["EU-2022-P8"], "eu_p8_exp",
           f"package 8's export extension (aviation items, electronic components, chemicals; no value published): the CN8 `other` (chemicals, plastics, paper) and metals; ESTIMATE split, {CN8_NOTE}"),
}
for p, (mid, mids, stem, how) in PKG.items():
    for s in SECTORS:
        if (p, s) not in EU_EXP:
            continue
        v = EU_EXP[(p, s)]
        base = eu_exp_base(s)
        sh = v / base
        if p == "P4":
            lo, hi = 0.5 * sh, sh
        else:
            lo, hi = band(sh, SPLIT_BAND)
        lever(S22, mids, f"{stem}_{s}", "export_control", "EU", "RU", [s], eff(mid)).share(
            sh, lo, hi, v, fb("EU", "RU", s), base, "ESTIMATE", how)
# package 2's defence part: the residual arms trade (legacy contracts of the 2014 embargo, exempt
# until 8 Apr 2022, EU-2014-ARMS note) and dual-use to military users: all of it.
lever(S22, ["EU-2022-P2-EXP"], "eu_p2_exp_defense", "export_control", "EU", "RU", ["defense"], eff("EU-2022-P2-EXP")).share(
    1.0, None, None, flow("standard", B, "EU", "RU", "defense"), fb("EU", "RU", "defense"), flow("standard", B, "EU", "RU", "defense"), "ESTIMATE",
    "package 2 bans dual-use goods to every Russian user and the legacy arms contracts of the 2014 embargo end on 8 Apr 2022 (EU-2014-ARMS note): all EU->RU defense trade")
for pid, split, k, mid, how in [("p10", P10_SPLIT, P10_K, "EU-2023-P10-EXP", "published EUR 11.4bn 'in 2021 figures'"),
                                ("p12", P12_SPLIT, P12_K, "EU-2023-P12-EXP", "published EUR 2.3bn a year")]:
    for s, v in split.items():
        base = eu_exp_base(s)
        sh = v / base
        lo, hi = band(sh, SPLIT_BAND)
        lever(S22, [mid], f"eu_{pid}_exp_{s}", "export_control", "EU", "RU", [s], eff(mid)).share(
            sh, lo, hi, v, fb("EU", "RU", s), base, "ESTIMATE",
            f"{how} ({value(mid)/1e9:.2f}bn USD) over its sectors in proportion to what the earlier packages left of each ({k:.3f} of the remainder); ESTIMATE split")

# --- EU import bans -----------------------------------------------------------------------
RU_EU = lambda s: flow("standard", B, "RU", "EU", s)
v = value("EU-2022-P4-STEEL")
lever(S22, ["EU-2022-P4-STEEL"], "eu_p4_steel", "import_ban", "EU", "RU", ["metals"], eff("EU-2022-P4-STEEL"), phase_in=4).share(
    v / RU_EU("metals"), None, None, v, fb("RU", "EU", "metals"), RU_EU("metals"), "PUBLISHED",
    "published EUR 3.3bn (iron and steel under EU safeguard); pre-existing contracts to 17 Jun 2022: phase_in 4 months")
v = value("EU-2022-P5-COAL")
lever(S22, ["EU-2022-P5-COAL"], "eu_p5_coal", "import_ban", "EU", "RU", ["oil"], month("2022-04-09"), phase_in=5).share(
    v / RU_EU("oil"), None, None, v, fb("RU", "EU", "oil"), RU_EU("oil"), "PUBLISHED",
    "published EUR 8bn a year of coal (oil = HS27 without gas, coal included); no new contracts from 9 Apr 2022, wind-down to 10 Aug: start 2022-04, phase_in 5")
# package 5 imports: wood, cement, rubber products, seafood, spirits, EUR 5.5bn.  ESTIMATE split:
# wood and rubber products (consumer) most of it, seafood and spirits (agriculture) and cement
# (HS25: metals by the flows' HS map) a tenth each; no composition in data/raw.
P5_IMP = {"consumer": 0.8, "agriculture": 0.1, "metals": 0.1}
for s, w in P5_IMP.items():
    v = value("EU-2022-P5-IMP") * w
    sh = v / RU_EU(s)
    lo, hi = band(sh, WIDE_BAND)
    lever(S22, ["EU-2022-P5-IMP"], f"eu_p5_imp_{s}", "import_ban", "EU", "RU", [s], eff("EU-2022-P5-IMP"), phase_in=4).share(
        sh, lo, hi, v, fb("RU", "EU", s), RU_EU(s), "ESTIMATE",
        f"published EUR 5.5bn (wood, cement, rubber products, seafood, spirits) x ESTIMATE {w} for {s} (wood and rubber consumer, seafood and spirits agriculture, cement metals); contracts to 10 Jul 2022: phase_in 4")
# package 6 oil: crude from 5 Dec 2022, products from 5 Feb 2023.  Two published measures of the
# covered share: the residual value EUR 66.1bn (Commission cumulative EUR 91.2bn minus the other
# import bans) over the oil flow, and 90% of EU oil imports from Russia (Commission) times the
# petroleum-oils share of the oil flow (petroleum oils EUR 89.9bn, coal EUR 8bn: SOURCES.md).
P6_V = value("EU-2022-P6-OIL")
PETRO_SHARE = 89.9 / (89.9 + 8.0)
P6_LO, P6_HI = sorted([P6_V / RU_EU("oil"), 0.90 * PETRO_SHARE])
CRUDE_SHARE = 0.55   # ESTIMATE: seaborne crude about 1.5 mb/d and products about 1.2 mb/d of the EU's 2021 imports from Russia (IEA, general knowledge; not in data/raw), products dearer per barrel: about 55/45 by value
for part, w, mid_date in [("crude", CRUDE_SHARE, "2022-12"), ("products", 1 - CRUDE_SHARE, "2023-02")]:
    lever(S22, ["EU-2022-P6-OIL"], f"eu_p6_{part}", "import_ban", "EU", "RU", ["oil"], mid_date).share(
        w * P6_V / RU_EU("oil"), w * P6_LO, w * P6_HI, w * P6_V, fb("RU", "EU", "oil"), RU_EU("oil"), "ESTIMATE",
        f"{part} {w:.2f} (ESTIMATE split by value) of the package-6 oil ban, whose share of the oil flow is {P6_LO:.3f} (EUR 66.1bn residual of the Commission's cumulative) to {P6_HI:.3f} (90% of petroleum oils, {PETRO_SHARE:.3f} of the flow)")
# package 7 gold: no EU value; Russian gold exports ~USD 19bn (2020), >90% to the UK, so the EU's at most a tenth.
GOLD_EU_MAX = 0.1 * 19e9
lever(S22, ["EU-2022-P7-GOLD"], "eu_p7_gold", "import_ban", "EU", "RU", ["metals"], eff("EU-2022-P7-GOLD")).share(
    GOLD_EU_MAX / 2 / RU_EU("metals"), 0.0, GOLD_EU_MAX / RU_EU("metals"), None, fb("RU", "EU", "metals"), RU_EU("metals"), "ESTIMATE",
    "no EU value published; more than 90% of Russia's USD 19bn gold exports (2020) went to the UK (row note): prior from 0 to a tenth of 19bn")
# package 8 imports EUR 7bn: ESTIMATE split metals (semi-finished steel, non-gold jewellery: HS71-83) half,
# consumer (pulp, paper, plastics, chemicals, cosmetics, textiles) 0.4, machinery (machinery, vehicles) 0.1
P8_IMP = {"metals": 0.5, "consumer": 0.4, "machinery": 0.1}
for s, w in P8_IMP.items():
    v = value("EU-2022-P8") * w
    sh = min(1.0, v / RU_EU(s))
    lo, hi = band(sh, WIDE_BAND)
    lever(S22, ["EU-2022-P8"], f"eu_p8_imp_{s}", "import_ban", "EU", "RU", [s], eff("EU-2022-P8")).share(
        sh, lo, hi, v, fb("RU", "EU", s), RU_EU(s), "ESTIMATE",
        f"published EUR 7bn x ESTIMATE {w} for {s}" + ("; slabs under quota to 2024 (row note): the low end of the prior" if s == "metals" else ""))
# package 10 imports EUR 1.3bn: bitumen, paraffin, petroleum coke (oil) and synthetic rubber, carbon
# black (consumer, under quotas to mid-2024): ESTIMATE half each
for s, w, start, ph, why in [("oil", 0.5, "2023-02", 3, "wind-down to 27 May 2023: phase_in 3"),
                             ("consumer", 0.5, "2024-07", 0, "synthetic rubber and carbon black under quotas to mid-2024: from 2024-07")]:
    v = value("EU-2023-P10-IMP") * w
    sh = v / RU_EU(s)
    lo, hi = band(sh, WIDE_BAND)
    lever(S22, ["EU-2023-P10-IMP"], f"eu_p10_imp_{s}", "import_ban", "EU", "RU", [s], start, phase_in=ph).share(
        sh, lo, hi, v, fb("RU", "EU", s), RU_EU(s), "ESTIMATE", f"published EUR 1.3bn x ESTIMATE {w} for {s}; {why}")
# package 11: northern Druzhba crude to Germany and Poland, which they pledged to stop by the end of
# 2022 (the 92% rather than 90% of EU oil imports in the EU-2022-P6-OIL note): 2% of petroleum oils.
v = 0.02 * PETRO_SHARE * RU_EU("oil")
lever(S22, ["EU-2023-P11"], "eu_p11_druzhba", "import_ban", "EU", "RU", ["oil"], "2023-01").share(
    0.02 * PETRO_SHARE, None, None, v, fb("RU", "EU", "oil"), RU_EU("oil"), "ESTIMATE",
    "92% - 90% of EU oil imports (EU-2022-P6-OIL note: DE and PL pipeline pledges for the end of 2022, made law by package 11 in June 2023): from 2023-01")
# package 12: pig iron, copper and aluminium wire, foil, tubes (metals) and LPG (oil, 12-month
# transition), EUR 2.2bn: ESTIMATE metals 0.8, LPG 0.2
for s, w, start in [("metals", 0.8, eff("EU-2023-P12-IMP")), ("oil", 0.2, "2025-01")]:
    v = value("EU-2023-P12-IMP") * w
    sh = v / RU_EU(s)
    lo, hi = band(sh, WIDE_BAND)
    lever(S22, ["EU-2023-P12-IMP"], f"eu_p12_imp_{s}", "import_ban", "EU", "RU", [s], start).share(
        sh, lo, hi, v, fb("RU", "EU", s), RU_EU(s), "ESTIMATE",
        f"published EUR 2.2bn x ESTIMATE {w} for {s}" + ("; LPG after a 12-month transition: from 2025-01" if s == "oil" else ""))
# package 12 diamonds: no EU value; low: Russia's diamond revenue EUR 4bn x ESTIMATE 0.3 through
# Antwerp; high: Eurostat pearls and precious stones, 2.9% of EU imports from Russia (EUR 158.5bn),
# which includes other items.
DIAM_LO = 4e9 * 0.3 / EUR_USD_2021
DIAM_HI = 0.029 * 158.5e9 / EUR_USD_2021
lever(S22, ["EU-2023-P12-DIAM"], "eu_p12_diamonds", "import_ban", "EU", "RU", ["metals"], eff("EU-2023-P12-DIAM")).share(
    (DIAM_LO + DIAM_HI) / 2 / RU_EU("metals"), DIAM_LO / RU_EU("metals"), DIAM_HI / RU_EU("metals"), None, fb("RU", "EU", "metals"), RU_EU("metals"), "ESTIMATE",
    f"no EU value; low {DIAM_LO/1e9:.2f}bn (Russian diamond revenue EUR 4bn x ESTIMATE 0.3 via Antwerp), high {DIAM_HI/1e9:.2f}bn (EU imports of pearls and precious stones from Russia, 2.9%, an upper bound)")

# --- EU financial, listings, third countries, reserves, price cap ----------------------------
# Shares of the Russian banking market (rows): VTB about 20% (US-2022-FIN note), Sberbank about a
# third (EU-2022-P6-SWIFT), the four banks of package 5 23%, 70% under package 2's capital-market
# and deposit restrictions, slightly more than 80% under some sanction after package 3.
# pay: share newly cut from payments; cm: newly under capital-market restrictions only; any: newly
# under any sanction (compliance risk).
EU_FIN = [
    ("EU-2022-P2-FIN", "eu_p2_fin", 0.0, 0.70, 0.70, "capital-market, deposit and listing restrictions on 70% of the banking market (Commission); no payment cut"),
    ("EU-2022-P3-SWIFT", "eu_p3_swift", 0.25, 0.0, 0.10, "seven banks cut from SWIFT: VTB (about 20%) and six smaller (ESTIMATE 5%); 'slightly more than 80%' of the system under some sanction after it (EU official)"),
    ("EU-2022-P5-BANKS", "eu_p5_banks", 0.03, 0.0, 0.0, "full transaction ban on four banks with 23% of the market, VTB among them and already off SWIFT: 3% newly cut"),
    ("EU-2022-P6-SWIFT", "eu_p6_swift", 0.36, 0.0, 0.0, "Sberbank (about a third of bank assets) and two more (ESTIMATE 3%) cut from SWIFT"),
]


def fin_lever(scen, mid, lid, by, pay, cm, any_, start, why, phase_in=0):
    lv = lever(scen, [mid], lid, "financial_sanctions", by, "RU", ["all"], start, phase_in=phase_in, note=why)
    lo = FIN_COST_FULL[0] * (pay + CAPMKT_FACTOR[0] * cm)
    hi = FIN_COST_FULL[1] * (pay + CAPMKT_FACTOR[1] * cm)
    lv.field("cost", None, lo, hi, "ESTIMATE",
             f"{why}. cost: the friction of cutting a whole banking system from payments, {FIN_COST_FULL[0]} to {FIN_COST_FULL[1]} (ESTIMATE), "
             + "times " + " plus ".join(([f"{pay} of the market newly cut from payments"] if pay else [])
                                      + ([f"{CAPMKT_FACTOR[0]} to {CAPMKT_FACTOR[1]} times {cm} under capital-market restrictions only"] if cm else []))
             + (f"; rerouting_cost {FIN_REROUTE_FULL[0]} to {FIN_REROUTE_FULL[1]} times {pay}" if pay else "; rerouting_cost 0 (payments still clear)")
             + (f"; risk {FIN_RISK_FULL[0]} to {FIN_RISK_FULL[1]} times {any_} newly under any sanction" if any_ else "; risk 0 (no bank newly under sanctions: it is in the earlier levers)"))
    lv.field("rerouting_cost", None, FIN_REROUTE_FULL[0] * pay, FIN_REROUTE_FULL[1] * pay, "ESTIMATE", f"{FIN_REROUTE_FULL} x {pay} cut from payments")
    lv.field("risk", None, FIN_RISK_FULL[0] * any_, FIN_RISK_FULL[1] * any_, "ESTIMATE", f"{FIN_RISK_FULL} x {any_} newly under any sanction")
    return lv


for mid, lid, pay, cm, any_, why in EU_FIN:
    fin_lever(S22, mid, lid, "EU", pay, cm, any_, eff(mid), why)
fin_lever(S22, "US-2022-FIN", "us_banks", "US", 0.80, 0.0, 0.80, eff("US-2022-FIN"),
          "'nearly 80 percent of all banking assets in Russia' (US Treasury): Sberbank correspondent accounts, VTB and others blocked")
LISTED_US = 1000   # ESTIMATE: OFAC SDN additions under the Russia programmes in 2022, order of magnitude (no row in data/raw)
lever(S22, ["US-2022-FIN"], "us_entities", "entity_sanctions", "US", "RU", ["all"], eff("US-2022-FIN")).field(
    "listed", LISTED_US, None, None, "ESTIMATE", "OFAC SDN additions under the Russia programmes in 2022, order of magnitude (not in data/raw)").field(
    "risk_per_1000", None, *ENTITY_RISK, "ESTIMATE", "around the default 0.02")
lever(S22, ["EU-2022-P9"], "eu_p9_entities", "entity_sanctions", "EU", "RU", ["all"], eff("EU-2022-P9")).field(
    "listed", 168, None, None, "PUBLISHED", "168 more listed entities (dual-use end users)").field(
    "risk_per_1000", None, *ENTITY_RISK, "ESTIMATE", "around the default 0.02")


def secondary(scen, mid, lid, by, on, start, cost, risk, cut, sectors, why):
    lv = lever(scen, [mid], lid, "secondary_sanctions", by, on, sectors, start, note=why)
    lv.field("target", "RU", None, None, "PUBLISHED", "")
    lv.field("cost", None, *cost, "ESTIMATE", why)
    lv.field("risk", None, *risk, "ESTIMATE", why)
    lv.field("leakage_cut", None, *cut, "ESTIMATE", why)
    return lv


for scen, hubs in [(S22, ["CN", "ROW"]), (COAL, ["CN", "HUBS"])]:
    secondary(scen, "EU-2023-P11", "eu_p11_third_countries", "EU", hubs, eff("EU-2023-P11"), (0.0, 0.02), (0.005, 0.02), (0.1, 0.3),
              ["technology", "aerospace", "defense"],
              "87 entities listed in third countries (CN, AE, AM, UZ ...) for battlefield items; the anti-circumvention tool started empty: a small friction and risk, leakage cut a tenth to three tenths (ESTIMATE)")
    secondary(scen, "US-2023-EO14114", "us_eo14114", "US", hubs, eff("US-2023-EO14114"), (0.02, 0.08), (0.02, 0.06), (0.3, 0.7),
              ["technology", "aerospace", "defense", "machinery"],
              "correspondent accounts of third-country banks that serve Russia's military-industrial base at risk: friction and risk around the secondary-sanctions defaults (0.05, 0.04), leakage through the pressed hubs cut by 0.3 to 0.7 around the default 0.5 (ESTIMATE)")
lever(S22, ["G7-2022-CBR"], "reserves_frozen", "reserve_freeze", "EU", "RU", ["all"], eff("G7-2022-CBR")).field(
    "share", None, 0.0, 0.02, "ESTIMATE",
    f"USD 300bn immobilised = {300e9 / 1843392293734:.2f} of Russia's 2021 GDP, a stock Russia was adding to, not drawing on (its 2021 current account: a surplus of 6.6% of GDP, "
    "balance_of_payments_base_years.csv): the deficit financing it denies a year is at most a drawdown over eight years or more, 0 to 2% of GDP; "
    "one lever for the EU, US, UK, JP and CA")
lever(S22, ["RU-2022-CAPCTRL"], "ru_capital_controls", "capital_controls", "RU", [], ["all"], eff("RU-2022-CAPCTRL")).field(
    "share", None, 0.02, 0.06, "ESTIMATE",
    "80% of export FX sold, transfers abroad banned: the surplus kept in the country of the order of Russia's private capital outflow before the war, "
    "about 4% of GDP a year (ESTIMATE: Bank of Russia figures, not in data/raw), +-2 points")
# price cap: crude 60 from 5 Dec 2022, products from 5 Feb 2023 (100 premium-to-crude, 45
# discount-to-crude).  compliance = share of Russia's oil-sector exports (value) paying at most the
# cap: ESTIMATE crude about 0.56 of them (crude ~110bn, products ~70bn, coal ~18bn of 2021 HS27 ex
# gas: general knowledge), 0.75 of crude seaborne, half to 0.8 of it on G7/EU tankers and insurance
# before the cap; Russia's ban on sales under the cap (RU-2022-OIL-PC) lowers the low end.
lever(S22, ["G7-2022-PRICECAP", "EU-2022-P6-INSUR", "RU-2022-OIL-PC"], "price_cap_crude", "price_cap", "EU", "RU", ["oil"], eff("G7-2022-PRICECAP")).field(
    "cap", 60, None, None, "PUBLISHED", "USD 60 a barrel of crude (Brent unit)").field(
    "compliance", None, 0.15, 0.35, "ESTIMATE", "0.56 crude x 0.75 seaborne x 0.5-0.8 coalition services = 0.21-0.34; Russia's decree 961 (no sales under the cap) lowers the low end")
lever(S22, ["G7-2022-PRICECAP"], "price_cap_products", "price_cap", "EU", "RU", ["oil"], "2023-02").field(
    "cap", None, 55, 85, "ESTIMATE", "USD 100 (diesel, premium to crude) and 45 (fuel oil, discount) in Brent-equivalent: at 2021 product/Brent ratios of about 1.15 and 0.85, 87 and 53").field(
    "compliance", None, 0.10, 0.25, "ESTIMATE", "products about 0.35 of the oil sector's exports, mostly seaborne, 0.5-0.8 coalition services")

# --- US -------------------------------------------------------------------------------------
RU_US = lambda s: flow("standard", B, "RU", "US", s)
US_RU = lambda s: flow("standard", B, "US", "RU", s)
lever(S22, ["US-2022-EO14066-ENERGY"], "us_oil_ban", "import_ban", "US", "RU", ["oil", "gas"], month(SM["US-2022-EO14066-ENERGY"]["date_announced"]), phase_in=2).share(
    1.0, None, None, value("US-2022-EO14066-ENERGY"), fb("RU", "US", "oil"), RU_US("oil"), "PUBLISHED",
    f"crude, products, LNG and coal: USD {value('US-2022-EO14066-ENERGY')/1e9:.2f}bn of a {RU_US('oil')/1e9:.2f}bn oil flow (all of it; gas a token flow, LNG banned too); from 8 Mar 2022 with a wind-down to 22 Apr: start 2022-03, phase_in 2")
SEAFOOD = float(cov("US-2022-EO14068-IMP", "agriculture")["covered_value_usd"])
lever(S22, ["US-2022-EO14068-IMP"], "us_seafood_ban", "import_ban", "US", "RU", ["agriculture"], eff("US-2022-EO14068-IMP")).share(
    SEAFOOD / RU_US("agriculture"), SEAFOOD / RU_US("agriculture"), min(1.0, (SEAFOOD / RU_US("agriculture")) * 1.07), SEAFOOD, fb("RU", "US", "agriculture"), RU_US("agriculture"), "ESTIMATE",
    "fish and shellfish USD 1.20bn (Census 2021) of US agri imports from Russia; alcohol adds a little (high end +7%, ESTIMATE); non-industrial diamonds (metals) have no value and are left out")
PNTR = (1.099 / 1.052 - 1, 1.323 / 1.033 - 1)   # GAO trade-weighted 9.9% vs 5.2% (Soviet basket, US-1975-JV); 2022 simple averages 32.3% vs 3.3%
lever(S22, ["US-2022-PNTR-SUSP"], "us_pntr_suspended", "mfn_withdrawal", "US", "RU", ["all"], eff("US-2022-PNTR-SUSP")).field(
    "rate", None, *PNTR, "PUBLISHED",
    "column 2 over MFN: 1.099/1.052 - 1 (GAO, trade-weighted on the Soviet basket) to 1.323/1.033 - 1 (2022 simple averages, an upper bound)")
# 35% tariff (28 Jul 2022) on USD 2.3bn: arms, aircraft and parts all of their small flows, auto
# parts ESTIMATE 0.2 of machinery, the rest metals 0.8 and consumer (chemicals, wood, paper) 0.2.
# Covered goods go from column 2 (20% for finished steel, 9.9% trade-weighted, row notes) to 35%.
T35 = (1.35 / 1.20, 1.35 / 1.099)
rest35 = value("US-2022-35PCT") - RU_US("defense") - RU_US("aerospace") - 0.2 * RU_US("machinery")
COV35 = {"metals": 0.8 * rest35 / RU_US("metals"), "consumer": 0.2 * rest35 / RU_US("consumer"), "machinery": 0.2, "aerospace": 1.0, "defense": 1.0}
for s, c in COV35.items():
    lo, hi = (t_eq([(c, f)], SIGMA[s]) for f in T35)
    lv = lever(S22, ["US-2022-35PCT"], f"us_tariff35_{s}", "tariff", "US", "RU", [s], eff("US-2022-35PCT"))
    lv.field("rate", None, lo, hi, "ESTIMATE",
             f"35% instead of column 2 (x{T35[0]:.3f} to x{T35[1]:.3f}) on {c:.3f} of RU->US {s} (USD 2.3bn split: ESTIMATE), as the uniform rate with the same CES price index (sigma {SIGMA[s]})")
# 70% (1 Apr 2023) on USD 2.8bn: most metals 35% -> 70% (ESTIMATE 0.8 of the value, the part above
# the 35% list newly from column 2), chemicals and minerals (consumer, 0.2) to 35%
c70 = 0.8 * value("US-2023-TARIFF-70") / RU_US("metals")
cons70 = 0.2 * value("US-2023-TARIFF-70") / RU_US("consumer")
lo = t_eq([(COV35["metals"], 1.70 / 1.35), (c70 - COV35["metals"], 1.70 / 1.20)], SIGMA["metals"])
hi = t_eq([(COV35["metals"], 1.70 / 1.35), (c70 - COV35["metals"], 1.70 / 1.099)], SIGMA["metals"])
lever(S22, ["US-2023-TARIFF-70"], "us_tariff70_metals", "tariff", "US", "RU", ["metals"], eff("US-2023-TARIFF-70")).field(
    "rate", None, lo, hi, "ESTIMATE", f"70% on {c70:.3f} of RU->US metals ({COV35['metals']:.3f} from 35%, the rest from column 2), uniform CES equivalent")
lo, hi = (t_eq([(cons70, f)], SIGMA["consumer"]) for f in T35)
lever(S22, ["US-2023-TARIFF-70"], "us_tariff70_consumer", "tariff", "US", "RU", ["consumer"], eff("US-2023-TARIFF-70")).field(
    "rate", None, lo, hi, "ESTIMATE", f"35% instead of column 2 on {cons70:.3f} of RU->US consumer (chemicals, minerals), uniform CES equivalent")
AL = float(cov("US-2023-AL-200", "metals")["covered_value_usd"])
lever(S22, ["US-2023-AL-200"], "us_aluminium_200", "tariff", "US", "RU", ["metals"], eff("US-2023-AL-200")).field(
    "rate", t_eq([(AL / RU_US("metals"), 3.35 / 1.35)], SIGMA["metals"]), None, None, "ESTIMATE",
    f"200% (Section 232, on top of 35%) on aluminium, USD {AL/1e9:.2f}bn = {AL/RU_US('metals'):.3f} of RU->US metals: prohibitive, its uniform CES equivalent")
URAN = value("US-2024-URANIUM")
lever(S22, ["US-2024-URANIUM"], "us_uranium_ban", "import_ban", "US", "RU", ["consumer"], eff("US-2024-URANIUM"), phase_in=months_between(eff("US-2024-URANIUM"), "2028-01")).share(
    URAN / RU_US("consumer"), None, None, URAN, fb("RU", "US", "consumer"), RU_US("consumer"), "ESTIMATE",
    "nuclear fuel USD 0.69bn (Census 2021); HS2844 is consumer in flows.csv (SOURCES.md); DOE waivers to 1 Jan 2028: phased in to then")
# US export controls: no value published.  By analogy: BIS aligned its lists with the EU's (US-2022-
# BIS-SECTOR note), so at least the EU's CN8 coverage of the sector; CCL categories 3-9 under a
# policy of denial plus the foreign-direct-product rule: up to nearly all of it.
EU_CN8_SH = {s: CN8[s] / eu_exp_base(s) for s in ["technology", "aerospace", "machinery"]}
for s, hi in [("technology", 0.95), ("aerospace", 1.0)]:
    lever(S22, ["US-2022-BIS-CCL"], f"us_bis_{s}", "export_control", "US", "RU", [s], eff("US-2022-BIS-CCL")).share(
        (EU_CN8_SH[s] + hi) / 2, EU_CN8_SH[s], hi, None, fb("US", "RU", s), US_RU(s), "ESTIMATE",
        f"no value: from the EU's CN8 coverage of {s} ({EU_CN8_SH[s]:.3f}, lists BIS aligned with) to {hi} (CCL 3-9 denial and the foreign-direct-product rule)")
lever(S22, ["US-2022-BIS-CCL"], "us_bis_defense", "export_control", "US", "RU", ["defense"], eff("US-2022-BIS-CCL")).share(
    1.0, None, None, None, fb("US", "RU", "defense"), US_RU("defense"), "ESTIMATE", "arms and military end users: all of it")
lo, hi = band(EU_CN8_SH["machinery"], SPLIT_BAND)
lever(S22, ["US-2022-BIS-CCL", "US-2022-BIS-SECTOR"], "us_bis_machinery", "export_control", "US", "RU", ["machinery"], "2022-03", phase_in=3).share(
    EU_CN8_SH["machinery"], lo, hi, None, fb("US", "RU", "machinery"), US_RU("machinery"), "ESTIMATE",
    "oil-refining items (3 Mar), CCL 0-2 (8 Apr) and the EAR99 industrial list (9 May 2022): the EU's CN8 machinery coverage +-30%, phased in over three months")
LUX = value("US-2022-LUX")
lux_base = US_RU("consumer") * mirror(B, "US", "RU", "consumer")
lever(S22, ["US-2022-LUX"], "us_luxury_ban", "export_control", "US", "RU", ["consumer"], eff("US-2022-LUX")).share(
    LUX / lux_base, None, None, LUX, fb("US", "RU", "consumer") + f" x mirror {mirror(B, 'US', 'RU', 'consumer'):.3f} (US Census basis of the published value)", lux_base, "ESTIMATE",
    "published USD 550m a year over US exports of consumer goods to Russia on the Census basis")

# --- Russia ---------------------------------------------------------------------------------
# gas cut-offs by pipeline and contract: shares of the EU's 2021 imports of Russian gas (155 bcm)
# by volume, standing for shares of value (ESTIMATE: contract prices differ)
GAS = [("RU-2022-GAS-PL", "ru_gas_poland", 10.2 / 155, None, None, "Yamal contract of PGNiG, 10.2 bcm a year"),
       ("RU-2022-GAS-BG", "ru_gas_bulgaria", 3.0 / 155, 0.73 * 3.0 / 155, 3.0 / 155, "Bulgaria, 3.0 bcm of consumption (upper bound), 73% Russian by EU data (low end)"),
       ("RU-2022-GAS-FI", "ru_gas_finland", 1.49 / 155, None, None, "Gasum, 1.49 bcm in 2021"),
       ("RU-2022-GAS-NL-DK-DE", "ru_gas_nl_dk_de", (2 + 1.97 + 1.2) / 155, None, None, "GasTerra 2, Orsted 1.97, Shell Energy (DE) 1.2 bcm"),
       ("RU-2022-NS1-40", "ru_nord_stream_60", 0.6 * 59.2 / 155, None, None, "Nord Stream 1 cut to 40% of capacity: 60% of its 59.2 bcm"),
       ("RU-2022-NS1-20", "ru_nord_stream_80", 0.2 * 59.2 / 155, None, None, "cut to 20%: a further 20% of 59.2 bcm"),
       ("RU-2022-NS1-0", "ru_nord_stream_stop", 0.2 * 59.2 / 155, None, None, "stopped on 31 Aug 2022: the last 20% of 59.2 bcm")]
for mid, lid, sh, lo, hi, why in GAS:
    lv = lever(S22, [mid], lid, "export_control", "RU", "EU", ["gas"], eff(mid)).share(
        sh, lo, hi, None, fb("RU", "EU", "gas"), RU_EU("gas"), "ESTIMATE", f"{why} of 155 bcm (volume share for the value share)")
    lv.fields.append(["leakage", 0.0, None, None, "PUBLISHED", "pipeline gas cannot be rerouted (data/sectors.csv reroutable = false)"])
for scen, targets in [(S22, ["US", "EU", "CN", "IN"]), (COAL, ["US", "EU", "CN", "IN", "COALITION"])]:
    lv = lever(scen, ["RU-2022-EXPBAN"], "ru_export_bans", "export_control", "RU", targets, ["machinery", "technology"], eff("RU-2022-EXPBAN")).share(
        0.03, 0.01, 0.05, None, "flows.csv 2021 RU->partner machinery, technology", None, "ESTIMATE",
        "re-exports of over 200 imported goods; Russia's machinery exports (USD 25.8bn in 2021) are mostly home-made and not covered (row note): 1-5%; the EAEU (in "
        + ("ROW" if scen == S22 else "HUBS and ROW") + ") under a permit regime, left out")
    lv.fields.append(["leakage", 0.0, None, None, "ESTIMATE", "re-exports of foreign goods: nothing to reroute"])

# --- coalition members (data/coalition_hubs: COALITION = UK, JP, KR, CA, AU, CH, NO, TW, NZ, SG) ---
RU_CO = lambda s: flow("coalition_hubs", B, "RU", "COALITION", s)
CO_RU = lambda s: flow("coalition_hubs", B, "COALITION", "RU", s)
UK_GOLD = (15.5e9, 17e9)   # row US-2022-GOLD: UK govt ~USD 15.5bn in 2021; White House ~USD 17bn in 2020
lever(COAL, ["US-2022-GOLD"], "coalition_gold_ban", "import_ban", "COALITION", "RU", ["metals"], eff("US-2022-GOLD")).share(
    1.0, 0.7, 1.0, UK_GOLD[0], fb("RU", "COALITION", "metals", "coalition_hubs"), RU_CO("metals"), "ESTIMATE",
    f"UK gold imports USD 15.5-17bn exceed the calibration's RU->COALITION metals ({RU_CO('metals')/1e9:.2f}bn, a RAS estimate): all of it at the point, 0.7 at the low end for the members' other metals the estimate does not show")
UK_MFN = 0.03   # ESTIMATE: UK average MFN rate on the goods concerned, a few per cent
F_UK = (1 + UK_MFN + 0.35) / (1 + UK_MFN)
GBP_USD = 1.2e9 / 0.9e9   # Reuters' conversion in row UK-2022-TARIFF-1


def coalition_tariff(mid, stem, total, split, start, why):
    for s, w in split.items():
        c = min(1.0, w * total / RU_CO(s))
        lo, hi = band(c, WIDE_BAND)
        rl, rh = (t_eq([(x, F_UK)], SIGMA[s]) for x in (lo, hi))
        lever(COAL, [mid], f"{stem}_{s}", "mfn_withdrawal", "COALITION", "RU", [s], start).field(
            "rate", None, rl, rh, "ESTIMATE",
            f"+35 points over MFN (x{F_UK:.3f}) on {w} of USD {total/1e9:.2f}bn = {c:.3f} of RU->COALITION {s} (+-50%, ESTIMATE split), uniform CES equivalent; {why}")


coalition_tariff("UK-2022-TARIFF-1", "uk_tariff_1", value("UK-2022-TARIFF-1"),
                 {"metals": 0.5, "consumer": 0.3, "agriculture": 0.1, "machinery": 0.1}, "2022-03",
                 "iron, steel, copper, aluminium, silver, lead, ore (metals), fertilisers, wood, tyres, paper (consumer), spirits, cereals, fish, machinery; effective date not in the sources: the announcement month")
UK2 = 1e9 * GBP_USD   # 'more than GBP 1bn': a lower bound
coalition_tariff("UK-2022-TARIFF-2", "uk_tariff_2", 0.6 * UK2, {"metals": 0.5, "consumer": 0.5}, "2022-05",
                 "the tariff part (ESTIMATE 0.6 of > GBP 1bn): diamonds (metals), pharmaceuticals, rubber, textiles, leather (consumer); announced 21 Apr 2022")
for s, w in {"consumer": 0.7, "metals": 0.3}.items():
    v = 0.4 * UK2 * w
    sh = v / RU_CO(s)
    lo, hi = band(sh, WIDE_BAND)
    lever(COAL, ["UK-2022-TARIFF-2"], f"uk_bans_2_{s}", "import_ban", "COALITION", "RU", [s], "2022-05").share(
        sh, lo, hi, v, fb("RU", "COALITION", s, "coalition_hubs"), RU_CO(s), "ESTIMATE",
        f"the ban part (ESTIMATE 0.4 of > GBP 1bn): wood (consumer 0.7), silver (metals 0.3)")
UK_OIL = 4.7e6 * 7.33 * BRENT["2021"]   # 4.7 Mt in 2021 x 7.33 bbl/t x 2021 Brent (world_prices.csv)
lever(COAL, ["UK-2022-OIL"], "uk_oil_ban", "import_ban", "COALITION", "RU", ["oil"], "2022-03", phase_in=10).share(
    UK_OIL / RU_CO("oil"), *band(UK_OIL / RU_CO("oil"), SPLIT_BAND), UK_OIL, fb("RU", "COALITION", "oil", "coalition_hubs"), RU_CO("oil"), "ESTIMATE",
    f"4.7 Mt of Russian oil in 2021 x 7.33 bbl/t x USD {BRENT['2021']} (2021 Brent) = {UK_OIL/1e9:.2f}bn; phased out from the March 2022 announcement to the end of 2022")
CA_RU = member_value(B, "RU", "COALITION", "Canada")
CA_C = CA_RU / sum(RU_CO(s) for s in SECTORS)
SIG_MEAN = sum(SIGMA[s] * RU_CO(s) for s in SECTORS) / sum(RU_CO(s) for s in SECTORS)
lever(COAL, ["CA-2022-MFN"], "canada_general_tariff", "mfn_withdrawal", "COALITION", "RU", ["all"], eff("CA-2022-MFN")).field(
    "rate", t_eq([(CA_C, 1.35 / 1.04)], SIG_MEAN), None, None, "ESTIMATE",
    f"General Tariff 35% over an MFN average of about 4% (ESTIMATE) on Canada's imports from Russia, {CA_RU/1e9:.2f}bn = {CA_C:.3f} of RU->COALITION (coalition_hubs/flows.csv note), uniform CES equivalent at the route's mean sigma {SIG_MEAN:.2f}")
for s in ["technology", "aerospace", "machinery"]:
    lo, hi = band(EU_CN8_SH[s], SPLIT_BAND)
    lever(COAL, ["KR-2022-EXPCTRL", "US-2022-BIS-CCL"], f"coalition_export_controls_{s}", "export_control", "COALITION", "RU", [s], "2022-03", phase_in=2).share(
        EU_CN8_SH[s], lo, hi, None, fb("COALITION", "RU", s, "coalition_hubs"), CO_RU(s), "ESTIMATE",
        "Korea's strategic items and 57 categories (28 Feb, 26 Mar 2022) and the controls that exempted the other members from the US foreign-direct-product rule (US-2022-BIS-CCL note): the EU's CN8 coverage of the sector, +-30%")

# left out, 2022
for mid, why in [
    ("EU-2022-P1", "regional ban (Donetsk and Luhansk areas) and a ban on financing the Russian state: no national trade coverage (row); the financing ban acts with the capital-market restrictions of eu_p2_fin"),
    ("EU-2022-P4-INV", "ban on new investment in Russian energy: the investment lever raises a host's capacity and cannot be negative; investment acts on capacity over years, not on base-year trade"),
    ("EU-2022-P4-MFN", "the EU withdrew MFN on paper but raised no tariff ('act not through an increase on import tariffs, but through ... bans'): wedge 0"),
    ("EU-2022-P5-TRANSPORT", "ports closed to Russian ships and roads to Russian hauliers: no trade coverage published, the goods carried are those of the bans, the rest moves by other carriers at a cost of unknown size"),
    ("EU-2022-P6-INSUR", "the insurance ban for Russian oil to third countries was replaced by the price cap before it applied: in price_cap_crude"),
    ("EU-2022-P9", "its export items have no value: the Commission's cumulative EUR 43.9bn after package 10 is packages 1-8 (32.5) plus package 10 (11.4), so nothing is left for package 9; its 168 listings are eu_p9_entities; its mining-investment ban as EU-2022-P4-INV"),
    ("EU-2023-P11", "the anti-circumvention tool started empty and the transit ban and 15 battlefield items have no value: its listings are eu_p11_third_countries, its Druzhba ban eu_p11_druzhba"),
    ("EU-2023-CUM-P10-EXP", "a cumulative total, not a measure: a check of the package sums (row 'check')"),
    ("EU-2023-CUM-P10-IMP", "a cumulative total, not a measure: a check of the package sums"),
    ("EU-2023-CUM-VDL-EXP", "a rounded political statement of the cumulative total: the high end of the check"),
    ("EU-2023-CUM-VDL-IMP", "a rounded political statement of the cumulative total: a check"),
    ("EU-2022-CEPII-IMP", "a projection of the cumulative share by CEPII: a check"),
    ("EU-2022-EST-CN8", "the CN8 sum of packages 1-8 by sector: the basis of the EU export levers' sector coverage, not a measure"),
    ("US-2022-INVEST", "ban on new investment: the investment lever cannot be negative (as EU-2022-P4-INV)"),
    ("US-2022-GOLD", "US imports of Russian gold were under USD 1m (row): nothing to ban on RU->US; the UK, Japan and Canada part is ROW here (see the coalition rows)"),
    ("RU-2022-GRAIN", "a grain ban to the EAEU (in ROW; in HUBS and ROW in the coalition calibration) for three and a half months with licensed quotas going on, and a sugar ban: no value published, a few per cent of one quarter's RU->ROW agriculture at most"),
    ("RU-2022-GAS-RUB", "the rouble payment scheme whose refusal set off the cut-offs: its effect is the gas levers (ru_gas_*)"),
    ("RU-2022-OIL-PC", "Russia's ban on sales under the price cap moves cargoes to non-coalition services: in the low end of price_cap_crude's compliance"),
]:
    left_out(S22, mid, why)
# the coalition members' measures in the standard calibration: ROW holds both the coalition and the
# hubs, so a ban by ROW would stop trade that moved from the UK to the UAE or Turkey (both in ROW).
RU_ROW = lambda s: flow("standard", B, "RU", "ROW", s)
ROW_RU = lambda s: flow("standard", B, "ROW", "RU", s)
ROWWHY = "imposer not in the standard calibration (ROW): ROW holds both the coalition and the transit hubs, so a ROW lever would stop trade that moved from the UK to the UAE or Turkey, both in ROW; modelled in sanctions_2022_coalition. Share of ROW's trade it covers: "
for mid, cv, bf, bv in [
    ("US-2022-GOLD", UK_GOLD[0], "flows.csv 2021 RU->ROW metals", RU_ROW("metals")),
    ("UK-2022-TARIFF-1", value("UK-2022-TARIFF-1"), "flows.csv 2021 RU->ROW all", sum(RU_ROW(s) for s in SECTORS)),
    ("UK-2022-TARIFF-2", UK2, "flows.csv 2021 RU->ROW all", sum(RU_ROW(s) for s in SECTORS)),
    ("UK-2022-OIL", UK_OIL, "flows.csv 2021 RU->ROW oil", RU_ROW("oil")),
    ("CA-2022-MFN", CA_RU, "flows.csv 2021 RU->ROW all", sum(RU_ROW(s) for s in SECTORS)),
    ("KR-2022-EXPCTRL", member_value(B, "COALITION", "RU", "Korea, Rep."), "flows.csv 2021 ROW->RU all (Korea's exports to Russia, not the covered part)", sum(ROW_RU(s) for s in SECTORS)),
]:
    left_out(S22, mid, ROWWHY + f"{cv/bv:.3f}", cv, bf, bv, cv / bv)
left_out(S22, "JP-2022-MFN", "imposer in ROW here; non-MFN rates mainly on seafood, crude, LNG and palladium unaffected: neither the rate gap nor the value is published (also left out of the coalition scenario)")
left_out(S22, "CA-2022-OIL", "imposer in ROW here; Canada imported no Russian crude in 2021 (value 0: symbolic)")
left_out(COAL, "JP-2022-MFN", "neither the rate gap (a few points on seafood) nor the value is published")
left_out(COAL, "CA-2022-OIL", "no Russian crude imported in 2021 (value 0)")
left_out(COAL, "G7-2022-CBR", "one lever for all five holders (reserves_frozen, by the EU) as in sanctions_2022: the split of the USD 300bn among them is not published")

# ============================================================================
# crimea_2014 (base 2013)
# ============================================================================
CR, B13 = "crimea_2014", 2013
f13 = lambda ex, im, s: flow("standard", B13, ex, im, s)
# capital-market sanctions: Sberbank (about a third of assets), VTB (about 20%), Gazprombank, VEB,
# Rosselkhozbank (ESTIMATE 10%): 0.63 of the banking market; the US reached it in September
# (about 30% in July per US officials, Sberbank added 12 Sep 2014).  No payment cut.
for mid, lid, by, start, ph, why in [
        ("US-2014-SSI", "us_capital_markets", "US", eff("US-2014-SSI"), 2, "Directives 1-3: about 30% of banking assets in July (US officials), Sberbank added 12 Sep 2014: 0.63 by September (phase_in 2)"),
        ("EU-2014-CAPMKT", "eu_capital_markets", "EU", eff("EU-2014-CAPMKT"), 0, "Sberbank, VTB, Gazprombank, VEB, Rosselkhozbank from 31 Jul 2014 (EUR 7.5bn of >90-day debt issued on EU markets in 2013): 0.63")]:
    fin_lever(CR, mid, lid, by, 0.0, 0.63, 0.63, start, why, phase_in=ph)
v = value("EU-2014-OILTECH")
lever(CR, ["EU-2014-OILTECH"], "eu_oil_equipment", "export_control", "EU", "RU", ["machinery"], eff("EU-2014-OILTECH")).share(
    v / f13("EU", "RU", "machinery"), None, None, v, "flows.csv 2013 EU->RU machinery", f13("EU", "RU", "machinery"), "PUBLISHED",
    "EUR 150m, a tenth of EU energy-technology sales to Russia (EU officials)")
sh = v / f13("EU", "RU", "machinery")
lever(CR, ["US-2014-BIS-OIL", "US-2014-SSI"], "us_oil_equipment", "export_control", "US", "RU", ["machinery"], eff("US-2014-BIS-OIL")).share(
    (sh + 5 * sh) / 2, sh, 5 * sh, None, "flows.csv 2013 US->RU machinery", f13("US", "RU", "machinery"), "ESTIMATE",
    f"no value: from the EU's published share ({sh:.4f}) to five times it (US firms held most deepwater and shale technology; Directive 4's goods folded in)")
lever(CR, ["EU-2014-ARMS"], "eu_arms_embargo", "embargo", "EU", "RU", ["defense"], eff("EU-2014-ARMS"), phase_in=48).share(
    1.0, None, None, value("EU-2014-ARMS"), "flows.csv 2013 EU<->RU defense", f13("EU", "RU", "defense"), "ESTIMATE",
    "new contracts both ways (EUR 300m a year of EU exports); contracts from before Aug 2014 exempt: the embargo reaches all of it over 48 months (ESTIMATE: arms contracts deliver over years)")
lever(CR, ["EU-2014-DUALUSE"], "eu_dual_use", "export_control", "EU", "RU", ["technology"], eff("EU-2014-DUALUSE")).share(
    0.03, 0.01, 0.05, None, "flows.csv 2013 EU->RU technology", f13("EU", "RU", "technology"), "ESTIMATE",
    "dual-use goods for military end users only; no value (Russia took ~5% of EU dual-use exports in 2020, PISM: context): 1-5%")
FB_EU = value("RU-2014-FOODBAN-EU")
lo_eu, hi_eu = sorted([float(cov("RU-2014-FOODBAN-EU", "agriculture")["coverage_share"]), FB_EU / f13("EU", "RU", "agriculture")])
lever(CR, ["RU-2014-FOODBAN-EU"], "ru_food_ban_eu", "import_ban", "RU", "EU", ["agriculture"], eff("RU-2014-FOODBAN-EU")).share(
    FB_EU / f13("EU", "RU", "agriculture"), lo_eu, hi_eu, FB_EU, "flows.csv 2013 EU->RU agriculture", f13("EU", "RU", "agriculture"), "PUBLISHED",
    "EUR 5.1bn of the EU's EUR 11.8bn agri-food exports to Russia (Commission): 0.432 of the published exports, the value over the flow at the other end")
FB_US = value("RU-2014-FOODBAN-US")
us_ag_exp = f13("US", "RU", "agriculture") * mirror(B13, "US", "RU", "agriculture")
lo_us, hi_us = sorted([FB_US / us_ag_exp, float(cov("RU-2014-FOODBAN-US", "agriculture")["coverage_share"])])
lever(CR, ["RU-2014-FOODBAN-US"], "ru_food_ban_us", "import_ban", "RU", "US", ["agriculture"], eff("RU-2014-FOODBAN-US")).share(
    (lo_us + hi_us) / 2, lo_us, hi_us, FB_US, f"flows.csv 2013 US->RU agriculture x mirror {mirror(B13, 'US', 'RU', 'agriculture'):.3f} (USDA is exporter-reported)", us_ag_exp, "PUBLISHED",
    "USD 715m: 55% of US agricultural exports to Russia (USDA, its own basis) to the value over the flow on the exporter basis")
# WTO accession (Aug 2012): RU-2012-WTO gives the cuts from 2011 applied rates to the final bound
# rates by sector (agriculture 13.2 -> 10.8%, manufactures 9.5 -> 7.3%, IT products 5.4 -> 0, cars
# 15.5 -> 12.0, wood and paper 13.4 -> 8.0, chemicals 6.5 -> 5.2) and on average 10.0 -> 7.8%.
# The model's trade agreement lowers frictions both ways, but these are cuts of Russia's import
# tariffs only: each agreement lever comes with an offsetting tariff of the same rate by each
# partner on Russia, so that Russia's exports keep their frictions (tau of RU->partner = (1+c)/(1+c)
# = 1 exactly, for the same phase-in) and its imports get the cut.  An exact offset needs the same
# number on both levers (independent prior draws would not cancel), so the cut is a point: the
# published average, one lever for all sectors (the sector cuts are in the note).
WTO_AVG = 1.10 / 1.078 - 1
WTO_NOTE = ("RU-2012-WTO: applied 10.0% (2011) -> bound 7.8% on average, 1.10/1.078 - 1 = 0.0204 "
            "(by sector: agriculture 0.0217, manufactures 0.0205, cars 0.031, IT products 0.054, wood and paper 0.050, chemicals 0.012)")
OFFSET_NOTE = "an offsetting tariff of the same rate by {p} on {by}: the agreement lever cuts frictions both ways, the measure only the import tariffs of {by}; tension 0 (a modelling device)"


def one_sided_agreement(scen, mids, lid, by, on, start, phase_in, cut, note, status):
    lever(scen, mids, lid, "trade_agreement", by, on, ["all"], start, phase_in=phase_in).field("tariff_cut", cut, None, None, status, note)
    for p in on:
        lv = lever(scen, mids, f"{lid}_offset_{p.lower()}", "tariff", p, by, ["all"], start, phase_in=phase_in)
        lv.field("rate", cut, None, None, status, OFFSET_NOTE.format(p=p, by=by))
        lv.offset = True


# still phasing in after the 2013 base: about 0.7 of the cut after mid-2013 (ESTIMATE: a third of
# the lines bound at accession, most of the rest within three years, the longest 7-8 years)
WTO_LEFT = 0.7
one_sided_agreement(CR, ["RU-2012-WTO", "US-2012-PNTR"], "ru_wto_remaining", "RU", ["US", "EU", "CN", "IN", "ROW"], "2013-07", 26,
                    WTO_LEFT * WTO_AVG, f"{WTO_LEFT} of the average WTO cut left after mid-2013, phased in to August 2015 (ESTIMATE); {WTO_NOTE}", "ESTIMATE")
# Power of Siberia: 38 bcm a year, USD 400bn over 30 years = 13.3bn a year, against a 2013 RU->CN
# gas flow (LNG) of 0.27bn: the route grows 49-fold at base prices if its trade cost falls to
# (ratio)^(-1/sigma) (customs value ~ tau^-sigma for a small origin).
POS_YEAR = value("CN-RU-2014-POS") / 30
ratio = POS_YEAR / f13("RU", "CN", "gas")
lever(CR, ["CN-RU-2014-POS"], "power_of_siberia", "investment", "CN", "RU", ["gas"], eff("CN-RU-2014-POS"), phase_in=60).field(
    "friction_cut", 1 - ratio ** (-1 / SIGMA["gas"]), None, None, "ESTIMATE",
    f"contract USD 400bn / 30 years = {POS_YEAR/1e9:.1f}bn a year against {f13('RU','CN','gas')/1e9:.2f}bn RU->CN gas in 2013: x{ratio:.0f}, reached when the route's cost falls to {ratio:.0f}^(-1/{SIGMA['gas']}); to plateau over five years (ESTIMATE)").field(
    "capacity_gain", 0.0, None, None, "ESTIMATE", "the fields (Chayanda, Kovykta) serve this pipeline only: no capacity for other buyers")
lever(CR, ["GAP-US-2014-DEFENSE"], "us_defense", "export_control", "US", "RU", ["defense"], "2014-04").share(
    1.0, None, None, None, "flows.csv 2013 US->RU defense", f13("US", "RU", "defense"), "GAP", "defense exports stopped: all of them")
lever(CR, ["GAP-US-2014-DUALUSE"], "us_dual_use", "export_control", "US", "RU", ["technology"], "2014-05").share(
    0.03, 0.01, 0.05, None, "flows.csv 2013 US->RU technology", f13("US", "RU", "technology"), "GAP", "military end users only: the same ESTIMATE as the EU's dual-use ban, 1-5%")
lever(CR, ["GAP-US-2014-LISTINGS"], "us_entities", "entity_sanctions", "US", "RU", ["all"], "2014-03").field(
    "listed", 150, None, None, "ESTIMATE", "about 150 people and entities by the end of 2014 (OFAC lists)").field(
    "risk_per_1000", None, *ENTITY_RISK, "ESTIMATE", "around the default 0.02")
lever(CR, ["GAP-EU-2014-LISTINGS"], "eu_entities", "entity_sanctions", "EU", "RU", ["all"], "2014-03").field(
    "listed", 160, None, None, "PUBLISHED", "132 people and 28 entities by the end of 2014 (Council lists)").field(
    "risk_per_1000", None, *ENTITY_RISK, "ESTIMATE", "around the default 0.02")
left_out(CR, "EU-2014-CRIMEA", "imports from Crimea and Sevastopol only: a negligible share of RU-EU trade (row)")
left_out(CR, "RU-2014-FOODBAN-OTHERS", "Canada, Australia, Norway (and from 2015 Iceland, Liechtenstein, Albania, Montenegro, Ukraine) are in ROW, which also holds Belarus and the other suppliers that replaced them; no base values (row)")
left_out(CR, "US-2012-PNTR", "in force from December 2012, before the 2013 base: in the base-year trade; the WTO cuts still phasing in toward the US are in ru_wto_remaining")

# ============================================================================
# cold_war_1979 (base 1979, RU = USSR)
# ============================================================================
CW, B79 = "cold_war_1979", 1979
f79 = lambda ex, im, s: flow("standard", B79, ex, im, s)
g = cov("US-1980-GRAIN", "agriculture")
lever(CW, ["US-1980-GRAIN"], "us_grain_embargo", "export_control", "US", "RU", ["agriculture"], eff("US-1980-GRAIN"), end=month(SM["US-1980-GRAIN"]["end_date"])).share(
    (0.68 + 2.6 / 3.0) / 2, 0.68, 2.6 / 3.0, value("US-1980-GRAIN"), "flows.csv 1979 US->RU agriculture (USDA, published)", f79("US", "RU", "agriculture"), "PUBLISHED",
    "17 Mt of ~25 Mt planned grain sales blocked (0.68 by volume) to USD 2.6bn of 3.0bn (0.87 by value, 1980 contracts against the 1979 base)")
v = value("US-1980-TECH")
base = f79("US", "RU", "technology") + f79("US", "RU", "machinery")
lever(CW, ["US-1980-TECH"], "us_high_tech_1980", "export_control", "US", "RU", ["technology", "machinery"], eff("US-1980-TECH")).share(
    v / base, 0.18e9 / base, 0.225e9 / base, v, "flows.csv 1979 US->RU technology + machinery", base, "ESTIMATE",
    "high technology USD 180-225m (about 30% of US non-agricultural exports, Commerce) over US technology and machinery exports")
REST80 = 1 - v / base   # what the 1980 controls left of the two sectors
lever(CW, ["US-1981-PIPELINE"], "us_pipeline_controls", "export_control", "US", "RU", ["machinery", "technology"], eff("US-1981-PIPELINE"), end="1982-11").share(
    0.5 * REST80, 0.25 * REST80, 0.75 * REST80, None, "flows.csv 1979 US->RU machinery + technology", base, "ESTIMATE",
    f"licences for oil and gas equipment (pipelayers) and the remaining electronics and computers suspended after Polish martial law; no value: a quarter to three quarters of what the 1980 controls left ({REST80:.3f} of the sectors); lifted 13 Nov 1982")
secondary(CW, "US-1981-PIPELINE", "us_pipeline_sanctions", "US", ["EU"], "1982-06", (0.02, 0.08), (0.02, 0.06), (0.3, 0.7), ["machinery"],
          "controls extended to US subsidiaries and licensees in Europe (about 20 firms, the Urengoy pipeline), 18 Jun 1982 to 13 Nov 1982: around the secondary-sanctions defaults (ESTIMATE)").end = "1982-11"
lever(CW, ["GAP-INF-1987"], "inf_treaty", "treaty", "US", "RU", [], "1988-06")
left_out(CW, "US-1975-JV", "column-2 tariffs since 1951, Jackson-Vanik from January 1975: in force in 1979, so in the base-year trade; a lever would count it twice. Its wedge (mfn_withdrawal rate 1.099/1.052 - 1 = 0.045 GAO trade-weighted to 0.28 simple averages) is written in the file, commented out")
left_out(CW, "US-1975-LTA", "in force since October 1976 (in the base); its 1983 successor (9 Mt minimum) is a purchase commitment, not a trade cost, and the grain embargo left its 8 Mt untouched (us_grain_embargo's coverage)")
left_out(CW, "US-1980-FISH-OLY", "fishing rights in US waters and the Olympic boycott: no goods trade")
left_out(CW, "WEST-COCOM", "in force since 1950 (in the base); no coverage share found (GAP); the 1980 and 1981 tightenings are us_high_tech_1980 and us_pipeline_controls")

# ============================================================================
# opening_1992 (base 1992)
# ============================================================================
OP, B92 = "opening_1992", 1992
H92 = 5.5 / 12   # column 2 until 17 Jun 1992: the share of the base year at column 2
JV_MID = sum(PNTR) / 2
one_sided_agreement(OP, ["US-RU-1992-TA", "US-1975-JV"], "us_ru_mfn_1992", "US", ["RU"], eff("US-RU-1992-TA"), 0, (1 + JV_MID) ** H92 - 1,
                    f"removes the column-2 wedge that the 1992 base holds for 5.5 months: (1 + {JV_MID:.3f})^(5.5/12) - 1, with {JV_MID:.3f} the centre of "
                    "0.045 (GAO, trade-weighted on Soviet exports: low, prohibitive lines get no weight) and 0.28 (simple schedule averages: high, "
                    "they weight lines Russia does not export), the range used for the 2022 suspension; a point because of the offset", "ESTIMATE")
lever(OP, ["EU-RU-1994-PCA"], "eu_ru_pca_trade", "trade_agreement", "EU", "RU", ["all"], "1996-02").field(
    "tariff_cut", None, 0.005, 0.03, "ESTIMATE",
    "interim trade agreement from February 1996: MFN was already granted by the EC-USSR agreement of 1989 (general record), the gain is the quantitative restrictions removed (steel, textiles) on a small part of trade")
lever(OP, ["EU-RU-1994-PCA"], "eu_ru_pca", "treaty", "EU", "RU", [], eff("EU-RU-1994-PCA"))
# Sakhalin PSAs: plateau output over Russia's 1992 output (ESTIMATE, general knowledge: oil ~7.9
# mb/d, gas ~640 bcm): Sakhalin-2 0.18 mb/d of oil and 9.6 Mt LNG (~13 bcm); Sakhalin-1 0.25 mb/d
lever(OP, ["RU-1994-SAKHALIN2"], "sakhalin_2", "investment", "EU", "RU", ["oil", "gas"], eff("RU-1994-SAKHALIN2"), phase_in=156).field(
    "capacity_gain", None, 0.015, 0.025, "ESTIMATE", "0.18 mb/d of 7.9 (oil) and 13 bcm of 640 (gas): about 2% of Russia's 1992 output, reached with LNG in 2009 (phase_in 156); Shell led, Mitsui and Mitsubishi (ROW) partners").field(
    "friction_cut", 0.02, None, None, "ESTIMATE", "the default")
lever(OP, ["RU-1995-SAKHALIN1"], "sakhalin_1", "investment", "US", "RU", ["oil"], eff("RU-1995-SAKHALIN1"), phase_in=132).field(
    "capacity_gain", None, 0.02, 0.04, "ESTIMATE", "0.25 mb/d of 7.9 at plateau (about 3%), production from October 2005 (phase_in 132); Exxon operator, SODECO and ONGC partners").field(
    "friction_cut", 0.02, None, None, "ESTIMATE", "the default")
one_sided_agreement(OP, ["RU-2012-WTO"], "ru_wto", "RU", ["EU", "CN", "IN", "ROW"], eff("RU-2012-WTO"), 36, WTO_AVG,
                    f"phased over 36 months (ESTIMATE: a third of the lines bound at accession, most of the rest within three years); {WTO_NOTE}", "PUBLISHED")
one_sided_agreement(OP, ["US-2012-PNTR", "RU-2012-WTO"], "ru_wto_us", "RU", ["US"], eff("US-2012-PNTR"), 36, WTO_AVG,
                    f"the same cut toward the US once Jackson-Vanik is repealed (until then the US invoked non-application); {WTO_NOTE}", "PUBLISHED")
lever(OP, ["US-2012-PNTR"], "us_magnitsky", "entity_sanctions", "US", "RU", ["all"], "2013-04").field(
    "listed", 18, None, None, "PUBLISHED", "the Magnitsky Act attached to the PNTR law: 18 people listed in April 2013")
lever(OP, ["GAP-START2-1993"], "start2", "treaty", "US", "RU", [], "1993-01")
left_out(OP, "WEST-COCOM", "ends 31 Mar 1994, after the base; its coverage is not found (GAP), so the end of a coverage nobody measured cannot be a lever")


# ============================================================================
# coverage over what earlier levers left, risk and tension shares
# ============================================================================
def routes(lv):
    out = []
    for t in lv.on:
        for s in lv.sectors:
            if lv.kind == "export_control":
                out.append((lv.by, t, s))
            elif lv.kind == "import_ban":
                out.append((t, lv.by, s))
            elif lv.kind == "embargo":
                out += [(lv.by, t, s), (t, lv.by, s)]
    return out


def group_of(scen):
    return S22 if scen == COAL else scen


def finish():
    for scen in [S22, COAL, CR, CW, OP]:
        members = [lv for lv in LEVERS if lv.scen == scen or (scen == COAL and lv.scen == S22 and not any(o.scen == COAL and o.lid == lv.lid for o in LEVERS))]
        bans = sorted([lv for lv in members if lv.ban], key=lambda lv: lv.start)
        earlier, total = {}, {}
        for lv in bans:
            for r in routes(lv):
                total[r] = total.get(r, 0.0) + lv.ban["share"]
        for lv in bans:
            prev = max(earlier.get(r, 0.0) for r in routes(lv))
            b = lv.ban
            k = 1.0 / (1.0 - prev)
            c = min(1.0, b["share"] * k)
            lo = None if b["low"] is None else min(1.0, b["low"] * k)
            hi = None if b["high"] is None else min(1.0, b["high"] * k)
            risk = RISK_BAN * b["share"] / max(total[r] for r in routes(lv))
            lv.resolved = lv.resolved if hasattr(lv, "resolved") else {}
            lv.resolved[scen] = dict(coverage=(c, lo, hi, prev), risk=risk)
            for r in routes(lv):
                earlier[r] = earlier.get(r, 0.0) + b["share"]
        # tension: the kind's default once per imposer, target and kind
        count = {}
        for lv in members:
            if getattr(lv, "offset", False):
                continue
            key = (lv.by, tuple(lv.on), lv.kind)
            count[key] = count.get(key, 0) + 1
        for lv in members:
            if not hasattr(lv, "tension"):
                lv.tension = {}
            lv.tension[scen] = 0.0 if getattr(lv, "offset", False) else TENSION_DEFAULT[lv.kind] / count[(lv.by, tuple(lv.on), lv.kind)]


finish()


def fmt(x):
    if x is None or x == "":
        return ""
    if isinstance(x, str):
        return x
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1:
        return str(int(x))
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def fmtv(x):
    return "" if x is None else (str(int(round(x))) if x >= 1000 else fmt(x))


def rows():
    out = []
    scen_order = {S22: 0, COAL: 1, CR: 2, CW: 3, OP: 4}
    for lv in LEVERS:
        scens = [lv.scen] if lv.scen != S22 else [S22]
        for scen in scens:
            common = dict(measure_id=";".join(lv.mids), scenario=scen, lever_id=lv.lid, kind=lv.kind, by=lv.by, on=";".join(lv.on),
                          sectors=";".join(lv.sectors), start=lv.start, end=lv.end, phase_in=str(lv.phase_in) if lv.phase_in else "",
                          source=src(lv.mids[0]))
            if lv.ban:
                b = lv.ban
                c, lo, hi, prev = lv.resolved[scen]["coverage"]
                note = b["note"] + (f"; coverage over what earlier levers on the route and sector left (1 - {prev:.4f})" if prev > 0 else "")
                out.append(dict(common, field="coverage", value=fmt(c), low=fmt(lo), high=fmt(hi), covered_value_usd=fmtv(b["covered"]),
                                base_flow=b["base_flow"], base_value_usd=fmtv(b["base_value"]), share=fmt(b["share"]), share_low=fmt(b["low"]),
                                share_high=fmt(b["high"]), status=b["status"], note=note))
                if not any(f[0] == "leakage" for f in lv.fields):
                    lk = LEAK_EXPORT if lv.kind in ("export_control", "embargo") else LEAK_IMPORT
                    out.append(dict(common, field="leakage", value=fmt(sum(lk) / 2), low=fmt(lk[0]), high=fmt(lk[1]), status="ESTIMATE",
                                    note="export controls: EBRD, rerouting offset under 10% of the 2022 impact in aggregate, more for single products" if lk == LEAK_EXPORT
                                    else "relabelling and processing in third countries, around the default 0.05"))
                out.append(dict(common, field="risk", value=fmt(lv.resolved[scen]["risk"]), status="ESTIMATE",
                                note=f"the default {RISK_BAN} per route and sector shared among its levers by share"))
            for name, v, lo, hi, st, note in lv.fields:
                out.append(dict(common, field=name, value=fmt(v) if not isinstance(v, str) else v, low=fmt(lo), high=fmt(hi), status=st, note=note))
            out.append(dict(common, field="tension", value=fmt(lv.tension[scen]), status="ESTIMATE",
                            note=OFFSET_NOTE.format(p=lv.by, by=lv.on[0]) if getattr(lv, "offset", False) else f"the {lv.kind} default {TENSION_DEFAULT[lv.kind]} shared equally among the imposer's {lv.kind} levers on the same target(s)"))
    for o in OTHER:
        out.append(dict(o, source=src(o["measure_id"]), value=fmt(o.get("value")), share=fmt(o.get("share")),
                        covered_value_usd=fmtv(o.get("covered_value_usd")), base_value_usd=fmtv(o.get("base_value_usd"))))
    # coalition levers that are the standard ones (not overridden) are marked by the scenario
    # sanctions_2022: sanctions_2022_coalition uses every sanctions_2022 row whose lever_id it
    # does not define itself.  Recompute their risk/tension for the coalition where they differ.
    for lv in LEVERS:
        if lv.scen != S22 or any(o.scen == COAL and o.lid == lv.lid for o in LEVERS):
            continue
        if lv.ban and abs(lv.resolved[COAL]["risk"] - lv.resolved[S22]["risk"]) > 5e-5 or abs(lv.tension[COAL] - lv.tension[S22]) > 5e-5:
            common = dict(measure_id=";".join(lv.mids), scenario=COAL, lever_id=lv.lid, kind=lv.kind, by=lv.by, on=";".join(lv.on),
                          sectors=";".join(lv.sectors), start=lv.start, end=lv.end, phase_in=str(lv.phase_in) if lv.phase_in else "", source=src(lv.mids[0]))
            if lv.ban:
                out.append(dict(common, field="risk", value=fmt(lv.resolved[COAL]["risk"]), status="ESTIMATE", note="as in sanctions_2022, shared with the coalition's levers"))
            out.append(dict(common, field="tension", value=fmt(lv.tension[COAL]), status="ESTIMATE", note="as in sanctions_2022, shared with the coalition's levers"))
    # checks of the EU package sums against the published cumulative shares
    exp_tot = sum(flow("standard", B, "EU", "RU", s) for s in SECTORS)
    imp_tot = sum(flow("standard", B, "RU", "EU", s) for s in SECTORS)

    def cum(kind, by_date):
        tot = 0.0
        for lv in LEVERS:
            if lv.scen == S22 and lv.by == "EU" and lv.kind == kind and lv.ban and lv.start <= by_date and lv.ban["covered"] is not None:
                tot += lv.ban["covered"] if lv.ban["covered"] is not None else 0.0
        return tot
    for mid, kind, date, tot, what in [
            ("EU-2022-EST-CN8", "export_control", "2022-10", exp_tot, "packages 1-8 (CN8 sum 0.372)"),
            ("EU-2023-CUM-P10-EXP", "export_control", "2023-03", exp_tot, "packages 1-10: Commission 0.49, von der Leyen 0.55 (EU-2023-CUM-VDL-EXP)"),
            ("EU-2023-CUM-P10-IMP", "import_ban", "2023-03", imp_tot, "packages 1-10: Commission 0.58 (of EUR 158.5bn), von der Leyen 0.60, CEPII's end-2022 projection 0.65 (gold and diamonds without a value not counted here)")]:
        published = SM[mid]["coverage_share_of_base_trade"].split("=")[-1]
        OTHER_ROW = dict(measure_id=mid, scenario=S22, field="check", value=fmt(cum(kind, date) / tot), share=published, status="CHECK",
                         source=src(mid), base_flow=f"flows.csv 2021 {'EU->RU' if kind == 'export_control' else 'RU->EU'} all", base_value_usd=fmtv(tot),
                         covered_value_usd=fmtv(cum(kind, date)),
                         note=f"value = the package levers' covered values in force by {date} over the route total; share = the published cumulative share; {what}")
        out.append(OTHER_ROW)
    order = lambda mid: SM_ORDER.index(mid) if mid in SM else len(SM_ORDER) + sorted(GAPS).index(mid)
    out.sort(key=lambda r: (scen_order[r["scenario"]], order(r["measure_id"].split(";")[0]), r.get("lever_id", ""), r["field"] != "coverage"))
    return out


def write():
    rs = rows()
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLS, lineterminator="\n")
        w.writeheader()
        for r in rs:
            w.writerow({c: r.get(c, "") if r.get(c) is not None else "" for c in COLS})
    return rs


# ----------------------------------------------------------------------------
# --check: every scenario lever that comes from a measure has the values of the CSV
# ----------------------------------------------------------------------------
SCEN_GROUP = {"crimea_2014": [CR], "cold_war_1979": [CW], "opening_1992": [OP], "sanctions_2022": [S22],
              "sanctions_2022_normalize": [S22], "normalization_2027": [S22], "escalation_secondary_2026": [S22],
              "eu_breaks_ranks_2026": [S22], "sanctions_2022_coalition": [COAL, S22]}


def check_scenarios(rs):
    import tomllib
    bad = 0
    for stem, groups in SCEN_GROUP.items():
        path = os.path.join(REPO, "scenarios", stem + ".toml")
        with open(path, "rb") as f:
            sc = tomllib.load(f)
        want = {}
        for g in reversed(groups):   # the scenario's own levers override the group it builds on
            for lv in LEVERS:
                if lv.scen == g:
                    want[lv.lid] = {}
            for r in rs:
                if r["scenario"] == g and r.get("lever_id"):
                    want[r["lever_id"]][r["field"]] = r
        got = {l["id"]: l for l in sc.get("lever", [])}
        for lid, fields in sorted(want.items()):
            if lid not in got:
                print(f"{stem}: lever {lid} of measure_coverage.csv missing")
                bad += 1
                continue
            l = got[lid]
            any_row = next(iter(fields.values()))
            for key in ["kind", "by", "start"]:
                if str(l.get(key, "")) != any_row[key]:
                    print(f"{stem}: {lid}.{key} = {l.get(key)!r}, measure_coverage.csv {any_row[key]!r}")
                    bad += 1
            on = l.get("on", [])
            on = [on] if isinstance(on, str) else on
            if ";".join(on) != any_row["on"]:
                print(f"{stem}: {lid}.on = {on}, measure_coverage.csv {any_row['on']}")
                bad += 1
            if ";".join(l.get("sectors", ["all"])) != any_row["sectors"] and not (any_row["sectors"] == "" and "sectors" not in l):
                print(f"{stem}: {lid}.sectors = {l.get('sectors')}, measure_coverage.csv {any_row['sectors']}")
                bad += 1
            if str(l.get("phase_in", "")) != any_row.get("phase_in", ""):
                print(f"{stem}: {lid}.phase_in = {l.get('phase_in')}, measure_coverage.csv {any_row['phase_in']}")
                bad += 1
            for name, r in fields.items():
                v = l.get(name)
                if r.get("low"):
                    ok = isinstance(v, dict) and fmt(v.get("low")) == r["low"] and fmt(v.get("high")) == r["high"]
                else:
                    ok = v is not None and not isinstance(v, dict) and (fmt(v) if not isinstance(v, str) else v) == r["value"]
                if not ok:
                    print(f"{stem}: {lid}.{name} = {v!r}, measure_coverage.csv {r['value'] if not r.get('low') else '{' + r['low'] + ', ' + r['high'] + '}'}")
                    bad += 1
        extra = sorted(set(got) - set(want))
        if extra:
            print(f"{stem}: levers not from sanction_measures.csv: {', '.join(extra)}")
    print("check:", "ok" if bad == 0 else f"{bad} differences")
    return bad


if __name__ == "__main__":
    rs = write()
    print(f"wrote {os.path.relpath(OUT, REPO)}: {len(rs)} rows, {len({(r['scenario'], r['lever_id']) for r in rs if r.get('lever_id')})} levers")
    if "--check" in sys.argv:
        sys.exit(1 if check_scenarios(rs) else 0)
