#!/usr/bin/env bash
# Shared torchrun launcher of dist_train.sh and dist_test.sh.
# Usage: bash tools/dist_launch.sh SCRIPT NPROC [SCRIPT arguments]
#   SCRIPT: train.py or test.py (in tools/); NPROC: processes on this machine.
# Multi-machine: NNODES, NODE_RANK, MASTER_ADDR and PORT from the environment;
# PYTHON selects the interpreter.
# When a process fails, its own message is the error (one line for a config
# or usage mistake); torchrun's ChildFailedError traceback is replaced by one
# line naming the first failed rank, and its exit code is returned. A
# rendezvous failure (e.g. PORT in use) is one line too (--debug: traceback).
# The launcher imports mmengine before starting the ranks: on a fresh machine
# yapf (under mmengine) writes a grammar cache at its first import, and ranks
# writing it at once can read it half-written.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: bash tools/dist_launch.sh train.py|test.py NPROC [options]" >&2
    exit 2
fi
SCRIPT=$1
NPROC=$2
if [ "$SCRIPT" != train.py ] && [ "$SCRIPT" != test.py ]; then
    echo "error: the script must be train.py or test.py, got '$SCRIPT'" >&2
    exit 2
fi
if ! [[ "$NPROC" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: the number of processes must be a positive integer, got '$NPROC'" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
exec "${PYTHON:-python}" -c '
import sys
import mmengine  # noqa: F401 (the yapf grammar cache: once, not per rank)
from torch.distributed import DistNetworkError
from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
from torch.distributed.run import parse_args, run
try:
    run(parse_args(sys.argv[1:]))
except ChildFailedError as err:
    rank, failure = err.get_first_failure()
    how = (f"signal {failure.signal_name()}" if failure.exitcode < 0 else
           f"exit code {failure.exitcode}")
    print(f"error: {err.name} failed on rank {rank} ({how}); its message "
          "is above", file=sys.stderr)
    sys.exit(failure.exitcode if failure.exitcode > 0 else 1)
except DistNetworkError as err:
    if "--debug" in sys.argv:
        raise
    hint = "; set PORT to a free port" if "EADDRINUSE" in str(err) else ""
    sys.exit(f"error: torchrun: {err}{hint} (--debug shows the traceback)")
' \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --nproc_per_node="$NPROC" \
    --master_port="${PORT:-29500}" \
    "$ROOT/tools/$SCRIPT" \
    "${@:3}" \
    --launcher pytorch
