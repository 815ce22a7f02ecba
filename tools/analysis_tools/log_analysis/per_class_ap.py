"""Per-class AP against the class's training frequency
(``analyze_logs.py per_class_ap``)."""
import glob
import json
import os.path as osp
from collections import defaultdict
from typing import List, Optional, Sequence, Tuple

import matplotlib.pyplot as plt
import numpy as np

from . import common

GROUP_COLOURS = {'many': '#e8e8e8', 'medium': '#d0d0d0', 'few': '#b8b8b8'}


def find_per_class_ap(run: str) -> str:
    """``run`` if it is a file, else the newest ``*per_class_ap.json`` under
    the work dir ``run`` (test results preferred over ``test_monitor``)."""
    if osp.isfile(run):
        return run
    found = glob.glob(osp.join(run, '*', '*per_class_ap.json')) + glob.glob(
        osp.join(run, '*per_class_ap.json'))
    if not found:
        raise FileNotFoundError(f'{run}: no *per_class_ap.json (written by '
                                'MLCAveragePrecision at test time)')
    found.sort(key=lambda p: ('test_monitor' not in p, osp.getmtime(p)))
    return found[-1]


def read_per_class_ap(path: str) -> List[dict]:
    """The ``classes`` rows (index, name, ap, num_pos, group) of a table."""
    with open(path, encoding='utf-8') as f:
        try:
            table = json.load(f)
        except json.JSONDecodeError as err:
            raise ValueError(f'{path}: not JSON ({err.msg})') from None
    rows = table.get('classes') if isinstance(table, dict) else None
    if not rows or not all({'index', 'name', 'ap', 'group'} <= set(r)
                           for r in rows):
        raise ValueError(f'{path}: expected a per-class AP table with '
                         '"classes" rows of index, name, ap, group')
    return rows


def train_class_freq(train_ann: str) -> Tuple[np.ndarray, str]:
    """(C,) training positives per class: the clean positives
    (``clean_pos``) where the file has them, else the observed ``pos``;
    and which of the two (``'clean'`` / ``'observed'``)."""
    if not osp.isfile(train_ann):
        raise FileNotFoundError(f'--train-ann not found: {train_ann}')
    with open(train_ann, encoding='utf-8') as f:
        ann = json.load(f)
    try:
        num_classes = len(ann['metainfo']['classes'])
        entries = ann['data_list']
    except (KeyError, TypeError):
        raise ValueError(f'{train_ann}: expected metainfo.classes and '
                         'data_list') from None
    key = 'clean_pos' if all('clean_pos' in e for e in entries) else 'pos'
    ids = [c for e in entries for c in e.get(key, [])]
    counts = np.bincount(np.asarray(ids, dtype=np.int64),
                         minlength=num_classes)
    return counts, 'clean' if key == 'clean_pos' else 'observed'


def plot_per_class_ap(runs: Sequence[str], train_ann: str, out: str,
                      legend: Optional[Sequence[str]] = None,
                      title: Optional[str] = None) -> str:
    """AP (%) of each class against its training positives; shot-group
    bands; with two runs a segment joins the two APs of each class."""
    if not 1 <= len(runs) <= 2:
        raise ValueError(f'per_class_ap compares one or two runs, got '
                         f'{len(runs)}')
    labels = common.run_labels(runs, legend)
    tables = [read_per_class_ap(find_per_class_ap(r)) for r in runs]
    freq, kind = train_class_freq(train_ann)
    for run, rows in zip(runs, tables):
        if len(rows) != len(freq):
            raise ValueError(f'{run}: {len(rows)} classes, --train-ann '
                             f'{train_ann}: {len(freq)}')
    x = np.maximum(freq, 1).astype(float)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    groups = defaultdict(list)
    for row in tables[0]:
        if row['group']:
            groups[row['group']].append(x[row['index']])
    for group, xs in groups.items():
        lo, hi = min(xs) / 1.12, max(xs) * 1.12
        ax.axvspan(lo, hi, color=GROUP_COLOURS.get(group, '#dddddd'),
                   alpha=0.6, lw=0)
        ax.text(np.sqrt(lo * hi), 1.0, f'{group}-shot', ha='center',
                va='bottom', fontsize=8, transform=ax.get_xaxis_transform())
    aps = [np.array([np.nan if r['ap'] is None else r['ap'] for r in rows])
           for rows in tables]
    if len(aps) == 2:
        for c in range(len(x)):
            ax.plot([x[c], x[c]], [aps[0][c], aps[1][c]], color='#888888',
                    lw=0.8, zorder=1)
    for i, (ap, label) in enumerate(zip(aps, labels)):
        mean = np.nanmean(ap) if np.isfinite(ap).any() else float('nan')
        ax.scatter(x, ap, s=22, zorder=2, marker='os'[i],
                   color=common.RUN_COLOURS[i],
                   label=f'{label} (mAP {mean:.1f})')
    if len(x) <= 30:
        top = np.nanmax(np.vstack(aps), axis=0)
        for row in tables[0]:
            c = row['index']
            if np.isfinite(top[c]):
                ax.annotate(row['name'], (x[c], top[c]), fontsize=7,
                            xytext=(3, 3), textcoords='offset points')
    ax.set_xscale('log')
    ax.set_xlabel(f'{kind} positives of the class in the training set '
                  '(log scale)')
    ax.set_ylabel('AP (%)')
    ax.set_ylim(0, 105)
    ax.grid(alpha=0.3, which='both')
    ax.legend(fontsize=8, loc='lower right')
    ax.set_title(title or 'per-class AP against training frequency',
                 pad=14)
    fig.tight_layout()
    return common.save_figure(fig, out)

