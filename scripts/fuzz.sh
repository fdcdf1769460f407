#!/usr/bin/env bash
# Runs every fuzz target of surfscope's parsers for a short while (`make test` runs it; `make fuzz`
# runs it longer). A failure leaves the crashing input in the package's testdata/fuzz/FuzzX folder:
# commit it with the fix, and plain `go test` replays it from then on (the committed corpora are
# replayed by every `go test`, with or without this script).
#
#   scripts/fuzz.sh [SECONDS]      seconds per target (default $FUZZTIME, else 2)
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
secs=${1:-${FUZZTIME:-2}}
# package target: one per parser (file formats, specs, lists, session files, flags)
targets=(
  "./dataset FuzzReadIDX"               # MNIST-style IDX images and labels, gzipped or raw
  "./dataset FuzzReadCIFAR"             # CIFAR-10/100 binary batches and class-name files
  "./models FuzzDecode"                 # safetensors checkpoints
  "./models/onnx FuzzRead"              # ONNX models
  "./models/train FuzzDecodeState"      # training-state files (--resume)
  "./models/series FuzzReadIndex"       # checkpoint-series index
  "./projection FuzzParseSpec"          # probe specs
  "./internal/idlist FuzzParse"         # --ids lists
  "./surface FuzzDecodeNPY"             # .npy arrays
  "./view FuzzParseJSON"                # session files: the app's view state as JSON
  "./view FuzzParseArgs"                # the flags of render that reproduce a view
  "./internal/memcap FuzzParse"         # SURFSCOPE_MAX_MEMORY sizes
  "./provenance FuzzReadFormat"         # provenance in PNG, GIF, SVG, PDF, VTK, JSON, CSV, checkpoints
)
# fuzz_once runs one target; -fuzzminimizetime bounds the minimisation of each new input, which
# by default can stall a short run for a minute.
fuzz_once() {
  $GO test -run '^$' -fuzz "^${2}\$" -fuzztime "${secs}s" -fuzzminimizetime 10x "$1" 2>&1
}
# deadline_only says whether a failed run's output is Go 1.26's fuzz-coordinator race at the
# -fuzztime boundary (go.dev/issue/75804, fixed in Go 1.27): "context deadline exceeded" and no
# failing input written, no panic, no test failure of the target's own.
deadline_only() {
  grep -q 'context deadline exceeded' <<<"$1" &&
    ! grep -q -E 'Failing input written|panic:|_test\.go:[0-9]+:' <<<"$1"
}
start=$SECONDS
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  t0=$SECONDS
  if ! out=$(fuzz_once "$pkg" "$name"); then
    if deadline_only "$out"; then
      echo "fuzz: $pkg $name stopped on the -fuzztime deadline race (go.dev/issue/75804), no input found; again" >&2
      out=$(fuzz_once "$pkg" "$name") || deadline_only "$out" || {
        echo "$out" >&2
        echo "fuzz: $pkg $name FAILED; the input is in $pkg/testdata/fuzz/$name" >&2
        exit 1
      }
    else
      echo "$out" >&2
      echo "fuzz: $pkg $name FAILED; the input is in $pkg/testdata/fuzz/$name" >&2
      exit 1
    fi
  fi
  echo "fuzz: $pkg $name: $(echo "$out" | grep -o 'execs: [0-9]*' | tail -1) in $((SECONDS - t0)) s"
done
echo "fuzz: ${#targets[@]} targets in $((SECONDS - start)) s"
