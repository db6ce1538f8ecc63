#!/usr/bin/env bash
# Side-by-side benchmark: tradesim (1 and 2 threads) against the Python peers (1 thread), on
# scenarios/sanctions_2022.toml (model version 2, every channel on), alternating the programs,
# REPS repetitions each. tradesim runs the scenario alone (--no-baseline: the scenario's
# `baseline` key would pair every run with a baseline run, twice the work the peers do).
#
#   benches/peer/bench.sh    # env overrides: REPS N_TS N_NP N_NB MAIN TS PY OUT PEERS
#
# MAIN (the project root) defaults to two levels up from this script (benches/peer/), else the
# current directory. PEERS: the peers to time (default: those that implement version 2).
#
# runs/s: tradesim's own figure (simulation + its summaries, excluding loading and CSV writing).
# Peers (setup, JIT compilation and CSV writing excluded):
#   "simulation only": --no-summary, runs in chunks, each step's observation built (bounded memory);
#   "with summary":    every run's observations kept in a float32 store (steps x series x runs),
#                      then calendar-year values, means and np.quantile per step and per year.
# Prints a table, then one final line:
#   ratio_1t=... ratio_2t=... tradesim_2t_runs_s=... peer_runs_s=...
# with ratio = tradesim runs/s (1 or 2 threads) / peer runs/s (1 thread, with summary), medians,
# peer = the faster of the two peers.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${MAIN:-}" ]; then   # the project root
  MAIN="$(cd "$HERE/../.." && pwd)"
  [ -f "$MAIN/scenarios/sanctions_2022.toml" ] || MAIN="$PWD"
