"""DigitMosaic draws: source pools, label sets, cell layout, digit placement.

RNG: ``Generator(PCG64(SeedSequence([seed, stream])))`` with one stream per
step (1 source split, 2 label sets, 3 layout, 4 pixels: the source digit of
each cell, 5 placement: digit size and offset inside its cell). Each stream
is consumed for val, then test, then train. The placement stream is drawn
last and only by mosaics, so a geometry changes no other stream's draws.
A build drawn from the seed's train pool only (a pre-training build) splits
that pool again with stream 6 and draws the other steps from
``SeedSequence([seed, stream, 6])``, so its mosaics are not those of the
seed's other builds.
"""
import hashlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from .geometry import MAX_SET, Geometry

NUM_CLASSES = 10
SPLITS = ('train', 'val', 'test')
#: order in which every stream is consumed
DRAW_ORDER = ('val', 'test', 'train')
STREAMS = dict(split=1, labels=2, layout=3, pixels=4, placement=5,
               subsplit=6)
MIN_SET = 1
MAX_DRAWS = 10**6
DRAW_BLOCK = 1024


@dataclass
class SplitDraw:
    """Everything drawn for one split of N images (K cells per mosaic).

    Attributes:
        label_sets (list): N sorted (k,) int64 class-id arrays.
        cells (np.ndarray): (N, K) class per cell (-1 blank), row-major;
            (N, 1) for single digits.
        sources (np.ndarray): (N, K) / (N, 1) source digit index per cell
            (-1 blank).
        offsets (np.ndarray, optional): (N, 2) paste offsets (row, col) of
            single digits.
        placement (np.ndarray, optional): (N, K, 3) int64 digit side, row
            and column offset inside its cell (source pixels) of mosaics.
    """
    label_sets: List[np.ndarray]
    cells: np.ndarray
    sources: np.ndarray
    offsets: Optional[np.ndarray] = None
    placement: Optional[np.ndarray] = None


def stream_rng(seed: int, step: str,
               salt: Tuple[int, ...] = ()) -> np.random.Generator:
    """``Generator(PCG64(SeedSequence([seed, stream, *salt])))`` of a
    step."""
    return np.random.Generator(np.random.PCG64(
        np.random.SeedSequence([seed, STREAMS[step], *salt])))


