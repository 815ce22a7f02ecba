"""Claim-specific measurements of the matrix diagnoses, each one line of
the page: the last logged value of training scalars, clean BCE against the
plain CNN, the true share of noisy training positives and of PLL
candidate labels (data audits), Stitch-Up's branches and the PLL prior
estimates."""
import json
import os.path as osp
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from .definition import PRIOR_KL_KEY, blocks
from .records import curves
from .stats import Results, stat
from .tables import GROUPS


def last_values(runs: List[dict], pattern: str) -> Tuple[dict, int]:
    """(scalar key -> value at its last logged epoch, mean over the runs;
    how many runs recorded epoch scalars) of the keys matching
    ``pattern``."""
    values: Dict[str, List[float]] = {}
    read = 0
    for run in runs:
        if run.get('epoch_scalars'):
            read += 1
            for key, by_epoch in curves(run, pattern).items():
                values.setdefault(key, []).append(by_epoch[max(by_epoch)])
    return {k: float(np.mean(v)) for k, v in sorted(values.items())}, read


#: the shifted geometry's clean BCE must reach this share of the plain CNN
TRANSFER_TARGET = 0.9


def transfer_line(results: Results,
                  checks: Optional[Dict[int, Results]] = None) -> str:
    """Clean BCE over the plain-PyTorch CNN on the shifted geometry
    (test mAP, means over seeds) against :data:`TRANSFER_TARGET`, at the
    matrix cap and at each schedule check (``checks``: N -> results; the
    plain CNN keeps its own schedule)."""
    head = '- Clean BCE against the plain CNN on the shifted geometry: '
    cnn = stat(results.get(('shifted', 'plain CNN', 'clean'), []), 'mAP')
    parts = []
    for n, res in [(None, results), *sorted((checks or {}).items())]:
        bce = stat(res.get(('shifted', 'BCE', 'clean'), []), 'mAP')
        if bce is None or cnn is None:
            if n is None:
                parts.append('missing cell')
            continue
        ratio = bce.mean / cnn.mean
        parts.append(
            ('' if n is None else f'at {n} epochs ') +
            f'{bce.mean:.1f} / {cnn.mean:.1f} mAP = {100 * ratio:.1f} % '
            f'(n={bce.n}/{cnn.n}; target >= {100 * TRANSFER_TARGET:.0f} %: '
            f'{"met" if ratio >= TRANSFER_TARGET else "not met"})')
    return head + '; '.join(parts)


def true_positive_shares(folder: str) -> Dict[str, float]:
    """Shot group -> share of the build's training positives that are
    true (clean) ones, from its ``train.json`` and ``class_split.json``."""
    from mlc.datasets.annotation import load_annotation
    from mlc.datasets.corruptions import audit
    stats = audit(load_annotation(osp.join(folder, 'train.json')))
    true = np.asarray(stats['true_pos_per_class'])
    seen = np.asarray(stats['observed_pos_per_class'])
    with open(osp.join(folder, 'class_split.json')) as f:
        split = json.load(f)
    counts = {g: (true[split[g]].sum(), seen[split[g]].sum())
              for g in GROUPS}
    return {g: float(t / n) if n else float('nan')
            for g, (t, n) in counts.items()}


def noise_line(results: Results,
               checks: Optional[Dict[int, Results]] = None) -> str:
    """The true share of the training positives by shot group in the
    noisy long-tail builds of the multi-label geometry (a data audit)."""
    from mlc.datasets.digitmosaic.generator import variant_folder
    from .runner import run_seeds
    parts = []
    for column in ('lt-noise', 'lt-noise-prior'):
        variant = next(c.variant for c in blocks()['multilabel'].columns
                       if c.name == column)
        folder = variant_folder(osp.join(run_seeds.ROOT, 'data/digitmosaic'),
                                variant, blocks()['multilabel'].geometry)
        if not osp.isfile(osp.join(folder, 'train.json')):
            parts.append(f'{column}: not built')
            continue
        shares = true_positive_shares(folder)
        parts.append(f'{column}: ' + ', '.join(
            f'{g} {100 * v:.1f} %' for g, v in shares.items()))
    return ('- Training positives that are true (clean) ones, by shot group '
            '(train.json against clean_pos): ' + '; '.join(parts))


