"""Partial-label (PLL) candidate sets from single-label files.

The input is a multi-label file with exactly one clean positive per image
(``clean_pos``, else ``pos``) or a PLL file (``gt_label``). The output is a
PLL file: ``task='pll'``, entries with ``candidates`` (ids, true label
always included) and ``gt_label``; ``pos``/``neg``/``clean_pos`` are removed.
"""
import json
from typing import Dict, Sequence, Tuple, Union

import numpy as np

from .common import clean_labels, num_classes, observed_labels, run_op, task

Groups = Union[str, Sequence[Sequence[int]], Dict[str, int]]

#: CIFAR-100 superclasses with their fine classes (RECORDS ``utils_algo``).
CIFAR100_SUPERCLASSES = {
    'aquatic_mammals': ['beaver', 'dolphin', 'otter', 'seal', 'whale'],
    'fish': ['aquarium_fish', 'flatfish', 'ray', 'shark', 'trout'],
    'flowers': ['orchid', 'poppy', 'rose', 'sunflower', 'tulip'],
    'food_containers': ['bottle', 'bowl', 'can', 'cup', 'plate'],
    'fruit_and_vegetables': ['apple', 'mushroom', 'orange', 'pear',
                             'sweet_pepper'],
    'household_electrical_devices': ['clock', 'keyboard', 'lamp', 'telephone',
                                     'television'],
    'household_furniture': ['bed', 'chair', 'couch', 'table', 'wardrobe'],
    'insects': ['bee', 'beetle', 'butterfly', 'caterpillar', 'cockroach'],
    'large_carnivores': ['bear', 'leopard', 'lion', 'tiger', 'wolf'],
    'large_man-made_outdoor_things': ['bridge', 'castle', 'house', 'road',
                                      'skyscraper'],
    'large_natural_outdoor_scenes': ['cloud', 'forest', 'mountain', 'plain',
                                     'sea'],
    'large_omnivores_and_herbivores': ['camel', 'cattle', 'chimpanzee',
                                       'elephant', 'kangaroo'],
    'medium_mammals': ['fox', 'porcupine', 'possum', 'raccoon', 'skunk'],
    'non-insect_invertebrates': ['crab', 'lobster', 'snail', 'spider', 'worm'],
    'people': ['baby', 'boy', 'girl', 'man', 'woman'],
    'reptiles': ['crocodile', 'dinosaur', 'lizard', 'snake', 'turtle'],
    'small_mammals': ['hamster', 'mouse', 'rabbit', 'shrew', 'squirrel'],
    'trees': ['maple_tree', 'oak_tree', 'palm_tree', 'pine_tree',
              'willow_tree'],
    'vehicles_1': ['bicycle', 'bus', 'motorcycle', 'pickup_truck', 'train'],
    'vehicles_2': ['lawn_mower', 'rocket', 'streetcar', 'tank', 'tractor'],
}


def cifar100_groups() -> np.ndarray:
    """(100,) superclass id of each CIFAR-100 class (fine labels are the
    alphabetically sorted names, superclasses in the order above)."""
    fine = sorted(n for names in CIFAR100_SUPERCLASSES.values()
                  for n in names)
    group = np.empty(len(fine), dtype=np.int64)
    for g, names in enumerate(CIFAR100_SUPERCLASSES.values()):
        group[[fine.index(n) for n in names]] = g
    return group


def resolve_groups(groups: Groups, num: int) -> np.ndarray:
    """(C,) group id per class from ``'cifar100'``, a JSON file path, a list
    of class-id lists or a ``{class id: group id}`` dict."""
    if isinstance(groups, str):
        if groups == 'cifar100':
            out = cifar100_groups()
            if num != out.size:
                raise ValueError(f"groups='cifar100' needs 100 classes, the "
                                 f'file has {num}')
            return out
        with open(groups, encoding='utf-8') as f:
            groups = json.load(f)
    out = np.full(num, -1, dtype=np.int64)
    if isinstance(groups, dict):
        for cls, g in groups.items():
            out[int(cls)] = int(g)
    else:
        for g, members in enumerate(groups):
            out[list(members)] = g
    if (out < 0).any():
        raise ValueError(f'classes {np.flatnonzero(out < 0).tolist()} have no '
                         'group')
    return out


