#!/usr/bin/env python3
"""A NumPy peer of tradesim (model version 2): the same model (docs/model.md), vectorised across runs.

Version 2 with every channel on (tradesim's defaults), as peer_numba.py: domestic producers,
budget closure, currency agents, firms (entry/exit bins), world price series, price caps,
capital-account levers and parameter priors drawn per run (peer_setup.draw_runs).

Layout: the runs are the LAST (contiguous) axis of every state array, so each NumPy call works
on long contiguous rows: routes are (m, n, n, R) [s][i][j][run]; producers (m, n, R) [s][i];
buyers (m, n, R) [s][j]; economies (n, R); pairs (P, R); lever slots (L, R); firm bins
(routes, B, R). Each run's parameters (elasticities, speeds, firm parameters, lever magnitudes)
are arrays over the runs too. Runs are simulated in chunks of R (memory bounded). Each step's
observation (the series tradesim writes) goes to a float32 store (steps, series, runs); at the
end, calendar-year values, means and np.quantile per step give what tradesim's summary.csv /
annual.csv report. Random streams differ from tradesim's (NumPy SFC64); the distributions are
the model's.

  python3 peer_numpy.py SCENARIO --runs N [--chunk C] [--out DIR] [--seed S] [--no-summary]
"""
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_setup import (ALIGN, AGREEMENT, BANS, CAPITAL_CONTROLS, EMBARGO, ENTITY, ESCALATE, EXPORT_CONTROL, FIN,
                        IMPORT_BAN, INVESTMENT, LN_PRICE_CAP, M_CAP, M_COMPL, M_COST, M_COV, M_CUT, M_GAIN, M_LEAK,
                        M_RATE, M_RC, M_RISK, M_SHARE, MFN, NEVER, PRICE_CAP, RESERVE_FREEZE, RETALIATE, SECONDARY,
                        TARIFF, draw_runs, load, read_run_params, parse_args, summarise, write_outputs)


class Statics:
    """Per-scenario arrays shared by the chunks."""

    def __init__(self, S):
        n, m = S.n, S.m
        self.NR = m * n * n
        self.wp = S.world_priced
        self.wp3 = S.world_priced[:, None, None]                          # (m,1,1)
        self.pi04 = S.pi0[..., None]
        self.has_pi = self.pi04 > 0
        self.flows4 = S.flows[..., None]
        self.base_pos = (S.flows > 0)[..., None]
        self.a0_3 = S.a0[:, :, None]
        self.dom0_3 = S.dom0[:, :, None]
        self.beta0_3 = S.beta0[:, :, None]
        self.alpha0_3 = S.alpha0[:, :, None]
        self.q0_3 = S.q0.T[:, :, None]                                     # [s][i]
        self.k0_3 = S.k0.T[:, :, None]
        self.q0pos = self.q0_3 > 0
        self.lw3 = S.level_weight.T[:, :, None]                            # [s][i]
        self.va3 = S.va.T[:, :, None]                                      # [s][i]
        self.mirror4 = S.mirror[..., None]
        self.pa = np.array([a for a, b in S.pairs]); self.pb = np.array([b for a, b in S.pairs])
        self.d0 = S.d0[:, None]
        self.baseline = S.baseline[:, None]
        self.series_of = S.series_of
        # lever slots
        self.phase = np.array([max(sl.phase, 1) for sl in S.slots], dtype=np.float64)[:, None]
        self.follows = [(c, sl.follows) for c, sl in enumerate(S.slots) if sl.follows >= 0]
        self.sched = np.array([sl.sched for sl in S.slots], dtype=bool)
        self.start0 = np.array([sl.start if sl.sched else NEVER for sl in S.slots], dtype=np.int64)
        self.end0 = np.array([sl.end if sl.sched else NEVER for sl in S.slots], dtype=np.int64)
        self.hubs = sorted({S.hub} | {sl.mag["hub"] for sl in S.slots if sl.kind in BANS})
        # output rows of one step's observation
        tp = S.trade_pairs
        self.tr_s = np.array([s for (i, j) in tp for s in range(m)]); self.tr_i = np.array([i for (i, j) in tp for s in range(m)])
        self.tr_j = np.array([j for (i, j) in tp for s in range(m)])
        rows = np.arange(len(tp) * (m + 1)).reshape(len(tp), m + 1)
        self.row_trade_s, self.row_trade_all = rows[:, :m].reshape(-1), rows[:, m]
        self.tp_i = np.array([i for i, j in tp]); self.tp_j = np.array([j for i, j in tp])
        vp = S.transit_pairs
        self.vt_s = np.array([s for (i, j) in vp for s in range(m)]); self.vt_i = np.array([i for (i, j) in vp for s in range(m)])
        self.vt_j = np.array([j for (i, j) in vp for s in range(m)])
        rows = S.o_transit + np.arange(len(vp) * (m + 1)).reshape(len(vp), m + 1)
        self.row_transit_s, self.row_transit_all = rows[:, :m].reshape(-1), rows[:, m]
        self.vp_i = np.array([i for i, j in vp]); self.vp_j = np.array([j for i, j in vp])
        rows = S.o_domestic + np.arange(n * (m + 1)).reshape(n, m + 1)
        self.row_dom_s, self.row_dom_all = rows[:, :m].T.copy(), rows[:, m]   # [s][j]
        self.xr_i = np.array([i for i in range(n) for j in range(n) if j != i])
        self.xr_j = np.array([j for i in range(n) for j in range(n) if j != i])