def branch_line(results: Results,
                checks: Optional[Dict[int, Results]] = None) -> str:
    """Test mAP (and few-group mAP) of Stitch-Up + co-learning's fused
    output and of each branch (``random``: uniform sampler, BCE;
    ``balanced``: class-aware sampler, DB-focal), means over seeds, per
    noisy long-tail column."""
    parts = []
    for column in ('lt-noise', 'lt-noise-prior'):
        runs = results.get(('multilabel', 'Stitch-Up + co-learning',
                            column), [])
        texts = []
        for name, prefix in (('fused', 'multi-label/'),
                             ('random branch', 'random/'),
                             ('balanced branch', 'balanced/')):
            total, few = (stat(runs, prefix + key)
                          for key in ('mAP', 'mAP_few'))
            if total is not None and few is not None:
                texts.append(f'{name} {total.mean:.1f} (few {few.mean:.1f})')
        n = len(runs)
        parts.append(f'{column}: ' + (', '.join(texts) + f' (n={n})'
                                      if texts else 'missing cell'))
    return ('- Stitch-Up + co-learning, its fused output and each branch '
            '(test mAP): ' + '; '.join(parts))


def prior_line(results: Results,
               checks: Optional[Dict[int, Results]] = None) -> str:
    """KL divergence of the estimated class prior from the true training
    prior (the last logged epoch, mean over seeds) of the PLL rows that
    estimate one, per long-tail column."""
    parts = []
    for row in ('RECORDS', 'SoLar'):
        for column in ('lt-q0.3', 'lt-q0.5'):
            runs = results.get(('pll', row, column), [])
            values, read = last_values(runs, PRIOR_KL_KEY)
            parts.append(f'{row} / {column} ' + (
                'missing cell' if not runs else
                f'{next(iter(values.values())):.3f} (n={read})'
                if values else 'not logged'))
    return ('- Estimated class prior against the true training prior (KL, '
            'last epoch): ' + '; '.join(parts))


def candidate_shares(folder: str) -> Dict[str, Tuple[int, float]]:
    """Shot group -> (training images whose true label is in the group,
    share of the group's candidate-label occurrences that are the true
    label), from a PLL build's ``train.json`` and ``class_split.json``."""
    with open(osp.join(folder, 'train.json')) as f:
        entries = json.load(f)['data_list']
    with open(osp.join(folder, 'class_split.json')) as f:
        split = json.load(f)
    out = {}
    for group in GROUPS:
        classes = set(split[group])
        true = sum(e['gt_label'] in classes for e in entries)
        seen = sum(c in classes for e in entries for c in e['candidates'])
        out[group] = (true, true / seen if seen else float('nan'))
    return out


def candidate_line(results: Results,
                   checks: Optional[Dict[int, Results]] = None) -> str:
    """How much a long-tailed PLL build says about each shot group (a data
    audit): its true training images and the true share of its candidate
    labels, per long-tail column."""
    from mlc.datasets.digitmosaic.generator import variant_folder
    from .runner import run_seeds
    block = blocks()['pll']
    parts = []
    for column in (c for c in block.columns if c.long_tail):
        folder = variant_folder(osp.join(run_seeds.ROOT, 'data/digitmosaic'),
                                column.variant, block.geometry)
        if not osp.isfile(osp.join(folder, 'train.json')):
            parts.append(f'{column.name}: not built')
            continue
        parts.append(f'{column.name}: ' + ', '.join(
            f'{g} {n} images, {100 * share:.1f} %'
            for g, (n, share) in candidate_shares(folder).items()))
    return ('- Training images by true shot group, and the share of that '
            "group's candidate labels that are true (train.json): "
            + '; '.join(parts))


#: claim paper -> measurements of its own beyond comparisons:
#: (results, checks) -> one line
EXTRA_LINES: Dict[str, Tuple[Callable[..., str], ...]] = {
    'Recipes carry over': (transfer_line, ),
    'Stitch-Up': (branch_line, noise_line),
    'RECORDS': (candidate_line, ),
    'SoLar': (prior_line, candidate_line)}
