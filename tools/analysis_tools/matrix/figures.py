"""PNG figures of the matrix, drawn from the run results only.

* ``heatmap_<block>.png``: method x imperfection, delta vs the baseline row;
* ``per_class_ap_<block>_<column>.png``: per-class test AP vs training
  frequency (clean positives of the train split), long-tail columns;
* ``corrections_<block>_<row>.png``: precision / recall of the label
  corrections vs gt_clean over epochs (logged by the methods' hooks).
"""
import json
import os
import os.path as osp
import re
from collections import defaultdict
from typing import Dict, List, Optional

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .cell import Block, Row, baseline_of  # noqa: E402
from .records import curves  # noqa: E402
from .stats import Results, delta, stat  # noqa: E402


def _slug(text: str) -> str:
    return re.sub(r'[^a-z0-9]+', '-', text.lower()).strip('-')


def delta_grid(block: Block, results: Results) -> np.ndarray:
    """(rows, columns) mean delta vs the baseline row; NaN where missing."""
    rows = [r for r in block.rows if not r.ablation_of]
    grid = np.full((len(rows), len(block.columns)), np.nan)
    for i, row in enumerate(rows):
        for j, col in enumerate(block.columns):
            d = delta(
                stat(results.get((block.name, row.name, col.name), []),
                     block.metric),
                stat(results.get((block.name, baseline_of(block, row),
                                  col.name), []), block.metric))
            if d is not None:
                grid[i, j] = d.value
    return grid


def heatmap(block: Block, results: Results, out_dir: str) -> Optional[str]:
    """Delta-vs-baseline heatmap (blank: cannot run or not run; None
    before any delta exists)."""
    if not block.baseline:
        return None
    rows = [r.name for r in block.rows if not r.ablation_of]
    grid = delta_grid(block, results)
    if not np.isfinite(grid).any():
        return None
    lim = max(1.0, float(np.nanmax(np.abs(grid))))
    fig, ax = plt.subplots(figsize=(1.2 * len(block.columns) + 3,
                                    0.45 * len(rows) + 1.5))
    im = ax.imshow(grid, cmap='RdBu', vmin=-lim, vmax=lim, aspect='auto')
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if np.isfinite(grid[i, j]):
                ax.text(j, i, f'{grid[i, j]:+.1f}', ha='center',
                        va='center', fontsize=8)
    ax.set_xticks(range(len(block.columns)),
                  [c.name for c in block.columns], rotation=30, ha='right')
    ax.set_yticks(range(len(rows)), rows)
    ax.set_title(f'{block.name}: test {block.metric} minus '
                 f'{block.baseline} (frozen rows: BCE on the same trunk; '
                 'mean over seeds)')
    fig.colorbar(im, ax=ax, label=f'delta {block.metric}')
    return _save(fig, out_dir, f'heatmap_{block.name}.png')


def train_frequency(folder: str) -> np.ndarray:
    """(C,) clean positives per class in ``folder/train.json`` (the
    observed ``pos`` where there is no ``clean_pos``)."""
    with open(osp.join(folder, 'train.json')) as f:
        ann = json.load(f)
    counts = np.zeros(len(ann['metainfo']['classes']))
    for entry in ann['data_list']:
        labels = entry.get('clean_pos', entry.get('pos'))
        if labels is None:
            labels = [entry['gt_label']]
        counts[np.asarray(labels, dtype=int)] += 1
    return counts


def per_class_ap(runs: List[dict]) -> Optional[np.ndarray]:
    """(C,) per-class test AP, mean over the seeds that recorded it."""
    tables = [[np.nan if ap is None else ap for ap in run['per_class_ap']]
              for run in runs if run.get('per_class_ap')]
    return np.nanmean(np.array(tables), 0) if tables else None


def per_class_plot(block: Block, column: str, freq: np.ndarray,
                   results: Results, out_dir: str) -> Optional[str]:
    """Per-class AP vs training frequency, one series per method."""
    fig, ax = plt.subplots(figsize=(6, 4))
    order = np.argsort(freq)
    drawn = False
    for row in block.rows:
        ap = per_class_ap(results.get((block.name, row.name, column), []))
        if ap is None or ap.shape != freq.shape:
            continue
        ax.plot(freq[order], ap[order], marker='o', ms=3, label=row.name)
        drawn = True
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xscale('log')
    ax.set_xlabel('training positives (clean) per class')
    ax.set_ylabel('test AP')
    ax.set_title(f'{block.name} / {column}: per-class AP')
    ax.legend(fontsize=6, ncol=2)
    return _save(fig, out_dir, f'per_class_ap_{block.name}_{column}.png')


def correction_plot(block: Block, row: Row, results: Results,
                    out_dir: str) -> Optional[str]:
    """Correction precision / recall over epochs, one panel per column
    (mean over seeds)."""
    panels = []
    for column in block.columns:
        merged: Dict[str, Dict[int, List[float]]] = defaultdict(
            lambda: defaultdict(list))
        for run in results.get((block.name, row.name, column.name), []):
            for key, by_epoch in curves(run, row.correction_keys).items():
                for e, v in by_epoch.items():
                    merged[key][e].append(v)
        if merged:
            panels.append((column.name, merged))
    if not panels:
        return None
    fig, axes = plt.subplots(1, len(panels), squeeze=False,
                             figsize=(4 * len(panels), 3.2))
    for ax, (column, merged) in zip(axes[0], panels):
        for key, by_epoch in sorted(merged.items()):
            epochs = sorted(by_epoch)
            ax.plot(epochs, [np.mean(by_epoch[e]) for e in epochs],
                    ls='--' if 'recall' in key else '-', marker='o', ms=3,
                    label=key)
        ax.set_title(column)
        ax.set_xlabel('epoch')
        ax.legend(fontsize=6)
    fig.suptitle(f'{row.name}: label corrections vs clean labels')
    return _save(fig, out_dir,
                 f'corrections_{block.name}_{_slug(row.name)}.png')


def _save(fig, out_dir: str, name: str) -> str:
    os.makedirs(out_dir, exist_ok=True)
    path = osp.join(out_dir, name)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
