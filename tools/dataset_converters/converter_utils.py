"""Helpers shared by the converters and builders in
``tools/dataset_converters/``: image checks, writing with statistics, and
one-line errors.

A converter's ``__main__`` calls :func:`run_converter`: a bad input is
reported as one line naming the culprit; ``--debug`` keeps the traceback.
"""
import json
import os
import os.path as osp
import sys
from typing import Callable, Dict, List, Optional, Sequence

from mmengine.utils import ProgressBar

from mlc.datasets.annotation import dense_labels
from mlc.datasets.corruptions.common import save_annotation
from mlc.datasets.readers.stats import format_statistics, label_statistics
from mlc.utils.cli import run_cli


def run_converter(main: Callable[[], None]) -> None:
    """Run a converter's ``main`` so that a bad input (a missing or malformed
    file, a refused pickle or checkpoint, ...) exits with one line naming
    the culprit, like ``tools/train.py``. ``--debug`` anywhere on the command
    line is removed before ``main`` parses its arguments and keeps the
    traceback."""
    debug = '--debug' in sys.argv[1:]
    if debug:
        sys.argv.remove('--debug')
    run_cli(main, debug)


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
