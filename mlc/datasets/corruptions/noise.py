"""Label noise: the project's documented generator ``inject_noise``.

The official -Noise rule of Stitch-Up is unpublished; this is the project's
fallback (docs/datasets.md, VOC-MLT / COCO-MLT and -Noise).
"""
import numpy as np
from mmengine.logging import MMLogger

from .common import observed_labels, run_op, write_observed


def _inject(ann: dict, rng: np.random.Generator, r: float,
            spurious: str) -> dict:
    observed = observed_labels(ann)
    positives = observed == 1
    weights = (np.ones(observed.shape[1]) if spurious == 'uniform' else
               positives.sum(0).astype(np.float64))
    out = np.zeros_like(observed)
    no_positive = 0
    for i, row in enumerate(positives):
        pos = np.flatnonzero(row)
        if pos.size == 0:
            no_positive += 1
            continue
        removed = rng.random(pos.size) < r
        absent = np.flatnonzero(~row)
        absent = absent[weights[absent] > 0]
        num_new = min(int(removed.sum()), absent.size)
        new = pos[~removed]
        if num_new:
            w = weights[absent]
            new = np.concatenate([new, rng.choice(
                absent, num_new, replace=False, p=w / w.sum())])
        if new.size == 0:
            new = pos[[rng.integers(pos.size)]]
        out[i, new] = 1
    unknown = int((observed == -1).sum())
    MMLogger.get_current_instance().info(
        f'inject_noise(r={r}, spurious={spurious}): {no_positive} image(s) '
        f'without positives left unchanged; {unknown} unknown entries '
        'became negatives')
    write_observed(ann, out, 0)
    return ann


def inject_noise(annotation: dict, r: float, spurious: str = 'uniform',
                 seed: int = 0) -> dict:
    """Replace each positive with probability ``r`` by a spurious positive.

    For an image with positives P (n = |P|, the input's observed positives:
    the clean labels when applied to a clean file) and absent classes A, each
    positive is removed independently with probability r and, for every
    removed one, a spurious positive is drawn without replacement from A
    (uniformly, or with probability proportional to the class frequency for
    ``'prior'``; zero-frequency classes are then never drawn), so the noisy
    set keeps n positives unless A runs out. If nothing is left, one removed
    positive is restored. Images without positives are left unchanged. The
    output is fully observed (noisy positives 1, everything else 0), so
    P(noisy=0 | clean=1) = r and P(noisy=1 | clean=0) = r n / (C - n).

    Args:
        annotation (dict): Multi-label annotation.
        r (float): Flip rate in [0, 1].
        spurious (str): ``'uniform'`` or ``'prior'``.
        seed (int): Data seed.
    """
    if not 0 <= r <= 1:
        raise ValueError(f'r must be in [0, 1], got {r}')
    if spurious not in ('uniform', 'prior'):
        raise ValueError(f"spurious must be 'uniform' or 'prior', got "
                         f'{spurious!r}')
    return run_op(annotation, 'inject_noise', dict(r=r, spurious=spurious),
                  seed, _inject)
