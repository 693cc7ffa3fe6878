#!/usr/bin/env bash
# Data-parallel search on one machine: 1 process x T threads against N ranks x (T/N) threads, alternated run by run.
# Usage: bash perf/mpi-scaling.sh [pairs=3] [ranks=2] [threads=2]
# Needs a Release build (dotnet build -c Release), Fashion-MNIST (apt-get install dataset-fashion-mnist) and
# Open MPI (apt-get install openmpi-bin). Prints, per run, shared-training steps/s of epoch 2 (epoch 1 pays the JIT),
# the controller phase's seconds, the all-reduce's bytes and seconds per step, and the whole command's wall time.
set -euo pipefail
pairs=${1:-3}; ranks=${2:-2}; threads=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
dll=$root/Enas.Search/bin/Release/net10.0/Enas.Search.dll
out=$(mktemp -d /tmp/enas-mpi-scaling.XXXX)
args=(--cells 5 --epochs 2 --train-subset 6400 --controller-steps 4 --derive-samples 10 --seed 1)
asroot=(); [ "$(id -u)" = 0 ] && asroot=(--allow-run-as-root)
report() { # run folder, label, wall seconds
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
folder, label, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
recs = [json.loads(l) for l in open(folder + "/metrics.jsonl")]
ep = [r for r in recs if r["kind"] == "epoch"][-1]
ct = [r for r in recs if r["kind"] == "controller"][-1]
ar = f", all-reduce {ep['allreduce_bytes_per_step']/1024:.1f} KiB in {ep['allreduce_seconds_per_step']*1e3:.2f} ms/step" if "allreduce_bytes_per_step" in ep else ""
print(f"{label}: epoch 2 {ep['steps']/ep['seconds']:.3f} steps/s ({ep['seconds']/ep['steps']*1e3:.1f} ms/step), "
      f"controller phase {ct['seconds']:.1f} s{ar}, wall {wall:.1f} s", flush=True)
PY
}
for i in $(seq 1 "$pairs"); do
  t0=$(date +%s.%N)
  ENAS_THREADS=$threads dotnet "$dll" "${args[@]}" --out "$out/one-$i" > "$out/one-$i.log" 2>&1
  report "$out/one-$i" "pair $i, 1 process x $threads threads" "$(echo "$(date +%s.%N) - $t0" | bc)"
  t0=$(date +%s.%N)
  OMPI_MCA_btl_vader_single_copy_mechanism=none mpirun "${asroot[@]}" --oversubscribe --bind-to none --mca btl self,vader \
    --mca mpi_yield_when_idle 1 -x ENAS_THREADS=$((threads / ranks)) -np "$ranks" \
    dotnet "$dll" "${args[@]}" --out "$out/mpi-$i" > "$out/mpi-$i.log" 2>&1
  report "$out/mpi-$i" "pair $i, $ranks ranks x $((threads / ranks)) thread(s)" "$(echo "$(date +%s.%N) - $t0" | bc)"
done
echo "runs and logs: $out"
