"""DigitMosaic: the embedded CPU benchmark (benchmarks.md §7).

Multi-label 2x2 mosaics (or, for ``pll``, single pasted digits) of
scikit-learn's bundled 8x8 handwritten digits, with exact per-class counts.
RNG: ``Generator(PCG64(SeedSequence([seed, stream])))`` with one stream per
step (1 source split, 2 label sets, 3 layout, 4 pixels: the source digit of
each cell). Each stream is consumed for val, then test, then train, so val
and test do not depend on the train profile: all multi-label variants of a
seed share them. Train labels are then corrupted by the toolkit ops
(:mod:`mlc.datasets.corruptions`) with the same seed, keeping ``clean_pos``.

Output ``<root>/<variant>/``: ``{train,val,test}.json`` (standard
annotation, images relative to the variant folder),
``images/<split>/<5-digit index>.png`` (8-bit grayscale), ``class_split.json``
and ``meta.json`` (parameters, per-split counts, the source pools). A variant
is written to a temporary folder and renamed into place, so concurrent
builders (DDP ranks) never see a partial folder.
"""
import hashlib
import json
import os
import os.path as osp
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.logging import MMLogger
from PIL import Image

from mlc.version import __version__
from ..corruptions import OPS, audit, save_annotation
from ..corruptions.common import canonical, dumps_canonical
from ..corruptions.longtail import exp_reference

GENERATOR_VERSION = 1
NUM_CLASSES = 10
SPLITS = ('train', 'val', 'test')
#: order in which every stream is consumed
DRAW_ORDER = ('val', 'test', 'train')
STREAMS = dict(split=1, labels=2, layout=3, pixels=4)
#: shot groups by rank of the clean LT targets, shared by all variants
CLASS_SPLIT = {'many': [0, 1, 2], 'medium': [3, 4, 5, 6], 'few': [7, 8, 9]}
MIN_SET, MAX_SET = 1, 4
MAX_DRAWS = 10**6
DRAW_BLOCK = 1024
CELL = 8


@dataclass(frozen=True)
class VariantSpec:
    """Parameters of one variant.

    Args:
        kind (str): ``'mosaic'`` (multi-label 2x2) or ``'single'`` (PLL).
        rho (float): Train imbalance ratio (1 = balanced).
        n_max (int): Train count of class 0.
        val_per_class (int): Balanced val count per class.
        test_per_class (int): Balanced test count per class.
        ops (list): ``[op name, params]`` pairs applied to the train labels.
    """
    kind: str
    rho: float
    n_max: int
    val_per_class: int
    test_per_class: int
    ops: List[list] = field(default_factory=list)


VARIANTS: Dict[str, VariantSpec] = {
    'full': VariantSpec('mosaic', 1, 700, 150, 300),
    'pl': VariantSpec('mosaic', 1, 700, 150, 300,
                      [['drop_positives_hill', dict(k=5)]]),
    'single': VariantSpec('mosaic', 1, 700, 150, 300,
                          [['single_positive', dict()]]),
    'pu': VariantSpec('mosaic', 1, 700, 150, 300,
                      [['keep_entries', dict(p=0.4)]]),
    'lt': VariantSpec('mosaic', 50, 1200, 150, 300),
    'plt': VariantSpec('mosaic', 50, 1200, 150, 300, [[
        'keep_positives_bernoulli', dict(p_keep=0.6, min_keep=0)]]),
    'noise': VariantSpec('mosaic', 1, 700, 150, 300,
                         [['inject_noise', dict(r=0.5)]]),
    'lt-noise': VariantSpec('mosaic', 50, 1200, 150, 300,
                            [['inject_noise', dict(r=0.5)]]),
    'pll': VariantSpec('single', 100, 1000, 50, 100,
                       [['candidates_uniform', dict(q=0.3)]]),
}


