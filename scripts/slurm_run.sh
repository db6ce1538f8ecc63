#!/usr/bin/env bash
# A real scale-out run under Slurm on this one machine: a throwaway single-node cluster runs
# the shipped batch as a job array of shards, a dependent job merges them, and the merged
# directory is compared byte for byte with the unsharded batch. Not run by CI (see docs/slurm.md).
#
#   scripts/slurm_run.sh [--install] [--runs N] [--shards N] [--workdir DIR] [--batch FILE] [--clean]
#
#   --install       apt-get install slurm-wlm and munge if they are missing (otherwise the
#                   script stops and says what to install)
#   --runs N        runs per variant, passed to `tradesim batch --runs` (default: the batch
#                   file's own, 1,000 per variant)
#   --shards N      number of shards, the array size (default 3)
#   --workdir DIR   work directory (must be absent or empty; default: a new /tmp/tradesim-slurm.XXXXXX)
#   --batch FILE    batch file (default scenarios/interdependence.batch.toml)
#   --clean         remove the work directory at the end if the result is PASS (it is kept
#                   otherwise: shards, merged and unsharded results, job and daemon logs)
#
# The binary is $TRADESIM if set, else ${CARGO_TARGET_DIR:-target}/release/tradesim (build it
# first with `cargo build --release`). Run as root (the daemons and the jobs run as root).
#
# Everything the script writes is inside the work directory: slurm.conf (passed to every
# Slurm command by SLURM_CONF, /etc/slurm is not read or written), a munge key and munged's
# socket (slurm.conf's AuthInfo points at it, so a system munged, if any, is left alone), the
# daemons' state, spool and logs, the job scripts and their logs, the shards, the merged and
# the unsharded results. The only writes outside it are those of the apt-get install with
# --install (Debian's munge package also creates /etc/munge/munge.key if it is missing; this
# script does not use that key). On exit, whatever the outcome, jobs still queued or running
# are cancelled and the daemons it started are stopped, by their process ids.
# Exit code: 0 PASS, 1 FAIL (results differ or a job failed), 2 could not run.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=""
SHARDS=3
WORK=""
INSTALL=0
CLEAN=0
BATCH="$REPO/scenarios/interdependence.batch.toml"
while [ $# -gt 0 ]; do
    case "$1" in
        --install) INSTALL=1 ;;
        --clean) CLEAN=1 ;;
        --runs) RUNS=$2; shift ;;
        --shards) SHARDS=$2; shift ;;
        --workdir) WORK=$2; shift ;;
        --batch) BATCH=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

T0=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '[%6ss] %s\n' "$(secs "$T0" "$(date +%s.%N)")" "$*"; }
die() { say "ERROR: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "run as root (the script starts munged, slurmctld and slurmd)"
TRADESIM=${TRADESIM:-${CARGO_TARGET_DIR:-$REPO/target}/release/tradesim}
[ -x "$TRADESIM" ] || die "no binary at $TRADESIM: run 'cargo build --release' first, or set TRADESIM"
[ -f "$BATCH" ] || die "no batch file $BATCH"
case "$SHARDS" in ''|*[!0-9]*|0) die "--shards wants a positive number" ;; esac

# --- packages -------------------------------------------------------------------------
missing=()
for cmd in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ $INSTALL = 1 ]; then
        say "installing slurm-wlm and munge (missing: ${missing[*]})"
        # The Docker-style policy-rc.d of such images keeps apt from starting the daemons;
        # this script starts its own below.
        apt-get install -y -q --no-install-recommends slurm-wlm munge >"${TMPDIR:-/tmp}/slurm_run.apt.log" 2>&1 \
            || die "apt-get install failed: see ${TMPDIR:-/tmp}/slurm_run.apt.log (run 'apt-get update' first?)"
    else
        die "missing ${missing[*]}: apt-get install slurm-wlm munge, or run this script with --install"
    fi
fi
SLURM_VERSION=$(slurmctld -V)
say "$SLURM_VERSION, $(munged --version 2>&1 | head -1), $("$TRADESIM" --version | head -1)"

# --- work directory ---------------------------------------------------------------------
if [ -z "$WORK" ]; then
    WORK=$(mktemp -d /tmp/tradesim-slurm.XXXXXX)
else
    if [ -e "$WORK" ] && [ -n "$(ls -A "$WORK")" ]; then die "--workdir $WORK is not empty"; fi
    mkdir -p "$WORK"
    WORK=$(cd "$WORK" && pwd)
fi
chmod 755 "$WORK"
mkdir -p "$WORK"/{munge,state,spool,log,run,jobs,shards}
chmod 700 "$WORK/munge"
say "work directory $WORK"

