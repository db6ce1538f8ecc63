#!/usr/bin/env python3
"""Derive the tradesim calibration CSVs from the public figures in data/raw.

Usage (from the repository root):
    python3 data/derive/derive_calibration.py [RAW_DATA_DIR]

RAW_DATA_DIR defaults to data/raw (the public figures, each row with its source;
data/raw/README.md lists the files).  Writes data/economies.csv, sectors.csv,
flows.csv, tension.csv, priors.csv, world_prices.csv, absorption.csv,
observed.csv and mirror.csv (the standard calibration: US, RU, CN, EU, IN, ROW),
and the same files in data/coalition_hubs/ (ROW split into COALITION, HUBS and
the remainder ROW, base years 2013 and 2021), and prints sum checks.  Standard
library only; deterministic.

Conventions
- Every number read from data/raw is looked up by its row keys (see find()),
  so a reader can trace it.  Every judgement value lives in this file, in a
  clearly named constant, and every row that uses one says "ESTIMATE: <how>".
- flows.csv basis: importer-reported (mirror) imports wherever data/raw has
  them, else exporter-reported, else residual (closing the system with ROW).
- Sectors: the flows are first built with one HS27 `energy` sector, then each
  route's HS27 flow is split into `oil` and `gas` (oil + gas = HS27 exactly).
"""
import csv
import math
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, "data")


def shared_dir():
    if len(sys.argv) > 1:
        p = sys.argv[1]
        if os.path.isabs(p) or os.path.isdir(p):
            return os.path.abspath(p)
        return os.path.abspath(os.path.join(REPO, p))
    return os.path.join(REPO, "data", "raw")


SHARED = shared_dir()

ECON = ["US", "RU", "CN", "EU", "IN", "ROW"]
NAMED = ECON[:5]
SECT = ["energy", "metals", "agriculture", "technology", "aerospace",
        "machinery", "defense", "consumer"]
# The output sectors: the build derives HS27 `energy` flows first, then splits each into oil and gas.
OSECT = ["oil", "gas"] + SECT[1:]
BASES = [1979, 1992, 2013, 2021]
BN = 1e9


# ----------------------------------------------------------------------------
# reading data/raw
# ----------------------------------------------------------------------------
def ws(s):
    return " ".join((s or "").split())


