"""The fold files of ``find_label_issues.py``'s K-fold cross-fitting: each
fold's training / held-out annotation and config, and its final
checkpoint."""
import copy
import os.path as osp
from typing import Optional

import numpy as np
from mmengine.config import Config

from mlc.datasets.annotation import dense_labels
from mlc.datasets.corruptions import dumps_canonical, save_annotation
from mlc.datasets.readers.standard import file_sha1
from mlc.evaluation.label_issues import retarget
from mlc.version import __version__


def write_folds(ann: dict, ann_path: str, folds: np.ndarray, out: str,
                write: bool) -> None:
    """``fold<k>/train.json`` (the other folds) and ``fold<k>/heldout.json``
    for every fold, with a provenance entry. Every rank checks the existing
    files; only the writer (rank 0) writes the missing ones (atomically).

    Raises:
        ValueError: ``out`` already holds different fold files (another
            annotation, ``--folds`` or ``--seed``): their models and scores
            would not match.
    """
    sha1 = file_sha1(ann_path)
    for k in range(int(folds.max()) + 1):
        for name, rows in (('train', np.flatnonzero(folds != k)),
                           ('heldout', np.flatnonzero(folds == k))):
            part = dict(metainfo=copy.deepcopy(ann['metainfo']),
                        data_list=[ann['data_list'][i] for i in rows])
            observed, _ = dense_labels(part, ann_path)
            part['metainfo']['class_freq'] = (observed == 1).sum(0).tolist()
            part['metainfo']['provenance'] = list(
                part['metainfo'].get('provenance') or []) + [dict(
                    op='kfold_split', params=dict(
                        fold=k, folds=int(folds.max()) + 1, part=name),
                    seed=None, input_sha1=sha1, tool_version=__version__)]
            path = osp.join(out, f'fold{k}', f'{name}.json')
            if osp.isfile(path):
                with open(path, encoding='utf-8') as f:
                    if f.read() != dumps_canonical(part):
                        raise ValueError(
                            f'{path} holds another fold split (annotation, '
                            '--folds or --seed changed): use a new --out')
                continue
            if write:
                save_annotation(path, part)


def finished_checkpoint(work_dir: str, cfg: Config) -> Optional[str]:
    """The final checkpoint of a training run in ``work_dir``, or None."""
    train_cfg = cfg.train_cfg
    name = (f'epoch_{train_cfg.max_epochs}.pth'
            if train_cfg.get('by_epoch', True) and 'max_epochs' in train_cfg
            else f'iter_{train_cfg.get("max_iters")}.pth')
    path = osp.join(work_dir, name)
    return path if osp.isfile(path) else None


def fold_config(cfg: Config, source: str, train_file: str, path: str,
                write: bool) -> None:
    """Write the config trained on fold file ``train_file`` to ``path``:
    every dataset reading the training annotation ``source`` reads it
    instead (every rank checks an existing file; only the writer writes).

    Raises:
        ValueError: ``path`` holds another config (changed
            ``--cfg-options`` or config): its trained model would not match.
    """
    fold_cfg = copy.deepcopy(cfg)
    if not sum(retarget(fold_cfg[key], source, train_file)
               for key in list(fold_cfg.keys())):
        raise ValueError(f'no dataset of the config reads {source}')
    fold_cfg.pop('work_dir', None)
    text = fold_cfg.dump()
    if osp.isfile(path):
        with open(path, encoding='utf-8') as f:
            if f.read() != text:
                raise ValueError(f'{path} holds another config (the config '
                                 'or --cfg-options changed): use a new --out')
        return
    if write:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)

