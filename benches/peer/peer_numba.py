#!/usr/bin/env python3
"""A Numba peer of tradesim (model version 2): the same model (docs/model.md), one run at a time
in a JIT-compiled loop (what a speed-minded Python user writes: the scalar loops of the model,
no per-step Python).

Version 2 with every channel on (tradesim's defaults): domestic producers (upper CES nest),
budget closure (income, deficit, spending, GDP from income), currency agents, firms (extensive
margin with entry/exit bins and compliance risk), world price series, price caps and
capital-account levers, and parameter priors drawn per run (peer_setup.draw_runs, all runs at
once before the simulation).

Random numbers come from a NumPy Generator (SFC64) used inside the JIT code; the priors from a
Generator of their own. Each step's observation (the series tradesim writes) goes to a float32
store (steps, series, runs); calendar-year values, means and np.quantile per step are computed
afterwards (peer_setup.summarise). Lever instances that rules may create are enumerated up
front (peer_setup.py "slots"), so every run's lever list is a fixed-size array.

  python3 peer_numba.py SCENARIO --runs N [--out DIR] [--seed S] [--no-summary] [--chunk C]
"""
import math
import os
import sys
import time

import numpy as np
import numba as nb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_setup import (ALIGN, AGREEMENT, CAPITAL_CONTROLS, EMBARGO, ENTITY, ESCALATE, EXPORT_CONTROL, FIN, IMPORT_BAN,
                        INVESTMENT, LN_PRICE_CAP, M_CAP, M_COMPL, M_COST, M_COV, M_CUT, M_GAIN, M_LEAK, M_RATE, M_RC,
                        M_RISK, M_SHARE, MFN, NEVER, NORMALIZE, PRICE_CAP, RESERVE_FREEZE, RETALIATE, SECONDARY, TARIFF,
                        draw_runs, load, read_run_params, parse_args, summarise, write_outputs)

FASTMATH = os.environ.get("PEER_FASTMATH", "1") == "1"


def csr(lists):
    ptr = np.zeros(len(lists) + 1, np.int64)
    for k, x in enumerate(lists):
        ptr[k + 1] = ptr[k] + len(x)
    idx = np.array([int(v) for x in lists for v in x], dtype=np.int64)
    return ptr, idx


def pack(S):
    """The scenario's arrays, as a tuple (order = the kernel's signature after the per-run ones)."""
    n, m = S.n, S.m
    f = np.float64
    sl = S.slots
    L = len(sl)
    covers = np.zeros((max(L, 1), m), np.bool_)
    for l, x in enumerate(sl):
        covers[l, x.sectors] = True
    R = S.rules
    r_pstep = np.array([1.0 - (1.0 - r.p) ** S.dt for r in R], f)
    w_ptr, w_l = csr([r.watch if r.kind in (RETALIATE, ALIGN) else [] for r in R])
    _, w_c = csr([r.make if r.kind in (RETALIATE, ALIGN) else [] for r in R])
    on_ptr, on_o = csr([r.on if r.kind == NORMALIZE else [] for r in R])
    lift_ptr, lift_l = csr([r.lift[o] for r in R if r.kind == NORMALIZE for o in r.on])
    return (n, m, S.P, S.steps, S.sm, S.dt, S.bins,
            S.gdp0.copy(), S.g.copy(), S.vol * S.vol_scale, np.log(S.gdp0) + S.g * (S.t0_offset - S.dt),
            S.series_of.copy(), S.world_data.copy(), S.world_has.copy(), S.ln_world_base.copy(), S.w_rev,
            S.w_mean_ln.copy(), S.w_vol, S.world_path == "flat",
            S.ev_rate * S.dt, S.ev_size.copy(),
            S.flows.reshape(-1).copy(), S.pi0.reshape(-1).copy(), S.a0.reshape(-1).copy(), S.dom0.reshape(-1).copy(),
            S.beta0.reshape(-1).copy(), S.alpha0.reshape(-1).copy(), S.k0.reshape(-1).copy(), S.q0.reshape(-1).copy(),
            S.y0.copy(), S.def0.copy(), S.world_income0, S.rest0.copy(), S.level_weight.reshape(-1).copy(),
            S.va.reshape(-1).copy(), S.mirror.reshape(-1).copy(), S.reroutable.copy(),
            S.numeraire, S.noise * math.sqrt(S.dt), S.kappa0, S.hub, S.kt, S.gamma, S.baseline.copy(), S.d0.copy(),
            np.array([a for a, b in S.pairs], np.int64), np.array([b for a, b in S.pairs], np.int64), S.T0.copy(),
            np.array([x.kind for x in sl], np.int64), np.array([x.by for x in sl], np.int64),
            np.array([x.target for x in sl], np.int64), covers,
            np.array([max(x.phase, 1) for x in sl], f), np.array([x.tension for x in sl], f),
            np.array([S.pidx[(x.by, x.target)] if x.by != x.target else -1 for x in sl], np.int64),
            np.array([x.follows for x in sl], np.int64), np.array([x.sched for x in sl], np.bool_),
            np.array([x.start if x.sched else NEVER for x in sl], np.int64),
            np.array([x.end if x.sched else NEVER for x in sl], np.int64),
            np.array([-1 if x.duration is None else max(int(x.duration), 1) for x in sl], np.int64),
            np.array([x.mag.get("hub", S.hub) for x in sl], np.int64), np.array([x.mag.get("target2", -1) for x in sl], np.int64),
            np.array([r.kind for r in R], np.int64), np.array([r.by for r in R], np.int64), np.array([r.p for r in R], f),
            r_pstep, np.array([r.lag for r in R], np.int64), np.array([r.first for r in R], np.int64),
            np.array([getattr(r, "threshold", 0.0) for r in R], f), np.array([getattr(r, "nsteps", 0) for r in R], np.int64),
            np.array([r.on if r.kind == ESCALATE else -1 for r in R], np.int64),
            np.array([r.make[0] if r.kind == ESCALATE else -1 for r in R], np.int64),
            w_ptr, w_l, w_c, on_ptr, on_o, lift_ptr, lift_l,
            np.array([i for i, j in S.trade_pairs], np.int64), np.array([j for i, j in S.trade_pairs], np.int64),
            np.array([i for i, j in S.transit_pairs], np.int64), np.array([j for i, j in S.transit_pairs], np.int64),
            S.o_transit, S.o_tension, S.o_gdp, S.o_price, S.o_world, S.o_rule, S.o_domestic, S.o_currency, S.o_xr,
            S.mirrored)


