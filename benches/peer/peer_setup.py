"""Scenario and calibration loading shared by the Python peers of tradesim (model version 2).

Everything here runs once per scenario (not timed in the benchmark): it reads data/*.csv and a
scenario TOML the way tradesim does (docs/scenarios.md defaults), prepares the base-year
numbers (pi0, e0, k0, domestic sales, base shares, the budget's base-year accounts, tension
baselines, the world price paths), lists the priors (data/priors.csv around the defaults, and
the scenario's `{ low, high }` / `{ mean, sd }` / `{ mean }` tables) and draws every run's
parameters from them, and enumerates every lever instance a run can ever hold ("slots": the
scheduled levers plus each lever a rule could create), so that per-run lever state is a
fixed-size array. Also: the list of output series and CSV writing.
"""
import argparse
import csv
import math
import os
import tomllib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# the project root: TRADESIM_MAIN, else the current directory if it has data/, else two levels up
# from this file (benches/peer/ in the repository); `load` falls back to the scenario file's project
# (<root>/scenarios/x.toml) when that has no data/
MAIN = os.environ.get("TRADESIM_MAIN") or (os.getcwd() if os.path.isdir(os.path.join(os.getcwd(), "data"))
                                           else os.path.dirname(os.path.dirname(HERE)))

# lever kinds (the order of tradesim's ALL_LEVER_KINDS; the first 7 are a rule's default trigger)
(TARIFF, EXPORT_CONTROL, IMPORT_BAN, EMBARGO, FIN, ENTITY, SECONDARY, AGREEMENT, INVESTMENT, TREATY,
 CAPITAL_CONTROLS, RESERVE_FREEZE, PRICE_CAP, MFN) = range(14)
KIND_NAMES = ["tariff", "export_control", "import_ban", "embargo", "financial_sanctions", "entity_sanctions",
              "secondary_sanctions", "trade_agreement", "investment", "treaty", "capital_controls", "reserve_freeze",
              "price_cap", "mfn_withdrawal"]
DEFAULT_TENSION = {"tariff": 0.03, "export_control": 0.05, "import_ban": 0.05, "embargo": 0.10,
                   "financial_sanctions": 0.08, "entity_sanctions": 0.03, "secondary_sanctions": 0.05,
                   "trade_agreement": -0.03, "investment": -0.02, "treaty": -0.05, "reserve_freeze": 0.08,
                   "price_cap": 0.03, "mfn_withdrawal": 0.03, "capital_controls": 0.0}
# a lever kind that normalize may lift (LeverKind::is_sanction)
NOT_SANCTION = {AGREEMENT, INVESTMENT, TREATY, CAPITAL_CONTROLS}
BANS = (EXPORT_CONTROL, IMPORT_BAN, EMBARGO)
# magnitude fields: (default, lowest, highest) per kind (validate.rs lever_kind)
BAN_FIELDS = {"coverage": (1.0, 0.0, 1.0), "leakage": (None, 0.0, 1.0), "enforcement": (0.0, 0.0, 1.0), "risk": (0.02, 0.0, 1.0)}
FIELDS = {
    TARIFF: {"rate": (0.0, 0.0, 10.0)},
    EXPORT_CONTROL: dict(BAN_FIELDS, leakage=(0.1, 0.0, 1.0)),
    IMPORT_BAN: dict(BAN_FIELDS, leakage=(0.05, 0.0, 1.0)),
    EMBARGO: dict(BAN_FIELDS, leakage=(0.05, 0.0, 1.0)),
    FIN: {"cost": (0.10, 0.0, 10.0), "rerouting_cost": (0.05, 0.0, 10.0), "risk": (0.04, 0.0, 1.0)},
    ENTITY: {"listed": (0.0, 0.0, 1e6), "cost_per_1000": (0.01, 0.0, 1.0), "risk_per_1000": (0.02, 0.0, 1.0)},
    SECONDARY: {"cost": (0.05, 0.0, 10.0), "leakage_cut": (0.5, 0.0, 1.0), "risk": (0.04, 0.0, 1.0)},
    AGREEMENT: {"tariff_cut": (0.03, 0.0, 1.0)},
    INVESTMENT: {"capacity_gain": (0.1, 0.0, 10.0), "friction_cut": (0.02, 0.0, 0.9)},
    TREATY: {},
    CAPITAL_CONTROLS: {"share": (0.0, 0.0, 0.5)},
    RESERVE_FREEZE: {"share": (0.0, 0.0, 0.5)},
    PRICE_CAP: {"cap": (1.0, 1e-6, 1e9), "compliance": (0.5, 0.0, 1.0)},
    MFN: {"rate": (0.28, 0.0, 10.0)},
}
# [params] with a prior in data/priors.csv: (default, lowest, highest); per-sector ones below
PARAMS = {"phi": (0.5, 0.0, 100.0), "currency_speed": (2.0, 0.0, 1000.0), "fixed_cost": (0.9, 0.0, 1.0),
          "sunk_cost": (1.0, 0.0, 100.0), "risk_memory": (0.25, 0.0, 100.0), "pareto_shape": (4.5, 0.1, 50.0),
          "firm_sigma": (3.8, 1.01, 50.0)}
