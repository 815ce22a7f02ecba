"""DigitMosaic: the embedded CPU benchmark (docs/datasets.md).

Multi-label grid mosaics (or, for the ``pll*`` variants, single pasted
digits) of scikit-learn's bundled 8x8 handwritten digits, with exact
per-class counts.
The draws (source pools, label sets, layout, placement) are in
:mod:`.layout`, the mosaic geometry in :mod:`.geometry`, the rendering in
:mod:`.render`. Val and test do not depend on the train profile: all
multi-label variants of a seed and geometry but ``pretrain`` share them, and
so do the ``pll*`` variants of a seed. Train labels are
then corrupted by the toolkit ops (:mod:`mlc.datasets.corruptions`) with the
same seed, keeping ``clean_pos``. The ``pretrain`` variant (clean and
balanced, for pre-training frozen trunks) draws only from the seed's train
pool, so it never uses a source digit of the seed's val/test images.

Output ``<root>/[<geometry tag>/]<variant>/``: ``{train,val,test}.json``
(standard annotation, images relative to the variant folder),
``images/<split>/<5-digit index>.png`` (8-bit grayscale), ``class_split.json``
and ``meta.json`` (parameters, per-split counts, the source pools). A variant
is written to a temporary folder and renamed into place, so concurrent
builders (DDP ranks) never see a partial folder.
"""
import json
import os
import os.path as osp
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
from mmengine.logging import MMLogger
from PIL import Image

from mlc.utils.progress import format_duration
from mlc.version import __version__
from ..corruptions import OPS, audit, save_annotation
from ..corruptions.common import canonical, dumps_canonical
from ..corruptions.longtail import exp_reference
from .geometry import Geometry, geometry_tag, resolve_geometry
from .layout import (
    DRAW_ORDER,
    NUM_CLASSES,
    SPLITS,
    SplitDraw,
    load_source,
    mosaic_layout,
    sample_label_sets,
    single_layout,
    source_pools,
    stream_rng,
)
from .render import render_mosaic, render_single

