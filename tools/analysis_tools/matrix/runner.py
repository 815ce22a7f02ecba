"""Run one matrix cell for one run seed, or reuse its finished run.

A finished (cell, seed) leaves ``result.json`` in
``<work_root>/<block>/<row>/<column>/seed<k>/``; a rerun reads it instead
of training, so the matrix resumes where it stopped and seeds accumulate
over sittings. Training and testing go through
``run_seeds.train_and_test_in`` (``tools/train.py`` then ``tools/test.py``
on the best-on-val checkpoint, each in its own process).
"""
import fcntl
import glob
import json
import logging
import math
import os
import os.path as osp
import re
import shutil
import sys
import time
from typing import Any, Callable, Dict, Optional

from mmengine.logging import print_log

from . import records
from .cell import Cell
from .cell_config import cell_config
from .definition import (
    CONVERGENCE,
    MIN_SHARE,
    OPTIM_WRAPPER,
    PRETRAIN,
    PRIOR_KL_KEY,
    blocks,
)
from .records import load_result
from .trunk import trunk_dir, trunk_label, trunk_of, trunk_record

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)
import run_seeds  # noqa: E402

#: (cell, seed, work_dir) -> result dict; the default trains for real
Runner = Callable[[Cell, int, str], Dict[str, Any]]

#: val metric (with prefix) of each block's early stopping / selection
MONITOR = dict(mAP='multi-label/mAP', top1='pll/top1')


def cell_dir(work_root: str, cell: Cell, seed: int) -> str:
    """``<work_root>/<block>/<row>/<column>/seed<seed>``."""
    return osp.abspath(osp.join(work_root, cell.key, f'seed{seed}'))


def follows(result: Dict[str, Any], cell: Cell,
            rule: Dict[str, Any]) -> bool:
    """Whether a finished run of ``cell`` obeyed the ``rule`` (see
    :func:`broken_rule`)."""
    return not broken_rule(result, cell, rule)


def broken_rule(result: Dict[str, Any], cell: Cell,
                rule: Dict[str, Any]) -> str:
    """Why a finished run of ``cell`` is no result of ``rule`` ('' when it
    is one): it stopped before the rule's ``min_epochs`` (under an older
    rule), trained in another precision than the rule's ``optim_wrapper``,
    or (a frozen-trunk row, when the rule names its ``trunks``: geometry
    ('' = default) -> :func:`.trunk.trunk_record`) started from another
    trunk.
    The plain-CNN reference keeps its own schedule and precision."""
    if cell.row.runner == 'plain_cnn':
        return ''
    if not trained_enough(result, rule):
        return (f'it stopped after {result.get("epochs")} epochs, before '
                'this rule\'s minimum')
    return other_precision(result, rule) or other_trunk(result, cell, rule)


def other_trunk(result: Dict[str, Any], cell: Cell,
                rule: Dict[str, Any]) -> str:
    """'' unless ``cell`` is a frozen-trunk row, ``rule`` names the trunk
    of its geometry (``trunks``: geometry -> :func:`trunk_record`) and
    ``result`` recorded another (or none): then which trunk it started
    from."""
    trunk = rule.get('trunks', {}).get(cell.block.geometry or '')
    if cell.row.frozen is None or trunk is None:
        return ''
    used = result.get('trunk')
    if used == trunk:
        return ''
    return (f'it started from {trunk_label(used)}, the trunk now is '
            f'{trunk_label(trunk)}')


def trained_enough(result: Dict[str, Any], rule: Dict[str, Any]) -> bool:
    """Whether a finished run trained at least ``rule``'s ``min_epochs``
    (or to its cap; True when it recorded no epochs)."""
    epochs = result.get('epochs')
    return epochs is None or epochs >= min(rule.get('min_epochs', 1),
                                           rule['max_epochs'])


def other_precision(result: Dict[str, Any], rule: Dict[str, Any]) -> str:
    """'' when the run trained under ``rule``'s optimiser wrapper, else
    what it trained under."""
    if result.get('optim_wrapper') == rule['optim_wrapper']:
        return ''
    return (f'it trained under {result.get("optim_wrapper")}, this rule '
            f'under {rule["optim_wrapper"]}')