SECTOR_PARAMS = {"sigma": (1.01, 50.0), "lambda": (1e-3, 1000.0), "eta": (0.0, 1.0), "esubd": (0.05, 50.0)}

# rule kinds
RETALIATE, ALIGN, ESCALATE, NORMALIZE = range(4)
RULE_NAMES = ["retaliate", "align", "escalate", "normalize"]

NEVER = 1 << 40          # month sentinel: "no start" / "no end"
LN_PRICE_CAP = math.log(1000.0)


def ym(s):
    y, m = s.split("-")
    return int(y), int(m)


def months_since(a, b):
    return (a[0] - b[0]) * 12 + (a[1] - b[1])


class Slot:
    """One lever instance (by -> target) that a run may hold."""

    def __init__(self, kind, by, target, sectors, phase, tension, mag):
        self.kind, self.by, self.target = kind, by, target
        self.sectors, self.phase, self.tension, self.mag = list(sectors), phase, tension, dict(mag)
        self.sched = False          # scheduled: in every run from the start
        self.start = NEVER
        self.end = NEVER
        self.lever = -1             # scheduled lever it comes from (index into the scenario's levers)
        self.rule = -1              # rule that creates it
        self.follows = -1           # align copy: the slot it copies
        self.duration = None        # months, template levers

    def copy(self):
        return Slot(self.kind, self.by, self.target, self.sectors, self.phase, self.tension, self.mag)


class Setup:
    pass


class Prior:
    """A parameter's prior: `target` is ("param", name, sector or -1), ("lever", i, field) or
    ("rule", i, field); `dist` is ("uniform", low, high), ("normal", mean, sd) or
    ("lognormal", mean, sd); draws are clamped to [lo, hi]."""

    def __init__(self, path, target, dist, lo, hi):
        self.path, self.target, self.dist, self.lo, self.hi = path, target, dist, lo, hi

    def centre(self):
        d = self.dist
        return 0.5 * (d[1] + d[2]) if d[0] == "uniform" else d[1]

    def draw(self, rng, size):
        kind, a, b = self.dist
        if kind == "uniform":
            v = a + (b - a) * rng.random(size)
        elif kind == "normal":
            v = a + b * rng.standard_normal(size)
        else:                                   # log-normal with mean a and sd b
            s2 = math.log(1.0 + (b / a) ** 2)
            v = np.exp(math.log(a) - 0.5 * s2 + math.sqrt(s2) * rng.standard_normal(size))
        return np.clip(v, self.lo, self.hi)


def spread_around(shape, spread, centre, lo, hi):
    if shape == "uniform":
        return ("uniform", max(centre * (1.0 - spread), lo), min(centre * (1.0 + spread), hi))
    if shape == "normal":
        return ("normal", centre, spread * abs(centre))
    return ("lognormal", centre, spread * centre)


def _number(S, v, default, lo, hi, path, target, data):
    """A number or a prior (validate.rs `num`): returns the value a run without priors takes
    and records the prior (the scenario's table, or the calibration's around the default)."""
    if v is None:
        if data is not None:
            S.priors.append(Prior(path, target, spread_around(data[0], data[1], default, lo, hi), lo, hi))
        return default
    if not isinstance(v, dict):
        return float(v)
    if "low" in v:
        dist = ("uniform", float(v["low"]), float(v["high"]))
    elif "sd" in v:
        dist = ("lognormal" if lo >= 0.0 else "normal", float(v["mean"]), float(v["sd"]))
    else:
        dist = spread_around(data[0], data[1], float(v["mean"]), lo, hi)
    p = Prior(path, target, dist, lo, hi)
    S.priors.append(p)
    return p.centre()