def load_source() -> Tuple[np.ndarray, np.ndarray, str]:
    """scikit-learn's digits: (1797, 8, 8) float64 images in [0, 16],
    (1797,) int64 targets and the SHA-1 of both arrays."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = np.ascontiguousarray(digits.images, dtype=np.float64)
    target = np.asarray(digits.target, dtype=np.int64)
    sha1 = hashlib.sha1(images.tobytes() + target.tobytes()).hexdigest()
    return images, target, sha1


def split_sources(target: np.ndarray, rng: np.random.Generator,
                  among: Optional[np.ndarray] = None
                  ) -> Dict[str, List[np.ndarray]]:
    """Per class (ascending), permute its indices: first floor(0.6 n) ->
    train pool, next floor(0.2 n) -> val, rest -> test.

    Args:
        target (np.ndarray): (1797,) source digit classes.
        among (np.ndarray, optional): Source indices to split (default:
            all).

    Returns:
        dict: split -> C arrays of source indices (disjoint pools).
    """
    ids = np.arange(target.size) if among is None else np.sort(among)
    pools = {s: [] for s in SPLITS}
    for c in range(NUM_CLASSES):
        perm = rng.permutation(ids[target[ids] == c])
        n_train, n_val = int(0.6 * perm.size), int(0.2 * perm.size)
        pools['train'].append(perm[:n_train])
        pools['val'].append(perm[n_train:n_train + n_val])
        pools['test'].append(perm[n_train + n_val:])
    return pools


def source_pools(target: np.ndarray, seed: int, source: str = 'all'
                 ) -> Tuple[Dict[str, List[np.ndarray]], Tuple[int, ...]]:
    """The source pools of a build and the salt of its other streams.

    Args:
        target (np.ndarray): (1797,) source digit classes.
        seed (int): Data seed.
        source (str): ``'all'``: the seed's pools (:func:`split_sources`),
            no salt; ``'train'``: the seed's train pool split again the same
            way (stream 6), salt ``(6,)``: no source digit of the seed's
            val/test pools is used.

    Returns:
        tuple: split -> C arrays of source indices, and the salt.
    """
    pools = split_sources(target, stream_rng(seed, 'split'))
    if source == 'all':
        return pools, ()
    if source != 'train':
        raise ValueError(f"DigitMosaic source must be 'all' or 'train', "
                         f'got {source!r}')
    return (split_sources(target, stream_rng(seed, 'subsplit'),
                          np.concatenate(pools['train'])),
            (STREAMS['subsplit'], ))


def sample_label_sets(rng: np.random.Generator, targets: np.ndarray,
                      rho: float) -> List[np.ndarray]:
    """Label sets with exact class counts, by rejection.

    Proposals: class c present independently with p_c = p0 n_c / n_max (p0
    0.5 if rho > 1 else 0.25), drawn in blocks of :data:`DRAW_BLOCK`; a set
    is rejected if its size is outside [1, 4] or a class would exceed its
    target; stops when every target is met.

    Args:
        targets (np.ndarray): (C,) class counts n_c, n_max = max.

    Returns:
        list: N sorted class-id arrays, in acceptance order.
    """
    p0 = 0.5 if rho > 1 else 0.25
    prob = p0 * targets / targets.max()
    counts = np.zeros_like(targets)
    remaining = int(targets.sum())
    sets, draws = [], 0
    while remaining:
        block = rng.random((DRAW_BLOCK, targets.size)) < prob
        for row, size in zip(block, block.sum(1)):
            draws += 1
            if (MIN_SET <= size <= MAX_SET
                    and (counts[row] < targets[row]).all()):
                counts[row] += 1
                remaining -= int(size)
                sets.append(np.flatnonzero(row))
                if not remaining:
                    break
        if draws > MAX_DRAWS and remaining:
            raise RuntimeError(f'label sets: targets {targets.tolist()} not '
                               f'met after {draws} draws')
    return sets


def mosaic_layout(sets: List[np.ndarray], pools: List[np.ndarray],
                  rng_layout: np.random.Generator,
                  rng_pixels: np.random.Generator,
                  rng_placement: np.random.Generator,
                  geom: Geometry) -> SplitDraw:
    """Grid layout: each class of S in a distinct random cell; each other
    cell (ascending) holds with prob ``dup_prob`` a duplicate of a uniform
    class of S, else stays blank; every filled cell gets a uniform source
    digit of its class from the split's pool (with replacement) and a
    placement (:func:`place_digits`)."""
    cells = np.full((len(sets), geom.num_cells), -1, dtype=np.int64)
    for i, labels in enumerate(sets):
        perm = rng_layout.permutation(geom.num_cells)
        cells[i, perm[:labels.size]] = labels
        for cell in np.sort(perm[labels.size:]):
            if rng_layout.random() < geom.dup_prob:
                cells[i, cell] = labels[rng_layout.integers(labels.size)]
    return SplitDraw(sets, cells, _pick_sources(cells, pools, rng_pixels),
                     placement=place_digits(cells.shape, rng_placement,
                                            geom))


def place_digits(shape: Tuple[int, int], rng: np.random.Generator,
                 geom: Geometry) -> np.ndarray:
    """Side ``round(s * min cell side)`` (s uniform in ``geom.scale``, at
    least 1) and a uniform integer (row, col) offset inside the cell, drawn
    for every cell of (N, K) mosaics (blank ones too, so a cell's placement
    does not depend on the others' contents).

    Returns:
        np.ndarray: (N, K, 3) int64 side, row offset, column offset.
    """
    cell_h, cell_w = geom.cell
    low, high = geom.scale
    sides = np.maximum(1, np.rint(rng.uniform(low, high, size=shape)
                                  * min(cell_h, cell_w))).astype(np.int64)
    room = np.stack([cell_h - sides, cell_w - sides], axis=-1) + 1
    offsets = np.floor(rng.random(room.shape) * room).astype(np.int64)
    return np.concatenate([sides[..., None], offsets], axis=-1)


def single_layout(targets: np.ndarray, pools: List[np.ndarray],
                  rng_labels: np.random.Generator,
                  rng_layout: np.random.Generator,
                  rng_pixels: np.random.Generator) -> SplitDraw:
    """Single digits: a random order of the exact class counts, paste offsets
    uniform in [0, 8]^2 and a uniform source digit per image."""
    labels = rng_labels.permutation(np.repeat(np.arange(targets.size),
                                              targets))
    offsets = rng_layout.integers(0, 9, size=(labels.size, 2))
    cells = labels[:, None]
    return SplitDraw([labels[i:i + 1] for i in range(labels.size)], cells,
                     _pick_sources(cells, pools, rng_pixels), offsets)


def _pick_sources(cells: np.ndarray, pools: List[np.ndarray],
                  rng: np.random.Generator) -> np.ndarray:
    """Uniform source digit (with replacement) of each filled cell, drawn in
    row-major order."""
    sizes = np.array([p.size for p in pools])
    filled = cells >= 0
    picks = rng.integers(0, sizes[cells[filled]])
    sources = np.full(cells.shape, -1, dtype=np.int64)
    sources[filled] = [pools[c][j] for c, j in zip(cells[filled], picks)]
    return sources