def own_intensity(S, st, start, end, k):
    """Mean over the step's months of each lever's monthly intensity (levers.rs): (L, R)."""
    acc = np.zeros(start.shape)
    for t in range(k * S.sm, (k + 1) * S.sm):
        ramp = np.minimum((t - start + 1) / st.phase, 1.0)
        acc += np.where((t >= start) & (t < end), ramp, 0.0)
    return acc / S.sm


def frictions(S, st, a, mag, R):
    """Route frictions, compliance risk, capacity multipliers, deficit cuts and price caps from
    the lever intensities a (L, R) and magnitudes mag (L, NM, R) (levers.rs Frictions::compute)."""
    n, m, NR = S.n, S.m, st.NR
    tau = np.ones((NR, R)); keep = np.ones((NR, R)); leak = np.zeros((NR, R))
    hub = np.full((NR, R), S.hub, dtype=np.int64); strongest = np.zeros((NR, R))
    kappa = np.full((NR, R), S.kappa0); capm = np.ones((m, n, R)); tshift = np.zeros((S.P, R))
    risk = np.zeros((NR, R)); dcut = np.zeros((n, R)); caps = []

    def rt(s, i, j):
        return (s * n + i) * n + j

    def add_risk(r, x):
        risk[r] = np.minimum(risk[r] + x, 1.0)
    for l, sl in enumerate(S.slots):
        al = a[l]
        act = al > 0
        if not act.any():
            continue
        g = mag[l]
        by, t, k = sl.by, sl.target, sl.kind
        if by != t:
            tshift[S.pidx[(by, t)]] += sl.tension * al
        if k == CAPITAL_CONTROLS:
            dcut[by] += g[M_SHARE] * al
        elif k == RESERVE_FREEZE:
            dcut[t] += g[M_SHARE] * al
        for s in sl.sectors:
            if k in (TARIFF, MFN):
                tau[rt(s, t, by)] *= 1.0 + g[M_RATE] * al
            elif k == PRICE_CAP:
                caps.append((s, t, g[M_CAP], g[M_COMPL] * al))
            elif k in BANS:
                cv = g[M_COV] * al
                routes = {EXPORT_CONTROL: [rt(s, by, t)], IMPORT_BAN: [rt(s, t, by)], EMBARGO: [rt(s, by, t), rt(s, t, by)]}[k]
                for r in routes:
                    keep[r] *= 1.0 - np.clip(cv, 0.0, 1.0)
                    if S.reroutable[s]:
                        leak[r] = np.where(act, np.maximum(leak[r], g[M_LEAK]), leak[r])
                    stronger = cv > strongest[r]
                    strongest[r] = np.where(stronger, cv, strongest[r])
                    hub[r] = np.where(stronger, sl.mag["hub"], hub[r])
                    add_risk(r, g[M_RISK] * al)
            elif k in (FIN, ENTITY, SECONDARY, AGREEMENT, INVESTMENT):
                u, v = (t, sl.mag["target2"]) if k == SECONDARY else (by, t)
                x1, x2 = rt(s, u, v), rt(s, v, u)
                if k in (FIN, ENTITY, SECONDARY):
                    add_risk(x1, g[M_RISK] * al)
                    add_risk(x2, g[M_RISK] * al)
                if k in (FIN, SECONDARY):
                    fac = 1.0 + g[M_COST] * al
                elif k == AGREEMENT:
                    fac = 1.0 / (1.0 + g[M_CUT] * al)
                elif k == INVESTMENT:
                    fac = 1.0 - g[M_CUT] * al
                    capm[s, t] *= 1.0 + g[M_GAIN] * al
                else:
                    fac = None                   # entity listings: compliance risk only (firms on)
                if fac is not None:
                    tau[x1] *= fac
                    tau[x2] *= fac
                if k == FIN:
                    for q in range(n):
                        kappa[rt(s, t, q)] += g[M_RC] * al
                        if q != t:
                            kappa[rt(s, q, t)] += g[M_RC] * al
    cover = 1.0 - keep
    for l, sl in enumerate(S.slots):                 # secondary sanctions cut leakage through the pressed hub
        if sl.kind != SECONDARY or not (a[l] > 0).any():
            continue
        al, t2 = a[l], sl.mag["target2"]
        for s in sl.sectors:
            for q in range(n):
                if q == t2:
                    continue
                for r in (rt(s, t2, q), rt(s, q, t2)):
                    leak[r] = np.where((al > 0) & (hub[r] == sl.target), leak[r] * (1.0 - mag[l, M_CUT] * al), leak[r])
    return tau, cover, leak, hub, kappa, capm, tshift, risk, dcut, caps


