"""Point a config's dataset at another standard annotation file.

Label-issue scoring trains and scores through the user's config on other
annotation files (K-fold training files, held-out folds, a corrected
annotation). The training dataset of a config is found through wrappers
(``dataset=dict(type='StitchUpDataset', dataset=...)``) and must read the
standard annotation format: ``MLCDataset`` or ``DigitMosaic`` (which
reads ``<data_root>/<variant>/<split>.json``).
"""
import copy
import os.path as osp
from typing import Tuple

from mlc.datasets.digitmosaic import prepare_digitmosaic

#: dataset types whose training file is a standard annotation
STANDARD_TYPES = ('MLCDataset', 'DigitMosaic')
#: ``DigitMosaic`` arguments that select its build (not for MLCDataset)
_BUILD_KEYS = ('variant', 'split', 'seed', 'img_size', 'geometry')


def innermost_dataset(loader_cfg: dict, where: str) -> dict:
    """The dataset dict of a dataloader config, through ``dataset`` keys of
    wrappers (the object itself: editing it edits the config)."""
    if not loader_cfg or 'dataset' not in loader_cfg:
        raise KeyError(f'the config has no {where}.dataset')
    ds = loader_cfg['dataset']
    while 'dataset' in ds:
        ds = ds['dataset']
    if ds.get('type') not in STANDARD_TYPES:
        raise ValueError(
            f'{where}: dataset type {ds.get("type")!r} is not a multi-label '
            f'dataset of the standard annotation format (supported: '
            f'{", ".join(STANDARD_TYPES)}); convert multi-label data with '
            'tools/dataset_converters first')
    return ds


def annotation_source(ds: dict) -> Tuple[str, str]:
    """The annotation file and image folder a standard dataset reads.

    A DigitMosaic build is generated first if missing.

    Returns:
        tuple: absolute annotation path and absolute image folder (the
        ``img_path`` of entries is relative to it).
    """
    if ds['type'] == 'DigitMosaic':
        folder = prepare_digitmosaic(
            ds['data_root'], ds.get('variant', 'full'), ds.get('seed', 0),
            ds.get('img_size'), ds.get('geometry'))
        folder = osp.abspath(folder)
        return osp.join(folder, f'{ds.get("split", "train")}.json'), folder
    root = ds.get('data_root', '')
    prefix = ds.get('data_prefix', '')
    if isinstance(prefix, dict):
        prefix = prefix.get('img_path', '')
    ann = ds['ann_file']
    ann = ann if osp.isabs(ann) else osp.join(root, ann)
    images = prefix if osp.isabs(prefix) else osp.join(root, prefix)
    return osp.abspath(ann), osp.abspath(images)


def on_annotation(ds: dict, ann_file: str) -> dict:
    """A copy of dataset dict ``ds`` reading ``ann_file`` (standard format,
    image paths relative to the same folder as ``ds``'s annotation) as an
    ``MLCDataset``; pipeline and other arguments are kept, a subset
    (``indices``) is dropped."""
    _, images = annotation_source(ds)
    out = {k: copy.deepcopy(v) for k, v in ds.items()
           if k not in _BUILD_KEYS + ('indices', )}
    out.update(type='MLCDataset', ann_file=osp.abspath(ann_file),
               data_root='', data_prefix=dict(img_path=images))
    if ds['type'] == 'DigitMosaic':
        out['class_split'] = osp.join(images, 'class_split.json')
    return out


def retarget(node, source: str, ann_file: str) -> int:
    """Point every dataset dict of a config that reads ``source`` at
    ``ann_file``, in place (:func:`on_annotation`), wherever it is: the
    training loader, a second training loader (e.g.
    ``train_cfg.dataloader_b`` of co-learning) or a plain variable.
    Datasets of other files (val, test) are left alone.

    Args:
        node: A config (or any part of it).
        source (str): Absolute path of the training annotation.
        ann_file (str): The replacement annotation.

    Returns:
        int: The number of datasets replaced.
    """
    count = 0
    if isinstance(node, dict):
        if (node.get('type') in STANDARD_TYPES
                and ('ann_file' in node or node['type'] == 'DigitMosaic')
                and annotation_source(node)[0] == source):
            new = on_annotation(node, ann_file)
            node.clear()
            node.update(new)
            return 1
        for value in node.values():
            count += retarget(value, source, ann_file)
    elif isinstance(node, (list, tuple)):
        for value in node:
            count += retarget(value, source, ann_file)
    return count