def load(name):
    with open(os.path.join(SHARED, name), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["_file"] = name
    return rows


def find(rows, **kw):
    m = [r for r in rows if all(ws(r[k]) == ws(v) for k, v in kw.items())]
    if len(m) != 1:
        raise SystemExit(f"expected exactly one row for {kw} in {rows[0]['_file']}, got {len(m)}")
    return m[0]


def val(r, col="value_usd"):
    return float(r[col])


def src(r):
    return f"data/raw/{r['_file']} [{r['year']},{r['reporter']},{r['partner']},{ws(r['flow'])}]: {r['source']}"


TF = load("trade_flows_base_years.csv")
WT = load("world_totals_and_sectors.csv")
SC = load("sector_composition_base_years.csv")
GDP = load("gdp_base_years.csv")
EL = load("trade_elasticities_by_sector.csv")
BRENT = load("brent_annual.csv")
LIT = load("literature_estimates.csv")
ABS = load("absorption_base_years.csv")
ARM = load("armington_elasticities.csv")
CP = load("commodity_prices_annual.csv")
SCOV = load("sanction_coverage_by_sector.csv")
SM = load("sanction_measures.csv")
RS = load("row_split_base_years.csv")
RSS = load("row_split_sector_shares.csv")

BRENT_P = {int(r["year"]): float(r["usd_per_barrel"]) for r in BRENT}


def tf(year, rep, par, flow):
    return find(TF, year=str(year), reporter=rep, partner=par, flow=flow)


def wt(year, rep, par, flow, sector):
    return find(WT, year=str(year), reporter=rep, partner=par, flow=flow, sector=sector)


MIRROR = "export (MIRROR: importer-reported imports)"
EXPREP = "export (exporter-reported)"


# ----------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------
def norm(d):
    t = sum(d[s] for s in SECT)
    return {s: d[s] / t for s in SECT}


def full(d):
    """complete a partial sector dict with zeros"""
    return {s: d.get(s, 0.0) for s in SECT}


def fixed_plus_remainder(fixed, rem_profile, exclude=()):
    rem = 1.0 - sum(fixed.values())
    assert rem > 0, fixed
    base = {s: rem_profile[s] for s in SECT if s not in exclude}
    tot = sum(base.values())
    out = {s: fixed.get(s, 0.0) + (rem * base[s] / tot if s in base else 0.0) for s in SECT}
    assert all(out[s] > 0 for s in SECT), out
    return out


def brent_adjust(shares, r):
    """Re-weight the energy value share for an oil-price ratio r (volumes held)."""
    e = shares["energy"]
    e2 = e * r / (e * r + 1 - e)
    k = (1 - e2) / (1 - e)
    return {s: (e2 if s == "energy" else shares[s] * k) for s in SECT}


WMIX = {}  # base -> world export mix (set in build_base)
WTS = {}  # base -> export weights of the world mix (set in build_base)


def indep(x, m, w, adj=None):
    """Independence (first RAS step) prior: share_s proportional to x_s * m_s / w_s."""
    adj = adj or {}
    return norm({s: x[s] * m[s] / w[s] * adj.get(s, 1.0) for s in SECT})


def fmt_sh(d):
    return " ".join(f"{s}={d[s]:.3f}" for s in SECT)


def bn(v):
    return f"{v / BN:.3f}bn"


# ----------------------------------------------------------------------------
# 1. economies
# ----------------------------------------------------------------------------
GDP_NAME = {"US": "United States", "RU": "Russian Federation", "CN": "China",
            "EU": "European Union", "IN": "India"}

# ESTIMATE: trend growth of nominal USD GDP for base 2013 (no pre-2013 GDP in data/raw).
GROWTH_2013 = {
    "US": (0.040, "ESTIMATE: ~2% real trend + ~2% inflation (consensus view in 2013), rounded; no pre-2013 GDP in data/raw"),
    "RU": (0.050, "ESTIMATE: ~2-3% real trend (2012-13 slowdown) + inflation net of gradual rouble depreciation, rounded; no pre-2013 GDP in data/raw"),
    "CN": (0.100, "ESTIMATE: ~7.5% real (2013 target) + ~2% deflator + mild CNY appreciation, rounded; no pre-2013 GDP in data/raw"),
    "EU": (0.030, "ESTIMATE: ~1% real (post euro-crisis) + ~1.5-2% inflation, stable EUR/USD assumed; no pre-2013 GDP in data/raw"),
    "IN": (0.080, "ESTIMATE: ~6-7% real + high inflation largely offset by rupee depreciation, rounded; no pre-2013 GDP in data/raw"),
    "ROW": (0.050, "ESTIMATE: mix of advanced (~3%) and emerging (~7%) nominal USD growth, rounded; no pre-2013 GDP in data/raw"),
}
# ESTIMATE: annual s.d. of log nominal USD GDP.
VOL = {
    "US": (0.02, "ESTIMATE: US nominal GDP in its own currency, deviations from trend ~1-2%/yr outside 2009"),
    "RU": (0.08, "ESTIMATE: rouble/oil-price swings move USD GDP by 10-30% in bad years (1998, 2009, 2015)"),
    "CN": (0.03, "ESTIMATE: smooth reported growth plus managed CNY moves of a few %/yr"),
    "EU": (0.03, "ESTIMATE: stable local growth but EUR/USD swings (0.753 in 2013 vs 0.8453 EUR/USD in 2021 per data/raw README) add USD-translation noise"),
    "IN": (0.04, "ESTIMATE: fast but noisier growth plus rupee depreciation episodes (2013 taper tantrum)"),
    "ROW": (0.03, "ESTIMATE: diversified aggregate, currency moves partly offset"),
}
# ESTIMATE: phase-2 GDPs, growth and volatility (no file in data/raw).
OOM = "ESTIMATE: order of magnitude from general knowledge, no file in data/raw"
PHASE2_GDP = {
    1979: {"US": 2.63e12, "RU": 1.2e12, "CN": 0.18e12, "EU": 2.7e12, "IN": 0.15e12, "World": 10.5e12},
    1992: {"US": 6.52e12, "RU": 0.46e12, "CN": 0.43e12, "EU": 7.6e12, "IN": 0.29e12, "World": 25.5e12},
}
PHASE2_GROWTH = {
    1979: {"US": (0.09, "1970s nominal trend ~10%/yr (high inflation), rounded down"),
           "RU": (0.05, "Soviet growth slowing to ~2-3% real; USD value at official rate, rounded"),
           "CN": (0.08, "early-reform real growth ~7-8% with slow CNY depreciation"),
           "EU": (0.09, "1970s EC nominal growth incl. USD depreciation ~10%/yr, rounded down"),
           "IN": (0.08, "~4% real + ~8% inflation less rupee drift"),
           "ROW": (0.09, "world 1970s nominal USD trend ~10%/yr, rounded down")},
    1992: {"US": (0.055, "1980s-early 1990s nominal trend ~6%/yr, slowing"),
           "RU": (0.02, "transition collapse under way; no meaningful trend, small positive placeholder"),
           "CN": (0.08, "fast real growth ~9% partly offset by CNY devaluations in USD terms"),
           "EU": (0.05, "EC nominal ~5-6% before the 1992-93 ERM crisis"),
           "IN": (0.05, "1991 reforms; rupee devaluation depresses USD growth"),
           "ROW": (0.06, "world nominal USD trend ~6%/yr")},
}
PHASE2_VOL = {
    1979: {"US": 0.025, "RU": 0.05, "CN": 0.05, "EU": 0.06, "IN": 0.04, "ROW": 0.04},
    1992: {"US": 0.02, "RU": 0.15, "CN": 0.05, "EU": 0.05, "IN": 0.05, "ROW": 0.03},
}
NAMES = {
    1979: {"US": "United States", "RU": "Soviet Union (USSR, stands in for RU)", "CN": "China",
           "EU": "European Community (EC9)", "IN": "India", "ROW": "Rest of world"},
    1992: {"US": "United States", "RU": "Russian Federation", "CN": "China",
           "EU": "European Community (EC12)", "IN": "India", "ROW": "Rest of world"},
    2013: {"US": "United States", "RU": "Russian Federation", "CN": "China",
           "EU": "European Union (EU27_2020)", "IN": "India", "ROW": "Rest of world"},
    2021: {"US": "United States", "RU": "Russian Federation", "CN": "China",
           "EU": "European Union (EU27_2020)", "IN": "India", "ROW": "Rest of world"},
}
RU_GROWTH_2021 = 0.02
# economies.csv `role`: the default transit hub and the numeraire (one of each per base year).
ROLE = {"ROW": "hub", "US": "numeraire"}


def economies():
    rows = []
    for base in BASES:
        if base in (2013, 2021):
            g = {}
            for c in NAMED:
                r = find(GDP, year=str(base), reporter=GDP_NAME[c])
                g[c] = (val(r), src(r))
            w = find(GDP, year=str(base), reporter="World")
            row_v = val(w) - sum(g[c][0] for c in NAMED)
            g["ROW"] = (row_v, f"DERIVED: World {val(w):.0f} minus US,RU,CN,EU,IN; {src(w)}")
            for c in ECON:
                gdp_v, s = g[c]
                if base == 2021:
                    if c == "ROW":
                        g13 = val(find(GDP, year="2013", reporter="World")) - sum(
                            val(find(GDP, year="2013", reporter=GDP_NAME[k])) for k in NAMED)
                    else:
                        g13 = val(find(GDP, year="2013", reporter=GDP_NAME[c]))
                    cagr = (gdp_v / g13) ** (1 / 8) - 1
                    if c == "RU":
                        growth = RU_GROWTH_2021
                        gnote = (f"2013->2021 CAGR from gdp_base_years.csv is {cagr:.4f} (negative: 2014-15 rouble collapse and "
                                 f"oil-price fall), implausible as a forward trend; ESTIMATE: {growth} = ~1-1.5% real potential growth "
                                 f"+ inflation net of trend rouble depreciation, rounded")
                    else:
                        growth = round(cagr, 4)
                        gnote = f"growth = 2013->2021 CAGR of nominal USD GDP from gdp_base_years.csv ({gdp_v:.4g}/{g13:.4g})^(1/8)-1"
                        if c in ("EU", "ROW"):
                            gnote += " (depressed by USD appreciation over 2013-2021; kept as the file-derived trend)"
                else:
                    growth, gnote = GROWTH_2013[c]
                vol, vnote = VOL[c]
                rows.append([base, c, NAMES[base][c], f"{gdp_v:.0f}", f"{growth}", f"{vol}", ROLE.get(c, ""), s,
                             f"{gnote}; gdp_volatility {vnote}"])
        else:
            P = PHASE2_GDP[base]
            for c in ECON:
                gdp_v = P[c] if c != "ROW" else P["World"] - sum(P[k] for k in NAMED)
                growth, gn = PHASE2_GROWTH[base][c]
                how = (f"ROW = World {P['World']:.3g} minus the five named (all {OOM})" if c == "ROW"
                       else f"GDP {gdp_v:.3g} USD")
                rows.append([base, c, NAMES[base][c], f"{gdp_v:.0f}", f"{growth}", f"{PHASE2_VOL[base][c]}",
                             ROLE.get(c, ""), OOM, f"{OOM}: {how}; growth ESTIMATE: {gn}; gdp_volatility ESTIMATE (phase-2 judgement: "
                                  f"{'transition/exchange-rate turmoil' if c == 'RU' else 'exchange-rate swings of the era'})"])
    return rows


# ----------------------------------------------------------------------------
# 2. sectors
# ----------------------------------------------------------------------------
GTAP_MAP = {
    "energy": ["oil", "p_c"],  # coa, gas, gdt have no value in the file
    "metals": ["oxt", "i_s", "nfm", "fmp"],
    "agriculture": ["b_t", "c_b", "cmt", "ctl", "fsh", "mil", "oap", "ocr", "ofd", "omt",
                    "osd", "pcr", "pdr", "sgr", "v_f", "vol", "wht", "gro"],
    "technology": ["ele", "eeq"],
    "aerospace": ["otn"],
    "machinery": ["ome", "mvh"],
    "defense": [],  # no GTAP sector: median of all sectors
    "consumer": ["chm", "bph", "rpp", "lum", "ppp", "frs", "tex", "wap", "lea", "wol", "pfb",
                 "nmm", "omf"],
}
SECT_NAME = {
    "energy": "Energy: HS27 mineral fuels (oil, gas, products, coal)",
    "metals": "Metals & minerals incl. precious (HS25-26, 71-83)",
    "agriculture": "Food & agriculture (HS01-24)",
    "technology": "Technology: semiconductors, telecom, computers, electronics (HS85 part, 90)",
    "aerospace": "Aerospace (HS88)",
    "machinery": "Industrial machinery & vehicles (HS84, 86-87, 89)",
    "defense": "Defense: arms (HS93) and military equipment",
    "consumer": "Consumer & other: chemicals, plastics, wood, textiles, misc",
}
LAMBDA = {
    "energy": (0.45, "slow: pipelines, terminals and long-term contracts"),
    "metals": (1.0, "commodity trade, moderately fast re-routing"),
    "agriculture": (2.0, "fast: seasonal contracts, many substitutable suppliers"),
    "technology": (1.0, "medium: supplier qualification and design-in"),
    "aerospace": (0.7, "medium-slow: certification, fleet commonality, multi-year orders"),
    "machinery": (0.8, "medium: installed base, after-sales networks"),
    "defense": (0.4, "slow: government-to-government programmes, multi-year"),
    "consumer": (2.0, "fast: many suppliers, short contracts"),
}
ETA = {s: 0.5 for s in SECT}
ETA["energy"] = 0.2
EL_SRC = "data/raw/trade_elasticities_by_sector.csv (Fontagne, Guimbard & Orefice, GTAP aggregation)"

# -- oil and gas: the two sectors that replace `energy` in every output file ------------
SECT_NAME["oil"] = "Oil: HS27 except natural gas (crude oil, petroleum products incl. LPG, coal, other fuels)"
SECT_NAME["gas"] = "Natural gas, pipeline and LNG (HS 2711.11 liquefied, 2711.21 gaseous)"
GTAP_MAP["oil"] = ["oil", "p_c", "coa"]  # coa has no value in the Fontagne et al. file
GTAP_MAP["gas"] = ["gas", "gdt"]  # neither has a value in the Fontagne et al. file
LAMBDA["oil"] = (0.6, "crude and products are fungible and move by sea on short contracts, but refineries are set up "
                      "for particular crude grades and pipeline crude (Druzhba, ESPO) is tied to its route: faster than "
                      "the former HS27 aggregate (0.45), slower than metals")
LAMBDA["gas"] = (0.25, "slow: pipeline gas is sold on multi-year take-or-pay contracts along fixed pipelines, and "
                       "replacing it needs new LNG terminals or pipelines that take years (about 22% of the gap "
                       "closed per year)")
ETA["oil"] = 0.2
ETA["gas"] = 0.2
# ESTIMATE: the Fontagne et al. file has no elasticity for gas (nor coal); GTAP's ESUBM for gas (34.4,
# ESUBD 17.2) is the outlier of its table (pipeline gas treated as a homogeneous good); the raw file notes
# that many users cap it, e.g. the MRT model resets gas to coal's values. We take that cap for gas.
GAS_ELASTICITY_CAP = "coa"
# The world price series each sector follows (world_prices.csv), empty = set by its producers.
WORLD_PRICE = {"oil": "brent", "gas": "gas_europe", "metals": "metals", "agriculture": "food"}
# Whether trade a ban stops can find a way through a transit hub: pipeline gas cannot.
REROUTABLE = {s: "true" for s in ["oil", "gas"] + SECT[1:]}
REROUTABLE["gas"] = "false"
ARM_PAT = re.compile(r"(\w+) ([\d.]+)/([\d.]+)")


def arm_components(sector):
    """GTAP ESUBD/ESUBM of the components listed in an armington_elasticities.csv row note."""
    arm = find(ARM, sector=sector)
    part = arm["note"].split("components esubd/esubm:")[1].split("; ESUBM =")[0]
    return {m.group(1): (float(m.group(2)), float(m.group(3))) for m in ARM_PAT.finditer(part)}, arm


def sectors():
    eps = {r["gtap_sector"]: r["trade_elasticity_epsilon"] for r in EL}
    all_vals = [float(v) for v in eps.values() if v.strip()]
    med = statistics.median(all_vals)
    gsdb = find(LIT, study="Yotov et al. (GSDB dynamics)")
    en_comp, en_arm = arm_components("energy")
    rows = []
    for s in OSECT:
        used = [g for g in GTAP_MAP[s] if eps.get(g, "").strip()]
        missing = [g for g in GTAP_MAP[s] if not eps.get(g, "").strip()]
        if s == "gas":
            cap = en_comp[GAS_ELASTICITY_CAP]
            sigma = cap[1]
            how = (f"ESTIMATE: the Fontagne et al. file has no value for gas or gdt; GTAP's ESUBM for gas "
                   f"({en_comp['gas'][1]}, ESUBD {en_comp['gas'][0]}) is the outlier of the GTAP table (pipeline gas as a "
                   f"homogeneous good), and data/raw/armington_elasticities.csv notes that many users cap it, e.g. the MRT "
                   f"model resets gas to coal's values; sigma = GTAP ESUBM of coal ({GAS_ELASTICITY_CAP}) = {sigma}, below "
                   f"oil's value because pipeline gas is tied to its route (LNG is more flexible; the prior is wide)")
        elif used:
            sigma = -statistics.mean(float(eps[g]) for g in used)
            how = (f"sigma = -(unweighted mean of GTAP {'+'.join(used)} epsilons)"
                   + (f"; {'+'.join(missing)} {'has' if len(missing) == 1 else 'have'} no value in the file and "
                      f"{'is' if len(missing) == 1 else 'are'} skipped" if missing else ""))
        else:
            sigma = -med
            how = (f"no GTAP sector for arms: sigma = -(median of all {len(all_vals)} GTAP epsilons) = {-med:.4f}; "
                   f"ESTIMATE: placeholder, otn ({-float(eps['otn']):.2f}) would also be defensible")
        if s == "machinery":
            how += "; ome alone (HS84) = 4.23, vehicles mvh = 8.98 raise the mean"
        if s == "oil":
            how += ("; crude oil alone (oil) = 10.89, refined products (p_c) = 3.64; the value is the former HS27 "
                    "`energy` sector's, which had the same two components")
        lam, lnote = LAMBDA[s]
        eta = ETA[s]
        enote = (f"ESTIMATE: {s} demand very inelastic in the short run (as the former energy sector)" if s in ("oil", "gas")
                 else "ESTIMATE: weak response of sector import demand to its CES price index")
        if s in ("oil", "gas"):
            arm = en_arm
            if s == "oil":
                comps = [g for g in ("coa", "oil", "p_c")]
                esubd = round(statistics.mean(en_comp[g][0] for g in comps), 4)
                dnote = (f"esubd = {esubd} (domestic vs imports: ESTIMATE: unweighted mean of GTAP ESUBD of "
                         f"{' '.join(comps)} ({', '.join(f'{g} {en_comp[g][0]}' for g in comps)}), the components of the "
                         f"energy row of data/raw/armington_elasticities.csv without gas, as its note computes (3.45); "
                         f"{arm['source'].split(':')[0]})")
            else:
                esubd = en_comp[GAS_ELASTICITY_CAP][0]
                dnote = (f"esubd = {esubd} (domestic vs imports: ESTIMATE: GTAP ESUBD of gas is {en_comp['gas'][0]}, the "
                         f"outlier; capped at coal's ESUBD as for sigma; data/raw/armington_elasticities.csv energy row note; "
                         f"{arm['source'].split(':')[0]})")
        else:
            arm = find(ARM, sector=s)
            esubd = float(arm["esubd"])
            dnote = (f"esubd = {esubd} (domestic vs imports, GTAP ESUBD of {arm['gtap_sectors_mapped']}; "
                     f"{'published GTAP value' if arm['note'].startswith('published') else 'ESTIMATE: unweighted mean of the mapped GTAP sectors'}; "
                     f"data/raw/armington_elasticities.csv: {arm['source'].split(':')[0]})")
        wp = WORLD_PRICE.get(s, "")
        wnote = (f"world_price `{wp}`: the sector's USD price follows that series of world_prices.csv" if wp
                 else "world_price empty: the sector's price is set by its producers")
        rnote = ("reroutable false: pipeline gas cannot be sent through a transit hub when a ban stops it" if s == "gas"
                 else "reroutable true: banned trade can find a way through a transit hub")
        src = EL_SRC if s != "gas" else "data/raw/armington_elasticities.csv (GTAP ESUBM/ESUBD, energy row components)"
        rows.append([s, SECT_NAME[s], f"{sigma:.4f}", f"{esubd}", f"{lam}", f"{eta}", wp, REROUTABLE[s], src,
                     f"{how}. {dnote}. lambda ESTIMATE ({lnote}; rate 1/yr used as 1-exp(-lambda*dt)); "
                     f"follows the gradual build-up of trade effects in {gsdb['study']}: '{gsdb['value']}'. eta {enote}. "
                     f"{wnote}; {rnote}"])
    return rows

# ----------------------------------------------------------------------------
# 3. sector profiles (export mixes and import mixes by economy and base)
# ----------------------------------------------------------------------------
PROF_NOTE = {}  # (kind, base, econ) -> text


# -- Russia, FTS HS composition 2021 -----------------------------------------
RU_TECH_SHARE_OF_HS84_92 = {"export": 0.30, "import": 0.40}  # ESTIMATE
RU_CUSTOMS_OMITTED = {"export": {"aerospace": 0.002, "defense": 0.004},  # ESTIMATE (HS88/HS93 classified)
                      "import": {"aerospace": 0.010, "defense": 0.001}}


def ru_fts(kind):
    def g(flow):
        return val(find(SC, year="2021", reporter="Russia", partner="World", flow=f"{kind} {flow}"))
    food = g("food & agri (HS01-24)")
    mineral = g("mineral products (HS25-27)")
    fuels = g("of which mineral fuels (HS27)")
    chem = g("chemicals, plastics, rubber (HS28-40)")
    wood = g("wood, pulp, paper (HS44-49)")
    tex = g("textiles, footwear (HS50-67)")
    met = g("metals incl. precious (HS71-83)")
    mach = g("machinery & transport (HS84-92, ex 88,93 classified)")
    total = g("TOTAL")
    other = total - (food + mineral + chem + wood + tex + met + mach)
    t = RU_TECH_SHARE_OF_HS84_92[kind]
    v = {"energy": fuels, "metals": mineral - fuels + met, "agriculture": food,
         "technology": mach * t, "machinery": mach * (1 - t), "consumer": chem + wood + tex + other,
         "aerospace": 0.0, "defense": 0.0}
    sh = {s: v[s] / total for s in SECT}
    om = RU_CUSTOMS_OMITTED[kind]
    k = 1 - sum(om.values())
    sh = {s: (om[s] if s in om else sh[s] * k) for s in SECT}
    note = (f"Russian FTS 2021 HS composition ({kind} total {bn(total)}): energy=HS27, metals=HS25-26+HS71-83, "
            f"agriculture=HS01-24, consumer=HS28-40+44-49+50-67+other chapters ({bn(other)}), HS84-92 split "
            f"ESTIMATE {t:.0%} technology/{1 - t:.0%} machinery; customs omit HS88/HS93: ESTIMATE aerospace "
            f"{om['aerospace']}, defense {om['defense']} carved out proportionally")
    return sh, v, total, note


RU_EXP21, RU_EXP21_V, RU_EXP21_T, _n = ru_fts("export")
PROF_NOTE[("export", 2021, "RU")] = _n
RU_IMP21, _, RU_IMP21_T, _n = ru_fts("import")
PROF_NOTE[("import", 2021, "RU")] = _n
BRENT_R_13_21 = BRENT_P[2013] / BRENT_P[2021]


# -- United States, USITC sector shares ---------------------------------------
USITC_MAP = {
    "agriculture/food (USITC agricultural products)": {"agriculture": 1},
    "forest products": {"consumer": 1},
    "chemicals and related": {"consumer": 1},
    "energy-related": {"energy": 1},
    "textiles/apparel": {"consumer": 1},
    "footwear": {"consumer": 1},
    "minerals and metals": {"metals": 1},
    "machinery": {"machinery": 1},
    # ESTIMATE: split of USITC transportation equipment (aircraft, vehicles, ships, military)
    "transportation equipment (incl. aircraft+vehicles)": {"aerospace": 0.38, "machinery": 0.57, "defense": 0.05},
    "transportation equipment (total exports)": {"aerospace": 0.38, "machinery": 0.57, "defense": 0.05},
    "electronic products": {"technology": 1},
    "misc manufactures": {"consumer": 1},
    "special provisions": {"consumer": 1},
}


def us_export_profiles():
    r13 = [r for r in WT if r["year"] == "2013" and r["reporter"] == "US" and r["partner"] == "World"
           and r["flow"] == "export" and r["sector"] != "total"]
    tot13 = val(wt(2013, "US", "World", "export", "total"))
    sh13_usitc = {r["sector"]: val(r) / tot13 for r in r13}
    p13 = full({})
    for k, v in sh13_usitc.items():
        for s, w in USITC_MAP[k].items():
            p13[s] += v * w
    p13 = norm(p13)
    r21 = [r for r in WT if r["year"] == "2021" and r["reporter"] == "US" and r["partner"] == "World"
           and r["flow"] == "export" and r["sector"] != "total"]
    known = {r["sector"]: float(r["share"]) for r in r21}
    k13 = {"energy-related", "chemicals and related", "minerals and metals",
           "transportation equipment (incl. aircraft+vehicles)"}
    rest13 = {k: v for k, v in sh13_usitc.items() if k not in k13}
    rem = 1 - sum(known.values())
    p21 = full({})
    for k, v in known.items():
        for s, w in USITC_MAP[k].items():
            p21[s] += v * w
    for k, v in rest13.items():
        for s, w in USITC_MAP[k].items():
            p21[s] += rem * v / sum(rest13.values()) * w
    p21 = norm(p21)
    PROF_NOTE[("export", 2013, "US")] = ("USITC Trade Shifts 2013 sector shares (world_totals_and_sectors.csv) mapped to our "
                                         "sectors; ESTIMATE: transportation equipment split 0.38 aerospace/0.57 vehicles "
                                         "(machinery)/0.05 defense; chemicals, forest, textiles, footwear, misc, special -> consumer")
    PROF_NOTE[("export", 2021, "US")] = (f"USITC 2021 shares for energy, chemicals, minerals&metals, transportation "
                                         f"(world_totals_and_sectors.csv); ESTIMATE: the other {rem:.3f} split in 2013 USITC "
                                         f"proportions; same transportation split as 2013")
    return p13, p21


US_EXP13, US_EXP21 = us_export_profiles()


# -- China ------------------------------------------------------------------
def cn_export_2021():
    em = float(wt(2021, "China", "World", "export",
                  "electro-mechanical products (~HS84-85,90 + vehicles etc.)")["share"])
    core = em * 0.9  # ESTIMATE: 90% of GAC 'electro-mechanical' is HS84-85,86-90
    p = {"technology": core * 0.6, "machinery": core * 0.4,  # ESTIMATE split
         "energy": 0.012, "metals": 0.075, "agriculture": 0.025, "aerospace": 0.003, "defense": 0.002}
    p["consumer"] = 1 - sum(p.values())
    PROF_NOTE[("export", 2021, "CN")] = (f"GAC: electro-mechanical products = {em} of exports (world_totals_and_sectors.csv); "
                                         f"ESTIMATE: 90% of it is HS84-90 core, split 60% technology/40% machinery; "
                                         f"ESTIMATE energy 0.012, metals 0.075, agriculture 0.025, aerospace 0.003, defense 0.002; "
                                         f"consumer = rest")
    return norm(p)


CN_EXP21 = cn_export_2021()


# -- India ------------------------------------------------------------------
def in_export_profiles():
    r20 = wt("FY2019-20", "India", "World", "export", "petroleum")
    fy23 = float(re.search(r"FY23 ([\d.]+)%", r20["note"]).group(1)) / 100
    gems20 = float(re.search(r"gems&jewellery FY20 ([\d.]+)%", r20["note"]).group(1)) / 100
    pet21 = (float(r20["share"]) + fy23) / 2  # ESTIMATE: midpoint FY20/FY23
    eng = float(wt("FY2021-22", "India", "World", "export", "engineering goods")["share"])
    ENG = {"metals": 0.35, "machinery": 0.45, "technology": 0.15, "aerospace": 0.04, "defense": 0.01}  # ESTIMATE
    p21 = {s: eng * ENG.get(s, 0) for s in SECT}
    p21["energy"] += pet21
    p21["metals"] += gems20 * 0.85  # ESTIMATE: gems&jewellery share lower in FY22 as total grew
    p21["agriculture"] += 0.12  # ESTIMATE
    p21["technology"] += 0.037  # ESTIMATE: electronic goods outside 'engineering'
    p21["consumer"] = 1 - sum(p21[s] for s in SECT if s != "consumer")
    PROF_NOTE[("export", 2021, "IN")] = (f"India FY2021-22: engineering goods {eng:.4f} (file) split ESTIMATE {ENG}; petroleum "
                                         f"ESTIMATE {pet21:.4f} = midpoint of FY20 {float(r20['share'])} and FY23 {fy23:.3f} (file); "
                                         f"gems&jewellery (metals) ESTIMATE 0.85 x FY20 {gems20}; ESTIMATE agriculture 0.12, "
                                         f"electronics +0.037; consumer = rest (pharma, chemicals, textiles)")
    r13 = wt("FY2012-13", "India", "World", "export", "petroleum products")
    tot13 = val(r13) / float(r13["share"])
    n = r13["note"]
    num = {k: float(re.search(pat, n).group(1)) * BN for k, pat in
           {"pharma": r"pharma ([\d.]+)bn", "mach": r"machinery&instruments ([\d.]+)bn",
            "metals": r"metals ([\d.]+)bn", "gems": r"gems&jewellery ([\d.]+)bn"}.items()}
    p13 = {s: 0.0 for s in SECT}
    p13["energy"] = float(r13["share"])
    p13["metals"] = (num["gems"] + num["metals"]) / tot13
    p13["machinery"] = num["mach"] / tot13 * 0.7 + 0.05  # ESTIMATE: 70% machinery, +0.05 vehicles/transport
    p13["technology"] = num["mach"] / tot13 * 0.3 + 0.025  # ESTIMATE: 30% instruments, +0.025 electronics
    p13["agriculture"] = 0.13  # ESTIMATE
    p13["aerospace"] = 0.005  # ESTIMATE
    p13["defense"] = 0.001  # ESTIMATE
    p13["consumer"] = 1 - sum(p13[s] for s in SECT if s != "consumer")
    PROF_NOTE[("export", 2013, "IN")] = (f"India FY2012-13 (file): petroleum {r13['share']}, total {bn(tot13)} = 60.3bn/share; "
                                         f"gems&jewellery+metals -> metals; machinery&instruments split ESTIMATE 70/30 "
                                         f"machinery/technology; ESTIMATE vehicles +0.05, electronics +0.025, agriculture 0.13, "
                                         f"aerospace 0.005, defense 0.001; consumer = rest (incl. pharma {bn(num['pharma'])})")
    return norm(p13), norm(p21)


IN_EXP13, IN_EXP21 = in_export_profiles()

# -- judgement profiles (ESTIMATE) ---------------------------------------------
# order: energy, metals, agriculture, technology, aerospace, machinery, defense, consumer
def P(*v):
    return norm(dict(zip(SECT, v)))


EST_EXPORT = {
    # EU = extra-EU exports
    (2021, "EU"): P(0.045, 0.075, 0.085, 0.12, 0.04, 0.29, 0.004, 0.341),
    (2013, "EU"): P(0.06, 0.08, 0.075, 0.11, 0.04, 0.29, 0.004, 0.341),
    (2013, "CN"): None,  # filled below: 2021 profile as proxy
    (2021, "ROW"): P(0.15, 0.12, 0.10, 0.20, 0.02, 0.17, 0.003, 0.237),
    (2013, "ROW"): P(0.22, 0.13, 0.09, 0.17, 0.02, 0.16, 0.003, 0.207),
    (1979, "US"): P(0.03, 0.06, 0.19, 0.08, 0.06, 0.30, 0.01, 0.27),
    (1979, "RU"): P(0.50, 0.12, 0.02, 0.02, 0.01, 0.08, 0.10, 0.15),
    (1979, "CN"): P(0.20, 0.07, 0.25, 0.02, 0.001, 0.05, 0.005, 0.40),
    (1979, "EU"): P(0.04, 0.09, 0.08, 0.07, 0.02, 0.36, 0.01, 0.33),
    (1979, "IN"): P(0.02, 0.13, 0.33, 0.03, 0.002, 0.08, 0.002, 0.40),
    (1979, "ROW"): P(0.35, 0.10, 0.12, 0.06, 0.01, 0.14, 0.005, 0.215),
    (1992, "US"): P(0.03, 0.05, 0.10, 0.20, 0.10, 0.25, 0.01, 0.26),
    (1992, "RU"): P(0.52, 0.25, 0.02, 0.01, 0.005, 0.05, 0.015, 0.13),
    (1992, "CN"): P(0.06, 0.06, 0.12, 0.10, 0.001, 0.10, 0.005, 0.55),
    (1992, "EU"): P(0.03, 0.08, 0.09, 0.11, 0.04, 0.33, 0.008, 0.312),
    (1992, "IN"): P(0.03, 0.18, 0.17, 0.03, 0.002, 0.08, 0.001, 0.50),
    (1992, "ROW"): P(0.12, 0.09, 0.11, 0.14, 0.02, 0.22, 0.005, 0.295),
}
EST_IMPORT = {
    (2021, "US"): P(0.07, 0.07, 0.07, 0.22, 0.015, 0.25, 0.002, 0.303),
    (2021, "CN"): P(0.15, 0.18, 0.08, 0.30, 0.01, 0.10, 0.001, 0.179),
    (2021, "EU"): P(0.20, 0.08, 0.06, 0.18, 0.02, 0.17, 0.001, 0.289),
    (2021, "IN"): P(0.26, 0.20, 0.05, 0.15, 0.01, 0.10, 0.005, 0.225),
    (2013, "US"): P(0.15, 0.07, 0.05, 0.20, 0.012, 0.24, 0.002, 0.274),
    (2013, "CN"): P(0.16, 0.18, 0.06, 0.30, 0.015, 0.11, 0.001, 0.174),
    (2013, "EU"): P(0.30, 0.08, 0.06, 0.15, 0.02, 0.14, 0.001, 0.249),
    (2013, "IN"): P(0.37, 0.20, 0.04, 0.10, 0.01, 0.10, 0.005, 0.175),
    (1979, "US"): P(0.30, 0.08, 0.08, 0.07, 0.01, 0.20, 0.002, 0.258),
    (1979, "RU"): P(0.03, 0.12, 0.25, 0.05, 0.01, 0.30, 0.01, 0.23),
    (1979, "CN"): P(0.02, 0.20, 0.20, 0.08, 0.03, 0.25, 0.005, 0.215),
    (1979, "EU"): P(0.38, 0.10, 0.12, 0.06, 0.02, 0.12, 0.003, 0.197),
    (1979, "IN"): P(0.35, 0.10, 0.10, 0.05, 0.01, 0.18, 0.05, 0.16),
    (1992, "US"): P(0.10, 0.06, 0.05, 0.20, 0.02, 0.27, 0.002, 0.298),
    (1992, "RU"): P(0.03, 0.06, 0.25, 0.08, 0.02, 0.30, 0.01, 0.25),
    (1992, "CN"): P(0.05, 0.12, 0.07, 0.15, 0.04, 0.27, 0.01, 0.29),
    (1992, "EU"): P(0.15, 0.08, 0.10, 0.14, 0.03, 0.16, 0.002, 0.338),
    (1992, "IN"): P(0.27, 0.15, 0.05, 0.06, 0.02, 0.17, 0.03, 0.25),
}

EXP = {b: {} for b in BASES}
IMP = {b: {} for b in BASES}
for (b, c), p in EST_EXPORT.items():
    if p is not None:
        EXP[b][c] = p
        PROF_NOTE[("export", b, c)] = f"ESTIMATE: judgement export mix {b} {c} ({fmt_sh(p)}), general knowledge of the era's trade structure"
for (b, c), p in EST_IMPORT.items():
    IMP[b][c] = p
    PROF_NOTE[("import", b, c)] = f"ESTIMATE: judgement import mix {b} {c} ({fmt_sh(p)}), general knowledge of the era's trade structure"
EXP[2021]["US"], EXP[2013]["US"] = US_EXP21, US_EXP13
EXP[2021]["RU"] = RU_EXP21
EXP[2013]["RU"] = brent_adjust(RU_EXP21, BRENT_R_13_21)
PROF_NOTE[("export", 2013, "RU")] = (f"ESTIMATE: 2021 FTS mix with energy value share re-weighted for Brent 2013/2021 = "
                                     f"{BRENT_P[2013]}/{BRENT_P[2021]} (brent_annual.csv), volumes held: energy "
                                     f"{RU_EXP21['energy']:.3f} -> {EXP[2013]['RU']['energy']:.3f}")
EXP[2021]["CN"] = CN_EXP21
EXP[2013]["CN"] = CN_EXP21
PROF_NOTE[("export", 2013, "CN")] = "ESTIMATE: 2021 China mix used as proxy for 2013 (no 2013 composition in data/raw)"
EXP[2021]["IN"], EXP[2013]["IN"] = IN_EXP21, IN_EXP13
IMP[2021]["RU"] = RU_IMP21
IMP[2013]["RU"] = RU_IMP21
PROF_NOTE[("import", 2013, "RU")] = "ESTIMATE: 2021 FTS import mix used as proxy for 2013 (no 2013 composition in data/raw)"
for b in BASES:
    for c in ECON:
        assert c in EXP[b], (b, c)
        assert all(EXP[b][c][s] > 0 for s in SECT), (b, c)
    for c in NAMED:
        assert c in IMP[b], (b, c)


# ----------------------------------------------------------------------------
# 4. pair totals
# ----------------------------------------------------------------------------
class Pair:
    def __init__(self, value, basis, status, source, note):
        self.value, self.basis, self.status, self.source, self.note = float(value), basis, status, source, note


def pub(r, basis, note=""):
    return Pair(val(r), basis, "published", src(r), note or (r.get("note") or ""))


EUR13 = 0.753
EUR21 = 0.8453


def pair_totals_2021():
    T = {}
    T[("US", "RU")] = pub(tf(2021, "USA", "Russia", MIRROR), "importer_reported", "Russian FTS imports from US")
    T[("US", "CN")] = pub(tf(2021, "USA", "China", MIRROR), "importer_reported", "China customs imports from US")
    T[("US", "EU")] = pub(wt(2021, "EU27", "US", "import", "total"), "importer_reported",
                          "Eurostat EU27 imports from US (source derives EUR 399.4bn - 167.4bn surplus)")
    T[("US", "IN")] = pub(tf(2021, "USA", "India", EXPREP), "exporter_reported",
                          "US Census exports (no India-reported imports from US in data/raw)")
    T[("RU", "US")] = pub(tf(2021, "Russia", "USA", MIRROR), "importer_reported", "US Census general imports from Russia")
    T[("RU", "CN")] = pub(tf(2021, "Russia", "China", MIRROR), "importer_reported",
                          "China imports from Russia (source derives 2022 value / 1.434)")
    T[("RU", "EU")] = pub(tf(2021, "Russia", "EU27_2020", MIRROR), "importer_reported", "Eurostat EU27 imports from Russia")
    T[("RU", "IN")] = pub(tf(2021, "Russia", "India", MIRROR), "importer_reported",
                          "India imports from Russia; FISCAL YEAR Apr2021-Mar2022 figure used for calendar 2021")
    T[("CN", "US")] = pub(tf(2021, "China", "USA", MIRROR), "importer_reported", "US Census general imports from China")
    T[("CN", "RU")] = pub(tf(2021, "China", "Russia", MIRROR), "importer_reported", "Russian FTS imports from China")
    T[("CN", "EU")] = pub(tf(2021, "China", "EU27_2020", MIRROR), "importer_reported", "Eurostat EU27 imports from China")
    T[("CN", "IN")] = pub(tf(2021, "China", "India", MIRROR), "importer_reported", "India DGCI&S calendar-2021 imports from China")
    T[("EU", "US")] = pub(tf(2021, "EU27_2020", "USA", MIRROR), "importer_reported", "US Census general imports from EU27")
    T[("EU", "RU")] = pub(tf(2021, "EU27_2020", "Russia", EXPREP), "exporter_reported",
                          "Eurostat EU27 exports (no Russian-reported imports from EU in data/raw)")
    T[("EU", "CN")] = pub(tf(2021, "EU27_2020", "China", EXPREP), "exporter_reported",
                          "Eurostat EU27 exports (China-reported imports from EU not in data/raw)")
    T[("EU", "IN")] = pub(tf(2021, "EU27_2020", "India", EXPREP), "exporter_reported", "Eurostat EU27 exports")
    T[("IN", "US")] = pub(tf(2021, "India", "USA", MIRROR), "importer_reported", "US Census general imports from India")
    T[("IN", "RU")] = pub(tf(2021, "India", "Russia", MIRROR), "importer_reported", "Russian FTS imports from India")
    T[("IN", "CN")] = pub(tf(2021, "India", "China", MIRROR), "importer_reported", "China customs imports from India")
    T[("IN", "EU")] = Pair(40e9 / EUR21, "importer_reported", "estimated",
                           OOM, f"ESTIMATE: EU27 imports from India ~EUR 40bn in 2021 ({OOM}) / {EUR21} EUR per USD")
    return T


def pair_totals_2013():
    T = {}
    T[("US", "RU")] = pub(tf(2013, "USA", "Russia", MIRROR), "importer_reported", "Russian FTS imports from US")
    T[("US", "CN")] = pub(wt(2013, "China", "US", "import", "total"), "importer_reported", "China customs (GAC) imports from US")
    T[("US", "EU")] = pub(tf(2013, "USA", "EU27_2020", EXPREP), "exporter_reported",
                          "US Census exports to EU27 (no EU-reported 2013 imports from US in data/raw)")
    T[("US", "IN")] = pub(tf(2013, "USA", "India", EXPREP), "exporter_reported", "US Census exports to India")
    T[("RU", "US")] = pub(tf(2013, "Russia", "USA", MIRROR), "importer_reported", "US Census general imports from Russia")
    T[("RU", "CN")] = pub(tf(2013, "Russia", "China", EXPREP), "exporter_reported",
                          "Russian FTS exports to China (China-reported 2013 imports not in data/raw)")
    T[("RU", "EU")] = Pair(197e9 / EUR13, "importer_reported", "estimated", OOM,
                           f"ESTIMATE: EU27_2020 imports from Russia 2013 ~EUR 197bn (Eurostat EU28 ~EUR 206bn minus UK "
                           f"~EUR 9bn; {OOM}) / {EUR13} EUR per USD")
    T[("RU", "IN")] = pub(tf(2013, "Russia", "India", EXPREP), "exporter_reported",
                          "Russian FTS exports to India (India-reported 2013 imports not in data/raw)")
    T[("CN", "US")] = pub(tf(2013, "China", "USA", MIRROR), "importer_reported", "US Census general imports from China")
    T[("CN", "RU")] = pub(tf(2013, "China", "Russia", MIRROR), "importer_reported", "Russian FTS imports from China")
    T[("CN", "EU")] = pub(tf(2013, "China", "EU27_2020", MIRROR), "importer_reported", "Eurostat EU27 imports from China")
    T[("CN", "IN")] = Pair(51e9, "importer_reported", "estimated", OOM,
                           f"ESTIMATE: India imports from China ~USD 51bn in FY2013-14 ({OOM})")
    T[("EU", "US")] = pub(tf(2013, "EU27_2020", "USA", MIRROR), "importer_reported", "US Census general imports from EU27")
    T[("EU", "RU")] = pub(tf(2013, "EU27_2020", "Russia", EXPREP), "exporter_reported",
                          "Eurostat EU27 exports to Russia (Russian-reported imports from EU not in data/raw)")
    T[("EU", "CN")] = pub(tf(2013, "EU27_2020", "China", EXPREP), "exporter_reported",
                          "Eurostat EU27 exports; the China-reported mirror (220.1bn) is EU28 incl. UK, so not used")
    T[("EU", "IN")] = pub(tf(2013, "EU27_2020", "India", EXPREP), "exporter_reported", "Eurostat EU27 exports to India")
    T[("IN", "US")] = pub(tf(2013, "India", "USA", MIRROR), "importer_reported", "US Census general imports from India")
    T[("IN", "RU")] = pub(tf(2013, "India", "Russia", MIRROR), "importer_reported", "Russian FTS imports from India")
    T[("IN", "CN")] = Pair(17e9, "importer_reported", "estimated", OOM,
                           f"ESTIMATE: China imports from India ~USD 17bn in 2013 ({OOM})")
    T[("IN", "EU")] = Pair(32e9 / EUR13, "importer_reported", "estimated", OOM,
                           f"ESTIMATE: EU27_2020 imports from India ~EUR 32bn in 2013 ({OOM}) / {EUR13} EUR per USD")
    return T


# ESTIMATE phase-2 pair totals (USD bn), order of magnitude from general knowledge
PHASE2_PAIRS = {
    1979: {("US", "CN"): 1.7, ("US", "EU"): 43.0, ("US", "IN"): 1.2,
           ("RU", "CN"): 0.25, ("RU", "EU"): 14.0, ("RU", "IN"): 1.3,
           ("CN", "US"): 0.6, ("CN", "RU"): 0.25, ("CN", "EU"): 2.0, ("CN", "IN"): 0.05,
           ("EU", "US"): 33.0, ("EU", "RU"): 12.0, ("EU", "CN"): 2.6, ("EU", "IN"): 2.2,
           ("IN", "US"): 1.0, ("IN", "RU"): 1.2, ("IN", "CN"): 0.05, ("IN", "EU"): 1.6},
    1992: {("US", "CN"): 7.4, ("US", "EU"): 103.0, ("US", "IN"): 1.9,
           ("RU", "CN"): 3.5, ("RU", "EU"): 20.0, ("RU", "IN"): 0.8,
           ("CN", "US"): 25.7, ("CN", "RU"): 2.3, ("CN", "EU"): 17.0, ("CN", "IN"): 0.2,
           ("EU", "US"): 94.0, ("EU", "RU"): 15.0, ("EU", "CN"): 9.0, ("EU", "IN"): 7.5,
           ("IN", "US"): 3.8, ("IN", "RU"): 0.7, ("IN", "CN"): 0.15, ("IN", "EU"): 6.0},
}
US_USSR_EXPORTS_1979 = 3.6e9  # ESTIMATE (Census-order figure from general knowledge)


def pair_totals_phase2(base):
    T = {}
    for (e, i), v in PHASE2_PAIRS[base].items():
        T[(e, i)] = Pair(v * BN, "importer_reported", "estimated", OOM,
                         f"{OOM}: {e}->{i} {base} ~USD {v}bn (importer-reported concept)")
    if base == 1979:
        tot = tf(1979, "USA", "USSR", "total_trade")
        agri = tf(1979, "USA", "USSR", "export_agricultural")
        T[("US", "RU")] = Pair(US_USSR_EXPORTS_1979, "exporter_reported", "estimated", src(agri),
                               f"ESTIMATE: US exports to USSR 1979 ~3.6bn ({OOM}), consistent with the published 3.0bn "
                               f"agricultural exports (USDA ESS) and 4.5bn total trade (Library of Congress)")
        T[("RU", "US")] = Pair(val(tot) - US_USSR_EXPORTS_1979, "importer_reported", "estimated", src(tot),
                               f"ESTIMATE: = published total US-USSR trade {bn(val(tot))} minus ESTIMATE US exports "
                               f"{bn(US_USSR_EXPORTS_1979)}")
    else:
        T[("US", "RU")] = pub(tf(1992, "USA", "Russia", "export"), "exporter_reported",
                              "US Census exports to the Russian Federation (f.a.s.); the residual 1,035.2m still coded "
                              "to USSR is NOT added to RU: it is left in US->ROW (other former-Soviet states)")
        T[("RU", "US")] = pub(tf(1992, "USA", "Russia", "import"), "importer_reported",
                              "US Census general imports from the Russian Federation; the residual 187.1m coded to "
                              "USSR is NOT added to RU: it is left in ROW->US")
    return T


# world totals: (exports, imports, note)
def world_totals(base):
    W = {}
    if base == 2021:
        W["US"] = (wt(2021, "US", "World", "export", "total"), wt(2021, "US", "World", "import", "total"))
        W["RU"] = (tf(2021, "Russia", "World", "export"), tf(2021, "Russia", "World", "import"))
        W["CN"] = (wt(2021, "China", "World", "export", "total"), wt(2021, "China", "World", "import", "total"))
        W["EU"] = (wt(2021, "EU27", "Extra-EU", "export", "total"), wt(2021, "EU27", "Extra-EU", "import", "total"))
        W["IN"] = (wt("FY2021-22", "India", "World", "export", "total"), wt("FY2021-22", "India", "World", "import", "total"))
        world = wt(2021, "World", "World", "export", "total")
        out = {c: (val(x), val(m), src(x), src(m)) for c, (x, m) in W.items()}
        out["World"] = (val(world), None, src(world), None)
        out["intraEU"] = (3400e9 / EUR21, f"ESTIMATE: intra-EU27 exports ~EUR 3,400bn in 2021 ({OOM}) / {EUR21}")
        return out
    if base == 2013:
        W["US"] = (wt(2013, "US", "World", "export", "total"), wt(2013, "US", "World", "import", "total"))
        W["RU"] = (tf(2013, "Russia", "World", "export"), tf(2013, "Russia", "World", "import"))
        W["CN"] = (wt(2013, "China", "World", "export", "total"), wt(2013, "China", "World", "import", "total"))
        W["IN"] = (wt("FY2013-14", "India", "World", "export", "total"), wt("FY2013-14", "India", "World", "import", "total"))
        world = wt(2013, "World", "World", "export", "total")
        out = {c: (val(x), val(m), src(x), src(m)) for c, (x, m) in W.items()}
        out["EU"] = (1800e9 / EUR13, 1690e9 / EUR13,
                     f"ESTIMATE: extra-EU27_2020 exports 2013 ~EUR 1,800bn ({OOM}) / {EUR13}",
                     f"ESTIMATE: extra-EU27_2020 imports 2013 ~EUR 1,690bn ({OOM}) / {EUR13}")
        out["World"] = (val(world), None, src(world), None)
        out["intraEU"] = (2600e9 / EUR13, f"ESTIMATE: intra-EU27_2020 exports ~EUR 2,600bn in 2013 ({OOM}) / {EUR13}")
        return out
    X = {1979: {"US": (182, 219), "RU": (65, 58), "CN": (13.7, 15.7), "EU": (290, 330), "IN": (7.8, 10.0)},
         1992: {"US": (448, 532.7), "RU": (53, 43), "CN": (85, 80.6), "EU": (565, 630), "IN": (19.6, 23.6)}}[base]
    out = {c: (x * BN, m * BN, f"{OOM}: {c} {base} world exports ~{x}bn", f"{OOM}: {c} {base} world imports ~{m}bn")
           for c, (x, m) in X.items()}
    wx = {1979: 1659, 1992: 3766}[base]
    out["World"] = (wx * BN, None, f"{OOM}: world merchandise exports {base} ~{wx}bn (WTO order)", None)
    ie = {1979: 280, 1992: 890}[base]
    out["intraEU"] = (ie * BN, f"ESTIMATE: intra-{'EC9' if base == 1979 else 'EC12'} exports ~{ie}bn ({OOM})")
    return out


# ----------------------------------------------------------------------------
# 5. sector splits of named pairs
# ----------------------------------------------------------------------------
FOOD_BAN_ADJ = 0.3  # ESTIMATE: Russia's Aug-2014 food import ban on US/EU produce


def census_ru_us_2021():
    rows = [r for r in SC if r["year"] == "2021" and r["reporter"] == "USA" and r["partner"] == "Russia"]
    m = {"fuel oil": "energy", "crude oil": "energy", "petroleum products, other": "energy",
         "precious metals": "metals", "steelmaking materials": "metals", "iron and steel mill products": "metals",
         "bauxite and aluminum": "metals", "fish and shellfish": "agriculture",
         "chemicals and fertilizers": "consumer", "nuclear fuel materials": "consumer"}
    v = full({})
    for r in rows:
        v[m[ws(r["flow"])[len("import "):]]] += val(r)
    return v


def pair_split(base, e, i, total):
    """Return (shares, method text)."""
    X, M = EXP[base], IMP[base]
    if e == "RU" and i == "US" and base in (2013, 2021):
        v = census_ru_us_2021()
        tot21 = val(tf(2021, "Russia", "USA", MIRROR))
        fixed = {s: v[s] / tot21 for s in SECT if v[s] > 0}
        sh = fixed_plus_remainder(fixed, RU_EXP21, exclude=("energy",))
        how = (f"Census end-use top-10 US imports from Russia 2021 (sector_composition_base_years.csv) mapped: "
               f"fuel oil+crude+other petroleum -> energy {fixed['energy']:.4f}, precious metals+steelmaking+iron&steel+"
               f"bauxite&aluminum -> metals, fish -> agriculture, chemicals&fertilizers+nuclear fuel (HS28) -> consumer; "
               f"the {1 - sum(fixed.values()):.4f} not in the top-10 spread by Russia's FTS non-energy export mix")
        if base == 2013:
            sh = brent_adjust(sh, BRENT_R_13_21)
            how = f"ESTIMATE: 2021 structure re-weighted for Brent 2013/2021 ({BRENT_R_13_21:.3f}); 2021 structure: " + how
        return sh, how
    if e == "RU" and i == "EU" and base in (2013, 2021):
        r = find(WT, year="2021", reporter="Russia (mirror: EU imports)", partner="EU27", flow="export", sector="energy")
        pct = {k: float(re.search(re.escape(k) + r" ([\d.]+)%", r["note"]).group(1)) / 100 for k in
               ["iron&steel", "pearls", "wood", "copper", "aluminium", "nickel", "ores", "fertilisers"]}
        fixed = {"energy": float(r["share"]),
                 "metals": sum(pct[k] for k in ["iron&steel", "pearls", "copper", "aluminium", "nickel", "ores"]),
                 "consumer": pct["wood"] + pct["fertilisers"]}
        sh = fixed_plus_remainder(fixed, RU_EXP21, exclude=("energy",))
        how = (f"Eurostat 2021: energy {fixed['energy']} of EU imports from Russia; iron&steel, pearls, copper, aluminium, "
               f"nickel, ores -> metals {fixed['metals']:.3f}; wood+fertilisers -> consumer {fixed['consumer']:.3f} "
               f"(world_totals_and_sectors.csv); rest spread by Russia's FTS non-energy export mix")
        if base == 2013:
            sh = brent_adjust(sh, BRENT_R_13_21)
            how = f"ESTIMATE: 2021 structure re-weighted for Brent 2013/2021 ({BRENT_R_13_21:.3f}); 2021 structure: " + how
        return sh, how
    if e == "RU" and i == "CN" and base in (2013, 2021):
        sh = fixed_plus_remainder({"energy": 0.68}, RU_EXP21, exclude=("energy",))
        how = ("ESTIMATE: energy 0.68 (crude oil via ESPO pipeline and sea, coal, LNG dominate Russia's sales to China; "
               "general knowledge), rest spread by Russia's FTS non-energy export mix (metals, wood, fish, fertiliser)")
        if base == 2013:
            sh = brent_adjust(sh, BRENT_R_13_21)
            how = f"2021 structure re-weighted for Brent 2013/2021 ({BRENT_R_13_21:.3f}); " + how
        return sh, how
    if e == "RU" and i == "IN" and base in (2013, 2021):
        if base == 2021:
            lit = find(TF, year="FY2021-22", reporter="India", partner="Russia", flow="import")
            sh = fixed_plus_remainder({"energy": 0.65, "consumer": 0.08}, RU_EXP21, exclude=("energy",))
            how = ("ESTIMATE: about 0.7 of India's FY2021-22 imports from Russia were oil, coal and fertiliser (source "
                   f"headline: '{lit['source'].split('/')[-1]}'): energy (HS27 oil+coal) 0.65, fertiliser (HS31 -> consumer) "
                   "0.08; rest (diamonds/precious metals, etc.) spread by Russia's FTS non-energy export mix; arms (HS93) "
                   "are outside customs data and only carry the small labelled defense share")
        else:
            sh = fixed_plus_remainder({"energy": 0.20, "consumer": 0.12}, RU_EXP21, exclude=("energy",))
            how = ("ESTIMATE: before 2022 little Russian oil went to India: energy 0.20 (coal, some oil), fertiliser 0.12; "
                   "rest (diamonds, metals, machinery) spread by Russia's FTS non-energy export mix")
        return sh, how
    if e == "CN" and i == "RU" and base in (2013, 2021):
        sh = P(0.006, 0.07, 0.03, 0.26, 0.003, 0.30, 0.001, 0.33)
        return sh, ("ESTIMATE: China's exports to Russia are mostly machinery (HS84, vehicles) 0.30, electronics/telecom "
                    "0.26 and consumer goods (textiles, footwear, chemicals, plastics) 0.33; metals 0.07, food 0.03, "
                    "energy/aerospace/defense token (general knowledge of Russian FTS imports from China)"
                    + ("; 2021 structure used as proxy for 2013" if base == 2013 else ""))
    if e == "EU" and i == "CN" and base in (2013, 2021):
        r = wt(2021, "EU27", "China", "export", "machinery & vehicles")
        mv = float(r["share"])
        oth = float(re.search(r"other manufactured ([\d.]+)%", r["note"]).group(1)) / 100
        chem = float(re.search(r"chemicals ([\d.]+)%", r["note"]).group(1)) / 100
        rest = 1 - mv - oth - chem
        sh = {"machinery": mv * 0.70, "technology": mv * 0.22 + oth * 0.2, "aerospace": mv * 0.08,
              "metals": oth * 0.2 + rest * 0.25, "consumer": chem + oth * 0.6 - 0.001, "defense": 0.001,
              "agriculture": rest * 0.6, "energy": rest * 0.15}
        return norm(sh), (f"Eurostat 2021 EU exports to China (world_totals_and_sectors.csv): machinery&vehicles {mv}, other "
                          f"manufactured {oth}, chemicals {chem}, rest {rest:.2f}; ESTIMATE mapping: machinery&vehicles "
                          f"70% machinery/22% technology/8% aerospace; other manufactured 20% technology/20% metals/60% "
                          f"consumer; chemicals -> consumer; rest 60% agriculture/25% metals/15% energy; defense 0.001"
                          + ("; 2021 structure used as proxy for 2013" if base == 2013 else ""))
    if e == "CN" and i == "EU" and base in (2013, 2021):
        r = wt(2021, "EU27", "China", "import", "machinery & vehicles")
        mv = float(r["share"])
        oth = float(re.search(r"other manufactured ([\d.]+)%", r["note"]).group(1)) / 100
        chem = float(re.search(r"chemicals ([\d.]+)%", r["note"]).group(1)) / 100
        rest = 1 - mv - oth - chem
        sh = {"technology": mv * 0.60, "machinery": mv * 0.38, "aerospace": mv * 0.02,
              "metals": oth * 0.15 + rest * 0.25, "consumer": chem + oth * 0.85 - 0.0005, "defense": 0.0005,
              "agriculture": rest * 0.6, "energy": rest * 0.15}
        return norm(sh), (f"Eurostat 2021 EU imports from China (world_totals_and_sectors.csv): machinery&vehicles {mv}, other "
                          f"manufactured {oth}, chemicals {chem}, rest {rest:.2f}; ESTIMATE mapping: machinery&vehicles "
                          f"60% technology/38% machinery/2% aerospace; other manufactured 15% metals/85% consumer; "
                          f"chemicals -> consumer; rest 60% agriculture/25% metals/15% energy; defense 0.0005"
                          + ("; 2021 structure used as proxy for 2013" if base == 2013 else ""))
    if e == "US" and i == "RU" and base == 1979:
        agri = val(tf(1979, "USA", "USSR", "export_agricultural"))
        sh = fixed_plus_remainder({"agriculture": agri / total}, X["US"], exclude=("agriculture",))
        return sh, (f"published agriculture {bn(agri)} (USDA ESS, trade_flows_base_years.csv) of the ESTIMATE total; "
                    f"ESTIMATE: rest spread by the 1979 US export mix (machinery, pipe-laying equipment, technology)")
    if e == "RU" and i == "US" and base == 1979:
        sh = P(0.20, 0.40, 0.05, 0.01, 0.005, 0.03, 0.005, 0.30)
        return sh, ("ESTIMATE: Soviet sales to the US 1979 were mainly ammonia/chemicals (consumer 0.30), platinum-group "
                    "and other metals (0.40), fuel oil (energy 0.20); general knowledge")
    if e == "RU" and i == "EU" and base in (1979, 1992):
        en = 0.70 if base == 1979 else 0.55
        sh = fixed_plus_remainder({"energy": en}, X["RU"], exclude=("energy",))
        return sh, (f"ESTIMATE: energy {en} (oil and pipeline gas dominate Soviet/Russian sales to Western Europe); "
                    f"rest spread by the {base} RU export mix excl. energy")
    adj = {}
    why = ""
    if i == "RU" and base == 2021 and e in ("US", "EU"):
        adj = {"agriculture": FOOD_BAN_ADJ}
        why = f"; agriculture weight x{FOOD_BAN_ADJ} for Russia's Aug-2014 ban on US/EU food (pre-base fact)"
    sh = indep(X[e], M[i], WMIX[base], adj)
    return sh, (f"ESTIMATE: independence prior, share proportional to {e} export mix x {i} import mix / world export mix "
                f"(mixes in SOURCES.md; "
                f"{e} export: {PROF_NOTE[('export', base, e)][:90]}...; {i} import: {PROF_NOTE[('import', base, i)][:90]}...)"
                + why)


def residual_split(world_total, profile, named_by_sector, resid_total):
    raw = {s: world_total * profile[s] - named_by_sector[s] for s in SECT}
    floor = {s: 0.25 * profile[s] * resid_total for s in SECT}
    clipped = set()
    while True:
        fixed = sum(floor[s] for s in clipped)
        free = [s for s in SECT if s not in clipped]
        fs = sum(raw[s] for s in free)
        scale = (resid_total - fixed) / fs if fs > 0 else 0
        out = {s: floor[s] if s in clipped else raw[s] * scale for s in SECT}
        new = {s for s in free if out[s] < floor[s]}
        if not new:
            return out, sorted(clipped, key=SECT.index)
        clipped |= new


def to_ints(values, protect=()):
    ints = {s: int(round(values[s])) for s in SECT}
    target = int(round(sum(values.values())))
    diff = target - sum(ints.values())
    big = max((s for s in SECT if s not in protect), key=lambda s: ints[s])
    ints[big] += diff
    assert all(v > 0 for v in ints.values()), ints
    return ints


# ----------------------------------------------------------------------------
# 6. build flows
# ----------------------------------------------------------------------------
def build_base(base):
    if base == 2021:
        T = pair_totals_2021()
    elif base == 2013:
        T = pair_totals_2013()
    else:
        T = pair_totals_phase2(base)
    W = world_totals(base)
    for e in NAMED:
        for i in NAMED:
            if e != i:
                assert (e, i) in T, (base, e, i)
    # integer pair totals
    for p in T.values():
        p.value = float(int(round(p.value)))
    # world export mix: export-weighted mean of the export mixes (EU weighted incl. intra-EU trade,
    # the rest of world exports weighted with the ROW mix)
    wx_named = sum(W[c][0] for c in NAMED)
    wts = {c: W[c][0] for c in NAMED}
    wts["EU"] += W["intraEU"][0]
    wts["ROW"] = W["World"][0] - wx_named - W["intraEU"][0]
    WMIX[base] = norm({s: sum(wts[c] * EXP[base][c][s] for c in ECON) for s in SECT})
    WTS[base] = wts
    PROF_NOTE[("world", base, "")] = f"world export mix {base}: {fmt_sh(WMIX[base])}"
    flows = {}  # (e,i) -> (ints by sector, pair, shares, how, clipped)
    for (e, i), p in T.items():
        sh, how = pair_split(base, e, i, p.value)
        vals = {s: p.value * sh[s] for s in SECT}
        protect = ()
        if base == 1979 and (e, i) == ("US", "RU"):
            vals["agriculture"] = val(tf(1979, "USA", "USSR", "export_agricultural"))
            protect = ("agriculture",)
        flows[(e, i)] = (to_ints(vals, protect), p, sh, how, [])
    # X -> ROW
    for e in NAMED:
        wx, _, sx, _ = W[e]
        named = {s: sum(flows[(e, i)][0][s] for i in NAMED if i != e) for s in SECT}
        resid = wx - sum(named.values())
        if resid <= 0:
            raise SystemExit(f"negative residual {base} {e}->ROW")
        out, clipped = residual_split(wx, EXP[base][e], named, resid)
        p = Pair(round(resid), "residual", "estimated", sx,
                 f"ESTIMATE: residual = {e} world exports {bn(wx)} minus {e} exports to {'/'.join(c for c in NAMED if c != e)} in this file")
        how = (f"sector = {e} world exports x {e} export mix minus its sector flows to the named economies"
               + (f"; negative/small residual in {clipped} replaced by ESTIMATE floor 0.25 x mix share x residual total, "
                  f"others rescaled" if clipped else "") + f"; mix: {PROF_NOTE[('export', base, e)][:160]}")
        flows[(e, "ROW")] = (to_ints(out), p, {s: out[s] / resid for s in SECT}, how, clipped)
    # ROW -> X
    for i in NAMED:
        _, wm, _, sm = W[i]
        named = {s: sum(flows[(e, i)][0][s] for e in NAMED if e != i) for s in SECT}
        resid = wm - sum(named.values())
        if resid <= 0:
            raise SystemExit(f"negative residual {base} ROW->{i}")
        out, clipped = residual_split(wm, IMP[base][i], named, resid)
        p = Pair(round(resid), "residual", "estimated", sm,
                 f"ESTIMATE: residual = {i} world imports {bn(wm)} minus {i} imports from {'/'.join(c for c in NAMED if c != i)} in this file")
        how = (f"sector = {i} world imports x {i} import mix minus its sector flows from the named economies"
               + (f"; negative/small residual in {clipped} replaced by ESTIMATE floor 0.25 x mix share x residual total, "
                  f"others rescaled" if clipped else "") + f"; mix: {PROF_NOTE[('import', base, i)][:160]}")
        flows[("ROW", i)] = (to_ints(out), p, {s: out[s] / resid for s in SECT}, how, clipped)
    # ROW -> ROW
    wxw, _, sw, _ = W["World"]
    ie, ienote = W["intraEU"]
    other = sum(sum(v[0].values()) for v in flows.values())
    rr = wxw - other - ie
    if rr <= 0:
        raise SystemExit(f"negative ROW->ROW {base}")
    row_to_named = {s: sum(flows[("ROW", i)][0][s] for i in NAMED) for s in SECT}
    rowx = rr + sum(row_to_named.values())
    out, clipped = residual_split(rowx, EXP[base]["ROW"], row_to_named, rr)
    p = Pair(round(rr), "residual", "estimated", sw,
             f"ESTIMATE: residual = world exports {bn(wxw)} minus every other flow in this file ({bn(other)}) minus "
             f"intra-EU trade {bn(ie)} [{ienote}]")
    how = ("sector = ROW total exports x ROW export mix minus ROW->named sector flows"
           + (f"; small residual in {clipped} replaced by ESTIMATE floor, others rescaled" if clipped else "")
           + f"; mix: {PROF_NOTE[('export', base, 'ROW')][:160]}")
    flows[("ROW", "ROW")] = (to_ints(out), p, {s: out[s] / rr for s in SECT}, how, clipped)
    return flows, W


# ----------------------------------------------------------------------------
# 6b. oil and gas: each route's HS27 flow split into oil (everything but natural gas) and gas
# ----------------------------------------------------------------------------
GAS_TOKEN = 0.001  # ESTIMATE: token gas share where a route's published composition shows no gas
# ESTIMATE: gas share (by value) of each economy's HS27 exports, general knowledge of its fuel exports.
GAS_X = {
    2021: {"US": (0.14, "LNG and pipeline gas to Mexico and Canada about USD 35bn of the USITC energy-related exports (247.5bn)"),
           "RU": (0.17, "Russia's customs put pipeline gas plus LNG at roughly a quarter of its HS27 exports (268.8bn, FTS), but the "
                        "published Eurostat value of EU imports of Russian gas used for RU->EU (EUR 17.9bn for about 155 bcm) is low, and "
                        "with 0.23 the excess would land in RU->ROW as a gas flow larger than its oil; 0.17 leaves RU->ROW (Turkey, "
                        "Belarus, Japan, Korea, UK, Central Asia) about 0.3 gas"),
           "CN": (0.02, "China exports almost no gas (small pipeline re-exports to Hong Kong)"),
           "EU": (0.05, "extra-EU exports of gas are small (re-exports from NL/BE hubs to the UK and Switzerland)"),
           "IN": (0.01, "India exports refined products, no gas"),
           "ROW": (0.16, "Norway, Qatar, Australia, Algeria, Canada, Turkmenistan gas against Gulf, Canadian, Latin American oil and Australian/Indonesian coal")},
    2013: {"US": (0.06, "pipeline gas to Canada and Mexico, before US LNG exports (2016)"),
           "RU": (0.21, "pipeline gas plus Sakhalin LNG about USD 70bn of Russia's HS27 exports"),
           "CN": (0.02, "China exports almost no gas"),
           "EU": (0.05, "small re-exports of gas"),
           "IN": (0.01, "no gas exports"),
           "ROW": (0.15, "as 2021, oil prices higher")},
    1992: {"US": (0.03, "little gas trade outside North America"),
           "RU": (0.25, "Soviet-built pipelines to Western and Central Europe; oil exports had collapsed with output"),
           "CN": (0.01, "no gas exports"),
           "EU": (0.04, "Dutch gas goes mostly to EC members (intra-EC)"),
           "IN": (0.005, "no gas exports"),
           "ROW": (0.08, "Norway, Algeria, Indonesian and Malaysian LNG, against OPEC oil")},
    1979: {"US": (0.02, "little gas trade"),
           "RU": (0.12, "Soviet gas to Western Europe since 1973 and to CMEA, against oil"),
           "CN": (0.005, "no gas exports"),
           "EU": (0.05, "Dutch gas goes mostly to EC members (intra-EC)"),
           "IN": (0.005, "no gas exports"),
           "ROW": (0.05, "OPEC oil dominates; Algerian, Indonesian LNG, Canadian pipeline gas")},
}
# ESTIMATE: gas share of each named economy's HS27 imports (EU 2021 derived below from published figures).
GAS_M = {
    2021: {"US": (0.05, "pipeline gas from Canada, against crude and products"),
           "RU": (0.10, "some Central Asian gas in small HS27 imports"),
           "CN": (0.14, "LNG and pipeline gas (Turkmenistan, Myanmar) against crude and coal"),
           "IN": (0.08, "LNG against crude, coal and products")},
    2013: {"US": (0.06, "pipeline gas from Canada"),
           "RU": (0.20, "Central Asian gas bought for resale"),
           "CN": (0.07, "Central Asian pipeline gas since 2009, LNG"),
           "EU": (0.16, "Russian, Norwegian, Algerian and Qatari gas against crude and products at about USD 109/bbl"),
           "IN": (0.05, "LNG (Qatar) against crude and coal")},
    1992: {"US": (0.05, "pipeline gas from Canada"),
           "RU": (0.10, "Turkmen gas"),
           "CN": (0.005, "no gas imports"),
           "EU": (0.12, "Soviet/Russian, Norwegian and Algerian gas against crude"),
           "IN": (0.005, "no gas imports")},
    1979: {"US": (0.04, "pipeline gas from Canada and Mexico, some Algerian LNG"),
           "RU": (0.10, "Iranian and Afghan gas"),
           "CN": (0.005, "no gas imports"),
           "EU": (0.08, "Soviet, Norwegian and Algerian gas against crude at post-1979 prices"),
           "IN": (0.005, "no gas imports")},
}
# ESTIMATE: gas share of each economy's domestic sales of HS27 products (absorption.csv), all bases.
GAS_DOM = {"US": (0.15, "domestic gas against crude, products and coal"),
           "RU": (0.25, "large domestic gas sales at regulated prices"),
           "CN": (0.06, "coal dominates"),
           "EU": (0.08, "small EU gas production (Netherlands, Romania) against refinery output and coal"),
           "IN": (0.06, "coal and refinery output dominate"),
           "ROW": (0.12, "aggregate of producers and consumers")}


def eu_gas_2021():
    """Published 2021 values: EU imports of Russian petroleum oils and natural gas (Eurostat), of Russian coal
    (Council), and Russia's shares of extra-EU imports of each product (Eurostat)."""
    r = find(WT, year="2021", reporter="Russia (mirror: EU imports)", partner="EU27", flow="export", sector="petroleum oils")
    oil_eur = val(r) * EUR21 / BN
    gas_eur = float(re.search(r"natural gas EUR ([\d.]+)bn", r["note"]).group(1))
    coal = find(SM, id="EU-2022-P5-COAL")
    coal_eur = float(re.search(r"EUR (\d+)bn/yr", coal["coverage_basis"]).group(1))
    sh = find(SC, year="2021", reporter="EU27_2020", partner="Russia", flow="import shares by product")
    share = {k: float(re.search(k + r" (\d+)%", sh["note"]).group(1)) / 100
             for k in ("coal", "natural gas", "petroleum oil")}
    ru_gas = gas_eur / (oil_eur + gas_eur + coal_eur)
    eu_tot = {"gas": gas_eur / share["natural gas"], "oil": oil_eur / share["petroleum oil"], "coal": coal_eur / share["coal"]}
    eu_gas = eu_tot["gas"] / sum(eu_tot.values())
    src_txt = (f"data/raw/world_totals_and_sectors.csv [2021,Russia (mirror: EU imports),EU27,petroleum oils] (EUR {oil_eur:.1f}bn, "
               f"natural gas EUR {gas_eur}bn, Eurostat); data/raw/sanction_measures.csv [EU-2022-P5-COAL] (coal EUR "
               f"{coal_eur:.0f}bn/yr, Council); data/raw/sector_composition_base_years.csv [2021,EU27_2020,Russia] (Russia's "
               f"share of extra-EU imports: gas {share['natural gas']:.0%}, petroleum oil {share['petroleum oil']:.0%}, coal "
               f"{share['coal']:.0%})")
    return ru_gas, eu_gas, oil_eur, gas_eur, coal_eur, share, src_txt


RU_EU_GAS21, EU_GAS_M21, _OIL_EUR, _GAS_EUR, _COAL_EUR, _RU_SHARES, EU_GAS_SRC = eu_gas_2021()
GAS_M[2021]["EU"] = (EU_GAS_M21, (
    f"derived from published figures: EU imports of each product = Russia's value / Russia's share of extra-EU imports "
    f"(gas {_GAS_EUR}/{_RU_SHARES['natural gas']}, petroleum oil {_OIL_EUR:.1f}/{_RU_SHARES['petroleum oil']}, coal "
    f"{_COAL_EUR:.0f}/{_RU_SHARES['coal']}, EUR bn); gas share of the three = {EU_GAS_M21:.4f} ({EU_GAS_SRC})"))
POS_ROW = find(SM, id="CN-RU-2014-POS")


def pair_gas(base, e, i):
    """(gas share of the route's HS27 flow, how, published?) for routes with their own composition, else None."""
    if (e, i) == ("US", "RU") or ((e, i) == ("RU", "US") and base == 1992):
        return GAS_TOKEN, f"ESTIMATE: no pipeline or LNG trade between the US and Russia; token gas {GAS_TOKEN}", False
    if e == "US" and i in NAMED and base < 2016:
        return GAS_TOKEN, (f"ESTIMATE: before its first LNG exports (2016) US gas went by pipeline to Canada and Mexico only "
                           f"(in ROW); token gas {GAS_TOKEN}"), False
    if (e, i) == ("RU", "EU"):
        if base == 2021:
            return RU_EU_GAS21, (
                f"published composition: natural gas EUR {_GAS_EUR}bn of Russia's petroleum oils EUR {_OIL_EUR:.1f}bn + gas "
                f"EUR {_GAS_EUR}bn + coal EUR {_COAL_EUR:.0f}bn in EU imports = {RU_EU_GAS21:.4f} ({EU_GAS_SRC}); the three "
                f"components add to more than the EUR 99bn energy total of the same Eurostat source (sanction_coverage_by_sector.csv "
                f"[EU-2022-P5-COAL]), so their ratio is used, not the gas value itself; caveat: EUR {_GAS_EUR}bn for the 155 bcm "
                f"of sanction_measures.csv [RU-2022-GAS-PL] is a low unit value (about USD 4/mmbtu), so part of Russia's gas "
                f"sales to the EU may sit in RU->ROW"), True
        est = {2013: (0.25, "about 130 bcm of Russian gas at oil-indexed contract prices (about USD 50bn) against about USD "
                            "140bn of oil and coal"),
               1992: (0.40, "Russian pipeline gas to the EC12 (about 55 bcm) against collapsed oil exports"),
               1979: (0.18, "Soviet gas to West Germany, Italy and France (about 20 bcm) against crude and products")}[base]
        return est[0], f"ESTIMATE: gas {est[0]} of RU->EU HS27 ({est[1]}; general knowledge)", False
    if (e, i) == ("RU", "US") and base in (2013, 2021, 1979):
        if base == 1979:
            return GAS_TOKEN, f"ESTIMATE: the 1979 Soviet HS27 sales to the US are fuel oil; gas token {GAS_TOKEN}", False
        return GAS_TOKEN, (f"published composition: the HS27 flow is Census fuel oil + crude + other petroleum products (all oil; "
                           f"sector_composition_base_years.csv); LNG and coal are not in the Census top-10 end-use list "
                           f"(sanction_coverage_by_sector.csv [US-2022-EO14066-ENERGY] calls them small): ESTIMATE token gas "
                           f"{GAS_TOKEN}" + ("; 2021 structure used for 2013" if base == 2013 else "")), base == 2021
    if (e, i) == ("RU", "CN") and base in (2013, 2021):
        if base == 2021:
            return 0.10, (f"ESTIMATE: gas 0.10 of RU->CN HS27: Power of Siberia pipeline deliveries from Dec 2019 (contract "
                          f"38 bcm/yr, ramping up: sanction_measures.csv [{POS_ROW['id']}]) about 10 bcm in 2021 plus Arctic and "
                          f"Sakhalin LNG, against crude (ESPO pipeline and sea) and coal"), False
        return 0.01, (f"ESTIMATE: gas 0.01 of RU->CN HS27: no pipeline before Power of Siberia (first deliveries Dec 2019, "
                      f"sanction_measures.csv [{POS_ROW['id']}]); occasional Sakhalin LNG cargoes"), False
    if (e, i) == ("RU", "IN") and base in (2013, 2021):
        if base == 2021:
            return 0.03, ("ESTIMATE: gas 0.03 of RU->IN HS27: a few LNG cargoes (Gazprom-GAIL contract), against crude, "
                          "products and coal"), False
        return GAS_TOKEN, f"ESTIMATE: no Russian gas reached India in 2013; token {GAS_TOKEN}", False
    return None


def gas_world(base):
    """World gas share of HS27 exports: the export-weighted mean of GAS_X."""
    w = WTS[base]
    num = sum(w[c] * EXP[base][c]["energy"] * GAS_X[base][c][0] for c in ECON)
    den = sum(w[c] * EXP[base][c]["energy"] for c in ECON)
    return num / den


def gas_indep(gx, gm, gw):
    a = gx * gm / gw
    b = (1 - gx) * (1 - gm) / (1 - gw)
    return a / (a + b)


def split_gas(base, flows, W):
    """Split every route's HS27 flow into oil and gas. Returns {(e,i): (gas_int, share, how)}."""
    out = {}
    gw = gas_world(base)

    def put(key, share, how, clip=True):
        energy = flows[key][0]["energy"]
        lo = GAS_TOKEN
        if clip and share < lo:
            how += f"; below the token share, set to ESTIMATE token {GAS_TOKEN}"
            share = lo
        if clip and share > 1 - lo:
            how += f"; above 1 - token, set to {1 - GAS_TOKEN}"
            share = 1 - lo
        g = int(round(energy * share))
        g = min(max(g, 1), energy - 1)
        out[key] = (g, share, how)

    for e in NAMED:
        for i in NAMED:
            if e == i:
                continue
            pg = pair_gas(base, e, i)
            if pg is not None:
                put((e, i), pg[0], pg[1])
            else:
                gx, gm = GAS_X[base][e][0], GAS_M[base][i][0]
                put((e, i), gas_indep(gx, gm, gw), (
                    f"ESTIMATE: independence within HS27, gas share = gx*gm/gw / (gx*gm/gw + (1-gx)(1-gm)/(1-gw)) with "
                    f"{e}'s gas share of HS27 exports gx = {gx} ({GAS_X[base][e][1]}), {i}'s gas share of HS27 imports "
                    f"gm = {gm:.4f} ({GAS_M[base][i][1][:150]}), world gw = {gw:.4f}"))
    for e in NAMED:  # X -> ROW: the exporter's HS27 exports at its gas share, minus its gas to the named economies
        te = W[e][0] * EXP[base][e]["energy"]
        tg = te * GAS_X[base][e][0]
        ne = sum(flows[(e, i)][0]["energy"] for i in NAMED if i != e)
        ng = sum(out[(e, i)][0] for i in NAMED if i != e)
        put((e, "ROW"), (tg - ng) / (te - ne), (
            f"residual: ({e} world HS27 exports {bn(te)} x gas share {GAS_X[base][e][0]} (ESTIMATE: {GAS_X[base][e][1]}) "
            f"minus its gas to the named economies {bn(ng)}) / (world HS27 exports minus HS27 to the named {bn(te - ne)})"))
    for i in NAMED:  # ROW -> X
        te = W[i][1] * IMP[base][i]["energy"]
        gm = GAS_M[base][i][0]
        tg = te * gm
        ne = sum(flows[(e, i)][0]["energy"] for e in NAMED if e != i)
        ng = sum(out[(e, i)][0] for e in NAMED if e != i)
        put(("ROW", i), (tg - ng) / (te - ne), (
            f"residual: ({i} world HS27 imports {bn(te)} x gas share {gm:.4f} "
            f"({'derived' if (base, i) == (2021, 'EU') else 'ESTIMATE'}: {GAS_M[base][i][1][:160]}) minus its gas from the "
            f"named economies {bn(ng)}) / (world HS27 imports minus HS27 from the named {bn(te - ne)})"))
    rx = sum(sum(flows[("ROW", i)][0].values()) for i in NAMED) + sum(flows[("ROW", "ROW")][0].values())
    te = rx * EXP[base]["ROW"]["energy"]
    ne = sum(flows[("ROW", i)][0]["energy"] for i in NAMED)
    ng = sum(out[("ROW", i)][0] for i in NAMED)
    put(("ROW", "ROW"), (te * GAS_X[base]["ROW"][0] - ng) / (te - ne), (
        f"residual: (ROW HS27 exports {bn(te)} x gas share {GAS_X[base]['ROW'][0]} (ESTIMATE: {GAS_X[base]['ROW'][1]}) minus "
        f"ROW gas to the named economies {bn(ng)}) / (ROW HS27 exports minus HS27 to the named {bn(te - ne)})"))
    return out


def flows9(flows, gas):
    """{(e,i): ints by OSECT}"""
    res = {}
    for k, v in flows.items():
        ints = v[0]
        g = gas[k][0]
        d = {"oil": ints["energy"] - g, "gas": g}
        d.update({s: ints[s] for s in SECT[1:]})
        assert all(x > 0 for x in d.values()), (k, d)
        res[k] = d
    return res


def flow_rows(base, flows, gas):
    rows = []
    order = [(e, i) for e in ECON for i in ECON if e != i] + [("ROW", "ROW")]
    for (e, i) in order:
        ints, p, sh, how, _ = flows[(e, i)]
        g, gsh, ghow = gas[(e, i)]
        assert sum(ints.values()) == int(p.value), (base, e, i)
        tot_desc = (f"pair total {bn(p.value)} ({'published' if p.status == 'published' else 'estimated'}, {p.basis}: {p.note})")
        for s in OSECT:
            status = "estimated"
            if base == 1979 and (e, i) == ("US", "RU") and s == "agriculture":
                status = "published"
                note = ("published: USDA ESS 1979 US agricultural exports to the USSR 3.0bn (grain embargo year-before "
                        "level); pair total is an ESTIMATE")
                value = ints[s]
            elif s in ("oil", "gas"):
                value = ints["energy"] - g if s == "oil" else g
                part = (f"gas = {gsh:.4f} of the HS27 flow" if s == "gas"
                        else f"oil = HS27 flow minus gas ({1 - gsh:.4f} of it)")
                note = (f"ESTIMATE: {tot_desc} x HS27 share {sh['energy']:.4f} = {bn(ints['energy'])}, {part}; gas split: {ghow}; "
                        f"HS27 split: {how}")
            else:
                value = ints[s]
                note = f"ESTIMATE: {tot_desc} x {s} share {sh[s]:.4f}; split: {how}"
            rows.append([base, e, i, s, str(value), p.basis, status, p.source, note])
    return rows


# ----------------------------------------------------------------------------
# 7. tension
# ----------------------------------------------------------------------------
TENSION = {
    2021: {("US", "RU"): (0.55, "post-2014 sanctions, 2016 election interference, SolarWinds, Ukraine build-up"),
           ("US", "CN"): (0.50, "2018-19 tariff war, export controls on Huawei/SMIC"),
           ("US", "EU"): (0.10, "allies; steel/aluminium tariff dispute"),
           ("US", "IN"): (0.15, "partners (Quad); minor trade frictions"),
           ("US", "ROW"): (0.20, "mixed: allies (Japan, UK) and adversaries (Iran, DPRK)"),
           ("RU", "CN"): (0.15, "strategic partnership"),
           ("RU", "EU"): (0.45, "2014 sanctions and counter-sanctions, Navalny, Ukraine build-up"),
           ("RU", "IN"): (0.10, "long-standing partnership, arms supplier"),
           ("RU", "ROW"): (0.25, "mixed: CIS partners and Western-aligned states"),
           ("CN", "EU"): (0.30, "2021 sanctions and counter-sanctions, CAI frozen"),
           ("CN", "IN"): (0.45, "2020 Galwan border clash, app bans"),
           ("CN", "ROW"): (0.25, "South China Sea, Australia trade dispute"),
           ("EU", "IN"): (0.10, "friendly, FTA talks"),
           ("EU", "ROW"): (0.15, "post-Brexit frictions, otherwise low"),
           ("IN", "ROW"): (0.20, "Pakistan tensions offset by others")},
    2013: {("US", "RU"): (0.30, "Magnitsky Act 2012 and Russia's response, Snowden asylum; before Crimea"),
           ("US", "CN"): (0.30, "cyber-espionage disputes, pivot to Asia"),
           ("US", "EU"): (0.05, "allies, TTIP negotiations"),
           ("US", "IN"): (0.10, "friendly, minor frictions"),
           ("US", "ROW"): (0.15, "mixed"),
           ("RU", "CN"): (0.15, "good relations"),
           ("RU", "EU"): (0.20, "gas disputes, Eastern Partnership rivalry before Crimea"),
           ("RU", "IN"): (0.10, "partnership"),
           ("RU", "ROW"): (0.20, "mixed"),
           ("CN", "EU"): (0.15, "solar-panel dumping dispute"),
           ("CN", "IN"): (0.30, "Depsang border stand-off 2013"),
           ("CN", "ROW"): (0.20, "Senkaku/ADIZ with Japan"),
           ("EU", "IN"): (0.10, "friendly"),
           ("EU", "ROW"): (0.10, "low"),
           ("IN", "ROW"): (0.20, "Pakistan")},
    1979: {("US", "RU"): (0.70, "Cold War; CoCom, Jackson-Vanik in force; Afghanistan invasion Dec 1979"),
           ("US", "CN"): (0.25, "diplomatic normalisation Jan 1979"),
           ("US", "EU"): (0.10, "NATO allies"),
           ("US", "IN"): (0.30, "India tilted to the USSR after 1971"),
           ("US", "ROW"): (0.30, "Iran revolution/hostage crisis, Cold War blocs"),
           ("RU", "CN"): (0.75, "Sino-Soviet split, 1969 border clashes, 1979 Sino-Vietnamese war"),
           ("RU", "EU"): (0.55, "Cold War, but detente-era trade and gas deals"),
           ("RU", "IN"): (0.05, "1971 Treaty of Friendship"),
           ("RU", "ROW"): (0.45, "bloc confrontation"),
           ("CN", "EU"): (0.25, "cautious opening"),
           ("CN", "IN"): (0.50, "post-1962 war hostility"),
           ("CN", "ROW"): (0.35, "Vietnam war 1979"),
           ("EU", "IN"): (0.15, "low"),
           ("EU", "ROW"): (0.20, "oil shock frictions"),
           ("IN", "ROW"): (0.30, "Pakistan")},
    1992: {("US", "RU"): (0.15, "post-Soviet honeymoon, Freedom Support Act"),
           ("US", "CN"): (0.35, "post-Tiananmen sanctions, MFN renewal fights"),
           ("US", "EU"): (0.10, "allies; farm-subsidy (Uruguay Round) disputes"),
           ("US", "IN"): (0.20, "cool after the Cold War"),
           ("US", "ROW"): (0.20, "Gulf War aftermath"),
           ("RU", "CN"): (0.25, "normalised after 1989, border talks"),
           ("RU", "EU"): (0.15, "cooperation, aid"),
           ("RU", "IN"): (0.10, "friendly, rupee-debt dispute"),
           ("RU", "ROW"): (0.30, "post-Soviet conflicts (Transnistria, Abkhazia)"),
           ("CN", "EU"): (0.30, "post-Tiananmen arms embargo"),
           ("CN", "IN"): (0.35, "thaw begun 1988"),
           ("CN", "ROW"): (0.25, "Taiwan, South China Sea"),
           ("EU", "IN"): (0.15, "low"),
           ("EU", "ROW"): (0.15, "Yugoslav wars nearby"),
           ("IN", "ROW"): (0.25, "Pakistan, Kashmir insurgency")},
}


def tension_rows():
    rows = []
    for base in BASES:
        for a_i, a in enumerate(ECON):
            for b in ECON[a_i + 1:]:
                t, why = TENSION[base][(a, b)]
                rows.append([base, a, b, f"{t}", "judgement (no data source)",
                             f"ESTIMATE: ordinal judgement of {base} relations ({why}); calibrated to nothing after the base year"])
    return rows


# ----------------------------------------------------------------------------
# absorption.csv: domestic sales and value-added ratios per base, economy, sector
# ----------------------------------------------------------------------------
VA_PAT = re.compile(r"VA share ([\d.]+)% of GDP x GO/VA ([\d.]+) x country intermediate-intensity factor ([\d.]+)")
# ESTIMATE: for base years without sector rows (1979, 1992), the import penetration of the
# economy's nearest base year with sector rows (2013) stands in.
ABS_PROXY_YEAR = {1979: 2013, 1992: 2013, 2013: 2013, 2021: 2021}


def abs_row(year, econ, sector):
    for r in ABS:
        if r["year"] == str(year) and r["economy"] == econ and r["sector"] == sector:
            return r
    return None


def va_ratio(r):
    m = VA_PAT.search(r["note"])
    assert m, r["note"]
    return 1.0 / (float(m.group(2)) * float(m.group(3))), float(m.group(1)) / 100


def absorption_rows(imports_by_base, gdp_by_base):
    """Domestic sales (gross output sold at home, USD) and the value-added ratio of gross
    output per (base, economy, sector). Rows of data/raw/absorption_base_years.csv where
    they exist (all ESTIMATE-WEAK there); otherwise domestic sales = the model's imports of
    the sector x (1 - mp)/mp with a proxy import penetration mp, labelled ESTIMATE."""
    rows = []
    for base in BASES:
        py = ABS_PROXY_YEAR[base]
        for c in ECON:
            goods_va = 0.0
            for s in SECT:
                imp = imports_by_base[base][(c, s)]
                r = abs_row(base, c, s)
                if r is not None:
                    dom = float(r["domestic_sales_usd"])
                    ratio, va_share = va_ratio(r)
                    src = f"data/raw/absorption_base_years.csv [{base},{c},{s}]: {r['source']}"
                    note = (f"ESTIMATE-WEAK (as labelled in the source): domestic_sales_usd as published in the file "
                            f"(gross output {float(r['gross_output_usd']) / BN:.1f}bn minus its exports); va_ratio = 1/(GO/VA x "
                            f"intermediate-intensity factor) from the row note (VA share {va_share:.1%} of GDP)")
                else:
                    if c == "ROW":
                        # GDP-weighted mean of the named economies' penetration in the proxy year
                        ws, mps, rs = 0.0, 0.0, 0.0
                        for k in NAMED:
                            rk = abs_row(py, k, s)
                            if rk is None:
                                continue
                            w = float(find(ABS, year=str(py), economy=k, sector="total")["gross_output_usd"])
                            ws += w
                            mps += w * float(rk["import_penetration"])
                            rs += w * va_ratio(rk)[0]
                        mp, ratio = mps / ws, rs / ws
                        how = f"GDP-weighted mean of the named economies' {py} import penetration ({mp:.4f}) and va_ratio"
                    else:
                        rk = abs_row(py, c, s)
                        mp, ratio = float(rk["import_penetration"]), va_ratio(rk)[0]
                        how = f"{c}'s {py} import penetration ({mp:.4f}) and va_ratio as a proxy for {base}"
                    mp = min(max(mp, 0.01), 0.95)
                    dom = imp * (1 - mp) / mp
                    src = "data/raw/absorption_base_years.csv (proxy rows, see note)"
                    note = (f"ESTIMATE: no sector row for {c} {base}; domestic sales = the model's {base} imports of the sector "
                            f"({imp / BN:.2f}bn, flows.csv) x (1-mp)/mp with mp = {how} (mp bounded to [0.01, 0.95])")
                goods_va += ratio * dom
                if s == "energy":
                    gs, gwhy = GAS_DOM[c]
                    d_all = round(dom)
                    d_gas = round(d_all * gs)
                    for s2, d2 in (("oil", d_all - d_gas), ("gas", d_gas)):
                        rows.append([base, c, s2, f"{d2}", f"{ratio:.4f}", src,
                                     f"{note}; HS27 domestic sales {d_all / BN:.2f}bn split oil/gas with ESTIMATE gas share "
                                     f"{gs} ({gwhy}); both keep the HS27 va_ratio"])
                else:
                    rows.append([base, c, s, f"{round(dom)}", f"{ratio:.4f}", src, note])
            rows_c = [x for x in rows if x[0] == base and x[1] == c]
            print(f"  absorption {base} {c:3s}: domestic goods sales {sum(float(x[3]) for x in rows_c) / BN:9.1f}bn, "
                  f"goods VA of domestic sales {goods_va / gdp_by_base[base][c]:.1%} of GDP")
    return rows


# ----------------------------------------------------------------------------
# priors.csv: the uncertainty of the estimated parameters (Monte Carlo priors)
# ----------------------------------------------------------------------------
# (param, per sector?, distribution, relative spread, source, note). Spread: standard
# deviation over mean (lognormal, normal) or half-width over centre (uniform). Every value is
# a judgement (ESTIMATE) anchored on the ranges the cited literature reports.
PRIORS = [
    ("sigma", True, "lognormal", 0.25,
     "data/raw/literature_estimates.csv: Fontagne, Guimbard and Orefice, GTAP-sector trade elasticities from -2.05 to -13.39 (median -5.04)",
     "ESTIMATE: coefficient of variation 0.25 around each sector's value (within-sector estimates differ by about that across specifications; the cross-sector range is wider)"),
    ("esubd", True, "lognormal", 0.30,
     "data/raw/armington_elasticities.csv: GTAP ESUBD = ESUBM/2 ('rule of two'), values flagged VERIFY",
     "ESTIMATE: coefficient of variation 0.30: the rule of two is a convention, and the mapped GTAP sectors differ by more"),
    ("lambda", True, "lognormal", 0.50,
     "data/raw/literature_estimates.csv: GSDB dynamics (Yotov et al.): effects build up with duration, fade about eight years after lifting",
     "ESTIMATE: coefficient of variation 0.50: adjustment speeds are judgements"),
    ("eta", True, "uniform", 0.50, "judgement (docs/model.md)",
     "ESTIMATE: uniform within +-50% of the value (demand elasticities of sector spending are weakly identified)"),
    ("phi", False, "lognormal", 0.50, "judgement (docs/model.md)",
     "ESTIMATE: coefficient of variation 0.50 of the producers' re-pricing speed"),
    ("currency_speed", False, "lognormal", 0.60, "judgement (docs/model.md, Currency agents)",
     "ESTIMATE: coefficient of variation 0.60 around 2 per year, covering about 0.5 to 8 per year"),
    ("fixed_cost", False, "uniform", 0.10, "Chaney (2008): the marginal exporter earns its fixed cost (fixed_cost = 1); judgement on the band",
     "ESTIMATE: uniform 0.81 to 0.99 of the least productive exporter's base profit"),
    ("sunk_cost", False, "lognormal", 0.50, "Baldwin and Krugman (1989), Das, Roberts and Tybout (2007): sunk entry costs larger than per-period fixed costs",
     "ESTIMATE: coefficient of variation 0.50 around one year of fixed cost"),
    ("risk_memory", False, "uniform", 0.50, "data/raw/literature_estimates.csv: GSDB dynamics: effects fade about eight years after lifting",
     "ESTIMATE: uniform 0.125 to 0.375 per year (perceived risk halves in about 2 to 6 years)"),
    ("pareto_shape", False, "uniform", 0.111, "the 4 to 5 range of structural estimates of the Pareto shape of firm productivity (e.g. Simonovska and Waugh 2014; Eaton, Kortum and Kramarz 2011)",
     "ESTIMATE: uniform 4.0 to 5.0"),
    ("firm_sigma", False, "uniform", 0.20, "Bernard, Eaton, Jensen and Kortum (2003): elasticity of substitution between firms' varieties about 3.8",
     "ESTIMATE: uniform 3.04 to 4.56"),
]


# ESTIMATE: wider spreads where a sector's value is a choice among very different published values.
PRIOR_SECTOR = {
    ("sigma", "gas"): (0.50, "data/raw/armington_elasticities.csv: GTAP ESUBM gas 34.4 (outlier) against coal 6.1 (the cap used); no Fontagne et al. value",
                       "ESTIMATE: coefficient of variation 0.50 (about 2.3 to 14 at two standard deviations): the value is a cap chosen between GTAP's outlier and the other fuels"),
    ("esubd", "gas"): (0.50, "data/raw/armington_elasticities.csv: GTAP ESUBD gas 17.2 (outlier) against coal 3.05 (the cap used)",
                       "ESTIMATE: coefficient of variation 0.50: the value is a cap chosen between GTAP's outlier and the other fuels"),
}


def prior_rows():
    rows = []
    for param, per_sector, dist, spread, source, note in PRIORS:
        for sector in (OSECT if per_sector else [""]):
            sp, so, no = PRIOR_SECTOR.get((param, sector), (spread, source, note))
            rows.append([param, sector, dist, f"{sp}", so, no])
    return rows


# ----------------------------------------------------------------------------
# world_prices.csv: the exogenous annual price paths (brent as energy_price.csv had it)
# ----------------------------------------------------------------------------
WORLD_SERIES = [  # (series, raw series in commodity_prices_annual.csv, unit)
    ("gas_europe", "natural_gas_europe", "USD/mmbtu"),
    ("metals", "index_metals_minerals", "index 2010=100"),
    ("food", "index_food", "index 2010=100"),
]


def world_price_rows():
    rows = [[r["year"], "brent", r["usd_per_barrel"], "USD/bbl",
             f"data/raw/brent_annual.csv: {r['source']}"] for r in BRENT]
    for name, raw, unit in WORLD_SERIES:
        rs = sorted((r for r in CP if r["series"] == raw), key=lambda r: int(r["year"]))
        for r in rs:
            how = (r["note"].split(" (World Bank")[0] if r["note"].startswith("ESTIMATE")
                   else "PUBLISHED: annual average (nominal)")
            rows.append([r["year"], name, r["value"], unit,
                         f"data/raw/commodity_prices_annual.csv [{raw}]: {how}; World Bank Commodity Price Data "
                         f"(Pink Sheet), CMO-Historical-Data-Annual.xlsx, update of 2 May 2025"])
    return rows


# ----------------------------------------------------------------------------
# mirror.csv and the second basis in observed.csv
# ----------------------------------------------------------------------------
# ESTIMATE: the margin of importer-reported (CIF) over exporter-reported (FOB) values where data/raw has one
# report only: the IMF's Direction of Trade Statistics assume 10% when they fill a missing report from its
# mirror; model-based estimates of the average CIF/FOB gap are a few percent; we take 6%.
CIF_FOB_MARGIN = 0.06


def both_reports(base):
    """{(e,i): (exporter-reported row, importer-reported row)} for the pairs data/raw reports both ways."""
    if base == 2021:
        p = {("US", "RU"): (tf(2021, "USA", "Russia", EXPREP), tf(2021, "USA", "Russia", MIRROR)),
             ("RU", "US"): (tf(2021, "Russia", "USA", EXPREP), tf(2021, "Russia", "USA", MIRROR)),
             ("RU", "CN"): (tf(2021, "Russia", "China", EXPREP), tf(2021, "Russia", "China", MIRROR)),
             ("RU", "IN"): (tf(2021, "Russia", "India", EXPREP), tf(2021, "Russia", "India", MIRROR)),
             ("CN", "RU"): (tf(2021, "China", "Russia", EXPREP), tf(2021, "China", "Russia", MIRROR)),
             ("CN", "US"): (tf(2021, "China", "USA", EXPREP), tf(2021, "China", "USA", MIRROR)),
             ("CN", "IN"): (tf(2021, "China", "India", EXPREP), tf(2021, "China", "India", MIRROR)),
             ("EU", "US"): (tf(2021, "EU27_2020", "USA", EXPREP), tf(2021, "EU27_2020", "USA", MIRROR)),
             ("US", "EU"): (tf(2021, "USA", "EU27_2020", EXPREP), wt(2021, "EU27", "US", "import", "total")),
             ("US", "CN"): (tf(2021, "USA", "China", EXPREP), tf(2021, "USA", "China", MIRROR)),
             ("IN", "CN"): (tf(2021, "India", "China", EXPREP), tf(2021, "India", "China", MIRROR)),
             ("IN", "RU"): (tf(2021, "India", "Russia", EXPREP), tf(2021, "India", "Russia", MIRROR))}
    elif base == 2013:
        p = {("US", "RU"): (tf(2013, "USA", "Russia", EXPREP), tf(2013, "USA", "Russia", MIRROR)),
             ("RU", "US"): (tf(2013, "Russia", "USA", EXPREP), tf(2013, "Russia", "USA", MIRROR)),
             ("EU", "US"): (tf(2013, "EU27_2020", "USA", EXPREP), tf(2013, "EU27_2020", "USA", MIRROR)),
             ("US", "CN"): (tf(2013, "USA", "China", EXPREP), wt(2013, "China", "US", "import", "total")),
             ("CN", "US"): (wt(2013, "China", "US", "export", "total"), tf(2013, "China", "USA", MIRROR))}
    else:
        p = {}
    return p


def rsrc(r):
    """short source of a raw row"""
    keys = [r.get("year"), r.get("reporter"), r.get("partner"), ws(r.get("flow", ""))]
    if "sector" in r:
        keys.append(r["sector"])
    return f"data/raw/{r['_file']} [{','.join(keys)}]: {r['source'].split(' (')[0][:120]}"


def mirror_rows(base, flows):
    """exporter-reported value over the flows.csv value of every route and sector."""
    rows = []
    both = both_reports(base)
    order = [(e, i) for e in ECON for i in ECON if e != i] + [("ROW", "ROW")]
    for (e, i) in order:
        p = flows[(e, i)][1]
        if (e, i) in both:
            xr, mr = both[(e, i)]
            assert abs(val(mr) - p.value) < 1.0, (base, e, i, val(mr), p.value)
            ratio = val(xr) / val(mr)
            source = f"{rsrc(xr)} / {rsrc(mr)}"
            note = (f"PUBLISHED pair ratio: exporter-reported {bn(val(xr))} over importer-reported {bn(val(mr))} (the "
                    f"flows.csv pair total); the pair's ratio, applied to each of its sectors (no sector detail on both bases "
                    f"in data/raw); held constant over a run"
                    + "".join(f"; {w} row note: {r['note']}" for w, r in (("exporter", xr), ("importer", mr)) if r.get("note")))
        elif p.basis == "exporter_reported":
            ratio = 1.0
            source = p.source
            note = (f"{'PUBLISHED' if p.status == 'published' else 'ESTIMATE (the total is estimated on this basis)'}: "
                    f"flows.csv holds the exporter's own report for this route; ratio 1 by construction")
        else:
            ratio = 1 / (1 + CIF_FOB_MARGIN)
            source = "judgement (CIF/FOB margin)"
            what = ("residual route: mixes own world totals and partners' reports"
                    if p.basis == "residual" else "one report only (importer's) or an estimate")
            note = f"ESTIMATE: CIF/FOB margin, ratio = 1/(1 + {CIF_FOB_MARGIN}) (data/SOURCES.md, mirror.csv); {what}"
        for s in OSECT:
            rows.append([base, e, i, s, f"{ratio:.6f}", source, note])
    return rows


def observed_rows(base, flows9_, flows):
    rows = []
    both = both_reports(base)
    order = [(e, i) for e in ECON for i in ECON if e != i] + [("ROW", "ROW")]
    for (e, i) in order:
        p = flows[(e, i)][1]
        tot = sum(flows9_[(e, i)].values())
        assert tot == int(p.value)
        if p.status == "published":
            s = f"{p.basis}: {p.note}; {p.source}"
        else:
            s = f"ESTIMATE ({p.basis}): {p.note}"
        basis = "exporter_reported" if p.basis == "exporter_reported" else "importer_reported"
        if p.basis == "residual":
            s += "; basis: residual of world totals (mixed reports), labelled importer_reported, the calibration's basis"
        rows.append([base, e, i, str(tot), basis, s])
        if (e, i) in both:
            xr, _ = both[(e, i)]
            rows.append([base, e, i, str(int(round(val(xr)))), "exporter_reported",
                         f"exporter_reported: {src(xr)}" + (f"; {xr['note']}" if xr.get("note") else "")])
    return rows



# ----------------------------------------------------------------------------
# coalition_hubs/: a second calibration that splits ROW into COALITION, HUBS and the remainder ROW
# ----------------------------------------------------------------------------
CH_OUT = os.path.join(OUT, "coalition_hubs")
CH_BASES = [2013, 2021]  # 1979 and 1992: data/raw has no split (1992: US Census pairs only)
GROUPS = {
    "COALITION": ["United Kingdom", "Japan", "Korea, Rep.", "Canada", "Australia", "Switzerland", "Norway", "Taiwan",
                  "New Zealand", "Singapore"],
    "HUBS": ["Turkey", "Kazakhstan", "Kyrgyzstan", "Armenia", "Georgia", "United Arab Emirates", "Uzbekistan"],
}
GRP = ["COALITION", "HUBS"]
CH_ECON = NAMED + GRP + ["ROW"]
CH_NAMES = {"COALITION": "Sanctioning allies: UK, Japan, Korea, Canada, Australia, Switzerland, Norway, Taiwan, New Zealand, Singapore",
            "HUBS": "Transit hubs: Turkey, Kazakhstan, Kyrgyzstan, Armenia, Georgia, UAE, Uzbekistan",
            "ROW": "Rest of world (without COALITION and HUBS)"}
CH_ROLE = {"HUBS": "hub", "US": "numeraire"}
XNAME = {"US": "USA", "RU": "Russia", "CN": "China", "EU": "EU27_2020", "IN": "India"}


def rs(year, rep, par, flow):
    m = [r for r in RS if r["year"] == str(year) and r["reporter"] == rep and r["partner"] == par and r["flow"] == flow]
    assert len(m) <= 1, (year, rep, par, flow)
    return m[0] if m else None


def rs_src(r):
    return f"data/raw/row_split_base_years.csv [{r['year']},{r['reporter']},{r['partner'] or '-'},{r['flow']}]"


# ESTIMATE: Taiwan reports its trade with mainland China and Hong Kong together; mainland share of each
# (Taiwan's 2021 trade statistics: exports to the mainland about 126bn of 189bn, imports about 82bn of 84bn).
TW_MAINLAND = {"export": 0.666, "import": 0.98}
# ESTIMATE: UK share of Turkey's 2013 exports to the EU28 (the raw TIM figure includes the UK).
TR_UK_SHARE_OF_EU28 = 0.14
# ESTIMATE: Russia's exports as a share of its published 2021 trade with the UAE (gold, grain, metals, oil products
# one way; little back).
RU_UAE_EXPORT_SHARE = 0.8
# ESTIMATE: world totals (USD bn: exports, imports) of members with no total in data/raw; general knowledge of
# their national statistics, rounded.
CH_WORLD_EST = {
    2021: {"United Kingdom": (468, 694, "ONS goods trade 2021 about GBP 340bn exports / 505bn imports at 1.375 USD"),
           "Australia": (344, 261, "ABS 2021 goods exports about AUD 460bn, imports AUD 350bn at 1.33"),
           "New Zealand": (44.6, 49.9, "Stats NZ 2021 goods exports about NZD 63bn, imports NZD 70bn at 1.41")},
    2013: {"United Kingdom": (475, 657, "ONS goods trade 2013 about GBP 304bn exports / 420bn imports at 1.56 USD"),
           "Australia": (253, 242, "ABS 2013 goods trade"),
           "Switzerland": (217, 191, "Swiss 'Total 1' (without gold) 2013 about CHF 201bn exports / 177bn imports at 0.927, the 2021 concept"),
           "Norway": (154, 90, "SSB 2013 goods exports about NOK 903bn, imports NOK 527bn at 5.88"),
           "New Zealand": (39.5, 39.6, "Stats NZ 2013 goods trade"),
           "Kazakhstan": (84.7, 48.8, "Kazakh statistics 2013"),
           "Armenia": (1.48, 4.39, "Armenian statistics 2013"),
           "United Arab Emirates": (380, 294, "WTO order of magnitude 2013, including oil and re-exports")},
}
SG_EXPORT_SHARE = {2021: 0.53, 2013: 0.52}  # ESTIMATE: exports in Singapore's published total trade (exports above imports)
UAE_IMPORT_SHARE_NONOIL = 0.52  # ESTIMATE: imports in the UAE's published 2021 non-oil trade (the rest: non-oil exports, re-exports)
UAE_OIL_EXPORTS_2021 = 80  # ESTIMATE: UAE crude, products and gas exports 2021, USD bn (not in the non-oil figure)
TW_GDP_2013 = 511e9  # ESTIMATE: Taiwan GDP 2013 (DGBAS about USD 512bn); Taiwan is not in World Bank data

# ESTIMATE: shares of a member's world exports going to (TO) or world imports coming from (FROM) a partner, where
# data/raw has neither side's report; general knowledge of the members' 2013/2021 partner statistics, rounded.
# value: share, or {base: share}.
SHARE_TO = {
    "CN": {"United Kingdom": 0.05, "Japan": {2013: 0.18, 2021: 0.216}, "Korea, Rep.": {2013: 0.26, 2021: 0.25},
           "Canada": 0.043, "Australia": {2013: 0.36, 2021: 0.39}, "Switzerland": {2013: 0.045, 2021: 0.059},
           "Norway": {2013: 0.02, 2021: 0.03}, "Taiwan": 0.27, "New Zealand": {2013: 0.20, 2021: 0.31},
           "Singapore": {2013: 0.12, 2021: 0.14}, "Turkey": {2013: 0.024, 2021: 0.016}, "Kazakhstan": 0.17,
           "Armenia": 0.06, "Georgia": 0.01, "United Arab Emirates": {2013: 0.035, 2021: 0.05}},
    "IN": {"United Kingdom": 0.014, "Japan": {2013: 0.013, 2021: 0.019}, "Korea, Rep.": {2013: 0.021, 2021: 0.024},
           "Canada": {2013: 0.006, 2021: 0.007}, "Australia": 0.04, "Switzerland": 0.007, "Norway": 0.004,
           "Taiwan": {2013: 0.015, 2021: 0.011}, "New Zealand": 0.015, "Singapore": {2013: 0.03, 2021: 0.025},
           "Turkey": 0.005, "Kazakhstan": 0.005, "Armenia": 0.005, "Georgia": 0.005,
           "United Arab Emirates": {2013: 0.08, 2021: 0.13}},
    "EU": {"United Kingdom": {2013: 0.48, 2021: 0.42}, "Japan": {2013: 0.10, 2021: 0.09}, "Korea, Rep.": {2013: 0.08, 2021: 0.10},
           "Canada": {2013: 0.06, 2021: 0.05}, "Australia": {2013: 0.035, 2021: 0.03}, "Switzerland": {2013: 0.55, 2021: 0.50},
           "Norway": {2013: 0.65, 2021: 0.62}, "Taiwan": 0.08, "New Zealand": 0.05, "Singapore": 0.07,
           "Turkey": {2021: 0.41}, "Kazakhstan": 0.45, "Armenia": 0.28, "Georgia": {2013: 0.21, 2021: 0.19},
           "United Arab Emirates": {2013: 0.03, 2021: 0.04}},
}
SHARE_FROM = {
    "CN": {"United Kingdom": {2013: 0.09, 2021: 0.125}, "Japan": {2013: 0.217, 2021: 0.241}, "Korea, Rep.": {2013: 0.161, 2021: 0.225},
           "Canada": 0.11, "Australia": {2013: 0.19, 2021: 0.27}, "Switzerland": {2013: 0.065, 2021: 0.086},
           "Norway": {2013: 0.095, 2021: 0.12}, "Taiwan": 0.16, "New Zealand": {2013: 0.16, 2021: 0.22},
           "Singapore": {2013: 0.12, 2021: 0.14}, "Turkey": 0.098, "Kazakhstan": 0.17, "Armenia": 0.09, "Georgia": 0.085,
           "United Arab Emirates": {2013: 0.14, 2021: 0.17}},
    "IN": {"United Kingdom": 0.016, "Japan": 0.009, "Korea, Rep.": {2013: 0.008, 2021: 0.013}, "Canada": {2013: 0.006, 2021: 0.009},
           "Australia": {2013: 0.012, 2021: 0.016}, "Switzerland": 0.006, "Norway": 0.005, "Taiwan": 0.008, "New Zealand": 0.01,
           "Singapore": 0.02, "Turkey": {2013: 0.022, 2021: 0.024}, "Kazakhstan": 0.006, "Armenia": 0.01, "Georgia": 0.015,
           "United Arab Emirates": 0.10},
}
# ESTIMATE: small bilateral values with Russia (USD bn) where data/raw has neither side's report.
RU_EST = {
    2013: {("Canada", "x"): 1.2, ("Canada", "m"): 1.5, ("Australia", "x"): 0.7, ("Australia", "m"): 0.15,
           ("Norway", "x"): 1.1, ("Norway", "m"): 1.4, ("New Zealand", "x"): 0.3, ("New Zealand", "m"): 0.05,
           ("Singapore", "x"): 0.6, ("Singapore", "m"): 2.5, ("Georgia", "x"): 0.19, ("Georgia", "m"): 0.6,
           ("United Arab Emirates", "x"): 0.4, ("United Arab Emirates", "m"): 1.8},
    2021: {("Australia", "x"): 0.35, ("Australia", "m"): 0.4, ("New Zealand", "x"): 0.2, ("New Zealand", "m"): 0.1,
           ("Singapore", "x"): 0.8, ("Singapore", "m"): 3.0},
}
RU_EST_WHY = ("general knowledge of the 2013/2021 bilateral statistics (Canada, Norway, Australia and New Zealand sold "
              "food to Russia before its 2014 ban; Singapore buys Russian fuel oil; Georgia-Russia trade small after 2008)")


def member_world(base, m):
    """(exports, imports, how) of a member, USD."""
    x, mm = rs(base, m, "World", "export"), rs(base, m, "World", "import")
    if x and mm:
        return val(x), val(mm), f"{rs_src(x)} / {rs_src(mm)} ({x['note'][:80]})"
    if m == "Singapore":
        t = rs(base, m, "World", "total_trade")
        k = SG_EXPORT_SHARE[base]
        return val(t) * k, val(t) * (1 - k), f"ESTIMATE: {rs_src(t)} total trade {bn(val(t))} split {k} exports"
    if m == "United Arab Emirates" and base == 2021:
        t = rs(base, m, "World", "total_trade_nonoil")
        imp = val(t) * UAE_IMPORT_SHARE_NONOIL
        exp_ = val(t) - imp + UAE_OIL_EXPORTS_2021 * BN
        return exp_, imp, (f"ESTIMATE: {rs_src(t)} non-oil trade {bn(val(t))}: imports {UAE_IMPORT_SHARE_NONOIL} of it, exports "
                           f"the rest plus ESTIMATE oil and gas exports USD {UAE_OIL_EXPORTS_2021}bn")
    xe, me, why = CH_WORLD_EST[base][m]
    return xe * BN, me * BN, f"ESTIMATE: {why} ({OOM})"


def share_of(table, x, m, base):
    v = table[x][m]
    return v[base] if isinstance(v, dict) else v


class Part:
    """One member's value on one route: value, basis (importer/exporter/estimate concept), published?, how, and
    the exporter-reported value when data/raw has it (for mirror ratios)."""
    def __init__(self, value, basis, published, how, exp_rep=None, imp_rep=None):
        self.value, self.basis, self.published, self.how = value, basis, published, how
        self.exp_rep, self.imp_rep = exp_rep, imp_rep


def member_part(base, m, X, d):
    """m -> X (d = 'x') or X -> m (d = 'm')."""
    xn = XNAME[X]
    if d == "x":
        imp = rs(base, xn, m, "import") if X in ("US", "RU") else None
        exp_ = rs(base, m, xn, "export")
    else:
        imp = rs(base, m, xn, "import")
        exp_ = rs(base, xn, m, "export") if X in ("US", "RU", "EU") else None
    ev = val(exp_) if exp_ else None
    iv = val(imp) if imp else None
    # special cases with a published total to split
    if m == "Taiwan" and X == "CN" and base == 2021:
        r = rs(base, "Taiwan", "China+Hong Kong", "export" if d == "x" else "import")
        k = TW_MAINLAND["export" if d == "x" else "import"]
        v = val(r) * k
        basis = "exporter_reported" if d == "x" else "importer_reported"
        return Part(v, basis, False, f"ESTIMATE: {rs_src(r)} (mainland China and Hong Kong {bn(val(r))}) x ESTIMATE mainland share {k}",
                    exp_rep=v if d == "x" else None, imp_rep=v if d == "m" else None)
    if m == "Turkey" and X == "EU" and d == "x" and base == 2013:
        r = rs(base, "Turkey", "EU28", "export")
        v = val(r) * (1 - TR_UK_SHARE_OF_EU28)
        return Part(v, "exporter_reported", False, f"ESTIMATE: {rs_src(r)} EU28 {bn(val(r))} x (1 - ESTIMATE UK share {TR_UK_SHARE_OF_EU28})",
                    exp_rep=v)
    if m == "United Arab Emirates" and X == "RU" and base == 2021:
        r = rs(base, "Russia", m, "total_trade")
        k = RU_UAE_EXPORT_SHARE if d == "m" else 1 - RU_UAE_EXPORT_SHARE
        return Part(val(r) * k, "exporter_reported" if d == "m" else "importer_reported", False,
                    f"ESTIMATE: {rs_src(r)} total trade {bn(val(r))} (published, no split) x ESTIMATE {'Russian exports' if d == 'm' else 'Russian imports'} share {k}")
    if iv is not None:
        return Part(iv, "importer_reported", True, f"{rs_src(imp)} ({imp['note'][:70]})", exp_rep=ev, imp_rep=iv)
    if ev is not None:
        return Part(ev, "exporter_reported", True, f"{rs_src(exp_)} ({exp_['note'][:70]})", exp_rep=ev)
    # estimates
    if X == "RU":
        v = RU_EST[base][(m, d)] * BN
        return Part(v, "importer_reported", False, f"ESTIMATE: ~USD {RU_EST[base][(m, d)]}bn ({RU_EST_WHY})")
    wx, wm, whow = member_world(base, m)
    if d == "x":
        k = share_of(SHARE_TO, X, m, base)
        return Part(wx * k, "exporter_reported", False,
                    f"ESTIMATE: {m}'s world exports {bn(wx)} [{whow[:90]}] x ESTIMATE share {k} going to {X} (general knowledge of its partner statistics)")
    k = share_of(SHARE_FROM, X, m, base)
    return Part(wm * k, "importer_reported", False,
                f"ESTIMATE: {m}'s world imports {bn(wm)} [{whow[:90]}] x ESTIMATE share {k} coming from {X} (general knowledge of its partner statistics)")


# ESTIMATE: 9-sector export and import mixes of the groups (order of OSECT), general knowledge of the members' trade.
def P9(*v):
    assert abs(sum(v) - 1) < 1e-9, v
    return dict(zip(OSECT, v))


GROUP_MIX = {
    ("export", 2021, "COALITION"): (P9(0.08, 0.027, 0.12, 0.06, 0.26, 0.02, 0.21, 0.003, 0.22),
                                    "Korean, Taiwanese, Japanese and Singaporean electronics; Japanese and Korean vehicles and machinery; "
                                    "Canadian and Norwegian oil, Australian coal, Korean and Singaporean refined products (about USD 330bn); "
                                    "Norwegian and Australian gas (about USD 110bn); Australian iron ore; Swiss pharmaceuticals"),
    ("export", 2013, "COALITION"): (P9(0.10, 0.02, 0.13, 0.06, 0.23, 0.02, 0.22, 0.003, 0.217), "as 2021, oil prices higher, gas prices lower"),
    ("import", 2021, "COALITION"): (P9(0.10, 0.03, 0.10, 0.07, 0.23, 0.02, 0.19, 0.004, 0.256),
                                    "Japan, Korea, Taiwan and Singapore import crude, products and coal (about USD 400bn) and LNG, the UK "
                                    "Norwegian gas (about USD 120bn); electronics supply chains in East Asia"),
    ("import", 2013, "COALITION"): (P9(0.16, 0.04, 0.10, 0.07, 0.19, 0.02, 0.17, 0.004, 0.246), "as 2021, oil prices higher"),
    ("export", 2021, "HUBS"): (P9(0.20, 0.015, 0.18, 0.09, 0.09, 0.01, 0.13, 0.003, 0.282),
                               "UAE and Kazakh crude, Turkish products (about USD 125bn); Uzbek and Kazakh gas; UAE and Uzbek gold, "
                               "Turkish steel; Turkish vehicles, textiles and food; UAE re-exports of electronics"),
    ("export", 2013, "HUBS"): (P9(0.30, 0.015, 0.16, 0.07, 0.08, 0.01, 0.12, 0.002, 0.243), "as 2021, oil prices higher"),
    ("import", 2021, "HUBS"): (P9(0.06, 0.025, 0.16, 0.08, 0.17, 0.02, 0.21, 0.005, 0.27),
                               "Turkish oil and gas imports (about USD 40bn), UAE gold and electronics for re-export, machinery for "
                               "Turkey and Central Asia"),
    ("import", 2013, "HUBS"): (P9(0.08, 0.035, 0.16, 0.07, 0.16, 0.02, 0.20, 0.005, 0.27), "as 2021, oil prices higher"),
}
# ESTIMATE: tension of the new pairs (ordinal judgements of base-year relations, like tension.csv).
CH_TENSION = {
    2021: {("US", "COALITION"): (0.05, "treaty allies and close partners; minor trade frictions"),
           ("RU", "COALITION"): (0.45, "most joined the 2014 sanctions (UK, Japan, Canada, Australia, Switzerland, Norway); Skripal poisoning 2018"),
           ("CN", "COALITION"): (0.40, "Australia trade dispute 2020-21, Taiwan Strait, Senkaku, Canada (Meng Wanzhou, detained Canadians)"),
           ("EU", "COALITION"): (0.10, "post-Brexit frictions (Northern Ireland protocol), otherwise close"),
           ("IN", "COALITION"): (0.10, "friendly (Quad with Japan and Australia)"),
           ("US", "HUBS"): (0.20, "CAATSA sanctions on Turkey (S-400, 2020); cordial with the UAE and Central Asia"),
           ("RU", "HUBS"): (0.15, "EAEU/CSTO partners (Kazakhstan, Kyrgyzstan, Armenia), pragmatic Turkey despite Syria and Libya; Georgia hostile since 2008"),
           ("CN", "HUBS"): (0.15, "Belt and Road partners; Uighur issue with Turkey"),
           ("EU", "HUBS"): (0.25, "Turkey's accession frozen, Eastern Mediterranean dispute 2020, migration deal"),
           ("IN", "HUBS"): (0.15, "UAE a close partner; Turkey aligned with Pakistan on Kashmir"),
           ("COALITION", "HUBS"): (0.15, "mixed, no major dispute"),
           ("US", "ROW"): (0.25, "the remainder includes Iran, Venezuela, Syria and DPRK beside Mexico and Brazil"),
           ("RU", "ROW"): (0.25, "the remainder includes Ukraine (war in Donbas since 2014) beside Belarus and the neutral Global South"),
           ("CN", "ROW"): (0.20, "South China Sea claimants (Vietnam, Philippines), otherwise Belt and Road partners"),
           ("EU", "ROW"): (0.15, "low"),
           ("IN", "ROW"): (0.25, "Pakistan"),
           ("COALITION", "ROW"): (0.15, "low"),
           ("HUBS", "ROW"): (0.15, "Armenia-Azerbaijan war 2020, otherwise low")},
    2013: {("US", "COALITION"): (0.05, "allies"),
           ("RU", "COALITION"): (0.20, "before Crimea; Japan-Russia Kuril talks, UK coolness after Litvinenko"),
           ("CN", "COALITION"): (0.30, "Senkaku and the 2013 air defence zone with Japan; cross-strait thaw with Taiwan"),
           ("EU", "COALITION"): (0.05, "UK still an EU member; close partners"),
           ("IN", "COALITION"): (0.10, "friendly"),
           ("US", "HUBS"): (0.15, "Turkey and the UAE allies, Central Asia cordial"),
           ("RU", "HUBS"): (0.15, "Customs Union partners (Kazakhstan), Armenia allied; Georgia hostile since 2008"),
           ("CN", "HUBS"): (0.10, "good relations"),
           ("EU", "HUBS"): (0.20, "Turkey's accession stalled, Gezi protests 2013"),
           ("IN", "HUBS"): (0.15, "Turkey aligned with Pakistan; UAE friendly"),
           ("COALITION", "HUBS"): (0.10, "low"),
           ("US", "ROW"): (0.20, "Iran, Syria, Venezuela, DPRK beside friendly Latin America"),
           ("RU", "ROW"): (0.20, "mixed: Ukraine's EU association dispute in late 2013, Belarus allied"),
           ("CN", "ROW"): (0.20, "South China Sea claimants"),
           ("EU", "ROW"): (0.10, "low"),
           ("IN", "ROW"): (0.25, "Pakistan"),
           ("COALITION", "ROW"): (0.15, "low"),
           ("HUBS", "ROW"): (0.15, "Nagorno-Karabakh frozen conflict")},
}
# ESTIMATE: growth and volatility of the groups (the 2021 growth is the 2013-2021 CAGR like the standard calibration).
CH_GROWTH_2013 = {"COALITION": (0.035, "advanced economies: ~2% real + ~1.5% inflation"),
                  "HUBS": (0.07, "emerging: Turkish, Kazakh and Uzbek real growth ~5% + inflation net of depreciation"),
                  "ROW": (0.06, "emerging remainder (Latin America, Africa, South-East Asia, Middle East)")}
HUBS_GROWTH_2021 = 0.03
CH_VOL = {"COALITION": (0.03, "diversified advanced economies, currency moves against the USD"),
          "HUBS": (0.06, "lira and tenge depreciations (2018, 2021), oil-price swings of the UAE and Kazakhstan"),
          "ROW": (0.04, "emerging remainder with commodity exporters")}


def ras(seed, rows_t, cols_t, iters=5000):
    """Biproportional fit of seed[r][c] > 0 to row and column totals (same grand total)."""
    R, C = len(rows_t), len(cols_t)
    a = [[max(seed[r][c], 1e-9) for c in range(C)] for r in range(R)]
    for _ in range(iters):
        for r in range(R):
            k = rows_t[r] / sum(a[r])
            a[r] = [v * k for v in a[r]]
        err = 0.0
        for c in range(C):
            s = sum(a[r][c] for r in range(R))
            k = cols_t[c] / s
            err = max(err, abs(k - 1))
            for r in range(R):
                a[r][c] *= k
        if err < 1e-13:
            break
    return a


def ints9(values, total):
    """Round a sector dict to integers adding up to total exactly."""
    ints = {s: int(round(values[s])) for s in OSECT}
    big = max(OSECT, key=lambda s: ints[s])
    ints[big] += total - sum(ints.values())
    assert all(v > 0 for v in ints.values()), (ints, total)
    return ints


def indep9(x, m, w):
    v = {s: x[s] * m[s] / w[s] for s in OSECT}
    t = sum(v.values())
    return {s: v[s] / t for s in OSECT}


def mix9(f9, who, kind):
    tot = {s: 0 for s in OSECT}
    for (e, i), v in f9.items():
        if (kind == "export" and e == who) or (kind == "import" and i == who):
            for s in OSECT:
                tot[s] += v[s]
    t = sum(tot.values())
    return {s: tot[s] / t for s in OSECT}


def group_route(base, g, X, d):
    """Sum of the members' parts for group g -> X (d='x') or X -> g (d='m')."""
    parts = {m: member_part(base, m, X, d) for m in GROUPS[g]}
    total = sum(p.value for p in parts.values())
    bases_ = {p.basis for p in parts.values()}
    basis = bases_.pop() if len(bases_) == 1 else "mixed"
    published = all(p.published for p in parts.values())
    return total, basis, published, parts


def describe_parts(parts):
    return "; ".join(f"{m} {bn(p.value)} ({p.basis.split('_')[0]}: {p.how})"
                     for m, p in parts.items())


def build_ch(base, std):
    flows, W, gas, f9 = std
    xmix = {c: mix9(f9, c, "export") for c in ECON}
    mmix = {c: mix9(f9, c, "import") for c in ECON}
    allt = {s: sum(v[s] for v in f9.values()) for s in OSECT}
    wmix = {s: allt[s] / sum(allt.values()) for s in OSECT}
    gm = {g: GROUP_MIX[("export", base, g)][0] for g in GRP}
    gmi = {g: GROUP_MIX[("import", base, g)][0] for g in GRP}
    out = {}  # (e,i) -> (ints by OSECT, meta dict)
    for (e, i), v in f9.items():
        if e != "ROW" and i != "ROW":
            out[(e, i)] = (dict(v), {"std": True})
    routes = {}
    # named X -> groups and groups -> named X
    for X in NAMED:
        for d in ("m", "x"):  # d='m': X -> group (group imports); 'x': group -> X
            std_key = (X, "ROW") if d == "m" else ("ROW", X)
            col = f9[std_key]
            tot_std = sum(col.values())
            gt = {}
            for g in GRP:
                t, basis, published, parts = group_route(base, g, X, d)
                gt[g] = int(round(t))
                routes[(X, g) if d == "m" else (g, X)] = (t, basis, published, parts)
            rest = tot_std - sum(gt.values())
            if rest <= 0:
                raise SystemExit(f"coalition_hubs {base}: negative remainder for {std_key}")
            seeds = []
            for g in GRP:
                # the standard route's own sector profile, tilted by how the group's import (export) mix differs
                # from ROW's
                tilt = ({s: gmi[g][s] / mmix["ROW"][s] for s in OSECT} if d == "m"
                        else {s: gm[g][s] / xmix["ROW"][s] for s in OSECT})
                sh = {s: col[s] * tilt[s] for s in OSECT}
                t_ = sum(sh.values())
                sh = {s: sh[s] / t_ for s in OSECT}
                if d == "m" and X == "RU" and g == "HUBS":
                    # published: agri-food 0.1589 of Russia's exports to Turkey (row_split_sector_shares.csv)
                    tr = routes[(X, g)][3]["Turkey"].value
                    agri = float(find(RSS, year=str(2021), reporter="Russia", partner="Turkey", flow="export",
                                      sector="agriculture")["share"]) if base == 2021 else None
                    if agri:
                        base_v = {s: sh[s] * (gt[g] - tr) for s in OSECT}
                        base_v["agriculture"] += agri * tr
                        for s in OSECT:
                            if s != "agriculture":
                                base_v[s] += sh[s] * tr * (1 - agri) / (1 - sh["agriculture"])
                        seeds.append([base_v[s] for s in OSECT])
                        continue
                seeds.append([gt[g] * sh[s] for s in OSECT])
            seeds.append([max(col[s] - seeds[0][k] - seeds[1][k], 0.05 * col[s]) for k, s in enumerate(OSECT)])
            fit = ras(seeds, [gt["COALITION"], gt["HUBS"], rest], [col[s] for s in OSECT])
            rows_i = {}
            for k, g in enumerate(GRP):
                rows_i[g] = ints9({s: fit[k][j] for j, s in enumerate(OSECT)}, gt[g])
            rows_i["ROW"] = {s: col[s] - rows_i["COALITION"][s] - rows_i["HUBS"][s] for s in OSECT}
            assert all(v > 0 for v in rows_i["ROW"].values()), (base, X, d, rows_i["ROW"])
            for g in GRP + ["ROW"]:
                key = (X, g) if d == "m" else (g, X)
                out[key] = (rows_i[g], {"std": False, "group": g, "fit": fit})
            print(f"  coalition_hubs {base} {'->'.join(std_key)}: {bn(tot_std)} = COALITION {bn(gt['COALITION'])} + HUBS "
                  f"{bn(gt['HUBS'])} + ROW {bn(rest)}")
    # group totals with the world and the inner block
    wt_ = {}
    for g in GRP:
        xs, ms, hows = 0.0, 0.0, []
        for m in GROUPS[g]:
            x_, m_, how = member_world(base, m)
            xs += x_
            ms += m_
            hows.append(f"{m} {bn(x_)}/{bn(m_)} ({how[:100]})")
        wt_[g] = (xs, ms, "; ".join(hows))
    T = f9[("ROW", "ROW")]
    Ttot = sum(T.values())
    R = {g: wt_[g][0] - sum(sum(out[(g, X)][0].values()) for X in NAMED) for g in GRP}
    C = {g: wt_[g][1] - sum(sum(out[(X, g)][0].values()) for X in NAMED) for g in GRP}
    R["ROW"] = Ttot - R["COALITION"] - R["HUBS"]
    C["ROW"] = Ttot - C["COALITION"] - C["HUBS"]
    for k in R:
        if R[k] <= 0 or C[k] <= 0:
            raise SystemExit(f"coalition_hubs {base}: non-positive inner total {k}: R {R[k]} C {C[k]}")
    G3 = GRP + ["ROW"]
    pairs = [(a, b) for a in G3 for b in G3]
    ptot = {(a, b): int(round(R[a] * C[b] / Ttot)) for (a, b) in pairs}
    ptot[("ROW", "ROW")] = Ttot - sum(v for k, v in ptot.items() if k != ("ROW", "ROW"))
    xm = dict(gm)
    xm["ROW"] = xmix["ROW"]
    mm_ = dict(gmi)
    mm_["ROW"] = mmix["ROW"]
    def inner_sh(a, b):
        v = {s: T[s] * xm[a][s] / xmix["ROW"][s] * mm_[b][s] / mmix["ROW"][s] for s in OSECT}
        t_ = sum(v.values())
        return {s: v[s] / t_ for s in OSECT}
    seeds = [[ptot[p] * inner_sh(*p)[s] for s in OSECT] for p in pairs]
    fit = ras(seeds, [ptot[p] for p in pairs], [T[s] for s in OSECT])
    for k, p in enumerate(pairs):
        if p == ("ROW", "ROW"):
            continue
        out[p] = (ints9({s: fit[k][j] for j, s in enumerate(OSECT)}, ptot[p]), {"std": False, "inner": True})
    out[("ROW", "ROW")] = ({s: T[s] - sum(out[p][0][s] for p in pairs if p != ("ROW", "ROW")) for s in OSECT},
                           {"std": False, "inner": True})
    assert all(v > 0 for v in out[("ROW", "ROW")][0].values()), out[("ROW", "ROW")]
    print(f"  coalition_hubs {base} ROW->ROW {bn(Ttot)}: " + ", ".join(f"{a}->{b} {bn(ptot[(a, b)])}" for a, b in pairs))
    return out, routes, wt_, R, C, ptot, Ttot, wmix


def ch_flow_rows(base, std, out, routes, wt_, R, C, ptot, Ttot):
    flows, W, gas, f9 = std
    std_rows = {(r[1], r[2], r[3]): r for r in flow_rows(base, flows, gas)}
    rows = []
    order = [(e, i) for e in CH_ECON for i in CH_ECON if e != i] + [(g, g) for g in GRP + ["ROW"]]
    meta = {}
    for (e, i) in order:
        ints, m = out[(e, i)]
        if m["std"]:
            for s in OSECT:
                rows.append(std_rows[(e, i, s)])
            continue
        tot = sum(ints.values())
        if (e, i) in routes:
            t, basis, published, parts = routes[(e, i)]
            src_ = "data/raw/row_split_base_years.csv (member rows; see note)"
            desc = (f"sum of the members' reports ({'all published' if published else 'with ESTIMATE parts'}): "
                    f"{describe_parts(parts)}")
        elif e in NAMED or i in NAMED:
            X = e if e in NAMED else i
            basis = "residual"
            published = False
            std_key = (X, "ROW") if e == X else ("ROW", X)
            src_ = "standard calibration (flows.csv) minus COALITION and HUBS"
            desc = (f"ESTIMATE: residual = the standard calibration's {'->'.join(std_key)} ({bn(sum(f9[std_key].values()))}) "
                    f"minus the COALITION and HUBS routes, sector by sector")
        else:
            basis = "residual"
            published = False
            src_ = "standard calibration ROW->ROW; group world totals (see note)"
            wx = "; ".join(f"{g} world exports/imports {bn(wt_[g][0])}/{bn(wt_[g][1])}" for g in GRP)
            desc = (f"ESTIMATE: the standard ROW->ROW ({bn(Ttot)}) split by independence: {e}->{i} = {e}'s exports to "
                    f"non-named economies ({bn(R[e])}) x {i}'s imports from them ({bn(C[i])}) / ROW->ROW"
                    + ("; ROW->ROW is the remainder" if (e, i) == ("ROW", "ROW") else "")
                    + f" ({wx}; members: {wt_['COALITION'][2][:0]}see SOURCES.md)")
        meta[(e, i)] = (basis, published, desc)
        how_s = ("sectors: ESTIMATE: the sector profile of the standard ROW route this route replaces, tilted by the group's "
                 "import (or export) mix relative to ROW's (group mixes are ESTIMATEs in the script), then fitted (RAS) so that "
                 "the routes that replace a standard ROW route add up to it in every sector"
                 + ("; ROW's row is the remainder" if "ROW" in (e, i) else ""))
        if (e, i) == ("RU", "HUBS") and base == 2021:
            how_s += ("; the seed of agriculture uses the published agri-food share 0.1589 of Russia's exports to Turkey "
                      "(row_split_sector_shares.csv)")
        for s in OSECT:
            rows.append([base, e, i, s, str(ints[s]), basis, "estimated", src_,
                         f"ESTIMATE: {s} {ints[s] / max(tot, 1):.4f} of the route total {bn(tot)}; {how_s}; route total: {desc}"])
    return rows, meta


def ch_mirror_rows(base, std, out, routes, std_mirror):
    rows = []
    std_m = {(r[1], r[2], r[3]): r for r in std_mirror if r[0] == base}
    order = [(e, i) for e in CH_ECON for i in CH_ECON if e != i] + [(g, g) for g in GRP + ["ROW"]]
    n_pub = 0
    for (e, i) in order:
        if out[(e, i)][1]["std"]:
            for s in OSECT:
                rows.append(std_m[(e, i, s)])
            continue
        ratio, source, note = None, None, None
        if (e, i) in routes:
            _, _, _, parts = routes[(e, i)]
            cov = {m: p for m, p in parts.items() if p.published and p.exp_rep is not None}
            tot = sum(p.value for p in parts.values())
            cv = sum(p.value for p in cov.values())
            if cov and cv >= 0.5 * tot:
                ratio = sum(p.exp_rep for p in cov.values()) / cv
                source = "data/raw/row_split_base_years.csv (member rows on both bases)"
                note = (f"PUBLISHED reports: exporter-reported over flows.csv values of the members with an exporter report "
                        f"({', '.join(cov)}: {bn(sum(p.exp_rep for p in cov.values()))} / {bn(cv)}, {cv / tot:.0%} of the route), "
                        f"applied to the whole route and each sector; members whose flows.csv value is the exporter's own "
                        f"report count with ratio 1; held constant over a run")
                n_pub += 1
        if ratio is None:
            ratio = 1 / (1 + CIF_FOB_MARGIN)
            source = "judgement (CIF/FOB margin)"
            note = (f"ESTIMATE: CIF/FOB margin, ratio = 1/(1 + {CIF_FOB_MARGIN}) (data/SOURCES.md, mirror.csv); too few "
                    f"exporter reports for this route, or a residual")
        for s in OSECT:
            rows.append([base, e, i, s, f"{ratio:.6f}", source, note])
    return rows, n_pub


def ch_observed_rows(base, out, routes, meta, std_obs):
    rows = []
    so = [r for r in std_obs if r[0] == base]
    order = [(e, i) for e in CH_ECON for i in CH_ECON if e != i] + [(g, g) for g in GRP + ["ROW"]]
    for (e, i) in order:
        ints, m = out[(e, i)]
        if m["std"]:
            rows += [r for r in so if (r[1], r[2]) == (e, i)]
            continue
        tot = sum(ints.values())
        basis, published, desc = meta[(e, i)]
        b2 = basis if basis in ("importer_reported", "exporter_reported") else "importer_reported"
        if published and basis in ("importer_reported", "exporter_reported"):
            s = f"{basis}: sum of the members' published reports ({desc[:1500]})"
        else:
            s = f"ESTIMATE ({basis}): {desc[:1500]}"
            if basis not in ("importer_reported", "exporter_reported"):
                s += "; labelled importer_reported, the calibration's basis"
        rows.append([base, e, i, str(tot), b2, s])
        if (e, i) in routes:
            _, _, _, parts = routes[(e, i)]
            if basis != "exporter_reported" and all(p.published and p.exp_rep is not None for p in parts.values()):
                v = sum(p.exp_rep for p in parts.values())
                rows.append([base, e, i, str(int(round(v))), "exporter_reported",
                             "exporter_reported: sum of the members' published exporter reports in data/raw/row_split_base_years.csv"])
            if basis != "importer_reported" and all(p.published and p.imp_rep is not None for p in parts.values()):
                v = sum(p.imp_rep for p in parts.values())
                rows.append([base, e, i, str(int(round(v))), "importer_reported",
                             "importer_reported: sum of the members' published importer reports in data/raw/row_split_base_years.csv"])
    return rows


def ch_economy_rows(base, std_econ):
    rows = []
    sr = {r[1]: r for r in std_econ if r[0] == base}
    gdp = {}
    for g in GRP:
        tot, hows = 0.0, []
        for m in GROUPS[g]:
            r = rs(base, m, "", "GDP_current_USD")
            if r is None:
                assert m == "Taiwan" and base == 2013
                v = TW_GDP_2013
                hows.append(f"Taiwan ESTIMATE {bn(v)} (DGBAS; not in World Bank data)")
            else:
                v = val(r)
                hows.append(f"{m} {bn(v)}" + (" (DGBAS via TradingView; not in World Bank data)" if m == "Taiwan" else ""))
            tot += v
        gdp[g] = (tot, "; ".join(hows))
    gdp["ROW"] = (float(sr["ROW"][3]) - gdp["COALITION"][0] - gdp["HUBS"][0],
                  f"the standard calibration's ROW GDP {bn(float(sr['ROW'][3]))} minus COALITION and HUBS (Taiwan's GDP is "
                  f"subtracted although the World Bank's World total may not include it)")
    prev = {}
    if base == 2021:
        for g in GRP:
            prev[g] = sum((val(rs(2013, m, "", "GDP_current_USD")) if rs(2013, m, "", "GDP_current_USD") else TW_GDP_2013)
                          for m in GROUPS[g])
        w13 = val(find(GDP, year="2013", reporter="World")) - sum(val(find(GDP, year="2013", reporter=GDP_NAME[k])) for k in NAMED)
        prev["ROW"] = w13 - prev["COALITION"] - prev["HUBS"]
    for c in CH_ECON:
        if c in NAMED:
            r = list(sr[c])
            r[6] = CH_ROLE.get(c, "")
            rows.append(r)
            continue
        v, how = gdp[c]
        if base == 2021:
            cagr = (v / prev[c]) ** (1 / 8) - 1
            if c == "HUBS":
                growth = HUBS_GROWTH_2021
                gnote = (f"2013->2021 CAGR is {cagr:.4f} (negative: lira and tenge depreciation), implausible as a forward "
                         f"trend; ESTIMATE: {growth} (~4-5% real growth net of trend depreciation, rounded)")
            else:
                growth = round(cagr, 4)
                gnote = f"growth = 2013->2021 CAGR of nominal USD GDP ({v:.4g}/{prev[c]:.4g})^(1/8)-1 (members' World Bank GDP)"
        else:
            growth, gn = CH_GROWTH_2013[c]
            gnote = f"ESTIMATE: {gn}; no pre-2013 GDP in data/raw"
        vol, vn = CH_VOL[c]
        src_ = ("data/raw/row_split_base_years.csv [GDP_current_USD rows]: World Bank NY.GDP.MKTP.CD" if c != "ROW"
                else "DERIVED: standard ROW minus COALITION and HUBS")
        rows.append([base, c, CH_NAMES[c], f"{v:.0f}", f"{growth}", f"{vol}", CH_ROLE.get(c, ""), src_,
                     f"GDP: {how}; {gnote}; gdp_volatility ESTIMATE: {vn}"])
    return rows


def ch_tension_rows(base):
    rows = []
    for a_i, a in enumerate(CH_ECON):
        for b in CH_ECON[a_i + 1:]:
            if a in NAMED and b in NAMED:
                t, why = TENSION[base][(a, b)]
            else:
                t, why = CH_TENSION[base][(a, b)]
            rows.append([base, a, b, f"{t}", "judgement (no data source)",
                         f"ESTIMATE: ordinal judgement of {base} relations ({why}); calibrated to nothing after the base year"])
    return rows


def ch_absorption_rows(base, out, std_abs):
    rows = []
    sa = {(r[1], r[2]): r for r in std_abs if r[0] == base}
    imp = {(c, s): 0 for c in CH_ECON for s in OSECT}
    for (e, i), (ints, _) in out.items():
        for s in OSECT:
            imp[(i, s)] += ints[s]
    for c in CH_ECON:
        for s in OSECT:
            if c in NAMED:
                rows.append(sa[(c, s)])
                continue
            r = sa[("ROW", s)]
            d_row = int(r[3])
            tot_imp = sum(imp[(g, s)] for g in GRP + ["ROW"])
            if c == "ROW":
                d = d_row - sum(int(round(d_row * imp[(g, s)] / tot_imp)) for g in GRP)
            else:
                d = int(round(d_row * imp[(c, s)] / tot_imp))
            rows.append([base, c, s, str(d), r[4], "standard calibration absorption.csv (ROW row) shared by imports",
                         f"ESTIMATE: the standard calibration's ROW domestic sales of {s} ({d_row / BN:.1f}bn, itself a proxy: "
                         f"imports x (1-mp)/mp) shared among COALITION, HUBS and ROW in proportion to their imports of the "
                         f"sector ({imp[(c, s)] / BN:.1f}bn of {tot_imp / BN:.1f}bn); va_ratio as ROW's"])
    return rows


def coalition_hubs_main(STD, econ_rows, sect_rows, prior_rows_, wp_rows, abs_rows, std_obs, std_mir):
    print(f"== coalition_hubs (bases {CH_BASES}; COALITION, HUBS and ROW replace the standard ROW)")
    erows, frows, trows, arows, orows, mrows = [], [], [], [], [], []
    for base in CH_BASES:
        std = STD[base]
        out, routes, wt_, R, C, ptot, Ttot, wmix = build_ch(base, std)
        fr, meta = ch_flow_rows(base, std, out, routes, wt_, R, C, ptot, Ttot)
        frows += fr
        erows += ch_economy_rows(base, econ_rows)
        trows += ch_tension_rows(base)
        arows += ch_absorption_rows(base, out, abs_rows)
        orows += ch_observed_rows(base, out, routes, meta, std_obs)
        mr, n_pub = ch_mirror_rows(base, std, out, routes, std_mir)
        mrows += mr
        # sum checks: the split adds up to the standard calibration
        f9 = std[3]
        worst = 0
        for X in NAMED:
            for a, b, key in ((X, None, (X, "ROW")), (None, X, ("ROW", X))):
                for s in OSECT:
                    split = sum(out[(X, g)][0][s] if a else out[(g, X)][0][s] for g in GRP + ["ROW"])
                    worst = max(worst, abs(split - f9[key][s]))
        for s in OSECT:
            inner = sum(out[(a, b)][0][s] for a in GRP + ["ROW"] for b in GRP + ["ROW"])
            worst = max(worst, abs(inner - f9[("ROW", "ROW")][s]))
        tot_ch = sum(sum(v[0].values()) for v in out.values())
        tot_std = sum(sum(v.values()) for v in f9.values())
        print(f"  coalition_hubs {base}: COALITION+HUBS+ROW = standard ROW on every route and sector (largest difference "
              f"{worst} USD); all flows {bn(tot_ch)} vs standard {bn(tot_std)}; mirror: {n_pub} COALITION/HUBS routes from published member reports, the others CIF/FOB")
        for g in GRP:
            x = sum(sum(v[0].values()) for (e, i), v in out.items() if e == g)
            m = sum(sum(v[0].values()) for (e, i), v in out.items() if i == g)
            print(f"  coalition_hubs {base} {g:9s} exports {bn(x)} vs members' world exports {bn(wt_[g][0])}; imports {bn(m)} vs {bn(wt_[g][1])}")
        gdp_ch = sum(float(r[3]) for r in erows if r[0] == base)
        gdp_std = sum(float(r[3]) for r in econ_rows if r[0] == base)
        print(f"  coalition_hubs {base}: GDP total {gdp_ch / 1e12:.3f}tn vs standard {gdp_std / 1e12:.3f}tn")
    write("economies.csv", H_ECON, erows, CH_OUT)
    write("sectors.csv", H_SECT, sect_rows, CH_OUT)
    write("tension.csv", H_TENS, trows, CH_OUT)
    write("priors.csv", H_PRIOR, prior_rows_, CH_OUT)
    write("world_prices.csv", H_WP, wp_rows, CH_OUT)
    write("flows.csv", H_FLOW, frows, CH_OUT)
    write("absorption.csv", H_ABS, arows, CH_OUT)
    write("observed.csv", H_OBS, orows, CH_OUT)
    write("mirror.csv", H_MIR, mrows, CH_OUT)
    print(f"wrote {len(frows)} flow rows, {len(orows)} observed rows, {len(mrows)} mirror rows to {CH_OUT}")


# ----------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------
def write(name, header, rows, out=None):
    out = out or OUT
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            assert len(r) == len(header), (name, r)
            w.writerow(r)


H_ECON = ["base", "code", "name", "gdp_usd", "growth", "gdp_volatility", "role", "source", "note"]
H_SECT = ["code", "name", "sigma", "esubd", "lambda", "eta", "world_price", "reroutable", "source", "note"]
H_FLOW = ["base", "exporter", "importer", "sector", "value_usd", "basis", "status", "source", "note"]
H_TENS = ["base", "a", "b", "tension", "source", "note"]
H_PRIOR = ["param", "sector", "distribution", "spread", "source", "note"]
H_WP = ["year", "series", "value", "unit", "source"]
H_ABS = ["base", "economy", "sector", "domestic_sales_usd", "va_ratio", "source", "note"]
H_OBS = ["year", "exporter", "importer", "value_usd", "basis", "source"]
H_MIR = ["base", "exporter", "importer", "sector", "exporter_reported_ratio", "source", "note"]


def main():
    econ_rows = economies()
    sect_rows = sectors()
    prior_rows_ = prior_rows()
    wp_rows = world_price_rows()
    write("economies.csv", H_ECON, econ_rows)
    write("sectors.csv", H_SECT, sect_rows)
    write("tension.csv", H_TENS, tension_rows())
    write("priors.csv", H_PRIOR, prior_rows_)
    write("world_prices.csv", H_WP, wp_rows)
    old = os.path.join(OUT, "energy_price.csv")
    if os.path.exists(old):
        os.remove(old)
    frows, orows, mrows = [], [], []
    STD = {}
    max_diff = 0
    for base in BASES:
        flows, W = build_base(base)
        gas = split_gas(base, flows, W)
        f9 = flows9(flows, gas)
        for k in flows:
            max_diff = max(max_diff, abs(f9[k]["oil"] + f9[k]["gas"] - flows[k][0]["energy"]))
        STD[base] = (flows, W, gas, f9)
        frows += flow_rows(base, flows, gas)
        print(f"== base {base}: totals in flows.csv vs world totals (USD bn)")
        for c in ECON:
            x = sum(sum(v.values()) for (e, i), v in f9.items() if e == c)
            m = sum(sum(v.values()) for (e, i), v in f9.items() if i == c)
            if c in W:
                print(f"  {c:3s} exports {x / BN:9.2f} vs {W[c][0] / BN:9.2f}   imports {m / BN:9.2f} vs {W[c][1] / BN:9.2f}")
            else:
                print(f"  {c:3s} exports {x / BN:9.2f} (incl. ROW->ROW)   imports {m / BN:9.2f}")
        allf = sum(sum(v.values()) for v in f9.values())
        print(f"  world: flows {allf / BN:.2f} + intra-EU {W['intraEU'][0] / BN:.2f} = "
              f"{(allf + W['intraEU'][0]) / BN:.2f} vs world exports {W['World'][0] / BN:.2f}")
        gx = sum(v["gas"] for v in f9.values())
        ox = sum(v["oil"] for v in f9.values())
        print(f"  oil {ox / BN:.2f}bn + gas {gx / BN:.2f}bn = HS27 {(ox + gx) / BN:.2f}bn "
              f"(gas {gx / (ox + gx):.3f}; world gas share of HS27 exports from GAS_X {gas_world(base):.3f})")
        orows += observed_rows(base, f9, flows)
        mb = mirror_rows(base, flows)
        mrows += mb
        kinds = [("published pair ratio" if "pair ratio" in r[6] else
                  "exporter's own report in flows.csv (ratio 1)" if "own report" in r[6] else "CIF/FOB ESTIMATE")
                 for r in mb if r[3] == "oil"]
        print("  mirror routes: " + ", ".join(f"{k} {kinds.count(k)}" for k in sorted(set(kinds))))
    print(f"oil + gas = former HS27 energy flow on every route: largest difference {max_diff} USD")
    write("flows.csv", H_FLOW, frows)
    imports_by_base = {b: {(c, s): 0.0 for c in ECON for s in SECT} for b in BASES}
    for r in frows:
        s = "energy" if r[3] in ("oil", "gas") else r[3]
        imports_by_base[int(r[0])][(r[2], s)] += float(r[4])
    gdp_by_base = {b: {} for b in BASES}
    for r in econ_rows:
        gdp_by_base[int(r[0])][r[1]] = float(r[3])
    abs_rows = absorption_rows(imports_by_base, gdp_by_base)
    write("absorption.csv", H_ABS, abs_rows)
    write("observed.csv", H_OBS, orows)
    write("mirror.csv", H_MIR, mrows)
    print(f"wrote {len(frows)} flow rows, {len(orows)} observed rows, {len(mrows)} mirror rows to {OUT}")
    coalition_hubs_main(STD, econ_rows, sect_rows, prior_rows_, wp_rows, abs_rows, orows, mrows)


if __name__ == "__main__":
    main()