class Chunk:
    """The state of R runs."""

    def __init__(self, S, st, R, P):
        n, m, L = S.n, S.m, S.L
        self.R = R
        self.series_of, self.ln_world_base = S.series_of, S.ln_world_base
        # the runs' parameters, runs last
        self.sig = P["sigma"].T.copy(); self.esd = P["esubd"].T.copy(); self.eta = P["eta"].T.copy()   # (m, R)
        self.om = 1.0 - self.sig
        self.adj = 1.0 - np.exp(-P["lambda"].T * S.dt)
        self.phi_dt = P["phi"][:, 0] * S.dt
        self.h_cur = P["currency_speed"][:, 0] * S.dt
        self.fc = P["fixed_cost"][:, 0]
        self.enter = self.fc * (1.0 + P["sunk_cost"][:, 0])
        self.fade = np.exp(-P["risk_memory"][:, 0] * S.dt)
        self.mag = np.ascontiguousarray(P["mag"].transpose(1, 2, 0))       # (L, NM, R)
        fsig = P["firm_sigma"][:, 0]
        kap = P["pareto_shape"][:, 0] - (fsig - 1.0)
        B = S.bins
        b = np.arange(B)[:, None]
        self.profit = ((1.0 - (b + 0.5) / B) ** (-1.0 / kap)) ** (fsig - 1.0)        # (B, R)
        u = ((b + 0.5) * 0.6180339887498949) % 1.0
        self.aversion = fsig * np.exp(math.log(0.25) + u * math.log(32.0))             # (B, R)
        self.carried = np.concatenate([[0.0], np.cumsum(np.full(B, 1.0 / B))])
        # currency damping J (prepared.rs): domestically priced output plus what it loses to a dearer currency
        nw = ~st.wp3
        jj = (st.q0_3 + st.k0_3 * np.maximum(self.sig[:, None, :] - 1.0, 0.0)
              + st.dom0_3 * (1.0 - st.beta0_3) * np.maximum(self.esd[:, None, :] - 1.0, 0.0))
        jj = np.where(nw, jj, 0.0).sum(axis=0)                            # (n, R)
        y0 = S.y0[:, None]
        self.J = np.where(y0 > 0, np.maximum(jj / np.where(y0 > 0, y0, 1.0), 1.0), 1.0)
        # initial state: base-year flows grown to the start, base prices, no levers
        self.log_trend = np.repeat((np.log(S.gdp0) + S.g * (S.t0_offset - S.dt))[:, None], R, axis=1)
        self.gdp = np.exp(self.log_trend)
        self.ytrend = self.gdp / S.gdp0[:, None]
        self.log_world = np.repeat(np.where(S.world_has[0], S.world_data[0], S.ln_world_base)[:, None], R, axis=1)
        self.world_sectors()
        scale = np.exp((1.0 - self.eta) * self.lnW)[:, None, :] * self.ytrend[None]   # (m, j, R)
        self.expend = st.a0_3 * scale
        self.domestic = st.dom0_3 * scale
        self.direct = st.flows4 * scale[:, None, :, :]
        self.rerouted = np.zeros_like(self.direct)
        self.log_price = np.zeros((m, n, R))
        self.price = np.ones((m, n, R))
        self.log_cur = np.zeros((n, R)); self.currency = np.ones((n, R))
        self.demand_ratio = np.ones((m, n, R))
        self.ext_gap = np.zeros((n, R)); self.wedge = np.zeros((n, R)); self.markup = np.zeros((n, R))
        self.nonworld_income = np.where(st.wp3, 0.0, st.q0_3 * self.ytrend[None]).sum(axis=(0, 1))
        sold = (self.domestic + self.direct.sum(axis=2)) / self.W[:, None, :]
        self.sold = np.where(st.wp3, sold, 0.0)                            # [s][i]
        self.cover_prev = np.zeros((m, n, n, R))
        self.active = np.ones((m, n, n, B, R), bool)
        self.extensive = np.ones((m, n, n, R))
        self.perceived = np.zeros((m, n, n, R))
        self.T = np.repeat(S.T0[:, None], R, axis=1)
        self.decided = np.repeat(st.sched[:, None], R, axis=1)
        self.at_step = np.where(self.decided, -1, NEVER).astype(np.int64)
        self.start = np.repeat(st.start0[:, None], R, axis=1)
        self.end = np.repeat(st.end0[:, None], R, axis=1)
        self.a_prev = None
        nr = len(S.rules)
        self.considered = [np.zeros((L, R), bool) for _ in range(nr)]
        self.done = [np.zeros((n, R), bool) for _ in range(nr)]
        self.calm = [np.zeros((n, R), np.int64) for _ in range(nr)]
        self.fired = np.zeros((nr, R), bool)

    def world_sectors(self):
        """World prices relative to base per sector (1 for the domestically priced): (m, R)."""
        so = self.series_of
        rel = self.log_world - self.ln_world_base[:, None]
        self.lnW = np.where((so >= 0)[:, None], rel[np.maximum(so, 0)], 0.0)
        self.W = np.exp(self.lnW)


