"""The ``own_data`` block: a method recipe on the user's own data set.

A config that inherits a method recipe through ``_base_`` and sets a
top-level ``own_data`` dict gets its train/val/test data sets replaced (see
``docs/own_data.md``)::

    _base_ = ['../hill/hill_r18_digitmosaic-pl40.py']
    own_data = dict(
        data_root='data/my_set',
        train='annotations/train.json',   # COCO JSON, CSV, list or standard
        test='annotations/test.json',
        img_prefix=dict(train='train', test='test'),
        input_size=48)

The recipe's own dataset dicts (type, variant, split, ...) are dropped; its
pipelines are kept. Overriding top-level variables in a child does not
re-evaluate the dicts of the base file, so the block is expanded when the
config is checked (:func:`mlc.utils.config_check.check_config`), after
``--cfg-options``.
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log

from mlc.datasets.readers.any_format import annotation_format, read_any_labels

#: Dataset type of each annotation format.
FORMAT_TYPES = dict(standard='MLCDataset', coco='COCOMultiLabel',
                    csv='CSVDataset', list='ListFileDataset')
#: Keys an ``own_data`` block may hold.
OWN_DATA_KEYS = ('data_root', 'train', 'val', 'test', 'img_prefix',
                 'train_unlisted', 'test_unlisted', 'classes', 'num_classes',
                 'input_size', 'shot_rule')
#: Transforms whose output size ``input_size`` sets, and their size key.
SIZE_KEYS = dict(Resize='scale', RandomResizedCrop='scale',
                 RandomCrop='crop_size', CenterCrop='crop_size')
SPLITS = ('train', 'val', 'test')


def _prefix(own: dict, split: str) -> str:
    prefix = own.get('img_prefix', '')
    if isinstance(prefix, dict):
        return prefix.get(split, prefix.get('test', '')
                          if split == 'val' else '')
    return prefix


def _resized(pipeline: List[dict], size: int) -> List[dict]:
    """``pipeline`` with its size transforms set to ``size`` px (a Resize is
    inserted after the image is loaded when there is none)."""
    out = [dict(t) for t in pipeline]
    for t in out:
        key = SIZE_KEYS.get(t.get('type'))
        if key:
            t[key] = (size, size) if t['type'] == 'Resize' else size
    if not any(t.get('type') in SIZE_KEYS for t in out):
        load = next((i for i, t in enumerate(out)
                     if t.get('type') == 'LoadImageFromFile'), -1)
        out.insert(load + 1, dict(type='Resize', scale=(size, size),
                                  interpolation='area'))
    return out


def _innermost(dataset: dict) -> dict:
    """The dataset dict a wrapper (``dataset=dict(...)``) finally wraps."""
    while isinstance(dataset.get('dataset'), dict):
        dataset = dataset['dataset']
    return dataset


def _problems_of_block(own: dict) -> List[str]:
    problems = []
    unknown = [k for k in own if k not in OWN_DATA_KEYS]
    if unknown:
        problems.append(f'own_data: unknown key(s) {unknown}; known keys: '
                        f'{list(OWN_DATA_KEYS)}')
    for key in ('train', 'test'):
        if not own.get(key):
            problems.append(f'own_data: "{key}" (the {key} annotation file) '
                            'is required')
    size = own.get('input_size')
    if size is not None and (type(size) is not int or size <= 0):
        problems.append(f'own_data: input_size must be a positive int (px '
                        f'of the square model input), got {size!r}')
    for key in ('train_unlisted', 'test_unlisted'):
        if own.get(key, -1 if key == 'train_unlisted' else 0) not in (-1, 0):
            problems.append(f'own_data: {key} must be -1 (unknown) or 0 '
                            f'(negative), got {own[key]!r}')
    return problems


def _classes_arg(own: dict):
    """``own_data.classes``, a class-name file taken under ``data_root``
    when it is there."""
    classes = own.get('classes')
    if isinstance(classes, str) and osp.isfile(
            osp.join(own.get('data_root', ''), classes)):
        return osp.join(own.get('data_root', ''), classes)
    return classes


def _class_count(own: dict, files: Dict[str, str]
                 ) -> Tuple[Optional[List[str]], int]:
    """Class names of the training file (None for a list file without
    ``classes``) and the class count (for such a list file: ``num_classes``
    or the largest index of any of its files + 1)."""
    _, classes, labels = read_any_labels(files['train'], _classes_arg(own))
    if classes is not None:
        return list(classes), len(classes)
    widths = [labels.shape[1]] + [read_any_labels(files[s])[2].shape[1]
                                  for s in files if s != 'train']
    return None, max([own.get('num_classes') or 0] + widths)


def apply_own_data(cfg: Config) -> List[str]:
    """Expand ``cfg.own_data`` into the dataloaders (see module doc).

    Sets each loader's dataset (type told from the file's format, data root,
    file, image folder, ``unlisted``, the recipe's pipeline resized to
    ``input_size``), ``model.head.num_classes`` from the training file's
    classes, and ``train_ann_file``/``shot_rule`` of the
    ``MLCAveragePrecision`` evaluators. Without ``val`` the test file is
    also the val set, monitored only: the val metrics get the prefix
    ``test_monitor`` and no best checkpoint is kept.

    Returns:
        list[str]: Problems of the block (empty when it was applied).
    """
    own = cfg.get('own_data')
    if own is None:
        return []
    if not isinstance(own, dict):
        return [f'own_data must be a dict, got {type(own).__name__}']
    problems = _problems_of_block(own)
    if problems:
        return problems
    root = own.get('data_root', '')
    files = {s: osp.join(root, own[s]) for s in SPLITS if own.get(s)}
    try:
        formats = {s: annotation_format(f) for s, f in files.items()}
        classes, num = _class_count(own, files)
    except (FileNotFoundError, ValueError) as err:
        return [f'own_data: {err}']
    if own.get('num_classes') not in (None, num):
        return [f'own_data: num_classes={own["num_classes"]} but '
                f'{files["train"]} has {num} classes']
    head = cfg.get('model', {}).get('head')
    if isinstance(head, dict) and 'num_classes' in head:
        head['num_classes'] = num
    for split in SPLITS:
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        source = split if split in files else 'test'
        inner = _innermost(loader['dataset'])
        pipeline = inner.get('pipeline', [])
        if own.get('input_size'):
            pipeline = _resized(pipeline, own['input_size'])
        fmt = formats[source]
        new = dict(type=FORMAT_TYPES[fmt], data_root=root,
                   ann_file=own[source], data_prefix=_prefix(own, split),
                   unlisted=(own.get('train_unlisted', -1) if split ==
                             'train' else own.get('test_unlisted', 0)),
                   pipeline=pipeline)
        if fmt == 'list':
            new['classes'] = classes or [str(c) for c in range(num)]
        inner.clear()
        inner.update(ConfigDict(new))
    _set_evaluators(cfg, own, files['train'], monitor='val' not in files)
    return []


def _set_evaluators(cfg: Config, own: dict, train_file: str,
                    monitor: bool) -> None:
    """Shot groups from the training file; the test set as val is only
    monitored (metric prefix ``test_monitor``, no best checkpoint)."""
    for name in ('val_evaluator', 'test_evaluator'):
        evaluators = cfg.get(name)
        if evaluators is None:
            continue
        evaluators = (evaluators if isinstance(evaluators, (list, tuple))
                      else [evaluators])
        evaluators = [dict(e) for e in evaluators]
        for e in evaluators:
            if e.get('type') == 'MLCAveragePrecision':
                e.update(train_ann_file=train_file, class_split=None,
                         shot_rule=own.get('shot_rule', 'rank'))
            if name == 'val_evaluator' and monitor:
                e['prefix'] = 'test_monitor'
        cfg[name] = evaluators
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint')
    if monitor and checkpoint and checkpoint.get('save_best'):
        checkpoint['save_best'] = None
        print_log('own_data: no val file, so the test file is monitored '
                  'during training (metric prefix test_monitor) and no best '
                  'checkpoint is kept', logger='current')
