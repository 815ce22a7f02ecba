"""Statistics of an annotation file (no images needed).

Prints the number of images, classes, observed positives, negatives and
unknowns, labels per image, per-class counts and head/medium/tail sizes.
``--json`` prints one JSON object (keys ``num_images``, ``num_classes``,
``num_positive``, ``num_negative``, ``num_unknown``, ``labels_per_image``,
``class_counts``, ``split_sizes`` when a split is known, ``format``).

Formats (``--format``, detected when omitted):

- ``standard``: the standard annotation JSON (docs/conventions.md,
  section 3); the
  split is
  ``--class-split`` or a ``class_split.json`` beside the file; ``--audit``
  adds the corruption-toolkit audit (flip rates, kept fraction, …);
- ``list``: ``IMAGE,<class ids>`` (Hill/SPLC, NUS-WIDE; ``--classes``);
- ``db_mlt``: a DB-loss / Stitch-Up folder (``img_id.*``,
  ``class_freq.pkl``, ``class_split.pkl``) or one ``class_freq*.pkl``;
- ``comic``: a COMIC folder (``img_id.txt``, ``class.txt``,
  ``class_split.pkl``, ``distribution.txt``) or an ``LT_*.json`` file;
- ``coco``: a COCO instances JSON (``--rule``, ``--keep-unannotated``).

Example::

    python tools/analysis_tools/dataset_stats.py \\
        coco_train_0.4left.txt --json
"""
import argparse
import json
import os.path as osp
from typing import Optional

import numpy as np

from mlc.datasets.annotation import (
    check_unique_images,
    dense_labels,
    load_annotation,
)
from mlc.datasets.corruptions import audit
from mlc.datasets.readers import (
    COCO_CLASSES,
    VOC_CLASSES,
    coco_labels,
    list_to_dense,
    read_comic_folder,
    read_comic_json,
    read_db_class_freq,
    read_db_folder,
    read_list_file,
    resolve_classes,
)
from mlc.datasets.readers.stats import format_statistics, label_statistics
from mlc.evaluation.functional.shot_groups import (
    load_class_split,
    split_from_class_freq,
)
from mlc.utils import cli

FORMATS = ('standard', 'list', 'db_mlt', 'comic', 'coco')
ALIASES = dict(json='standard', hill='list', nus_wide='list', db='db_mlt',
               stitchup='db_mlt')


def detect_format(path: str) -> str:
    """Guess the format of ``path`` (see module doc)."""
    if osp.isdir(path):
        if any(osp.isfile(osp.join(path, f)) for f in ('class_freq.pkl', )):
            return 'db_mlt'
        if any(osp.isfile(osp.join(path, f))
               for f in ('class.txt', 'distribution.txt', 'img_id.txt')):
            return 'comic'
        raise ValueError(f'{path}: cannot detect the folder format; pass '
                         '--format')
    if path.endswith('.pkl'):
        return 'db_mlt'
    if path.endswith('.json'):
        with open(path, encoding='utf-8') as f:
            head = f.read(1 << 16)
        if '"data_list"' in head:
            return 'standard'
        if '"images"' in head or '"annotations"' in head:
            return 'coco'
        return 'comic'
    return 'list'


def _classes_for(num: int, hint: Optional[str]) -> tuple:
    if hint:
        names = resolve_classes(hint)
        if len(names) != num:
            raise ValueError(f'--classes gives {len(names)} names, the file '
                             f'has {num} classes')
        return names
    if num == len(COCO_CLASSES):
        return COCO_CLASSES
    if num == len(VOC_CLASSES):
        return VOC_CLASSES
    return tuple(f'class_{i}' for i in range(num))


def stats_standard(path: str, args) -> dict:
    ann = load_annotation(path)
    check_unique_images(ann['data_list'], path)
    observed, _ = dense_labels(ann, path)
    split = args.class_split
    if split is None and osp.isfile(osp.join(osp.dirname(path),
                                             'class_split.json')):
        split = osp.join(osp.dirname(path), 'class_split.json')
    classes = ann['metainfo']['classes']
    out = label_statistics(observed, classes, _split(split, len(classes)))
    if split:
        out['split_source'] = split if isinstance(split, str) else 'given'
    if args.audit:
        out['audit'] = audit(ann)
    return out