def decide(ch, runs, c, k, lag, sm, dur=None):
    ch.decided[c, runs] = True
    ch.at_step[c, runs] = k + lag
    ch.start[c, runs] = (k + lag) * sm
    ch.end[c, runs] = (k + lag) * sm + max(int(dur), 1) if dur is not None else NEVER


def governments(S, st, ch, rng, k):
    """Rules in file order (policy.rs act), then pending levers arrive; returns intensities (L, R)."""
    R, sm = ch.R, S.sm
    own = own_intensity(S, st, ch.start, ch.end, k)
    in_list = ch.decided & (ch.at_step < k)          # each run's lever list while the rules act
    decided_now = False
    for ri, r in enumerate(S.rules):
        if k < r.first:
            continue
        if r.kind in (RETALIATE, ALIGN):
            cons, done = ch.considered[ri], ch.done[ri]
            for l, c in zip(r.watch, r.make):
                hit = in_list[l] & (own[l] > 0) & ~cons[l]
                if r.kind == RETALIATE:
                    hit &= ~done[S.slots[l].by]
                if not hit.any():
                    continue
                cons[l] |= hit
                succ = hit & (rng.random(R) < r.p)          # one uniform per decision
                if succ.any():
                    decided_now |= r.lag == 0
                    ch.fired[ri] |= succ
                    if r.kind == RETALIATE:
                        done[S.slots[l].by] |= succ
                        decide(ch, succ, c, k, r.lag, sm, S.slots[c].duration)
                    else:
                        decide(ch, succ, c, k, r.lag, sm)
        elif r.kind == ESCALATE:
            done = ch.done[ri]
            hit = ~done[r.on] & (ch.T[S.pidx[(r.by, r.on)]] > r.threshold)
            if hit.any():
                p_step = 1.0 - (1.0 - r.p) ** S.dt
                succ = hit & (rng.random(R) < p_step)
                if succ.any():
                    decided_now |= r.lag == 0
                    done[r.on] |= succ
                    ch.fired[ri] |= succ
                    decide(ch, succ, r.make[0], k, r.lag, sm, S.slots[r.make[0]].duration)
        else:  # NORMALIZE
            done, calm = ch.done[ri], ch.calm[ri]
            for o in r.on:
                lift = r.lift[o]
                live = ~done[o]
                sanc = np.zeros(R, bool)
                for l in lift:
                    sanc |= in_list[l] & (own[l] > 0)
                below = ch.T[S.pidx[(r.by, o)]] < r.threshold
                calm[o] = np.where(live, np.where(sanc & below, calm[o] + 1, 0), calm[o])
                ready = live & sanc & (calm[o] >= r.nsteps)
                if not ready.any():
                    continue
                calm[o, ready] = 0
                succ = ready & (rng.random(R) < r.p)
                if not succ.any():
                    continue
                done[o] |= succ
                ch.fired[ri] |= succ
                lift_at = (k + r.lag) * sm
                for l in lift:
                    cut = succ & in_list[l] & (ch.start[l] <= lift_at)
                    ch.end[l] = np.where(cut, np.minimum(ch.end[l], lift_at), ch.end[l])
                    pend = succ & ch.decided[l] & (ch.at_step[l] >= k)
                    ch.decided[l, pend] = False
                    ch.at_step[l, pend] = NEVER
                    ch.start[l, pend] = NEVER
                    ch.end[l, pend] = NEVER
                own = own_intensity(S, st, ch.start, ch.end, k)
    if decided_now:                                  # a lever decided with no lag acts this step
        own = own_intensity(S, st, ch.start, ch.end, k)
    a = own * (ch.decided & (ch.at_step <= k))       # pending levers due now have joined the list
    for c, f in st.follows:                          # an aligned copy stops when its leader has ended
        ended = (ch.start[f] < (k + 1) * sm) & (own[f] <= 0)
        a[c] = np.where(ended, 0.0, a[c])
    return a


