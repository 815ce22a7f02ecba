#!/usr/bin/env bash
# Shared torchrun launcher of dist_train.sh and dist_test.sh.
# Usage: bash tools/dist_launch.sh SCRIPT NPROC [SCRIPT arguments]
#   SCRIPT: train.py or test.py (in tools/); NPROC: processes on this machine.
# Multi-machine: NNODES, NODE_RANK, MASTER_ADDR and PORT from the environment;
# PYTHON selects the interpreter.
set -euo pipefail
SCRIPT=$1
NPROC=$2
if ! [[ "$NPROC" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: the number of processes must be a positive integer, got '$NPROC'" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --nproc_per_node="$NPROC" \
    --master_port="${PORT:-29500}" \
    "$ROOT/tools/$SCRIPT" \
    "${@:3}" \
    --launcher pytorch