def stats_list(path: str, args) -> dict:
    classes = resolve_classes(args.classes or 'coco')
    _, labels = read_list_file(path, len(classes))
    observed = list_to_dense(labels, len(classes), fill=args.unlisted)
    return label_statistics(observed, classes,
                            _split(args.class_split, len(classes)))


def stats_db(path: str, args) -> dict:
    if osp.isdir(path):
        data = read_db_folder(path)
        split = data['class_split']
    else:
        data = read_db_class_freq(path)
        split = None
    classes = _classes_for(data['labels'].shape[1], args.classes)
    split = _split(args.class_split, len(classes)) or split
    return label_statistics(data['labels'], classes, split)


def stats_comic(path: str, args) -> dict:
    if osp.isfile(path):
        _, labels = read_comic_json(path)
        classes = _classes_for(labels.shape[1], args.classes)
        observed = np.where(labels == 1, 1, args.unlisted).astype(np.int8)
        return label_statistics(observed, classes,
                                _split(args.class_split, len(classes)))
    data = read_comic_folder(path)
    counts = data['class_counts']
    if counts is not None:
        names = set(counts)
        classes = next((preset for preset in (VOC_CLASSES, COCO_CLASSES)
                        if set(preset) == names), tuple(counts))
        values = [counts[c] for c in classes]
    elif data['distribution'] is not None:
        values = data['distribution'].tolist()
        classes = _classes_for(len(values), args.classes)
    else:
        raise ValueError(f'{path}: neither class.txt nor distribution.txt '
                         'gives per-class counts')
    split = _split(args.class_split, len(classes)) or data['class_split']
    out = label_statistics(None, classes, split, class_counts=values,
                           num_images=(len(data['img_ids'])
                                       if data['img_ids'] else None))
    if data['distribution'] is not None:
        out['distribution_last_line'] = data['distribution'].tolist()
    return out


def stats_coco(path: str, args) -> dict:
    _, classes, labels, info = coco_labels(path, args.rule,
                                           args.keep_unannotated)
    out = label_statistics(labels, classes,
                           _split(args.class_split, len(classes)))
    out['coco'] = {k: v for k, v in info.items() if k != 'category_ids'}
    return out


def _split(split, num_classes: int):
    if split is None:
        return None
    return load_class_split(split, num_classes)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('annotation', help='annotation file or folder')
    parser.add_argument('--format', choices=FORMATS + tuple(ALIASES))
    parser.add_argument('--json', action='store_true',
                        help='print one JSON object')
    parser.add_argument('--classes', help='coco | voc | nus_wide | file')
    parser.add_argument('--unlisted', type=int, choices=(-1, 0), default=-1,
                        help='state of unlisted classes in list / COMIC '
                        'files (default -1)')
    parser.add_argument('--class-split', help='class split JSON')
    parser.add_argument('--split-from-counts', action='store_true',
                        help='derive head/medium/tail from the positives '
                        '(>= 100 / < 20) when no split is given')
    parser.add_argument('--audit', action='store_true',
                        help='standard files: add the toolkit audit')
    parser.add_argument('--rule', choices=('any', 'db'), default='any')
    parser.add_argument('--keep-unannotated', action='store_true')
    cli.add_debug_flag(parser)
    args = parser.parse_args(argv)
    cli.run_cli(lambda: report(args), args.debug)


def report(args: argparse.Namespace) -> None:
    """Compute and print the statistics asked for by ``args``."""
    fmt = ALIASES.get(args.format, args.format) or detect_format(
        args.annotation)
    stats = dict(standard=stats_standard, list=stats_list, db_mlt=stats_db,
                 comic=stats_comic, coco=stats_coco)[fmt](args.annotation,
                                                          args)
    if 'split_sizes' not in stats and args.split_from_counts:
        split = split_from_class_freq(list(stats['class_counts'].values()))
        stats['split_sizes'] = dict(head=len(split['many']),
                                    medium=len(split['medium']),
                                    tail=len(split['few']))
        stats['class_split'] = split
    stats['format'] = fmt
    stats['annotation'] = args.annotation
    if args.json:
        print(json.dumps(stats, sort_keys=True))
    else:
        print(format_statistics(stats, f'{args.annotation} ({fmt})'))
        if 'audit' in stats:
            print('audit: ' + json.dumps(stats['audit'], sort_keys=True))


if __name__ == '__main__':
    main()
