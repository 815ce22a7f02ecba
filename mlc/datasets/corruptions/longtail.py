"""Long-tailed subsampling (DB/COMIC protocol) and
shot-group class splits."""
import random
from functools import partial
from typing import Dict, List, Optional

import numpy as np

from .common import clean_labels, observed_labels, run_op


def pareto_reference(num: int, n_max: int, n_min: int = 1, b: float = 6,
                     tail: float = 0.99) -> np.ndarray:
    """DB reference counts: int(pdf_Pareto(x_k; b) (n_max - n_min) / b +
    n_min) with x_k evenly spaced between the 0% and ``tail`` quantiles.

    Returns:
        np.ndarray: (C,) int64 counts, non-increasing, first = n_max.
    """
    x = np.linspace(1.0, (1.0 - tail) ** (-1.0 / b), num)
    pdf = b * x ** -(b + 1.0)
    return (pdf * (n_max - n_min) / b + n_min).astype(np.int64)


def exp_reference(num: int, n_max: int, rho: float) -> np.ndarray:
    """(C,) int64 counts int(n_max rho^(-k / (C - 1))), k = 0 … C-1."""
    k = np.arange(num)
    return (n_max * float(rho) ** (-k / (num - 1))).astype(np.int64)


def cooccurrence_mass(labels: np.ndarray) -> np.ndarray:
    """s_j = sum_i P(j | i), P(j | i) = mean label vector of the images that
    contain i (zero row for a class without images).

    Args:
        labels (np.ndarray): (N, C) bool positives.

    Returns:
        np.ndarray: (C,) float64 mass per class.
    """
    lab = labels.astype(np.float64)
    co = lab.T @ lab
    count = np.diag(co)
    cond = np.divide(co, count[:, None], out=np.zeros_like(co),
                     where=count[:, None] > 0)
    return cond.sum(0)


def greedy_fill(labels: np.ndarray, rank: np.ndarray, ref: np.ndarray,
                rnd: random.Random) -> np.ndarray:
    """The DB greedy add/remove pass.

    Visit classes in ``rank`` order; the k-th class adds uniformly chosen
    unselected images containing it while below ``ref[k]`` (capped by
    availability) or removes selected ones while above; every change updates
    all counts. Candidates are sampled from ascending image ids.

    Args:
        labels (np.ndarray): (N, C) bool positives.
        rank (np.ndarray): (C,) class visiting order.
        ref (np.ndarray): (C,) target count of the k-th visited class.
        rnd (random.Random): Python RNG.

    Returns:
        np.ndarray: (N,) bool selection mask.
    """
    selected = np.zeros(labels.shape[0], dtype=bool)
    counts = np.zeros(labels.shape[1], dtype=np.int64)
    members = [np.flatnonzero(col) for col in labels.T]
    for target, cls in zip(ref, rank):
        need = int(target - counts[cls])
        mine = members[cls]
        if need < 0:
            change = rnd.sample(mine[selected[mine]].tolist(), -need)
        else:
            free = mine[~selected[mine]].tolist()
            change = rnd.sample(free, min(need, len(free)))
        if change:
            selected[change] = need > 0
            delta = labels[change].sum(0)
            counts += delta if need > 0 else -delta
    return selected


def _subsample(ann: dict, rng: np.random.Generator, profile: str, n_max: int,
               n_min: int, b: float, rho: Optional[float], seed: int):
    labels = observed_labels(ann) == 1
    num = labels.shape[1]
    single = bool((labels.sum(1) == 1).all())
    if profile == 'pareto':
        ref = pareto_reference(num, n_max, n_min, b)
        rank = np.argsort(-cooccurrence_mass(labels), kind='stable')
    else:
        ref = exp_reference(num, n_max, rho)
        rank = np.argsort(-labels.sum(0), kind='stable')
    if profile == 'exp' and single:
        selected = np.zeros(labels.shape[0], dtype=bool)
        for target, cls in sorted(zip(ref, rank), key=lambda t: t[1]):
            selected[rng.permutation(np.flatnonzero(labels[:, cls]))
                     [:target]] = True
    else:
        selected = greedy_fill(labels, rank, ref, random.Random(seed))
    ann['data_list'] = [e for e, s in zip(ann['data_list'], selected) if s]
    return ann, dict(reference=ref, rank=rank,
                     rule='per-class subset' if profile == 'exp' and single
                     else 'greedy')


def longtail_subsample(annotation: dict, profile: str = 'pareto',
                       n_max: int = 1200, n_min: int = 1, b: float = 6,
                       rho: Optional[float] = None, seed: int = 0) -> dict:
    """Subsample images into a long-tailed training set (file order kept).

    ``'pareto'``: DB/COMIC reference counts (:func:`pareto_reference` with
    n_max, n_min, b) over classes ranked by co-occurrence mass, greedy fill
    with ``random.Random(seed)``. ``'exp'``: counts n_max rho^(-k/(C-1))
    over classes in frequency order (ties by id); greedy fill for
    multi-label files, a per-class random subset (toolkit RNG, classes in id
    order; the CIFAR-LT rule) when every image has exactly one positive.
    Reference counts, ranking and rule are recorded in provenance ``info``.

    Args:
        annotation (dict): Multi-label annotation (the pool).
        profile (str): ``'pareto'`` or ``'exp'``.
        n_max (int): Count of the head class.
        n_min (int): Pareto minimum count.
        b (float): Pareto shape.
        rho (float, optional): Imbalance ratio (``'exp'`` only).
        seed (int): Data seed.
    """
    if profile not in ('pareto', 'exp'):
        raise ValueError(f"profile must be 'pareto' or 'exp', got {profile!r}")
    if profile == 'exp' and rho is None:
        raise ValueError("profile='exp' needs rho")
    params = dict(profile=profile, n_max=n_max, n_min=n_min, b=b, rho=rho)
    return run_op(annotation, 'longtail_subsample', params, seed,
                  partial(_subsample, seed=seed))


def class_split(annotation: dict, many_min: int = 100, few_max: int = 20,
                counts: str = 'observed') -> Dict[str, List[int]]:
    """Shot groups from per-class training counts: many >= ``many_min``,
    few < ``few_max``, medium otherwise.

    Args:
        annotation (dict): Multi-label training annotation.
        counts (str): ``'observed'`` positives (PLT-COCO: the partial file
            actually loaded) or ``'clean'`` positives.

    Returns:
        dict: ``{"many": [...], "medium": [...], "few": [...]}``.
    """
    if counts == 'observed':
        num = (observed_labels(annotation) == 1).sum(0)
    elif counts == 'clean':
        clean = clean_labels(annotation)
        if clean is None:
            raise ValueError("counts='clean' needs clean_pos in the file")
        num = clean.sum(0)
    else:
        raise ValueError(f"counts must be 'observed' or 'clean', got "
                         f'{counts!r}')
    many = num >= many_min
    few = num < few_max
    return dict(many=np.flatnonzero(many).tolist(),
                medium=np.flatnonzero(~many & ~few).tolist(),
                few=np.flatnonzero(few).tolist())
