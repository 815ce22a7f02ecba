"""Precision and recall of label corrections against the clean labels per
epoch, as logged (``analyze_logs.py corrections``)."""
import glob
import os.path as osp
import re
from collections import defaultdict
from typing import Dict, Optional, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from . import common

#: one epoch of COMIC's RLC bookkeeping in the text log
RLC_LINE = re.compile(
    r'RLC branch (\w+) epoch (\d+): .*precision / recall vs gt_clean: (.*)$')
#: ``group p / r`` items of an RLC line
RLC_ITEM = re.compile(r'(\w+) ([\d.]+|nan) / ([\d.]+|nan)')
#: COMIC's RLC scalars in the train records (those of epoch e are logged
#: with the iterations of epoch e + 1)
RLC_SCALAR = re.compile(r'^rlc_(precision|recall)_(\w+?)_(\w+)$')


def load_corrections(work_dir: str) -> common.Series:
    """Per-epoch precision and recall of label corrections against the
    clean labels, ``name -> (epochs, values)``.

    - COMIC (``ComicCorrectionHook``): the ``RLC branch <b> epoch <e>``
      lines of the text log (exact per epoch), as
      ``rlc_<b>_<group>_precision`` / ``_recall``. Epochs missing there
      (a run logged at level WARNING) come from the ``rlc_precision_*`` /
      ``rlc_recall_*`` scalars, which the hook writes after each epoch with
      the epoch as step (work dirs written before that logged them with the
      next epoch's iterations: epoch e's values in the records of epoch
      e + 1, the last epoch's nowhere; both layouts are read).
    - Co-learning (``CoLearningCorrectionHook``): the ``correction/*
      _precision`` / ``_recall`` scalars (step = epoch).
    - SPLC (``SPLCEpochHook(log_pseudo_quality=True)``): the per-iteration
      ``splc_pseudo_precision`` / ``_recall``, averaged over the logged
      iterations of each epoch.
    """
    points = defaultdict(dict)
    for folder in common.run_dirs(work_dir):
        for log in sorted(glob.glob(osp.join(folder, '*.log'))):
            with open(log, encoding='utf-8', errors='replace') as f:
                for line in f:
                    match = RLC_LINE.search(line.rstrip())
                    if not match:
                        continue
                    branch, epoch = match.group(1), int(match.group(2))
                    for group, prec, rec in RLC_ITEM.findall(match.group(3)):
                        key = f'rlc_{branch}_{group}'
                        points[f'{key}_precision'][epoch] = float(prec)
                        points[f'{key}_recall'][epoch] = float(rec)
        per_epoch = defaultdict(lambda: defaultdict(list))
        rlc_scalars = defaultdict(dict)
        for record in common.read_scalars(osp.join(folder, 'vis_data',
                                                   'scalars.json')):
            for key, value in record.items():
                if not common.is_number(value):
                    continue
                if key.startswith('correction/') and key.endswith(
                        ('_precision', '_recall')):
                    points[key[len('correction/'):]][record['step']] = value
                elif key.startswith('splc_pseudo_') and 'epoch' in record:
                    per_epoch[key][record['epoch']].append(value)
                elif RLC_SCALAR.match(key):
                    what, branch, group = RLC_SCALAR.match(key).groups()
                    epoch = (record['epoch'] - 1 if 'epoch' in record else
                             record['step'])
                    rlc_scalars[f'rlc_{branch}_{group}_{what}'][
                        epoch] = value
        for key, by_epoch in per_epoch.items():
            for epoch, values in by_epoch.items():
                points[key][epoch] = float(np.mean(values))
        for key, by_epoch in rlc_scalars.items():
            for epoch, value in by_epoch.items():
                points[key].setdefault(epoch, value)
    return {k: (np.array(sorted(v), dtype=float),
                np.array([v[e] for e in sorted(v)], dtype=float))
            for k, v in points.items()}


def plot_corrections(work_dirs: Sequence[str], out: str,
                     legend: Optional[Sequence[str]] = None,
                     groups: Sequence[str] = ('total', ),
                     title: Optional[str] = None) -> str:
    """Two panels (precision, recall) against the epoch; one line per run
    and correction series (COMIC: per branch, for the shot ``groups``)."""
    labels = common.run_labels(work_dirs, legend)
    runs = [load_corrections(w) for w in work_dirs]
    if not any(runs):
        raise ValueError('no correction precision/recall logged in '
                         f'{list(work_dirs)} (COMIC RLC lines, correction/* '
                         'or splc_pseudo_* scalars)')
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharex=True)
    styles = ['-', '--', ':', '-.']
    colours: Dict[str, str] = {}
    for i, (series, label) in enumerate(zip(runs, labels)):
        names = sorted({k.rsplit('_', 1)[0] for k in series})
        names = [n for n in names if not n.startswith('rlc_')
                 or n.rsplit('_', 1)[1] in groups] or names
        for name in names:
            colour = colours.setdefault(
                name,
                common.RUN_COLOURS[len(colours) % len(common.RUN_COLOURS)])
            for ax, what in zip(axes, ('precision', 'recall')):
                key = f'{name}_{what}'
                if key not in series:
                    continue
                x, y = series[key]
                ax.plot(x, y, marker='o', markersize=3, color=colour,
                        linestyle=styles[i % len(styles)],
                        label=f'{label}: {_series_name(name)}')
    for ax, what in zip(axes, ('precision', 'recall')):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel('epoch')
        ax.set_ylabel(f'{what} vs clean labels')
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
        ax.set_title(f'correction {what}')
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc='lower center', fontsize=8,
               ncol=min(3, len(names)), frameon=False)
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06 + 0.04 * (len(names) // 3), 1, 1))
    return common.save_figure(fig, out)


def _series_name(name: str) -> str:
    """``rlc_h_few`` -> ``RLC branch h, few``; other names unchanged."""
    parts = name.split('_')
    if parts[0] == 'rlc' and len(parts) == 3:
        return f'RLC branch {parts[1]}, {parts[2]}'
    return name

