"""Learning curves: every logged scalar of a run against the epoch or the
iteration (``analyze_logs.py plot_curve``)."""
import os.path as osp
from collections import defaultdict
from typing import Dict, Optional, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from . import common


def load_curves(work_dir: str, x_axis: str = 'epoch') -> common.Series:
    """Every logged scalar of a run as ``key -> (x, y)``.

    Train records (with ``epoch`` and ``iter``) and validation records
    (``step`` = epoch, or iteration for iteration-based runs) of all the
    run's ``<timestamp>`` folders (a resumed run continues the curves;
    a later record of the same step replaces the earlier one). With
    ``x_axis='epoch'`` a train record of iteration i is at
    i / iterations per epoch (see :func:`_iters_per_epoch`).
    """
    train, val = {}, {}
    for folder in common.run_dirs(work_dir):
        for record in common.read_scalars(osp.join(folder, 'vis_data',
                                                   'scalars.json')):
            if 'iter' in record:
                train[record['iter']] = record
            else:
                val[record['step']] = record
    by_epoch = all('epoch' in r for r in train.values())
    iters_per_epoch = _iters_per_epoch(train) if by_epoch else 1
    points = defaultdict(list)
    for it, record in sorted(train.items()):
        x = it / iters_per_epoch if x_axis == 'epoch' and by_epoch else it
        for key, value in record.items():
            if key not in ('epoch', 'iter', 'step') and \
                    common.is_number(value):
                points[key].append((x, value))
    for step, record in sorted(val.items()):
        x = step * iters_per_epoch if (x_axis == 'iter' and by_epoch) \
            else step
        for key, value in record.items():
            if key != 'step' and common.is_number(value):
                points[key].append((x, value))
    return {k: (np.array([p[0] for p in v], dtype=float),
                np.array([p[1] for p in v], dtype=float))
            for k, v in points.items()}


def _iters_per_epoch(train: Dict[int, dict]) -> int:
    """Iterations per epoch of an epoch-based run from its train records
    (``iter`` is global, logged at the same inner iterations each epoch):
    the first logged iteration of an epoch minus that of the previous
    one; with one epoch, its last logged iteration."""
    first: Dict[int, int] = {}
    for it, record in train.items():
        first[record['epoch']] = min(first.get(record['epoch'], it), it)
    steps = [first[e] - first[e - 1] for e in first if e - 1 in first]
    if steps:
        return max(steps)
    return max(train, default=1)


def _unit(key: str) -> str:
    if 'mAP' in key or key.endswith('/AP'):
        return f'{key} (%)'
    if key == 'lr':
        return 'learning rate'
    if key in ('time', 'data_time'):
        return f'{key} (s / iteration)'
    return key



def plot_curve(work_dirs: Sequence[str], keys: Sequence[str], out: str,
               legend: Optional[Sequence[str]] = None,
               x_axis: str = 'epoch', title: Optional[str] = None) -> str:
    """One panel per key (``key`` or ``*/key``), one line per run; a
    panel whose positive values span more than 100x is drawn on a log
    scale."""
    labels = common.run_labels(work_dirs, legend)
    runs = [load_curves(w, x_axis) for w in work_dirs]
    fig, axes = plt.subplots(len(keys), 1, squeeze=False,
                             figsize=(6.4, 2.6 * len(keys)))
    for ax, key in zip(axes[:, 0], keys):
        found = False
        for i, (series, label) in enumerate(zip(runs, labels)):
            name = _match_key(series, key)
            if name is None:
                continue
            found = True
            x, y = series[name]
            ax.plot(x, y, marker='o' if len(x) <= 30 else None,
                    markersize=3,
                    color=common.RUN_COLOURS[i % len(common.RUN_COLOURS)],
                    label=label)
        if not found:
            known = sorted(set().union(*runs))
            raise KeyError(f'no run logged {key!r}; logged keys: {known}')
        values = np.concatenate([line.get_ydata() for line in ax.lines])
        values = values[np.isfinite(values)]
        if values.size and values.min() > 0 and \
                values.max() / values.min() > 100:
            ax.set_yscale('log')  # e.g. losses of different scales
            ax.set_ylabel(f'{_unit(key)} (log scale)')
        else:
            ax.set_ylabel(_unit(key))
        if x_axis == 'epoch':
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel('epoch' if x_axis == 'epoch' else 'iteration')
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0, 0].set_title(title or 'learning curves')
    fig.tight_layout()
    return common.save_figure(fig, out)


def _match_key(series: common.Series, key: str) -> Optional[str]:
    if key in series:
        return key
    matches = [k for k in series if k.endswith('/' + key)]
    return matches[0] if matches else None

