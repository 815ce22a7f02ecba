"""Reading the CIFAR-10/100 "python version" archives (no download).

``cifar-10-batches-py/`` (``data_batch_1..5``, ``test_batch``,
``batches.meta``) or ``cifar-100-python/`` (``train``, ``test``, ``meta``),
read with the restricted unpickler of :mod:`mlc.datasets.readers`.
"""
import os.path as osp
from typing import List, Tuple

import numpy as np

from ..readers import safe_load_pickle

CIFAR10_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')
#: archive layout (folder, batch files, keys) per dataset
CIFAR_LAYOUTS = {
    'cifar10': dict(folder='cifar-10-batches-py',
                    train=[f'data_batch_{i}' for i in range(1, 6)],
                    test=['test_batch'], label_key='labels',
                    meta='batches.meta', names_key='label_names'),
    'cifar100': dict(folder='cifar-100-python', train=['train'],
                     test=['test'], label_key='fine_labels', meta='meta',
                     names_key='fine_label_names'),
}


def cifar_folder(root: str, cifar: str) -> str:
    """The archive folder: ``root`` itself or ``root/<archive folder>``."""
    if cifar not in CIFAR_LAYOUTS:
        raise ValueError(f"cifar must be 'cifar10' or 'cifar100', got "
                         f'{cifar!r}')
    layout = CIFAR_LAYOUTS[cifar]
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
    layout = CIFAR_LAYOUTS[cifar]
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