def true_labels(ann: dict) -> np.ndarray:
    """(N,) true class per image (``gt_label``, or the single clean
    positive); raises if an image has not exactly one."""
    if task(ann) == 'pll':
        return np.array([e['gt_label'] for e in ann['data_list']],
                        dtype=np.int64)
    labels = clean_labels(ann)
    labels = observed_labels(ann) == 1 if labels is None else labels == 1
    bad = np.flatnonzero(labels.sum(1) != 1)
    if bad.size:
        raise ValueError(f'{bad.size} image(s) (first: data_list[{bad[0]}]) '
                         'do not have exactly one (clean) positive')
    return labels.argmax(1)


def _write_pll(ann: dict, labels: np.ndarray, cand: np.ndarray) -> dict:
    for entry, label, row in zip(ann['data_list'], labels, cand):
        for key in ('pos', 'neg', 'clean_pos'):
            entry.pop(key, None)
        entry['candidates'] = np.flatnonzero(row).tolist()
        entry['gt_label'] = int(label)
    ann['metainfo'].update(task='pll', unlisted=0)
    return ann


def _draw(ann: dict, rng: np.random.Generator,
          probs: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Candidates with ``U < probs[y]`` (U uniform (N, C)), true label in.

    Args:
        probs (np.ndarray): (C, C) inclusion probability of class j given
            true class i; the diagonal is ignored (always included).

    Returns:
        tuple: (N,) true labels and (N, C) bool candidate sets.
    """
    labels = true_labels(ann)
    rows = np.arange(labels.size)
    cand = rng.random((labels.size, num_classes(ann))) < probs[labels]
    cand[rows, labels] = True
    return labels, cand


def _uniform(ann: dict, rng: np.random.Generator, q: float,
             min_false: int) -> dict:
    num = num_classes(ann)
    labels, cand = _draw(ann, rng, np.full((num, num), q))
    for i in np.flatnonzero(cand.sum(1) - 1 < min_false):
        free = np.flatnonzero(~cand[i])
        need = min(min_false - (int(cand[i].sum()) - 1), free.size)
        cand[i, rng.choice(free, need, replace=False)] = True
    return _write_pll(ann, labels, cand)


def candidates_uniform(annotation: dict, q: float, min_false: int = 0,
                       seed: int = 0) -> dict:
    """Uniform candidate sets: every false label joins with probability q.

    E|S| = 1 + q (C - 1); size-1 sets are allowed unless ``min_false`` > 0,
    which tops sets up with uniformly chosen false labels (``min_false=1`` =
    original CORR).

    Args:
        annotation (dict): Single-label multi-label file or PLL file.
        q (float): Partial rate in [0, 1].
        min_false (int): Minimum number of false candidates.
        seed (int): Data seed.
    """
    if not 0 <= q <= 1:
        raise ValueError(f'q must be in [0, 1], got {q}')
    return run_op(annotation, 'candidates_uniform',
                  dict(q=q, min_false=min_false), seed, _uniform)


def _hierarchical(ann: dict, rng: np.random.Generator, q: float,
                  ratio: float, groups: Groups) -> dict:
    group = resolve_groups(groups, num_classes(ann))
    probs = np.where(group[:, None] == group[None, :], min(ratio * q, 1.0), q)
    return _write_pll(ann, *_draw(ann, rng, probs))


def candidates_hierarchical(annotation: dict, q: float, groups: Groups,
                            ratio: float = 8, seed: int = 0) -> dict:
    """Candidate sets where siblings of the true label (same group) join
    with probability min(ratio q, 1) and all other labels with q (the
    CIFAR-100-LT-NU protocol with ``groups='cifar100'``).

    Args:
        annotation (dict): Single-label multi-label file or PLL file.
        q (float): Partial rate of non-siblings in [0, 1].
        groups (str | list | dict): ``'cifar100'``, a JSON file, a list of
            class-id lists or a ``{class id: group id}`` dict.
        ratio (float): Sibling rate multiplier.
        seed (int): Data seed.
    """
    if not 0 <= q <= 1:
        raise ValueError(f'q must be in [0, 1], got {q}')
    return run_op(annotation, 'candidates_hierarchical',
                  dict(q=q, ratio=ratio, groups=groups), seed, _hierarchical)

