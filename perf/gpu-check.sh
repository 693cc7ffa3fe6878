#!/usr/bin/env bash
# One-shot GPU check for the ILGPU backend (target: under 8 minutes on an H100/H200).
#   1. prints the GPU, driver and toolchain;  2. builds Release;  3. runs the CUDA parity tests and the RNN search's
#   language-model tests on CUDA (they must RUN, not skip) and the PTX compilation tests;  4. times every ENAS kernel
#   shape with our kernels (perf/Enas.GpuBench) and with PyTorch/cuDNN (perf/gpu_reference.py, FP32 and
#   PyTorch-default configs);  5. prints one comparison table;  6. times the RNN search's shared training on cuda:0
#   and on the CPU when mini-PTB is found.
# Usage: perf/gpu-check.sh [output-dir]        (default: perf/out/gpu)
# Offline GPU machines (no NuGet): build here with
#   dotnet build Enas.Tests -c Release && dotnet build perf/Enas.GpuBench -c Release
# copy/carry Enas.Tests/bin/Release, Enas.Search/bin/Release and perf/Enas.GpuBench/bin/Release, and run with ENAS_SKIP_BUILD=1:
# the tests then run straight from the DLL (no MSBuild, no restore). Only the .NET 10 runtime/SDK is needed there.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT="${1:-perf/out/gpu}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
START=$(date +%s)
step() { printf '\n=== [%3ss] %s\n' "$(( $(date +%s) - START ))" "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

step "device and toolchain"
command -v nvidia-smi >/dev/null || fail "nvidia-smi not found: this script needs an NVIDIA GPU machine"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv || fail "nvidia-smi cannot query the GPU"
ls -l /usr/lib/x86_64-linux-gnu/libcuda.so* /usr/lib64/libcuda.so* 2>/dev/null || echo "(libcuda.so* not in the usual lib dirs; the loader path decides)"
command -v dotnet >/dev/null || fail "dotnet not found: install the .NET 10 SDK (https://dot.net) or put it on PATH"
dotnet --version
PYTHON="$(command -v python3 || true)"
HAVE_TORCH=0
if [[ -n "$PYTHON" ]] && "$PYTHON" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  HAVE_TORCH=1
  "$PYTHON" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version())"
else
  echo "WARNING: python3 with CUDA-enabled PyTorch not found; the table will have no PyTorch columns"
fi

if [[ "${ENAS_SKIP_BUILD:-0}" != "1" ]]; then
  step "build (Release)"
  dotnet build Enas.Tests/Enas.Tests.csproj -c Release -nologo -v q 2>&1 | tail -n 3 || fail "build of Enas.Tests failed (offline? run 'dotnet restore' where NuGet is reachable first)"
  dotnet build perf/Enas.GpuBench/Enas.GpuBench.csproj -c Release -nologo -v q 2>&1 | tail -n 3 || fail "build of Enas.GpuBench failed"
fi

step "CUDA parity tests + PTX compilation tests"
set +e
TEST_DLL=Enas.Tests/bin/Release/net10.0/Enas.Tests.dll
BENCH_DLL=perf/Enas.GpuBench/bin/Release/net10.0/Enas.GpuBench.dll
[[ -f "$TEST_DLL" && -f "$BENCH_DLL" ]] || fail "missing $TEST_DLL or $BENCH_DLL (build Release first, see the header)"
timeout 240 dotnet test "$TEST_DLL" \
  --filter "FullyQualifiedName~IlgpuCudaParityTests|FullyQualifiedName~LanguageModelOnCudaTests|FullyQualifiedName~PtxCompilationTests" \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=gpu-parity.trx" --results-directory "$OUT" \
  > "$OUT/parity.log" 2>&1
