"""PLL-VOC published CSV files -> standard PLL annotations.

``PLL/train_var/images_PLL.csv`` has columns ``name``, ``label`` (true
class) and ``label set`` (space-separated candidate class names);
``PLL/test/images_uniform.csv`` has ``name`` and ``label``. Classes are the
20 VOC names, aeroplane = 0 … tvmonitor = 19 (the RECORDS ``All_labels``).
A true label outside its candidate set is counted and recorded, never fixed.
"""
import csv
from typing import Dict, List, Tuple

import numpy as np

from .readers.classes import VOC_CLASSES
from .readers.standard import converter_provenance


def _class_id(value: str, path: str, row: int) -> int:
    value = value.strip()
    if value in VOC_CLASSES:
        return VOC_CLASSES.index(value)
    if value.isdigit() and int(value) < len(VOC_CLASSES):
        return int(value)
    raise ValueError(f'{path}: row {row}: {value!r} is not a VOC class name '
                     'or id')


def read_pll_voc_csv(path: str, split: str) -> Tuple[dict, Dict[str, int]]:
    """Read a PLL-VOC CSV into a standard PLL annotation.

    Args:
        path (str): ``images_PLL.csv`` (train) or ``images_uniform.csv``
            (test).
        split (str): ``'train'`` (needs the ``label set`` column) or
            ``'test'`` (candidate set = the true label).

    Returns:
        tuple: The annotation dict and statistics
        (``num_images``, ``num_label_outside_candidates``).
    """
    if split not in ('train', 'test'):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.DictReader(f)
        need = ['name', 'label'] + (['label set'] if split == 'train' else [])
        missing = [c for c in need if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f'{path}: missing column(s) {missing}; found '
                             f'{reader.fieldnames}')
        data_list: List[dict] = []
        outside = 0
        for row, rec in enumerate(reader, start=2):
            label = _class_id(rec['label'], path, row)
            if split == 'train':
                cand = sorted({_class_id(v, path, row)
                               for v in rec['label set'].split()})
                if not cand:
                    raise ValueError(f'{path}: row {row}: empty label set')
            else:
                cand = [label]
            outside += label not in cand
            data_list.append(dict(img_path=rec['name'].strip(),
                                  candidates=cand, gt_label=label))
    names = [d['img_path'] for d in data_list]
    if len(set(names)) != len(names):
        raise ValueError(f'{path}: an image name is listed twice')
    num = len(VOC_CLASSES)
    freq = np.zeros(num, dtype=np.int64)
    for d in data_list:
        freq[d['candidates']] += 1
    stats = dict(num_images=len(data_list),
                 num_label_outside_candidates=int(outside))
    ann = dict(metainfo=dict(
        classes=list(VOC_CLASSES), task='pll', unlisted=0,
        class_freq=freq.tolist(), source=f'PLL-VOC {split} (RECORDS)',
        provenance=[converter_provenance('convert_pll_voc',
                                         dict(split=split), [path], stats)]),
        data_list=data_list)
    return ann, stats
