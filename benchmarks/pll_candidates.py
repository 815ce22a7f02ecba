"""Speed of the CIFAR-LT partial-label builder against the official code.

Times, in one process, the RECORDS code's candidate generation (a Python
double loop over samples and classes after one ``np.random.uniform``) and
ours (``build_annotations`` with ``legacy_rng=True``, vectorised, same
output bit for bit), on CIFAR-10-LT rho 100 (12,406 images) and CIFAR-100-LT
rho 100 (10,847 images) label vectors. Prints the ratios.

    python benchmarks/pll_candidates.py
"""
import time
from typing import Optional, Sequence, Tuple

import numpy as np

from mlc.datasets.cifar_lt_pll import build_annotations, build_params


def official(labels: np.ndarray, counts: Sequence[int], q: float, num: int,
             seed: int = 0, groups: Optional[np.ndarray] = None
             ) -> Tuple[np.ndarray, np.ndarray]:
    """The RECORDS code's steps with the global numpy RNG (the reference of
    this benchmark and of tests/datasets/test_pll_datasets.py).

    Args:
        labels (ndarray): (N,) class of every image of the balanced set.
        counts (Sequence[int]): Images kept per class (in class order).
        q (float): Flip probability of every other class.
        num (int): Number of classes C.
        seed (int): Seed of the global numpy RNG. Defaults to 0.
        groups (ndarray, optional): (C,) superclass of every class (the
            hierarchical CIFAR-100 variant: ``8 q`` within a superclass).

    Returns:
        tuple: (M,) indices of the kept images and their (M, C) 0/1
        candidate matrix.
    """
    np.random.seed(seed)
    keep = []
    for cls, n in zip(np.unique(labels), counts):
        idx = np.where(labels == cls)[0]
        np.random.shuffle(idx)
        keep.append(idx[:n])
    keep = np.concatenate(keep)
    y = labels[keep]
    trans = np.eye(num)
    trans[np.where(~np.eye(num, dtype=bool))] = q
    if groups is not None:
        trans = np.eye(num)
        trans[np.where(~np.eye(num, dtype=bool))] = q * 8
        trans *= groups[:, None] == groups[None, :]
        trans[trans == 0] = q
    random_n = np.random.uniform(0, 1, size=(y.size, num))
    cand = np.zeros((y.size, num))
    cand[np.arange(y.size), y] = 1
    for j in range(y.size):
        for jj in range(num):
            if jj != y[j] and random_n[j, jj] < trans[y[j], jj]:
                cand[j, jj] = 1
    return keep, cand


def main() -> None:
    for cifar, num, n_max, q in (('cifar10', 10, 5000, 0.3),
                                 ('cifar100', 100, 500, 0.05)):
        labels = np.repeat(np.arange(num), n_max)
        params = build_params(cifar, 100, q, legacy_rng=True)
        counts = [int(n_max * 0.01**(k / (num - 1))) for k in range(num)]
        start = time.perf_counter()
        _, ref = official(labels, counts, q, num)
        t_official = time.perf_counter() - start
        start = time.perf_counter()
        train, _, _ = build_annotations(labels, labels[:num],
                                        [str(i) for i in range(num)], params)
        t_ours = time.perf_counter() - start
        ours = np.zeros_like(ref)
        for i, e in enumerate(train['data_list']):
            ours[i, e['candidates']] = 1
        assert np.array_equal(ours, ref)
        print(f'{cifar}-LT rho 100 q {q}: official {t_official:.3f} s, ours '
              f'{t_ours:.3f} s (incl. annotation dicts), speed-up '
              f'{t_official / t_ours:.1f}x, identical output')


if __name__ == '__main__':
    main()