fi
TS="${TS:-$MAIN/target/release/tradesim}"
REPS="${REPS:-3}"
N_TS="${N_TS:-20000}"     # tradesim runs
N_NP="${N_NP:-12000}"     # numpy peer runs (with summary: all runs in a float32 store, ~126 KB per run; ~200 runs/s)
N_NB="${N_NB:-36000}"     # numba peer runs (~500 runs/s)
SCEN="$MAIN/scenarios/sanctions_2022.toml"
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
[ -x "$TS" ] || { mkdir -p "$(dirname "$TS")"; cp "$MAIN/target/release/tradesim" "$TS"; }
# one thread for every library; the OpenBLAS core-type overrides slow a current NumPy
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1
PY="${PY:-python3}"
PEERS="${PEERS:-numba numpy}"
has() { case " $PEERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
LOG="$OUT/bench.log"; : > "$LOG"
echo "# $(date -u +%FT%TZ) $(getconf _NPROCESSORS_ONLN) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
$PY -c "import numpy, numba, threadpoolctl; print('# numpy', numpy.__version__, 'numba', numba.__version__, [(d['internal_api'], d['num_threads'], d.get('architecture')) for d in threadpoolctl.threadpool_info()])" | tee -a "$LOG"
# warm-up: numba compiles once into its cache (not timed), the OS caches the files
(cd "$MAIN" && $PY "$HERE/peer_numba.py" "$SCEN" --runs 200 >/dev/null)
if has numpy; then (cd "$MAIN" && $PY "$HERE/peer_numpy.py" "$SCEN" --runs 200 >/dev/null); fi
"$TS" run "$SCEN" --runs 1000 --threads 1 --no-charts --no-baseline --out "$OUT/ts" -q >/dev/null 2>&1 || true

ts_run() {  # threads
  local line
  line=$(cd "$MAIN" && "$TS" run "$SCEN" --runs "$N_TS" --threads "$1" --no-charts --no-baseline --out "$OUT/ts$1" 2>&1 | grep "runs/s" | tail -1)
  echo "$line" >> "$LOG"
  echo "$line" | sed -E 's/.*\(([0-9.]+) runs\/s\).*/\1/'
}
peer_run() {  # script runs [extra args]
  local line
  line=$(cd "$MAIN" && $PY "$HERE/$1" "$SCEN" --runs "$2" "${@:3}" | grep RESULT)
  echo "$1 ${*:3} $line" >> "$LOG"
  echo "$line" | sed -E 's/RESULT sim_s=([0-9.]+) summary_s=([0-9.]+) runs=([0-9]+)/\1 \2 \3/'
}
declare -a T1 T2 NBS NBW NBQ NPS NPW NPQ
for r in $(seq 1 "$REPS"); do
  T1+=("$(ts_run 1)")
  read -r s q n <<<"$(peer_run peer_numba.py "$N_NB")"            # all runs stored, then the summary
  NBW+=("$(echo "$n / ($s + $q)" | bc -l)"); NBQ+=("$(echo "$q / ($s + $q)" | bc -l)")
  T2+=("$(ts_run 2)")
  if has numpy; then
    read -r s q n <<<"$(peer_run peer_numpy.py "$N_NP")"
    NPW+=("$(echo "$n / ($s + $q)" | bc -l)"); NPQ+=("$(echo "$q / ($s + $q)" | bc -l)")
  else
    NPW+=(0); NPQ+=(0)
  fi
  read -r s q n <<<"$(peer_run peer_numba.py "$N_NB" --no-summary)"   # simulation and observations only, chunked
  NBS+=("$(echo "$n / $s" | bc -l)")
  if has numpy; then
    read -r s q n <<<"$(peer_run peer_numpy.py "$N_NP" --no-summary)"
    NPS+=("$(echo "$n / $s" | bc -l)")
  else
    NPS+=(0)
  fi
  echo "# rep $r: ts1=${T1[-1]} ts2=${T2[-1]} numba sim=${NBS[-1]%.*} with-summary=${NBW[-1]%.*}; numpy sim=${NPS[-1]%.*} with-summary=${NPW[-1]%.*}; load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$LOG"
done
$PY - "$N_TS" "$N_NP" "$N_NB" "${T1[*]}" "${T2[*]}" "${NBS[*]}" "${NBW[*]}" "${NPS[*]}" "${NPW[*]}" "${NBQ[*]}" "${NPQ[*]}" <<'EOF'
import statistics as st, sys
n_ts, n_np, n_nb = sys.argv[1:4]
rows = [("tradesim, 1 thread (incl. its summaries)", n_ts, sys.argv[4]), ("tradesim, 2 threads (incl. its summaries)", n_ts, sys.argv[5]),
        ("peer_numba, 1 thread, simulation only (chunked)", n_nb, sys.argv[6]), ("peer_numba, 1 thread, with summary (store + np.quantile)", n_nb, sys.argv[7]),
        ("peer_numpy, 1 thread, simulation only (chunked)", n_np, sys.argv[8]), ("peer_numpy, 1 thread, with summary (store + np.quantile)", n_np, sys.argv[9])]
qshare = {"numba": st.median([float(x) for x in sys.argv[10].split()]), "numpy": st.median([float(x) for x in sys.argv[11].split()])}
v = {}
print("| program | runs | runs/s min | runs/s median | runs/s max |")
print("|---|---|---|---|---|")
for name, n, xs in rows:
    xs = [float(x) for x in xs.split()]
    v[name] = st.median(xs)
    if max(xs) == 0:
        print("| %s | - | not run (PEERS) | | |" % name)
        continue
    print("| %s | %s | %.0f | %.0f | %.0f |" % (name, n, min(xs), st.median(xs), max(xs)))
t1, t2 = v[rows[0][0]], v[rows[1][0]]
nb_w, np_w, nb_s, np_s = v[rows[3][0]], v[rows[5][0]], v[rows[2][0]], v[rows[4][0]]
peer, pname = (nb_w, "numba") if nb_w >= np_w else (np_w, "numpy")
peer_s, sname = (nb_s, "numba") if nb_s >= np_s else (np_s, "numpy")
print("summary phase (annual values, means, np.quantile) share of the with-summary time: numba %.0f%%, numpy %.0f%%" % (100 * qshare["numba"], 100 * qshare["numpy"]))
print("ratios (tradesim / fastest peer, medians): with summary (%s) 1t %.2f, 2t %.2f; simulation only (%s) 1t %.2f, 2t %.2f"
      % (pname, t1 / peer, t2 / peer, sname, t1 / peer_s, t2 / peer_s))
print("ratio_1t=%.2f ratio_2t=%.2f tradesim_1t_runs_s=%.0f tradesim_2t_runs_s=%.0f peer_runs_s=%.0f peer=%s peer_sim_only_runs_s=%.0f sim_only_ratio_1t=%.2f"
      % (t1 / peer, t2 / peer, t1, t2, peer, pname, peer_s, t1 / peer_s))
EOF
