"""CIFAR-10/100-LT partial-label benchmark (benchmarks.md §5), array-backed.

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
- ``legacy_rng=True``: bit-for-bit the RECORDS code, ``RandomState(data_seed)``
  (the code's ``np.random.seed(0)``: use ``data_seed=0``) consumed by one
  ``shuffle`` of the class's indices per class in class order, then one
  ``uniform(0, 1, (N, C))`` matrix deciding candidates (U < rate); the class
  permutation is ``random.Random(class_perm_seed).shuffle`` of the count list
  (the official run shuffles with the global ``random`` module seeded by the
  run seed; exact emulation of that state is [unverified]).

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
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.dist import barrier, get_rank
from mmengine.logging import MMLogger

from mlc.registry import DATASETS
from mlc.version import __version__
from .corruptions import (candidates_hierarchical, candidates_uniform,
                          save_annotation)
from .corruptions.candidates import resolve_groups
from .pll_dataset import PLLDataset
from .readers import safe_load_pickle

BUILD_VERSION = 1
CIFAR10_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')
_LAYOUT = {
    'cifar10': dict(folder='cifar-10-batches-py',
                    train=[f'data_batch_{i}' for i in range(1, 6)],
                    test=['test_batch'], label_key='labels',
                    meta='batches.meta', names_key='label_names'),
    'cifar100': dict(folder='cifar-100-python', train=['train'],
                     test=['test'], label_key='fine_labels', meta='meta',
                     names_key='fine_label_names'),
}
#: shot-group sizes (many, few) of the rank rule per dataset
GROUP_SIZES = {'cifar10': (3, 3), 'cifar100': (33, 33)}
#: SeedSequence stream ids of the default RNG mode
SUBSAMPLE_STREAM, PERM_STREAM = 8, 10


def cifar_folder(root: str, cifar: str) -> str:
    """The archive folder: ``root`` itself or ``root/<archive folder>``."""
    if cifar not in _LAYOUT:
        raise ValueError(f"cifar must be 'cifar10' or 'cifar100', got "
                         f'{cifar!r}')
    layout = _LAYOUT[cifar]
    for folder in (osp.join(root, layout['folder']), root):
        if osp.isfile(osp.join(folder, layout['train'][0])):
            return folder
    raise FileNotFoundError(
        f'no {cifar} python archive under {root!r}: expected '
        f'{layout["folder"]}/{layout["train"][0]} (download and extract the '
        '"python version" from https://www.cs.toronto.edu/~kriz/cifar.html)')


def _entry(batch: dict, key: str, path: str):
    """``batch[key]`` whether the pickle's keys decoded as str or bytes."""
    for k in (key, key.encode()):
        if k in batch:
            return batch[k]
    raise KeyError(f'{path}: no {key!r} entry (not a CIFAR python batch?)')


def read_cifar(root: str, cifar: str, split: str
               ) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """Images, labels and class names of a CIFAR split.

    Returns:
        tuple: (N, 32, 32, 3) uint8 RGB images, (N,) int64 labels and the C
        class names (from the archive's meta file when present).
    """
    layout = _LAYOUT[cifar]
    folder = cifar_folder(root, cifar)
    images, labels = [], []
    for name in layout[split]:
        path = osp.join(folder, name)
        batch = safe_load_pickle(path)
        data = np.asarray(_entry(batch, 'data', path), dtype=np.uint8)
        images.append(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.append(np.asarray(_entry(batch, layout['label_key'], path),
                                 dtype=np.int64))
    meta_path = osp.join(folder, layout['meta'])
    if osp.isfile(meta_path):
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in
                 _entry(safe_load_pickle(meta_path), layout['names_key'],
                        meta_path)]
    elif cifar == 'cifar10':
        names = list(CIFAR10_CLASSES)
    else:
        names = [f'class{i}' for i in range(100)]
    return (np.ascontiguousarray(np.concatenate(images)),
            np.concatenate(labels), names)


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
    if cifar not in _LAYOUT:
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
    _, labels, classes = read_cifar(cifar_root, params['cifar'], 'train')
    _, test_labels, _ = read_cifar(cifar_root, params['cifar'], 'test')
    train, test, split = build_annotations(labels, test_labels, classes,
                                           params)
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
    MMLogger.get_current_instance().info(
        f'CIFAR-LT PLL written to {out_dir}: {len(sizes)} train images, '
        f'counts {counts[:3]}...{counts[-3:]}, mean |S| {np.mean(sizes):.3f}')
    return out_dir


@DATASETS.register_module()
class CIFARLTPLL(PLLDataset):
    """CIFAR-10/100-LT partial-label dataset (benchmarks.md §5).

    Builds the annotation files with :func:`make_cifar_lt_pll` if they are
    missing (rank 0 only; other ranks wait), then reads them; images come
    from the CIFAR arrays (``img_index``), as (32, 32, 3) uint8 RGB ``img``.

    Args:
        data_root (str): Folder of the CIFAR python archive.
        cifar (str): ``'cifar10'`` or ``'cifar100'``.
        split (str): ``'train'`` or ``'test'``.
        ann_dir (str, optional): Folder of the build; defaults to
            ``<data_root>/pll/<default_name(params)>``.
        imb_ratio, partial_rate, hierarchical, ratio, data_seed,
            class_perm_seed, legacy_rng: Build parameters
            (:func:`build_params`).
        **kwargs: Other :class:`PLLDataset` arguments (``pipeline``, ...).
    """

    def __init__(self, data_root: str, cifar: str = 'cifar10',
                 split: str = 'train', ann_dir: Optional[str] = None,
                 imb_ratio: float = 100, partial_rate: float = 0.3,
                 hierarchical: bool = False, ratio: float = 8,
                 data_seed: int = 0, class_perm_seed: Optional[int] = None,
                 legacy_rng: bool = False, **kwargs) -> None:
        if split not in ('train', 'test'):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        params = build_params(cifar, imb_ratio, partial_rate, hierarchical,
                              ratio, data_seed, class_perm_seed, legacy_rng)
        ann_dir = ann_dir or osp.join(data_root, 'pll', default_name(params))
        error = None
        if get_rank() == 0:
            try:
                make_cifar_lt_pll(data_root, ann_dir, **{
                    k: v for k, v in params.items() if k != 'build_version'})
            except Exception as err:  # re-raised after the barrier
                error = err
        barrier()
        if error is not None:
            raise error
        self.cifar_root, self.cifar, self.split = data_root, cifar, split
        self._images: Optional[np.ndarray] = None
        kwargs.setdefault('class_split', osp.join(ann_dir, 'class_split.json'))
        super().__init__(ann_file=osp.join(ann_dir, f'{split}.json'),
                         **kwargs)

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        self._images = read_cifar(self.cifar_root, self.cifar, self.split)[0]
        super().full_init()

    def get_data_info(self, idx: int) -> dict:
        """Sample ``idx`` with its (32, 32, 3) RGB ``img`` array."""
        info = super().get_data_info(idx)
        img = self._images[info['img_index']]
        info.update(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
        return info