TEST_RC=$?
set -e
grep -E "^\s+(Failed|Skipped) |Total tests|^\s+(Passed|Failed|Skipped): " "$OUT/parity.log" | tail -n 40 || true
[[ $TEST_RC -eq 124 ]] && fail "parity tests timed out after 240 s (see $OUT/parity.log)"
if grep -qE "^\s+Skipped .*(IlgpuCudaParityTests|LanguageModelOnCudaTests)" "$OUT/parity.log"; then
  fail "CUDA parity tests were SKIPPED: ILGPU saw no CUDA device (libcuda.so.1 not loadable?). See $OUT/parity.log"
fi
[[ $TEST_RC -ne 0 ]] && fail "CUDA parity tests failed (rc $TEST_RC); full log: $OUT/parity.log"
echo "parity: all CUDA parity tests passed"

step "Enas kernels on cuda:0 (batch 64 and 128, C=36, 32x32)"
timeout 180 dotnet "$BENCH_DLL" --device cuda:0 --out "$OUT/enas.csv" \
  || fail "Enas.GpuBench failed or timed out (rc $?)"

step "Enas naive kernels (one thread per output; the fallback the tiled kernels must beat)"
timeout 120 dotnet "$BENCH_DLL" --device cuda:0 --naive --batches 64 \
  --out "$OUT/enas-naive.csv" || echo "WARNING: naive-kernel timing failed or timed out (rc $?)"

if [[ $HAVE_TORCH -eq 1 ]]; then
  step "PyTorch/cuDNN on cuda:0 (same shapes)"
  timeout 180 "$PYTHON" perf/gpu_reference.py --out "$OUT/torch.csv" || { echo "WARNING: PyTorch timing failed"; rm -f "$OUT/torch.csv"; }
fi

step "comparison (median ms per iteration; ratio = enas / torch)"
if [[ -n "$PYTHON" ]]; then
  if [[ -f "$OUT/torch.csv" ]]; then "$PYTHON" perf/gpu_reference.py --compare "$OUT/enas.csv" "$OUT/torch.csv" | tee "$OUT/table.txt"
  else "$PYTHON" perf/gpu_reference.py --compare "$OUT/enas.csv" | tee "$OUT/table.txt"; fi
else
  column -s, -t "$OUT/enas.csv" | tee "$OUT/table.txt"
fi
if [[ -f "$OUT/enas-naive.csv" ]]; then
  echo; echo "naive kernels (batch 64), for comparison with the tiled rows above:"
  column -s, -t "$OUT/enas-naive.csv" | tee -a "$OUT/table.txt"
fi
# The recurrent search's language model on the GPU against the CPU (tokens/s of shared training, default sizes:
# 12-node cell, hidden 64, batch 16, BPTT 35), when its Enas.Search build and the PTB files are there. Never fails
# the check: it reports.
SEARCH_DLL=Enas.Search/bin/Release/net10.0/Enas.Search.dll
PTB="${ENAS_PTB_DIR:-../shared/data/ptb}"
if [[ -f "$SEARCH_DLL" && -f "$PTB/ptb.valid.txt" && -f "$PTB/ptb.test.txt" ]]; then
  step "RNN search on mini-PTB, one epoch of 40 windows: cuda:0, then cpu"
  for dev in cuda:0 cpu; do
    rm -rf "$OUT/rnn-$dev"
    timeout 300 dotnet "$SEARCH_DLL" --space rnn --dataset ptb-mini --data "$PTB" --epochs 1 --max-windows 40 \
      --controller-steps 10 --derive-samples 10 --retrain-epochs 0 --device "$dev" --out "$OUT/rnn-$dev" \
      > "$OUT/rnn-$dev.log" 2>&1 || echo "WARNING: RNN search on $dev failed or timed out (rc $?); see $OUT/rnn-$dev.log"
    grep -E "^device:|tokens/s|search time" "$OUT/rnn-$dev.log" | cut -c1-160 | sed "s/^/  $dev: /"
  done
else
  echo "(RNN timing skipped: needs $SEARCH_DLL and ptb.valid.txt/ptb.test.txt in $PTB or \$ENAS_PTB_DIR)"
fi
step "done; results in $OUT"