def simulate(S, st, R, rng, store, c0, P):
    """Run R runs with parameters P (dict of arrays over these runs); write each step's
    observation to store[k, :, c0:c0+R] (if a store is given)."""
    n, m, dt, NP = S.n, S.m, S.dt, S.P
    ch = Chunk(S, st, R, P)
    sqdt = math.sqrt(dt)
    nu = S.noise * sqdt
    drift = -0.5 * nu * nu
    ev_mean = (S.ev_rate * dt)[:, None]
    ev_size = S.ev_size[:, None]
    ev_on = ((S.ev_rate > 0) & (S.ev_size > 0))[:, None]
    g_dt = (S.g * dt)[:, None]
    g_sd = (S.vol * S.vol_scale * sqdt)[:, None]
    gdp0 = S.gdp0[:, None]
    wp3, nw3 = st.wp3, ~st.wp3
    om3, om4 = ch.om[:, None, :], ch.om[:, None, None, :]
    ome3 = (1.0 - ch.esd)[:, None, :]
    one_eta3 = (1.0 - ch.eta)[:, None, :]
    adj3, adj4 = ch.adj[:, None, :], ch.adj[:, None, None, :]
    sig3 = ch.sig[:, None, :]
    nonnum = np.arange(n) != S.numeraire
    zbuf = np.empty((m, n, n, R))
    for k in range(S.steps):
        # 1. shocks (world.rs): output trend, world prices, political events
        ch.log_trend += g_dt + g_sd * rng.standard_normal((n, R))
        ch.ytrend = np.exp(ch.log_trend) / gdp0
        for q in range(S.Q):
            if S.world_path == "flat":
                ch.log_world[q] = S.ln_world_base[q]
            elif S.world_has[k, q]:
                ch.log_world[q] = S.world_data[k, q]
            else:
                ch.log_world[q] += S.w_rev * (S.w_mean_ln[q] - ch.log_world[q]) * dt + S.w_vol * sqdt * rng.standard_normal(R)
        ch.world_sectors()
        lnW, W = ch.lnW, ch.W
        counts = np.where(ev_on, rng.poisson(np.broadcast_to(ev_mean, (NP, R))), 0)
        events = np.zeros((NP, R))
        hit = counts > 0
        if hit.any():                                # a sum of c Exp(1) jumps is Gamma(c, 1)
            events[hit] = rng.standard_gamma(counts[hit]) * np.broadcast_to(ev_size, (NP, R))[hit]
        # 2. governments; 3. trade costs (recomputed only when an intensity changed)
        a = governments(S, st, ch, rng, k)
        if ch.a_prev is None or not np.array_equal(a, ch.a_prev):
            ch.a_prev = a
            tau, cover, leak, hub, kappa, capm, tshift, risk, dcut, caps = frictions(S, st, a, ch.mag, R)
            sh4 = (m, n, n, R)
            tau, cover, leak, kappa, risk = (x.reshape(sh4) for x in (tau, cover, leak, kappa, risk))
            hub = hub.reshape(sh4)
            tau_pow = tau ** om4
            inv_tau = 1.0 / tau
            inv_kappa = 1.0 / (1.0 + kappa)
            via = (cover > 0) & (leak > 0)
            tk_pow = np.where(via, (tau * (1.0 + kappa)) ** om4, 0.0)
            target_T = np.clip(st.baseline + tshift, 0.0, 1.0)
        # 4. producers re-price (exporters.rs)
        stepp = ch.phi_dt * np.log(np.clip(ch.demand_ratio, 1e-3, 1e3)) / (1.0 + ch.phi_dt * sig3)
        ch.log_price = np.where(st.q0pos, ch.log_price + stepp, ch.log_price)
        ch.price = np.exp(ch.log_price)
        # 4a. currency agents (currency.rs) and the output price levels
        step_c = ch.h_cur * np.log(np.clip(1.0 + ch.ext_gap, 1e-3, 1e3)) / (1.0 + ch.h_cur * ch.J)
        ch.log_cur = np.where(nonnum[:, None], ch.log_cur + step_c, ch.log_cur)
        idx = (st.lw3 * ch.log_price).sum(axis=0)                          # (n, R)
        ch.log_cur[S.numeraire] = -idx[S.numeraire]
        ch.currency = np.exp(ch.log_cur + idx)
        cur = np.exp(ch.log_cur)
        # 5. budget: income, deficit, spending
        y_nw = np.where(nw3, st.q0_3 * ch.ytrend[None] * capm * ch.price * cur[None], 0.0).sum(axis=0)   # (n, R)
        nonworld = y_nw.sum(axis=0)
        grown = np.where(ch.nonworld_income > 0, nonworld / np.where(ch.nonworld_income > 0, ch.nonworld_income, 1.0), 1.0)
        ch.nonworld_income = nonworld
        income = y_nw + np.where(wp3, ch.sold * grown * ch.price * W[:, None, :], 0.0).sum(axis=0) + ch.wedge + ch.markup
        world_income = income.sum(axis=0)
        deficit = S.def0[:, None] * (world_income / S.world_income0)
        for x in range(n):
            cut = dcut[x] * ch.gdp[x]
            if not (cut != 0).any():
                continue
            others = world_income - income[x]
            share = income / others
            share[x] = 0.0
            deficit = deficit + cut * share
            deficit[x] -= cut
        spending = np.maximum(income + deficit, 1e-3 * income)
        # 6. importers allocate (importers.rs, domestic.rs)
        lc = np.where(wp3, 0.0, ch.log_cur[None])                          # (m, n, R)
        pp = np.exp(om3 * (ch.log_price + lc))
        inv_unit = 1.0 / (ch.price * W[:, None, :] * np.exp(lc))
        inv_export = inv_unit.copy()
        export_factor = np.ones((m, n, R))
        for s, t, capv, compl in caps:               # the complying share of a capped exporter is paid at most the cap
            level = np.exp(ch.log_world[S.series_of[s]]) * ch.price[s, t]
            f = 1.0 - compl * np.maximum(1.0 - capv / level, 0.0)
            export_factor[s, t] *= f
            inv_export[s, t] /= f
        ppr = pp[:, :, None, :]
        full = st.pi04 * (1.0 - cover) * (ppr * tau_pow)
        td = full * ch.extensive
        tv = st.pi04 * cover * leak * (ppr * tk_pow)
        denom = (td + tv).sum(axis=1)                                      # (m, j, R)
        ok = denom > 1e-300
        ln_pm = np.minimum(np.log(np.where(ok, denom, 1.0)) / om3, LN_PRICE_CAP)
        dom = st.beta0_3 * np.exp(ome3 * (ch.log_price + lc))
        imp = np.where(ok, (1.0 - st.beta0_3) * np.exp(ome3 * ln_pm), 0.0)
        uu = dom + imp
        can = uu > 1e-300
        dshare = np.where(can, dom / np.where(can, uu, 1.0), 0.0)
        ln_index = np.minimum(np.log(np.where(can, uu, 1.0)) / ome3, LN_PRICE_CAP)
        sspend = np.where(can, st.alpha0_3 * np.exp(one_eta3 * (lnW[:, None, :] + ln_index)), 0.0)
        wsum = sspend.sum(axis=0)
        E = np.where(wsum > 0, spending * sspend / np.where(wsum > 0, wsum, 1.0), 0.0)
        growth = np.where(ch.expend > 0, E / np.where(ch.expend > 0, ch.expend, 1.0), 1.0)
        ch.expend = E
        to_imports = E * (1.0 - dshare)
        per_denom = np.where(ok, to_imports / np.where(ok, denom, 1.0), 0.0)
        tdom = E * dshare
        wedge = np.where(ok, to_imports, 0.0).sum(axis=0)
        trend_of = E * (1.0 - st.beta0_3) / W[:, None, :]
        pdr = per_denom[:, None, :, :] * inv_tau                           # (m, i, j, R)
        potential = full * pdr
        f = pdr * export_factor[:, :, None, :]
        td *= f
        tv *= f
        tvk = tv * inv_kappa
        paid = td + tvk
        value = paid.sum(axis=2)                                           # (m, i, R)
        demand = value * inv_export
        trend_demand = np.einsum("sij,sjr->sir", S.pi0, trend_of)
        wedge -= (td + tv).sum(axis=(0, 1))
        mk = tv - tvk
        markup = np.zeros((n, R))
        for h in st.hubs:
            markup[h] += np.where(hub == h, mk, 0.0).sum(axis=(0, 1, 2))
        demand += tdom * inv_unit
        value += tdom
        trend_demand += E * st.beta0_3 / W[:, None, :]
        capq = np.where(wp3, trend_demand * capm, st.q0_3 * ch.ytrend[None] * capm)
        ch.demand_ratio = np.where(capq > 0, demand / np.where(capq > 0, capq, 1.0), 1.0)
        ch.sold = np.where(wp3, value * inv_unit, ch.sold)
        ch.wedge, ch.markup = wedge, markup
        # external balance of domestically priced output; its producers' demand relative to it
        sold_nw = np.where(nw3, value, 0.0).sum(axis=0)
        can_nw = np.where(nw3, capq / inv_unit, 0.0).sum(axis=0)
        ch.ext_gap = np.where(income > 0, (sold_nw - can_nw) / np.where(income > 0, income, 1.0), 0.0)
        util = np.where(can_nw > 0, sold_nw / np.where(can_nw > 0, can_nw, 1.0), 1.0)
        ch.demand_ratio = np.where(nw3, ch.demand_ratio / util[None], ch.demand_ratio)
        # 6b. firms (firms.rs): each bin stays, leaves or enters each market
        size = np.where(st.a0_3 > 0, E / np.where(st.a0_3 > 0, st.a0_3, 1.0), 0.0)   # (m, j, R)
        ch.perceived = np.where(st.base_pos, np.maximum(risk, ch.perceived * ch.fade), ch.perceived)
        sz = size[:, None, :, :]
        gr = np.where(sz > 0, potential / np.where(st.base_pos, st.flows4, 1.0) / np.where(sz > 0, sz, 1.0), 0.0)
        net = gr[:, :, :, None, :] * ch.profit * (1.0 - ch.aversion * ch.perceived[:, :, :, None, :])
        hurdle = np.where(ch.active, ch.fc, ch.enter)
        act = np.where(st.base_pos[:, :, :, None, :], net >= hurdle, ch.active)
        ch.active = act
        ch.extensive = np.where(st.base_pos, ch.carried[act.sum(axis=3)], ch.extensive)
        # 7. trade adjusts (trade.rs): spending, newly covered share, partial adjustment, noise
        x = ch.direct * growth[:, None, :, :]
        jump = (cover > ch.cover_prev) & (ch.cover_prev < 1.0)
        if jump.any():
            x *= np.where(jump, (1.0 - cover) / np.where(jump, 1.0 - ch.cover_prev, 1.0), 1.0)
        ch.cover_prev = cover
        x += adj4 * (td - x)
        if nu > 0:
            z = rng.standard_normal(out=zbuf)
            z *= nu
            z += drift
            np.exp(z, out=z)
            x *= z
        ch.direct = np.where(st.has_pi, np.maximum(x, 0.0), ch.direct)
        v = ch.rerouted * growth[:, None, :, :]
        v += adj4 * (tv - v)
        if nu > 0:
            pos = v > 0
            if pos.any():
                v = np.where(pos, v * np.exp(nu * rng.standard_normal(v.shape) + drift), v)
        ch.rerouted = np.where(st.has_pi & (v > 1e-9), v, 0.0)
        d = ch.domestic * growth
        ch.domestic = np.maximum(d + adj3 * (tdom - d), 0.0)
        # GDP: the rest at the economy's price level, value added of what was sold, wedge and mark-ups
        rr = ch.rerouted
        sales_i = ch.domestic + (ch.direct + rr * inv_kappa).sum(axis=2)   # (m, i, R)
        ch.gdp = S.rest0[:, None] * ch.ytrend * ch.currency + wedge + markup + (st.va3 * sales_i).sum(axis=0)
        gdp = ch.gdp
        # 8. tension (tension.rs)
        bil = (ch.direct + rr).sum(axis=0)                                 # (i, j, R)
        dd = np.where(st.d0 > 0, (bil[st.pa, st.pb] + bil[st.pb, st.pa]) / (gdp[st.pa] + gdp[st.pb]) / np.where(st.d0 > 0, st.d0, 1.0), 0.0)
        T = ch.T
        ch.T = np.clip(T + S.kt * (target_T - T) * dt + events - S.gamma * dd * T * dt, 0.0, 1.0)
        # observation (customs view: rerouted trade as origin -> hub and hub -> destination)
        if store is None:
            continue
        trade = ch.direct.copy()
        if rr.any():
            rik = rr * inv_kappa
            for h in st.hubs:
                msk = hub == h
                trade[:, :, h] += np.where(msk, rik, 0.0).sum(axis=2)
                trade[:, h, :] += np.where(msk, rr, 0.0).sum(axis=1)
        out = store[k, :, c0:c0 + R]
        out[st.row_trade_s] = trade[st.tr_s, st.tr_i, st.tr_j]
        tall = trade.sum(axis=0)
        out[st.row_trade_all] = tall[st.tp_i, st.tp_j]
        out[st.row_transit_s] = rr[st.vt_s, st.vt_i, st.vt_j]
        out[st.row_transit_all] = rr.sum(axis=0)[st.vp_i, st.vp_j]
        out[S.o_tension:S.o_tension + NP] = ch.T
        out[S.o_gdp:S.o_gdp + n] = gdp
        out[S.o_price:S.o_price + n * m] = ch.price.transpose(1, 0, 2).reshape(n * m, R)
        out[S.o_world:S.o_world + S.Q] = np.exp(ch.log_world)
        out[S.o_rule:S.o_rule + len(S.rules)] = ch.fired
        out[st.row_dom_s.reshape(-1)] = ch.domestic.reshape(m * n, R)
        out[st.row_dom_all] = ch.domestic.sum(axis=0)
        out[S.o_currency:S.o_currency + n] = ch.currency
        if S.mirrored:
            out[S.o_xr:S.o_xr + len(st.xr_i)] = (trade * st.mirror4).sum(axis=0)[st.xr_i, st.xr_j]
    return ch


