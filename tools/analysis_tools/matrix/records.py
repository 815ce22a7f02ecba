"""The matrix's run records: one JSON line per finished run, in a file kept
with the repository.

A work root holds the checkpoints and logs of one machine and is lost with
it; a record holds what the report reads of a run (its ``result.json``:
test metrics, epochs, best epoch, per-class AP, the epoch means of the
recorded training scalars, wall times), keyed by the run's folder relative
to the work root (``<block>/<row>/<column>/seed<k>``, or
``pretrain/<geometry>`` for a frozen trunk). The records of work root
``.../W`` are ``<folder>/W.jsonl``; ``run_matrix.py --records <folder>``
restores them (and those of its schedule checks ``W-cap<N>``) as finished
runs before it trains or reports, and appends each run it finishes, so a
fresh checkout writes the whole page without training and trains only what
no record holds.
"""
import fcntl
import glob
import json
import logging
import os
import os.path as osp
import re
from collections import defaultdict
from typing import IO, Any, Dict, List, Optional, Tuple

import numpy as np
from mmengine.logging import print_log

Record = Dict[str, Any]


def epoch_curves(path: str, pattern: str) -> Dict[str, Dict[str, float]]:
    """key -> epoch (as a string, JSON's key type) -> mean value of the
    scalars of an mmengine ``scalars.json`` whose key matches ``pattern``.

    Iteration lines carry ``epoch``; per-epoch lines written with
    ``add_scalars(step=epoch)`` carry only ``step``.
    """
    regex = re.compile(pattern)
    sums: Dict[str, Dict[int, List[float]]] = defaultdict(
        lambda: defaultdict(list))
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            epoch = record.get('epoch', record.get('step'))
            for key, value in record.items():
                if regex.search(key) and value is not None and np.isfinite(
                        value):
                    sums[key][int(epoch)].append(float(value))
    return {k: {str(e): round(float(np.mean(v)), 6)
                for e, v in sorted(by_epoch.items())}
            for k, by_epoch in sorted(sums.items())}


def curves(run: Record, pattern: str) -> Dict[str, Dict[int, float]]:
    """key -> epoch -> value of the run's recorded epoch scalars whose key
    matches ``pattern`` (empty when the run recorded none)."""
    regex = re.compile(pattern)
    return {k: {int(e): v for e, v in by_epoch.items()}
            for k, by_epoch in (run.get('epoch_scalars') or {}).items()
            if regex.search(k)}


def load(path: str) -> Dict[str, Record]:
    """Folder (relative to the work root) -> its last record in ``path``
    (empty when the file does not exist). An unfinished last line (a save
    cut off by a crash) is left out with a warning; the next save removes
    it.

    Raises:
        ValueError: naming ``path`` and the line, for a complete line that
            is not a JSON object with a relative ``run`` folder.
    """
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        fcntl.flock(f, fcntl.LOCK_SH)
        return read(f, path)[0]


def read(f: IO[str], path: str) -> Tuple[Dict[str, Record], Optional[int]]:
    """The records of the open record file ``f`` (see :func:`load`) and
    the offset of its unfinished last line (None when there is none)."""
    out: Dict[str, Record] = {}
    offset, torn = 0, None
    for number, line in enumerate(f, 1):
        start, offset = offset, offset + len(line.encode())
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            if not line.endswith('\n'):
                print_log(f'{path}:{number}: an unfinished last line (a '
                          'save cut off) is left out', logger='current',
                          level=logging.WARNING)
                torn = start
                break
            raise ValueError(
                f'{path}:{number}: not JSON ({err.msg})') from None
        run = record.get('run') if isinstance(record, dict) else None
        if not isinstance(run, str) or osp.isabs(run) or osp.normpath(
                run) != run or run.split('/')[0] == '..':
            raise ValueError(f'{path}:{number}: a record is a JSON object '
                             'with a "run" folder relative to the work '
                             'root')
        out[record.pop('run')] = record
    return out, torn


def save(path: str, work_root: str, work_dirs: List[str]) -> int:
    """Append the ``result.json`` of each of ``work_dirs`` (folders under
    ``work_root``) to ``path``, unless its last record there is the same;
    returns how many it appended. Two processes may save at once (the
    file is locked while it is read and appended); an unfinished last line
    left by a crash is cut off first."""
    results = {}
    for work_dir in work_dirs:
        run = osp.relpath(osp.abspath(work_dir), osp.abspath(work_root))
        with open(osp.join(work_dir, 'result.json')) as f:
            results[run] = json.load(f)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'a+') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        known, torn = read(f, path)
        if torn is not None:
            f.truncate(torn)
        new = [dict(run=run, **result) for run, result in results.items()
               if known.get(run) != result]
        f.write(''.join(json.dumps(r, sort_keys=True) + '\n' for r in new))
    return len(new)


def restore(path: str, work_root: str) -> int:
    """Write the ``result.json`` of every record of ``path`` whose folder
    under ``work_root`` has none (a run of this machine is never
    overwritten); returns how many it wrote."""
    written = 0
    for run, result in load(path).items():
        target = osp.join(work_root, run, 'result.json')
        if osp.isfile(target):
            continue
        os.makedirs(osp.dirname(target), exist_ok=True)
        with open(target + '.tmp', 'w') as f:
            json.dump(result, f, indent=1)
        os.replace(target + '.tmp', target)
        written += 1
    return written


def sync(path: str, work_root: str) -> Tuple[int, int]:
    """Restore the records of ``path`` missing under ``work_root``
    (:func:`restore`), then save every finished run there that ``path``
    lacks or holds otherwise (runs finished without ``--records``, or by a
    sweep that was interrupted before it saved them, or run again here:
    the work root's run is the one its page shows; runs moved aside to
    ``*.stale`` are left out); returns (restored, saved)."""
    restored = restore(path, work_root)
    finished = [osp.dirname(result) for result in sorted(glob.glob(
        osp.join(work_root, '**', 'result.json'), recursive=True))]
    return restored, save(path, work_root, [
        d for d in finished if not any(
            part.endswith('.stale')
            for part in osp.relpath(d, work_root).split(os.sep))])


def record_file(folder: str, work_root: str) -> str:
    """``<folder>/<name of work_root>.jsonl``."""
    return osp.join(folder, osp.basename(osp.normpath(work_root)) + '.jsonl')


def sync_with_checks(folder: str, work_root: str) -> Dict[str, Tuple[int,
                                                                     int]]:
    """:func:`sync` of ``work_root`` with its record file in ``folder``, and
    of each schedule check ``<work_root>-cap<N>`` that has one there (the
    matrix page reads them); returns record file -> (restored, saved)."""
    base = osp.normpath(work_root)
    name = osp.basename(base)
    out = {record_file(folder, base): sync(record_file(folder, base), base)}
    for path in sorted(glob.glob(osp.join(glob.escape(folder),
                                          glob.escape(name) + '-cap*.jsonl'))):
        check = osp.basename(path)[:-len('.jsonl')]
        if re.fullmatch(re.escape(name) + r'-cap\d+', check):
            out[path] = sync(path, osp.join(osp.dirname(base), check))
    return out


def load_result(work_dir: str) -> Optional[Dict[str, Any]]:
    """The finished run's ``result.json``, or None."""
    path = osp.join(work_dir, 'result.json')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)