GENERATOR_VERSION = 1
#: shot groups by rank of the clean LT targets, shared by all variants
CLASS_SPLIT = {'many': [0, 1, 2], 'medium': [3, 4, 5, 6], 'few': [7, 8, 9]}
#: a geometry given to a build: a name, a dict of knobs or a Geometry
GeometryArg = Union[None, str, dict, Geometry]


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
        source (str): Source digits of the build: ``'all'`` (the seed's
            train/val/test pools) or ``'train'`` (the seed's train pool
            only, split again into the build's own pools; see
            :func:`~.layout.source_pools`).
    """
    kind: str
    rho: float
    n_max: int
    val_per_class: int
    test_per_class: int
    ops: List[list] = field(default_factory=list)
    source: str = 'all'


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
    # the same images and flip rate (its own random flips), spurious
    # positives drawn in proportion to the class frequency (uniform ones
    # make 92 % of the tail's positives spurious)
    'lt-noise-prior': VariantSpec('mosaic', 50, 1200, 150, 300, [[
        'inject_noise', dict(r=0.5, spurious='prior')]]),
    'pretrain': VariantSpec('mosaic', 1, 700, 150, 300, source='train'),
    'pll': VariantSpec('single', 100, 1000, 50, 100,
                       [['candidates_uniform', dict(q=0.3)]]),
    'pll-q05': VariantSpec('single', 100, 1000, 50, 100,
                           [['candidates_uniform', dict(q=0.5)]]),
    'pll-bal': VariantSpec('single', 1, 248, 50, 100,
                           [['candidates_uniform', dict(q=0.3)]]),
    'pll-bal-q05': VariantSpec('single', 1, 248, 50, 100,
                               [['candidates_uniform', dict(q=0.5)]]),
}


def split_targets(spec: VariantSpec, split: str) -> Tuple[np.ndarray, float]:
    """(C,) exact class counts of a split and its imbalance ratio."""
    if split == 'train':
        return exp_reference(NUM_CLASSES, spec.n_max, spec.rho), spec.rho
    per_class = spec.val_per_class if split == 'val' else spec.test_per_class
    return np.full(NUM_CLASSES, per_class, dtype=np.int64), 1.0


def draw_variant(spec: VariantSpec, seed: int, target: np.ndarray,
                 geom: Optional[Geometry] = None
                 ) -> Tuple[Dict[str, List[np.ndarray]], Dict[str, SplitDraw]]:
    """Source pools and the draws of every split (no rendering).

    Args:
        target (np.ndarray): (1797,) source digit classes.
        geom (Geometry, optional): Mosaic geometry (default: the original
            2x2 one); single-digit variants ignore it.

    Returns:
        tuple: pools (split -> C index arrays) and draws (split ->
        :class:`SplitDraw`).
    """
    geom = resolve_geometry(geom)
    pools, salt = source_pools(target, seed, spec.source)
    rngs = {step: stream_rng(seed, step, salt)
            for step in ('labels', 'layout', 'pixels', 'placement')}
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
                                         rngs['pixels'], rngs['placement'],
                                         geom)
    return pools, draws


def build_geometry(variant: str, geometry: GeometryArg = None,
                   img_size: Optional[int] = None) -> Geometry:
    """The geometry of a build: single-digit variants (``pll*``) have only
    an image size and accept no other geometry."""
    geom = resolve_geometry(geometry, img_size)
    if (VARIANTS[variant].kind == 'single'
            and geometry_tag(geom) is not None):
        raise ValueError(f'DigitMosaic {variant!r} pastes single digits: '
                         'only img_size applies, not a mosaic geometry')
    return geom


def variant_params(variant: str, seed: int, img_size: Optional[int] = None,
                   geometry: GeometryArg = None) -> dict:
    """The parameters that identify a build (compared on rerun). The
    geometry's layout knobs and the variant's ``source`` are recorded unless
    they are the defaults (so the other builds keep their parameters)."""
    if variant not in VARIANTS:
        raise KeyError(f'unknown DigitMosaic variant {variant!r}; known: '
                       f'{sorted(VARIANTS)}')
    geom = build_geometry(variant, geometry, img_size)
    spec = asdict(VARIANTS[variant])
    if spec['source'] == 'all':
        del spec['source']
    params = dict(variant=variant, seed=seed, img_size=geom.img_size,
                  generator_version=GENERATOR_VERSION, spec=spec)
    if geometry_tag(geom) is not None:
        params['geometry'] = geom.layout_params()
    return canonical(params)


def variant_folder(root: str, variant: str, geometry: GeometryArg = None,
                   img_size: Optional[int] = None) -> str:
    """``<root>/<variant>`` for the default geometry, else
    ``<root>/<geometry tag>/<variant>``."""
    tag = geometry_tag(build_geometry(variant, geometry, img_size))
    return osp.join(root, variant) if tag is None else osp.join(
        root, tag, variant)


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


#: images between two progress lines of a build
PROGRESS_EVERY = 1000


def _write_images(folder: str, split: str, draw: SplitDraw,
                  images: np.ndarray, spec: VariantSpec,
                  geom: Geometry) -> None:
    out = osp.join(folder, 'images', split)
    os.makedirs(out)
    total, start = len(draw.sources), time.perf_counter()
    logger = MMLogger.get_current_instance()
    for i, sources in enumerate(draw.sources):
        if spec.kind == 'single':
            img = render_single(images, sources[0], draw.offsets[i],
                                geom.img_size)
        else:
            img = render_mosaic(images, sources, draw.placement[i], geom)
        Image.fromarray(img).save(osp.join(out, f'{i:05d}.png'))
        if (i + 1) % PROGRESS_EVERY == 0 and i + 1 < total:
            elapsed = time.perf_counter() - start
            logger.info(f'DigitMosaic {split}: {i + 1}/{total} images, ETA '
                        f'{format_duration(elapsed * (total / (i + 1) - 1))}')


def _scalars(stats: dict) -> dict:
    """Scalar statistics of :func:`audit`, NaN -> None."""
    return {k: (None if isinstance(v, float) and np.isnan(v) else v)
            for k, v in stats.items() if isinstance(v, (int, float))}


def write_variant(folder: str, variant: str, seed: int,
                  img_size: Optional[int] = None,
                  geometry: GeometryArg = None) -> dict:
    """Generate every file of a variant into ``folder`` (must not exist).

    Returns:
        dict: The ``meta.json`` content.
    """
    spec = VARIANTS[variant]
    geom = build_geometry(variant, geometry, img_size)
    params = variant_params(variant, seed, img_size, geometry)
    images, target, source_sha1 = load_source()
    pools, draws = draw_variant(spec, seed, target, geom)
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
        _write_images(folder, split, draws[split], images, spec, geom)
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
                      img_size: Optional[int] = None, force: bool = False,
                      geometry: GeometryArg = None) -> str:
    """Generate the variant folder (:func:`variant_folder`) unless it
    already holds this build.

    Re-running with the same parameters is a no-op (compares ``meta.json``);
    an existing folder with other parameters (or without ``meta.json``)
    raises unless ``force``, which replaces it. Files are written to a
    temporary folder beside it and renamed into place.

    Args:
        root (str): Folder of the variants, e.g. ``data/digitmosaic``.
        variant (str): One of :data:`VARIANTS`.
        seed (int): Data seed.
        img_size (int, optional): Output side in pixels; default: the
            geometry's (32 for the default geometry).
        force (bool): Replace an existing folder with other parameters.
        geometry (str | dict | Geometry, optional): A name of
            :data:`~.geometry.GEOMETRIES` (``hard``, ``shifted``), or knobs
            (``canvas``, ``grid``, ``scale``, ``dup_prob``, ``img_size``);
            default: the original 2x2 geometry.

    Returns:
        str: The variant folder.
    """
    params = variant_params(variant, seed, img_size, geometry)
    final = variant_folder(root, variant, geometry, img_size)
    if osp.isdir(final) and not force:
        check_build(final, params)
        return final
    parent = osp.dirname(final)
    os.makedirs(parent, exist_ok=True)
    tmp = osp.join(parent, f'.{variant}.tmp-{uuid.uuid4().hex}')
    try:
        write_variant(tmp, variant, seed, img_size, geometry)
        _publish(tmp, final, params, force)
    finally:
        if osp.isdir(tmp):
            shutil.rmtree(tmp)
    geom_note = (f', geometry {params["geometry"]}'
                 if 'geometry' in params else '')
    MMLogger.get_current_instance().info(
        f'DigitMosaic {variant} (seed {seed}, {params["img_size"]}px'
        f'{geom_note}) written to {final}')
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

