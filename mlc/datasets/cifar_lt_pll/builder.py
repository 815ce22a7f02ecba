"""Builder of the CIFAR-10/100-LT partial-label benchmark
(docs/datasets.md).

Built from a local CIFAR "python version" archive folder (no download):
``cifar-10-batches-py/`` (``data_batch_1..5``, ``test_batch``,
``batches.meta``) or ``cifar-100-python/`` (``train``, ``test``, ``meta``),
read with the restricted unpickler of :mod:`mlc.datasets.readers`.

Train: per class k a random subset of n_k = int(n_max · (1/ρ)^{k/(C−1)})
images (class k = head when k = 0; ``class_perm_seed`` permutes the count list
over classes), then candidate sets (uniform rate q, or hierarchical: the
siblings of the true label in its CIFAR-100 superclass with min(8q, 1)).
Test: the balanced CIFAR test set, candidate set = {true label}.

RNG modes:

- default: subsampling from ``Generator(PCG64(SeedSequence([data_seed,
  8])))`` (per class, class order), candidates by the corruption toolkit ops
  ``candidates_uniform`` / ``candidates_hierarchical`` with ``data_seed``;
  the class permutation from ``Generator(PCG64(SeedSequence(
  [class_perm_seed, 10])))``.
- ``legacy_rng=True`` (the published benchmarks; the configs use it):
  bit-for-bit the RECORDS / SoLar code, ``RandomState(data_seed)`` (the
  code's ``np.random.seed(0)``: use ``data_seed=0``) consumed by one
  ``shuffle`` of the class's indices per class in class order, then one
  ``uniform(0, 1, (N, C))`` matrix deciding candidates (U < rate); the class
  permutation is ``random.Random(class_perm_seed).shuffle`` of the count list.
  The official run seeds the global ``random`` module with the run seed
  (``--seed 123`` in its commands) and nothing draws from it before that
  shuffle, so ``class_perm_seed=123`` gives the authors' layout
  (CIFAR-100-LT-NU: class 79 at the head; the default mode puts class 32
  there).

The default mode is kept for new benchmarks (independent named streams);
the published configs and the converter default to ``legacy_rng=True``.

Files written to ``<out_dir>``: ``train.json``, ``test.json`` (standard PLL
annotations with ``img_index`` into the CIFAR arrays), ``class_split.json``
(rank rule) and ``meta.json`` (parameters; rebuilding with the same
parameters is a no-op, different parameters raise).
"""
import hashlib
import json
import os
import os.path as osp
import random
import time
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.logging import MMLogger

from mlc.version import __version__
from ..corruptions import (
    candidates_hierarchical,
    candidates_uniform,
    save_annotation,
)
from ..corruptions.candidates import resolve_groups
from .archive import CIFAR_LAYOUTS, read_cifar

BUILD_VERSION = 1
#: shot-group sizes (many, few) of the rank rule per dataset
GROUP_SIZES = {'cifar10': (3, 3), 'cifar100': (33, 33)}
#: SeedSequence stream ids of the default RNG mode
SUBSAMPLE_STREAM, PERM_STREAM = 8, 10


def lt_counts(n_max: int, num_classes: int, rho: float) -> List[int]:
    """n_k = int(n_max · (1/ρ)^{k/(C−1)}) (the LDAM/RECORDS ``exp`` rule)."""
    return [int(n_max * (1. / rho)**(k / (num_classes - 1.)))
            for k in range(num_classes)]


def rank_class_split(counts, n_many: int, n_few: int) -> Dict[str, list]:
    """Many = the ``n_many`` largest counts, few = the ``n_few`` smallest,
    medium = the rest (SoLar's ``AccurracyShot`` rank rule; ties by class
    id)."""
    order = np.argsort(-np.asarray(counts), kind='stable')
    many = sorted(order[:n_many].tolist())
    few = sorted(order[len(order) - n_few:].tolist())
    medium = sorted(order[n_many:len(order) - n_few].tolist())
    return dict(many=many, medium=medium, few=few)