def finished(work_root: str, cell: Cell, seed: int,
             rule: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The run of (cell, seed) if it finished under ``rule``, else None."""
    done = load_result(cell_dir(work_root, cell, seed))
    return done if done is not None and follows(done, cell, rule) else None


def run_cell(cell: Cell, seed: int, work_root: str, runner: Runner,
             rule: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The result of (cell, seed): reused if finished under ``rule``
    (default: the matrix rule), else run by ``runner`` and saved. A run
    finished under another rule is moved aside to ``seed<k>.stale``
    first.

    Returns:
        dict: ``metrics`` (test, best-on-val checkpoint), ``epochs``,
        ``best_epoch``, ``seed``, ``seconds`` (wall), ``started`` /
        ``finished`` (Unix times), ``optim_wrapper`` (the training
        precision; None for the plain CNN), ``per_class_ap`` and
        ``epoch_scalars`` (:func:`run_files`), ``trunk`` for a
        frozen-trunk row (:func:`trunk_record`); ``{'error': ...}`` for a
        failed run (not saved, so retried on the next call).
    """
    work_dir = cell_dir(work_root, cell, seed)
    rule = rule or convergence()
    done = load_result(work_dir)
    broken = done is not None and broken_rule(done, cell, rule)
    if done is not None and not broken:
        return done
    if done is not None:
        print_log(f'[matrix] {cell.key} seed {seed}: {broken}; moved to '
                  '.stale, rerunning', logger='current')
        shutil.rmtree(work_dir + '.stale', ignore_errors=True)
        os.replace(work_dir, work_dir + '.stale')
    os.makedirs(work_dir, exist_ok=True)
    start = time.time()
    try:
        result = runner(cell, seed, work_dir)
    except SystemExit as err:  # run_seeds.run: the command failed
        return dict(error=str(err))
    end = time.time()
    result.update(seed=seed, seconds=round(end - start, 1),
                  started=round(start, 1), finished=round(end, 1),
                  optim_wrapper=None if cell.row.runner == 'plain_cnn'
                  else rule['optim_wrapper'])
    with open(osp.join(work_dir, 'result.json'), 'w') as f:
        json.dump(result, f, indent=1)
    return result


#: ``--smoke``: the driver's plumbing on tiny runs (not results)
SMOKE_CONVERGENCE = dict(max_epochs=2, min_epochs=1, patience=1,
                         min_delta=0.1)


def convergence(smoke: int = 0, max_epochs: Optional[int] = None,
                optim_wrapper: str = OPTIM_WRAPPER) -> Dict[str, Any]:
    """The rule of the runs: :data:`CONVERGENCE` with its cap replaced by
    ``max_epochs`` (a schedule check; its earliest stop moves to
    :data:`MIN_SHARE` of the cap), or the smoke rule; and the training
    precision, ``optim_wrapper`` (``'OptimWrapper'``: float32)."""
    if smoke:
        return dict(SMOKE_CONVERGENCE, optim_wrapper=optim_wrapper)
    cap = max_epochs or CONVERGENCE['max_epochs']
    return dict(CONVERGENCE, max_epochs=cap, min_epochs=max(
        CONVERGENCE['min_epochs'], math.ceil(MIN_SHARE * cap)),
        optim_wrapper=optim_wrapper)


def default_runner(work_root: str, smoke: int = 0,
                   max_epochs: Optional[int] = None,
                   optim_wrapper: str = OPTIM_WRAPPER,
                   trunk_root: Optional[str] = None) -> Runner:
    """Train/test with the real tools (pre-training the frozen trunk of the
    block's geometry first when the row needs it). ``smoke`` > 0 limits
    every split to its first ``smoke`` images and 2 epochs; ``max_epochs``
    replaces the cap of :data:`CONVERGENCE`; ``optim_wrapper``: the
    training precision (see :func:`.cell_config.cell_config`);
    ``trunk_root``: see :func:`trunk_of`. A frozen-trunk run records its
    trunk (:func:`trunk_record`)."""
    build = dict(indices=smoke) if smoke else None
    rule = convergence(smoke, max_epochs, optim_wrapper)
    root, trunk_epochs = trunk_of(work_root, trunk_root, max_epochs)

    def runner(cell: Cell, seed: int, work_dir: str) -> Dict[str, Any]:
        if cell.row.runner == 'plain_cnn':
            return run_plain_cnn(cell, seed, work_dir, smoke)
        options, trunk = dict(cell.row.options), None
        if cell.row.frozen is not None:
            ckpt = pretrained_trunk(root, cell.block.geometry, smoke,
                                    trunk_epochs, optim_wrapper)
            # what it starts from, read before a long run
            trunk = trunk_record(root, cell.block.geometry)
            options[cell.row.frozen.init_key] = dict(
                type='Pretrained', checkpoint=ckpt, prefix='backbone.')
            options.update(cell.row.frozen.options)
        cfg = cell_config(osp.join(run_seeds.ROOT, cell.row.config),
                          cell.column.variant,
                          cell.block.geometry, MONITOR[cell.block.metric],
                          rule, options, build)
        result = train_config(cfg, seed, work_dir)
        if trunk is not None:
            result['trunk'] = trunk
        return result

    return runner


def train_config(cfg, seed: int, work_dir: str) -> Dict[str, Any]:
    """Dump ``cfg`` to ``work_dir/cell_config.py``, train, test the best
    checkpoint, and gather what the tables and figures read. An
    interrupted run's leftovers (no test metrics yet) are removed first, so
    no stale checkpoint or log is picked up."""
    if not osp.isfile(osp.join(work_dir, 'test_best.json')):
        shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir, exist_ok=True)
    config = osp.join(work_dir, 'cell_config.py')
    cfg.dump(config)
    metrics = run_seeds.train_and_test_in(config, seed, work_dir, [],
                                          best_only=True)['best']
    return dict(metrics=metrics, **run_files(work_dir))


