"""Options of co-learning: branches, Stitch-Up modes and the per-class
correction thresholds."""
from typing import Dict, List, Optional, Tuple, Union

import torch

from mlc.evaluation.functional import load_class_split
from mlc.utils.choices import check_choice

BRANCHES = ('random', 'balanced')
STITCH_MODES = (None, 'feature_avg', 'image_splice')
#: threshold group names and the class-split keys they read
GROUPS = (('head', 'many'), ('medium', 'medium'), ('tail', 'few'))
#: (labels of branch, corrected with the thresholds of prefix): R's labels
#: use B's probabilities and the balance_* thresholds, B's R's and random_*
TARGETS = (('random', 'balance'), ('balanced', 'random'))


def kept_branches(branches: Dict[str, dict], single_branch: Optional[str]
                  ) -> Dict[str, dict]:
    """The branch configs a model builds: all of ``branches``, or with
    ``single_branch`` only that one (raises on an unknown name or a branch
    that is not ``dict(neck=..., head=...)``)."""
    unknown = set(branches) - set(BRANCHES)
    if unknown or not branches:
        raise KeyError(f'CoLearningClassifier: branches must be among '
                       f'{BRANCHES}, got {sorted(branches)}')
    for name, cfg in branches.items():
        if set(cfg) != {'neck', 'head'}:
            raise KeyError(f'CoLearningClassifier: branch {name} needs '
                           f'exactly neck and head, got {sorted(cfg)}')
    if single_branch is None:
        return dict(branches)
    check_choice('CoLearningClassifier', 'single_branch', single_branch,
                 BRANCHES)
    if single_branch not in branches:
        raise ValueError(f'CoLearningClassifier: single_branch '
                         f'{single_branch!r} is not among the branches '
                         f'{sorted(branches)}')
    return {single_branch: branches[single_branch]}


def check_options(branches: Dict[str, dict], stitch: Optional[str],
                  correction: bool, write_back: bool) -> None:
    """Raise on an impossible combination of options (``branches`` as
    :func:`kept_branches` returns them)."""
    check_choice('CoLearningClassifier', 'stitch', stitch, STITCH_MODES)
    if correction and len(branches) != 2:
        raise ValueError('CoLearningClassifier: correction needs both '
                         'branches (set correction=False)')
    if write_back and not correction:
        raise ValueError('CoLearningClassifier: write_back stores '
                         'corrections and needs correction=True')


def threshold_keys() -> List[str]:
    """The 12 names ``{random,balance}_{head,medium,tail}_{alpha,beta}``."""
    return [f'{b}_{g}_{k}' for b in ('random', 'balance')
            for g, _ in GROUPS for k in ('alpha', 'beta')]


def check_thresholds(thresholds: Optional[Dict[str, float]]
                     ) -> Dict[str, float]:
    """A copy of ``thresholds``; raises on an unknown key."""
    thresholds = dict(thresholds or {})
    bad = set(thresholds) - set(threshold_keys())
    if bad:
        raise KeyError(f'CoLearningClassifier: unknown threshold keys '
                       f'{sorted(bad)}; allowed {threshold_keys()}')
    return thresholds


def needs_class_groups(thresholds: Dict[str, float]) -> bool:
    """Whether any threshold differs from the never-firing default
    (alpha 1, beta 0)."""
    return any((v != 1.0 if k.endswith('alpha') else v != 0.0)
               for k, v in thresholds.items())


def class_thresholds(split: Union[str, dict], thresholds: Dict[str, float],
                     num_classes: int
                     ) -> Tuple[dict, Dict[str, Tuple[torch.Tensor,
                                                      torch.Tensor]]]:
    """Class groups of ``split`` and, per corrected branch, the (C,) alpha
    and beta of its classes (alpha 1 never adds, beta 0 never removes)."""
    groups = load_class_split(split, num_classes)
    seen = sorted(c for _, key in GROUPS for c in groups[key])
    if seen != list(range(num_classes)):
        raise ValueError('CoLearningClassifier: every class must be in '
                         'exactly one of head/medium/tail of the '
                         'training split')
    tables = {}
    for target, prefix in TARGETS:
        alpha, beta = torch.ones(num_classes), torch.zeros(num_classes)
        for group, key in GROUPS:
            idx = torch.as_tensor(groups[key], dtype=torch.long)
            alpha[idx] = thresholds.get(f'{prefix}_{group}_alpha', 1.)
            beta[idx] = thresholds.get(f'{prefix}_{group}_beta', 0.)
        tables[target] = (alpha, beta)
    return groups, tables