def _subsample(labels: np.ndarray, counts: List[int], legacy: bool,
               rng) -> np.ndarray:
    """Indices kept per class (class order), shuffled within the class."""
    keep = []
    for cls, num in enumerate(counts):
        idx = np.flatnonzero(labels == cls)
        if num > idx.size:
            raise ValueError(f'class {cls} has {idx.size} images, {num} '
                             'requested')
        if legacy:
            rng.shuffle(idx)
        else:
            idx = rng.permutation(idx)
        keep.append(idx[:num])
    return np.concatenate(keep)


def _pll_ann(classes, img_index, labels, cand, source, provenance) -> dict:
    data_list = [dict(img_index=int(i), candidates=np.flatnonzero(c).tolist(),
                      gt_label=int(y))
                 for i, y, c in zip(img_index, labels, cand)]
    return dict(metainfo=dict(classes=list(classes), task='pll', unlisted=0,
                              class_freq=cand.sum(0).astype(int).tolist(),
                              source=source, provenance=provenance),
                data_list=data_list)


def build_annotations(labels: np.ndarray, test_labels: np.ndarray,
                      classes: List[str], params: dict
                      ) -> Tuple[dict, dict, Dict[str, list]]:
    """Train/test PLL annotations and the class split (pure function).

    Args:
        labels (np.ndarray): (N,) labels of the full CIFAR train set.
        test_labels (np.ndarray): (M,) labels of the CIFAR test set.
        classes (list): Class names.
        params (dict): ``cifar, imb_ratio, partial_rate, hierarchical,
            ratio, data_seed, class_perm_seed, legacy_rng`` (see
            :func:`make_cifar_lt_pll`).
    """
    cifar, num = params['cifar'], len(classes)
    n_max = int(np.bincount(labels, minlength=num).max())
    counts = lt_counts(n_max, num, params['imb_ratio'])
    legacy = params['legacy_rng']
    perm_seed = params['class_perm_seed']
    if perm_seed is not None:
        if legacy:
            random.Random(perm_seed).shuffle(counts)
        else:
            rng = np.random.Generator(np.random.PCG64(
                np.random.SeedSequence([perm_seed, PERM_STREAM])))
            counts = [counts[i] for i in rng.permutation(num)]
    q = params['partial_rate']
    groups = resolve_groups('cifar100', num) if params['hierarchical'] \
        else None
    # input_sha1: of the full CIFAR train label vector
    prov = dict(op='make_cifar_lt_pll', params=params,
                seed=params['data_seed'],
                input_sha1=hashlib.sha1(
                    np.ascontiguousarray(labels, np.int64)).hexdigest(),
                tool_version=__version__)
    if legacy:
        rs = np.random.RandomState(params['data_seed'])
        keep = _subsample(labels, counts, True, rs)
        y = labels[keep]
        probs = np.full((num, num), q)
        if groups is not None:
            probs[groups[:, None] == groups[None, :]] = params['ratio'] * q
        cand = rs.uniform(0, 1, size=(y.size, num)) < probs[y]
        cand[np.arange(y.size), y] = True
        train = _pll_ann(classes, keep, y, cand, f'{cifar} train (LT)',
                         [prov])
    else:
        rng = np.random.Generator(np.random.PCG64(
            np.random.SeedSequence([params['data_seed'], SUBSAMPLE_STREAM])))
        keep = _subsample(labels, counts, False, rng)
        y = labels[keep]
        single = np.zeros((y.size, num), dtype=bool)
        single[np.arange(y.size), y] = True
        train = _pll_ann(classes, keep, y, single, f'{cifar} train (LT)',
                         [prov])
        if groups is not None:
            train = candidates_hierarchical(
                train, q=q, groups=[np.flatnonzero(groups == g).tolist()
                                    for g in range(groups.max() + 1)],
                ratio=params['ratio'], seed=params['data_seed'])
        else:
            train = candidates_uniform(train, q=q, seed=params['data_seed'])
    test_cand = np.zeros((test_labels.size, num), dtype=bool)
    test_cand[np.arange(test_labels.size), test_labels] = True
    test = _pll_ann(classes, np.arange(test_labels.size), test_labels,
                    test_cand, f'{cifar} test', [])
    split = rank_class_split(counts, *GROUP_SIZES[cifar])
    return train, test, split