@nb.njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def intensities(k, sm, start, end, phase, own):
    """Each slot's share in force over step k: the mean over the step's months (levers.rs)."""
    for l in range(start.shape[0]):
        own[l] = 0.0
        for t in range(k * sm, (k + 1) * sm):
            if t >= start[l] and t < end[l]:
                own[l] += min((t - start[l] + 1) / phase[l], 1.0)
        own[l] /= sm


@nb.njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def kernel(N, c0, store, g,
           P_sig, P_esd, P_lam, P_eta, P_phi, P_psi, P_fc, P_sunk, P_rmem, P_shape, P_fsig, MAG,
           n, m, P, steps, sm, dt, B,
           gdp0, gg, gvol, log_trend0,
           series_of, wdata, whas, ln_wbase, w_rev, w_mean_ln, w_vol, flat,
           ev_rate_dt, ev_size,
           flows, pi0, a0, dom0, beta0, alpha0, k0, q0, y0, def0, world_income0, rest0, level_weight, va, mirror, reroutable,
           numeraire, nu, kappa0, hub0, kt, gamma, baseline, d0, pa, pb, T0,
           sl_kind, sl_by, sl_tgt, sl_covers, sl_phase, sl_tension, sl_pair, sl_follows, sl_sched, sl_start0, sl_end0,
           sl_dur, sl_hub, sl_t2,
           r_kind, r_by, r_p, r_pstep, r_lag, r_first, r_thr, r_nsteps, r_on1, r_make1,
           w_ptr, w_l, w_c, on_ptr, on_o, lift_ptr, lift_l,
           trade_i, trade_j, tr_i, tr_j,
           o_transit, o_tension, o_gdp, o_price, o_world, o_rule, o_domestic, o_currency, o_xr, mirrored):
    NR = m * n * n
    MN = m * n
    Q = ln_wbase.shape[0]
    L = sl_kind.shape[0]
    NRU = r_kind.shape[0]
    sqdt = math.sqrt(dt)
    drift = -0.5 * nu * nu
    # ---- per-run state (reused across runs); routes [s][i][j], producers [i][s], buyers [s][j] ----
    log_trend = np.empty(n); ytrend = np.empty(n); gdp = np.empty(n)
    log_world = np.empty(Q); lnW = np.empty(m); W = np.empty(m)
    log_price = np.empty(MN); price = np.empty(MN); log_cur = np.empty(n); currency = np.empty(n)
    demand_ratio = np.empty(MN); ext_gap = np.empty(n)
    inv_unit = np.empty(MN); inv_export = np.empty(MN); export_factor = np.empty(MN); price_pow = np.empty(MN)
    income = np.empty(n); deficit = np.empty(n); spending = np.empty(n); wedge = np.empty(n); markup = np.empty(n)
    sales = np.empty(MN); capacity = np.empty(MN); sold = np.empty(MN)
    direct = np.empty(NR); rer = np.empty(NR); domestic = np.empty(MN)
    td = np.empty(NR); tv = np.empty(NR); tdom = np.empty(MN); full = np.empty(NR); potential = np.empty(NR)
    expend = np.empty(MN); growth = np.empty(MN); denom = np.empty(MN); ln_index = np.empty(MN); dshare = np.empty(MN)
    can_buy = np.empty(MN, np.bool_)
    per_denom = np.empty(n); trend_of = np.empty(n); sspend = np.empty(m)
    cover_prev = np.empty(NR); active = np.empty(NR, np.int64); extensive = np.empty(NR); perceived = np.empty(NR)
    T = np.empty(P); ev = np.empty(P); target_T = np.empty(P)
    decided = np.empty(L, np.bool_); at_step = np.empty(L, np.int64)
    start = np.empty(L, np.int64); end = np.empty(L, np.int64)
    own = np.empty(L); a = np.empty(L); a_prev = np.empty(L)
    considered = np.empty((NRU, L), np.bool_); done = np.empty((NRU, n), np.bool_)
    calm = np.empty((NRU, n), np.int64); fired = np.empty(NRU, np.bool_)
    # frictions
    tau = np.empty(NR); cover = np.empty(NR); leak = np.empty(NR); hub = np.empty(NR, np.int64)
    kappa = np.empty(NR); strongest = np.empty(NR); risk = np.empty(NR); capm = np.empty(MN); tsh = np.empty(P)
    dcut = np.empty(n); tau_pow = np.empty(NR); tk_pow = np.empty(NR); inv_tau = np.empty(NR); inv_kappa = np.empty(NR)
    cap_x = np.empty(L * m, np.int64); cap_q = np.empty(L * m, np.int64); cap_v = np.empty(L * m); cap_c = np.empty(L * m)
    # per-run parameters
    om = np.empty(m); adj = np.empty(m); J = np.empty(n)
    profit = np.empty(B); aversion = np.empty(B); carried = np.empty(B + 1)
    trade = np.empty(NR)
    NS = store.shape[1]
    BLK = 16                                  # runs per flush: one 64-byte line of float32 per series and step
    obs = np.empty((BLK, steps, NS), np.float32)
    allbins = (1 << B) - 1
    for run in range(N):
        col = run % BLK
        ru = c0 + run
        sig = P_sig[ru]; esd = P_esd[ru]; eta = P_eta[ru]; mag = MAG[ru]
        phi_dt = P_phi[ru] * dt
        h_cur = P_psi[ru] * dt
        fcost = P_fc[ru]
        enter = fcost * (1.0 + P_sunk[ru])
        fade = math.exp(-P_rmem[ru] * dt)
        fsig = P_fsig[ru]
        # ---- what the run's parameters fix (prepared.rs, firms.rs Bins::new) ----
        for s in range(m):
            om[s] = 1.0 - sig[s]
            adj[s] = 1.0 - math.exp(-P_lam[ru, s] * dt)
        for i in range(n):
            jj = 0.0
            for s in range(m):
                if series_of[s] < 0:
                    jj += (q0[i * m + s] + k0[i * m + s] * max(sig[s] - 1.0, 0.0)
                           + dom0[s * n + i] * (1.0 - beta0[s * n + i]) * max(esd[s] - 1.0, 0.0))
            J[i] = max(jj / y0[i], 1.0) if y0[i] > 0.0 else 1.0
        kap = P_shape[ru] - (fsig - 1.0)
        carried[0] = 0.0
        for b in range(B):
            profit[b] = ((1.0 - (b + 0.5) / B) ** (-1.0 / kap)) ** (fsig - 1.0)
            u = (b + 0.5) * 0.6180339887498949
            u -= math.floor(u)
            aversion[b] = fsig * math.exp(math.log(0.25) + u * math.log(32.0))
            carried[b + 1] = carried[b] + 1.0 / B
        # ---- initial state: base-year flows grown to the start, base prices, no levers ----
        for i in range(n):
            log_trend[i] = log_trend0[i]
            gdp[i] = math.exp(log_trend0[i])
            ytrend[i] = gdp[i] / gdp0[i]
            log_cur[i] = 0.0
            currency[i] = 1.0
            ext_gap[i] = 0.0
            wedge[i] = 0.0
            markup[i] = 0.0
        for q in range(Q):
            log_world[q] = wdata[0, q] if whas[0, q] else ln_wbase[q]
        for s in range(m):
            q = series_of[s]
            lnW[s] = log_world[q] - ln_wbase[q] if q >= 0 else 0.0
            W[s] = math.exp(lnW[s])
        for s in range(m):
            w_eta = math.exp((1.0 - eta[s]) * lnW[s])
            for j in range(n):
                scale = ytrend[j] * w_eta
                expend[s * n + j] = a0[s * n + j] * scale
                domestic[s * n + j] = dom0[s * n + j] * scale
                for i in range(n):
                    r = (s * n + i) * n + j
                    direct[r] = flows[r] * scale
        nonworld_income = 0.0
        for i in range(n):
            for s in range(m):
                x = i * m + s
                log_price[x] = 0.0
                price[x] = 1.0
                demand_ratio[x] = 1.0
                sold[x] = 0.0
                if series_of[s] < 0:
                    nonworld_income += q0[x] * ytrend[i]
                else:
                    ex = domestic[s * n + i]
                    for j in range(n):
                        ex += direct[(s * n + i) * n + j]
                    sold[x] = ex / W[s]
        for r in range(NR):
            rer[r] = 0.0
            cover_prev[r] = 0.0
            active[r] = allbins
            extensive[r] = 1.0
            perceived[r] = 0.0
        for p in range(P):
            T[p] = T0[p]
        for l in range(L):
            decided[l] = sl_sched[l]
            at_step[l] = -1 if sl_sched[l] else NEVER
            start[l] = sl_start0[l]
            end[l] = sl_end0[l]
            a_prev[l] = -1.0
        for q in range(NRU):
            fired[q] = False
            for l in range(L):
                considered[q, l] = False
            for i in range(n):
                done[q, i] = False
                calm[q, i] = 0
        ncaps = 0
        for k in range(steps):
            # ---- 1. shocks (world.rs): output trend, world prices, political events ----
            for i in range(n):
                log_trend[i] += gg[i] * dt + gvol[i] * sqdt * g.standard_normal()
                ytrend[i] = math.exp(log_trend[i]) / gdp0[i]
            for q in range(Q):
                if flat:
                    log_world[q] = ln_wbase[q]
                elif whas[k, q]:
                    log_world[q] = wdata[k, q]
                else:
                    log_world[q] += w_rev * (w_mean_ln[q] - log_world[q]) * dt + w_vol * sqdt * g.standard_normal()
            for s in range(m):
                q = series_of[s]
                if q >= 0:
                    lnW[s] = log_world[q] - ln_wbase[q]
                    W[s] = math.exp(lnW[s])
            for p in range(P):
                ev[p] = 0.0
                if ev_rate_dt[p] > 0.0 and ev_size[p] > 0.0:
                    c = g.poisson(ev_rate_dt[p])
                    for _ in range(c):
                        ev[p] += g.standard_exponential() * ev_size[p]
            # ---- 2. governments: own intensities, rules in order, pending levers arrive ----
            intensities(k, sm, start, end, sl_phase, own)
            decided_now = False
            for q in range(NRU):
                if k < r_first[q]:
                    continue
                kind = r_kind[q]
                lag = r_lag[q]
                if kind == RETALIATE or kind == ALIGN:
                    for w in range(w_ptr[q], w_ptr[q + 1]):
                        l = w_l[w]
                        c = w_c[w]
                        if not (decided[l] and at_step[l] < k) or own[l] <= 0.0 or considered[q, l]:
                            continue
                        if kind == RETALIATE and done[q, sl_by[l]]:
                            continue
                        considered[q, l] = True
                        if g.random() < r_p[q]:
                            fired[q] = True
                            if lag == 0:
                                decided_now = True
                            decided[c] = True
                            at_step[c] = k + lag
                            start[c] = (k + lag) * sm
                            end[c] = NEVER
                            if kind == RETALIATE:
                                done[q, sl_by[l]] = True
                                if sl_dur[c] > 0:
                                    end[c] = start[c] + sl_dur[c]
                elif kind == ESCALATE:
                    o = r_on1[q]
                    a_, b_ = r_by[q], o
                    if a_ > b_:
                        a_, b_ = b_, a_
                    pidx = a_ * n - a_ * (a_ + 1) // 2 + (b_ - a_ - 1)
                    if done[q, o] or T[pidx] <= r_thr[q]:
                        continue
                    if g.random() < r_pstep[q]:
                        done[q, o] = True
                        fired[q] = True
                        if lag == 0:
                            decided_now = True
                        c = r_make1[q]
                        decided[c] = True
                        at_step[c] = k + lag
                        start[c] = (k + lag) * sm
                        end[c] = NEVER if sl_dur[c] <= 0 else start[c] + sl_dur[c]
                else:  # NORMALIZE
                    for oi in range(on_ptr[q], on_ptr[q + 1]):
                        o = on_o[oi]
                        if done[q, o]:
                            continue
                        sanc = False
                        for x in range(lift_ptr[oi], lift_ptr[oi + 1]):
                            l = lift_l[x]
                            if decided[l] and at_step[l] < k and own[l] > 0.0:
                                sanc = True
                        if not sanc:
                            calm[q, o] = 0
                            continue
                        a_, b_ = r_by[q], o
                        if a_ > b_:
                            a_, b_ = b_, a_
                        pidx = a_ * n - a_ * (a_ + 1) // 2 + (b_ - a_ - 1)
                        if T[pidx] < r_thr[q]:
                            calm[q, o] += 1
                        else:
                            calm[q, o] = 0
                        if calm[q, o] < r_nsteps[q]:
                            continue
                        calm[q, o] = 0
                        if g.random() < r_p[q]:
                            done[q, o] = True
                            fired[q] = True
                            lift_at = (k + lag) * sm
                            for x in range(lift_ptr[oi], lift_ptr[oi + 1]):
                                l = lift_l[x]
                                if decided[l] and at_step[l] < k and start[l] <= lift_at:
                                    end[l] = min(end[l], lift_at)
                                elif decided[l] and at_step[l] >= k:
                                    decided[l] = False
                                    at_step[l] = NEVER
                                    start[l] = NEVER
                                    end[l] = NEVER
                            intensities(k, sm, start, end, sl_phase, own)   # later rules see the lifted levers
            if decided_now:
                intensities(k, sm, start, end, sl_phase, own)
            changed = k == 0                          # the frictions of the first step, levers or not
            for l in range(L):
                al = own[l] if (decided[l] and at_step[l] <= k) else 0.0
                f = sl_follows[l]
                if f >= 0 and al > 0.0 and start[f] < (k + 1) * sm and own[f] <= 0.0:
                    al = 0.0
                a[l] = al
                if al != a_prev[l]:
                    changed = True
            # ---- 3. trade costs (levers.rs), only when an intensity changed ----
            if changed:
                for l in range(L):
                    a_prev[l] = a[l]
                for r in range(NR):
                    tau[r] = 1.0; cover[r] = 1.0; leak[r] = 0.0; hub[r] = hub0; kappa[r] = kappa0
                    strongest[r] = 0.0; risk[r] = 0.0
                for x in range(MN):
                    capm[x] = 1.0
                for p in range(P):
                    tsh[p] = 0.0
                for i in range(n):
                    dcut[i] = 0.0
                ncaps = 0
                for l in range(L):
                    al = a[l]
                    if al <= 0.0:
                        continue
                    by, t, kd = sl_by[l], sl_tgt[l], sl_kind[l]
                    if sl_pair[l] >= 0:
                        tsh[sl_pair[l]] += sl_tension[l] * al
                    if kd == CAPITAL_CONTROLS:
                        dcut[by] += mag[l, M_SHARE] * al
                    elif kd == RESERVE_FREEZE:
                        dcut[t] += mag[l, M_SHARE] * al
                    for s in range(m):
                        if not sl_covers[l, s]:
                            continue
                        if kd == TARIFF or kd == MFN:
                            tau[(s * n + t) * n + by] *= 1.0 + mag[l, M_RATE] * al
                        elif kd == PRICE_CAP:
                            cap_x[ncaps] = t * m + s
                            cap_q[ncaps] = series_of[s]
                            cap_v[ncaps] = mag[l, M_CAP]
                            cap_c[ncaps] = mag[l, M_COMPL] * al
                            ncaps += 1
                        elif kd == EXPORT_CONTROL or kd == IMPORT_BAN or kd == EMBARGO:
                            cv = mag[l, M_COV] * al
                            rk = mag[l, M_RISK] * al
                            for d in range(2):
                                if d == 0 and kd == IMPORT_BAN:
                                    continue
                                if d == 1 and kd == EXPORT_CONTROL:
                                    continue
                                r = (s * n + by) * n + t if d == 0 else (s * n + t) * n + by
                                cover[r] *= 1.0 - min(max(cv, 0.0), 1.0)
                                if reroutable[s]:
                                    leak[r] = max(leak[r], mag[l, M_LEAK])
                                if cv > strongest[r]:
                                    strongest[r] = cv
                                    hub[r] = sl_hub[l]
                                risk[r] = min(risk[r] + rk, 1.0)
                        elif kd == FIN or kd == ENTITY or kd == SECONDARY or kd == AGREEMENT or kd == INVESTMENT:
                            u_, v_ = (t, sl_t2[l]) if kd == SECONDARY else (by, t)
                            x1, x2 = (s * n + u_) * n + v_, (s * n + v_) * n + u_
                            if kd == FIN or kd == ENTITY or kd == SECONDARY:
                                rk = mag[l, M_RISK] * al
                                risk[x1] = min(risk[x1] + rk, 1.0)
                                risk[x2] = min(risk[x2] + rk, 1.0)
                            if kd == FIN or kd == SECONDARY:
                                fac = 1.0 + mag[l, M_COST] * al
                            elif kd == AGREEMENT:
                                fac = 1.0 / (1.0 + mag[l, M_CUT] * al)
                            elif kd == INVESTMENT:
                                fac = 1.0 - mag[l, M_CUT] * al
                                capm[t * m + s] *= 1.0 + mag[l, M_GAIN] * al
                            else:
                                fac = 1.0                 # entity listings: risk only (firms on)
                            tau[x1] *= fac
                            tau[x2] *= fac
                            if kd == FIN:
                                for q in range(n):
                                    kappa[(s * n + t) * n + q] += mag[l, M_RC] * al
                                    if q != t:
                                        kappa[(s * n + q) * n + t] += mag[l, M_RC] * al
                for r in range(NR):
                    cover[r] = 1.0 - cover[r]
                for l in range(L):
                    if sl_kind[l] == SECONDARY and a[l] > 0.0:
                        t2 = sl_t2[l]
                        for s in range(m):
                            if not sl_covers[l, s]:
                                continue
                            for q in range(n):
                                if q == t2:
                                    continue
                                for r in ((s * n + t2) * n + q, (s * n + q) * n + t2):
                                    if hub[r] == sl_tgt[l]:
                                        leak[r] *= 1.0 - mag[l, M_CUT] * a[l]
                for r in range(NR):
                    s = r // (n * n)
                    tau_pow[r] = tau[r] ** om[s]
                    inv_tau[r] = 1.0 / tau[r]
                    inv_kappa[r] = 1.0 / (1.0 + kappa[r])
                    tk_pow[r] = (tau[r] * (1.0 + kappa[r])) ** om[s] if cover[r] > 0.0 and leak[r] > 0.0 else 0.0
                for p in range(P):
                    target_T[p] = min(max(baseline[p] + tsh[p], 0.0), 1.0)
            # ---- 4. producers re-price (exporters.rs) ----
            if phi_dt > 0.0:
                for x in range(MN):
                    if q0[x] > 0.0:
                        s = x % m
                        log_price[x] += phi_dt * math.log(min(max(demand_ratio[x], 1e-3), 1e3)) / (1.0 + phi_dt * sig[s])
                        price[x] = math.exp(log_price[x])
            # ---- 4a. currency agents (currency.rs), then every economy's output price level ----
            for i in range(n):
                if i != numeraire:
                    log_cur[i] += h_cur * math.log(min(max(1.0 + ext_gap[i], 1e-3), 1e3)) / (1.0 + h_cur * J[i])
            for i in range(n):
                idx = 0.0
                for s in range(m):
                    idx += level_weight[i * m + s] * log_price[i * m + s]
                if i == numeraire:
                    log_cur[i] = -idx
                currency[i] = math.exp(log_cur[i] + idx)
            # ---- 5. budget: income, deficit, spending ----
            nonworld = 0.0
            for i in range(n):
                y = 0.0
                cur = math.exp(log_cur[i])
                for s in range(m):
                    if series_of[s] < 0:
                        x = i * m + s
                        y += q0[x] * ytrend[i] * capm[x] * price[x] * cur
                income[i] = y
                nonworld += y
            grown = nonworld / nonworld_income if nonworld_income > 0.0 else 1.0
            nonworld_income = nonworld
            world_income = 0.0
            for i in range(n):
                y = income[i]
                for s in range(m):
                    if series_of[s] >= 0:
                        x = i * m + s
                        y += sold[x] * grown * price[x] * W[s]
                y += wedge[i] + markup[i]
                income[i] = y
                world_income += y
            for i in range(n):
                deficit[i] = def0[i] * world_income / world_income0
            for x in range(n):
                cut = dcut[x] * gdp[x]
                if cut == 0.0:
                    continue
                others = world_income - income[x]
                deficit[x] -= cut
                for q in range(n):
                    if q != x:
                        deficit[q] += cut * income[q] / others
            for i in range(n):
                spending[i] = max(income[i] + deficit[i], 1e-3 * income[i])
            # ---- 6. importers allocate (importers.rs, domestic.rs) ----
            for i in range(n):
                for s in range(m):
                    x = i * m + s
                    wp = series_of[s] >= 0
                    lc = 0.0 if wp else log_cur[i]
                    price_pow[x] = math.exp(om[s] * (log_price[x] + lc))
                    inv_unit[x] = 1.0 / (price[x] * W[s] * math.exp(lc))
                    inv_export[x] = inv_unit[x]
                    export_factor[x] = 1.0
            for c in range(ncaps):          # price caps: the complying share is paid at most the cap
                x = cap_x[c]
                level = math.exp(log_world[cap_q[c]]) * price[x]
                fx = 1.0 - cap_c[c] * max(1.0 - cap_v[c] / level, 0.0)
                export_factor[x] *= fx
                inv_export[x] /= fx
            for i in range(n):
                wedge[i] = 0.0
                markup[i] = 0.0
            # import composite per buyer and sector, then the upper nest and the sector's index
            for s in range(m):
                for j in range(n):
                    den = 0.0
                    for i in range(n):
                        r = (s * n + i) * n + j
                        pp = price_pow[i * m + s]
                        fw = pi0[r] * (1.0 - cover[r]) * (pp * tau_pow[r])
                        full[r] = fw
                        td[r] = fw * extensive[r]
                        tv[r] = pi0[r] * cover[r] * leak[r] * (pp * tk_pow[r])
                        den += td[r] + tv[r]
                    sj = s * n + j
                    denom[sj] = den
                    ln_pm = min(math.log(den) / om[s], LN_PRICE_CAP) if den > 1e-300 else 0.0
                    lc = 0.0 if series_of[s] >= 0 else log_cur[j]
                    ome = 1.0 - esd[s]
                    dom = beta0[sj] * math.exp(ome * (log_price[j * m + s] + lc))
                    imp = (1.0 - beta0[sj]) * math.exp(ome * ln_pm) if den > 1e-300 else 0.0
                    uu = dom + imp
                    if uu <= 1e-300:
                        dshare[sj] = 0.0                  # nothing of the sector can be bought
                        can_buy[sj] = False
                    else:
                        can_buy[sj] = True
                        dshare[sj] = dom / uu
                        ln_index[sj] = min(math.log(uu) / ome, LN_PRICE_CAP)
            # spending per sector: the economy's spending split by base shares moved by (W P)^(1-eta)
            for j in range(n):
                wsum = 0.0
                for s in range(m):
                    sj = s * n + j
                    if not can_buy[sj]:
                        sspend[s] = 0.0
                    else:
                        sspend[s] = alpha0[sj] * math.exp((1.0 - eta[s]) * (lnW[s] + ln_index[sj]))
                    wsum += sspend[s]
                for s in range(m):
                    sj = s * n + j
                    e = spending[j] * sspend[s] / wsum if wsum > 0.0 else 0.0
                    growth[sj] = e / expend[sj] if expend[sj] > 0.0 else 1.0
                    expend[sj] = e
            # targets, and each producer's notional demand against its capacity
            for s in range(m):
                wp = series_of[s] >= 0
                w_inv = 1.0 / W[s]
                for j in range(n):
                    sj = s * n + j
                    e = expend[sj]
                    to_imports = e * (1.0 - dshare[sj])
                    per_denom[j] = to_imports / denom[sj] if denom[sj] > 1e-300 else 0.0
                    tdom[sj] = e * dshare[sj]
                    if denom[sj] > 1e-300:
                        wedge[j] += to_imports
                    trend_of[j] = e * (1.0 - beta0[sj]) * w_inv
                for i in range(n):
                    x = i * m + s
                    demand = 0.0
                    trend_demand = 0.0
                    value = 0.0
                    ef = export_factor[x]
                    for j in range(n):
                        r = (s * n + i) * n + j
                        potential[r] = full[r] * per_denom[j] * inv_tau[r]
                        fj = per_denom[j] * inv_tau[r] * ef
                        td[r] *= fj
                        tv[r] *= fj
                        paid = td[r] + tv[r] * inv_kappa[r]
                        demand += paid * inv_export[x]
                        value += paid
                        trend_demand += trend_of[j] * pi0[r]
                        wedge[j] -= td[r] + tv[r]
                        if tv[r] > 0.0:
                            markup[hub[r]] += tv[r] * (1.0 - inv_kappa[r])
                    si = s * n + i
                    demand += tdom[si] * inv_unit[x]
                    value += tdom[si]
                    trend_demand += expend[si] * beta0[si] * w_inv
                    cp = trend_demand * capm[x] if wp else q0[x] * ytrend[i] * capm[x]
                    demand_ratio[x] = demand / cp if cp > 0.0 else 1.0
                    sales[x] = value
                    capacity[x] = cp
                    if wp:
                        sold[x] = value * inv_unit[x]
            # external balance: gap of domestically priced output; its producers' demand relative to it
            for i in range(n):
                sd_ = 0.0
                can = 0.0
                for s in range(m):
                    if series_of[s] < 0:
                        sd_ += sales[i * m + s]
                        can += capacity[i * m + s] / inv_unit[i * m + s]
                ext_gap[i] = (sd_ - can) / income[i] if income[i] > 0.0 else 0.0
                util = sd_ / can if can > 0.0 else 1.0
                for s in range(m):
                    if series_of[s] < 0:
                        demand_ratio[i * m + s] /= util
            # ---- 6b. firms (firms.rs): bins stay, leave or enter each market ----
            for s in range(m):
                for j in range(n):
                    sj = s * n + j
                    size = expend[sj] / a0[sj] if a0[sj] > 0.0 else 0.0
                    for i in range(n):
                        r = (s * n + i) * n + j
                        base = flows[r]
                        if base <= 0.0:
                            continue
                        perceived[r] = max(risk[r], perceived[r] * fade)
                        rk = perceived[r]
                        gr = potential[r] / (base * size) if size > 0.0 else 0.0
                        mask = active[r]
                        if rk == 0.0 and mask == allbins and gr * profit[0] >= fcost:
                            continue
                        nxt = 0
                        cnt = 0
                        for b in range(B):
                            net = gr * profit[b] * (1.0 - aversion[b] * rk)
                            hurdle = fcost if (mask >> b) & 1 else enter
                            if net >= hurdle:
                                nxt |= 1 << b
                                cnt += 1
                        active[r] = nxt
                        extensive[r] = carried[cnt]
            # ---- 7. trade adjusts (trade.rs): spending, newly covered share, partial adjustment, noise ----
            for r in range(NR):
                if pi0[r] <= 0.0:
                    continue
                s = r // (n * n)
                j = r % n
                gj = growth[s * n + j]
                c_now, c_prev = cover[r], cover_prev[r]
                xg = direct[r] * gj
                if c_now > c_prev and c_prev < 1.0:
                    xg *= (1.0 - c_now) / (1.0 - c_prev)
                xg += adj[s] * (td[r] - xg)
                if nu > 0.0:
                    xg *= math.exp(nu * g.standard_normal() + drift)
                direct[r] = max(xg, 0.0)
                cover_prev[r] = c_now
                v = rer[r] * gj
                v += adj[s] * (tv[r] - v)
                if nu > 0.0 and v > 0.0:
                    v *= math.exp(nu * g.standard_normal() + drift)
                rer[r] = v if v > 1e-9 else 0.0
            for sj in range(MN):
                s = sj // n
                d = domestic[sj] * growth[sj]
                domestic[sj] = max(d + adj[s] * (tdom[sj] - d), 0.0)
            # GDP: the rest of the economy at its price level, value added of what was sold, wedge, mark-ups
            for i in range(n):
                gi = rest0[i] * ytrend[i] * currency[i] + wedge[i] + markup[i]
                for s in range(m):
                    sl_ = domestic[s * n + i]
                    for j in range(n):
                        r = (s * n + i) * n + j
                        sl_ += direct[r] + rer[r] * inv_kappa[r]
                    gi += va[i * m + s] * sl_
                gdp[i] = gi
            # ---- 8. tension (tension.rs) ----
            for p in range(P):
                aa, bb = pa[p], pb[p]
                d = 0.0
                if d0[p] > 0.0:
                    tr = 0.0
                    for s in range(m):
                        x1, x2 = (s * n + aa) * n + bb, (s * n + bb) * n + aa
                        tr += direct[x1] + direct[x2] + rer[x1] + rer[x2]
                    d = tr / (gdp[aa] + gdp[bb]) / d0[p]
                tt = T[p]
                tt = tt + kt * (target_T[p] - tt) * dt + ev[p] - gamma * d * tt * dt
                T[p] = min(max(tt, 0.0), 1.0)
            # ---- observation (mod.rs observe) ----
            for r in range(NR):
                trade[r] = direct[r]
            for r in range(NR):
                v = rer[r]
                if v > 0.0:
                    s = r // (n * n)
                    i = (r // n) % n
                    hb = hub[r]
                    trade[(s * n + i) * n + hb] += v * inv_kappa[r]
                    trade[(s * n + hb) * n + r % n] += v
            out = obs[col, k]
            o = 0
            for x in range(trade_i.shape[0]):
                tot = 0.0
                for s in range(m):
                    v = trade[(s * n + trade_i[x]) * n + trade_j[x]]
                    out[o + s] = v
                    tot += v
                out[o + m] = tot
                o += m + 1
            o = o_transit
            for x in range(tr_i.shape[0]):
                tot = 0.0
                for s in range(m):
                    v = rer[(s * n + tr_i[x]) * n + tr_j[x]]
                    out[o + s] = v
                    tot += v
                out[o + m] = tot
                o += m + 1
            for p in range(P):
                out[o_tension + p] = T[p]
            for i in range(n):
                out[o_gdp + i] = gdp[i]
            for x in range(MN):
                out[o_price + x] = price[x]
            for q in range(Q):
                out[o_world + q] = math.exp(log_world[q])
            for q in range(NRU):
                out[o_rule + q] = 1.0 if fired[q] else 0.0
            o = o_domestic
            for j in range(n):
                tot = 0.0
                for s in range(m):
                    out[o + s] = domestic[s * n + j]
                    tot += domestic[s * n + j]
                out[o + m] = tot
                o += m + 1
            for i in range(n):
                out[o_currency + i] = currency[i]
            if mirrored:
                o = o_xr
                for i in range(n):
                    for j in range(n):
                        if j != i:
                            tot = 0.0
                            for s in range(m):
                                r = (s * n + i) * n + j
                                tot += trade[r] * mirror[r]
                            out[o] = tot
                            o += 1
        if col == BLK - 1 or run == N - 1:       # flush the block into the (steps, series, runs) store
            first = run - col
            for k in range(steps):
                for x in range(NS):
                    for b in range(col + 1):
                        store[k, x, first + b] = obs[b, k, x]


def per_run_args(D):
    return (D["sigma"], D["esubd"], D["lambda"], D["eta"], D["phi"][:, 0].copy(), D["currency_speed"][:, 0].copy(),
            D["fixed_cost"][:, 0].copy(), D["sunk_cost"][:, 0].copy(), D["risk_memory"][:, 0].copy(),
            D["pareto_shape"][:, 0].copy(), D["firm_sigma"][:, 0].copy(), D["mag"])


def main():
    args = parse_args("runs per kernel call when --no-summary")
    S = load(args.scenario, args.data)
    seed = args.seed if args.seed is not None else S.seed
    args_k = pack(S)
    N = args.runs
    given = read_run_params(args.run_params) if args.run_params else None
    D = draw_runs(S, N, np.random.Generator(np.random.SFC64([seed, 1])), given=given)   # the priors' own generator
    g = np.random.Generator(np.random.SFC64(seed))                               # NumPy's fastest bit generator
    tc = time.perf_counter()
    D1 = draw_runs(S, 1, np.random.Generator(np.random.SFC64(0)))
    kernel(1, 0, np.empty((S.steps, S.NS, 1), np.float32), np.random.Generator(np.random.SFC64(0)),
           *per_run_args(D1), *args_k)                                           # compile / load cache
    tc = time.perf_counter() - tc
    store = np.empty((S.steps, S.NS, args.chunk if args.no_summary else N), np.float32)
    pr = per_run_args(D)
    t0 = time.perf_counter()
    if args.no_summary:
        for c0 in range(0, N, args.chunk):
            kernel(min(args.chunk, N - c0), c0, store, g, *pr, *args_k)
    else:
        kernel(N, 0, store, g, *pr, *args_k)
    t1 = time.perf_counter()
    summary = None if args.no_summary else summarise(S, store)
    t2 = time.perf_counter()
    sim, summ = t1 - t0, t2 - t1
    if args.out and not args.no_summary:
        write_outputs(args.out, S, store, summary, args.keep_runs)

    print("peer_numba: %d runs: simulate %.3f s (%.1f runs/s), summary %.3f s; with summary %.1f runs/s (jit/load %.2f s)"
          % (N, sim, N / sim, summ, N / (sim + summ), tc))
    print("RESULT sim_s=%.4f summary_s=%.4f runs=%d" % (sim, summ, N))


if __name__ == "__main__":
    main()
