#!/usr/bin/env bash
# Build the container images where the tools are: docker (container/Dockerfile, tag tradesim)
# and apptainer (container/tradesim.def -> tradesim.sif), then run `tradesim --version` and a
# tiny run in each. Says which tool is missing instead of failing. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
built=0
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker build -f container/Dockerfile --build-arg TRADESIM_GIT_COMMIT="$commit" -t tradesim .
  docker run --rm tradesim --version
  docker run --rm tradesim run /opt/tradesim/scenarios/baseline_2021.toml --runs 4 --no-charts --out /tmp/x
  docker image ls tradesim
  built=1
else
  echo "docker: not available (no client, or no daemon running): skipped"
fi
if command -v apptainer >/dev/null || command -v singularity >/dev/null; then
  tool=$(command -v apptainer || command -v singularity)
  TRADESIM_GIT_COMMIT="$commit" "$tool" build --force tradesim.sif container/tradesim.def
  "$tool" run tradesim.sif --version
  built=1
else
  echo "apptainer/singularity: not installed: skipped"
fi
[ "$built" = 1 ] || { echo "no container tool here: nothing built"; exit 0; }