HOST=$(hostname -s)
CPUS=$(nproc)
# Ports: the defaults unless something listens there already (another cluster on this machine).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
CTLD_PORT=6817; SLURMD_PORT=6818
if ! port_free $CTLD_PORT || ! port_free $SLURMD_PORT; then
    CTLD_PORT=16817; SLURMD_PORT=16818
    port_free $CTLD_PORT && port_free $SLURMD_PORT \
        || die "ports 6817/6818 and 16817/16818 are taken: is another Slurm running here?"
fi

export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
# Written by scripts/slurm_run.sh: a one-node cluster for one run, in $WORK.
ClusterName=tradesim
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge/munge.socket
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool/%n
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups (containers usually lack them): plain process tracking, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MinJobAge=3600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
say "slurm.conf: node $HOST, $CPUS CPUs, ports $CTLD_PORT/$SLURMD_PORT (SLURM_CONF=$SLURM_CONF)"

# --- daemons ----------------------------------------------------------------------------
PIDS=()
JOBS=()
cleanup() {
    local rc=$?
    if [ ${#JOBS[@]} -gt 0 ] && [ -n "$(squeue -h -j "$(IFS=,; echo "${JOBS[*]}")" 2>/dev/null)" ]; then
        scancel "${JOBS[@]}" 2>/dev/null || true
        for _ in $(seq 100); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
        say "cancelled the jobs still queued or running (${JOBS[*]})"
    fi
    for ((i=${#PIDS[@]}-1; i>=0; i--)); do
        kill "${PIDS[$i]}" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ ${#PIDS[@]} -gt 0 ]; then say "stopped the daemons this script started (pids ${PIDS[*]})"; fi
    if [ $rc = 0 ] && [ $CLEAN = 1 ]; then
        cd / && rm -rf -- "$WORK" && say "removed $WORK"
    else
        say "work directory kept: $WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The daemons run in sessions of their own (setsid): a Ctrl-C at the terminal reaches this
# script, whose exit trap cancels the jobs first and then stops the daemons, not the daemons
# directly (which would leave job steps behind).
# munged of our own, with its own key, socket, pid, log and seed files in $WORK/munge: it runs
# as root (--force), so the key is root's; /etc/munge is not used.
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
setsid munged --foreground --force \
    --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/munge.socket" \
    --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munge/munged.log" \
    --seed-file="$WORK/munge/munged.seed" >>"$WORK/munge/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$WORK/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$WORK/munge/munge.socket" ] || { cat "$WORK/munge/munged.out" "$WORK/munge/munged.log" 2>/dev/null >&2; die "munged did not start"; }
munge --socket="$WORK/munge/munge.socket" -n | unmunge --socket="$WORK/munge/munge.socket" >/dev/null \
    || die "munge credential round trip failed"
say "munged up (pid ${PIDS[-1]})"

setsid slurmctld -D -i >>"$WORK/log/slurmctld.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
scontrol ping | grep -q UP || { tail -20 "$WORK/log/slurmctld.out" "$WORK/log/slurmctld.log" >&2; die "slurmctld did not come up"; }
say "slurmctld up (pid ${PIDS[-1]})"

setsid slurmd -D >>"$WORK/log/slurmd.out" 2>&1 &
PIDS+=($!)
state=""
for _ in $(seq 150); do
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
if [ "$state" != idle ]; then
    tail -20 "$WORK/log/slurmd.out" "$WORK/log/slurmd.log" >&2
    die "node $HOST is not idle (state '${state:-?}')"
fi
T_UP=$(date +%s.%N)
say "slurmd up (pid ${PIDS[-1]}); sinfo:"
sinfo | sed 's/^/    /'

# --- jobs -------------------------------------------------------------------------------
RUNS_ARG=${RUNS:+--runs $RUNS}
RUNS_DESC=${RUNS:-the batch file\'s}
cat >"$WORK/jobs/shard.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=tradesim-shard
#SBATCH --array=0-$((SHARDS - 1))
#SBATCH --cpus-per-task=1
#SBATCH --chdir=$WORK
#SBATCH --output=$WORK/jobs/shard-%a.log
set -e
echo "task \${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT} on \$(hostname -s), \${SLURM_CPUS_PER_TASK} CPU, started \$(date -u +%T)"
"$TRADESIM" batch "$BATCH" $RUNS_ARG \\
  --shard "\${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT}" \\
  --threads "\${SLURM_CPUS_PER_TASK}" --quiet \\
  --out "shards/\${SLURM_ARRAY_TASK_ID}"
echo "finished \$(date -u +%T)"
EOF
cat >"$WORK/jobs/merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=tradesim-merge
#SBATCH --cpus-per-task=1
#SBATCH --chdir=$WORK
#SBATCH --output=$WORK/jobs/merge.log
set -e
echo "merge on \$(hostname -s), started \$(date -u +%T)"
"$TRADESIM" merge shards/* --out merged
echo "finished \$(date -u +%T)"
EOF

T_SUB=$(date +%s.%N)
ARRAY_ID=$(sbatch --parsable "$WORK/jobs/shard.sbatch")
JOBS+=("$ARRAY_ID")
MERGE_ID=$(sbatch --parsable --dependency=afterok:"$ARRAY_ID" --kill-on-invalid-dep=yes "$WORK/jobs/merge.sbatch")
JOBS+=("$MERGE_ID")
say "submitted array job $ARRAY_ID (tasks 0-$((SHARDS - 1)), $RUNS_DESC runs per variant) and merge job $MERGE_ID (afterok:$ARRAY_ID)"
squeue -o '%.12i %.16j %.9T %.20R' | sed 's/^/    /'

last=""
while :; do
    q=$(squeue -h -o '%i %T' 2>/dev/null | sort | tr '\n' ' ')
    [ -z "$q" ] && break
    if [ "$q" != "$last" ]; then say "queue: $q"; last=$q; fi
    sleep 1
done
T_DONE=$(date +%s.%N)

job_field() { scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
failed=0
for k in $(seq 0 $((SHARDS - 1))); do
    id="${ARRAY_ID}_$k"
    st=$(job_field "$id" JobState); ec=$(job_field "$id" ExitCode)
    say "task $id: $st, exit $ec, $(job_field "$id" StartTime) -> $(job_field "$id" EndTime) (RunTime $(job_field "$id" RunTime))"
    [ "$st" = COMPLETED ] || failed=1
done
st=$(job_field "$MERGE_ID" JobState); ec=$(job_field "$MERGE_ID" ExitCode)
say "merge $MERGE_ID: $st, exit $ec, $(job_field "$MERGE_ID" StartTime) -> $(job_field "$MERGE_ID" EndTime) (RunTime $(job_field "$MERGE_ID" RunTime))"
[ "$st" = COMPLETED ] || failed=1
if [ $failed = 1 ]; then
    for f in "$WORK"/jobs/*.log; do echo "--- $f"; tail -20 "$f"; done
    say "FAIL: a Slurm job did not complete (logs in $WORK/jobs, $WORK/log)"
    exit 1
fi

# --- the unsharded batch and the comparison ---------------------------------------------
say "unsharded batch (outside Slurm, all cores)"
T_B=$(date +%s.%N)
(cd "$WORK" && "$TRADESIM" batch "$BATCH" $RUNS_ARG --quiet --out unsharded) \
    || { say "FAIL: the unsharded batch failed"; exit 1; }
T_BE=$(date +%s.%N)

cd "$WORK"
for d in merged unsharded; do
    [ -f "$d/manifest.json" ] || { say "FAIL: no $WORK/$d/manifest.json"; exit 1; }
done
list() { (cd "$1" && find . -type f | sort); }
diffs=0
if ! diff <(list merged) <(list unsharded) >"$WORK/filelists.diff"; then
    say "the file lists differ:"; sed 's/^/    /' "$WORK/filelists.diff"; diffs=1
fi
nfiles=0; nbytes=0
while IFS= read -r f; do
    [ -f "unsharded/$f" ] || continue
    nfiles=$((nfiles + 1)); nbytes=$((nbytes + $(stat -c %s "merged/$f")))
    if [ "$(basename "$f")" = manifest.json ]; then
        if ! cmp -s <(grep -v '"command_line"' "merged/$f") <(grep -v '"command_line"' "unsharded/$f"); then
            say "differs: $f (apart from command_line)"; diffs=1
        fi
        if [ "$(grep -c '"command_line"' "merged/$f")" != 1 ]; then
            say "differs: $f has not exactly one command_line line"; diffs=1
        fi
    elif ! cmp -s "merged/$f" "unsharded/$f"; then
        say "differs: $f"; diffs=1
    fi
done < <(list merged)
say "manifest.json command_line lines (the one allowed difference):"
grep '"command_line"' merged/manifest.json unsharded/manifest.json | sed 's/^/    /'

echo
echo "Summary ($HOST, $CPUS CPUs, $SLURM_VERSION, batch $(basename "$BATCH"), $RUNS_DESC runs per variant, $SHARDS shards)"
echo "  cluster up:              $(secs "$T0" "$T_UP") s"
echo "  array + merge (Slurm):   $(secs "$T_SUB" "$T_DONE") s from submission to the last job's end"
echo "  unsharded batch:         $(secs "$T_B" "$T_BE") s"
echo "  compared:                $nfiles files, $nbytes bytes (manifest.json without its command_line line)"
echo "  total:                   $(secs "$T0" "$(date +%s.%N)") s"
if [ $diffs = 0 ]; then
    echo "PASS: the merged shards are byte-identical to the unsharded batch"
    exit 0
else
    echo "FAIL: the merged shards differ from the unsharded batch (see above; results in $WORK)"
    exit 1
fi