def _lever_kind(S, raw, owner, path):
    """Kind, magnitudes (dict of the TOML fields, centre values) and tension of a lever or a
    rule's response; records the priors of its fields (owner: ("lever", i) or ("rule", i))."""
    kind = KIND_NAMES.index(raw["kind"])
    mag = {}
    for name, (default, lo, hi) in FIELDS[kind].items():
        mag[name] = _number(S, raw.get(name), default, lo, hi, "%s.%s" % (path, name), (owner[0], owner[1], name), None)
    if kind in BANS:
        mag["hub"] = S.economies.index(raw["hub"]) if "hub" in raw else S.hub
    if kind == SECONDARY:
        mag["target2"] = S.economies.index(raw["target"])
    tension = float(raw.get("tension", DEFAULT_TENSION[raw["kind"]]))
    return kind, mag, tension


def _sectors(S, secs):
    return list(range(S.m)) if secs is None or "all" in secs else sorted({S.sectors.index(x) for x in secs})


def load(scenario_path, data_dir=None):
    """The scenario and its calibration: `data_dir`, else the scenario's `data` key (relative to
    its file), else the project's data/ (MAIN, else the scenario file's project)."""
    with open(scenario_path, "rb") as f:
        sc = tomllib.load(f)
    if data_dir is None and "data" in sc:
        data_dir = os.path.join(os.path.dirname(os.path.abspath(scenario_path)), sc["data"])
    if data_dir is None:
        data_dir = os.path.join(MAIN, "data")
        alt = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(scenario_path))), "data")
        if not os.path.isdir(data_dir) and os.path.isdir(alt):
            data_dir = alt
    S = Setup()
    S.name = sc.get("name", os.path.splitext(os.path.basename(scenario_path))[0])
    base = int(sc["base"])
    S.base = base
    start, end = ym(sc["start"]), ym(sc["end"])
    S.start = start
    sm = 3 if sc.get("step", "quarter") == "quarter" else 1
    S.sm, S.dt = sm, sm / 12.0
    S.steps = -(-(months_since(end, start) + 1) // sm)
    S.seed = int(sc.get("seed", 1))

    # --- calibration ---------------------------------------------------------------------
    def rows(name, optional=False):
        path = os.path.join(data_dir, name)
        if optional and not os.path.exists(path):
            return []
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    er = rows("economies.csv")
    economies = []
    for r in er:
        if r["code"] not in economies:
            economies.append(r["code"])
    S.hub_default = next((economies.index(r["code"]) for r in er if r.get("role") == "hub"), len(economies) - 1)
    S.numeraire_default = next((economies.index(r["code"]) for r in er if r.get("role") == "numeraire"), 0)
    world_names, world_annual = [], []
    for r in rows("world_prices.csv"):
        if r["series"] not in world_names:
            world_names.append(r["series"])
            world_annual.append([])
        world_annual[world_names.index(r["series"])].append((int(r["year"]), float(r["value"])))
    S.world_names, S.Q = world_names, len(world_names)
    sr = rows("sectors.csv")
    sectors = [r["code"] for r in sr]
    n, m = len(economies), len(sectors)
    S.economies, S.sectors, S.n, S.m = economies, sectors, n, m
    S.series_of = np.array([world_names.index(r["world_price"]) if r["world_price"] else -1 for r in sr], np.int64)
    S.world_priced = S.series_of >= 0
    S.reroutable = np.array([r["reroutable"].strip().lower() == "true" for r in sr])
    S.gdp0 = np.zeros(n); S.g = np.zeros(n); S.vol = np.zeros(n)
    for r in er:
        if int(r["base"]) == base:
            i = economies.index(r["code"])
            S.gdp0[i], S.g[i], S.vol[i] = float(r["gdp_usd"]), float(r["growth"]), float(r["gdp_volatility"])
    flows = np.zeros((m, n, n))       # [s][i][j]
    for r in rows("flows.csv"):
        if int(r["base"]) == base:
            flows[sectors.index(r["sector"]), economies.index(r["exporter"]), economies.index(r["importer"])] = float(r["value_usd"])
    S.flows = flows
    domestic = np.zeros((m, n)); va = np.zeros((n, m))
    for r in rows("absorption.csv"):
        if int(r["base"]) == base:
            j, s = economies.index(r["economy"]), sectors.index(r["sector"])
            domestic[s, j], va[j, s] = float(r["domestic_sales_usd"]), float(r["va_ratio"])
    S.va = va
    mirror = np.ones((m, n, n))
    for r in rows("mirror.csv", optional=True):
        if int(r["base"]) == base:
            mirror[sectors.index(r["sector"]), economies.index(r["exporter"]), economies.index(r["importer"])] = float(r["exporter_reported_ratio"])
    S.mirror = mirror
    data_priors = {}
    for r in rows("priors.csv", optional=True):
        data_priors[(r["param"], sectors.index(r["sector"]) if r["sector"] else -1)] = (r["distribution"], float(r["spread"]))
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    S.pairs = pairs
    S.P = len(pairs)
    pidx = {}
    for p, (a, b) in enumerate(pairs):
        pidx[(a, b)] = pidx[(b, a)] = p
    S.pidx = pidx
    S.T0 = np.zeros(S.P)
    for r in rows("tension.csv"):
        if int(r["base"]) == base:
            S.T0[pidx[(economies.index(r["a"]), economies.index(r["b"]))]] = float(r["tension"])

    # --- scenario parameters (docs/scenarios.md defaults) ---------------------------------
    sh = sc.get("shocks", {})
    S.vol_scale = float(sh.get("gdp_volatility_scale", 1.0))
    S.world_path = sh.get("world_prices", "data")
    S.w_vol = float(sh.get("world_price_volatility", 0.25))
    S.w_rev = float(sh.get("world_price_reversion", 0.4))
    w_mean = sh.get("world_price_mean", {})
    rate, size = float(sh.get("event_rate", 0.5)), float(sh.get("event_size", 0.03))
    S.ev_rate = np.full(S.P, rate); S.ev_size = np.full(S.P, size)
    for pe in sh.get("pair", []):
        a, b = economies.index(pe["pair"][0]), economies.index(pe["pair"][1])
        S.ev_rate[pidx[(a, b)]] = float(pe.get("event_rate", rate))
        S.ev_size[pidx[(a, b)]] = float(pe.get("event_size", size))
    S.noise = float(sh.get("trade_noise", 0.04))
    pr = sc.get("params", {})
    for ch in ("domestic", "budget", "currency", "firms"):
        if not pr.get(ch, True):
            raise SystemExit("the peers implement version 2 with every channel on; `%s = false` is not supported" % ch)
    S.use_priors = bool(pr.get("priors", True))
    S.priors = []
    S.gamma = float(pr.get("gamma", 0.2))
    S.gamma_ref = float(pr.get("gamma_ref", 0.2))
    S.kt = float(pr.get("tension_reversion", 0.5))
    S.kappa0 = float(pr.get("rerouting_cost", 0.05))
    S.hub = economies.index(pr["hub"]) if "hub" in pr else S.hub_default
    S.numeraire = economies.index(pr["numeraire"]) if "numeraire" in pr else S.numeraire_default
    S.bins = int(pr.get("firm_bins", 16))
    S.par = {}
    for name, (default, lo, hi) in PARAMS.items():
        S.par[name] = _number(S, pr.get(name), default, lo, hi, "params." + name, ("param", name, -1), data_priors.get((name, -1)))
    col = {"sigma": "sigma", "lambda": "lambda", "eta": "eta", "esubd": "esubd"}
    for name, (lo, hi) in SECTOR_PARAMS.items():
        given = pr.get(name, {})
        S.par[name] = np.array([_number(S, given.get(code), float(sr[s][col[name]]), lo, hi, "params.%s.%s" % (name, code),
                                        ("param", name, s), data_priors.get((name, s))) for s, code in enumerate(sectors)])

    # --- prepared numbers (prepared.rs Prepared::new) ---------------------------------------
    dt = S.dt
    e0 = flows.sum(axis=1)                                   # [s][j] base imports
    S.e0 = e0
    S.pi0 = np.where(e0[:, None, :] > 0, flows / np.where(e0 > 0, e0, 1.0)[:, None, :], 0.0)
    S.k0 = flows.sum(axis=2).T.copy()                        # [i][s] base exports
    S.dom0 = domestic                                        # [s][j]
    S.a0 = e0 + domestic
    S.beta0 = np.where(S.a0 > 0, domestic / np.where(S.a0 > 0, S.a0, 1.0), 0.0)
    tot = S.a0.sum(axis=0)
    S.alpha0 = np.where(tot > 0, S.a0 / np.where(tot > 0, tot, 1.0), 0.0)
    S.q0 = S.k0 + domestic.T                                 # [i][s] base sales at home and abroad
    S.y0 = S.q0.sum(axis=1)
    S.def0 = e0.sum(axis=0) - S.k0.sum(axis=1)
    S.world_income0 = S.y0.sum()
    S.rest0 = np.maximum(S.gdp0 - (va * S.q0).sum(axis=1), 0.0)
    wp = S.world_priced
    S.level_weight = np.zeros((n, m))
    for i in range(n):
        t = S.q0[i, ~wp].sum()
        if t > 0:
            S.level_weight[i, ~wp] = S.q0[i, ~wp] / t
    S.d0 = np.array([(flows[:, a, b].sum() + flows[:, b, a].sum()) / (S.gdp0[a] + S.gdp0[b]) for a, b in pairs])
    S.baseline = np.array([min(max(S.T0[p] + (S.gamma_ref * S.T0[p] - S.ev_rate[p] * S.ev_size[p]) / S.kt, 0.0), 1.0)
                           if S.kt > 0 else S.T0[p] for p in range(S.P)])
    # world prices: data at each step's middle where the series has a base-year value (world.rs)
    S.ln_world_base = np.array([math.log(next((v for y, v in a if y == base), 1.0)) for a in world_annual])
    S.w_mean_ln = np.array([math.log(float(w_mean[q])) if q in w_mean else S.ln_world_base[k] for k, q in enumerate(world_names)])

    def interp(data, t):
        pts = [(y + 0.5, v) for (y, v) in data]
        if t < pts[0][0] - 0.5 or t > pts[-1][0] + 0.5:
            return None
        if t <= pts[0][0]:
            return pts[0][1]
        if t >= pts[-1][0]:
            return pts[-1][1]
        for (t0, v0), (t1, v1) in zip(pts, pts[1:]):
            if t0 <= t <= t1:
                return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    S.world_data = np.zeros((S.steps, S.Q)); S.world_has = np.zeros((S.steps, S.Q), np.bool_)
    for q, a in enumerate(world_annual):
        has_base = any(y == base for y, _ in a)
        for k in range(S.steps):
            mo = start[1] - 1 + k * sm
            t = start[0] + mo // 12 + (mo % 12) / 12.0 + dt / 2
            v = interp(a, t) if has_base and S.world_path == "data" else None
            if v is not None:
                S.world_data[k, q], S.world_has[k, q] = math.log(v), True
    S.t0_offset = start[0] + (start[1] - 1) / 12.0 + dt / 2 - (base + 0.5)

    # dates and calendar years (summary.rs full_years)
    S.dates, S.step_year = [], []
    for k in range(S.steps):
        mo = start[1] - 1 + k * sm
        S.dates.append("%04d-%02d" % (start[0] + mo // 12, mo % 12 + 1))
        S.step_year.append(start[0] + mo // 12)
    years = {}
    for k, y in enumerate(S.step_year):
        years.setdefault(y, []).append(k)
    S.years = [(y, ks) for y, ks in years.items() if len(ks) == 12 // sm]

    # --- levers and rules ---------------------------------------------------------------
    slots = []
    for li, raw in enumerate(sc.get("lever", [])):
        by = economies.index(raw["by"])
        lid = raw.get("id", "lever%d" % (li + 1))
        if raw["kind"] == "capital_controls":
            on = [raw["by"]]
        else:
            on = raw["on"] if isinstance(raw["on"], list) else [raw["on"]]
        secs = _sectors(S, raw.get("sectors"))
        kind, mag, tension = _lever_kind(S, raw, ("lever", li), "lever." + lid)
        for t in on:
            sl = Slot(kind, by, economies.index(t), secs, int(raw.get("phase_in", 0)), tension, mag)
            sl.sched, sl.lever = True, li
            sl.start = months_since(ym(raw["start"]), start)
            sl.end = months_since(ym(raw["end"]), start) if "end" in raw else NEVER
            slots.append(sl)
    S.rules = []
    for ri, raw in enumerate(sc.get("rule", [])):
        r = Setup()
        r.id = raw.get("id", "rule%d" % (len(S.rules) + 1))
        r.kind = RULE_NAMES.index(raw["kind"])
        r.by = economies.index(raw["by"])
        r.p = float(raw.get("probability", 1.0))
        r.lag = -(-int(raw.get("lag", 0)) // sm)            # whole steps (levers.rs steps_for)
        r.first = max(months_since(ym(raw["from"]), start), 0) // sm if "from" in raw else 0
        sanctions = KIND_NAMES[:7]
        if r.kind == RETALIATE:
            r.against = [economies.index(x) for x in (raw["against"] if isinstance(raw["against"], list) else [raw["against"]])]
            r.kinds = [KIND_NAMES.index(x) for x in raw.get("trigger", sanctions)]
            r.targets = r.against
        elif r.kind == ALIGN:
            r.leader = economies.index(raw["leader"])
            r.kinds = [KIND_NAMES.index(x) for x in raw.get("kinds", sanctions)]
            r.targets = [r.leader]
        elif r.kind == ESCALATE:
            r.on = economies.index(raw["on"])
            r.threshold = float(raw["threshold"])
            r.targets = [r.on]
        else:
            r.on = [economies.index(x) for x in (raw["on"] if isinstance(raw["on"], list) else [raw["on"]])]
            r.threshold = float(raw["threshold"])
            r.nsteps = int(raw.get("steps", 4))
            r.targets = r.on
        if r.kind in (RETALIATE, ESCALATE):
            resp = raw["response"]
            kind, mag, tension = _lever_kind(S, resp, ("rule", ri), "rule.%s.response" % r.id)
            r.template = (kind, mag, tension, _sectors(S, resp.get("sectors")), int(resp.get("phase_in", 0)), resp.get("duration"))
        S.rules.append(r)
    # every lever a rule may create (to a fixed point: a rule's lever may be copied by another)
    made = set()
    changed = True
    while changed and len(slots) < 512:
        changed = False
        for ri, r in enumerate(S.rules):
            if r.kind == ALIGN:
                for src in range(len(slots)):
                    s0 = slots[src]
                    if s0.by == r.leader and s0.kind in r.kinds and s0.target != r.by and (ri, src) not in made:
                        made.add((ri, src))
                        c = s0.copy()
                        c.by, c.rule, c.follows = r.by, ri, src
                        slots.append(c)
                        changed = True
            elif r.kind in (RETALIATE, ESCALATE):
                for t in (r.against if r.kind == RETALIATE else [r.on]):
                    if (ri, t) not in made:
                        made.add((ri, t))
                        kind, mag, tension, secs, phase, dur = r.template
                        c = Slot(kind, r.by, t, secs, phase, tension, mag)
                        c.rule, c.duration = ri, dur
                        slots.append(c)
                        changed = True
    S.slots = slots
    S.L = len(slots)
    # rule -> the slots it looks at, and the slot it creates
    for ri, r in enumerate(S.rules):
        r.watch, r.make = [], []
        if r.kind == RETALIATE:
            for l, s in enumerate(slots):
                if s.target == r.by and s.by in r.against and s.kind in r.kinds:
                    r.watch.append(l)
                    r.make.append([c for c, x in enumerate(slots) if x.rule == ri and x.target == s.by][0])
        elif r.kind == ALIGN:
            for l, s in enumerate(slots):
                if s.by == r.leader and s.kind in r.kinds and s.target != r.by:
                    r.watch.append(l)
                    r.make.append([c for c, x in enumerate(slots) if x.rule == ri and x.follows == l][0])
        elif r.kind == ESCALATE:
            r.make = [[c for c, x in enumerate(slots) if x.rule == ri][0]]
        else:
            r.lift = {o: [l for l, s in enumerate(slots) if s.by == r.by and s.target == o and s.kind not in NOT_SANCTION]
                      for o in r.on}

    # --- output series (summary.rs series()) -----------------------------------------------
    S.trade_pairs = [(i, j) for i in range(n) for j in range(n) if i != j or flows[:, i, j].sum() > 0]
    S.transit_pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    names = []
    for (i, j) in S.trade_pairs:
        for s in range(m):
            names.append(("trade", economies[i], economies[j], sectors[s]))
        names.append(("trade", economies[i], economies[j], "all"))
    S.o_transit = len(names)
    for (i, j) in S.transit_pairs:
        for s in range(m):
            names.append(("transit", economies[i], economies[j], sectors[s]))
        names.append(("transit", economies[i], economies[j], "all"))
    S.o_tension = len(names)
    for (a, b) in pairs:
        names.append(("tension", economies[a], economies[b], ""))
    S.o_gdp = len(names)
    for i in range(n):
        names.append(("gdp", economies[i], "", ""))
    S.o_price = len(names)
    for i in range(n):
        for s in range(m):
            names.append(("export_price", economies[i], "", sectors[s]))
    S.o_world = len(names)
    for q in world_names:
        names.append(("world_price", "", "", q))
    S.o_rule = len(names)
    for r in S.rules:
        names.append(("rule_fired", economies[r.by], "+".join(economies[x] for x in r.targets), r.id))
    S.o_domestic = len(names)
    for j in range(n):
        for s in range(m):
            names.append(("domestic", economies[j], economies[j], sectors[s]))
        names.append(("domestic", economies[j], economies[j], "all"))
    S.o_currency = len(names)
    for i in range(n):
        names.append(("currency", economies[i], "", ""))
    S.o_xr = len(names)
    S.mirrored = bool((mirror != 1.0).any())
    if S.mirrored:
        for i in range(n):
            for j in range(n):
                if j != i:
                    names.append(("trade_exporter_reported", economies[i], economies[j], "all"))
    S.series = names
    S.NS = len(names)
    # kinds of annual aggregation: 0 sum*dt, 1 mean, 2 last
    S.annual_kind = np.array([0 if x[0] in ("trade", "transit", "domestic", "trade_exporter_reported")
                              else (2 if x[0] == "rule_fired" else 1) for x in names])
    return S


# --- every run's parameters ---------------------------------------------------------------
# per-slot magnitudes the models use, columns of `draw_runs(...)["mag"]`
M_RATE, M_COV, M_LEAK, M_RISK, M_COST, M_RC, M_CUT, M_GAIN, M_SHARE, M_CAP, M_COMPL = range(11)
NM = 11


def _slot_magnitudes(kind, f, runs):
    """The model's magnitudes of a slot from its TOML fields (`f`: name -> array over runs)."""
    out = np.zeros((runs, NM))
    if kind in (TARIFF, MFN):
        out[:, M_RATE] = f["rate"]
    elif kind in BANS:
        out[:, M_COV] = f["coverage"]
        out[:, M_LEAK] = f["leakage"] * (1.0 - f["enforcement"])
        out[:, M_RISK] = f["risk"]
    elif kind == FIN:
        out[:, M_COST], out[:, M_RC], out[:, M_RISK] = f["cost"], f["rerouting_cost"], f["risk"]
    elif kind == ENTITY:                               # with firms: compliance risk, no friction
        out[:, M_RISK] = f["risk_per_1000"] * f["listed"] / 1000.0
    elif kind == SECONDARY:
        out[:, M_COST], out[:, M_CUT], out[:, M_RISK] = f["cost"], f["leakage_cut"], f["risk"]
    elif kind == AGREEMENT:
        out[:, M_CUT] = f["tariff_cut"]
    elif kind == INVESTMENT:
        out[:, M_GAIN], out[:, M_CUT] = f["capacity_gain"], f["friction_cut"]
    elif kind in (CAPITAL_CONTROLS, RESERVE_FREEZE):
        out[:, M_SHARE] = f["share"]
    elif kind == PRICE_CAP:
        out[:, M_CAP], out[:, M_COMPL] = f["cap"], f["compliance"]
    return out


def read_run_params(path):
    """tradesim's run_params.csv (`--keep-runs`): each run's draws, by prior path."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return {h: np.array([float(r[c]) for r in rows[1:]]) for c, h in enumerate(rows[0]) if h != "run"}


def draw_runs(S, runs, rng, priors=None, given=None):
    """Every run's parameters: each prior drawn once per run (all runs at once); without
    priors (`params.priors = false`, or priors=False) every run takes the centres; `given`
    (path -> values, e.g. read_run_params) replaces the draws of the priors it names.
    Returns a dict of arrays with the run as first axis."""
    use = S.use_priors if priors is None else priors
    par = {k: np.repeat(np.atleast_1d(np.asarray(v, float))[None, :], runs, axis=0) for k, v in S.par.items()}
    fields = [{k: np.full(runs, float(v)) for k, v in sl.mag.items() if k not in ("hub", "target2")} for sl in S.slots]
    if use:
        for p in S.priors:
            v = p.draw(rng, runs)
            if given is not None and p.path in given:
                v = given[p.path][:runs]
            kind, a, b = p.target
            if kind == "param":
                par[a][:, max(b, 0)] = v
            else:
                for l, sl in enumerate(S.slots):
                    if sl.follows < 0 and ((kind == "lever" and sl.lever == a) or (kind == "rule" and sl.rule == a)):
                        fields[l][b] = v
    for l, sl in enumerate(S.slots):               # an aligned copy keeps its leader's magnitudes
        if sl.follows >= 0:
            fields[l] = fields[sl.follows]
    mag = np.zeros((runs, max(S.L, 1), NM))
    for l, sl in enumerate(S.slots):
        mag[:, l] = _slot_magnitudes(sl.kind, fields[l], runs)
    out = {k: np.ascontiguousarray(v) for k, v in par.items()}
    out["mag"] = mag
    return out


# --- summaries and CSV ---------------------------------------------------------------------
def annual_rows(S, per_step):
    """Per-year values from per-step values: per_step has shape (steps, NS, runs)."""
    out = np.empty((len(S.years),) + per_step.shape[1:], dtype=per_step.dtype)
    summ = S.annual_kind == 0
    mean = S.annual_kind == 1
    last = S.annual_kind == 2
    for y, (_, ks) in enumerate(S.years):
        blk = per_step[ks[0]:ks[-1] + 1]
        out[y, summ] = blk[:, summ].sum(axis=0) * S.dt
        out[y, mean] = blk[:, mean].mean(axis=0)
        out[y, last] = blk[-1, last]
    return out


QS = [0.05, 0.25, 0.5, 0.75, 0.95]


def summarise(S, store):
    """Means and quantiles per step and per calendar year (what summary.csv / annual.csv hold)."""
    K = store.shape[0]
    means = np.empty((K, S.NS)); quants = np.empty((K, 5, S.NS))
    for k in range(K):
        means[k] = store[k].mean(axis=1, dtype=np.float64)
        quants[k] = np.quantile(store[k], QS, axis=1)
    ann = annual_rows(S, store)
    Y = ann.shape[0]
    ameans = np.empty((Y, S.NS)); aquants = np.empty((Y, 5, S.NS))
    for y in range(Y):
        ameans[y] = ann[y].mean(axis=1, dtype=np.float64)
        aquants[y] = np.quantile(ann[y], QS, axis=1)
    return means, quants, ameans, aquants


def write_csv(path, S, labels, means, quants):
    """labels: list of date strings; means (K, NS); quants (K, 5, NS). Like tradesim, a transit
    row only where some run has any (flows are never negative: a mean of 0 means none)."""
    money = [x[0] in ("trade", "transit", "gdp", "domestic", "trade_exporter_reported") for x in S.series]
    transit = [x[0] == "transit" for x in S.series]
    with open(path, "w") as f:
        f.write("date,exporter,importer,sector,metric,mean,p05,p25,p50,p75,p95\n")
        for k, d in enumerate(labels):
            for c, (metric, a, b, sec) in enumerate(S.series):
                if transit[c] and means[k, c] == 0:
                    continue
                vals = [means[k, c]] + [quants[k, q, c] for q in range(5)]
                if money[c]:
                    txt = ",".join("%d" % round(v) for v in vals)
                else:
                    txt = ",".join("%.6f" % v for v in vals)
                f.write("%s,%s,%s,%s,%s,%s\n" % (d, a, b, sec, metric, txt))


def write_annual_sd(path, S, store):
    """The exact standard deviation over runs of every annual.csv series (validation: the
    Monte-Carlo error of a mean, where the p05..p95 range understates heavy tails)."""
    ann = annual_rows(S, store)
    with open(path, "w") as f:
        f.write("date,exporter,importer,sector,metric,sd\n")
        for y, (year, _) in enumerate(S.years):
            sd = ann[y].astype(np.float64).std(axis=1, ddof=1)
            for c, (metric, a, b, sec) in enumerate(S.series):
                f.write("%d,%s,%s,%s,%s,%.9g\n" % (year, a, b, sec, metric, sd[c]))


def write_outputs(out, S, store, summary, keep_runs):
    """summary.csv and annual.csv from `summarise`'s (means, quants, ameans, aquants); with
    `keep_runs` also runs.npz (every run's calendar-year bilateral totals, like tradesim's
    runs.csv) and annual_sd.csv."""
    means, quants, ameans, aquants = summary
    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, "summary.csv"), S, S.dates, means, quants)
    write_csv(os.path.join(out, "annual.csv"), S, [str(y) for y, _ in S.years], ameans, aquants)
    if keep_runs:
        rows = np.array([k for k, x in enumerate(S.series) if x[0] == "trade" and x[3] == "all"])
        ann = np.stack([store[ks[0]:ks[-1] + 1][:, rows].sum(axis=0) * S.dt for _, ks in S.years])
        np.savez(os.path.join(out, "runs.npz"), values=ann, years=np.array([y for y, _ in S.years]),
                 pairs=np.array(["%s>%s" % (S.series[k][1], S.series[k][2]) for k in rows]))
        write_annual_sd(os.path.join(out, "annual_sd.csv"), S, store)


def parse_args(chunk_help):
    """The peers' command line (the same options for both)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--chunk", type=int, default=1024, help=chunk_help)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--data", default=None, help="calibration directory (default: the project's data/)")
    ap.add_argument("--run-params", default=None,
                    help="take each run's prior draws from tradesim's run_params.csv (--keep-runs) instead of drawing them")
    ap.add_argument("--keep-runs", action="store_true",
                    help="also write DIR/runs.npz (every run's calendar-year bilateral totals, like tradesim's runs.csv) and DIR/annual_sd.csv")
    ap.add_argument("--no-summary", action="store_true",
                    help="simulate and build each step's observation, no store of all runs, no quantiles")
    return ap.parse_args()