@dataclass
class SplitDraw:
    """Everything drawn for one split of N images.

    Attributes:
        label_sets (list): N sorted (k,) int64 class-id arrays.
        cells (np.ndarray): (N, 4) class per 2x2 cell (-1 blank), row-major;
            (N, 1) for single digits.
        sources (np.ndarray): (N, 4) / (N, 1) source digit index per cell
            (-1 blank).
        offsets (np.ndarray, optional): (N, 2) paste offsets (row, col) of
            single digits.
    """
    label_sets: List[np.ndarray]
    cells: np.ndarray
    sources: np.ndarray
    offsets: Optional[np.ndarray] = None


def stream_rng(seed: int, step: str) -> np.random.Generator:
    """``Generator(PCG64(SeedSequence([seed, stream])))`` of a step."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([seed, STREAMS[step]])))


def load_source() -> Tuple[np.ndarray, np.ndarray, str]:
    """scikit-learn's digits: (1797, 8, 8) float64 images in [0, 16],
    (1797,) int64 targets and the SHA-1 of both arrays."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    images = np.ascontiguousarray(digits.images, dtype=np.float64)
    target = np.asarray(digits.target, dtype=np.int64)
    sha1 = hashlib.sha1(images.tobytes() + target.tobytes()).hexdigest()
    return images, target, sha1


def split_sources(target: np.ndarray,
                  rng: np.random.Generator) -> Dict[str, List[np.ndarray]]:
    """Per class (ascending), permute its indices: first floor(0.6 n) ->
    train pool, next floor(0.2 n) -> val, rest -> test.

    Returns:
        dict: split -> C arrays of source indices (disjoint pools).
    """
    pools = {s: [] for s in SPLITS}
    for c in range(NUM_CLASSES):
        perm = rng.permutation(np.flatnonzero(target == c))
        n_train, n_val = int(0.6 * perm.size), int(0.2 * perm.size)
        pools['train'].append(perm[:n_train])
        pools['val'].append(perm[n_train:n_train + n_val])
        pools['test'].append(perm[n_train + n_val:])
    return pools


def split_targets(spec: VariantSpec, split: str) -> Tuple[np.ndarray, float]:
    """(C,) exact class counts of a split and its imbalance ratio."""
    if split == 'train':
        return exp_reference(NUM_CLASSES, spec.n_max, spec.rho), spec.rho
    per_class = spec.val_per_class if split == 'val' else spec.test_per_class
    return np.full(NUM_CLASSES, per_class, dtype=np.int64), 1.0


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
                  rng_pixels: np.random.Generator) -> SplitDraw:
    """2x2 layout: each class of S in a distinct random cell; each other
    cell (ascending) holds with prob 0.5 a duplicate of a uniform class of S,
    else stays blank; every filled cell gets a uniform source digit of its
    class from the split's pool (with replacement)."""
    cells = np.full((len(sets), 4), -1, dtype=np.int64)
    for i, labels in enumerate(sets):
        perm = rng_layout.permutation(4)
        cells[i, perm[:labels.size]] = labels
        for cell in np.sort(perm[labels.size:]):
            if rng_layout.random() < 0.5:
                cells[i, cell] = labels[rng_layout.integers(labels.size)]
    return SplitDraw(sets, cells, _pick_sources(cells, pools, rng_pixels))


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


def _to_uint8(pixels: np.ndarray) -> np.ndarray:
    return np.rint(pixels * 255.0 / 16.0).astype(np.uint8)


def _resize(img: np.ndarray, size: int) -> np.ndarray:
    if img.shape[0] == size:
        return img
    return np.asarray(Image.fromarray(img).resize(
        (size, size), Image.Resampling.BILINEAR))


def render_mosaic(images: np.ndarray, sources: np.ndarray,
                  img_size: int) -> np.ndarray:
    """(img_size, img_size) uint8 mosaic of the (4,) cell sources."""
    canvas = np.zeros((2 * CELL, 2 * CELL))
    for cell, src in enumerate(sources):
        if src >= 0:
            r, c = divmod(cell, 2)
            canvas[r * CELL:(r + 1) * CELL, c * CELL:(c + 1) * CELL] = \
                images[src]
    return _resize(_to_uint8(canvas), img_size)


