"""Helpers shared by the converters and builders in
``tools/dataset_converters/``: image checks, the annotation of dense labels
with the converter's provenance, and writing with statistics (their command
line: ``converter_cli.py``).
"""
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.utils import ProgressBar

from mlc.datasets.annotation import dense_labels
from mlc.datasets.corruptions.common import save_annotation
from mlc.datasets.readers import converter_provenance, dense_to_annotation
from mlc.datasets.readers.stats import format_statistics, label_statistics


def check_images(names: Sequence[str], img_root: str,
                 progress: bool = True) -> None:
    """Raise one FileNotFoundError listing the missing image files."""
    missing: List[str] = []
    bar = ProgressBar(len(names)) if progress and len(names) > 1000 else None
    for name in names:
        if not osp.isfile(osp.join(img_root, name)):
            missing.append(name)
        if bar:
            bar.update()
    if missing:
        raise FileNotFoundError(
            f'{len(missing)} of {len(names)} listed image file(s) do not '
            f'exist under {img_root}, e.g. {missing[:3]}')


def converted_annotation(tool: str, params: dict, inputs: Sequence[str],
                         names: Sequence[str], labels: np.ndarray,
                         classes: Sequence[str], unlisted: int, source: str,
                         clean: Optional[np.ndarray] = None,
                         info: Optional[dict] = None) -> dict:
    """The standard annotation of dense labels written by converter
    ``tool``, with its provenance entry (``params``, the SHA-1 of the
    ``inputs`` files, ``info``) as the only one.

    Args:
        names (Sequence[str]): (N,) image paths.
        labels (np.ndarray): (N, C) observed labels in {1, 0, -1}.
        classes (Sequence[str]): C class names.
        unlisted (int): the state of the classes an entry does not list.
        clean (np.ndarray, optional): (N, C) clean labels in {1, 0}.
    """
    return dense_to_annotation(
        names, labels, classes, unlisted=unlisted, source=source,
        provenance=[converter_provenance(tool, params, inputs, info)],
        clean=clean)


def write_annotation(path: str, ann: dict,
                     class_split: Optional[Dict[str, List[int]]] = None,
                     title: str = '') -> dict:
    """Save ``ann`` canonically, print its statistics and return them."""
    save_annotation(path, ann)
    observed, _ = dense_labels(ann, path)
    stats = label_statistics(observed, ann['metainfo']['classes'],
                             class_split)
    print(format_statistics(stats, title or f'wrote {path}'))
    return stats


def write_json(path: str, obj) -> None:
    """Write a small JSON file (class splits)."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, sort_keys=True)
        f.write('\n')
    print(f'wrote {path}')