def run_files(work_dir: str) -> Dict[str, Any]:
    """What the report reads of a finished mmengine run, copied into its
    result (so its record stands without the run's files): epochs trained,
    best epoch, the per-class test AP of the last test (the fused
    prediction, not a branch's; None for an undefined AP) and the epoch
    means of the training scalars :func:`recorded_scalars` names."""
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        last = f.read().strip()
    best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
    per_class = sorted(glob.glob(osp.join(
        work_dir, '*', 'multi-label_per_class_ap.json')), key=osp.getmtime)
    scalars = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                        'scalars.json')),
                     key=osp.getsize)
    result = dict(epochs=_epoch(last), best_epoch=_epoch(best[-1]))
    if per_class:
        with open(per_class[-1]) as f:
            result['per_class_ap'] = [c['ap'] for c in json.load(f)['classes']]
    if scalars:
        result['epoch_scalars'] = records.epoch_curves(scalars[-1],
                                                       recorded_scalars())
    return result


def recorded_scalars() -> str:
    """Regex of the training scalars a run's result keeps: every row's
    correction keys, SoLar's prior error and the val metrics."""
    keys = {row.correction_keys for block in blocks().values()
            for row in block.rows if row.correction_keys}
    return '|'.join(sorted(keys) + [PRIOR_KL_KEY] + [
        f'^{re.escape(key)}$' for key in sorted(MONITOR.values())])


def _epoch(path: str) -> Optional[int]:
    match = re.search(r'epoch_(\d+)\.pth$', path)
    return int(match.group(1)) if match else None