def render_single(images: np.ndarray, source: int, offset: np.ndarray,
                  img_size: int) -> np.ndarray:
    """(img_size, img_size) uint8: the digit upsampled to 24x24, pasted into
    a black 32x32 canvas at ``offset`` (row, col), resized to img_size."""
    canvas = np.zeros((32, 32), dtype=np.uint8)
    digit = _resize(_to_uint8(images[source]), 24)
    canvas[offset[0]:offset[0] + 24, offset[1]:offset[1] + 24] = digit
    return _resize(canvas, img_size)


def draw_variant(spec: VariantSpec, seed: int, target: np.ndarray
                 ) -> Tuple[Dict[str, List[np.ndarray]], Dict[str, SplitDraw]]:
    """Source pools and the draws of every split (no rendering).

    Args:
        target (np.ndarray): (1797,) source digit classes.

    Returns:
        tuple: pools (split -> C index arrays) and draws (split ->
        :class:`SplitDraw`).
    """
    pools = split_sources(target, stream_rng(seed, 'split'))
    rngs = {step: stream_rng(seed, step) for step in ('labels', 'layout',
                                                      'pixels')}
    draws = {}
    for split in DRAW_ORDER:
        targets, rho = split_targets(spec, split)
        if spec.kind == 'single':
            draws[split] = single_layout(targets, pools[split],
                                         rngs['labels'], rngs['layout'],
                                         rngs['pixels'])
        else:
            sets = sample_label_sets(rngs['labels'], targets, rho)
            draws[split] = mosaic_layout(sets, pools[split], rngs['layout'],
                                         rngs['pixels'])
    return pools, draws


def variant_params(variant: str, seed: int, img_size: int) -> dict:
    """The parameters that identify a build (compared on rerun)."""
    if variant not in VARIANTS:
        raise KeyError(f'unknown DigitMosaic variant {variant!r}; known: '
                       f'{sorted(VARIANTS)}')
    return canonical(dict(variant=variant, seed=seed, img_size=img_size,
                          generator_version=GENERATOR_VERSION,
                          spec=asdict(VARIANTS[variant])))


def _annotation(spec: VariantSpec, split: str, draw: SplitDraw,
                entry_prov: dict) -> dict:
    """The clean annotation of a split: multi-label entries (``pos`` =
    ``clean_pos``, ``unlisted=0``), PLL entries for single-digit val/test."""
    single_eval = spec.kind == 'single' and split != 'train'
    data_list = []
    for i, labels in enumerate(draw.label_sets):
        entry = dict(img_path=f'images/{split}/{i:05d}.png')
        ids = labels.tolist()
        if single_eval:
            entry.update(candidates=ids, gt_label=ids[0])
        else:
            entry.update(pos=ids, neg=[], clean_pos=ids)
        data_list.append(entry)
    counts = np.zeros(NUM_CLASSES, dtype=np.int64)
    for labels in draw.label_sets:
        counts[labels] += 1
    meta = dict(classes=[str(c) for c in range(NUM_CLASSES)],
                task='pll' if single_eval else 'multilabel', unlisted=0,
                class_freq=counts.tolist(),
                source=f'DigitMosaic {split} (scikit-learn digits)',
                provenance=[entry_prov])
    return dict(metainfo=meta, data_list=data_list)


def _write_images(folder: str, split: str, draw: SplitDraw,
                  images: np.ndarray, spec: VariantSpec,
                  img_size: int) -> None:
    out = osp.join(folder, 'images', split)
    os.makedirs(out)
    for i, sources in enumerate(draw.sources):
        if spec.kind == 'single':
            img = render_single(images, sources[0], draw.offsets[i], img_size)
        else:
            img = render_mosaic(images, sources, img_size)
        Image.fromarray(img).save(osp.join(out, f'{i:05d}.png'))


def _scalars(stats: dict) -> dict:
    """Scalar statistics of :func:`audit`, NaN -> None."""
    return {k: (None if isinstance(v, float) and np.isnan(v) else v)
            for k, v in stats.items() if isinstance(v, (int, float))}