def build_params(cifar: str = 'cifar10', imb_ratio: float = 100,
                 partial_rate: float = 0.3, hierarchical: bool = False,
                 ratio: float = 8, data_seed: int = 0,
                 class_perm_seed: Optional[int] = None,
                 legacy_rng: bool = False) -> dict:
    """The parameters identifying a build (validated)."""
    if cifar not in CIFAR_LAYOUTS:
        raise ValueError(f"cifar must be 'cifar10' or 'cifar100', got "
                         f'{cifar!r}')
    if hierarchical and cifar != 'cifar100':
        raise ValueError('hierarchical candidates need cifar100 '
                         '(superclasses)')
    if not 0 <= partial_rate <= 1:
        raise ValueError(f'partial_rate must be in [0, 1], got {partial_rate}')
    if imb_ratio < 1:
        raise ValueError(f'imb_ratio must be >= 1, got {imb_ratio}')
    return dict(cifar=cifar, imb_ratio=imb_ratio, partial_rate=partial_rate,
                hierarchical=bool(hierarchical), ratio=ratio,
                data_seed=int(data_seed), class_perm_seed=class_perm_seed,
                legacy_rng=bool(legacy_rng), build_version=BUILD_VERSION)


def default_name(params: dict) -> str:
    """Folder name of a build, e.g. ``cifar10-lt-r100-q0.3-s0``."""
    name = (f'{params["cifar"]}-lt-r{params["imb_ratio"]:g}-'
            f'q{params["partial_rate"]:g}')
    if params['hierarchical']:
        name += '-nu'
    name += f'-s{params["data_seed"]}'
    if params['class_perm_seed'] is not None:
        name += f'-perm{params["class_perm_seed"]}'
    if params['legacy_rng']:
        name += '-legacy'
    return name


def make_cifar_lt_pll(cifar_root: str, out_dir: str, **kwargs) -> str:
    """Write a CIFAR-LT PLL build to ``out_dir`` (no-op if it already holds
    the same build; raises if it holds another).

    Args:
        cifar_root (str): Folder of the CIFAR python archive.
        out_dir (str): Output folder.
        **kwargs: :func:`build_params` arguments.

    Returns:
        str: ``out_dir``.
    """
    params = build_params(**kwargs)
    meta_path = osp.join(out_dir, 'meta.json')
    if osp.isfile(meta_path):
        with open(meta_path, encoding='utf-8') as f:
            existing = json.load(f)['params']
        if existing != json.loads(json.dumps(params)):
            raise FileExistsError(f'{out_dir} holds another CIFAR-LT PLL '
                                  f'build ({existing}); use another out_dir')
        return out_dir
    logger = MMLogger.get_current_instance()
    start = time.perf_counter()
    logger.info(f'CIFAR-LT PLL: building {out_dir} (step 1/3: reading the '
                f'{params["cifar"]} archive in {cifar_root}) ...')
    _, labels, classes = read_cifar(cifar_root, params['cifar'], 'train')
    _, test_labels, _ = read_cifar(cifar_root, params['cifar'], 'test')
    logger.info(f'CIFAR-LT PLL: step 2/3: long-tailed subset and candidate '
                f'sets ({time.perf_counter() - start:.1f} s so far) ...')
    train, test, split = build_annotations(labels, test_labels, classes,
                                           params)
    logger.info(f'CIFAR-LT PLL: step 3/3: writing the annotation files '
                f'({time.perf_counter() - start:.1f} s so far) ...')
    save_annotation(osp.join(out_dir, 'train.json'), train)
    save_annotation(osp.join(out_dir, 'test.json'), test)
    counts = np.bincount([e['gt_label'] for e in train['data_list']],
                         minlength=len(classes)).tolist()
    sizes = [len(e['candidates']) for e in train['data_list']]
    for name, obj in (('class_split.json', split),
                      ('meta.json', dict(params=params, train_counts=counts,
                                         mean_candidates=float(
                                             np.mean(sizes))))):
        tmp = osp.join(out_dir, f'.{name}.tmp-{os.getpid()}')
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(obj, f, indent=1)
        os.replace(tmp, osp.join(out_dir, name))
    logger.info(
        f'CIFAR-LT PLL written to {out_dir} in '
        f'{time.perf_counter() - start:.1f} s: {len(sizes)} train images, '
        f'counts {counts[:3]}...{counts[-3:]}, mean |S| {np.mean(sizes):.3f}')
    return out_dir