def pretrained_trunk(work_root: str, geometry: Optional[str],
                     smoke: int = 0, max_epochs: Optional[int] = None,
                     optim_wrapper: str = OPTIM_WRAPPER) -> str:
    """Best-on-val checkpoint of the clean pre-training on the other data
    seed, in ``geometry`` (trained once, converged, on first use;
    ``smoke``, ``max_epochs``, ``optim_wrapper``: see
    :func:`default_runner`). A trunk that
    stopped before this rule's minimum is refused: the frozen cells trained
    on it would be no results of the rule either."""
    work_dir = osp.abspath(trunk_dir(work_root, geometry))
    rule = convergence(smoke, max_epochs, optim_wrapper)
    os.makedirs(osp.dirname(work_dir), exist_ok=True)
    # another run_matrix.py process on this work root may be pre-training
    # the same trunk: wait for it, then reuse its run
    with open(work_dir + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = load_result(work_dir)
        recorded = None
        if done is not None and not best_checkpoint(work_dir, done):
            print_log(f'[matrix] {work_dir}: the trunk\'s run is a record '
                      'without its best checkpoint (another machine\'s '
                      'run): pre-training it again', logger='current')
            recorded, done = done, None
        if done is not None and not trained_enough(done, rule):
            raise ValueError(
                f'{work_dir}/result.json: the pre-trained trunk stopped '
                f'after {done["epochs"]} epochs, before this rule\'s minimum '
                f'of {rule["min_epochs"]}: move it and the frozen-trunk '
                'cells trained on it aside, then rerun')
        if done is not None and other_precision(done, rule):
            raise ValueError(
                f'{work_dir}/result.json: the pre-trained trunk '
                f'{other_precision(done, rule)}: give each precision its '
                'own work root')
        if done is None:
            print_log('[matrix] pre-training the trunk '
                      f'({geometry or "default"} geometry)', logger='current')
            build = dict(data_root=PRETRAIN['data_root'],
                         seed=PRETRAIN['data_seed'])
            if smoke:
                build['indices'] = smoke
            cfg = cell_config(osp.join(run_seeds.ROOT, PRETRAIN['config']),
                              PRETRAIN['variant'], geometry, MONITOR['mAP'],
                              rule, build=build)
            start = time.time()
            result = dict(train_config(cfg, PRETRAIN['seed'], work_dir),
                          optim_wrapper=optim_wrapper,
                          seconds=round(time.time() - start, 1))
            if recorded is not None and recorded['metrics'] != result[
                    'metrics']:
                print_log(f'[matrix] {work_dir}: the trunk pre-trained '
                          f'again tests {result["metrics"]}, its record '
                          f'{recorded["metrics"]}: the recorded frozen-trunk '
                          'runs used the recorded trunk', logger='current',
                          level=logging.WARNING)
            with open(osp.join(work_dir, 'result.json'), 'w') as f:
                json.dump(result, f, indent=1)
            done = result
    return best_checkpoint(work_dir, done)


def best_checkpoint(work_dir: str, result: Dict[str, Any]) -> str:
    """The best-on-val checkpoint of the finished run ``result`` in
    ``work_dir`` ('' when absent: not the checkpoint of an interrupted
    earlier run of the folder)."""
    found = glob.glob(osp.join(
        glob.escape(work_dir), f'best_*_epoch_{result.get("best_epoch")}.pth'))
    return found[0] if len(found) == 1 else ''


def run_plain_cnn(cell: Cell, seed: int, work_dir: str,
                  smoke: int = 0) -> Dict[str, Any]:
    """The plain-PyTorch CNN reference on the cell's build (data seed 0;
    its own fixed epochs and best-on-val epoch; ``smoke``: 1 epoch)."""
    from mlc.datasets.digitmosaic import prepare_digitmosaic
    root = osp.join(run_seeds.ROOT, 'data/digitmosaic')
    folder = prepare_digitmosaic(root, cell.column.variant,
                                 geometry=cell.block.geometry)
    log = osp.join(work_dir, 'run.log')
    epochs = ['--epochs', '1'] if smoke else []
    run_seeds.run(['tools/analysis_tools/plain_cnn_baseline.py', folder,
                   '--seed', str(seed), *epochs], log)
    with open(log) as f:
        lines = [ln for ln in f if ln.startswith('{')]
    out = json.loads(lines[-1])
    return dict(metrics={'plain/mAP': out['mAP']}, epochs=out.get('epochs'),
                best_epoch=out.get('best_epoch'))