def write_variant(folder: str, variant: str, seed: int, img_size: int) -> dict:
    """Generate every file of a variant into ``folder`` (must not exist).

    Returns:
        dict: The ``meta.json`` content.
    """
    spec = VARIANTS[variant]
    params = variant_params(variant, seed, img_size)
    images, target, source_sha1 = load_source()
    pools, draws = draw_variant(spec, seed, target)
    os.makedirs(folder)
    splits = {}
    for split in SPLITS:
        prov = dict(op='make_digitmosaic', params=dict(params, split=split),
                    seed=seed, input_sha1=source_sha1,
                    tool_version=__version__)
        ann = _annotation(spec, split, draws[split], prov)
        if split == 'train':
            for name, op_params in spec.ops:
                ann = OPS[name](ann, seed=seed, **op_params)
        _write_images(folder, split, draws[split], images, spec, img_size)
        save_annotation(osp.join(folder, f'{split}.json'), ann)
        splits[split] = _scalars(audit(ann))
        splits[split]['clean_class_counts'] = np.bincount(
            np.concatenate(draws[split].label_sets),
            minlength=NUM_CLASSES).tolist()
    meta = dict(params=params, splits=splits, class_split=CLASS_SPLIT,
                source=dict(name='sklearn.datasets.load_digits',
                            sha1=source_sha1,
                            pools={s: np.sort(np.concatenate(p)).tolist()
                                   for s, p in pools.items()}))
    _write_json(osp.join(folder, 'class_split.json'), CLASS_SPLIT)
    _write_json(osp.join(folder, 'meta.json'), meta)
    return meta


def _write_json(path: str, obj: dict) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        f.write(dumps_canonical(obj))


def read_params(folder: str) -> Optional[dict]:
    """The build parameters in ``folder/meta.json``, or None."""
    path = osp.join(folder, 'meta.json')
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        return json.load(f).get('params')


def build_digitmosaic(root: str, variant: str, seed: int = 0,
                      img_size: int = 32, force: bool = False) -> str:
    """Generate ``<root>/<variant>`` unless it already holds this build.

    Re-running with the same parameters is a no-op (compares ``meta.json``);
    an existing folder with other parameters (or without ``meta.json``)
    raises unless ``force``, which replaces it. Files are written to a
    temporary folder in ``root`` and renamed into place.

    Args:
        root (str): Folder of the variants, e.g. ``data/digitmosaic``.
        variant (str): One of :data:`VARIANTS`.
        seed (int): Data seed.
        img_size (int): Output side in pixels (32 default, 64 allowed).
        force (bool): Replace an existing folder with other parameters.

    Returns:
        str: The variant folder.
    """
    params = variant_params(variant, seed, img_size)
    final = osp.join(root, variant)
    if osp.isdir(final) and not force:
        check_build(final, params)
        return final
    os.makedirs(root, exist_ok=True)
    tmp = osp.join(root, f'.{variant}.tmp-{uuid.uuid4().hex}')
    try:
        write_variant(tmp, variant, seed, img_size)
        _publish(tmp, final, params, force)
    finally:
        if osp.isdir(tmp):
            shutil.rmtree(tmp)
    MMLogger.get_current_instance().info(
        f'DigitMosaic {variant} (seed {seed}, {img_size}px) written to '
        f'{final}')
    return final


def check_build(final: str, params: dict) -> None:
    """Raise unless ``final/meta.json`` records the build ``params``."""
    existing = read_params(final)
    if existing != params:
        raise FileExistsError(
            f'{final} holds a different DigitMosaic build '
            f'({"no meta.json" if existing is None else existing}); use a '
            'new root or force=True (--force)')


def _publish(tmp: str, final: str, params: dict, force: bool) -> None:
    """Rename ``tmp`` to ``final``; with ``force`` an old folder is moved
    aside first. If another process published first, its build must match."""
    old = None
    if force and osp.isdir(final):
        old = f'{final}.old-{uuid.uuid4().hex}'
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if not osp.isdir(final):
            raise
        check_build(final, params)
    if old is not None:
        shutil.rmtree(old)