def main():
    args = parse_args("runs per chunk (vectorised together)")
    S = load(args.scenario, args.data)
    st = Statics(S)
    seed = args.seed if args.seed is not None else S.seed
    N = args.runs
    given = read_run_params(args.run_params) if args.run_params else None
    D = draw_runs(S, N, np.random.Generator(np.random.SFC64([seed, 1])), given=given)   # the priors' own generator
    rng = np.random.Generator(np.random.SFC64(seed))                                     # NumPy's fastest bit generator
    store = np.empty((S.steps, S.NS, args.chunk if args.no_summary else N), np.float32)
    t0 = time.perf_counter()
    for c0 in range(0, N, args.chunk):
        R = min(args.chunk, N - c0)
        P = {key: v[c0:c0 + R] for key, v in D.items()}
        simulate(S, st, R, rng, store, 0 if args.no_summary else c0, P)
    t1 = time.perf_counter()
    summary = None if args.no_summary else summarise(S, store)
    t2 = time.perf_counter()
    sim, summ = t1 - t0, t2 - t1
    if args.out and not args.no_summary:
        write_outputs(args.out, S, store, summary, args.keep_runs)
    print("peer_numpy: %d runs: simulate %.3f s (%.1f runs/s), summary %.3f s; with summary %.1f runs/s"
          % (N, sim, N / sim, summ, N / (sim + summ)))
    print("RESULT sim_s=%.4f summary_s=%.4f runs=%d" % (sim, summ, N))


if __name__ == "__main__":
    main()
