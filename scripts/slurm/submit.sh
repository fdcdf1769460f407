#!/usr/bin/env bash
# Submits a sharded surfscope run to Slurm: a job array of SHARDS tasks (shard.sbatch), task i
# running `surfscope COMMAND FLAGS… --shard i/SHARDS` into its part, and the merge (merge.sbatch) as a
# job that starts once every task has succeeded (--dependency=afterok).
#
#   scripts/slurm/submit.sh atlas|landscape|study SHARDS OUT [surfscope flags…]
#
# OUT is the merged result: the atlas JSON, the landscape's loss .npy, the study folder. The parts go
# to OUT.parts/ and the jobs' logs to OUT.logs/ (on a file system every node sees). Prints the two job
# ids: "array JOBID" and "merge JOBID".
#
# Environment: SURFSCOPE, the surfscope binary (default: surfscope on PATH); SBATCH_FLAGS, more sbatch
# options for both jobs ("--partition=long --time=4:00:00 --cpus-per-task=8"); MERGE_FLAGS, more flags
# of the merge (landscape: "--acc acc.npy --json landscape.json").
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 atlas|landscape|study SHARDS OUT [surfscope flags…]" >&2
  exit 2
fi
cmd=$1 shards=$2 out=$3
shift 3
case $cmd in
  atlas | landscape | study) ;;
  *) echo "$0: $cmd is not sharded (atlas, landscape or study)" >&2; exit 2 ;;
esac
if ! [[ $shards =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: SHARDS $shards: want a positive number" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$out")
parts=$out.parts logs=$out.logs
mkdir -p "$parts" "$logs"
# shellcheck disable=SC2086 # SBATCH_FLAGS is a list of options
array=$(sbatch --parsable ${SBATCH_FLAGS:-} --job-name="surfscope-$cmd" --array="0-$((shards - 1))" \
  --output="$logs/shard-%a.log" "$here/shard.sbatch" "$cmd" "$parts" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_FLAGS:-} --job-name="surfscope-merge" --dependency="afterok:$array" \
  --kill-on-invalid-dep=yes --output="$logs/merge.log" "$here/merge.sbatch" "$out" "$parts" ${MERGE_FLAGS:-})
echo "array ${array}"
echo "merge ${merge%%;*}"
